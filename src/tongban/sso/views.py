"""The authorization (consent) endpoint and the rate-limited token endpoint of the OIDC provider."""

from __future__ import annotations

import json
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.backends.django import Template as DjangoBackendTemplate
from django.template.loaders.filesystem import Loader as FilesystemLoader
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import AbstractApplication, get_grant_model
from oauth2_provider.views import AuthorizationView as DOTAuthorizationView
from oauth2_provider.views import ConnectDiscoveryInfoView, TokenView
from oauthlib.oauth2.rfc6749 import errors as oauth2_errors

from tongban.accounts import otp
from tongban.sso import services
from tongban.sso.models import Client
from tongban.sso.scopes import SCOPE_CLAIMS, SCOPES
from tongban.sso.validators import SESSION_USER_META

PKCE_METHOD = "S256"
CONSENT_TEMPLATE = "oauth2_provider/authorize.html"
_TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def consent_template() -> DjangoBackendTemplate:
    """Our ``oauth2_provider/authorize.html``, even though django-oauth-toolkit ships one of that name.

    ``oauth2_provider`` comes before ``tongban.sso`` in ``INSTALLED_APPS``, so the app-directories
    loader would find django-oauth-toolkit's copy first. The template is read from this app's folder
    directly; everything it extends or includes resolves through the normal engine.
    """
    backend = engines["django"]
    assert isinstance(backend, DjangoTemplates)
    loader = FilesystemLoader(backend.engine, [_TEMPLATE_DIR])
    return DjangoBackendTemplate(loader.get_template(CONSENT_TEMPLATE), backend)


class AuthorizationView(DOTAuthorizationView):
    """``/o/authorize/``: django-oauth-toolkit's view with tongban's rules around it.

    * staff count as signed in only after the second factor (as in the workbench and the admin);
    * PKCE with ``S256`` is required before the consent screen is shown;
    * every authorization that issues a code is recorded as ``sso.authorized``.
    """

    template_name = CONSENT_TEMPLATE

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        response_kwargs.setdefault("content_type", self.content_type)
        response = self.response_class(
            request=self.request, template=consent_template(), context=context, **response_kwargs
        )
        # Allow and Deny both end in a redirect to the client. Browsers apply the page's CSP
        # ``form-action`` to redirects after a form post, so the client's origin must be listed.
        target = urlsplit(str(context.get("redirect_uri") or ""))
        if not context.get("error") and target.scheme in {"https", "http"} and target.netloc:
            response._csp_update = {"form-action": [f"{target.scheme}://{target.netloc}"]}
        return response

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated and otp.staff_needs_otp(user) and not otp.is_verified(user):
            return redirect_to_login(
                request.get_full_path(), resolve_url(self.get_login_url()), self.get_redirect_field_name()
            )
        request.META[SESSION_USER_META] = str(user.pk) if user.is_authenticated else ""
        return super().dispatch(request, *args, **kwargs)

    def validate_authorization_request(self, request: HttpRequest) -> tuple[list[str], dict[str, Any]]:
        scopes, credentials = super().validate_authorization_request(request)
        # oauthlib accepts "plain" (its default when the method is omitted); we only accept S256.
        if credentials.get("code_challenge_method") != PKCE_METHOD:
            error = oauth2_errors.InvalidRequestError(
                description=f'PKCE is required with code_challenge_method "{PKCE_METHOD}".',
                state=credentials.get("state"),
            )
            raise OAuthToolkitError(error=error, redirect_uri=credentials.get("redirect_uri"))
        return scopes, credentials

    def form_valid(self, form: Any) -> HttpResponse:
        # The client id comes back in a hidden field: refuse a tampered one instead of failing.
        if not Client.objects.filter(client_id=form.cleaned_data["client_id"]).exists():
            error = oauth2_errors.InvalidClientIdError()
            return self.render_to_response({"error": error}, status=error.status_code)
        return super().form_valid(form)

    def create_authorization_response(
        self, request: HttpRequest, scopes: str, credentials: dict[str, Any], allow: bool
    ) -> tuple[str, dict[str, str], Any, int]:
        # The authorization code and its audit event are written together, or not at all.
        with transaction.atomic():
            uri, headers, body, status = super().create_authorization_response(
                request, scopes, credentials, allow
            )
            code = parse_qs(urlsplit(uri or "").query).get("code", [None])[0]
            grant = (
                get_grant_model()
                .objects.select_related("application", "user")
                .filter(code=code, user=request.user)
                .first()
                if code
                else None
            )
            if grant is not None:
                client = grant.application
                if request.method == "POST":
                    consent = "granted"
                elif client.skip_authorization:
                    consent = "trusted"
                else:
                    consent = "remembered"
                services.record_authorization(
                    user=grant.user, client=client, scopes=grant.scope.split(), consent=consent
                )
        return uri, headers, body, status

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["scope_items"] = [
            {"scope": scope, "description": SCOPES[scope], "claims": SCOPE_CLAIMS[scope]}
            for scope in context.get("scopes") or []
            if scope in SCOPES
        ]
        return context


class DiscoveryView(ConnectDiscoveryInfoView):
    """``/o/.well-known/openid-configuration``, advertising only RS256 (the one algorithm clients get)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        document = json.loads(response.content)
        document["id_token_signing_alg_values_supported"] = [AbstractApplication.RS256_ALGORITHM]
        response.content = json.dumps(document).encode()
        return response


def _token_rate(group: str, request: HttpRequest) -> str:
    return str(settings.TONGBAN_TOKEN_RATE)


_limited_token_view = ratelimit(group="sso.token", key="ip", rate=_token_rate, method="POST", block=True)(
    TokenView.as_view()
)


@csrf_exempt
@wraps(_limited_token_view)
def token_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """``/o/token/`` with a per-address limit (``TONGBAN_TOKEN_RATE``); over it: ``RATELIMIT_VIEW`` (429).

    The blocked request is answered here rather than by django-ratelimit's middleware, so the limit
    holds whether or not that middleware is installed.
    """
    try:
        return _limited_token_view(request, *args, **kwargs)
    except Ratelimited as exc:
        return import_string(settings.RATELIMIT_VIEW)(request, exc)
