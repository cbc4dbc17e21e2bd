"""A file a client sends with a message, checked before Rasa sees it (no Rasa import: pure).

The widget (and any REST or socket.io client) puts it in the message metadata under
`attachment` as {"name", "content_type", "data": base64}; Slack's shares are downloaded by
channels/slack_files.py and put in the same form. Here the file is decoded within bounds and
checked by its bytes (actions/tickets/attachments.py): an accepted file goes on to Rasa in that
form (name cleaned, type as read from the bytes); a malformed, oversized or disguised one is
answered at once with its French refusal and the message goes no further, so the conversation
stays where it was (the question asked is still waiting).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actions.tickets.attachments import METADATA_KEY, Refusal, read_wire, to_wire


@dataclass(frozen=True)
class ScreenedFile:
    """The checked file for the metadata (`entry`), or the response that answers (`problem`)."""

    entry: dict[str, str] | None = None
    problem: str | None = None


def screen_file(raw: object) -> ScreenedFile:
    """No file, the checked file, or why it is refused."""
    read = read_wire(raw)
    if read is None:
        return ScreenedFile()
    if isinstance(read, Refusal):
        return ScreenedFile(problem=read.response)
    return ScreenedFile(entry=to_wire(*read))


def file_of(metadata: object) -> object:
    """The file a client's metadata carries, if any (not checked)."""
    return metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None


def with_file(metadata: dict[str, Any], screened: ScreenedFile) -> dict[str, Any]:
    """The metadata Rasa gets: the client's file replaced by the checked one (or removed)."""
    kept = {key: value for key, value in metadata.items() if key != METADATA_KEY}
    if screened.entry is not None:
        kept[METADATA_KEY] = screened.entry
    return kept


def text_with_file(text: object, screened: ScreenedFile) -> object:
    """A file sent without a word reads as its name (an empty message would be refused)."""
    if screened.entry is not None and (not isinstance(text, str) or not text.strip()):
        return screened.entry["name"]
    return text
