"""Who a ticket is from: the signed-in user's token, or the address an anonymous user types."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.respond import ActionRespond, carry_on
from tests.actions.conftest import make_tracker, responses, slot_events

SIGNED_IN = {"role": "mentor", "identity": {
    "kind": "verified", "user_id": "u-42", "email": "alice@example.org", "name": "Alice Martin"}}
DRAFT = {"next_step": "confirm", "ticket_category": "student_unresponsive", "role": "mentor",
         "student_name": "Marie Dupont", "contact_attempts": "3", "ticket_key": "k-1"}
FORM = {"ticket_category": "student_unresponsive", "role": "mentor", "next_step": "ticket",
        "student_name": "Marie Dupont", "contact_attempts": "3", "path": "Développeur web"}


def confirm(slots: dict, metadata: dict | None = None):
    tracker = make_tracker(slots, intent="affirm", metadata=metadata)
    asyncio.run(ActionRespond().run(CollectingDispatcher(), tracker, {}))


def validate(slots: dict, metadata: dict | None = None, text: str = "", intent: str = "inform"):
    """The answer `text` to the question `asked_field` of the slots; without one, what the
    bot asks next once the ticket's details are known."""
    tracker = make_tracker(slots, intent=intent, text=text, metadata=metadata)
    dispatcher = CollectingDispatcher()
    if slots.get("asked_field"):
        result = asyncio.run(ActionRespond().run(dispatcher, tracker, {}))
    else:
        result = carry_on(dispatcher, tracker)
    return dispatcher, slot_events(result, slots)


def test_signed_in_ticket_carries_the_tokens_email_and_name(store):
    """Under a verified identity the ticket's requester is the token's user."""
    confirm(DRAFT, SIGNED_IN)
    [ticket] = store.list()
    assert (ticket.requester_email, ticket.requester_name, ticket.user_id, ticket.identity) == (
        "alice@example.org", "Alice Martin", "u-42", "verified")


def test_signed_in_user_is_not_asked_for_an_email(store):
    """The summary comes once the details are known: the token gave the address."""
    dispatcher, slots = validate(FORM, SIGNED_IN)
    assert slots["asked_field"] is None
    assert responses(dispatcher)[-1] == "utter_ticket_summary"


def test_anonymous_user_is_asked_for_an_email_after_the_details(store):
    """No token: once the details are known the bot asks where to answer."""
    dispatcher, slots = validate(FORM)
    assert slots["asked_field"] == "requester_email"
    assert responses(dispatcher) == ["utter_ask_requester_email"]


def test_typed_email_is_kept_and_the_form_ends(store):
    """A well-formed address is the answer; the summary comes, with the address."""
    dispatcher, slots = validate({**FORM, "asked_field": "requester_email"},
                                 text="c'est alice@Example.org")
    assert slots["requester_email"] == "alice@example.org"
    assert slots["asked_field"] is None
    assert responses(dispatcher) == ["utter_ticket_reply_to", "utter_ticket_summary"]


def test_malformed_email_is_refused_and_asked_again(store):
    """Not an address: the user is told, and the question stays."""
    dispatcher, slots = validate({**FORM, "asked_field": "requester_email"},
                                 text="alice chez example")
    assert responses(dispatcher) == ["utter_invalid_email", "utter_ask_requester_email"]
    assert slots["requester_email"] is None
    assert slots["asked_field"] == "requester_email"


def test_off_topic_reading_of_a_mistyped_address_asks_again(store):
    """A confident off-topic reading of "camille chez example" is no reason to leave."""
    dispatcher, slots = validate({**FORM, "asked_field": "requester_email"},
                                 text="camille chez example", intent="out_of_scope")
    assert "utter_invalid_email" in responses(dispatcher)
    assert slots["asked_field"] == "requester_email"


def test_cancel_instead_of_an_email_stops_the_ticket(store):
    """« laisse tomber » at the e-mail question stops the ticket."""
    dispatcher, slots = validate({**FORM, "asked_field": "requester_email"},
                                 text="laisse tomber", intent="deny")
    assert responses(dispatcher) == ["utter_form_cancelled"]
    assert (slots["ticket_category"], slots["interruption"]) == (None, None)


def test_anonymous_ticket_carries_the_typed_email_as_declared(store):
    """The typed address goes on the ticket, marked declared, with no name nor user id."""
    confirm({**DRAFT, "requester_email": "bob@example.org"})
    [ticket] = store.list()
    assert (ticket.requester_email, ticket.requester_name, ticket.user_id, ticket.identity) == (
        "bob@example.org", None, None, "declared")


def test_metadata_email_without_verified_identity_is_ignored(store):
    """An e-mail a client puts in the metadata proves nothing: identity none."""
    confirm(DRAFT, {"email": "mallory@example.org",
                    "identity": {"kind": "declared", "email": "mallory@example.org"}})
    [ticket] = store.list()
    assert (ticket.requester_email, ticket.identity) == (None, "none")


def test_summary_says_where_the_answer_goes(store):
    """Before the summary, the bot names the address the support team will answer to."""
    dispatcher, _ = validate({**FORM, "requester_email": "bob@example.org"})
    announced = [m for m in dispatcher.messages if m["response"] == "utter_ticket_reply_to"]
    assert [m["requester_email"] for m in announced] == ["bob@example.org"]
    assert responses(dispatcher)[-1] == "utter_ticket_summary"


# ---- the address at the summary ("Modifier") --------------------------------------------------
ANONYMOUS_DRAFT = {**DRAFT, "requester_email": "bob@example.org"}


def at_summary(slots: dict, text: str = "", intent: str = "inform",
               entities: list | None = None, metadata: dict | None = None):
    tracker = make_tracker(slots, intent=intent, text=text, entities=entities,
                           metadata=metadata or {"role": "mentor"})
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionRespond().run(dispatcher, tracker, {}))
    return dispatcher, slot_events(events, slots)


def test_modifier_lists_the_typed_address_after_the_details(store):
    """Anonymous: the list of what can change ends with the address the bot asked."""
    dispatcher, _ = at_summary(ANONYMOUS_DRAFT, entities=[{"entity": "field", "value": "menu"}])
    [asked] = [m for m in dispatcher.messages if m["response"] == "utter_ticket_which_field"]
    assert [b["payload"] for b in asked["buttons"]] == [
        '/inform{"field":"student_name"}', '/inform{"field":"path"}',
        '/inform{"field":"requester_email"}']
    assert asked["buttons"][-1]["title"] == "Adresse e-mail de réponse"  # rules/tickets.yml


def test_a_verified_address_is_not_offered(store):
    """Signed in, the address is the token's proof: "Modifier" lists the details only."""
    dispatcher, _ = at_summary(DRAFT, entities=[{"entity": "field", "value": "menu"}],
                               metadata=SIGNED_IN)
    [asked] = [m for m in dispatcher.messages if m["response"] == "utter_ticket_which_field"]
    assert '/inform{"field":"requester_email"}' not in [b["payload"] for b in asked["buttons"]]


def test_typed_change_of_address_shows_the_summary_with_it(store):
    """"modifier l'email, c'est x@y.fr": the address changes, the summary names the new one."""
    dispatcher, slots = at_summary(ANONYMOUS_DRAFT, text="modifier l'email, c'est camille@y.fr")
    assert slots["requester_email"] == "camille@y.fr"
    announced = [m for m in dispatcher.messages if m["response"] == "utter_ticket_reply_to"]
    assert [m["requester_email"] for m in announced] == ["camille@y.fr"]
    assert responses(dispatcher)[-1] == "utter_ticket_summary"


def test_the_address_button_asks_the_address_again(store):
    """Clicking the address's button empties it and asks it again, in the same run."""
    draft = {**ANONYMOUS_DRAFT, "path": "Développeur web"}  # every detail of the ticket given
    dispatcher, slots = at_summary(draft, text='/inform{"field":"requester_email"}',
                                   entities=[{"entity": "field", "value": "requester_email"}])
    assert slots == {"requester_email": None, "asked_field": "requester_email",
                     "next_step": "ticket"}
    assert responses(dispatcher) == ["utter_ask_requester_email"]


def test_a_verified_address_cannot_be_changed_by_typing(store):
    """Signed in, "modifier l'email, c'est x@y.fr" changes nothing: the ticket keeps the token's."""
    _, slots = at_summary(DRAFT, text="modifier l'email, c'est mallory@y.fr", metadata=SIGNED_IN)
    assert "requester_email" not in slots
    confirm(DRAFT, SIGNED_IN)
    [ticket] = store.list()
    assert ticket.requester_email == "alice@example.org"


def test_the_changed_address_goes_on_the_ticket(store):
    """Confirmed after the change, the ticket carries the new address, still declared."""
    confirm({**ANONYMOUS_DRAFT, "requester_email": "camille@y.fr"})
    [ticket] = store.list()
    assert (ticket.requester_email, ticket.identity) == ("camille@y.fr", "declared")
