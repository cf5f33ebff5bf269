"""clamd adapter: ClamAV's daemon, spoken to over TCP with the INSTREAM command (clamd(8)).

The client sends ``zINSTREAM\\0``, then the file as chunks, each prefixed with its length as a 4-byte
big-endian unsigned integer, and a zero-length chunk to end. clamd answers one NUL-terminated line:
``stream: OK``, ``stream: <signature> FOUND``, or something ending in ``ERROR`` (``INSTREAM size limit
exceeded. ERROR`` when the file is larger than clamd's StreamMaxLength; clamd may also just close the
connection). Anything but OK or FOUND, and any network failure or timeout, is a :class:`ScanError`.

``TONGBAN_CLAMD_ADDRESS`` is ``host:port`` (``[::1]:3310`` for IPv6).
"""

from __future__ import annotations

import socket
import struct
import time

from django.conf import settings

import structlog

from tongban.cases.scanners.base import ScanError, ScanResult, VirusScanner
from tongban.cases.scanners.registry import scanner_registry

log = structlog.get_logger(__name__)

CHUNK_BYTES = 64 * 1024
TIMEOUT_SECONDS = 30.0  # for the whole exchange, not per packet: a slow-drip server cannot stall an upload
MAX_REPLY_BYTES = 4096


def parse_address(address: str) -> tuple[str, int]:
    host, sep, port = address.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ScanError(f"TONGBAN_CLAMD_ADDRESS must be host:port, not {address!r}")
    return host, int(port)


def parse_reply(reply: bytes) -> ScanResult:
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith(" FOUND"):
        body = text.removesuffix(" FOUND")
        return ScanResult(clean=False, signature=body.split(": ", 1)[-1].strip() or "unknown")
    if text.endswith(": OK"):
        return ScanResult(clean=True)
    raise ScanError(f"clamd answered {text!r}" if text else "clamd closed the connection without answering")


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def arm(self, sock: socket.socket) -> None:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError("clamd did not answer in time")
        sock.settimeout(left)


@scanner_registry.register("clamd")
class ClamdScanner(VirusScanner):
    def __init__(self, *, timeout: float = TIMEOUT_SECONDS, chunk_bytes: int = CHUNK_BYTES) -> None:
        self.timeout = timeout
        self.chunk_bytes = chunk_bytes

    def scan(self, data: bytes) -> ScanResult:
        address = settings.TONGBAN_CLAMD_ADDRESS
        host, port = parse_address(address)
        deadline = _Deadline(self.timeout)
        try:
            with socket.create_connection((host, port), timeout=self.timeout) as sock:
                reply = self._exchange(sock, data, deadline)
        except OSError as exc:  # refused, reset, broken pipe (clamd hung up), timeout
            log.warning("clamd_scan_failed", address=address, error=str(exc))
            raise ScanError(f"clamd at {address}: {exc}") from exc
        return parse_reply(reply)

    def _exchange(self, sock: socket.socket, data: bytes, deadline: _Deadline) -> bytes:
        deadline.arm(sock)
        sock.sendall(b"zINSTREAM\0")
        view = memoryview(data)
        for start in range(0, len(view), self.chunk_bytes):
            chunk = view[start : start + self.chunk_bytes]
            deadline.arm(sock)
            sock.sendall(struct.pack(">I", len(chunk)))
            sock.sendall(chunk)
        deadline.arm(sock)
        sock.sendall(struct.pack(">I", 0))
        reply = b""
        while b"\0" not in reply and len(reply) < MAX_REPLY_BYTES:
            deadline.arm(sock)
            part = sock.recv(1024)
            if not part:
                break
            reply += part
        return reply.split(b"\0", 1)[0]
