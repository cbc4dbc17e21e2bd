"""What comes after an answer: the next question, the rule's decision, or the ticket's summary.

One pure function, `next_question`, from where the questions stand (`Progress`: the rule being
applied or the ticket being drafted, the role, the values given so far, whether the file and the
reply address are still needed) and today. actions/business/conversation.py reads the user's
answer, applies it, and carries out what this returns in the same turn: one action-server call
per turn.
The rule is applied once per call (`decisions.step`), and its outcome is handed over as is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as default
from datetime import date

from actions.business.catalog import Catalog
from actions.business.decisions import Ask, Outcome, step
from actions.business.fields import is_canonical
from actions.business.rulebook import Rules
from actions.business.turn import Step

# The two questions of a ticket that are no field of rules/fields.yml (slots of the same name).
FILE = "ticket_file"  # the file the category comes with (question utter_ask_file_<kind>)
EMAIL = "requester_email"  # the address to answer to, for an anonymous user


@dataclass(frozen=True)
class Progress:
    """Where the questions stand, read from the slots once the answer is applied."""

    rule: str | None = None  # the decision rule being applied (its questions come first)
    category: str | None = None  # the ticket being drafted (when no rule is being applied)
    role: str | None = None
    values: Mapping[str, object] = default(default_factory=dict)  # every slot asked, or None
    file_kind: str | None = None  # the category asks for a file of this kind
    needs_email: bool = False  # nobody signed in and no address given yet


@dataclass(frozen=True)
class AskFor:
    """Ask this question (`field`: a field of rules/fields.yml, FILE or EMAIL), then wait for
    its answer at `step` (DECISION inside a rule, TICKET inside a ticket)."""

    field: str
    step: Step

    @property
    def response(self) -> str:
        return f"utter_ask_{self.field}"


@dataclass(frozen=True)
class AskForFile(AskFor):
    """The category's file: its question depends on the kind of file."""

    kind: str = ""

    @property
    def response(self) -> str:
        return f"utter_ask_file_{self.kind}"


@dataclass(frozen=True)
class Decided:
    """The rule has every fact it needs: its outcome (a ticket to open, or not)."""

    rule: str
    outcome: Outcome


@dataclass(frozen=True)
class Summarised:
    """Every detail of the ticket is given: the summary, then Confirmer / Modifier / Annuler."""

    category: str


@dataclass(frozen=True)
class NothingToAsk:
    """No rule and no ticket in progress."""


Next = AskFor | Decided | Summarised | NothingToAsk


def next_question(progress: Progress, catalog: Catalog, today: date, rules: Rules) -> Next:
    """The rule's next question or its decision; else the ticket's next question or summary.

    A rule reads only the values already read (a raw text kept as typed is no fact); a ticket
    counts any value given, kept as typed or skipped included."""
    if progress.rule:
        fields = catalog.fields
        facts: dict[str, str | None] = {}
        for name in fields:
            value = progress.values.get(name)
            facts[name] = value if isinstance(value, str) and is_canonical(fields[name],
                                                                            value) else None
        found = step(progress.rule, progress.role, facts, today, rules)
        if isinstance(found, Ask):
            return AskFor(found.fact, Step.DECISION)
        return Decided(progress.rule, found)
    if not progress.category:
        return NothingToAsk()
    details = catalog.categories[progress.category].details_for(progress.role)
    missing = next((name for name in details if progress.values.get(name) is None), None)
    if missing:
        return AskFor(missing, Step.TICKET)
    if progress.file_kind and progress.values.get(FILE) is None:
        return AskForFile(FILE, Step.TICKET, progress.file_kind)
    if progress.needs_email and progress.values.get(EMAIL) is None:
        return AskFor(EMAIL, Step.TICKET)
    return Summarised(progress.category)
