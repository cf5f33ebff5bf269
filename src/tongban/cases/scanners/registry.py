"""Registry of virus scanners; ``TONGBAN_VIRUS_SCANNER`` picks the active one."""

from __future__ import annotations

from django.conf import settings

from tongban.cases.scanners.base import VirusScanner
from tongban.utils.registry import AdapterRegistry

scanner_registry: AdapterRegistry[VirusScanner] = AdapterRegistry("virus scanner")


def active_scanner() -> VirusScanner:
    return scanner_registry.get(settings.TONGBAN_VIRUS_SCANNER)
