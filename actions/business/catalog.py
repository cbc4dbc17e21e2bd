"""Topics, fields and ticket categories, read from rules/ and cross-checked.

The catalog says, as data, what the assistant does for each topic (answer, rule, ticket), which
details each ticket category needs, and how each detail is understood.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from actions.business.parsing import CHOICE_VOCABULARY
from actions.business.rulebook import ROLES, RULES_DIR, RulebookError, read_yaml

KINDS = frozenset(
    {
        "date", "past_date", "future_date", "month", "count", "yes_no", "invoice_status",
        "funding", "late_case", "person_name", "person_or_url", "url", "text",
    }
)
DECISIONS = frozenset(
    {
        "application_followup", "novice_status", "first_student", "evaluator_status",
        "student_late", "absences", "contacts", "transfer", "invoice_call", "payment",
        "referral", "discount", "scheduling", "pause", "stop", "validated_session",
        "videoconference",
    }
)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    label: str
    optional: bool = False
    feminine: bool = False  # the label's gender: "Raison : non précisée"
    choices: tuple[str, ...] = ()  # a choice kind's options, in their order (rules/fields.yml)


@dataclass(frozen=True)
class FileRequest:
    """The file the help page asks for with a request: its kind (rules/tickets.yml `files`)."""

    kind: str
    label: str
    optional: bool = False  # the page says "si possible"


@dataclass(frozen=True)
class Category:
    name: str
    label: str
    details: dict[str, tuple[str, ...]]  # per role
    reminder: str | None = None
    file: FileRequest | None = None

    def details_for(self, role: str | None) -> tuple[str, ...]:
        return self.details[role or "mentor"]


@dataclass(frozen=True)
class Topic:
    name: str
    label: str
    needs_role: bool
    decision: dict[str, str | None]  # per role
    ticket: dict[str, str | None]  # per role
    more: dict[str, str | None] = field(default_factory=dict)  # per role: a second bubble

    def more_for(self, role: str | None) -> str | None:
        """The response that continues a long answer in a second bubble, if any."""
        return self.more.get(role or "mentor")

    def decision_for(self, role: str | None) -> str | None:
        return self.decision[role or "mentor"]

    def ticket_for(self, role: str | None) -> str | None:
        return self.ticket[role or "mentor"]


@dataclass(frozen=True)
class Catalog:
    topics: dict[str, Topic]
    fields: dict[str, Field]
    categories: dict[str, Category]
    choices: dict[str, dict[str, str]]  # kind -> option -> label, in the offered order
    # How "Modifier" at the summary names the address an anonymous user gave for the answer.
    reply_address_label: str = ""

    @property
    def late_case_labels(self) -> dict[str, str]:
        return self.choices["late_case"]


def _keys(data: dict[str, Any], allowed: set[str], required: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    missing = sorted(required - set(data))
    if unknown:
        raise RulebookError(f"{where}: unknown key(s) {unknown}")
    if missing:
        raise RulebookError(f"{where}: missing key(s) {missing}")


def _per_role(value: Any, where: str) -> dict[str, Any]:
    """A value given once for all roles, or as {mentor: ..., coach: ...} (a role may be absent)."""
    if isinstance(value, dict):
        _keys(value, set(ROLES), set(), where)
        return {role: value.get(role) for role in ROLES}
    return {role: value for role in ROLES}


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RulebookError(f"{where}.{key}: expected a non-empty text")
    return value


def _fields(data: dict[str, Any]) -> dict[str, Field]:
    result = {}
    for name, spec in data.items():
        where = f"fields.{name}"
        if not isinstance(spec, dict):
            raise RulebookError(f"{where}: expected a mapping")
        _keys(spec, {"kind", "label", "optional", "feminine"}, {"kind", "label"}, where)
        if spec["kind"] not in KINDS:
            raise RulebookError(f"{where}: unknown kind {spec['kind']!r}")
        flags = {key: spec.get(key, False) for key in ("optional", "feminine")}
        for key, value in flags.items():
            if not isinstance(value, bool):
                raise RulebookError(f"{where}.{key}: expected true or false")
        result[name] = Field(name, spec["kind"], _text(spec, "label", where), **flags)
    return result


def _file_kinds(data: Any) -> dict[str, str]:
    """Kinds of file a request may ask for, and the label the summary shows."""
    if not isinstance(data, dict) or not data:
        raise RulebookError("tickets.yml: files must map each kind of file to its label")
    for kind, label in data.items():
        if not isinstance(kind, str) or not kind.isidentifier():
            raise RulebookError(f"files: {kind!r} is not a plain name (utter_ask_file_<kind>)")
        if not isinstance(label, str) or not label.strip():
            raise RulebookError(f"files.{kind}: expected a non-empty label")
    return dict(data)


def _file_request(spec: Any, kinds: dict[str, str], where: str) -> FileRequest | None:
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise RulebookError(f"{where}: expected {{kind: ..., optional: true|false}}")
    _keys(spec, {"kind", "optional"}, {"kind"}, where)
    if spec["kind"] not in kinds:
        raise RulebookError(f"{where}.kind: unknown kind of file {spec['kind']!r}")
    optional = spec.get("optional", False)
    if not isinstance(optional, bool):
        raise RulebookError(f"{where}.optional: expected true or false")
    return FileRequest(spec["kind"], kinds[spec["kind"]], optional)


def _categories(
    data: dict[str, Any], fields: dict[str, Field], kinds: dict[str, str] | None = None,
) -> dict[str, Category]:
    result = {}
    for name, spec in data.items():
        where = f"categories.{name}"
        if not isinstance(spec, dict):
            raise RulebookError(f"{where}: expected a mapping")
        _keys(spec, {"label", "details", "reminder", "file"}, {"label", "details"}, where)
        file = _file_request(spec.get("file"), kinds or {}, f"{where}.file")
        if spec.get("reminder") and (file is None or file.optional):
            raise RulebookError(f"{where}.reminder: only for a required file (shown without it)")
        details = _per_role(spec["details"], f"{where}.details")
        for role, names in details.items():
            if not isinstance(names, list) or not names:
                raise RulebookError(f"{where}.details: role {role} needs a non-empty list")
            for detail in names:
                if detail not in fields:
                    raise RulebookError(f"{where}.details: unknown field {detail!r}")
        result[name] = Category(
            name,
            _text(spec, "label", where),
            {role: tuple(names) for role, names in details.items()},
            spec.get("reminder"),
            file,
        )
    return result


def _topics(data: dict[str, Any], categories: dict[str, Category]) -> dict[str, Topic]:
    result = {}
    for name, spec in data.items():
        where = f"topics.{name}"
        if not isinstance(spec, dict):
            raise RulebookError(f"{where}: expected a mapping")
        _keys(spec, {"label", "needs_role", "decision", "ticket", "more"}, {"label"}, where)
        decision = _per_role(spec.get("decision"), f"{where}.decision")
        ticket = _per_role(spec.get("ticket"), f"{where}.ticket")
        more = _per_role(spec.get("more"), f"{where}.more")
        for value in more.values():
            if value is not None and not (isinstance(value, str) and value.startswith("utter_")):
                raise RulebookError(f"{where}.more: expected a response name (utter_...)")
        for value in decision.values():
            if value is not None and value not in DECISIONS:
                raise RulebookError(f"{where}.decision: unknown rule {value!r}")
        for value in ticket.values():
            if value is not None and value not in categories:
                raise RulebookError(f"{where}.ticket: unknown category {value!r}")
        needs_role = spec.get("needs_role", False)
        if not isinstance(needs_role, bool):
            raise RulebookError(f"{where}.needs_role: expected true or false")
        result[name] = Topic(name, _text(spec, "label", where), needs_role, decision, ticket, more)
    return result


def load_catalog(folder: Path = RULES_DIR) -> Catalog:
    """Read topics.yml, fields.yml and tickets.yml and check they agree with each other."""
    fields_file = read_yaml(folder / "fields.yml")
    _keys(fields_file, {"fields", "choices"}, {"fields", "choices"}, "fields.yml")
    tickets_file = read_yaml(folder / "tickets.yml")
    _keys(tickets_file, {"categories", "files", "reply_address"},
          {"categories", "files", "reply_address"}, "tickets.yml")
    topics_file = read_yaml(folder / "topics.yml")
    _keys(topics_file, {"topics"}, {"topics"}, "topics.yml")

    choices = _choices(fields_file["choices"])
    fields = {name: dataclasses.replace(field, choices=tuple(choices.get(field.kind, ())))
              for name, field in _fields(fields_file["fields"]).items()}
    categories = _categories(tickets_file["categories"], fields,
                             _file_kinds(tickets_file["files"]))
    if "other" not in categories:
        raise RulebookError("tickets.yml: the category 'other' is required (fallback tickets)")
    topics = _topics(topics_file["topics"], categories)
    reply_address = tickets_file["reply_address"]
    if not isinstance(reply_address, dict):
        raise RulebookError("tickets.yml: reply_address must be a mapping with a label")
    _keys(reply_address, {"label"}, {"label"}, "tickets.yml: reply_address")
    return Catalog(topics, fields, categories, choices,
                   _text(reply_address, "label", "tickets.yml: reply_address"))


def _choices(data: Any) -> dict[str, dict[str, str]]:
    """Each choice kind's options and labels; the options are those its reader recognises."""
    if not isinstance(data, dict) or set(data) != set(CHOICE_VOCABULARY):
        raise RulebookError(f"fields.yml: choices must list exactly {sorted(CHOICE_VOCABULARY)}")
    result = {}
    for kind, options in data.items():
        where = f"fields.yml: choices.{kind}"
        if not isinstance(options, dict) or not all(isinstance(v, str) for v in options.values()):
            raise RulebookError(f"{where}: must map each option to a label")
        if set(options) != CHOICE_VOCABULARY[kind]:
            raise RulebookError(f"{where}: options must be {sorted(CHOICE_VOCABULARY[kind])}")
        result[kind] = dict(options)
    return result


@lru_cache(maxsize=4)
def cached_catalog(folder: Path = RULES_DIR) -> Catalog:
    """The catalog, read once per process."""
    return load_catalog(folder)
