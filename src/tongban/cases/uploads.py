"""Checks on a file an applicant uploads as a case material, before anything stores or shows it.

Allowed types: PDF, JPEG, PNG and OFD (GB/T 33190 版式文档: a zip container whose root holds ``OFD.xml``).
TIFF is refused on purpose: browsers cannot display it, so a reviewer could not read it in the
workbench, TIFF decoders have a long history of memory-safety bugs, and every scanner app can produce PDF
or JPEG instead.

:func:`check_upload` runs, in this order, and raises a :class:`DomainError` (``field="file"``) at the first
failure:

1. size: 1 byte up to ``TONGBAN_CASE_UPLOAD_MAX_BYTES`` (``upload_empty``, ``upload_too_large``);
2. executables and scripts, whatever the name says: PE (``MZ``), ELF, Mach-O, Java class and ``#!``
   scripts (``upload_executable``); HTML, SVG, XML with script and other text that looks like a script
   (``upload_active_content``). Markup is looked for in the first KiB, where browsers sniff it;
3. the type, from the magic bytes (``upload_type_not_allowed``); the name's extension and the browser's
   declared type must agree with it (``upload_type_mismatch``; an empty or ``octet-stream`` declared type
   says nothing and is ignored);
4. active content inside an allowed type (``upload_active_content``): a PDF naming ``/JavaScript``,
   ``/JS``, ``/Launch`` or ``/EmbeddedFile(s)`` (also ``#xx``-escaped, and inside Flate-compressed object
   streams; an object stream we cannot decode, e.g. of an encrypted PDF, is refused rather than trusted);
   an OFD holding executables, scripts, markup or encrypted members. An OFD that unpacks to more than
   :data:`OFD_MAX_UNPACKED_BYTES` is ``upload_too_large``;
5. the active virus scanner (``TONGBAN_VIRUS_SCANNER``): ``upload_infected``; a scanner that cannot be
   reached or answers nonsense gives ``upload_scan_failed`` (HTTP 503): an unscanned file is never
   accepted.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

import structlog

from tongban.cases.scanners.base import ScanError
from tongban.cases.scanners.registry import active_scanner
from tongban.utils.errors import DomainError

log = structlog.get_logger(__name__)

NAME_MAX = 120
OFD_MAX_UNPACKED_BYTES = 256 * 1024 * 1024
OFD_MAX_MEMBERS = 10_000
PDF_MAX_INFLATED_BYTES = 64 * 1024 * 1024  # object streams decompressed to look for active content
SNIFF_BYTES = 1024

EMPTY = "upload_empty"
TOO_LARGE = "upload_too_large"
TYPE_NOT_ALLOWED = "upload_type_not_allowed"
TYPE_MISMATCH = "upload_type_mismatch"
EXECUTABLE = "upload_executable"
ACTIVE_CONTENT = "upload_active_content"
INFECTED = "upload_infected"
SCAN_FAILED = "upload_scan_failed"


class UploadScanFailed(DomainError):
    """The virus scanner could not check the file: try again later (not the applicant's fault)."""

    status = 503


@dataclass(frozen=True)
class FileType:
    mime: str
    extensions: tuple[str, ...]  # without the dot, lower case; the first is the usual one
    declared: frozenset[str]  # Content-Types a browser may send for it


PDF = FileType("application/pdf", ("pdf",), frozenset({"application/pdf", "application/x-pdf"}))
JPEG = FileType("image/jpeg", ("jpg", "jpeg"), frozenset({"image/jpeg", "image/jpg", "image/pjpeg"}))
PNG = FileType("image/png", ("png",), frozenset({"image/png", "image/x-png"}))
OFD = FileType(
    "application/ofd",
    ("ofd",),
    frozenset({"application/ofd", "application/x-ofd", "application/zip", "application/x-zip-compressed"}),
)
ALLOWED_TYPES = (PDF, JPEG, PNG, OFD)
_UNINFORMATIVE_DECLARED = frozenset({"", "application/octet-stream", "binary/octet-stream"})


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # cleaned: no folders, no control characters, at most NAME_MAX characters
    size: int
    sha256: str  # hex
    mime: str  # sniffed from the content, never taken from the browser
    extension: str  # lower case, without the dot


def _refuse(code: str, message: str | Promise, **params: object) -> DomainError:
    return DomainError(code, message, field="file", **params)


# --- names ------------------------------------------------------------------------------------------
def clean_name(name: str) -> str:
    """The last path part of ``name``, without control or invisible characters (a right-to-left override
    can make ``gpj.exe`` look like ``exe.jpg``), characters Windows forbids, or leading dots; at most
    :data:`NAME_MAX` characters, keeping the extension."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]  # old browsers send C:\Users\…\file.pdf
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").rstrip(". ")
    if not name:
        return "upload"
    if len(name) > NAME_MAX:
        suffix = PurePosixPath(name).suffix
        suffix = suffix if 1 < len(suffix) <= 10 else ""
        name = name[: NAME_MAX - len(suffix)].rstrip(". ") + suffix
    return name


def _extension(name: str) -> str:
    return PurePosixPath(name).suffix.lstrip(".").lower()


# --- executables and markup -------------------------------------------------------------------------
_EXECUTABLE_MAGIC = (
    b"MZ",  # DOS/Windows PE
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O 32-bit
    b"\xfe\xed\xfa\xcf",  # Mach-O 64-bit
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary, also a Java class file
    b"#!",  # script with an interpreter line
)
_MARKUP_MARKERS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<svg",
    b"javascript:",
)
_SCRIPT_RE = re.compile(
    rb"(?:\bfunction\s*\w*\s*\(|=>|\beval\s*\(|\bdocument\.|\bwindow\.|\brequire\s*\(|^\s*import\s|"
    rb"\b(?:var|let|const)\s+\w+\s*=|ActiveXObject|WScript|CreateObject|powershell|@echo\s+off|<%)",
    re.IGNORECASE | re.MULTILINE,
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _is_executable(head: bytes) -> bool:
    return head.startswith(_EXECUTABLE_MAGIC)


def _has_markup(head: bytes) -> bool:
    # UTF-16 markup has NULs between the letters; drop them so it is found as well.
    text = head.replace(b"\0", b"").lower()
    return any(marker in text for marker in _MARKUP_MARKERS)


def _looks_like_script(data: bytes) -> bool:
    head = data[: 8 * SNIFF_BYTES]
    for bom in _BOMS:
        head = head.removeprefix(bom)
    if b"\0" in head:
        return False  # binary, not a script
    return bool(_SCRIPT_RE.search(head))


# --- type sniffing ----------------------------------------------------------------------------------
def _ofd_zip(data: bytes) -> zipfile.ZipFile | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if any(info.filename.lower() == "ofd.xml" for info in archive.infolist()):
        return archive
    return None


def sniff(data: bytes) -> FileType | None:
    """The allowed type ``data`` is, from its first bytes (an OFD: a zip with ``OFD.xml`` at its root)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04") and _ofd_zip(data) is not None:
        return OFD
    return None


# --- PDF active content -----------------------------------------------------------------------------
_PDF_ACTIVE_NAMES = frozenset({b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles"})
_PDF_NAME_RE = re.compile(rb"/([^\x00\t\n\x0c\r /<>\[\]()%{}]*)")
_PDF_HEX_RE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM_RE = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_PDF_OTHER_FILTERS = frozenset(
    {
        b"ASCIIHexDecode",
        b"AHx",
        b"ASCII85Decode",
        b"A85",
        b"LZWDecode",
        b"LZW",
        b"RunLengthDecode",
        b"RL",
        b"Crypt",
    }
)


def _pdf_names(data: bytes) -> Iterator[bytes]:
    """Every PDF name in ``data``, with ``#xx`` escapes decoded (``/J#61vaScript`` is ``/JavaScript``)."""
    for match in _PDF_NAME_RE.finditer(data):
        name = match.group(1)
        yield _PDF_HEX_RE.sub(lambda m: bytes([int(m.group(1), 16)]), name) if b"#" in name else name


def _names_active(data: bytes) -> bool:
    return any(name in _PDF_ACTIVE_NAMES for name in _pdf_names(data))


def _pdf_object_streams(data: bytes) -> Iterator[bytes | None]:
    """The decompressed content of each object stream (/Type /ObjStm), where actions can hide from a plain
    byte search; None for one that cannot be decoded."""
    budget = PDF_MAX_INFLATED_BYTES
    for match in _PDF_STREAM_RE.finditer(data):
        start = match.start()
        obj = data.rfind(b"obj", max(0, start - 4096), start)
        names = set(_pdf_names(data[obj if obj >= 0 else max(0, start - 4096) : start]))
        if b"ObjStm" not in names or b"Filter" not in names:
            continue  # an unfiltered object stream is plain bytes, already searched
        if names & _PDF_OTHER_FILTERS or not ({b"FlateDecode", b"Fl"} & names):
            yield None  # a filter we do not decode (or encryption): cannot be inspected
            continue
        inflater = zlib.decompressobj()
        try:
            content = inflater.decompress(data[match.end() :], budget + 1)
        except zlib.error:
            yield None
            continue
        budget -= len(content)
        if budget < 0:
            yield None
            return
        yield content


def _pdf_problem(data: bytes) -> str | None:
    if _names_active(data):
        return "active_names"
    for content in _pdf_object_streams(data):
        if content is None:
            return "uninspectable_object_stream"
        if _names_active(content):
            return "active_names"
    return None


def _pdf_error(data: bytes) -> DomainError | None:
    reason = _pdf_problem(data)
    if reason is None:
        return None
    if reason == "active_names":
        message = _("This PDF contains scripts, actions or attached files; please upload a plain PDF.")
    else:
        message = _("This PDF cannot be checked for scripts (it may be encrypted); upload a plain PDF.")
    return _refuse(ACTIVE_CONTENT, message, reason=reason)


# --- OFD contents -----------------------------------------------------------------------------------
_ACTIVE_MEMBER_EXTENSIONS = frozenset(
    {
        "exe", "dll", "com", "scr", "msi", "bat", "cmd", "ps1", "vbs", "vbe", "js", "jse", "wsf", "wsh",
        "hta", "jar", "sh", "py", "pl", "app", "html", "htm", "xhtml", "svg", "swf", "lnk",
    }
)  # fmt: skip


def _ofd_error(data: bytes) -> DomainError | None:
    archive = _ofd_zip(data)
    if archive is None:  # pragma: no cover - sniff() has just opened it
        return _refuse(TYPE_NOT_ALLOWED, _("This file type cannot be uploaded."))
    members = archive.infolist()
    unpacked = sum(info.file_size for info in members)
    if len(members) > OFD_MAX_MEMBERS or unpacked > OFD_MAX_UNPACKED_BYTES:
        return _refuse(
            TOO_LARGE,
            _("This OFD file unpacks to too much data."),
            reason="unpacked",
            max_bytes=OFD_MAX_UNPACKED_BYTES,
        )
    for info in members:
        if info.flag_bits & 0x1:
            message = _("This OFD file has encrypted parts and cannot be checked.")
            return _refuse(ACTIVE_CONTENT, message, reason="encrypted")
        if _extension(info.filename) in _ACTIVE_MEMBER_EXTENSIONS:
            return _refuse(
                ACTIVE_CONTENT, _("This OFD file contains programs or scripts."), reason="active_member"
            )
        if info.is_dir():
            continue
        try:
            with archive.open(info) as member:
                head = member.read(SNIFF_BYTES)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError):
            return _refuse(TYPE_NOT_ALLOWED, _("This OFD file is damaged."), reason="damaged")
        if _is_executable(head):
            return _refuse(EXECUTABLE, _("This OFD file contains a program."), reason="executable_member")
        if _has_markup(head):
            return _refuse(
                ACTIVE_CONTENT, _("This OFD file contains web pages or scripts."), reason="markup_member"
            )
    return None


_CONTENT_CHECKS: dict[FileType, Callable[[bytes], DomainError | None]] = {PDF: _pdf_error, OFD: _ofd_error}


# --- the check --------------------------------------------------------------------------------------
def _declared_mime(declared_type: str) -> str:
    return declared_type.split(";", 1)[0].strip().lower()


def _check_content(name: str, data: bytes, declared_type: str) -> tuple[FileType, str]:
    if _is_executable(data[:8]):
        raise _refuse(EXECUTABLE, _("Programs cannot be uploaded."))
    head = data[:SNIFF_BYTES]
    if _has_markup(head):
        raise _refuse(ACTIVE_CONTENT, _("Web pages, SVG images and scripts cannot be uploaded."))
    ftype = sniff(data)
    if ftype is None:
        if _looks_like_script(data):
            raise _refuse(ACTIVE_CONTENT, _("Scripts cannot be uploaded."), reason="script")
        raise _refuse(
            TYPE_NOT_ALLOWED,
            _("Only PDF, JPEG, PNG and OFD files can be uploaded."),
            allowed=[t.extensions[0] for t in ALLOWED_TYPES],
        )
    extension = _extension(name)
    if extension not in ftype.extensions:
        params = {"extension": extension, "type": ftype.extensions[0].upper()}
        message = (
            _("The file name ends in “.%(extension)s” but the file is a %(type)s; please rename it.")
            if extension
            else _("The file name has no extension but the file is a %(type)s; please rename it.")
        )
        raise _refuse(TYPE_MISMATCH, message % params, detected=ftype.mime)
    declared = _declared_mime(declared_type)
    if declared not in _UNINFORMATIVE_DECLARED and declared not in ftype.declared:
        raise _refuse(
            TYPE_MISMATCH,
            _("The file's declared type does not match its content."),
            detected=ftype.mime,
            declared=declared,
        )
    check = _CONTENT_CHECKS.get(ftype)
    error = check(data) if check else None
    if error is not None:
        raise error
    return ftype, extension


def check_upload(name: str, data: bytes, declared_type: str = "") -> CheckedUpload:
    """Check an uploaded file (see the module doc for the order) and describe it; raise a
    :class:`DomainError` with one of the ``upload_*`` codes when it may not be accepted."""
    size = len(data)
    if size == 0:
        raise _refuse(EMPTY, _("The file is empty."))
    max_bytes = settings.TONGBAN_CASE_UPLOAD_MAX_BYTES
    if size > max_bytes:
        raise _refuse(
            TOO_LARGE,
            _("The file is larger than %(mb)s MB.") % {"mb": round(max_bytes / (1024 * 1024), 1)},
            max_bytes=max_bytes,
            size=size,
        )
    clean = clean_name(name)
    ftype, extension = _check_content(clean, data, declared_type)
    digest = hashlib.sha256(data).hexdigest()
    try:
        result = active_scanner().scan(data)
    except ScanError as exc:
        log.warning("upload_scan_failed", sha256=digest, size=size, error=str(exc))
        raise UploadScanFailed(
            SCAN_FAILED,
            _("The file could not be checked for viruses just now; please try again later."),
            field="file",
        ) from exc
    if not result.clean:
        log.warning("upload_infected", sha256=digest, size=size, signature=result.signature)
        raise _refuse(INFECTED, _("The file contains a virus and was refused."), signature=result.signature)
    return CheckedUpload(name=clean, size=size, sha256=digest, mime=ftype.mime, extension=extension)
