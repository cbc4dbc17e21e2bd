"""Files shared in Slack: files.info, then the download with the bot token, within bounds."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from actions.tickets.attachments import MAX_BYTES
from channels.slack_files import (
    NOT_FETCHED,
    Fetched,
    fetch_shared_file,
    may_receive_token,
    shared_file_id,
)

API = "https://slack.com/api/"
PDF = b"%PDF-1.7\n%%EOF\n"
URL = "https://files.slack.com/files-pri/T1-F1/download/fiche.pdf"


def info(**file: Any) -> dict[str, Any]:
    return {"ok": True, "file": {"id": "F1", "name": "fiche.pdf", "mimetype": "application/pdf",
                                 "size": len(PDF), "url_private_download": URL, **file}}


def fetch(answer: dict[str, Any], data: bytes | None = PDF) -> tuple[Fetched, list[str]]:
    downloaded: list[str] = []

    async def files_info(file_id: str) -> dict[str, Any]:
        assert file_id == "F1"
        return answer

    async def download(url: str) -> bytes | None:
        downloaded.append(url)
        return data

    return asyncio.run(fetch_shared_file("F1", files_info, download, API)), downloaded


def test_shared_file_comes_as_the_widgets_metadata_entry():
    """The file's name, type and bytes (base64), as channels.files expects them."""
    fetched, downloaded = fetch(info())
    assert fetched.wire == {"name": "fiche.pdf", "content_type": "application/pdf",
                            "data": base64.b64encode(PDF).decode("ascii")}
    assert downloaded == [URL]


def test_file_slack_says_is_too_large_is_not_downloaded():
    """Over 10 MB by files.info's size: refused, nothing downloaded."""
    fetched, downloaded = fetch(info(size=MAX_BYTES + 1))
    assert (fetched.problem, downloaded) == ("utter_attachment_too_large", [])


def test_download_longer_than_announced_is_refused():
    """A download past 10 MB is refused whatever files.info said."""
    fetched, _ = fetch(info(), data=bytes(MAX_BYTES + 1))
    assert fetched.problem == "utter_attachment_too_large"


def test_token_never_goes_to_another_host():
    """A file URL outside Slack's file host is not fetched (the token would go with it)."""
    fetched, downloaded = fetch(info(url_private_download="https://evil.example/f.pdf"))
    assert (fetched.problem, downloaded) == (NOT_FETCHED, [])


def test_files_info_error_is_said_in_french():
    """files.info not ok (file_not_found): the user is told the file could not be fetched."""
    fetched, _ = fetch({"ok": False, "error": "file_not_found"})
    assert fetched.problem == NOT_FETCHED


def test_failed_download_is_said_in_french():
    """A download that fails gives the same answer, never an error."""
    fetched, _ = fetch(info(), data=None)
    assert fetched.problem == NOT_FETCHED


def test_token_may_go_to_the_configured_api_host_only():
    """The loopback fake of the tests is the API's own host; plain http elsewhere is not."""
    assert may_receive_token("http://127.0.0.1:4000/files/F1", "http://127.0.0.1:4000/api/")
    assert not may_receive_token("http://files.slack.com/x", API)


def test_first_shared_file_id_is_read_from_the_event():
    """A message event's `files` list gives the id; an event without files gives none."""
    assert shared_file_id({"files": [{"id": "F1"}, {"id": "F2"}]}) == "F1"
    assert shared_file_id({"text": "bonjour"}) is None
