"""``load_demo`` and ``demo_totp``: idempotent, valid identifiers, working second factor."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.accounts.constants import PrincipalKind, RepresentationRole
from tongban.accounts.models import LegalPerson, NaturalPerson, Representation, Role, StaffProfile, User
from tongban.audits.models import AuditEvent
from tongban.demo import data
from tongban.demo.loader import DemoRefused, current_demo_totp, load_demo
from tongban.organizations.constants import DepartmentKind, DepartmentLevel, RegionLevel
from tongban.organizations.models import Department, Region, ServiceWindow
from tongban.utils.identifiers import validate_resident_id, validate_uscc

pytestmark = pytest.mark.django_db

MODELS = [
    Region,
    Department,
    ServiceWindow,
    Role,
    User,
    NaturalPerson,
    LegalPerson,
    Representation,
    StaffProfile,
    TOTPDevice,
    AuditEvent,
]


@pytest.fixture(autouse=True)
def _cache_table(db: None) -> None:
    call_command("createcachetable")


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def _load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded() -> None:
    _load()


def test_twice_creates_nothing_new() -> None:
    first_out = _load()
    first = _counts()
    second_out = _load()
    assert _counts() == first
    assert "already present" in second_out
    assert "created" in first_out and data.DEMO_PASSWORD in second_out
    assert first["AuditEvent"] > 0  # services recorded their events, once


def test_second_run_reports_everything_found() -> None:
    load_demo()
    report = load_demo()
    assert report.total("created") == report.total("updated") == report.total("skipped") == 0
    assert report.total("found") > 0
    assert not report.warnings


def test_regions(loaded: None) -> None:
    shanghai = Region.objects.get(code="310000")
    assert shanghai.level == RegionLevel.PROVINCE
    current = Region.objects.filter(parent=shanghai, level=RegionLevel.DISTRICT, valid_to__isnull=True)
    assert current.count() == 16
    assert {r.code for r in current} == {d.code for d in data.DISTRICTS}
    assert all(r.area_code12 == r.code + "000000" for r in current)
    assert Region.objects.get(code="310115").name == "浦东新区"
    historical = {r.code: r.valid_to for r in Region.objects.filter(valid_to__isnull=False)}
    assert historical == {"310102": 2000, "310103": 2011, "310108": 2015, "310119": 2009, "310230": 2016}


def test_city_departments_have_valid_synthetic_usccs(loaded: None) -> None:
    city = Department.objects.filter(level=DepartmentLevel.CITY)
    assert city.count() >= 18
    for dep in Department.objects.all():
        code = validate_uscc(dep.uscc)
        # Government bodies are registered by 机构编制 (1); public utilities are companies (9).
        assert code.registration_authority == ("9" if dep.kind == DepartmentKind.PUBLIC_UTILITY else "1")
        assert code.inner_check_ok
    slugs = set(city.values_list("slug", flat=True))
    assert {"samr", "wsjkw", "gaj", "rsj", "tax", "fire", "dsj"} <= slugs
    assert Department.objects.get(slug="samr").name == "上海市市场监督管理局"


def test_one_comprehensive_window_per_district(loaded: None) -> None:
    windows = ServiceWindow.objects.filter(is_comprehensive=True)
    assert windows.count() == 16
    assert {w.district.code for w in windows} == {d.code for d in data.DISTRICTS}
    for w in windows:
        assert w.department.region_id == w.district_id
        assert w.hours == "周一至周五 9:00-17:00"


def test_roles(loaded: None) -> None:
    assert dict(Role.objects.values_list("code", "name")) == data.ROLE_NAMES


def test_people_have_valid_id_numbers(loaded: None) -> None:
    people = NaturalPerson.objects.select_related("user")
    assert people.count() == len(data.CITIZENS)
    for person in people:
        assert person.user.is_demo
        ident = validate_resident_id(person.id_number)
        assert ident.region_code.startswith("31")
        assert person.mobile.startswith("13800138")
    assert User.objects.get(username="citizen_a").person.verified_at is not None
    assert User.objects.get(username="citizen_b").person.verified_at is not None
    assert all(u.check_password(data.DEMO_PASSWORD) for u in User.objects.filter(is_demo=True))
    assert not User.objects.filter(is_demo=False).exists()


def test_legal_persons_and_representations(loaded: None) -> None:
    for legal in LegalPerson.objects.all():
        validate_uscc(legal.uscc)
        assert legal.is_demo
    restaurant = LegalPerson.objects.get(name="上海示例餐饮管理有限公司")
    code = validate_uscc(restaurant.uscc)
    assert (code.registration_authority, code.organisation_category) == ("9", "1")
    owner = User.objects.get(username="biz_owner")
    assert restaurant.legal_representative_name == owner.person.real_name
    assert (
        Representation.objects.active()
        .filter(person=owner, legal_person=restaurant, role=RepresentationRole.LEGAL_REPRESENTATIVE)
        .exists()
    )
    agent = Representation.objects.active().get(
        person__username="citizen_a", legal_person=restaurant, role=RepresentationRole.AGENT
    )
    assert sorted(agent.scopes) == ["apply", "view_cases"]
    assert agent.expires_at is not None and agent.granted_by is None
    shop = LegalPerson.objects.get(kind="individual_business")
    assert validate_uscc(shop.uscc).organisation_category == "2"
    assert Representation.objects.active().filter(person__username="citizen_b", legal_person=shop).exists()


def test_staff(loaded: None) -> None:
    clerk = StaffProfile.objects.get(user__username="window_staff")
    assert clerk.role_codes() == {"window_clerk"}
    assert clerk.window is not None and clerk.window.district.code == "310101"
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.staff.department.slug == "dsj"
    assert admin.staff.role_codes() == {"administrator"}
    for dep in Department.objects.filter(level=DepartmentLevel.CITY):
        reviewer = StaffProfile.objects.get(user__username=f"reviewer_{dep.slug}")
        assert reviewer.department == dep
        assert "reviewer" in reviewer.role_codes()
    assert StaffProfile.objects.get(user__username="reviewer_samr").role_codes() == {
        "reviewer",
        "section_chief",
    }
    assert StaffProfile.objects.get(user__username="supervisor").role_codes() == {"supervisor"}


def test_every_staff_user_has_a_working_totp_device(loaded: None) -> None:
    staff = User.objects.filter(kind=PrincipalKind.STAFF)
    assert staff.count() == len(data.STAFF)
    for user in staff:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert device.key == data.DEMO_TOTP_KEY_HEX
        code = current_demo_totp(user.username)
        assert len(code) == 6 and code.isdigit()
        assert device.verify_token(code), user.username


def test_demo_totp_command(loaded: None) -> None:
    out = io.StringIO()
    call_command("demo_totp", "window_staff", stdout=out)
    code = out.getvalue().strip()
    assert TOTPDevice.objects.get(user__username="window_staff").verify_token(code)


def test_demo_totp_refuses_citizens_unknown_and_non_demo_users(loaded: None) -> None:
    with pytest.raises(CommandError, match="not a staff account"):
        call_command("demo_totp", "citizen_a")
    with pytest.raises(CommandError, match="No account"):
        call_command("demo_totp", "nobody")
    User.objects.create_user("real_clerk", "x", kind=PrincipalKind.STAFF)
    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo_totp", "real_clerk")


def test_existing_non_demo_account_is_left_alone() -> None:
    real = User.objects.create_user("window_staff", "own-password", kind=PrincipalKind.STAFF)
    report = load_demo()
    real.refresh_from_db()
    assert not real.is_demo and real.check_password("own-password")
    assert not TOTPDevice.objects.filter(user=real).exists()
    assert any("window_staff" in w for w in report.warnings)


def test_refuses_in_production(settings) -> None:
    settings.TONGBAN_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo", stdout=io.StringIO())
    with pytest.raises(CommandError, match="production"):
        call_command("demo_totp", "window_staff")
    with pytest.raises(DemoRefused):
        current_demo_totp("window_staff")
    assert not Region.objects.exists()


def test_changed_reference_data_is_repaired(loaded: None) -> None:
    Department.objects.filter(slug="samr").update(name="改过的名字", parent=None, phone="")
    Region.objects.filter(code="310103").update(valid_to=None)
    report = load_demo()
    assert report.counts["departments (city)"]["updated"] == 1
    assert report.counts["regions"]["updated"] == 1
    assert Department.objects.get(slug="samr").name == "上海市市场监督管理局"
    assert Region.objects.get(code="310103").valid_to == 2011


def test_expired_agent_authorisation_is_renewed(loaded: None) -> None:
    rep = Representation.objects.get(person__username="citizen_a", role=RepresentationRole.AGENT)
    Representation.objects.filter(pk=rep.pk).update(
        valid_from=timezone.now() - timedelta(days=400), expires_at=timezone.now() - timedelta(days=1)
    )
    report = load_demo()
    assert report.counts["representations"]["updated"] == 1
    rep.refresh_from_db()
    assert rep.revoked_at is not None
    assert Representation.objects.active().filter(person__username="citizen_a").count() == 1


def test_demo_cases_wait_in_the_inboxes(loaded: None) -> None:
    from tongban.cases.models import Case

    restaurant = Case.objects.get(idempotency_key="demo:restaurant")
    assert restaurant.status == "submitted" and restaurant.front_desk.slug == "huangpu-fwzx"
    assert restaurant.tasks.filter(kind="accept", status="open").count() == 1
    assert restaurant.materials.filter(status="exempt", source="e_license").exists()  # from the library
    food = Case.objects.get(idempotency_key="demo:food-licence")
    assert food.status == "in_review"
    assert food.tasks.filter(kind="review", status="open", department__slug="samr").count() == 1
    # citizen_a's driving licence renewal waits for its fee, the new licence to go by post
    renewal = Case.objects.get(idempotency_key="demo:driving-licence")
    assert (renewal.status, renewal.delivery_method) == ("paying", "mail")
    order = renewal.fee_orders.get()
    assert (order.status, order.total_cents) == ("created", 1000)
    assert renewal.tasks.filter(kind="pay", status="open").count() == 1
    parcel = renewal.shipments.get()
    assert parcel.status == "created"  # booked once the licence is issued
    # citizen_a's certificate of no criminal record is closed and rated 不满意: a rectification waits
    permit = Case.objects.get(idempotency_key="demo:no-criminal-record")
    assert permit.status == "closed"
    rating = permit.ratings.get()
    assert rating.level == "dissatisfied" and rating.rectification.status == "open"
