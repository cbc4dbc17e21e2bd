"""Attached files: accepted by their content (images, PDF, office documents, 10 MB); anything
else refused with a reason the user is told."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

import pytest

from actions.tickets.attachments import (
    BAD_NAME,
    DISGUISED,
    EMPTY,
    MALFORMED,
    MAX_BYTES,
    REASONS,
    TOO_LARGE,
    UNSUPPORTED,
    Attachment,
    Refusal,
    check_file,
    clean_name,
    read_wire,
    screen_wire,
)
from actions.tickets.model import AttachedFile
from tests.domain.test_answers import RESPONSES

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(40)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(30)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)
EXE = b"MZ\x90\x00\x03" + bytes(100)
ELF = b"\x7fELF\x02\x01\x01" + bytes(100)


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
PLAIN_ZIP = zipped({"readme.txt": b"hello"})


@pytest.mark.parametrize(
    ("name", "data", "declared", "content_type"),
    [
        ("capture.png", PNG, "image/png", "image/png"),
        ("Capture d'écran.JPG", JPEG, None, "image/jpeg"),
        ("photo.webp", WEBP, "", "image/webp"),
        ("certificat.pdf", PDF, "application/pdf; charset=binary", "application/pdf"),
        ("fiche-autoevaluation.docx", DOCX, "application/octet-stream",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("sessions.xlsx", XLSX, None,
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("fiche.odt", ODT, None, "application/vnd.oasis.opendocument.text"),
        ("cv.doc", OLE, "application/msword", "application/msword"),
    ],
    ids=["png", "jpeg-upper-case", "webp", "pdf-with-parameter", "docx-vague-type", "xlsx",
         "odt", "doc"],
)
def test_allowed_file_is_accepted_with_its_real_type(
    name: str, data: bytes, declared: str | None, content_type: str
) -> None:
    """Images, PDF and office documents are taken; the type comes from the content, and the
    ticket lists name, type, size and SHA-256."""
    result = check_file(name, data, declared)
    assert result == Attachment(name, content_type, len(data), hashlib.sha256(data).hexdigest())
    assert result.as_json() == {"name": name, "content_type": content_type, "size": len(data),
                                "sha256": hashlib.sha256(data).hexdigest()}


@pytest.mark.parametrize(
    ("name", "data", "declared", "reason"),
    [
        ("capture.png", EXE, "image/png", DISGUISED),
        ("fiche.pdf", ELF, None, DISGUISED),
        ("script.png", b"#!/bin/sh\nrm -rf /\n", None, DISGUISED),
        ("capture.png", PDF, None, DISGUISED),
        ("certificat.pdf", PDF, "image/png", DISGUISED),
        ("fiche.docx", PLAIN_ZIP, None, DISGUISED),
        ("fiche.docx", b"PK\x03\x04 not really a zip", None, MALFORMED),
        ("fiche.odt", zipped({"mimetype": b"application/x-other"}), None, DISGUISED),
        ("programme.exe", EXE, None, DISGUISED),
        ("archive.zip", PLAIN_ZIP, None, UNSUPPORTED),
        ("dessin.svg", b"<svg onload='alert(1)'/>", None, UNSUPPORTED),
        ("sans-extension", PNG, None, UNSUPPORTED),
        ("vide.png", b"", None, EMPTY),
        ("enorme.png", PNG + bytes(MAX_BYTES), None, TOO_LARGE),
        ("...", PNG, None, BAD_NAME),
    ],
    ids=["exe-named-png", "elf-named-pdf", "script-named-png", "pdf-named-png",
         "claimed-type-differs", "zip-named-docx", "broken-zip", "odt-wrong-mimetype",
         "exe", "zip", "svg", "no-extension", "empty", "over-10-mb", "no-name"],
)
def test_unsuitable_file_is_refused_with_its_reason(
    name: str, data: bytes, declared: str | None, reason: str
) -> None:
    """Disguised, malformed, oversized or unsupported files are refused, saying why."""
    assert check_file(name, data, declared) == Refusal(reason)


def test_exactly_10_mb_is_accepted() -> None:
    """The limit is 10 MB included."""
    data = PNG + bytes(MAX_BYTES - len(PNG))
    assert isinstance(check_file("capture.png", data), Attachment)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("../../etc/capture.png", "capture.png"), ("C:\\Users\\moi\\fiche.pdf", "fiche.pdf"),
     ("fi\x00che\n.pdf", "fi_che_.pdf"), ("  cv.docx  ", "cv.docx"), ("", None),
     ("a" * 200 + ".png", None)],
    ids=["unix-path", "windows-path", "control-characters", "spaces", "empty", "too-long"],
)
def test_file_name_keeps_only_the_name(raw: str, clean: str | None) -> None:
    """No folder, control character or reserved character survives in a stored name."""
    assert clean_name(raw) == clean


@pytest.mark.parametrize("reason", REASONS)
def test_every_refusal_is_explained_in_french(reason: str) -> None:
    """Each reason has its response in the domain, so the user is told what to do."""
    assert Refusal(reason).response in RESPONSES


def test_attached_file_must_be_the_checked_bytes() -> None:
    """A ticket's file whose bytes are not the checked ones is refused: no swapped content."""
    attachment = check_file("capture.png", PNG)
    assert isinstance(attachment, Attachment)
    assert AttachedFile(attachment, PNG).data == PNG
    with pytest.raises(ValueError):
        AttachedFile(attachment, JPEG)


# ---- the metadata form a channel hands over (read_wire / screen_wire)

def encoded(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def test_wire_file_is_read_back_with_its_bytes():
    """A PDF sent as base64 with its name and type comes back checked, bytes intact."""
    attachment, data = read_wire({"name": "fiche.pdf", "content_type": "application/pdf",
                                  "data": encoded(PDF)})
    assert (attachment.name, data) == ("fiche.pdf", PDF)


@pytest.mark.parametrize(("raw", "reason"), [
    ({"name": "fiche.pdf", "data": "not base64 !"}, MALFORMED),
    ({"name": "fiche.pdf"}, MALFORMED),
    ("fiche.pdf", MALFORMED),
    ({"name": "fiche.pdf", "data": "A" * (MAX_BYTES * 2)}, TOO_LARGE),
    ({"name": "capture.png", "content_type": "image/png", "data": encoded(EXE)}, DISGUISED),
    ({"name": "x.pdf", "refused": "too_large"}, TOO_LARGE),
    ({"name": "x.pdf", "refused": "whatever the client says"}, MALFORMED),
], ids=["bad-base64", "no-data", "not-an-object", "too-long-before-decoding", "exe-as-png",
        "channel-refusal", "unknown-refusal"])
def test_wire_file_problems_are_refusals(raw, reason):
    """Malformed, oversized or disguised files in the metadata are refused with a reason."""
    assert read_wire(raw) == Refusal(reason)


def test_channel_forwards_a_refusal_without_the_bytes():
    """A refused file is forwarded as its name and reason only: no bytes reach Rasa."""
    assert screen_wire({"name": "../virus.png", "data": encoded(EXE)}) == {
        "name": "virus.png", "refused": DISGUISED}
