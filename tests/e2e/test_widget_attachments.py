"""Issue 14, "Done when": a mentor leaving the novice status attaches the sheet in the widget
(Chromium), the ticket lists it and the Zendesk fake receives it."""

from __future__ import annotations

import hashlib
import time

import pytest

from harness.stack import list_tickets
from tests.e2e.test_widget import (  # noqa: F401 (fixtures)
    CHROMIUM,
    ask,
    bot_says,
    browser,
    expect,
    open_page,
    open_widget,
    web,
)
from tests.tickets.conftest import FakeZendesk

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium: run scripts/ensure_chromium.sh"
)


@pytest.fixture(scope="module")
def zendesk():
    fake = FakeZendesk()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def bot(servers, zendesk, tmp_path_factory):
    """Rasa's URL; the action server forwards to the Zendesk fake, tickets in a fresh store."""
    base, actions = servers
    db = tmp_path_factory.mktemp("widget-files") / "tickets.db"
    url = f"sqlite:///{db}"
    actions.start(OCBOT_TODAY="2026-11-09", TICKETS_DB_URL=url, ZENDESK_SUBDOMAIN="oc-test",
                  ZENDESK_EMAIL="bot@example.org", ZENDESK_API_TOKEN="secret-token",
                  ZENDESK_BASE_URL=zendesk.base_url)
    yield base, url
    actions.start()  # the other tests' action server: no forwarding


@pytest.fixture
def page(browser, web, bot, request):  # noqa: F811 (the fixture imported above is browser's)
    return open_page(browser, web, bot[0], request, viewport={"width": 1280, "height": 800})


def choose_file(page, name: str, mime: str, data: bytes) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Joindre un fichier").click()
    chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": data}])


def test_novice_sheet_attached_in_the_widget_reaches_the_ticket_and_zendesk(page, bot, zendesk):
    """📎, the sheet, Envoyer: acknowledged, listed in the summary, stored with the ticket and
    uploaded to Zendesk with it."""
    open_widget(page)
    ask(page, "je ne veux plus être novice")
    ask(page, "oui")
    ask(page, "oui")
    bot_says(page, "Joignez votre fiche d'autoévaluation complète")
    choose_file(page, "fiche-autoevaluation.pdf", "application/pdf", PDF)
    expect(page.locator(".ocbot-pending")).to_contain_text("fiche-autoevaluation.pdf")
    page.get_by_role("button", name="Envoyer").click()
    bot_says(page, "Fichier reçu : fiche-autoevaluation.pdf")
    expect(page.locator(".ocbot-pending")).to_be_hidden()
    ask(page, "mentor@example.org")
    bot_says(page, "Fiche d'autoévaluation : fiche-autoevaluation.pdf")
    page.get_by_role("button", name="Confirmer").click()
    bot_says(page, "OC-2026-")

    [ticket] = list_tickets(bot[1])
    assert [(a["name"], a["sha256"]) for a in ticket["attachments"]] == [
        ("fiche-autoevaluation.pdf", hashlib.sha256(PDF).hexdigest())]
    deadline = time.monotonic() + 30
    while not zendesk.received and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [(u.filename, u.content_type, u.data) for u in zendesk.uploads] == [
        ("fiche-autoevaluation.pdf", "application/pdf", PDF)]
    assert zendesk.received, "the ticket itself never reached the Zendesk fake"


def test_file_of_a_refused_type_is_refused_in_the_widget(page):
    """An .exe chosen with 📎 is refused in French at once and is not attached."""
    open_widget(page)
    choose_file(page, "outil.exe", "application/octet-stream", b"MZ\x90\x00")
    expect(page.get_by_role("alert")).to_contain_text("Ce type de fichier n'est pas accepté")
    expect(page.locator(".ocbot-pending")).to_be_hidden()
