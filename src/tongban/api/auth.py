"""API authentication: personal access tokens (Bearer) or the web session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ninja.security import APIKeyCookie, HttpBearer

from tongban.accounts import otp
from tongban.accounts.models import LegalPerson
from tongban.accounts.principal import Principal
from tongban.accounts.request import principal_for
from tongban.accounts.services import authenticate_token, select_acting_for
from tongban.utils.errors import Forbidden


def _apply_acting_for_header(request: HttpRequest, principal: Principal) -> Principal:
    """``X-Acting-For: <统一社会信用代码>`` switches a person to act for a legal person they represent."""
    uscc = request.headers.get("X-Acting-For", "").strip().upper()
    if not uscc:
        return principal
    legal = LegalPerson.objects.filter(uscc=uscc).first()
    if legal is None:
        raise Forbidden(
            "not_authorised_for_legal_person", _("You are not authorised to act for this legal person.")
        )
    rep = select_acting_for(principal=principal, legal_person=legal)
    principal.acting_for, principal.representation = rep.legal_person, rep
    return principal


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        access = authenticate_token(token)
        if access is None:
            return None
        principal = Principal(user=access.user, token_scopes=frozenset(access.scopes), channel="api")
        if access.acting_for_id:
            rep = select_acting_for(principal=principal, legal_person=access.acting_for)  # type: ignore[arg-type]
            principal.acting_for, principal.representation = rep.legal_person, rep
        else:
            principal = _apply_acting_for_header(request, principal)
        request.user = access.user
        request._tb_principal = principal  # type: ignore[attr-defined]
        return principal


class SessionAuth(APIKeyCookie):
    """The browser session; ninja enforces CSRF on unsafe methods for cookie auth."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if otp.staff_needs_otp(user) and not otp.is_verified(user):
            return None  # staff sessions count only after the second factor
        principal = principal_for(request)
        principal.channel = "api"
        return _apply_acting_for_header(request, principal)


AUTH = [TokenAuth(), SessionAuth()]


def principal(request: HttpRequest) -> Principal:
    """The authenticated principal of an API request (set by one of the auth classes)."""
    return request.auth  # type: ignore[attr-defined]
