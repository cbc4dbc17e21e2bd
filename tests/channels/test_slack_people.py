"""channels.slack_people: the Slack user's e-mail and name, looked up once per user."""

from __future__ import annotations

import asyncio

from channels.slack_people import SlackDirectory, SlackPerson, identity_metadata, person_of

PROFILE = {"email": "alice@example.org", "real_name": "Alice Martin"}
ANSWER = {"ok": True, "user": {"id": "U1", "team_id": "T1", "real_name": "Alice M",
                               "profile": PROFILE}}


def test_person_of_reads_profile_email_and_real_name():
    """users.info's profile gives the e-mail and the real name."""
    assert person_of("U1", ANSWER) == SlackPerson("U1", "alice@example.org", "Alice Martin", "T1")


def test_person_without_email_scope_has_no_email():
    """Without users:read.email Slack omits the e-mail: no address, so no verified identity."""
    answer = {"ok": True, "user": {"id": "U1", "real_name": "Alice", "profile": {}}}
    person = person_of("U1", answer)
    assert person is not None and person.email is None
    assert identity_metadata(person) is None


def test_not_ok_answer_is_nobody():
    """{"ok": false} (user_not_found, missing_scope): no person."""
    assert person_of("U1", {"ok": False, "error": "user_not_found"}) is None


def test_directory_calls_users_info_once_per_user():
    """A second message of the same user is answered from the cache."""
    calls: list[str] = []

    async def lookup(user_id: str) -> dict:
        calls.append(user_id)
        return ANSWER

    directory = SlackDirectory(lookup)

    async def scenario() -> None:
        await directory.person("U1")
        await directory.person("U1")

    asyncio.run(scenario())
    assert calls == ["U1"]


def test_directory_failure_gives_no_identity():
    """users.info unreachable: None, never an exception."""
    async def lookup(user_id: str) -> dict:
        raise ConnectionError("down")

    assert asyncio.run(SlackDirectory(lookup).person("U1")) is None


def test_directory_entry_expires_after_an_hour():
    """After CACHE_SECONDS the profile is looked up again (an e-mail may have changed)."""
    now = [0.0]
    calls: list[str] = []

    async def lookup(user_id: str) -> dict:
        calls.append(user_id)
        return ANSWER

    directory = SlackDirectory(lookup, clock=lambda: now[0])
    asyncio.run(directory.person("U1"))
    now[0] = 3601.0
    asyncio.run(directory.person("U1"))
    assert calls == ["U1", "U1"]
