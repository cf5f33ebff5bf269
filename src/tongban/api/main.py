"""The one NinjaAPI instance for ``/api/v1``: routers per app, errors mapped to stable codes once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError
from ninja.renderers import JSONRenderer
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from tongban import __version__
from tongban.api.auth import AUTH
from tongban.utils.errors import DomainError


class UTF8Renderer(JSONRenderer):
    """Chinese stays readable in responses instead of \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="tongban 通办 API",
    version=__version__,
    description=(
        "Public API of the tongban platform. Authenticate with a personal access token "
        "(`Authorization: Bearer tbp_…`) or the web session (send the CSRF token on writes). "
        "Errors are JSON objects with a stable `code` and a human `message`."
    ),
    urls_namespace="api-v1",
    auth=AUTH,
    renderer=UTF8Renderer(),
    docs_url="/docs",
    throttle=[
        AnonRateThrottle(settings.TONGBAN_API_RATE_ANON),
        AuthRateThrottle(settings.TONGBAN_API_RATE_AUTH),
    ],
)


def _error(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.as_dict())


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "code": str(e.get("type", "invalid")),
            "field": ".".join(str(p) for p in e.get("loc", [])[1:]) or None,
            "message": str(e.get("msg", "")),
        }
        for e in exc.errors
    ]
    return _error(
        request, 422, {"code": "validation_failed", "message": _("The input is not valid."), "errors": errors}
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, {"code": "unauthenticated", "message": _("Sign in or send a valid access token.")}
    )


@api.exception_handler(AuthorizationError)
def on_forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return _error(request, 403, {"code": "forbidden", "message": _("You do not have permission to do this.")})


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return _error(
        request, 429, {"code": "rate_limited", "message": _("Too many requests. Please slow down.")}
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {404: "not_found", 405: "method_not_allowed", 403: "forbidden", 400: "bad_request"}
    return _error(
        request, exc.status_code, {"code": codes.get(exc.status_code, "error"), "message": str(exc)}
    )


def _mount() -> None:
    from tongban.accounts.api import router as accounts_router
    from tongban.accounts.api import staff_router
    from tongban.audits.api import router as audits_router
    from tongban.bundles.api import router as bundles_router
    from tongban.cases.api import router as cases_router
    from tongban.cases.api import workbench_router as cases_workbench_router
    from tongban.items.api import graph_router
    from tongban.items.api import router as items_router
    from tongban.licenses.api import public_router as licenses_public_router
    from tongban.licenses.api import router as licenses_router
    from tongban.licenses.api_corrections import router as license_corrections_router
    from tongban.notifications.api import router as notifications_router
    from tongban.organizations.api import router as organizations_router
    from tongban.payments.api import router as payments_router
    from tongban.payments.api import workbench_router as payments_workbench_router
    from tongban.search.api import router as search_router

    api.add_router("/", accounts_router)
    api.add_router("/staff", staff_router)
    api.add_router("/audit", audits_router)
    api.add_router("/", notifications_router)
    api.add_router("/organizations", organizations_router)
    api.add_router("/", items_router)
    api.add_router("/bundles", bundles_router)
    api.add_router("/graph", graph_router)
    api.add_router("/search", search_router)
    api.add_router("/", licenses_router)
    api.add_router("/", licenses_public_router)
    api.add_router("/", license_corrections_router)
    api.add_router("/", cases_router)
    api.add_router("/workbench", cases_workbench_router)
    api.add_router("/", payments_router)
    api.add_router("/workbench/payments", payments_workbench_router)
    api.add_router("/", "tongban.logistics.api.router")
    api.add_router("/", "tongban.ratings.api.router")
    api.add_router("/", "tongban.servicedesk.api.router")


_mount()
