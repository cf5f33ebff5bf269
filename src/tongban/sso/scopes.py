"""OpenID Connect scopes of the platform, the claims each releases, and django-oauth-toolkit's backend.

A registered client may only ever receive the scopes in its ``allowed_scopes`` (``openid`` is always
allowed); anything else it asks for is silently dropped before the consent screen (see
:meth:`tongban.sso.validators.TongbanOIDCValidator.validate_scopes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from oauth2_provider.scopes import BaseScopes

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from tongban.sso.models import Client

OPENID = "openid"

# Scope → what the person is told on the consent screen.
SCOPES: dict[str, Promise] = {
    OPENID: _("Sign you in: an anonymous account identifier that stays the same"),
    "profile": _("Your name and username"),
    "phone": _("Your mobile phone number"),
    "identity": _("Your resident ID number and whether you are a citizen or staff member"),
    "staff": _("Your department and staff roles (staff members only)"),
}

# Scope → the claims it releases in the ID token and at the userinfo endpoint.
SCOPE_CLAIMS: dict[str, tuple[str, ...]] = {
    OPENID: ("sub",),
    "profile": ("name", "preferred_username"),
    "phone": ("phone_number",),
    "identity": ("id_number", "id_number_masked", "principal_kind"),
    "staff": ("department", "roles"),
}

# Claim → the scope that releases it (django-oauth-toolkit's ``oidc_claim_scope`` format).
CLAIM_SCOPE: dict[str, str] = {claim: scope for scope, claims in SCOPE_CLAIMS.items() for claim in claims}

# Releasing any of these to a client is recorded as ``personal_data.shared`` for the data subject.
PERSONAL_DATA_CLAIMS = frozenset({"phone_number", "id_number"})

DEFAULT_ALLOWED_SCOPES = [OPENID, "profile"]


def default_allowed_scopes() -> list[str]:
    return list(DEFAULT_ALLOWED_SCOPES)


def scope_choices() -> list[tuple[str, Any]]:
    return [(scope, f"{scope} — {description}") for scope, description in SCOPES.items()]


def client_scopes(client: Client | None) -> list[str]:
    """The scopes ``client`` may be granted, in the canonical order. ``openid`` is always included."""
    if client is None:
        return list(SCOPES)
    allowed = {OPENID, *(getattr(client, "allowed_scopes", None) or [])}
    return [scope for scope in SCOPES if scope in allowed]


def filter_scopes(client: Client | None, requested: Iterable[str]) -> list[str]:
    """``requested`` reduced to the scopes ``client`` may have, keeping the request's order, no repeats."""
    permitted = set(client_scopes(client))
    result: list[str] = []
    for scope in requested:
        if scope in permitted and scope not in result:
            result.append(scope)
    return result


class TongbanScopes(BaseScopes):
    """``SCOPES_BACKEND_CLASS``: all platform scopes, and per client the ones it is allowed."""

    def get_all_scopes(self) -> dict[str, Promise]:
        return dict(SCOPES)

    def get_available_scopes(
        self, application: Client | None = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return client_scopes(application)

    def get_default_scopes(
        self, application: Client | None = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        # A request without ``scope`` only signs the person in.
        return [OPENID]
