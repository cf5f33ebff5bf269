"""Idempotent loading of the demo data set, and demo TOTP codes for browser tests.

Reference data (regions, departments, windows, roles) is upserted on stable keys. People and legal
persons are written through :mod:`tongban.accounts.services` the first time only, so each gets exactly
one audit event; on later runs they are reported as "found". Existing accounts that are NOT demo
accounts are never touched (no password, no known TOTP secret is ever attached to them).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.accounts import services
from tongban.accounts.constants import PrincipalKind, RepresentationRole
from tongban.accounts.models import LegalPerson, Representation, Role, StaffProfile, User
from tongban.accounts.principal import Principal
from tongban.demo import data
from tongban.demo.catalog.loader import load_catalog
from tongban.organizations.constants import DepartmentLevel, RegionLevel
from tongban.organizations.models import Department, Region, ServiceWindow
from tongban.search.seed import load_seed_lexicon
from tongban.utils import context
from tongban.utils.identifiers import make_resident_id, make_uscc

CREATED, UPDATED, FOUND, SKIPPED = "created", "updated", "found", "skipped"
STATUSES = (CREATED, UPDATED, FOUND, SKIPPED)


class DemoRefused(Exception):
    """Demo data or demo secrets were asked for where they must not be used."""


def ensure_demo_allowed() -> None:
    if settings.TONGBAN_ENV == "production":
        raise DemoRefused(
            "Refusing to use demo data in production (TONGBAN_ENV=production): demo accounts have a "
            "published password and TOTP secret."
        )


@dataclass
class LoadReport:
    """What one run created, changed, found unchanged or skipped, per kind of record."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, kind: str, status: str) -> None:
        self.counts.setdefault(kind, dict.fromkeys(STATUSES, 0))[status] += 1

    def total(self, status: str) -> int:
        return sum(c[status] for c in self.counts.values())

    def rows(self) -> Iterator[tuple[str, int, int, int, int]]:
        for kind, c in self.counts.items():
            yield kind, c[CREATED], c[UPDATED], c[FOUND], c[SKIPPED]


def _upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, str]:
    """Create the row for ``lookup`` or bring ``values`` up to date; say which happened."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **values), CREATED
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, FOUND
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=[name.removesuffix("_id") if name.endswith("_id") else name for name in changed])
    return obj, UPDATED


def department_uscc(category: str, region_code: str, body: str, authority: str = "1") -> str:
    """Synthetic but valid USCC: authority (1 机构编制; 9 for utility companies), the 机构类别, region,
    body (+ both checks)."""
    return make_uscc(f"{authority}{category}{region_code}{body}")


def legal_person_uscc(lp: data.DemoLegalPerson) -> str:
    return make_uscc(f"{lp.authority}{lp.category}{lp.region}{lp.body}")


def citizen_id_number(c: data.DemoCitizen) -> str:
    return make_resident_id(c.region, c.birth, c.sequence)


# --- Reference data -------------------------------------------------------------------------------------
def _load_regions(report: LoadReport) -> dict[str, Region]:
    shanghai, status = _upsert(
        Region,
        {"code": data.SHANGHAI["code"]},
        {
            "name": data.SHANGHAI["name"],
            "level": RegionLevel.PROVINCE,
            "parent_id": None,
            "area_code12": data.SHANGHAI["code"] + "000000",
            "valid_from": None,
            "valid_to": None,
        },
    )
    report.add("regions", status)
    regions = {shanghai.code: shanghai}
    for d in [*data.DISTRICTS, *data.HISTORICAL_DISTRICTS]:
        region, status = _upsert(
            Region,
            {"code": d.code},
            {
                "name": d.name,
                "level": RegionLevel.DISTRICT,
                "parent_id": shanghai.pk,
                "area_code12": d.code + "000000",
                "valid_from": d.valid_from,
                "valid_to": d.valid_to,
            },
        )
        report.add("regions", status)
        regions[region.code] = region
    return regions


def _load_departments(report: LoadReport, regions: dict[str, Region]) -> dict[str, Department]:
    departments: dict[str, Department] = {}
    shanghai = regions[data.SHANGHAI["code"]]
    for dep in data.CITY_DEPARTMENTS:
        obj, status = _upsert(
            Department,
            {"slug": dep.slug},
            {
                "name": dep.name,
                "short_name": dep.short_name,
                "name_en": dep.name_en,
                "uscc": department_uscc(dep.category, shanghai.code, dep.body, dep.authority),
                "region_id": shanghai.pk,
                "level": DepartmentLevel.CITY,
                "kind": dep.kind,
                "parent_id": None,
                "phone": data.CITIZEN_HOTLINE,
                "is_active": True,
            },
        )
        report.add("departments (city)", status)
        departments[dep.slug] = obj
    district_deps: list[data.DistrictDepartment] = [*data.DISTRICT_SERVICE_CENTRES, *data.DISTRICT_BRANCHES]
    for ddep in district_deps:
        parent = departments[ddep.parent_slug] if ddep.parent_slug else None
        obj, status = _upsert(
            Department,
            {"slug": ddep.slug},
            {
                "name": ddep.name,
                "short_name": ddep.short_name,
                "name_en": ddep.name_en,
                "uscc": department_uscc(ddep.category, ddep.district_code, ddep.body),
                "region_id": regions[ddep.district_code].pk,
                "level": DepartmentLevel.DISTRICT,
                "parent_id": parent.pk if parent else None,
                "phone": data.CITIZEN_HOTLINE,
                "is_active": True,
            },
        )
        report.add("departments (district)", status)
        departments[ddep.slug] = obj
    return departments


def _load_windows(
    report: LoadReport, regions: dict[str, Region], departments: dict[str, Department]
) -> dict[str, ServiceWindow]:
    """One 综合受理窗口 per district, run by that district's 行政服务中心. Keyed by district code."""
    centres = {c.district_code: departments[c.slug] for c in data.DISTRICT_SERVICE_CENTRES}
    windows: dict[str, ServiceWindow] = {}
    for d in data.DISTRICTS:
        window, status = _upsert(
            ServiceWindow,
            {"code": data.window_code(d)},
            {
                "name": data.COMPREHENSIVE_WINDOW_NAME,
                "department_id": centres[d.code].pk,
                "district_id": regions[d.code].pk,
                "address": data.window_address(d),
                "hours": data.WINDOW_HOURS,
                "phone": data.CITIZEN_HOTLINE,
                "is_comprehensive": True,
            },
        )
        report.add("service windows", status)
        windows[d.code] = window
    return windows


def _load_roles(report: LoadReport) -> None:
    for code, name in data.ROLE_NAMES.items():
        _role, status = _upsert(Role, {"code": code}, {"name": name})
        report.add("staff roles", status)


# --- People and legal persons (through the service layer, first time only) ------------------------------
def _existing_demo_user(report: LoadReport, kind: str, username: str, expected_kind: str) -> User | None:
    """The existing account if it is a usable demo account; warns and returns None for anything else."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    if not user.is_demo or user.kind != expected_kind:
        report.warnings.append(
            f"{username}: an account with this username exists and is not a demo {expected_kind} "
            "account; left untouched."
        )
        report.add(kind, SKIPPED)
        return None
    report.add(kind, FOUND)
    return user


def _load_citizens(report: LoadReport) -> dict[str, User]:
    people: dict[str, User] = {}
    for c in data.CITIZENS:
        if User.objects.filter(username=c.username).exists():
            user = _existing_demo_user(report, "citizens", c.username, PrincipalKind.NATURAL_PERSON)
            if user is not None:
                people[c.username] = user
            continue
        id_number = citizen_id_number(c)
        if services.find_person_by_id_number(id_number) is not None:
            report.warnings.append(f"{c.username}: the demo ID number is registered to another account.")
            report.add("citizens", SKIPPED)
            continue
        people[c.username] = services.register_natural_person(
            username=c.username,
            password=data.DEMO_PASSWORD,
            real_name=c.real_name,
            id_number=id_number,
            mobile=c.mobile,
            email=f"{c.username}@example.org",  # reserved domain: clearly fictional
            verified=c.verified,
            is_demo=True,
        )
        report.add("citizens", CREATED)
    return people


def _load_legal_persons(
    report: LoadReport, regions: dict[str, Region], people: dict[str, User]
) -> dict[str, LegalPerson]:
    names = {c.username: c.real_name for c in data.CITIZENS}
    legal_persons: dict[str, LegalPerson] = {}
    for lp in data.LEGAL_PERSONS:
        uscc = legal_person_uscc(lp)
        existing = LegalPerson.objects.filter(uscc=uscc).first()
        if existing is not None:
            report.add("legal persons", FOUND)
            legal_persons[lp.name] = existing
        else:
            legal_persons[lp.name] = services.create_legal_person(
                name=lp.name,
                uscc=uscc,
                kind=lp.kind,
                legal_representative_name=names[lp.owner],
                region_id=regions[lp.region].pk,
                registered_address=lp.registered_address,
                established_on=lp.established_on,
                is_demo=True,
            )
            report.add("legal persons", CREATED)
        owner = people.get(lp.owner)
        if owner is None:
            report.warnings.append(f"{lp.name}: owner {lp.owner} is missing; no representation granted.")
            report.add("representations", SKIPPED)
            continue
        _ensure_representation(
            report, owner, legal_persons[lp.name], RepresentationRole.LEGAL_REPRESENTATIVE, [], None
        )
    for agent in data.AGENTS:
        person = people.get(agent.username)
        if person is None:
            report.add("representations", SKIPPED)
            continue
        _ensure_representation(
            report,
            person,
            legal_persons[agent.legal_person.name],
            RepresentationRole.AGENT,
            agent.scopes,
            timezone.now() + dt.timedelta(days=agent.days),
        )
    return legal_persons


def _ensure_representation(
    report: LoadReport,
    person: User,
    legal_person: LegalPerson,
    role: str,
    scopes: list[str],
    expires_at: dt.datetime | None,
) -> None:
    """Grant once; a live grant is left alone. An expired or mismatched one is revoked and re-granted."""
    live = Representation.objects.filter(
        person=person, legal_person=legal_person, revoked_at__isnull=True
    ).first()
    if live is not None and live.is_active() and live.role == role:
        report.add("representations", FOUND)
        return
    status = CREATED
    if live is not None:
        services.revoke_representation(principal=Principal(user=None, channel="cli"), representation=live)
        status = UPDATED
    services.grant_representation(
        principal=None,  # the system (an administrator) grants demo authorisations
        person=person,
        legal_person=legal_person,
        role=role,
        scopes=scopes,
        expires_at=expires_at,
    )
    report.add("representations", status)


def _load_staff(
    report: LoadReport,
    regions: dict[str, Region],
    departments: dict[str, Department],
    windows: dict[str, ServiceWindow],
) -> list[User]:
    staff: list[User] = []
    for s in data.STAFF:
        if User.objects.filter(username=s.username).exists():
            user = _existing_demo_user(report, "staff", s.username, PrincipalKind.STAFF)
            if user is not None:
                staff.append(user)
            continue
        if StaffProfile.objects.filter(employee_no=s.employee_no).exists():
            report.warnings.append(f"{s.username}: employee number {s.employee_no} is taken; skipped.")
            report.add("staff", SKIPPED)
            continue
        user = services.create_staff(
            username=s.username,
            password=data.DEMO_PASSWORD,
            real_name=s.real_name,
            employee_no=s.employee_no,
            department_id=departments[s.department_slug].pk,
            roles=s.roles,
            window_id=windows[s.window_district].pk if s.window_district else None,
            district_id=regions[s.district_code].pk if s.district_code else None,
            is_admin=s.is_admin,
            is_demo=True,
        )
        report.add("staff", CREATED)
        staff.append(user)
    return staff


def _ensure_totp_device(report: LoadReport, user: User) -> None:
    """A confirmed TOTP device with the documented demo secret. Demo accounts only."""
    if not user.is_demo:  # never attach a published secret to a real account
        return
    _device, status = _upsert(
        TOTPDevice,
        {"user": user, "name": data.DEMO_TOTP_DEVICE_NAME},
        {"key": data.DEMO_TOTP_KEY_HEX, "confirmed": True},
    )
    report.add("TOTP devices", status)


def load_demo() -> LoadReport:
    """Load (or complete) the demo data set. Safe to run any number of times."""
    from tongban.demo.cases import load_demo_cases  # they build on this module's helpers
    from tongban.demo.licenses import load_demo_licenses
    from tongban.servicedesk.demo import load_demo_tickets

    ensure_demo_allowed()
    report = LoadReport()
    token = context.bind(channel="cli")
    try:
        with transaction.atomic():
            regions = _load_regions(report)
            departments = _load_departments(report, regions)
            windows = _load_windows(report, regions, departments)
            _load_roles(report)
            people = _load_citizens(report)
            _load_legal_persons(report, regions, people)
            for user in _load_staff(report, regions, departments, windows):
                _ensure_totp_device(report, user)
            load_catalog(report)  # the seed service catalogue: docs/catalog-seed.md
            load_demo_licenses(report)  # licences of the demo people and businesses
            load_demo_cases(report)  # a few cases in the inboxes: docs/cases.md
            load_demo_tickets(report)  # questions and complaints at the service desk: docs/servicedesk.md
            added = load_seed_lexicon()  # search understands everyday words: docs/search-lexicon.md
            for _ in range(added):
                report.add("search lexicon", CREATED)
    finally:
        context.reset(token)
    return report


# --- Demo TOTP codes ----------------------------------------------------------------------------------
def demo_totp_device(username: str) -> TOTPDevice:
    """The confirmed demo TOTP device of a demo staff account; refuses anything else."""
    ensure_demo_allowed()
    user = User.objects.filter(username=username).first()
    if user is None:
        raise DemoRefused(f"No account named {username!r}. Run `manage.py load_demo` first.")
    if not user.is_demo:
        raise DemoRefused(f"{username!r} is not a demo account; its codes are not available here.")
    if not user.is_staff_member:
        raise DemoRefused(f"{username!r} is not a staff account; only staff sign in with a second factor.")
    device = TOTPDevice.objects.filter(user=user, name=data.DEMO_TOTP_DEVICE_NAME, confirmed=True).first()
    if device is None:
        raise DemoRefused(f"{username!r} has no confirmed demo TOTP device. Run `manage.py load_demo`.")
    return device


def totp_code(device: TOTPDevice) -> str:
    """The code ``device`` accepts now, zero-padded to its digit count (same maths as verify_token)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"


def seconds_remaining(device: TOTPDevice, at: float | None = None) -> int:
    now = time.time() if at is None else at
    return int(device.step - (now - device.t0) % device.step)


def current_demo_totp(username: str) -> str:
    """The 6-digit code a demo staff account's device accepts right now (for scripts and browser tests).

    django-otp accepts each time step only once per device: after a successful sign-in, wait for the
    next step (up to 30 s) before asking again.
    """
    return totp_code(demo_totp_device(username))
