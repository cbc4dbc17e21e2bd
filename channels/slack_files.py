"""Files shared in Slack: fetched with the bot token through the Web API, then checked like
the widget's (channels/files.py).

A message event with a shared file carries only the file's id (and, in `files`, an excerpt of
its description); files.info gives its name, type, size and `url_private_download`, which Slack
serves only with the bot token as a bearer header. The token is sent only to Slack's own file
host (or the configured Web API's host: the fake Slack of the tests on loopback), and nothing
over 10 MB is downloaded: the size is checked before, and the download stops after MAX_BYTES.
One file per message is taken (the first); a failure is answered in French, never an error.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from actions.tickets.attachments import MAX_BYTES, TOO_LARGE, Refusal

logger = logging.getLogger(__name__)

NOT_FETCHED = "utter_attachment_not_fetched"
DOWNLOAD_TIMEOUT_SECONDS = 30
SLACK_FILE_HOSTS = ("files.slack.com",)

FilesInfo = Callable[[str], Awaitable[Mapping[str, Any]]]
Download = Callable[[str], Awaitable[bytes | None]]


@dataclass(frozen=True)
class Fetched:
    """The shared file as channels.files expects it (`wire`), or the response that answers."""

    wire: dict[str, str] | None = None
    problem: str | None = None


def shared_file_id(event: Mapping[str, Any]) -> str | None:
    """The id of the first file shared with a message event, if any."""
    files = event.get("files")
    first = files[0] if isinstance(files, list) and files else None
    file_id = first.get("id") if isinstance(first, dict) else None
    return file_id if isinstance(file_id, str) and file_id else None


def may_receive_token(url: str, api_url: str) -> bool:
    """Whether the bot token may go with a request to `url`: Slack's file host over https, or
    the host of the configured Web API (loopback in the tests, checked by resolve_settings)."""
    parts, api = urlsplit(url), urlsplit(api_url)
    if parts.scheme == "https" and parts.hostname in SLACK_FILE_HOSTS:
        return True
    return (parts.scheme, parts.hostname, parts.port) == (api.scheme, api.hostname, api.port)


async def fetch_shared_file(
    file_id: str, files_info: FilesInfo, download: Download, api_url: str,
) -> Fetched:
    """files.info, then the download of url_private_download; checked sizes, French refusals."""
    try:
        answer = await files_info(file_id)
    except Exception:  # Slack unreachable or an error answer: said, not raised
        logger.warning("Slack files.info failed for a shared file", exc_info=True)
        return Fetched(problem=NOT_FETCHED)
    info = answer.get("file") if answer.get("ok") else None
    if not isinstance(info, dict):
        return Fetched(problem=NOT_FETCHED)
    size = info.get("size")
    if isinstance(size, int) and size > MAX_BYTES:
        return Fetched(problem=Refusal(TOO_LARGE).response)
    url = info.get("url_private_download") or info.get("url_private")
    if not isinstance(url, str) or not may_receive_token(url, api_url):
        logger.warning("Slack file URL on an unexpected host: not downloaded")
        return Fetched(problem=NOT_FETCHED)
    data = await download(url)
    if data is None:
        return Fetched(problem=NOT_FETCHED)
    if len(data) > MAX_BYTES:
        return Fetched(problem=Refusal(TOO_LARGE).response)
    name, mimetype = info.get("name"), info.get("mimetype")
    name = name if isinstance(name, str) else ""
    mimetype = mimetype if isinstance(mimetype, str) else ""
    return Fetched(wire={"name": name, "content_type": mimetype,
                         "data": base64.b64encode(data).decode("ascii")})


def token_download(token: str, proxy: str | None = None) -> Download:
    """GET with the bot token, stopping one byte past MAX_BYTES; None on any failure."""

    async def download(url: str) -> bytes | None:
        timeout = aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT_SECONDS)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session, session.get(
                url, headers={"Authorization": f"Bearer {token}"}, proxy=proxy,
                allow_redirects=False,
            ) as response:
                if response.status != 200:
                    logger.warning("Slack file download answered %s", response.status)
                    return None
                chunks, total = [], 0
                async for chunk in response.content.iter_chunked(64 * 1024):
                    chunks.append(chunk)
                    total += len(chunk)
                    if total > MAX_BYTES:  # enough to say it is too large
                        break
                return b"".join(chunks)
        except (aiohttp.ClientError, TimeoutError):
            logger.warning("Slack file download failed", exc_info=True)
            return None

    return download
