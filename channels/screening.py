"""The Rasa side of channels.guard: the payload policy of the running model, and answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actions.business.feedback import ENTITY as FEEDBACK_ENTITY
from actions.business.feedback import VALUES as FEEDBACK_VALUES
from channels.files import ScreenedFile, file_of, screen_file, text_with_file, with_file
from channels.guard import PayloadPolicy, response_text, screen

# Rasa's built-in intents reset or rewind a conversation; no button of ours sends them.
BUILT_IN_INTENTS = frozenset({"restart", "back", "session_start", "nlu_fallback"})
# `field` names the detail to change in a ticket summary ("menu": the list of details).
EXTRA_FIELD_VALUES = frozenset({"menu"})


def payload_policy(domain: Any) -> PayloadPolicy:
    """Payloads of the domain's and the actions' buttons: our intents, `role`, `field` and
    `feedback` ("Oui, merci" / "Pas vraiment") values."""
    roles: list[str] = next(
        (slot.values for slot in domain.slots if slot.name == "role"), []
    )
    return PayloadPolicy(
        intents=frozenset(domain.intents) - BUILT_IN_INTENTS,
        entity_values={
            "role": frozenset(value for value in roles if not value.startswith("__")),
            "field": frozenset(slot.name for slot in domain.slots) | EXTRA_FIELD_VALUES,
            FEEDBACK_ENTITY: frozenset(FEEDBACK_VALUES),
        },
    )


@dataclass(frozen=True)
class Checked:
    """What a channel does with a message: hand `text` (and `metadata`) to Rasa, or send
    `answer` instead."""

    text: str
    answer: str | None = None
    metadata: dict[str, Any] | None = None


class AgentScreen:
    """channels.guard for the agent the Rasa server loaded (its policy built once per model)."""

    def __init__(self) -> None:
        self._domain: Any = None
        self._policy: PayloadPolicy | None = None

    def policy(self, agent: Any) -> PayloadPolicy:
        domain = agent.domain
        if self._policy is None or domain is not self._domain:
            self._domain, self._policy = domain, payload_policy(domain)
        return self._policy

    def check(self, agent: Any, raw: object) -> Checked:
        """The cleaned text for Rasa, or the domain's French answer when there is none."""
        screened = screen(raw, self.policy(agent))
        if screened.problem:
            return Checked("", response_text(agent.domain.responses, screened.problem))
        return Checked(screened.text)

    def answer(self, agent: Any, response: str) -> str:
        """The French text of a domain response, as channels answer with it."""
        return response_text(agent.domain.responses, response)

    def check_message(self, agent: Any, raw: object, metadata: dict[str, Any]) -> Checked:
        """check() for a message that may carry a file in its metadata (channels.files): a
        refused file is answered in French and nothing reaches Rasa."""
        screened: ScreenedFile = screen_file(file_of(metadata))
        if screened.problem:
            return Checked("", response_text(agent.domain.responses, screened.problem))
        checked = self.check(agent, text_with_file(raw, screened))
        return Checked(checked.text, checked.answer, with_file(metadata, screened))
