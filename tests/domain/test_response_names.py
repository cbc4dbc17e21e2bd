"""Every response name the actions can send exists in the domain."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from actions.business.catalog import KINDS, load_catalog
from actions.business.questions import EMAIL
from actions.business.rulebook import ROLES
from tests.domain.test_answers import RESPONSES

ACTIONS = Path(__file__).resolve().parents[2] / "actions"


def literal_names() -> set[str]:
    """Whole response names written in the code (pieces of f-strings are built_names' job)."""
    names = set()
    for path in ACTIONS.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        pieces = {id(c) for f in ast.walk(tree) if isinstance(f, ast.JoinedStr) for c in f.values}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in pieces and re.fullmatch(r"utter_[a-z0-9_]+", node.value):
                names.add(node.value)
    return names - PREFIXES - RASA_KEYS


# Passed to decisions._prerequisites and _warned_first, which append a suffix.
PREFIXES = {"utter_novice", "utter_evaluator", "utter_transfer", "utter_pause", "utter_stop"}
# Keys of Rasa's events, not responses (a bot event's metadata names its response so).
RASA_KEYS = {"utter_action"}


def built_names() -> set[str]:
    """Names the code builds from data: topics, kinds, roles, prerequisites, reminders."""
    catalog = load_catalog()
    names = {f"utter_{topic}" for topic in catalog.topics if topic != "out_of_scope"}
    names |= {f"utter_invalid_{kind}" for kind in KINDS}
    names |= {f"utter_application_{when}_{role}" for when in ("wait", "late") for role in ROLES}
    names |= {f"utter_novice_{n}" for n in ("novice_course_done", "novice_sheet_complete", "ok")}
    names |= {f"utter_evaluator_{n}" for n in (
        "evaluator_path_eligible", "evaluator_course_done", "webinar_attended", "ok")}
    names |= {f"utter_{p}_{n}" for p in ("transfer", "pause", "stop")
              for n in ("warn_first", "write")}
    names |= {more for topic in catalog.topics.values() for more in topic.more.values() if more}
    names |= {c.reminder for c in catalog.categories.values() if c.reminder}
    # the questions action_respond asks (actions/business/questions.py)
    names |= {f"utter_ask_{name}" for name in [*catalog.fields, EMAIL]}
    names |= {f"utter_ask_file_{c.file.kind}" for c in catalog.categories.values() if c.file}
    return names


def test_every_response_the_actions_send_exists():
    """A renamed or missing response fails here, not in front of a user."""
    missing = sorted((literal_names() | built_names()) - set(RESPONSES))
    assert missing == []
