"""Working days (工作日) and deadlines counted in them.

Whether a day is a working day is decided, in this order:

1. a :class:`~tongban.calendars.models.CalendarDay` override recorded by staff in the admin: it always
   wins (a local day off, a correction of the package data, next year's holidays before the package
   knows them);
2. the ``chinesecalendar`` package (import name ``chinese_calendar``): statutory holidays and the 调休
   make-up working days on weekends, for the years it covers (:func:`covered_years`);
3. for any other year: Monday to Friday.

Deadlines: ``add_working_days(start, n)`` is the n-th working day after ``start`` (``start`` itself
never counts), so a report made on a Friday with 5 working days is due the next Friday in a normal
week. ``working_days_between(a, b)`` counts the working days after ``a`` up to and including ``b``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import chinese_calendar
from chinese_calendar.constants import Holiday
from chinese_calendar.constants import holidays as statutory_holidays

from tongban.calendars.models import CalendarDay

SOURCE_OVERRIDE = "override"
SOURCE_STATUTORY = "statutory"
SOURCE_WEEKDAY = "weekday"

# A deadline search that finds no working day in this many days has a broken calendar (every day
# overridden as a day off): fail loudly rather than loop.
_MAX_SPAN = dt.timedelta(days=3660)
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_working_day: bool
    name: str  # holiday or override name, "" for an ordinary day
    source: str  # SOURCE_OVERRIDE, SOURCE_STATUTORY or SOURCE_WEEKDAY

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def is_make_up_day(self) -> bool:
        """调休上班: a Saturday or Sunday that is a working day."""
        return self.is_working_day and self.is_weekend


def _as_date(day: dt.date) -> dt.date:
    return day.date() if isinstance(day, dt.datetime) else day


@cache
def covered_years() -> tuple[int, int]:
    """First and last year the ``chinesecalendar`` data covers (inclusive)."""
    years = [d.year for d in statutory_holidays]
    return min(years), max(years)


def is_covered(day: dt.date) -> bool:
    first, last = covered_years()
    return first <= day.year <= last


@cache
def _holiday_names() -> dict[str, str]:
    return {h.value: h.chinese for h in Holiday}


def statutory_day(day: dt.date) -> DayInfo:
    """What the package (or, outside its years, Monday–Friday) says, ignoring overrides."""
    day = _as_date(day)
    if not is_covered(day):
        return DayInfo(day, day.weekday() < 5, "", SOURCE_WEEKDAY)
    working = bool(chinese_calendar.is_workday(day))
    _on_holiday, english = chinese_calendar.get_holiday_detail(day)
    name = _holiday_names().get(english, english) if english else ""
    return DayInfo(day, working, name, SOURCE_STATUTORY)


def _overrides(first: dt.date, last: dt.date) -> dict[dt.date, CalendarDay]:
    lo, hi = min(first, last), max(first, last)
    return {d.date: d for d in CalendarDay.objects.filter(date__gte=lo, date__lte=hi)}


def _resolve(day: dt.date, overrides: dict[dt.date, CalendarDay]) -> DayInfo:
    override = overrides.get(day)
    if override is not None:
        return DayInfo(day, override.is_working_day, override.name, SOURCE_OVERRIDE)
    return statutory_day(day)


def day_info(day: dt.date) -> DayInfo:
    day = _as_date(day)
    return _resolve(day, _overrides(day, day))


def is_working_day(day: dt.date) -> bool:
    return day_info(day).is_working_day


def days(first: dt.date, last: dt.date) -> list[DayInfo]:
    """Every day from ``first`` to ``last`` (inclusive) with its status, e.g. for a month view."""
    first, last = _as_date(first), _as_date(last)
    overrides = _overrides(first, last)
    out, day = [], first
    while day <= last:
        out.append(_resolve(day, overrides))
        day += _ONE_DAY
    return out


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start`` (before it when ``n`` is negative); ``start`` for 0."""
    start = _as_date(start)
    if n == 0:
        return start
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    remaining = abs(n)
    window = max(remaining * 2 + 31, 62)  # days of overrides fetched per query
    day = start
    while abs(day - start) < _MAX_SPAN:
        overrides = _overrides(day + step, day + step * window)
        for _i in range(window):
            day += step
            if _resolve(day, overrides).is_working_day:
                remaining -= 1
                if remaining == 0:
                    return day
    raise ValueError(f"no {n} working days within ten years of {start}: check the calendar overrides")


def working_days_between(first: dt.date, last: dt.date) -> int:
    """Working days after ``first`` up to and including ``last``; negative when ``last`` is earlier.

    ``working_days_between(d, add_working_days(d, n)) == n`` for every day ``d`` and every ``n``.
    """
    first, last = _as_date(first), _as_date(last)
    if last == first:
        return 0
    if last > first:
        return sum(1 for info in days(first + _ONE_DAY, last) if info.is_working_day)
    # Backwards: the working days from ``last`` up to the day before ``first``, counted negative.
    return -sum(1 for info in days(last, first - _ONE_DAY) if info.is_working_day)
