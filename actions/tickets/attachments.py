"""Files a user attaches to a ticket, checked by their content before they are kept.

The help page asks for files (a screenshot, the self-evaluation sheet, the course certificate,
a CV). Only images, PDF and office documents up to 10 MB are taken, and a file is judged by its
bytes, not by its name or the type the browser claims: an executable renamed "capture.png" is
refused. Accepted files are stored with their ticket (sql.attachments_table, never served back)
and uploaded to Zendesk with it (zendesk.py, Uploads API).

How a file travels: the channel (REST, socket.io, Slack) puts it in the message metadata under
METADATA_KEY as {"name", "content_type", "data": base64}, after checking it with read_wire; a
refused file travels as {"name", "refused": reason} so that the conversation can say why
(actions/business/conversation.py). The action server checks the bytes again before a ticket
keeps them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024
MAX_NAME = 120
METADATA_KEY = "attachment"
# Base64 of MAX_BYTES, plus slack for line breaks: longer data is refused before decoding.
MAX_ENCODED = (MAX_BYTES + 2) // 3 * 4 + 1024

# Refusal reasons; each has a French response utter_attachment_<reason> in the domain.
EMPTY = "empty"
TOO_LARGE = "too_large"
BAD_NAME = "bad_name"
UNSUPPORTED = "unsupported_type"
DISGUISED = "disguised"
MALFORMED = "malformed"
REASONS = (EMPTY, TOO_LARGE, BAD_NAME, UNSUPPORTED, DISGUISED, MALFORMED)

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Extension -> (content type, how the bytes of such a file begin or what a zip holds).
TYPES: dict[str, tuple[str, str]] = {
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "gif": ("image/gif", "gif"),
    "webp": ("image/webp", "webp"),
    "pdf": ("application/pdf", "pdf"),
    "doc": ("application/msword", "ole"),
    "xls": ("application/vnd.ms-excel", "ole"),
    "ppt": ("application/vnd.ms-powerpoint", "ole"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             "ppt/"),
    "odt": ("application/vnd.oasis.opendocument.text", "odf"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "odf"),
    "odp": ("application/vnd.oasis.opendocument.presentation", "odf"),
}
_MAGIC = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "pdf": (b"%PDF-",),
    "ole": (_OLE,),
}
# Programs, whatever their name says: Windows PE, ELF, Mach-O, scripts with a shebang.
_EXECUTABLE = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe",
               b"#!")
# Types a client may claim without saying anything about the content.
_VAGUE = {"", "application/octet-stream", "binary/octet-stream"}


@dataclass(frozen=True)
class Attachment:
    """An accepted file, as a ticket lists it."""

    name: str
    content_type: str
    size: int
    sha256: str

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "content_type": self.content_type, "size": self.size,
                "sha256": self.sha256}


@dataclass(frozen=True)
class Refusal:
    """Why a file was not taken (one of REASONS); the rest of the ticket is unaffected."""

    reason: str

    @property
    def response(self) -> str:
        return f"utter_attachment_{self.reason}"


def check_file(name: str, data: bytes, declared_type: str | None = None) -> Attachment | Refusal:
    """Accept the file if its name, size and bytes agree on an allowed type."""
    if not data:
        return Refusal(EMPTY)
    if len(data) > MAX_BYTES:
        return Refusal(TOO_LARGE)
    clean = clean_name(name)
    if clean is None:
        return Refusal(BAD_NAME)
    if data.startswith(_EXECUTABLE):
        return Refusal(DISGUISED)
    extension = clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    if extension not in TYPES:
        return Refusal(UNSUPPORTED)
    content_type, shape = TYPES[extension]
    verdict = _matches(shape, content_type, data)
    if verdict is not None:
        return Refusal(verdict)
    claimed = (declared_type or "").split(";")[0].strip().lower()
    if claimed not in _VAGUE and claimed != content_type:
        return Refusal(DISGUISED)
    return Attachment(clean, content_type, len(data), hashlib.sha256(data).hexdigest())


def _matches(shape: str, content_type: str, data: bytes) -> str | None:
    """None when the bytes are a file of this shape, else the refusal reason."""
    if shape in _MAGIC:
        return None if data.startswith(_MAGIC[shape]) else DISGUISED
    if shape == "webp":
        return None if data[:4] == b"RIFF" and data[8:12] == b"WEBP" else DISGUISED
    if not data.startswith(b"PK\x03\x04"):
        return DISGUISED
    try:  # only the zip's directory is read: nothing is decompressed but ODF's tiny mimetype
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if shape == "odf":
                mimetype = archive.read("mimetype") if "mimetype" in names else b""
                ok = mimetype == content_type.encode()
            else:
                ok = "[Content_Types].xml" in names and any(n.startswith(shape) for n in names)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return MALFORMED
    return None if ok else DISGUISED


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def clean_name(name: str) -> str | None:
    """The file's own name without any folder, control or reserved characters; None if empty."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name or ""))[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    if not base or len(base) > MAX_NAME:
        return None
    return base


def to_wire(attachment: Attachment, data: bytes) -> dict[str, str]:
    """The metadata entry of an accepted file."""
    return {"name": attachment.name, "content_type": attachment.content_type,
            "data": base64.b64encode(data).decode("ascii")}


def refused_wire(name: object, refusal: Refusal) -> dict[str, str]:
    """The metadata entry of a refused file: its name (if readable) and why, never its bytes."""
    readable = clean_name(name) if isinstance(name, str) else None
    return {"name": readable or "", "refused": refusal.reason}


def read_wire(raw: object) -> tuple[Attachment, bytes] | Refusal | None:
    """A metadata entry checked again: the file and its bytes, the refusal, or None (no file)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        return Refusal(MALFORMED)
    reason = raw.get("refused")
    if reason is not None:
        return Refusal(reason if reason in REASONS else MALFORMED)
    name, declared, encoded = raw.get("name"), raw.get("content_type"), raw.get("data")
    if not isinstance(name, str) or not isinstance(encoded, str):
        return Refusal(MALFORMED)
    if declared is not None and not isinstance(declared, str):
        return Refusal(MALFORMED)
    if len(encoded) > MAX_ENCODED:
        return Refusal(TOO_LARGE)
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return Refusal(MALFORMED)
    checked = check_file(name, data, declared)
    return checked if isinstance(checked, Refusal) else (checked, data)


def screen_wire(raw: object) -> dict[str, str] | None:
    """What a channel forwards for a file a client sent: the checked file, or why not."""
    read = read_wire(raw)
    if read is None:
        return None
    name = raw.get("name") if isinstance(raw, dict) else None
    if isinstance(read, Refusal):
        return refused_wire(name, read)
    return to_wire(*read)
