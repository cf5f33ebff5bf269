"""Contract for virus scanners. Each scanner is a small adapter registered under an identifier."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


class ScanError(Exception):
    """The scan could not be done (scanner unreachable, timed out, refused the file). Callers fail closed:
    an unscanned file is never accepted."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""  # the name of what was found, when not clean


class VirusScanner(ABC):
    identifier: str = ""

    @abstractmethod
    def scan(self, data: bytes) -> ScanResult:
        """Scan the whole of ``data``; raise :class:`ScanError` when that cannot be done."""
