"""The support team's decision rules, as pure functions.

Each rule looks at the facts known so far and either asks for the next fact it needs (`Ask`) or
decides (`Outcome`): which response explains the decision, with which values, and whether a ticket
is opened, with the details already known. Facts are the canonical texts the form stores
(ISO dates, "oui"/"non", whole numbers as text, fixed keys for choices).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from actions.business import calendar as cal
from actions.business.rulebook import Rules

Facts = Mapping[str, str | None]


@dataclass(frozen=True)
class Ask:
    """The rule needs this fact before deciding."""

    fact: str


@dataclass(frozen=True)
class Outcome:
    """A decision: the response that states it, and the ticket it opens, if any."""

    response: str
    values: dict[str, str] = field(default_factory=dict)
    ticket: str | None = None
    prefill: dict[str, str] = field(default_factory=dict)


Step = Ask | Outcome
Rule = Callable[[str | None, Facts, date, Rules], Step]


def _yes(facts: Facts, name: str) -> bool:
    return facts.get(name) == "oui"


def _day(facts: Facts, name: str) -> date:
    return date.fromisoformat(str(facts[name]))


def _count(facts: Facts, name: str) -> int:
    return int(str(facts[name]))


def invoice_call(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """Day <= last waiting day: wait for the call; after it: ticket for the previous month."""
    settings = rules.invoice_call
    year, month = cal.previous_month(today)
    label = cal.month_label(year, month)
    values = {"day": cal.day_number(today.day), "usual_day": str(settings.usual_day),
              "last_day": str(settings.last_waiting_day),
              "write_day": str(settings.last_waiting_day + 1),
              "month": label, "of_month": cal.of(label)}
    if today.day <= settings.last_waiting_day:
        usual = today.replace(day=settings.usual_day)
        late_start = usual.weekday() >= 5
        response = "utter_invoice_call_wait_weekend" if late_start else "utter_invoice_call_wait"
        return Outcome(response, values)
    return Outcome("utter_invoice_call_write", values, "invoice_call_missing",
                   {"invoice_month": f"{year:04d}-{month:02d}"})


def payment(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """'payée': bank delay then ticket; 'en cours': check billing details, 30 days to pay."""
    if facts.get("invoice_status") is None:
        return Ask("invoice_status")
    if facts.get("status_since") is None:
        return Ask("status_since")
    since = _day(facts, "status_since")
    elapsed = (today - since).days
    paid = facts["invoice_status"] == "payee"
    limit = rules.payment.bank_delay_days if paid else rules.payment.payment_deadline_days
    values = {"since": cal.date_label(since), "days": str(elapsed), "limit": str(limit),
              "until": cal.date_label(since + timedelta(days=limit))}
    if elapsed > limit:
        response = "utter_payment_paid_write" if paid else "utter_payment_pending_write"
        prefill = {"invoice_status": str(facts["invoice_status"]),
                   "status_since": since.isoformat()}
        return Outcome(response, values, "payment_missing", prefill)
    return Outcome("utter_payment_paid_wait" if paid else "utter_payment_pending_wait", values)


def absences(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """Mentor: below the threshold follow up; at it, two unjustified absences open a ticket.

    An absence can be called unjustified only once the student's time to justify it is over:
    the latest absence's date is asked, and each of the last two absences' justification is
    asked on its own (a note on the dashboard for one of them breaks the streak).
    """
    if facts.get("absences_count") is None:
        return Ask("absences_count")
    count = _count(facts, "absences_count")
    threshold = rules.absences.consecutive_for_alert
    hours = rules.absences.justification_hours
    values = {"count": str(count), "threshold": str(threshold), "hours": str(hours)}
    if count < threshold:
        response = {0: "utter_absences_none", 1: "utter_absences_one"}.get(
            count, "utter_absences_follow_up")
        return Outcome(response, values)
    if facts.get("last_absence_date") is None:
        return Ask("last_absence_date")
    last = _day(facts, "last_absence_date")
    # Dates carry no hour: the window ends on this day, at the time of the missed session.
    window_end = last + timedelta(days=-(-hours // 24))
    values.update(last=cal.date_label(last), window_end=cal.date_label(window_end))
    if today <= window_end:
        return Outcome("utter_absences_too_early", values)
    for fact in ("last_absence_justified", "previous_absence_justified"):
        if facts.get(fact) is None:
            return Ask(fact)
        if _yes(facts, fact):
            return Outcome("utter_absences_justified", values)
    return Outcome("utter_absences_write", values, "student_unresponsive")


def contacts(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """Coach: contact the student at least N times, then a ticket can take him out of the list."""
    if facts.get("contact_attempts") is None:
        return Ask("contact_attempts")
    count = _count(facts, "contact_attempts")
    needed = rules.contacts.min_attempts
    values = {"count": str(count), "needed": str(needed), "remaining": str(max(needed - count, 0))}
    if count == 0:
        return Outcome("utter_contacts_none", values)
    if count < needed:
        return Outcome("utter_contacts_again", values)
    return Outcome("utter_contacts_write", values, "student_unresponsive",
                   {"contact_attempts": str(count)})


def student_late(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """Mentor: only the four alert cases need a ticket; otherwise progress is tracked."""
    if facts.get("late_case") is None:
        return Ask("late_case")
    case = str(facts["late_case"])
    if case in rules.student_late.alert_cases:
        return Outcome("utter_student_late_write", {}, "student_alert", {"alert_case": case})
    return Outcome("utter_student_late_no_alert", {})


def scheduling(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """The three checks of the seed, in order; all pass: a ticket."""
    if facts.get("session_date") is None:
        return Ask("session_date")
    session = _day(facts, "session_date")
    values = {"session_date": cal.date_label(session)}
    if session < today:
        return Outcome("utter_scheduling_past_date", values)
    if facts.get("student_listed") is None:
        return Ask("student_listed")
    if not _yes(facts, "student_listed"):
        return Outcome("utter_scheduling_not_listed", values)
    if facts.get("end_date") is None:
        return Ask("end_date")
    end = _day(facts, "end_date")
    values["end_date"] = cal.date_label(end)
    if session > end:
        return Outcome("utter_scheduling_after_end", values)
    return Outcome("utter_scheduling_write", values, "session_scheduling",
                   {"session_date": session.isoformat()})


def application_followup(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """Business days since the application vs the role's delay (public holidays excluded)."""
    if facts.get("application_date") is None:
        return Ask("application_date")
    applied = _day(facts, "application_date")
    who = role or "mentor"
    delay = rules.application_followup.business_days[who]
    country = rules.holidays_country
    elapsed = cal.business_days_after(applied, today, country)
    values = {"elapsed": str(elapsed), "delay": str(delay),
              "expected": cal.date_label(cal.add_business_days(applied, delay, country)),
              "applied": cal.date_label(applied)}
    if elapsed <= delay:
        return Outcome(f"utter_application_wait_{who}", values)
    return Outcome(f"utter_application_late_{who}", values)


def first_student(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """Under a month: novices are prioritised, be patient; from a month on: ticket."""
    if facts.get("available_since") is None:
        return Ask("available_since")
    since = _day(facts, "available_since")
    write_from = cal.add_months(since, rules.first_student.wait_months)
    values = {"since": cal.date_label(since), "write_from": cal.date_label(write_from),
              "months": str(rules.first_student.wait_months)}
    if today < write_from:
        return Outcome("utter_first_student_patience", values)
    return Outcome("utter_first_student_write", values, "no_student_yet",
                   {"available_since": since.isoformat()})


def transfer(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """The student must be warned before the team transfers him."""
    return _warned_first("student_warned", "utter_transfer", "transfer", facts)


def pause(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """Transfers during a pause: the students are warned first, then the team is written to."""
    return _warned_first("students_warned", "utter_pause", "pause", facts)


def stop(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """Stopping for good: the students are warned first, then the team is written to."""
    return _warned_first("students_warned", "utter_stop", "stop", facts)


def _warned_first(fact: str, prefix: str, category: str, facts: Facts) -> Step:
    if facts.get(fact) is None:
        return Ask(fact)
    if not _yes(facts, fact):
        return Outcome(f"{prefix}_warn_first", {})
    return Outcome(f"{prefix}_write", {}, category, {fact: "oui"})


def _prerequisites(names: tuple[str, ...], prefix: str, category: str, facts: Facts,
                   carried: tuple[str, ...] = ()) -> Step:
    """Each prerequisite in order: the first one missing is named; all met: the ticket, which
    carries the prerequisites it lists as details (`carried`)."""
    for name in names:
        if facts.get(name) is None:
            return Ask(name)
        if not _yes(facts, name):
            return Outcome(f"{prefix}_{name}", {})
    return Outcome(f"{prefix}_ok", {}, category, {name: "oui" for name in carried})


def novice_status(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """Course done and self-evaluation sheet complete: then the request can be sent."""
    names = ("novice_course_done", "novice_sheet_complete")
    return _prerequisites(names, "utter_novice", "novice_status", facts, carried=names)


def evaluator_status(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """Mentor on an eligible path, dedicated course finished, a webinar attended: then ask."""
    names = ("evaluator_path_eligible", "evaluator_course_done", "webinar_attended")
    return _prerequisites(names, "utter_evaluator", "evaluator_status", facts)


def validated_session(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """Wrong project or status: only the team can fix it (ticket); a forgotten item in the
    report or a wrong progress percentage: an internal note and the full report by e-mail."""
    if facts.get("wrong_project_or_status") is None:
        return Ask("wrong_project_or_status")
    if _yes(facts, "wrong_project_or_status"):
        return Outcome("utter_validated_session_write", {}, "validated_session_fix")
    return Outcome("utter_validated_session_self_fix", {})


def videoconference(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """A technical problem is reported from the tool itself; any other situation: ticket."""
    if facts.get("technical_problem") is None:
        return Ask("technical_problem")
    if _yes(facts, "technical_problem"):
        return Outcome("utter_videoconference_report_in_tool", {})
    return Outcome("utter_videoconference_write", {}, "videoconference")


def referral(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """The bonus can be invoiced once the new mentor has done the minimum number of sessions."""
    if facts.get("sessions_done") is None:
        return Ask("sessions_done")
    done = _count(facts, "sessions_done")
    needed = rules.referral.min_sessions
    values = {"done": str(done), "needed": str(needed), "remaining": str(max(needed - done, 0))}
    if done == 0:
        return Outcome("utter_referral_none", values)
    return Outcome("utter_referral_not_yet" if done < needed else "utter_referral_ok", values)


def discount(role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """Only a self-funded path is eligible, and the request comes before enrolling."""
    if facts.get("funding_mode") is None:
        return Ask("funding_mode")
    values = {"percent": str(rules.discount.percent)}
    if facts["funding_mode"] not in rules.discount.eligible_funding:
        return Outcome("utter_discount_not_eligible", values)
    if facts.get("already_enrolled") is None:
        return Ask("already_enrolled")
    if _yes(facts, "already_enrolled"):
        return Outcome("utter_discount_already_enrolled", values)
    return Outcome("utter_discount_write", values, "mentor_discount")


RULES: dict[str, Rule] = {
    "invoice_call": invoice_call,
    "payment": payment,
    "absences": absences,
    "contacts": contacts,
    "student_late": student_late,
    "scheduling": scheduling,
    "application_followup": application_followup,
    "first_student": first_student,
    "transfer": transfer,
    "pause": pause,
    "stop": stop,
    "validated_session": validated_session,
    "videoconference": videoconference,
    "novice_status": novice_status,
    "evaluator_status": evaluator_status,
    "referral": referral,
    "discount": discount,
}


def step(rule: str, role: str | None, facts: Facts, today: date, rules: Rules) -> Step:
    """Apply the named rule to what is known: the next question, or the decision."""
    return RULES[rule](role, facts, today, rules)
