"""The working-day calendar: statutory data from ``chinesecalendar``, overrides, and deadlines."""

from __future__ import annotations

import datetime as dt

from django.test import Client

import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from tongban.accounts.models import User
from tongban.audits.models import AuditEvent
from tongban.calendars import query, services
from tongban.calendars.models import CalendarDay

pytestmark = pytest.mark.django_db

D = dt.date


def test_national_day_2025_and_its_make_up_days() -> None:
    # 2025: 10-01..10-08 off (国庆节 with 中秋 on 10-06); Sunday 09-28 and Saturday 10-11 were worked.
    for day in range(1, 9):
        info = query.day_info(D(2025, 10, day))
        assert not info.is_working_day and info.source == query.SOURCE_STATUTORY
    assert query.day_info(D(2025, 10, 1)).name == "国庆节"
    assert query.day_info(D(2025, 10, 6)).name == "中秋"
    for make_up in (D(2025, 9, 28), D(2025, 10, 11)):
        info = query.day_info(make_up)
        assert info.is_working_day and info.is_make_up_day and info.is_weekend
    assert query.is_working_day(D(2025, 10, 9))  # Thursday after the holiday
    assert not query.is_working_day(D(2025, 10, 12))  # an ordinary Sunday


def test_add_working_days_across_the_holiday() -> None:
    # Reported on Tuesday 30 September 2025: the next working days are 10-09, 10-10, 10-11 (Sat), 10-13.
    assert query.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert query.add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)
    assert query.add_working_days(D(2025, 9, 30), 5) == D(2025, 10, 14)
    # An ordinary week: Friday + 5 working days is the next Friday.
    assert query.add_working_days(D(2025, 11, 7), 5) == D(2025, 11, 14)
    # Starting on a day off: the first working day after it counts as day 1.
    assert query.add_working_days(D(2025, 10, 4), 1) == D(2025, 10, 9)
    assert query.add_working_days(D(2025, 10, 4), 0) == D(2025, 10, 4)
    # Backwards.
    assert query.add_working_days(D(2025, 10, 9), -1) == D(2025, 9, 30)
    assert query.add_working_days(D(2025, 10, 9), -2) == D(2025, 9, 29)


def test_working_days_between_is_the_inverse() -> None:
    assert query.working_days_between(D(2025, 9, 30), D(2025, 10, 14)) == 5
    assert query.working_days_between(D(2025, 10, 1), D(2025, 10, 8)) == 0
    assert query.working_days_between(D(2025, 10, 14), D(2025, 9, 30)) == -5
    assert query.working_days_between(D(2025, 5, 5), D(2025, 5, 5)) == 0
    for start in (D(2025, 9, 26), D(2025, 10, 3), D(2025, 12, 31)):
        for n in (-7, -1, 1, 2, 9, 30):
            assert query.working_days_between(start, query.add_working_days(start, n)) == n


def test_override_wins_and_is_audited() -> None:
    assert query.is_working_day(D(2025, 11, 12))
    services.set_day(D(2025, 11, 12), is_working_day=False, name="台风停工", note="市政府通知")
    info = query.day_info(D(2025, 11, 12))
    assert not info.is_working_day and info.name == "台风停工" and info.source == query.SOURCE_OVERRIDE
    assert query.add_working_days(D(2025, 11, 11), 1) == D(2025, 11, 13)
    # A statutory holiday turned into a working day by an override.
    services.set_day(D(2025, 10, 2), is_working_day=True)
    assert query.is_working_day(D(2025, 10, 2))
    assert AuditEvent.objects.filter(event="calendar.day_set").count() == 2
    assert services.clear_day(D(2025, 11, 12))
    assert not services.clear_day(D(2025, 11, 12))
    assert query.is_working_day(D(2025, 11, 12))


def test_years_outside_the_package_fall_back_to_weekdays() -> None:
    first, last = query.covered_years()
    assert first <= 2025 <= last
    far = D(last + 3, 1, 1)
    while far.weekday() != 0:  # a Monday
        far += dt.timedelta(days=1)
    monday = query.day_info(far)
    assert monday.is_working_day and monday.source == query.SOURCE_WEEKDAY
    assert not query.is_working_day(far + dt.timedelta(days=5))  # Saturday
    assert query.add_working_days(far, 5) == far + dt.timedelta(days=7)
    # Staff record the new year's holiday before the package knows it.
    CalendarDay.objects.create(date=far + dt.timedelta(days=1), is_working_day=False, name="元旦")
    assert query.add_working_days(far, 5) == far + dt.timedelta(days=8)


def test_datetime_is_taken_as_its_date() -> None:
    assert query.is_working_day(dt.datetime(2025, 10, 11, 9, 30))


def test_admin_lists_overrides_with_the_statutory_value(staff_totp) -> None:
    admin_user = User.objects.create_superuser("root", "Correct-Horse-2026", display_name="管理员")
    code = staff_totp(admin_user)
    browser = Client()
    browser.force_login(admin_user)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = code.device.persistent_id
    session.save()
    services.set_day(D(2025, 10, 11), is_working_day=False, name="演示")
    page = browser.get("/admin/calendars/calendarday/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "演示" in text and "2004" in text
    add = browser.post(
        "/admin/calendars/calendarday/add/",
        {"date": "2025-11-20", "is_working_day": "", "name": "测试", "note": ""},
    )
    assert add.status_code == 302, add.content.decode()[:2000]
    assert not query.is_working_day(D(2025, 11, 20))
    assert AuditEvent.objects.filter(event="admin.created", object_type="calendars.calendarday").exists()
