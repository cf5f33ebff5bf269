"""Demo virus scanner: finds only the EICAR anti-virus test file, so the refusal path can be shown."""

from __future__ import annotations

from tongban.cases.scanners.base import ScanResult, VirusScanner
from tongban.cases.scanners.registry import scanner_registry

# The standard 68-byte EICAR test string (harmless; every anti-virus product reports it).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE = "Eicar-Test-Signature"


@scanner_registry.register("demo")
class DemoScanner(VirusScanner):
    def scan(self, data: bytes) -> ScanResult:
        # Anywhere in the file, as real scanners do for a test file inside a document or archive member.
        if EICAR in data:
            return ScanResult(clean=False, signature=EICAR_SIGNATURE)
        return ScanResult(clean=True)
