"""The Django admin, in Chinese, behind the same sign-in (with the staff second factor) as the workbench."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class TongbanAdminSite(admin.AdminSite):
    site_header = "通办 tongban 管理后台"
    site_title = "通办管理后台"
    index_title = "平台管理"

    def has_permission(self, request: HttpRequest) -> bool:
        from tongban.accounts import otp

        user = request.user
        if not super().has_permission(request):
            return False
        return not otp.staff_needs_otp(user) or otp.is_verified(user)  # type: ignore[arg-type]

    def login(self, request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
        # One sign-in page for everyone, so lockout, rate limits and TOTP apply to the admin too.
        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
