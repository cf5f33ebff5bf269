"""Shared pytest fixtures for every app.

Personas are built through the service layer, so they carry real field encryption, keyed hashes and
audit events, exactly like accounts created in production.

Database plumbing
    ``django_db_setup`` (extended)  also creates the DatabaseCache table (``createcachetable``), so
                                    rate limits and other cache users work in ``db``,
                                    ``transactional_db`` and ``live_server`` tests.
    ``_fresh_cache`` (autouse)      empties the cache before every test that uses the database, so
                                    rate-limit counters never leak from one test into the next.

Organisation
    ``region``        ``Region`` 310000 上海市 (province-level municipality).
    ``department``    active ``Department`` 上海市市场监督管理局 in ``region``, with a valid USCC.
    ``staff_roles``   ``dict[str, Role]``: one ``accounts.Role`` row per ``StaffRole`` code.

People (password for all: ``PERSONA_PASSWORD``, also the ``persona_password`` fixture)
    ``citizen``        ``User`` "citizen" (natural person 张三, real-name verified, mobile
                       13800138000, ID number ``CITIZEN_ID_NUMBER``); ``citizen.person`` is the
                       ``NaturalPerson``.
    ``other_citizen``  ``User`` "citizen2" (李四, ID number ``OTHER_CITIZEN_ID_NUMBER``, not verified).
    ``staff_user``     ``User`` "staff" (staff member 王五, employee number E0001) in ``department``
                       with the ``window_clerk`` role; ``staff_user.staff`` is the ``StaffProfile``.
                       No second factor yet: combine with ``staff_totp``.
    ``staff_totp``     helper ``staff_totp(user) -> code``: creates a confirmed TOTP device for
                       ``user`` and returns a zero-argument function giving the current 6-digit
                       code (``code.device`` is the ``TOTPDevice``). django-otp refuses a code
                       twice in the same 30-second step and throttles after a failure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.accounts import services
from tongban.accounts.constants import StaffRole
from tongban.accounts.models import Role, User
from tongban.organizations.constants import DepartmentLevel, RegionLevel
from tongban.organizations.models import Department, Region
from tongban.utils.identifiers import make_resident_id, make_uscc

PERSONA_PASSWORD = "Correct-Horse-2026"
CITIZEN_ID_NUMBER = make_resident_id("310101", dt.date(1990, 1, 1), 123)
OTHER_CITIZEN_ID_NUMBER = make_resident_id("310104", dt.date(1985, 6, 15), 456)
DEPARTMENT_USCC = make_uscc("11310000MB900001")

_DB_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """pytest-django's test database, plus the DatabaseCache table the settings point at."""
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_cache(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("django_db") or _DB_FIXTURES & set(request.fixturenames):
        request.getfixturevalue("django_db_setup")
        blocker = request.getfixturevalue("django_db_blocker")
        with blocker.unblock():
            cache.clear()


@pytest.fixture
def persona_password() -> str:
    return PERSONA_PASSWORD


@pytest.fixture
def region(db: None) -> Region:
    region, _created = Region.objects.get_or_create(
        code="310000", defaults={"name": "上海市", "level": RegionLevel.PROVINCE}
    )
    return region


@pytest.fixture
def department(region: Region) -> Department:
    return Department.objects.create(
        slug="samr-test",
        name="上海市市场监督管理局",
        short_name="市场监管局",
        name_en="Shanghai Administration for Market Regulation",
        uscc=DEPARTMENT_USCC,
        region=region,
        level=DepartmentLevel.CITY,
        phone="12345",
    )


@pytest.fixture
def staff_roles(db: None) -> dict[str, Role]:
    roles = {}
    with translation.override(None):  # labels look like "Window clerk (窗口受理)": keep the Chinese part
        for code, label in StaffRole.choices:
            name = str(label).rsplit("(", 1)[-1].rstrip(")")
            roles[code], _created = Role.objects.get_or_create(code=code, defaults={"name": name})
    return roles


@pytest.fixture
def citizen(db: None) -> User:
    return services.register_natural_person(
        username="citizen",
        password=PERSONA_PASSWORD,
        real_name="张三",
        id_number=CITIZEN_ID_NUMBER,
        mobile="13800138000",
        verified=True,
    )


@pytest.fixture
def other_citizen(db: None) -> User:
    return services.register_natural_person(
        username="citizen2",
        password=PERSONA_PASSWORD,
        real_name="李四",
        id_number=OTHER_CITIZEN_ID_NUMBER,
    )


@pytest.fixture
def staff_user(department: Department, staff_roles: dict[str, Role]) -> User:
    return services.create_staff(
        username="staff",
        password=PERSONA_PASSWORD,
        real_name="王五",
        employee_no="E0001",
        department_id=department.pk,
        roles=[StaffRole.WINDOW_CLERK],
    )


@pytest.fixture
def staff_totp(db: None) -> Callable[[User], Callable[[], str]]:
    def enrol(user: User) -> Callable[[], str]:
        device = TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)

        def code() -> str:
            value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
            return f"{value:0{device.digits}d}"

        code.device = device  # type: ignore[attr-defined]
        return code

    return enrol


@pytest.fixture
def staff_browser(staff_totp: Callable[[User], Callable[[], str]]) -> Callable[[User], Any]:
    """``staff_browser(user)``: a test client signed in as ``user`` with the second factor passed (as the
    OTP page would leave the session)."""
    from django.test import Client

    from django_otp import DEVICE_ID_SESSION_KEY

    def sign_in(user: User) -> Client:
        code = staff_totp(user)
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = code.device.persistent_id  # type: ignore[attr-defined]
        session.save()
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fresh_search_index() -> Iterator[None]:
    """Each test searches its own data: the in-memory index is per process and is otherwise rebuilt only
    when the index generation moves, which ``on_commit`` never does inside a rolled-back test."""
    from tongban.search import index

    index.reset()
    yield
    index.reset()


@pytest.fixture(autouse=True)
def _fresh_license_caches() -> Iterator[None]:
    """The platform operator's code is cached per process; each test database may define another."""
    from tongban.cases import targets
    from tongban.cases.services import submission
    from tongban.licenses import signing

    signing.forget_cached_codes()
    targets.clear_cache()  # resolved applications and the front desk belong to one test database
    submission._DESK.clear()
    yield
    signing.forget_cached_codes()
    targets.clear_cache()
    submission._DESK.clear()


# --- Browser tests (pytest-playwright's ``page``) ------------------------------------------------------
@pytest.fixture
def screenshots() -> Path:
    """``var/screenshots/``, where browser tests leave their pictures for review."""
    folder = Path(settings.BASE_DIR) / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def console_errors(page: Any) -> list[str]:
    """Console errors (CSP violations show up here) collected while the test runs."""
    errors: list[str] = []

    def collect(message: Any) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", collect)
    return errors
