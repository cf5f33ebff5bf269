"""Working-day clocks of cases and tasks, across real holidays and their 调休 make-up working days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

import pytest

from tongban.calendars import query
from tongban.calendars.models import CalendarDay
from tongban.cases import clocks
from tongban.cases.clocks import Clock, Light
from tongban.utils.errors import DomainError

pytestmark = pytest.mark.django_db

D = dt.date


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def test_the_2026_holiday_calendar_is_what_the_tests_assume() -> None:
    # Spring Festival 2026: 15-23 February off, Saturdays 14 and 28 February worked (chinesecalendar 1.11).
    assert all(not query.is_working_day(d) for d in days(D(2026, 2, 15), D(2026, 2, 23)))
    assert query.day_info(D(2026, 2, 14)).is_make_up_day
    assert query.day_info(D(2026, 2, 28)).is_make_up_day
    # Mid-Autumn 25-27 September and National Day 1-7 October off; Sunday 20 September and Saturday
    # 10 October worked.
    assert all(not query.is_working_day(d) for d in days(D(2026, 9, 25), D(2026, 9, 27)))
    assert all(not query.is_working_day(d) for d in days(D(2026, 10, 1), D(2026, 10, 7)))
    assert query.day_info(D(2026, 9, 20)).is_make_up_day
    assert query.day_info(D(2026, 10, 10)).is_make_up_day
    assert not query.is_working_day(D(2026, 10, 11))


def test_due_date_crosses_the_spring_festival_and_its_make_up_saturdays() -> None:
    # Accepted Friday 13 February: day 1 is the make-up Saturday, then the office reopens on the 24th.
    assert clocks.due_on(Clock(D(2026, 2, 13), 1)) == D(2026, 2, 14)
    assert clocks.due_on(Clock(D(2026, 2, 13), 2)) == D(2026, 2, 24)
    assert clocks.due_on(Clock(D(2026, 2, 13), 5)) == D(2026, 2, 27)
    assert clocks.due_on(Clock(D(2026, 2, 13), 6)) == D(2026, 2, 28)  # the second make-up Saturday
    assert clocks.due_on(Clock(D(2026, 2, 13), 7)) == D(2026, 3, 2)
    # The day of acceptance never counts, also when it is a make-up Saturday or a holiday.
    assert clocks.due_on(Clock(D(2026, 2, 14), 1)) == D(2026, 2, 24)
    assert clocks.due_on(Clock(D(2026, 2, 17), 1)) == D(2026, 2, 24)
    # 即办件: a limit of 0 is due the day it starts.
    assert clocks.due_on(Clock(D(2026, 2, 13), 0)) == D(2026, 2, 13)


def test_twenty_working_days_over_national_day_and_a_ten_day_extension() -> None:
    accepted = D(2026, 9, 30)
    # 8, 9, 10 (Sat) and 12 October are days 1-4; the 20th working day is Tuesday 3 November.
    assert clocks.due_on(Clock(accepted, 20)) == D(2026, 11, 3)
    assert clocks.elapsed(Clock(accepted, 20), D(2026, 10, 10)) == 3
    assert clocks.elapsed(Clock(accepted, 20), D(2026, 10, 11)) == 3  # a Sunday uses nothing
    assert clocks.due_on(Clock(accepted, 20, extended_days=10)) == D(2026, 11, 17)


def test_remaining_counts_working_days_after_today() -> None:
    clock = Clock(D(2026, 2, 13), 5)  # due Friday 27 February
    assert clocks.remaining(clock, D(2026, 2, 13)) == 5  # accepted today: nothing used yet
    assert clocks.remaining(clock, D(2026, 2, 14)) == 4
    assert clocks.remaining(clock, D(2026, 2, 20)) == 4  # a holiday uses nothing
    assert clocks.remaining(clock, D(2026, 2, 26)) == 1
    assert clocks.remaining(clock, D(2026, 2, 27)) == 0
    assert clocks.remaining(clock, D(2026, 2, 28)) == -1  # make-up Saturday: one working day late
    assert clocks.remaining(clock, D(2026, 3, 1)) == -2  # the Sunday reads like Monday 2 March
    assert clocks.remaining(clock, D(2026, 3, 2)) == -2
    assert clocks.remaining(clock, D(2026, 3, 3)) == -3


def test_elapsed_and_remaining_add_up_to_the_limit_until_the_due_day() -> None:
    clock = Clock(D(2026, 9, 17), 10, extended_days=2)  # over Mid-Autumn and National Day
    due = clocks.due_on(clock)
    assert due == D(2026, 10, 10)  # the make-up Saturday
    for day in days(D(2026, 9, 17), due):
        assert clocks.elapsed(clock, day) + (clocks.remaining(clock, day) or 0) == 12


def test_lights_on_the_boundaries() -> None:
    clock = Clock(D(2026, 2, 13), 5)  # due Friday 27 February
    assert clocks.light(clock, D(2026, 2, 25)) == Light.GREEN  # 2 left
    assert clocks.light(clock, D(2026, 2, 26)) == Light.YELLOW  # 1 left (the default threshold)
    assert clocks.light(clock, D(2026, 2, 27)) == Light.YELLOW  # due today
    assert clocks.light(clock, D(2026, 2, 28)) == Light.RED
    assert clocks.light(clock, D(2026, 2, 26), yellow=0) == Light.GREEN
    assert clocks.light(clock, D(2026, 2, 27), yellow=0) == Light.YELLOW
    # Due on the first day back: yellow through the whole holiday, red the day after.
    short = Clock(D(2026, 2, 13), 2)  # due Tuesday 24 February
    assert clocks.light(short, D(2026, 2, 13)) == Light.GREEN
    assert all(clocks.light(short, d) == Light.YELLOW for d in days(D(2026, 2, 14), D(2026, 2, 24)))
    assert clocks.light(short, D(2026, 2, 25)) == Light.RED
    # No light without a running, limited clock; a suspended clock shows that, even when overdue.
    assert clocks.light(Clock(None, 5), D(2026, 2, 25)) == Light.NONE
    assert clocks.light(Clock(D(2026, 2, 13), None), D(2026, 2, 25)) == Light.NONE
    assert clocks.light(Clock(D(2026, 2, 13), None, suspended_since=D(2026, 2, 24)), D(2026, 2, 25)) == "none"
    assert clocks.light(Clock(D(2026, 2, 13), 2, suspended_since=D(2026, 3, 2)), D(2026, 3, 3)) == "suspended"


def test_yellow_threshold_comes_from_settings(settings: Any) -> None:
    clock = Clock(D(2026, 2, 13), 5)
    settings.TONGBAN_CASE_YELLOW_WORKING_DAYS = 3
    assert clocks.light(clock, D(2026, 2, 24)) == Light.YELLOW  # 3 left
    assert clocks.light(clock, D(2026, 2, 23)) == Light.GREEN  # 4 left (a holiday)


def test_clock_without_a_deadline() -> None:
    for clock in (Clock(None, 5), Clock(D(2026, 2, 13), None)):
        assert clocks.due_on(clock) is None
        assert clocks.remaining(clock, D(2026, 3, 2)) is None
    assert clocks.elapsed(Clock(None, 5), D(2026, 3, 2)) == 0
    assert clocks.elapsed(Clock(D(2026, 2, 13), None), D(2026, 2, 25)) == 3  # still counts the work
    assert clocks.elapsed(Clock(D(2026, 2, 13), 5), D(2026, 2, 10)) == 0  # before the start
    with pytest.raises(ValueError):
        Clock(D(2026, 2, 13), -1)
    with pytest.raises(ValueError):
        Clock(D(2026, 2, 13), 5, suspended_days=-1)


def test_suspension_length() -> None:
    # From Tuesday 29 September to Friday 9 October: 30 September, 8 and 9 October.
    assert clocks.suspension_length(D(2026, 9, 29), D(2026, 10, 9)) == 3
    # Suspended over the Spring Festival only: the make-up Saturday before it, nothing else.
    assert clocks.suspension_length(D(2026, 2, 13), D(2026, 2, 23)) == 1
    assert clocks.suspension_length(D(2026, 2, 15), D(2026, 2, 23)) == 0
    assert clocks.suspension_length(D(2026, 9, 29), D(2026, 9, 29)) == 0  # resumed the same day
    assert clocks.suspension_length(D(2026, 10, 9), D(2026, 9, 29)) == 0  # never negative


def test_a_suspension_spanning_national_day() -> None:
    # Accepted Thursday 17 September, 10 working days: due Thursday 8 October (20 September is worked).
    accepted = D(2026, 9, 17)
    assert clocks.due_on(Clock(accepted, 10)) == D(2026, 10, 8)
    # 补正 notice on Tuesday 29 September (8 days used); the applicant supplements Friday 9 October.
    since, until = D(2026, 9, 29), D(2026, 10, 9)
    open_clock = Clock(accepted, 10, suspended_since=since)
    assert clocks.elapsed(open_clock, since) == 8
    assert clocks.remaining(open_clock, since) == 2
    # While open the clock is frozen: 2 working days left on every day, the due date moves on.
    for day in days(since, D(2026, 10, 20)):
        assert clocks.remaining(open_clock, day) == 2
        assert clocks.elapsed(open_clock, day) == 8
        assert clocks.light(open_clock, day) == Light.SUSPENDED
    assert clocks.due_on(open_clock, today=D(2026, 10, 5)) == D(2026, 10, 9)  # only 30 Sept was lost
    assert clocks.due_on(open_clock, today=until) == D(2026, 10, 12)
    # Closed: the three lost working days move the due date past the make-up Saturday.
    closed = Clock(accepted, 10, suspended_days=clocks.suspension_length(since, until))
    assert clocks.due_on(closed) == D(2026, 10, 12)
    assert clocks.remaining(closed, until) == 2  # 10 (Sat) and 12 October
    assert clocks.light(closed, D(2026, 10, 10)) == Light.YELLOW
    assert clocks.light(closed, D(2026, 10, 13)) == Light.RED
    # Suspending and resuming the same day changes nothing.
    same_day = Clock(accepted, 10, suspended_days=clocks.suspension_length(since, since))
    assert clocks.due_on(same_day) == D(2026, 10, 8)


def test_open_suspension_defaults_to_the_local_date() -> None:
    today = timezone.localdate()
    started = today - dt.timedelta(days=60)
    clock = Clock(started, 5, suspended_since=started)
    assert clocks.due_on(clock) == clocks.due_on(clock, today=today)
    assert clocks.due_on(clock) != clocks.due_on(clock, today=started)  # the suspension has lasted


def test_staff_holiday_override_moves_the_due_date() -> None:
    clock = Clock(D(2026, 9, 30), 5)
    assert clocks.due_on(clock) == D(2026, 10, 13)  # 8, 9, 10 (Sat), 12, 13 October
    CalendarDay.objects.create(date=D(2026, 10, 9), is_working_day=False, name="台风停工")
    assert clocks.due_on(clock) == D(2026, 10, 14)
    assert clocks.remaining(clock, D(2026, 10, 8)) == 4  # 10, 12, 13 and 14 October
    # An override the other way: staff open the office on Sunday 11 October.
    CalendarDay.objects.create(date=D(2026, 10, 11), is_working_day=True, name="加班受理")
    assert clocks.due_on(clock) == D(2026, 10, 13)


def test_extension_rules(settings: Any) -> None:
    clock = Clock(D(2026, 9, 30), 20)
    clocks.check_extension(clock, 10)  # the full 十日 of 第四十二条 at once
    clocks.check_extension(Clock(D(2026, 9, 30), 20, extended_days=4), 6)
    for days_asked in (0, -3):
        with pytest.raises(DomainError) as err:
            clocks.check_extension(clock, days_asked)
        assert err.value.code == "extension_not_positive"
    with pytest.raises(DomainError) as err:
        clocks.check_extension(clock, 11)
    assert err.value.code == "extension_over_cap"
    # Extensions already granted count against the cap.
    with pytest.raises(DomainError) as err:
        clocks.check_extension(Clock(D(2026, 9, 30), 20, extended_days=4), 7)
    assert err.value.code == "extension_over_cap"
    assert err.value.params == {"cap": 10, "granted": 4, "requested": 7}
    with pytest.raises(DomainError) as err:
        clocks.check_extension(clock, 4, cap=3)
    assert err.value.code == "extension_over_cap"
    settings.TONGBAN_CASE_EXTENSION_CAP_WORKING_DAYS = 15
    clocks.check_extension(clock, 15)
    with pytest.raises(DomainError) as err:
        clocks.check_extension(Clock(D(2026, 9, 30), None), 1)
    assert err.value.code == "extension_without_limit"
