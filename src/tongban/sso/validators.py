"""The request validator behind every OAuth 2.0 / OpenID Connect endpoint (``OAUTH2_VALIDATOR_CLASS``).

On top of django-oauth-toolkit's validator it

* grants a client only the scopes in its ``allowed_scopes`` (others are dropped, not refused);
* uses a keyed hash as ``sub`` instead of the database id;
* releases claims only for granted scopes, and leaves out claims that do not apply to the person;
* records ``personal_data.shared`` when a phone number or ID number goes out in an ID token or from
  the userinfo endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from tongban.sso import services
from tongban.sso.claims import CLAIM_VALUES, subject_for
from tongban.sso.scopes import CLAIM_SCOPE, filter_scopes

_RELEASED = "tb_released_claims"
# Set by the authorization view in ``request.META`` (which django-oauth-toolkit hands to oauthlib as
# the request headers): the signed-in user's id, or "". Not an ``HTTP_`` key, so no client can send it.
SESSION_USER_META = "tongban.session_user"


def _claim_getter(compute: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda request: compute(request.user)


class TongbanOIDCValidator(OAuth2Validator):
    oidc_claim_scope = CLAIM_SCOPE

    # --- Scopes -----------------------------------------------------------------------------------

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        """Keep only the scopes this client may have; refuse (``invalid_scope``) if none is left.

        Runs when the consent screen is built and again when the form is posted, so a tampered
        form cannot add scopes either.
        """
        allowed = filter_scopes(client, scopes)
        if not allowed:
            return False
        request.scopes = allowed
        return True

    # --- prompt=none (silent authentication) ----------------------------------------------------

    def validate_silent_login(self, request: Any) -> bool:
        # The authorization view lets staff sessions through only after the second factor.
        return bool((request.headers or {}).get(SESSION_USER_META))

    def validate_silent_authorization(self, request: Any) -> bool:
        # Without a consent screen only trusted clients can sign someone in: others get
        # consent_required and must come back without prompt=none.
        return bool(getattr(request.client, "skip_authorization", False))

    # --- Claims -----------------------------------------------------------------------------------

    def get_additional_claims(self) -> dict[str, Callable[[Any], Any]]:
        # The request-agnostic form: django-oauth-toolkit calls each value only for granted scopes,
        # and lists these claims in the discovery document.
        return {name: _claim_getter(fn) for name, fn in CLAIM_VALUES.items() if name != "sub"}

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        claims: dict[str, Any] = {"sub": _claim_getter(subject_for)}
        claims.update(self.get_additional_claims())
        return claims

    def get_oidc_claims(self, token: Any, token_handler: Any, request: Any) -> dict[str, Any]:
        # The client's current allowed scopes also bound what an older token still releases.
        granted = set(filter_scopes(request.client, request.scopes or []))
        claims: dict[str, Any] = {}
        for name, value in self.get_claim_dict(request).items():
            if self.oidc_claim_scope.get(name) not in granted:
                continue
            value = value(request) if callable(value) else value
            if value is not None:
                claims[name] = value
        setattr(request, _RELEASED, list(claims))
        return claims

    def get_userinfo_claims(self, request: Any) -> dict[str, Any]:
        claims = self.get_oidc_claims(request.access_token, None, request)
        services.record_claims_released(
            user=request.user, client=request.client, claims=claims, via="userinfo"
        )
        return claims

    # --- Token issuance ---------------------------------------------------------------------------

    def _save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> None:
        # Runs inside django-oauth-toolkit's transaction for the new tokens, after the ID token was
        # built: the audit event commits (or rolls back) with the tokens.
        super()._save_bearer_token(token, request, *args, **kwargs)
        released = getattr(request, _RELEASED, None)
        if token.get("id_token") and released and request.user is not None:
            services.record_claims_released(
                user=request.user, client=request.client, claims=released, via="id_token"
            )
