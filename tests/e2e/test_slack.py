"""The Slack channel with a real Rasa server and a fake Slack Web API, all on 127.0.0.1.

Rasa runs with credentials = REST + channels/credentials_slack.yml as shipped; its secrets come
from the environment and its replies go to SLACK_API_URL, a recording fake of chat.postMessage.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rasa.shared.exceptions import InvalidConfigException

from channels.slack import DEFAULT_SLACK_API_URL, SlackChannel, resolve_settings
from harness.stack import (
    MODEL,
    ROOT,
    action_server,
    free_port,
    list_tickets,
    rasa_server,
    write_endpoints,
)

GREETING = "Bonjour ! Je suis l'assistant support"
REPLY_TIMEOUT = 60.0  # seconds for the bot's reply to reach the fake Slack
QUIET = 4.0  # seconds during which a rejected or ignored request must post nothing

# Loopback only: no proxy from the environment may see this traffic.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# users.info answers: the profile a workspace holds for each user (others: user_not_found).
PEOPLE = {"U123": {"email": "u123@example.org", "real_name": "Ulysse Cent"},
          "U555": {"email": "claire.m@example.org", "real_name": "Claire Moreau"},
          "U888": {"email": "nina.r@example.org", "real_name": "Nina Roux"}}
# Files shared in the workspace: files.info describes them, /files/<id> serves their bytes to
# the bot token only (url_private_download).
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
FILES = {"F1": ("fiche-autoevaluation.pdf", "application/pdf", PDF),
         "F2": ("capture.png", "image/png", b"MZ\x90\x00\x03" + bytes(100))}
BOT_TOKEN = "xoxb-test"


class FakeSlackApi:
    """Slack's Web API on 127.0.0.1: records every call; chat.postMessage answers {"ok": true},
    users.info answers from PEOPLE, files.info and the file downloads from FILES."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path, _, query = self.path.partition("?")
                args = {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}
                with fake.lock:
                    fake.calls.append({"path": path, "args": args,
                                       "auth": self.headers.get("Authorization")})
                user = args.get("user", "")
                if path.startswith("/files/"):
                    self.send_file(path.rsplit("/", 1)[-1])
                    return
                if path.endswith("/files.info") and args.get("file") in FILES:
                    name, mimetype, data = FILES[args["file"]]
                    answer = {"ok": True, "file": {
                        "id": args["file"], "name": name, "mimetype": mimetype,
                        "size": len(data),
                        "url_private_download": f"{fake.root}/files/{args['file']}"}}
                elif path.endswith("/users.info") and user in PEOPLE:
                    answer = {"ok": True, "user": {"id": user, "team_id": "T1",
                                                   "profile": PEOPLE[user]}}
                else:
                    answer = {"ok": False, "error": "user_not_found"}
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def send_file(self, file_id: str) -> None:
                if self.headers.get("Authorization") != f"Bearer {BOT_TOKEN}" or (
                        file_id not in FILES):
                    self.send_response(403)
                    self.end_headers()
                    return
                data = FILES[file_id][2]
                self.send_response(200)
                self.send_header("Content-Type", FILES[file_id][1])
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if (self.headers.get("Content-Type") or "").startswith("application/json"):
                    args = json.loads(raw or b"{}")
                else:
                    args = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}
                with fake.lock:
                    fake.calls.append({"path": self.path, "args": args,
                                       "auth": self.headers.get("Authorization")})
                body = json.dumps({"ok": True, "channel": args.get("channel"),
                                   "ts": f"{time.time():.6f}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass  # keep pytest's output clean

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = f"{self.root}/api/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def posts(self) -> list[dict[str, Any]]:
        with self.lock:
            return [c for c in self.calls if c["path"].endswith("/chat.postMessage")]

    def wait_for_posts(self, count: int, seconds: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if len(posts := self.posts()) >= count:
                return posts
            time.sleep(0.2)
        raise TimeoutError(f"fewer than {count} chat.postMessage calls within {seconds} s")


@dataclass
class SlackRasa:
    base: str
    secret: str
    slack: FakeSlackApi
    log: Path  # Rasa's output, to read when a test fails
    tickets_url: str


@pytest.fixture(scope="module")
def slack_rasa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackRasa]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    work = tmp_path_factory.mktemp("e2e-slack")
    slack = FakeSlackApi()
    slack.thread.start()
    action_port, rasa_port = free_port(), free_port()
    endpoints = write_endpoints(work / "endpoints.yml", action_port)
    credentials = work / "credentials.yml"
    credentials.write_text(
        "channels.rest.RestChannel:\n\n"
        + (ROOT / "channels" / "credentials_slack.yml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    secret = secrets.token_hex(16)
    actions = action_server(action_port, work / "actions.log")
    tickets_url = f"sqlite:///{work / 'tickets.db'}"
    actions.start(TICKETS_DB_URL=tickets_url, OCBOT_TODAY="2026-11-07")
    rasa = rasa_server(rasa_port, endpoints, credentials, work / "rasa.log")
    base = f"http://127.0.0.1:{rasa_port}"
    rasa.health = f"{base}/webhooks/slack/"  # the Slack blueprint is mounted
    try:
        rasa.start(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=secret,
                   SLACK_API_URL=slack.url, SLACK_CHANNEL="", SLACK_TEAM_ID="T1")
        yield SlackRasa(base, secret, slack, work / "rasa.log", tickets_url)
    finally:
        rasa.stop()
        actions.stop()
        slack.server.shutdown()
        slack.server.server_close()


def message_event(text: str, user: str = "U123", channel: str = "C123",
                  team: str = "T1") -> dict[str, Any]:
    """An Events API `event_callback` for a direct message to the bot."""
    return {
        "token": "legacy-verification-token", "team_id": team, "api_app_id": "A1",
        "type": "event_callback", "event_id": f"Ev{secrets.token_hex(5)}",
        "event_time": int(time.time()), "authorizations": [{"user_id": "UBOT"}],
        "event": {"type": "message", "channel_type": "im", "user": user, "channel": channel,
                  "text": text, "ts": f"{time.time():.6f}"},
    }


def file_share_event(file_id: str, user: str, channel: str, text: str = "") -> dict[str, Any]:
    """A message event sharing a file: Slack sends its id (and no text when none was typed)."""
    payload = message_event(text, user=user, channel=channel)
    payload["event"].update({"subtype": "file_share",
                             "files": [{"id": file_id, "name": FILES[file_id][0]}]})
    return payload


def sign(secret: str, timestamp: int, body: bytes) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def post(
    rasa: SlackRasa, payload: dict[str, Any], *, signed: bool = True, secret: str | None = None,
    age: int = 0, extra: dict[str, str] | None = None, raw: bytes | None = None,
) -> tuple[int, str, dict[str, str]]:
    """POST to the Slack webhook as Slack does; (status, body, lower-cased headers) come back."""
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", **(extra or {})}
    if signed:
        timestamp = int(time.time()) - age
        headers["X-Slack-Request-Timestamp"] = str(timestamp)
        headers["X-Slack-Signature"] = sign(secret or rasa.secret, timestamp, body)
    request = urllib.request.Request(
        f"{rasa.base}/webhooks/slack/webhook", data=body, headers=headers, method="POST"
    )
    try:
        with OPENER.open(request, timeout=15) as answer:
            return answer.status, answer.read().decode(), lower(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), lower(error.headers)


def lower(headers: Message) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def assert_nothing_posted(slack: FakeSlackApi, before: int) -> None:
    time.sleep(QUIET)
    assert len(slack.posts()) == before, slack.posts()[before:]


def test_signed_message_is_answered_in_slack(slack_rasa: SlackRasa) -> None:
    """A signed DM "bonjour" from U123 makes the bot post its French greeting to C123."""
    before = len(slack_rasa.slack.posts())
    status, _, _ = post(slack_rasa, message_event("bonjour"))
    assert status == 200
    reply = slack_rasa.slack.wait_for_posts(before + 1, REPLY_TIMEOUT)[before]
    assert reply["args"]["channel"] == "C123"
    assert reply["args"]["text"].startswith(GREETING)
    assert reply["auth"] == "Bearer xoxb-test"


def test_unsigned_request_is_rejected(slack_rasa: SlackRasa) -> None:
    """Without X-Slack-Signature / timestamp the webhook answers 4xx and nothing is posted."""
    before = len(slack_rasa.slack.posts())
    status, _, _ = post(slack_rasa, message_event("bonjour", user="U900"), signed=False)
    assert 400 <= status < 500
    assert_nothing_posted(slack_rasa.slack, before)


def test_wrong_signature_is_rejected(slack_rasa: SlackRasa) -> None:
    """A body signed with another secret is rejected and nothing is posted."""
    before = len(slack_rasa.slack.posts())
    status, _, _ = post(slack_rasa, message_event("bonjour", user="U901"),
                        secret=secrets.token_hex(16))
    assert 400 <= status < 500
    assert_nothing_posted(slack_rasa.slack, before)


def test_stale_timestamp_is_rejected(slack_rasa: SlackRasa) -> None:
    """A correctly signed request stamped 10 minutes ago (a replay) is rejected."""
    before = len(slack_rasa.slack.posts())
    status, _, _ = post(slack_rasa, message_event("bonjour", user="U902"), age=600)
    assert 400 <= status < 500
    assert_nothing_posted(slack_rasa.slack, before)


def test_url_verification_challenge_is_answered(slack_rasa: SlackRasa) -> None:
    """Slack's signed url_verification gets its challenge back as plain text."""
    challenge = secrets.token_urlsafe(24)
    status, body, headers = post(
        slack_rasa, {"token": "legacy", "challenge": challenge, "type": "url_verification"}
    )
    assert status == 200
    assert body == challenge
    assert headers.get("content-type", "").startswith("text/plain")


def test_retried_delivery_is_not_processed_again(slack_rasa: SlackRasa) -> None:
    """The same event redelivered with X-Slack-Retry-Num: 1 gets 200 and no second reply."""
    slack = slack_rasa.slack
    event = message_event("bonjour", user="U124", channel="C124")
    before = len(slack.posts())
    assert post(slack_rasa, event)[0] == 200
    slack.wait_for_posts(before + 1, REPLY_TIMEOUT)
    # http_error: a reason Rasa's own connector would process again (it drops http_timeout only).
    status, _, headers = post(slack_rasa, event, extra={"X-Slack-Retry-Num": "1",
                                                        "X-Slack-Retry-Reason": "http_error"})
    assert status == 200
    assert_nothing_posted(slack, before + 1)
    assert headers.get("x-slack-no-retry") == "1"  # and Slack is asked to stop retrying


def test_too_long_message_gets_a_french_answer(slack_rasa: SlackRasa) -> None:
    """A 100 kB message is answered at once with the length limit, in the same channel."""
    before = len(slack_rasa.slack.posts())
    status, _, _ = post(slack_rasa, message_event("a" * 100_000, user="U910", channel="C910"))
    assert status == 200
    reply = slack_rasa.slack.wait_for_posts(before + 1, REPLY_TIMEOUT)[before]
    assert reply["args"]["channel"] == "C910"
    assert "trop long" in reply["args"]["text"]


@pytest.mark.parametrize(
    "text",
    ['/inform{"role": "admin", "next_step": "created"}', "<script>alert(1)</script>\x07",
     "'; DROP TABLE events; --", "🙂🙂🙂"],
)
def test_odd_messages_get_an_answer(slack_rasa: SlackRasa, text: str) -> None:
    """Made-up payloads, HTML, SQL, emoji: a reply is posted, the webhook answers 200."""
    before = len(slack_rasa.slack.posts())
    user = f"U{secrets.token_hex(3)}"
    assert post(slack_rasa, message_event(text, user=user, channel=user))[0] == 200
    reply = slack_rasa.slack.wait_for_posts(before + 1, REPLY_TIMEOUT)[before]
    assert reply["args"]["text"]


@pytest.mark.parametrize("raw", [b'{"type": "event_callback", "event": ', b"[1, 2]", b"\xff\xfe"])
def test_malformed_signed_body_is_refused_without_a_server_error(
    slack_rasa: SlackRasa, raw: bytes
) -> None:
    """Correctly signed garbage gets a 4xx (or an ignored 200), never a 500."""
    before = len(slack_rasa.slack.posts())
    status, _, _ = post(slack_rasa, {}, raw=raw)
    assert status < 500
    assert_nothing_posted(slack_rasa.slack, before)


def wait_for_text(slack: FakeSlackApi, before: int, text: str, seconds: float) -> str:
    """The first message posted after `before` that contains `text`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for post_ in slack.posts()[before:]:
            if text in post_["args"].get("text", ""):
                return post_["args"]["text"]
        time.sleep(0.2)
    raise TimeoutError(f"no post containing {text!r} within {seconds} s: {slack.posts()[before:]}")


def test_event_from_another_workspace_is_refused(slack_rasa: SlackRasa) -> None:
    """A correctly signed event whose team_id is not SLACK_TEAM_ID: 403, nothing posted."""
    slack = slack_rasa.slack
    before = len(slack.posts())
    status, _, _ = post(slack_rasa, message_event("bonjour", user="U777", team="T999"))
    assert status == 403
    assert_nothing_posted(slack, before)
    assert not [c for c in slack.calls if c["args"].get("user") == "U777"]  # not even looked up


def test_slack_ticket_names_the_slack_user(slack_rasa: SlackRasa) -> None:
    """A ticket opened in Slack carries the profile's e-mail and real name, verified."""
    slack = slack_rasa.slack
    before = len(slack.posts())
    assert post(slack_rasa, message_event("je n'ai pas reçu mon appel à facturation",
                                          user="U555", channel="D555"))[0] == 200
    wait_for_text(slack, before, "Voici votre demande", REPLY_TIMEOUT)
    said = "\n".join(p["args"]["text"] for p in slack.posts()[before:])
    assert "à l'adresse claire.m@example.org" in said  # not asked: Slack's profile gave it
    assert "À quelle adresse e-mail" not in said
    before = len(slack.posts())
    post(slack_rasa, message_event("/affirm", user="U555", channel="D555"))
    wait_for_text(slack, before, "OC-2026-", REPLY_TIMEOUT)
    [ticket] = [t for t in list_tickets(slack_rasa.tickets_url) if t["sender_id"] == "slack:U555"]
    assert (ticket["requester_email"], ticket["requester_name"], ticket["user_id"],
            ticket["identity"]) == ("claire.m@example.org", "Claire Moreau", "U555", "verified")
    lookups = [c for c in slack.calls if c["path"].endswith("/users.info")
               and c["args"].get("user") == "U555"]
    assert len(lookups) == 1  # two messages, one users.info call: the profile is cached


# ---- no server ------------------------------------------------------------------------------

def test_empty_credentials_are_read_from_the_environment() -> None:
    """Empty credentials values fall back to SLACK_* variables; values that are set win."""
    environ = {"SLACK_BOT_TOKEN": "xoxb-env", "SLACK_SIGNING_SECRET": "env-secret",
               "SLACK_CHANNEL": "C-env", "SLACK_API_URL": "http://127.0.0.1:9/api/",
               "SLACK_TEAM_ID": "T-env"}
    settings = resolve_settings(
        {"slack_token": None, "slack_signing_secret": "", "slack_channel": "C-yaml"}, environ
    )
    assert settings["slack_token"] == "xoxb-env"
    assert settings["slack_signing_secret"] == "env-secret"
    assert settings["slack_channel"] == "C-yaml"
    assert settings["slack_api_url"] == "http://127.0.0.1:9/api/"
    assert resolve_settings(None, environ)["slack_channel"] == "C-env"


def test_slack_api_url_defaults_to_slack() -> None:
    """Without SLACK_API_URL the replies go to Slack's real Web API."""
    settings = resolve_settings(None, {"SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "y",
                                       "SLACK_TEAM_ID": "T1"})
    assert settings["slack_api_url"] == DEFAULT_SLACK_API_URL == "https://slack.com/api/"


def test_missing_team_id_is_refused() -> None:
    """No SLACK_TEAM_ID: the channel refuses to start (it would serve any workspace)."""
    with pytest.raises(InvalidConfigException, match="SLACK_TEAM_ID"):
        resolve_settings(None, {"SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "y"})


def test_missing_signing_secret_is_refused() -> None:
    """No signing secret anywhere: the channel refuses to start, naming the variable."""
    with pytest.raises(InvalidConfigException, match="SLACK_SIGNING_SECRET"):
        resolve_settings({"slack_token": None}, {"SLACK_BOT_TOKEN": "xoxb-env"})


def test_plain_http_api_url_off_loopback_is_refused() -> None:
    """The bot token must not travel in clear text: http SLACK_API_URL only on loopback."""
    environ = {"SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "y", "SLACK_TEAM_ID": "T1",
               "SLACK_API_URL": "http://example.org/api/"}
    with pytest.raises(InvalidConfigException, match="SLACK_API_URL"):
        resolve_settings(None, environ)


def test_channel_built_from_environment_posts_to_slack_api_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """from_credentials with empty values uses the environment, down to the client's base_url."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-env")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "env-secret")
    monkeypatch.delenv("SLACK_CHANNEL", raising=False)
    monkeypatch.setenv("SLACK_TEAM_ID", "T1")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    channel = SlackChannel.from_credentials({"slack_token": None, "slack_signing_secret": None})
    assert isinstance(channel, SlackChannel)
    assert (channel.slack_token, channel.slack_signing_secret) == ("xoxb-env", "env-secret")
    output = channel.get_output_channel("C123")
    assert output.client.base_url == "http://127.0.0.1:9/api/"  # type: ignore[attr-defined]
    assert output.client.token == "xoxb-env"  # type: ignore[attr-defined]


def post_button_click(rasa: SlackRasa, value: str, user: str, channel: str) -> int:
    """What Slack sends when a user clicks a Block Kit button: a signed form with `payload`."""
    payload = {"type": "block_actions", "user": {"id": user}, "channel": {"id": channel},
               "team": {"id": "T1"}, "actions": [{"type": "button", "value": value,
                                                  "action_id": secrets.token_hex(3)}]}
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(
        f"{rasa.base}/webhooks/slack/webhook", data=body, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "X-Slack-Request-Timestamp": str(timestamp),
                 "X-Slack-Signature": sign(rasa.secret, timestamp, body)})
    with OPENER.open(request, timeout=15) as answer:
        return answer.status


def button_values(post: dict[str, Any]) -> list[str]:
    blocks = post["args"].get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return [e.get("value") for b in blocks for e in b.get("elements", []) if "value" in e]


def test_feedback_buttons_are_shown_and_clicked_in_slack(slack_rasa: SlackRasa) -> None:
    """After an answer, Slack shows "Oui, merci" / "Pas vraiment"; clicking one is thanked."""
    user, channel = "UFEEDBACK", "DFEEDBACK"
    before = len(slack_rasa.slack.posts())
    post(slack_rasa, message_event("je voudrais plus d'étudiants", user, channel))
    posts = slack_rasa.slack.wait_for_posts(before + 1, REPLY_TIMEOUT)
    if not any("aidé" in (p["args"].get("text") or "") for p in posts[before:]):
        post(slack_rasa, message_event("je suis mentor", user, channel))  # Slack has no role
    deadline = time.monotonic() + REPLY_TIMEOUT
    while time.monotonic() < deadline:
        asked = [p for p in slack_rasa.slack.posts()[before:]
                 if '/affirm{"feedback":"helpful"}' in button_values(p)]
        if asked:
            break
        time.sleep(0.2)
    assert asked, slack_rasa.slack.posts()[before:]
    assert '/deny{"feedback":"unhelpful"}' in button_values(asked[0])
    clicked = len(slack_rasa.slack.posts())
    assert post_button_click(slack_rasa, '/affirm{"feedback":"helpful"}', user, channel) == 200
    thanks = slack_rasa.slack.wait_for_posts(clicked + 1, REPLY_TIMEOUT)[clicked]
    assert "Merci pour votre retour" in thanks["args"]["text"]


def test_sheet_shared_in_slack_is_kept_with_the_ticket(slack_rasa: SlackRasa) -> None:
    """A novice ticket: the sheet shared as a Slack file is fetched with the bot token
    (files.info, url_private_download), acknowledged, and the stored ticket lists it."""
    slack = slack_rasa.slack
    steps = [("je ne veux plus être novice", "Avez-vous réalisé le cours"), ("oui", "fiche"),
             ("oui", "Joignez votre fiche d'autoévaluation complète")]
    for text, expected in steps:
        before = len(slack.posts())
        post(slack_rasa, message_event(text, user="U888", channel="D888"))
        wait_for_text(slack, before, expected, REPLY_TIMEOUT)
    before = len(slack.posts())
    assert post(slack_rasa, file_share_event("F1", "U888", "D888"))[0] == 200
    wait_for_text(slack, before, "Fichier reçu : fiche-autoevaluation.pdf", REPLY_TIMEOUT)
    downloads = [c for c in slack.calls if c["path"] == "/files/F1"]
    assert [c["auth"] for c in downloads] == [f"Bearer {BOT_TOKEN}"]
    before = len(slack.posts())
    post(slack_rasa, message_event("/affirm", user="U888", channel="D888"))
    wait_for_text(slack, before, "OC-2026-", REPLY_TIMEOUT)
    [ticket] = [t for t in list_tickets(slack_rasa.tickets_url) if t["sender_id"] == "slack:U888"]
    assert [(a["name"], a["sha256"]) for a in ticket["attachments"]] == [
        ("fiche-autoevaluation.pdf", hashlib.sha256(PDF).hexdigest())]


def test_disguised_file_shared_in_slack_is_refused_in_french(slack_rasa: SlackRasa) -> None:
    """An executable shared as capture.png is downloaded, refused by its bytes, and answered
    in French."""
    slack = slack_rasa.slack
    before = len(slack.posts())
    assert post(slack_rasa, file_share_event("F2", "U123", "D123"))[0] == 200
    said = wait_for_text(slack, before, "ne correspond pas à son nom", REPLY_TIMEOUT)
    assert "Le contenu de ce fichier" in said
