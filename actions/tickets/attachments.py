"""Files a user attaches to a ticket, checked by their content before they are kept.

The help page asks for files (a screenshot, the self-evaluation sheet, the course certificate,
a CV). Only images, PDF and office documents up to 10 MB are taken, and a file is judged by its
bytes, not by its name or the type the browser claims: an executable renamed "capture.png" is
refused. Accepted files are stored with their ticket (sql.attachments_table, never served back)
and uploaded to Zendesk with it (zendesk.py, Uploads API).

Not wired yet (issue 14): the channels (widget upload, Slack file shares) and the ticket form
asking for the file.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024
MAX_NAME = 120

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
