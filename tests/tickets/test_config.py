import subprocess
import sys
from pathlib import Path

from actions.tickets.config import (
    default_db_url,
    forwarding_enabled,
    project_root,
    store_from_env,
    zendesk_settings,
)

ROOT = Path(__file__).resolve().parents[2]
ZENDESK_ENV = {
    "ZENDESK_SUBDOMAIN": "openclassrooms",
    "ZENDESK_EMAIL": "bot@example.org",
    "ZENDESK_API_TOKEN": "s3cr3t",
}


def test_default_database_is_under_project_var():
    """Without TICKETS_DB_URL tickets go to <project root>/var/tickets.db."""
    assert project_root() == ROOT
    assert default_db_url() == f"sqlite:///{ROOT / 'var' / 'tickets.db'}"


def test_store_follows_tickets_db_url(tmp_path):
    """TICKETS_DB_URL picks the database; an empty value falls back to the default."""
    url = f"sqlite:///{tmp_path / 't.db'}"
    assert store_from_env({"TICKETS_DB_URL": url}).url == url
    assert store_from_env({"TICKETS_DB_URL": ""}).url == default_db_url()


def test_store_is_shared_per_url(tmp_path):
    """Two lookups of one URL give the same store (one engine); another URL another store."""
    first = {"TICKETS_DB_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    other = {"TICKETS_DB_URL": f"sqlite:///{tmp_path / 'b.db'}"}
    assert store_from_env(first) is store_from_env(dict(first))
    assert store_from_env(first) is not store_from_env(other)


def test_store_lookup_does_not_touch_the_database(tmp_path):
    """Getting the store creates nothing on disk: the engine waits for the first query."""
    path = tmp_path / "lazy" / "t.db"
    store_from_env({"TICKETS_DB_URL": f"sqlite:///{path}"})
    assert not path.parent.exists()


def test_zendesk_needs_all_three_settings():
    """Zendesk forwarding is off unless subdomain, email and token are all set."""
    for missing in ZENDESK_ENV:
        partial = {key: value for key, value in ZENDESK_ENV.items() if key != missing}
        assert zendesk_settings(partial) is None
        assert forwarding_enabled(partial) is False
    assert forwarding_enabled(ZENDESK_ENV) is True


def test_zendesk_url_defaults_to_subdomain():
    """The tickets endpoint is https://<subdomain>.zendesk.com/api/v2/tickets.json."""
    settings = zendesk_settings(ZENDESK_ENV)
    assert settings.tickets_url == "https://openclassrooms.zendesk.com/api/v2/tickets.json"


def test_zendesk_base_url_can_be_overridden():
    """ZENDESK_BASE_URL points the client elsewhere (a loopback server in tests)."""
    env = {**ZENDESK_ENV, "ZENDESK_BASE_URL": "http://127.0.0.1:8080/"}
    assert zendesk_settings(env).tickets_url == "http://127.0.0.1:8080/api/v2/tickets.json"


def test_token_is_not_in_repr():
    """Printing or logging the settings never shows the API token."""
    assert "s3cr3t" not in repr(zendesk_settings(ZENDESK_ENV))


def test_import_pulls_neither_rasa_nor_rasa_sdk():
    """The package stays importable outside the action server: no rasa, no rasa_sdk."""
    code = (
        "import sys, actions.tickets, actions.tickets.zendesk, actions.tickets.sql, "
        "actions.tickets.memory, actions.tickets.__main__\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
