from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class PushFailed(Exception):
    """A push failed; ``permanent`` failures are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class PushResult:
    external_ref: str


class DepartmentSystem:
    identifier = ""

    def push(self, payload: dict[str, Any]) -> PushResult:  # pragma: no cover - interface
        """Hand one accepted case item to the department's system. No personal data beyond the case."""
        raise NotImplementedError
