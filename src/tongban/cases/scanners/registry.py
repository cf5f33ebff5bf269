"""Registry of virus scanners; ``TONGBAN_VIRUS_SCANNER`` picks the active one."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tongban.cases.scanners.base import VirusScanner


class Registry:
    def __init__(self) -> None:
        self._scanners: dict[str, VirusScanner] = {}

    def register(self, identifier: str) -> Callable[[type[VirusScanner]], type[VirusScanner]]:
        def decorator(cls: type[VirusScanner]) -> type[VirusScanner]:
            if identifier in self._scanners:
                raise ImproperlyConfigured(f"virus scanner {identifier!r} registered twice")
            instance = cls()
            instance.identifier = identifier
            self._scanners[identifier] = instance
            return cls

        return decorator

    def get(self, identifier: str) -> VirusScanner:
        try:
            return self._scanners[identifier]
        except KeyError:
            raise ImproperlyConfigured(f"unknown virus scanner {identifier!r}") from None

    def identifiers(self) -> list[str]:
        return sorted(self._scanners)


scanner_registry = Registry()


def active_scanner() -> VirusScanner:
    return scanner_registry.get(settings.TONGBAN_VIRUS_SCANNER)
