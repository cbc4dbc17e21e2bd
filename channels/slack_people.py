"""Who wrote in Slack: the profile e-mail and real name of a Slack user (Web API users.info).

Slack signs every request, so the user id of a signed event is a proof; users.info then gives
the e-mail the workspace holds for that user. Answers are cached per user (one call per user
per CACHE_SECONDS), and a failed lookup gives no identity (the bot then asks for an e-mail),
never an error for the user.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from actions.business.reply_address import is_email

logger = logging.getLogger(__name__)

CACHE_SECONDS = 3600
MAX_CACHED = 10_000


@dataclass(frozen=True)
class SlackPerson:
    user_id: str
    email: str | None
    name: str | None
    team_id: str | None


def person_of(user_id: str, answer: Mapping[str, Any]) -> SlackPerson | None:
    """The person described by a users.info answer (None when Slack says not ok)."""
    if not answer.get("ok") or not isinstance(answer.get("user"), dict):
        return None
    user = answer["user"]
    profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
    email = profile.get("email")
    name = profile.get("real_name") or user.get("real_name") or profile.get("display_name")
    return SlackPerson(
        user_id=user_id,
        email=email if is_email(email) else None,
        name=name.strip() if isinstance(name, str) and name.strip() else None,
        team_id=user.get("team_id") if isinstance(user.get("team_id"), str) else None,
    )


Lookup = Callable[[str], Awaitable[Mapping[str, Any]]]


class SlackDirectory:
    """users.info with a per-user cache; `lookup` calls the Web API (a fake in tests)."""

    def __init__(self, lookup: Lookup, clock: Callable[[], float] = time.monotonic) -> None:
        self._lookup = lookup
        self._clock = clock
        self._cache: dict[str, tuple[float, SlackPerson | None]] = {}

    async def person(self, user_id: str) -> SlackPerson | None:
        cached = self._cache.get(user_id)
        if cached and self._clock() - cached[0] < CACHE_SECONDS:
            return cached[1]
        try:
            found = person_of(user_id, await self._lookup(user_id))
        except Exception as error:  # network, rate limit, missing scope: no identity, no crash
            logger.warning("Slack users.info failed for a user: %s", type(error).__name__)
            return cached[1] if cached else None
        if len(self._cache) >= MAX_CACHED:
            self._cache.clear()
        self._cache[user_id] = (self._clock(), found)
        return found


def identity_metadata(person: SlackPerson | None) -> dict[str, Any] | None:
    """The `identity` metadata the assistant reads (channels/identity.py's shape)."""
    if person is None or person.email is None:
        return None
    return {"kind": "verified", "user_id": person.user_id, "email": person.email,
            "name": person.name}
