"""The support report on conversations played through the real servers, checked against the stores.

A Rasa server with an SQLite tracker store (the one `make run` uses) and an action server with
its own ticket store; four REST conversations: an answer rated "Oui, merci", an answer rated
"Pas vraiment", a rule that ends in a confirmed ticket, and a message nobody could understand.
Then `python -m reporting` runs on those stores like `make report` does, and its figures are
compared with what the stores themselves hold. Finally Chromium opens the page.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from harness.stack import (
    PYTHON,
    ROOT,
    action_server,
    conversation_of,
    free_port,
    list_tickets,
    rasa_server,
    rest_session,
    sqlite_tracker,
    write_endpoints,
)
from tests.e2e.conftest import say, texts

CHROMIUM = Path("/usr/bin/chromium")
GIBBERISH = "zorglub frobnique le wazzabi"
# The first detail the content-error ticket asks (where the error is): a link.
FORM_ANSWER = "https://openclassrooms.com/fr/courses/7132446-react"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    work = tmp_path_factory.mktemp("report")
    tickets_url = f"sqlite:///{work / 'tickets.db'}"
    action_port, rasa_port = free_port(), free_port()
    endpoints = write_endpoints(work / "endpoints.yml", action_port,
                                sqlite_tracker(work / "tracker.db"))
    actions = action_server(action_port, work / "actions.log",
                            env={"TICKETS_DB_URL": tickets_url, "OCBOT_TODAY": "2026-11-09"})
    rasa = rasa_server(rasa_port, endpoints, ROOT / "credentials.yml", work / "rasa.log")
    actions.start()
    rasa.start()
    try:
        yield {"base": f"http://127.0.0.1:{rasa_port}", "work": work, "endpoints": endpoints,
               "tracker": work / "tracker.db", "tickets_url": tickets_url}
    finally:
        rasa.stop()
        actions.stop()


@pytest.fixture(scope="module")
def played(stack) -> dict[str, str]:
    """The four conversations; returns who played which (their conversation ids, as stored)."""
    base = stack["base"]
    who = {name: rest_session(base) for name in ("helpful", "unhelpful", "ticket", "lost")}
    reply = texts(say(base, who["helpful"], "comment avoir davantage d'étudiants", "mentor"))
    assert "Cette réponse vous a-t-elle aidé ?" in reply
    assert "Merci pour votre retour" in texts(
        say(base, who["helpful"], '/affirm{"feedback":"helpful"}', "mentor"))

    reply = texts(say(base, who["unhelpful"], "j'ai trouvé une erreur dans un cours", "mentor"))
    assert "Cette réponse vous a-t-elle aidé ?" in reply
    assert "ne vous ait pas aidé" in texts(
        say(base, who["unhelpful"], '/deny{"feedback":"unhelpful"}', "mentor"))
    say(base, who["unhelpful"], "/request_human", "mentor")
    say(base, who["unhelpful"], FORM_ANSWER, "mentor")  # then leaves: no ticket

    reply = texts(say(base, who["ticket"], "je n'ai pas reçu mon appel à facturation", "coach"))
    assert "À quelle adresse e-mail" in reply  # an anonymous page: the address to answer to
    reply = texts(say(base, who["ticket"], "camille.martin@example.org", "coach"))
    assert "Voici votre demande" in reply
    assert "OC-2026-" in texts(say(base, who["ticket"], "/affirm", "coach"))

    say(base, who["lost"], GIBBERISH)
    return {name: conversation_of(sender) for name, sender in who.items()}


@pytest.fixture(scope="module")
def report(stack, played) -> dict:
    """`python -m reporting` over today's conversations, reading endpoints.yml like make does."""
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    out = stack["work"] / "reports"
    subprocess.run(
        [PYTHON, "-m", "reporting", "--since", str(today - timedelta(days=1)),
         "--until", str(today + timedelta(days=1)), "--endpoints", str(stack["endpoints"]),
         "--tickets-url", stack["tickets_url"], "--out", str(out)],
        cwd=ROOT, check=True, capture_output=True, text=True,
        env={"PATH": "", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"},
    )
    return {"json": json.loads((out / "support.json").read_text(encoding="utf-8")),
            "html": out / "support.html"}


def feedback_in_store(tracker: Path) -> list[dict]:
    """The feedback slot events exactly as Rasa wrote them in its events table."""
    engine = sa.create_engine(f"sqlite:///{tracker}")
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT sender_id, data FROM events WHERE type_name = 'slot' ORDER BY id")).all()
    engine.dispose()
    found = []
    for sender_id, data in rows:
        event = json.loads(data)
        if event.get("name") == "feedback" and event.get("value"):
            found.append({"sender_id": sender_id, **event["value"]})
    return found


def test_feedback_is_stored_in_the_tracker_store(stack, played):
    """Each click is one feedback event with topic, answer, confidence, channel and role."""
    stored = {f["sender_id"]: f for f in feedback_in_store(stack["tracker"])}
    assert set(stored) == {played["helpful"], played["unhelpful"]}
    helpful, unhelpful = stored[played["helpful"]], stored[played["unhelpful"]]
    assert (helpful["helpful"], helpful["topic"], helpful["answer"]) == (
        True, "more_students", "utter_more_students")
    assert (unhelpful["helpful"], unhelpful["topic"]) == (False, "content_error")
    assert (helpful["channel"], helpful["role"]) == ("rest", "mentor")
    assert 0 < helpful["confidence"] <= 1


def test_report_counts_match_the_stores(stack, played, report):
    """Conversations, tickets and feedback in the report are those the stores hold."""
    summary = report["json"]["summary"]
    tickets = list_tickets(stack["tickets_url"])
    stored = feedback_in_store(stack["tracker"])
    assert summary["conversations"] == 4
    assert summary["typed_messages"] == 4  # the link answered the form: no question
    assert summary["tickets"] == len(tickets) == 1
    assert (summary["feedback_helpful"], summary["feedback_not_helpful"]) == (
        sum(f["helpful"] for f in stored), sum(not f["helpful"] for f in stored))
    assert report["json"]["forwarding"]["stored"] == 1  # no Zendesk configured
    weeks = report["json"]["tickets_per_week"]
    assert [(w["category"], w["count"]) for w in weeks] == [(tickets[0]["category"], 1)]


def test_report_resolution_follows_the_conversations(report):
    """Three topic conversations: one resolved, one with a ticket, one with 'Pas vraiment'."""
    overall = report["json"]["resolution"]["overall"]
    assert (overall["conversations"], overall["resolved"], overall["with_ticket"],
            overall["with_negative_feedback"]) == (3, 1, 1, 1)
    per_topic = {r["topic"]: r for r in report["json"]["resolution"]["per_topic"]}
    assert per_topic["more_students"]["resolution_rate"] == 1.0
    assert per_topic["invoice_call_missing"]["ticket_rate"] == 1.0


def test_report_channels_and_roles(report):
    """All four came through REST; two mentors, one coach, one unknown."""
    (by_channel,) = report["json"]["conversations_per_day"]["by_channel"].values()
    (by_role,) = report["json"]["conversations_per_day"]["by_role"].values()
    assert by_channel == {"rest": 4}
    assert by_role == {"coach": 1, "inconnu": 1, "mentor": 2}


def test_report_lists_the_message_it_did_not_understand(report):
    """The gibberish is among the not-understood questions, the link typed as a form's answer
    is not, and the answer rated badly is first among the answers with a 'Pas vraiment'."""
    groups = report["json"]["not_understood"]["groups"]
    listed = [text for g in groups for text in [g["example"], *g["others"]]]
    assert GIBBERISH in listed
    assert FORM_ANSWER not in listed
    assert report["json"]["answers_feedback"][0]["answer"] == "utter_content_error"


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium")
def test_chromium_renders_every_chart_without_errors(report):
    """Opened from disk: no console error, no request but the page, every chart drawn."""
    sync_api = pytest.importorskip("playwright.sync_api")
    errors, requests = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(report["html"].as_uri())
            charts = page.locator('svg[role="img"]')
            assert charts.count() == 7
            for index in range(charts.count()):
                chart = charts.nth(index)
                box = chart.bounding_box()
                assert box and box["width"] > 100 and box["height"] > 30
                assert chart.locator("path").count() > 0
            assert page.locator("table").count() >= 7
        finally:
            browser.close()
    assert errors == []
    assert requests == [report["html"].as_uri()]


def test_ticket_answer_is_stored_as_an_answer_while_a_question_waits(stack, played):
    """The link reached the tracker store while the ticket's question waited for it
    (`next_step` = ticket: what the report counts as an answer, not a new question)."""
    engine = sa.create_engine(f"sqlite:///{stack['tracker']}")
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
            {"s": played["unhelpful"]}).all()
    engine.dispose()
    waiting = None
    for kind, data in rows:
        event = json.loads(data)
        if kind == "slot" and event.get("name") == "next_step":
            waiting = event.get("value")
        if kind == "user" and event.get("text") == FORM_ANSWER:
            assert waiting == "ticket"
            return
    pytest.fail("the form answer is not in the tracker store")
