"""The chat widget (web/) in a real browser, talking to the real Rasa and action servers.

Debian's Chromium (/usr/bin/chromium, see scripts/ensure_chromium.sh) driven by Playwright; no
browser is downloaded. Like the other e2e tests, these run only with OCBOT_E2E=1.

The `servers` fixture starts Rasa without `--cors` (scripts/run.sh passes `--cors "*"`), so the
browser would refuse the cross-origin answers: the `page` fixture adds the CORS headers that
`--cors "*"` would, and nothing else, to the Rasa server's responses.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.stack import ROOT, free_port, wait_for

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "results" / "screenshots"
XSS = '<img src=x onerror="window.__pwned=1">'
CORS = {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "POST, OPTIONS",
    "access-control-allow-headers": "content-type",
}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium: run scripts/ensure_chromium.sh"
)


@pytest.fixture(scope="module")
def bot(servers, tmp_path_factory) -> str:
    """Rasa's URL, with the action server on 6 November 2026 and a throw-away ticket store."""
    base, actions = servers
    db = tmp_path_factory.mktemp("widget") / "tickets.db"
    actions.start(OCBOT_TODAY="2026-11-06", TICKETS_DB_URL=f"sqlite:///{db}")
    return base


@pytest.fixture(scope="module")
def web() -> Iterator[str]:
    """scripts/serve_web.py on a free loopback port."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "serve_web.py"), str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/", server, 15)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield browser
        browser.close()


def allow_cors(route) -> None:
    """What `rasa run --cors "*"` would answer; the request itself goes to Rasa unchanged."""
    if route.request.method == "OPTIONS":
        route.fulfill(status=204, headers=CORS)
        return
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers, **CORS})


def open_page(browser, web: str, bot: str, request: pytest.FixtureRequest, **context_options):
    context = browser.new_context(locale="fr-FR", **context_options)
    context.set_default_timeout(15_000)
    context.route(f"{bot}/webhooks/**", allow_cors)
    page = context.new_page()
    page.goto(f"{web}/?rasa={bot}")
    failed_before = request.session.testsfailed

    def finish() -> None:
        # The call phase's report is logged before teardown: a new failure means this test's.
        if request.session.testsfailed > failed_before:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
        context.close()

    request.addfinalizer(finish)
    return page


@pytest.fixture
def page(browser, web, bot, request):
    """A fresh browser profile (empty localStorage) on the sample page, desktop size."""
    return open_page(browser, web, bot, request, viewport={"width": 1280, "height": 800})


# ---- helpers ---------------------------------------------------------------------------------
def open_widget(page) -> None:
    page.get_by_role("button", name="Besoin d'aide ?").click()
    expect(page.get_by_label("Votre message")).to_be_focused()


def ask(page, text: str) -> None:
    """Type a message and send it with Enter, then wait until the reply has arrived."""
    count = page.locator(".ocbot-user").count()
    page.get_by_label("Votre message").fill(text)
    page.get_by_label("Votre message").press("Enter")
    expect(page.locator(".ocbot-user")).to_have_count(count + 1)
    expect(page.locator(".ocbot-typing")).to_be_hidden()


def bot_says(page, text: str):
    return expect(page.locator(".ocbot-bot").filter(has_text=text).last).to_be_visible()


def start_visio_ticket(page) -> None:
    """A videoconference situation that is not a technical problem: the page says to write."""
    open_widget(page)
    ask(page, "la visio ne fonctionne pas pendant ma session")
    page.get_by_role("button", name="Non, une autre situation").click()
    bot_says(page, "Quelle est la nature du problème rencontré ?")


# ---- tests -----------------------------------------------------------------------------------
def test_keyboard_only_question_gets_the_answer(page):
    """Tab to the launcher, Enter, type, Enter: the invoice-call answer of the 6th appears."""
    launcher = page.get_by_role("button", name="Besoin d'aide ?")
    for _ in range(20):
        if launcher.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_label("Votre message")).to_be_focused()
    page.keyboard.type("je n'ai pas reçu mon appel à facturation")
    page.keyboard.press("Enter")
    bot_says(page, "Nous sommes le 6")
    expect(page.get_by_role("log")).to_contain_text("patienter")


def test_escape_closes_and_gives_focus_back_to_the_launcher(page):
    """Escape closes the panel and the launcher has the focus again."""
    open_widget(page)
    page.keyboard.press("Escape")
    expect(page.locator("#ocbot-panel")).to_be_hidden()
    launcher = page.get_by_role("button", name="Besoin d'aide ?")
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")


def test_quick_reply_sends_its_payload_and_the_next_answer_appears(page):
    """Clicking "Ouvrir une demande" sends /request_human, shows the title, disables the choices."""
    open_widget(page)
    ask(page, "j'ai trouvé une erreur dans un cours")
    choice = page.get_by_role("button", name="Ouvrir une demande")
    with page.expect_request(lambda r: r.url.endswith("/webhook") and r.method == "POST") as sent:
        choice.click()
    assert json.loads(sent.value.post_data)["message"] == "/request_human"
    assert json.loads(sent.value.post_data)["metadata"] == {"role": "mentor"}
    expect(page.locator(".ocbot-user").last).to_contain_text("Ouvrir une demande")
    bot_says(page, "Demande « Erreur dans un contenu »")
    expect(choice).to_be_disabled()
    expect(page.get_by_role("button", name="C'est tout, merci")).to_be_disabled()


def test_pas_vraiment_offers_closest_topics_and_a_request(page):
    """After an answer, "Pas vraiment" is a quick reply; the next steps come as buttons."""
    open_widget(page)
    ask(page, "comment avoir davantage d'étudiants")
    bot_says(page, "Cette réponse vous a-t-elle aidé ?")
    with page.expect_request(lambda r: r.url.endswith("/webhook") and r.method == "POST") as sent:
        page.get_by_role("button", name="Pas vraiment").click()
    assert json.loads(sent.value.post_data)["message"] == '/deny{"feedback":"unhelpful"}'
    bot_says(page, "ne vous ait pas aidé")
    steps = page.locator(".ocbot-buttons").last.get_by_role("button")
    expect(steps).to_have_count(3)  # "Ouvrir une demande" and the two closest topics
    expect(steps.first).to_have_text("Ouvrir une demande")
    expect(page.get_by_role("button", name="Oui, merci")).to_be_disabled()


def test_ticket_end_to_end_gives_a_reference(page):
    """Button, typed details, an e-mail (anonymous page), summary, "Confirmer": OC-2026-."""
    start_visio_ticket(page)
    ask(page, "Le son coupe toutes les deux minutes")
    ask(page, "https://openclassrooms.com/fr/sessions/123")
    bot_says(page, "À quelle adresse e-mail")
    ask(page, "camille@example.org")
    bot_says(page, "vous répondra par e-mail à l'adresse camille@example.org")
    bot_says(page, "Voici votre demande « Visioconférence »")
    page.get_by_role("button", name="Confirmer").click()
    bot_says(page, "OC-2026-")


def test_history_survives_a_reload(page):
    """After a reload the conversation is drawn again, under the same sender id."""
    open_widget(page)
    ask(page, "bonjour")
    sender = page.evaluate("JSON.parse(localStorage.getItem('ocbot.widget.v1')).sender")
    bubbles = page.locator(".ocbot-msg").all_inner_texts()
    page.reload()
    expect(page.locator("#ocbot-panel")).to_be_visible()  # it was open: it stays open
    expect(page.locator(".ocbot-msg")).to_have_count(len(bubbles))
    assert page.locator(".ocbot-msg").all_inner_texts() == bubbles
    assert page.evaluate("JSON.parse(localStorage.getItem('ocbot.widget.v1')).sender") == sender


def test_markup_in_messages_is_shown_as_text(page):
    """An <img onerror> typed by the user and echoed by the bot is text: nothing runs."""
    start_visio_ticket(page)
    ask(page, f"Le son coupe {XSS}")
    ask(page, "https://openclassrooms.com/fr/sessions/123")
    ask(page, "camille@example.org")
    bot_says(page, "Voici votre demande")
    expect(page.locator(".ocbot-user").filter(has_text=XSS)).to_have_count(1)
    expect(page.locator(".ocbot-bot").filter(has_text=XSS)).to_have_count(1)
    expect(page.locator(".ocbot img")).to_have_count(0)
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_links_in_bot_text_are_safe_anchors(page):
    """A URL in the bot's summary is an <a> opening a new tab with rel noopener noreferrer."""
    start_visio_ticket(page)
    ask(page, "Le son coupe toutes les deux minutes")
    ask(page, "https://openclassrooms.com/fr/sessions/123")
    ask(page, "camille@example.org")
    bot_says(page, "Voici votre demande")
    link = page.locator(".ocbot-bot a").last
    expect(link).to_have_attribute("href", "https://openclassrooms.com/fr/sessions/123")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")


def test_network_error_keeps_the_typed_text(page):
    """Rasa unreachable: a French error in the log and the message back in the input."""
    open_widget(page)
    page.context.route("**/webhooks/rest/webhook", lambda route: route.abort())
    page.get_by_label("Votre message").fill("bonjour")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("log")).to_contain_text(
        "Le service est momentanément indisponible, réessayez dans un instant.")
    expect(page.get_by_label("Votre message")).to_have_value("bonjour")


def stored_sender(page) -> str | None:
    return page.evaluate("JSON.parse(localStorage.getItem('ocbot.widget.v1')).sender")


def test_anonymous_widget_talks_under_a_server_signed_id(page):
    """The anonymous widget's sender id is one the server issued (random part and signature)."""
    open_widget(page)
    ask(page, "bonjour")
    random_part, signature = stored_sender(page).split(".")
    assert len(random_part) == 32 and len(signature) == 32


def test_new_conversation_clears_the_history(page):
    """"Nouvelle conversation" empties the log; the next message gets a new signed sender id."""
    open_widget(page)
    ask(page, "bonjour")
    before = stored_sender(page)
    page.get_by_role("button", name="Nouvelle conversation").click()
    expect(page.locator(".ocbot-user")).to_have_count(0)
    after = page.evaluate("JSON.parse(localStorage.getItem('ocbot.widget.v1'))")
    assert after["messages"] == []
    ask(page, "bonjour")
    assert stored_sender(page) not in (None, before) and "." in stored_sender(page)


def test_a_sender_id_the_widget_made_up_is_replaced_by_a_signed_one(page):
    """A history saved by an older widget (its own UUID) goes on under a server-issued id."""
    page.evaluate("""localStorage.setItem('ocbot.widget.v1', JSON.stringify({
        sender: '3f2a9c1e-6b1d-4b7e-9f51-0c2d8e7a1b44', messages: [], open: false}))""")
    page.reload()
    open_widget(page)
    ask(page, "bonjour")
    expect(page.get_by_role("log")).not_to_contain_text("momentanément indisponible")
    assert "." in stored_sender(page)


def test_phone_width_panel_fills_the_screen(browser, web, bot, request):
    """At 375 px the open panel covers the viewport exactly; nothing scrolls sideways."""
    page = open_page(browser, web, bot, request, viewport={"width": 375, "height": 667},
                     is_mobile=True, has_touch=True)
    open_widget(page)
    box = page.locator("#ocbot-panel").bounding_box()
    assert box is not None
    assert (round(box["x"]), round(box["y"])) == (0, 0)
    assert (round(box["width"]), round(box["height"])) == (375, 667)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.get_by_role("button", name="Envoyer")).to_be_in_viewport()
