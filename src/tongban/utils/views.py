"""Health probes and the platform's own error pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from tongban import __version__


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/o/")) or "application/json" in request.headers.get(
        "Accept", ""
    )


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches nothing else."""
    return JsonResponse({"status": "ok", "version": __version__})


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and every migration is applied."""
    checks: dict[str, Any] = {}
    ready = True
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["migrations"] = "ok" if not pending else f"{len(pending)} pending"
        ready = not pending
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = f"error: {exc.__class__.__name__}"
        ready = False
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


def _error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"code": code, "message": message}, status=status)
    return render(
        request, "errors/error.html", {"status": status, "code": code, "message": message}, status=status
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request, 403, "csrf_failed", _("The form expired or was sent from elsewhere. Please try again.")
    )


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 429, "rate_limited", _("Too many requests. Please wait a minute and try again."))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "not_found", _("The page does not exist or you may not see it."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "forbidden", _("You do not have permission to do this."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request, 500, "server_error", _("Something went wrong on our side. Your data is safe; please retry.")
    )


def catalogue_document(request: HttpRequest, path: str) -> HttpResponseBase:
    """Blank forms and samples of the catalogue: public files, served from ``MEDIA_ROOT/catalogue`` only
    (``serve`` refuses paths that climb out of it)."""
    from django.views.static import serve

    return serve(request, path, document_root=str(settings.MEDIA_ROOT / "catalogue"))
