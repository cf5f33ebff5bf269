"""Domain errors with stable, machine-readable codes.

Services and validators raise these; the API maps them to JSON once (``tongban.api``) and pages show
``message``. Codes are part of the public contract: never rename one, add a new one instead.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A business rule refused the request (HTTP 400 by default)."""

    status = 400

    def __init__(self, code: str, message: str | Promise, *, field: str | None = None, **params: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.field = field
        self.params = params

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.field:
            body["field"] = self.field
        if self.params:
            body["params"] = self.params
        return body


class NotFound(DomainError):
    """The object does not exist, or the caller may not know that it exists (404)."""

    status = 404

    def __init__(self, code: str = "not_found", message: str | Promise = "Not found.", **kw: Any) -> None:
        super().__init__(code, message, **kw)


class Forbidden(DomainError):
    """The caller may know the object but may not do this to it (403)."""

    status = 403

    def __init__(
        self, code: str = "forbidden", message: str | Promise = "Permission denied.", **kw: Any
    ) -> None:
        super().__init__(code, message, **kw)


class Conflict(DomainError):
    status = 409


class ValidationFailed(DomainError):
    """Several field errors at once; ``errors`` holds one dict per problem."""

    status = 422

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__("validation_failed", "The input is not valid.")
        self.errors = errors

    def as_dict(self) -> dict[str, Any]:
        body = super().as_dict()
        body["errors"] = [e.as_dict() for e in self.errors]
        return body
