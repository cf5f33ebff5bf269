"""Contracts for delivery providers (SMS, e-mail). Each provider is a small adapter registered under an
identifier; the worker picks the active one from settings."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


class AdapterError(Exception):
    """Delivery failed. ``permanent`` tells the caller not to retry (bad number or address, rejected
    content)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SendResult:
    provider_ref: str


# The SMS contract predates the e-mail one; the old name stays for existing adapters.
SmsResult = SendResult


class SmsAdapter(ABC):
    identifier: str = ""

    @abstractmethod
    def send(self, *, mobile: str, text: str) -> SendResult:
        """Send one message; raise AdapterError on failure."""


class EmailAdapter(ABC):
    identifier: str = ""

    @abstractmethod
    def send(self, *, to: str, subject: str, body: str) -> SendResult:
        """Send one plain-text message to one address; raise AdapterError on failure."""


def mask_email(address: str | None) -> str:
    """``zhang.san@example.com`` → ``z***@example.com``: enough to tell messages apart in a log."""
    if not address:
        return ""
    local, at, domain = address.rpartition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"
