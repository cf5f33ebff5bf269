"""Sign-in (password, then TOTP for staff), sign-out and the lockout page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

import segno
from django_otp import login as otp_login
from django_ratelimit.decorators import ratelimit

from tongban.accounts import otp, services
from tongban.accounts.backends import axes_username
from tongban.accounts.forms import OTPForm, RegisterForm, SignInForm
from tongban.accounts.models import User
from tongban.accounts.request import principal_for
from tongban.utils.errors import DomainError

PENDING_USER_KEY = "tb_otp_pending_user"
PENDING_BACKEND_KEY = "tb_otp_pending_backend"
PENDING_NEXT_KEY = "tb_otp_pending_next"


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Shown by django-axes when an account is locked after repeated failures."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    username = axes_username(request, credentials)
    services.notify_account_locked(username=username, failures=settings.AXES_FAILURE_LIMIT, minutes=minutes)
    form = SignInForm(initial={"username": (credentials or {}).get("username", "")})
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "error_code": "account_locked",
            "error": _("Too many failed attempts: this account is locked for %(minutes)s minutes.")
            % {"minutes": minutes},
        },
        status=429,
    )


@sensitive_post_parameters("password")
@ratelimit(key="ip", rate=lambda _g, _r: settings.TONGBAN_LOGIN_RATE, method="POST", block=True)
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    default_next = reverse("portal:home")
    form = SignInForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "next": _safe_next(request, "")}
    if request.method == "POST" and form.is_valid():
        user = auth.authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if user is None:
            context.update(error_code="invalid_credentials", error=_("The username or password is wrong."))
            return render(request, "accounts/login.html", context, status=400)
        next_url = _safe_next(request, reverse("workbench:home") if user.is_staff_member else default_next)
        if otp.staff_needs_otp(user):
            # Password is right; the session is not signed in until the second factor passes.
            request.session.cycle_key()
            request.session[PENDING_USER_KEY] = user.pk
            request.session[PENDING_BACKEND_KEY] = user.backend  # type: ignore[attr-defined]
            request.session[PENDING_NEXT_KEY] = next_url
            return redirect("accounts:otp")
        auth.login(request, user)
        services.record_sign_in(principal=principal_for(request), method="password")
        return HttpResponseRedirect(next_url)
    return render(request, "accounts/login.html", context)


def _pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(PENDING_USER_KEY)
    return User.objects.filter(pk=pk, is_active=True).first() if pk else None


@sensitive_post_parameters("token")
@ratelimit(key="ip", rate=lambda _g, _r: settings.TONGBAN_LOGIN_RATE, method="POST", block=True)
@require_http_methods(["GET", "POST"])
def otp_view(request: HttpRequest) -> HttpResponse:
    """Second step for staff: verify a TOTP code, or enrol an authenticator on first sign-in."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    confirmed = otp.confirmed_device(user)
    enrolling = confirmed is None
    device = confirmed if confirmed is not None else otp.enrolment_device(user)
    form = OTPForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "enrolling": enrolling, "staff_name": user.display_name}
    if enrolling:
        context["otp_secret"] = _base32(device.bin_key)
        context["otp_qr"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            backend = request.session.get(PENDING_BACKEND_KEY)
            next_url = request.session.get(PENDING_NEXT_KEY) or reverse("workbench:home")
            for key in (PENDING_USER_KEY, PENDING_BACKEND_KEY, PENDING_NEXT_KEY):
                request.session.pop(key, None)
            auth.login(request, user, backend=backend)
            otp_login(request, device)
            services.record_sign_in(principal=principal_for(request), method="password+totp")
            return HttpResponseRedirect(next_url)
        context.update(
            error_code="otp_invalid", error=_("The code is wrong or has expired. Try the current code.")
        )
        return render(request, "accounts/otp.html", context, status=400)
    return render(request, "accounts/otp.html", context)


def _base32(raw: bytes) -> str:
    import base64

    return base64.b32encode(raw).decode().rstrip("=")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect("portal:home")


@sensitive_post_parameters("password", "password_again", "id_number")
@ratelimit(key="ip", rate=lambda _g, _r: settings.TONGBAN_LOGIN_RATE, method="POST", block=True)
@require_http_methods(["GET", "POST"])
def register_view(request: HttpRequest) -> HttpResponse:
    """Citizen self-registration (real name + ID number). Verification against the national
    identity service happens later through an adapter; until then accounts are "not verified"."""
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.register_natural_person(
                username=data["username"],
                password=data["password"],
                real_name=data["real_name"],
                id_number=data["id_number"],
                mobile=data["mobile"],
            )
        except DomainError as exc:
            # Registered ID numbers and taken usernames get the same field-level treatment as typos.
            form.add_error(exc.field if exc.field in form.fields else None, f"{exc.message} [{exc.code}]")
        else:
            auth.login(request, user, backend="tongban.accounts.backends.PrincipalBackend")
            services.record_sign_in(principal=principal_for(request), method="registration")
            return redirect("portal:me")
    return render(request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200)
