"""Request-wide context: request id, channel and display preferences."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tongban.utils import context
from tongban.utils.errors import DomainError

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    """Give every request an id (trusting a well-formed ``X-Request-ID``), and a channel.

    django-structlog binds the same id to every log line; the audit trail records it too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        # django-structlog reads this header to bind request_id.
        request.META["HTTP_X_REQUEST_ID"] = request_id
        request.__dict__.pop("headers", None)  # drop the cached header view so the new id is seen
        channel = "api" if request.path.startswith("/api/") or request.path.startswith("/o/") else "web"
        token = context.bind(request_id=request_id, channel=channel)
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class DisplayPreferencesMiddleware:
    """Expose the large-text (适老化) preference, kept in a cookie so it works signed out."""

    COOKIE = "tb_large_text"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.large_text = request.COOKIES.get(self.COOKIE) == "1"  # type: ignore[attr-defined]
        return self.get_response(request)


class DomainErrorMiddleware:
    """Pages raise the same DomainError subclasses as the API; render them once, with their code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        from django.shortcuts import render

        return render(
            request,
            "errors/error.html",
            {"status": exception.status, "code": exception.code, "message": exception.message},
            status=exception.status,
        )
