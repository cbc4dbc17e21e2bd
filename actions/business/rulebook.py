"""The support team's thresholds, read from rules/*.yml and validated strictly.

A missing key, an unknown key, a wrong type or an out-of-range number fails loudly: a typo in a
rules file must stop the action server at start-up, never fall back to a silent default.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import yaml

from actions.business.parsing import FUNDING_MODES, LATE_CASES

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
RULE_FILES = ("general.yml", "invoicing.yml", "students.yml", "applications.yml")
CATALOG_FILES = ("topics.yml", "fields.yml", "tickets.yml")
ROLES = ("mentor", "coach")


class RulebookError(ValueError):
    """A rules file is missing, malformed, or holds an unknown or missing key."""


def _range(low: int, high: int) -> dict[str, tuple[int, int]]:
    return {"range": (low, high)}


@dataclass(frozen=True)
class InvoiceCall:
    usual_day: int = field(metadata=_range(1, 28))
    last_waiting_day: int = field(metadata=_range(1, 28))


@dataclass(frozen=True)
class Payment:
    payment_deadline_days: int = field(metadata=_range(1, 365))
    bank_delay_days: int = field(metadata=_range(0, 60))


@dataclass(frozen=True)
class Absences:
    consecutive_for_alert: int = field(metadata=_range(1, 20))
    justification_hours: int = field(metadata=_range(1, 720))


@dataclass(frozen=True)
class Contacts:
    min_attempts: int = field(metadata=_range(1, 20))


@dataclass(frozen=True)
class FirstStudent:
    wait_months: int = field(metadata=_range(1, 24))


@dataclass(frozen=True)
class StudentLate:
    alert_cases: tuple[str, ...]


@dataclass(frozen=True)
class ApplicationFollowup:
    business_days: dict[str, int] = field(metadata=_range(1, 60))


@dataclass(frozen=True)
class Referral:
    min_sessions: int = field(metadata=_range(1, 100))


@dataclass(frozen=True)
class Discount:
    percent: int = field(metadata=_range(1, 100))
    eligible_funding: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    timezone: str
    holidays_country: str
    invoice_call: InvoiceCall
    payment: Payment
    absences: Absences
    contacts: Contacts
    first_student: FirstStudent
    student_late: StudentLate
    application_followup: ApplicationFollowup
    referral: Referral
    discount: Discount
    # Days a conversation is kept after its last message (python -m actions.privacy purge).
    personal_data_retention_days: int = field(metadata=_range(1, 3650))


def build(cls: type, data: Any, where: str) -> Any:
    """Build the dataclass `cls` from `data`, checking keys, types and ranges."""
    if not isinstance(data, dict):
        raise RulebookError(f"{where}: expected a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(data) - set(names))
    missing = [n for n in names if n not in data]
    if unknown:
        raise RulebookError(f"{where}: unknown key(s) {unknown}")
    if missing:
        raise RulebookError(f"{where}: missing key(s) {missing}")
    values = {}
    for f in dataclasses.fields(cls):
        values[f.name] = _value(hints[f.name], data[f.name], f"{where}.{f.name}", f.metadata)
    return cls(**values)


def _value(hint: Any, raw: Any, where: str, metadata: Any) -> Any:
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return build(hint, raw, where)
    origin = typing.get_origin(hint)
    if hint is int:
        return _integer(raw, where, metadata.get("range"))
    if hint is str:
        if not isinstance(raw, str) or not raw:
            raise RulebookError(f"{where}: expected a non-empty text")
        return raw
    if origin is tuple:
        if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
            raise RulebookError(f"{where}: expected a non-empty list of texts")
        return tuple(raw)
    if origin is dict:
        if not isinstance(raw, dict) or set(raw) != set(ROLES):
            raise RulebookError(f"{where}: expected exactly the keys {list(ROLES)}")
        return {k: _integer(v, f"{where}.{k}", metadata.get("range")) for k, v in raw.items()}
    raise RulebookError(f"{where}: unsupported type {hint}")  # pragma: no cover


def _integer(raw: Any, where: str, bounds: tuple[int, int] | None) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise RulebookError(f"{where}: expected a whole number, got {raw!r}")
    if bounds and not bounds[0] <= raw <= bounds[1]:
        raise RulebookError(f"{where}: {raw} is outside {bounds[0]}..{bounds[1]}")
    return raw


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML that refuses a key written twice in one mapping (YAML would keep the last)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        twice = sorted({str(k) for k in keys if keys.count(k) > 1})
        if twice:
            raise yaml.constructor.ConstructorError(
                None, None, f"key(s) {twice} written twice", node.start_mark)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> dict[str, Any]:
    """One rules file as a mapping; unreadable or non-mapping files fail loudly."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506
    except (OSError, yaml.YAMLError) as error:
        raise RulebookError(f"{path.name}: cannot read ({error})") from error
    if not isinstance(data, dict):
        raise RulebookError(f"{path.name}: expected a mapping at the top level")
    return data


def check_folder(folder: Path) -> None:
    """Every .yml file in the folder must be one we know: none is silently ignored."""
    known = set(RULE_FILES) | set(CATALOG_FILES)
    strangers = sorted(p.name for p in folder.glob("*.yml") if p.name not in known)
    if strangers:
        raise RulebookError(f"unknown rules file(s) {strangers} in {folder}")


def load_rules(folder: Path = RULES_DIR) -> Rules:
    """Read and validate the thresholds of every rule."""
    check_folder(folder)
    merged: dict[str, Any] = {}
    for name in RULE_FILES:
        for key, value in read_yaml(folder / name).items():
            if key in merged:
                raise RulebookError(f"{name}: key {key!r} is defined twice")
            merged[key] = value
    rules = build(Rules, merged, "rules")
    check_values(rules)
    return rules


def check_values(rules: Rules) -> None:
    """Values that must name something real: a typo fails here, not at the first question."""
    if rules.invoice_call.last_waiting_day < rules.invoice_call.usual_day:
        raise RulebookError("invoice_call: last_waiting_day must not be before usual_day")
    try:
        ZoneInfo(rules.timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RulebookError(f"timezone: unknown time zone {rules.timezone!r}") from error
    try:
        holidays.country_holidays(rules.holidays_country)
    except NotImplementedError as error:
        country = rules.holidays_country
        raise RulebookError(f"holidays_country: unknown country {country!r}") from error
    unknown_cases = sorted(set(rules.student_late.alert_cases) - set(LATE_CASES))
    if unknown_cases:
        raise RulebookError(f"student_late.alert_cases: unknown case(s) {unknown_cases}")
    unknown_funding = sorted(set(rules.discount.eligible_funding) - set(FUNDING_MODES))
    if unknown_funding:
        raise RulebookError(f"discount.eligible_funding: unknown mode(s) {unknown_funding}")


@lru_cache(maxsize=4)
def cached_rules(folder: Path = RULES_DIR) -> Rules:
    """The rules, read once per process (the action server restarts to pick up changes)."""
    return load_rules(folder)
