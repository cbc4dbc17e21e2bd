"""Tests for actions.business.catalog: topics, fields and ticket categories of rules/.

The expected tables are copied from SPEC.md (intent catalogue, tables "Rules" and "Tickets"), with
SPEC's wording mapped to the field names of rules/fields.yml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.business import catalog as catalog_module
from actions.business.catalog import Catalog, load_catalog
from actions.business.parsing import LATE_CASES
from actions.business.rulebook import RulebookError
from tests.business.rules_copy import DELETE, edit

# SPEC, "Intent catalogue": every topic intent.
SPEC_TOPICS = (
    "become_mentor", "become_coach", "application_followup", "leave_novice_status",
    "first_student_wait", "more_students", "other_paths", "evaluator_status",
    "student_admin_question", "student_late", "student_unresponsive", "transfer_student",
    "end_coaching", "coaching_tips", "extra_sessions", "pause_activity", "stop_activity",
    "free_session", "contract_2024", "legal_structure", "weekly_meetings", "invoicing_how",
    "invoice_call_missing", "payment_missing", "invoice_dispute", "additional_services_invoice",
    "referral_bonus", "mentor_discount", "schedule_session_problem", "complete_session_problem",
    "validated_session_error", "schedule_defense_problem", "validated_defense_error",
    "defense_result_doubt", "videoconference_problem", "project_doubt", "content_error",
    "content_suggestion", "platform_question", "external_tool", "consultant_mission",
    "learning_team_jobs", "contact_category",
)

# SPEC, table "Rules": which topic applies which rule, for which role.
SPEC_DECISIONS = [
    ("invoice_call_missing", "mentor", "invoice_call"),
    ("invoice_call_missing", "coach", "invoice_call"),
    ("payment_missing", "mentor", "payment"),
    ("payment_missing", "coach", "payment"),
    ("student_unresponsive", "mentor", "absences"),
    ("student_unresponsive", "coach", "contacts"),
    ("student_late", "mentor", "student_late"),
    ("schedule_session_problem", "mentor", "scheduling"),
    ("schedule_session_problem", "coach", "scheduling"),
    ("application_followup", "mentor", "application_followup"),
    ("application_followup", "coach", "application_followup"),
    ("first_student_wait", "mentor", "first_student"),
    ("transfer_student", "mentor", "transfer"),
    ("transfer_student", "coach", "transfer"),
    ("leave_novice_status", "mentor", "novice_status"),
    ("evaluator_status", "mentor", "evaluator_status"),
    ("referral_bonus", "mentor", "referral"),
    ("mentor_discount", "mentor", "discount"),
]
# Issue 14: rules the help page implies beyond SPEC's table (warn the students before a pause or a
# stop; the page's own fix before a ticket for a validated session or a videoconference problem).
PAGE_DECISIONS = [
    ("pause_activity", "mentor", "pause"),
    ("pause_activity", "coach", "pause"),
    ("stop_activity", "mentor", "stop"),
    ("stop_activity", "coach", "stop"),
    ("validated_session_error", "mentor", "validated_session"),
    ("validated_session_error", "coach", "validated_session"),
    ("videoconference_problem", "mentor", "videoconference"),
]

# SPEC, table "Tickets": the required details of each category, in SPEC's order.
SPEC_TICKETS: dict[str, Any] = {
    "application_blocked": ("blocked_where",),
    "novice_status": ("novice_course_done", "novice_sheet_complete"),
    "no_student_yet": ("available_since",),
    "student_alert": ("alert_case", "student_name", "path"),
    "student_unresponsive": {
        "mentor": ("student_name", "path"),
        "coach": ("student_name", "contact_attempts"),
    },
    "transfer": ("student_warned", "student_name", "transfer_date", "transfer_reason"),
    # Issue 14: the pause and stop tickets confirm the students were warned, as transfer does.
    "pause": ("students_warned", "pause_from", "pause_until", "students_concerned"),
    "stop": ("students_warned", "stop_date", "students_availability", "stop_reason"),
    "free_session": ("free_session_details",),
    "evaluator_status": ("webinar_keyword",),
    "invoice_call_missing": ("invoice_month",),
    "payment_missing": ("invoice_month", "invoice_status", "status_since"),
    # Issue 14: the page asks the detail of the sessions counted of coaches only.
    "invoice_dispute": {
        "mentor": ("invoice_month", "dispute_details"),
        "coach": ("invoice_month", "counted_sessions"),
    },
    "session_scheduling": ("student_name", "session_date", "failure_point"),
    "session_completion": ("several_sessions", "several_browsers"),
    "validated_session_fix": ("student_name", "path", "session_issue"),
    "defense_fix": ("defense_link", "defense_changes"),
    # Issue 14: "l'étudiant concerné (ou le lien vers son tableau de bord)".
    "defense_dispute": ("defense_link", "path", "student_ref", "disagreement_reason"),
    "videoconference": ("problem_nature", "session_link"),
    "project_doubt": ("path", "project", "doubt_point"),
    "content_error": ("error_location", "error_reason"),
    "content_suggestion": ("content_concerned", "improvement"),
    "platform": ("wanted_action", "blocked_where"),
    "external_tool": ("tool_name", "project_or_path", "tool_need"),
    "mentor_discount": ("path", "start_date"),
    # Issue 14: the page asks no reason for taking the student out of the coaching.
    "end_coaching": ("student_name",),
    "add_path": ("path_names",),
    "student_disengaged": ("student_name", "what_happens"),
    "other": ("description",),
    # Issue 14: the mentors' page asks the student's name and path for an administrative question.
    "student_admin": ("student_name", "path", "description"),
}
TICKET_ROWS = [
    (category, role, details[role] if isinstance(details, dict) else details)
    for category, details in SPEC_TICKETS.items()
    for role in ("mentor", "coach")
]

# SPEC, table "Tickets": the reminders ("reminder: attach ...").
SPEC_REMINDERS = [
    ("novice_status", "utter_reminder_sheet"),
    ("evaluator_status", "utter_reminder_certificate"),
    ("session_completion", "utter_reminder_full_screenshot"),
    ("add_path", "utter_reminder_cv"),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()




@pytest.fixture
def libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read the catalog files with libyaml: same mappings, ten times faster than pure Python.

    File reading itself is tested in test_rulebook.py; here only the catalog's checks matter.
    """

    def read(path: Path) -> dict[str, Any]:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

    monkeypatch.setattr(catalog_module, "read_yaml", read)




# --------------------------------------------------------------------------- the real catalog


def test_untouched_copy_loads_like_the_real_folder(folder: Path, catalog: Catalog) -> None:
    """A copy of rules/ loads to the same catalog: every failure below comes from its one edit."""
    assert load_catalog(folder) == catalog


@pytest.mark.parametrize("topic", SPEC_TOPICS)
def test_every_spec_topic_is_in_the_catalog(catalog: Catalog, topic: str) -> None:
    """Each topic intent of SPEC's catalogue has an entry saying what the assistant does."""
    assert topic in catalog.topics


def test_catalog_has_no_topic_beyond_the_spec(catalog: Catalog) -> None:
    """Besides SPEC's topics, only the out-of-scope fallback has an entry."""
    assert set(catalog.topics) - set(SPEC_TOPICS) == {"out_of_scope"}


def test_out_of_scope_offers_an_other_ticket(catalog: Catalog) -> None:
    """SPEC: unknown or off-topic questions get an offer to open a ticket in category 'autre'."""
    topic = catalog.topics["out_of_scope"]
    assert (topic.ticket_for("mentor"), topic.ticket_for("coach")) == ("other", "other")


@pytest.mark.parametrize(
    ("topic", "role", "decision"), SPEC_DECISIONS + PAGE_DECISIONS,
    ids=[f"{topic}-{role}" for topic, role, _ in SPEC_DECISIONS + PAGE_DECISIONS],
)
def test_spec_rule_is_applied_for_its_topic(
    catalog: Catalog, topic: str, role: str, decision: str
) -> None:
    """Each rule of SPEC's table "Rules" is attached to its topic, for the right role."""
    assert catalog.topics[topic].decision_for(role) == decision


def test_role_dependent_topics_ask_the_role(catalog: Catalog) -> None:
    """A topic whose rule or ticket differs by role asks "mentor or coach?" when unknown."""
    differing = [
        name for name, topic in catalog.topics.items()
        if topic.decision["mentor"] != topic.decision["coach"]
        or topic.ticket["mentor"] != topic.ticket["coach"]
    ]
    assert differing
    assert [name for name in differing if not catalog.topics[name].needs_role] == []


def test_catalog_categories_are_exactly_the_spec_ones(catalog: Catalog) -> None:
    """tickets.yml holds SPEC's ticket categories (and issue 14's student_admin), no other."""
    assert set(catalog.categories) == set(SPEC_TICKETS)


@pytest.mark.parametrize(
    ("category", "role", "details"), TICKET_ROWS,
    ids=[f"{category}-{role}" for category, role, _ in TICKET_ROWS],
)
def test_ticket_category_carries_the_spec_details(
    catalog: Catalog, category: str, role: str, details: tuple[str, ...]
) -> None:
    """Each category asks SPEC's required details for the role, in SPEC's order."""
    assert catalog.categories[category].details_for(role) == details


@pytest.mark.parametrize(
    ("category", "reminder"), SPEC_REMINDERS, ids=[row[0] for row in SPEC_REMINDERS]
)
def test_ticket_category_reminds_what_to_attach(
    catalog: Catalog, category: str, reminder: str
) -> None:
    """The categories where SPEC says "reminder: attach ..." show that reminder."""
    assert catalog.categories[category].reminder == reminder


# The help page: which requests come with a file, and where it says "si possible".
PAGE_FILES = {
    "novice_status": ("self_evaluation_sheet", False),
    "evaluator_status": ("course_certificate", False),
    "add_path": ("cv", False),
    "session_completion": ("full_screenshot", False),
    "content_error": ("screenshot", True),
    "application_blocked": ("screenshot", True),
    "platform": ("screenshot", True),
}


def test_categories_ask_the_files_the_page_asks_for(catalog: Catalog) -> None:
    """Exactly the categories whose section asks for a file ask for it, optional where the page
    says "si possible" (or lists a screenshot among ways to locate an error)."""
    asked = {name: (category.file.kind, category.file.optional)
             for name, category in catalog.categories.items() if category.file}
    assert asked == PAGE_FILES


def test_only_spec_optional_details_can_be_skipped(catalog: Catalog) -> None:
    """SPEC marks the transfer and stop reasons optional; a mentor's dispute detail is too (the
    page asks mentors only to contact the team)."""
    optional = {name for name, field in catalog.fields.items() if field.optional}
    assert optional == {"transfer_reason", "stop_reason", "dispute_details"}


def test_student_admin_question_ticket_for_mentors_only(catalog: Catalog) -> None:
    """Mentors may write with the student's name and path; the coaches' section only sends the
    student to the Support étudiant, so coaches are offered no ticket."""
    topic = catalog.topics["student_admin_question"]
    assert (topic.ticket_for("mentor"), topic.ticket_for("coach")) == ("student_admin", None)
    assert catalog.categories["student_admin"].details_for("mentor")[:2] == (
        "student_name", "path")


@pytest.mark.parametrize(
    "topic", ["schedule_defense_problem", "validated_session_error", "videoconference_problem"])
def test_topics_with_a_fix_on_the_page_offer_no_ticket_straight_away(
    catalog: Catalog, topic: str
) -> None:
    """The page gives a fix (let the student schedule; internal note; report from the tool):
    no ticket is offered after the answer, a rule decides whether the team is needed."""
    entry = catalog.topics[topic]
    assert (entry.ticket_for("mentor"), entry.ticket_for("coach")) == (None, None)


def test_details_without_role_are_the_mentor_ones(catalog: Catalog) -> None:
    """With the role unknown, a category's details default to the mentor's."""
    category = catalog.categories["student_unresponsive"]
    assert category.details_for(None) == ("student_name", "path")


FIELD_KINDS = [
    ("invoice_month", "month"),
    ("status_since", "past_date"),
    ("application_date", "past_date"),
    ("available_since", "past_date"),
    ("pause_until", "future_date"),
    ("start_date", "future_date"),
    ("session_date", "date"),
    ("absences_count", "count"),
    ("contact_attempts", "count"),
    ("student_warned", "yes_no"),
    ("student_name", "person_name"),
    ("defense_link", "url"),
    ("student_ref", "person_or_url"),
    ("last_absence_date", "past_date"),
    ("late_case", "late_case"),
    ("alert_case", "late_case"),
    ("invoice_status", "invoice_status"),
    ("funding_mode", "funding"),
]


@pytest.mark.parametrize(("name", "kind"), FIELD_KINDS, ids=[row[0] for row in FIELD_KINDS])
def test_field_is_understood_as_its_kind(catalog: Catalog, name: str, kind: str) -> None:
    """Each fact is read by the parser matching its meaning (a date since when is in the past)."""
    assert catalog.fields[name].kind == kind


@pytest.mark.parametrize("case", (*LATE_CASES, "none"))
def test_every_late_case_has_a_label(catalog: Catalog, case: str) -> None:
    """Every situation the parser can return is named in French in the ticket summary."""
    assert catalog.late_case_labels[case].strip()


# --------------------------------------------------------------------------- broken catalogs

BROKEN = [
    ("tickets.yml", "categories.other.details", ["description", "descripton"],
     r"categories\.other\.details: unknown field 'descripton'", "unknown-field"),
    ("tickets.yml", "categories.student_unresponsive.details.coach", ["student_nam"],
     r"unknown field 'student_nam'", "unknown-field-for-one-role"),
    ("tickets.yml", "categories.pause.details", [],
     r"categories\.pause\.details: role mentor needs a non-empty list", "empty-details"),
    ("tickets.yml", "categories.student_unresponsive.details", {"mentor": ["student_name"]},
     r"role coach needs a non-empty list", "details-missing-a-role"),
    ("tickets.yml", "categories.pause.reminders", "utter_reminder_cv",
     r"categories\.pause: unknown key\(s\) \['reminders'\]", "unknown-category-key"),
    ("tickets.yml", "categories.pause.label", DELETE,
     r"categories\.pause: missing key\(s\) \['label'\]", "category-without-label"),
    ("tickets.yml", "categories.other", DELETE,
     r"the category 'other' is required", "other-missing"),
    ("topics.yml", "topics.invoice_call_missing.decision", "invoice_cal",
     r"topics\.invoice_call_missing\.decision: unknown rule 'invoice_cal'", "unknown-decision"),
    ("topics.yml", "topics.student_unresponsive.decision.coach", "contact",
     r"unknown rule 'contact'", "unknown-decision-for-one-role"),
    ("topics.yml", "topics.become_mentor.ticket", "application_blockd",
     r"topics\.become_mentor\.ticket: unknown category 'application_blockd'",
     "unknown-category"),
    ("topics.yml", "topics.student_late.decision", {"mentr": "student_late"},
     r"unknown key\(s\) \['mentr'\]", "role-typo"),
    ("topics.yml", "topics.become_mentor.tickets", "other",
     r"topics\.become_mentor: unknown key\(s\) \['tickets'\]", "unknown-topic-key"),
    ("topics.yml", "topics.more_students.needs_role", "oui",
     r"needs_role: expected true or false", "needs-role-not-boolean"),
    ("topics.yml", "topics.more_students.label", "  ",
     r"topics\.more_students\.label: expected a non-empty text", "blank-topic-label"),
    ("fields.yml", "fields.path.kind", "texte",
     r"fields\.path: unknown kind 'texte'", "unknown-kind"),
    ("fields.yml", "fields.transfer_reason.optional", "yes",
     r"fields\.transfer_reason\.optional: expected true or false", "optional-not-boolean"),
    ("fields.yml", "fields.stop_reason.feminine", "oui",
     r"fields\.stop_reason\.feminine: expected true or false", "feminine-not-boolean"),
    ("topics.yml", "topics.coaching_tips.more", "coaching_tips_more",
     r"topics\.coaching_tips\.more: expected a response name", "more-not-a-response"),
    ("topics.yml", "topics.invoicing_how.more", {"mentr": "utter_invoicing_how_more"},
     r"unknown key\(s\) \['mentr'\]", "more-role-typo"),
    ("fields.yml", "fields.path.optinal", True,
     r"fields\.path: unknown key\(s\) \['optinal'\]", "unknown-field-key"),
    ("fields.yml", "fields.path", "text",
     r"fields\.path: expected a mapping", "field-not-a-mapping"),
    ("fields.yml", "choices.late_case", ["Risque d'abandon"],
     r"choices\.late_case: must map each option to a label", "labels-not-a-mapping"),
    ("fields.yml", "choices", DELETE,
     r"fields\.yml: missing key\(s\) \['choices'\]", "labels-missing"),
    ("fields.yml", "choices.funding.loan", "Prêt",
     r"choices\.funding: options must be \['self', 'third_party'\]", "unknown-option"),
    ("fields.yml", "choices.late_case.none", DELETE,
     r"choices\.late_case: options must be", "missing-option"),
    ("fields.yml", "kinds", ["text"],
     r"fields\.yml: unknown key\(s\) \['kinds'\]", "unknown-top-level-key"),
    ("tickets.yml", "categories.add_path.file", {"kind": "resume"},
     r"categories\.add_path\.file\.kind: unknown kind of file 'resume'", "unknown-file-kind"),
    ("tickets.yml", "categories.add_path.file", {"kind": "cv", "optional": "si possible"},
     r"categories\.add_path\.file\.optional: expected true or false", "file-optional-text"),
    ("tickets.yml", "categories.platform.file", "screenshot",
     r"categories\.platform\.file: expected \{kind", "file-not-a-mapping"),
    ("tickets.yml", "categories.add_path.file.optional", True,
     r"categories\.add_path\.reminder: only for a required file", "reminder-optional-file"),
    ("tickets.yml", "files", DELETE,
     r"tickets\.yml: missing key\(s\) \['files'\]", "files-missing"),
    ("tickets.yml", "files.cv", "",
     r"files\.cv: expected a non-empty label", "file-label-empty"),
]


@pytest.mark.usefixtures("libyaml")
@pytest.mark.parametrize(
    ("name", "dotted", "value", "message"), [row[:4] for row in BROKEN],
    ids=[row[4] for row in BROKEN],
)
def test_broken_catalog_fails_saying_where(
    folder: Path, name: str, dotted: str, value: Any, message: str
) -> None:
    """A catalog whose files disagree or hold a typo does not load; the error says where."""
    edit(folder, name, dotted, value)
    with pytest.raises(RulebookError, match=message):
        load_catalog(folder)


def test_catalog_file_missing_fails(folder: Path) -> None:
    """Without topics.yml the assistant cannot know what to do: loading fails, naming it."""
    (folder / "topics.yml").unlink()
    with pytest.raises(RulebookError, match=r"topics\.yml: cannot read"):
        load_catalog(folder)
