"""At the ticket summary, a change of the address the support team answers to (pure).

The address is asked of anonymous users only (actions/business/conversation.py); the summary
reader (dialogue.read_summary_reply) knows the ticket's details, not this address, so its
reading is looked at again here:
- an address in an edit or in a reply it could not read ("modifier l'email, c'est x@y.fr",
  "x@y.fr"): the new address;
- an edit that names the address without giving one ("modifier l'e-mail", "changer mon adresse
  mail"): the address is asked again;
- anything else, or an edit that already gives a detail its new value: unchanged.
"""

from __future__ import annotations

from actions.business import parsing
from actions.business.dialogue import Command, SummaryReply
from actions.business.reply_address import parse_email

# Words that name the address for sure; "adresse" alone may be a link's ("l'adresse de la
# soutenance"), so it names the e-mail only when no detail of the ticket was named.
EMAIL_WORDS = frozenset({"mail", "mails", "email", "emails", "courriel", "courriels", "mel"})
ADDRESS_WORD = "adresse"


def names_the_address(text: str, detail_named: bool) -> bool:
    words = set(parsing.plain_words(text).split())
    return bool(words & EMAIL_WORDS) or (ADDRESS_WORD in words and not detail_named)


def read_address_edit(text: str, reply: SummaryReply, field: str) -> SummaryReply:
    """The summary reply, or the change of the reply address (slot `field`) it asks for."""
    if reply.command not in (Command.EDIT, Command.UNCLEAR) or reply.value is not None:
        return reply
    address = parse_email(text)
    if address is not None:
        return SummaryReply(Command.EDIT, field, address)
    if reply.command is Command.EDIT and names_the_address(text, reply.field is not None):
        return SummaryReply(Command.EDIT, field)
    return reply
