"""Contract for SMS providers. Each provider is a small adapter registered under an identifier."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


class AdapterError(Exception):
    """Delivery failed. ``permanent`` tells the caller not to retry (bad number, rejected content)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmsResult:
    provider_ref: str


class SmsAdapter(ABC):
    identifier: str = ""

    @abstractmethod
    def send(self, *, mobile: str, text: str) -> SmsResult:
        """Send one message; raise AdapterError on failure."""
