from django.core.cache import cache
from django.urls import reverse

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.accounts.constants import PrincipalKind
from tongban.accounts.tests.factories import PASSWORD, NaturalPersonFactory, StaffProfileFactory
from tongban.audits.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _post(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_citizen_signs_in_with_username(client):
    person = NaturalPersonFactory()
    resp = _post(client, person.user.username)
    assert resp.status_code == 302 and resp["Location"] == "/"
    assert client.get("/me/").status_code == 200
    assert AuditEvent.objects.filter(event="auth.signed_in", actor_id=person.user_id).exists()


def test_citizen_signs_in_with_id_number(client):
    person = NaturalPersonFactory()
    resp = _post(client, person.id_number.lower())
    assert resp.status_code == 302


def test_wrong_password_gives_a_coded_error(client):
    person = NaturalPersonFactory()
    resp = _post(client, person.user.username, "wrong")
    assert resp.status_code == 400
    assert b'data-error-code="invalid_credentials"' in resp.content


def test_account_locks_after_repeated_failures_even_with_right_password(client, settings):
    person = NaturalPersonFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(client, person.user.username, "wrong")
    resp = _post(client, person.user.username)
    assert resp.status_code == 429
    assert b'data-error-code="account_locked"' in resp.content
    # Counting is per account, whichever identifier is typed.
    assert _post(client, person.id_number).status_code == 429


def test_open_redirect_is_refused(client):
    person = NaturalPersonFactory()
    resp = _post(client, person.user.username, next="https://evil.example/")
    assert resp["Location"] == "/"


def test_staff_needs_the_second_factor(client):
    staff = StaffProfileFactory(roles=["window_clerk"])
    resp = _post(client, staff.user.username)
    assert resp["Location"] == reverse("accounts:otp")
    # Not signed in yet: the workbench and the API both refuse.
    assert client.get("/workbench/").status_code == 302
    assert client.get("/api/v1/me").status_code == 401
    # First sign-in enrols an authenticator.
    page = client.get(reverse("accounts:otp"))
    assert b'data-testid="otp-secret"' in page.content
    device = TOTPDevice.objects.get(user=staff.user)
    assert not device.confirmed
    bad = client.post(reverse("accounts:otp"), {"token": "000000" if totp(device.bin_key) != 0 else "111111"})
    assert b'data-error-code="otp_invalid"' in bad.content
    # django-otp throttles after a failure; skip the back-off delay rather than sleeping.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    resp = client.post(reverse("accounts:otp"), {"token": code})
    assert resp.status_code == 302 and resp["Location"] == reverse("workbench:home")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/workbench/").status_code == 200
    assert AuditEvent.objects.filter(event="auth.signed_in", summary__method="password+totp").exists()


def test_staff_with_device_is_asked_for_a_code_only(client):
    staff = StaffProfileFactory()
    TOTPDevice.objects.create(user=staff.user, name="app", confirmed=True)
    _post(client, staff.user.username)
    page = client.get(reverse("accounts:otp"))
    assert b'data-testid="otp-secret"' not in page.content


def test_otp_page_without_password_step_goes_back_to_login(client):
    assert client.get(reverse("accounts:otp"))["Location"] == LOGIN


def test_citizen_cannot_open_the_workbench(client):
    person = NaturalPersonFactory()
    client.force_login(person.user)
    resp = client.get("/workbench/")
    assert resp.status_code == 403 and b"staff_only" in resp.content


def test_sign_in_is_rate_limited_per_address(client, settings):
    settings.TONGBAN_LOGIN_RATE = "3/m"
    for _ in range(3):
        _post(client, "nobody", "x")
    resp = _post(client, "nobody", "x")
    assert resp.status_code == 429, resp.content.decode()[-600:]
    assert b"rate_limited" in resp.content


def test_admin_requires_verified_staff(client):
    staff = StaffProfileFactory(user__is_staff=True, user__is_superuser=True)
    client.force_login(staff.user)
    resp = client.get("/admin/")
    assert resp.status_code == 302
    resp = client.get(resp["Location"])  # the admin's own login page hands over to the shared sign-in
    assert resp.status_code == 302 and resp["Location"].startswith(LOGIN)
    assert staff.user.kind == PrincipalKind.STAFF


def test_logout_requires_post(client):
    person = NaturalPersonFactory()
    client.force_login(person.user)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/me/").status_code == 302


def test_registration_creates_an_encrypted_person_and_signs_in(client):
    data = {
        "real_name": "陈样例",
        "id_number": "310101199001011234",
        "mobile": "13800138123",
        "username": "chen_demo",
        "password": "Long-enough-pass-2026",
        "password_again": "Long-enough-pass-2026",
    }
    resp = client.post("/accounts/register/", data)
    assert resp.status_code == 302 and resp["Location"] == "/me/"
    page = client.get("/me/").content.decode()
    assert "3101**********1234" in page
    # The same ID number cannot register twice; the error names the field and carries its code.
    client.post("/accounts/logout/")
    again = client.post("/accounts/register/", dict(data, username="chen2"))
    assert again.status_code == 400 and "id_number_registered" in again.content.decode()


def test_registration_rejects_a_bad_check_digit(client):
    resp = client.post(
        "/accounts/register/",
        {
            "real_name": "陈样例",
            "id_number": "310101199001011235",
            "mobile": "13800138123",
            "username": "chen_demo",
            "password": "Long-enough-pass-2026",
            "password_again": "Long-enough-pass-2026",
        },
    )
    assert resp.status_code == 400 and "id_number_checksum" in resp.content.decode()
