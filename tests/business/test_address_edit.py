"""address_edit: at the ticket summary, which replies change the address the answer goes to."""

from __future__ import annotations

import pytest

from actions.business.address_edit import read_address_edit
from actions.business.dialogue import Command, SummaryReply

FIELD = "requester_email"
EDIT = SummaryReply(Command.EDIT)


@pytest.mark.parametrize(("text", "reply", "address"), [
    ("modifier l'email, c'est camille.b@exemple.fr", EDIT, "camille.b@exemple.fr"),
    ("changer l'adresse : Camille@Exemple.FR", EDIT, "Camille@exemple.fr"),
    ("en fait mon mail c'est camille@exemple.fr", EDIT, "camille@exemple.fr"),
    # The reader took the ticket's only detail; the address typed says what is meant.
    ("modifier, c'est camille@exemple.fr", SummaryReply(Command.EDIT, "path"),
     "camille@exemple.fr"),
    ("camille@exemple.fr", SummaryReply(Command.UNCLEAR), "camille@exemple.fr"),
])
def test_a_typed_address_is_the_new_address(text, reply, address):
    """An address in an edit, or alone, replaces the reply address."""
    assert read_address_edit(text, reply, FIELD) == SummaryReply(Command.EDIT, FIELD, address)


@pytest.mark.parametrize("text", ["modifier l'email", "changer mon adresse mail",
                                  "je veux corriger le courriel", "modifier l'adresse"])
def test_naming_the_address_without_one_asks_it_again(text):
    """"modifier l'e-mail": the edit is the address's, its new value still to ask."""
    assert read_address_edit(text, EDIT, FIELD) == SummaryReply(Command.EDIT, FIELD)


@pytest.mark.parametrize(("text", "reply"), [
    # "l'adresse" of a link the reader already recognised stays that detail.
    ("modifier l'adresse de la soutenance", SummaryReply(Command.EDIT, "defense_link")),
    # A detail given with its value is that detail's change.
    ("modifier le mois, c'est novembre", SummaryReply(Command.EDIT, "invoice_month", "2026-11")),
    ("confirmer", SummaryReply(Command.CONFIRM)),
    ("annuler", SummaryReply(Command.CANCEL)),
    # Not an edit: mails mentioned in a question are no change of address.
    ("il ne répond pas à mes mails", SummaryReply(Command.UNCLEAR)),
    ("modifier", EDIT),
])
def test_other_replies_are_unchanged(text, reply):
    """Commands, other details and mere mentions of mails are left as the reader read them."""
    assert read_address_edit(text, reply, FIELD) == reply
