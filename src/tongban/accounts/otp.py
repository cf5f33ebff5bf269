"""The staff second factor (TOTP), built on django-otp's TOTP devices."""

from __future__ import annotations

from django.conf import settings

from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.accounts.models import User


def staff_needs_otp(user: User) -> bool:
    return bool(settings.TONGBAN_STAFF_REQUIRE_OTP) and user.is_staff_member


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device a staff member is setting up (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def is_verified(user: User) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())
