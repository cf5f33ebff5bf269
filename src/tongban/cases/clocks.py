"""Deadlines of cases and tasks in working days (法定时限 / 承诺时限).

《中华人民共和国行政许可法》第八十二条 counts the law's time limits in working days, statutory holidays
excluded. Which day is a working day is :mod:`tongban.calendars.query`'s business (the ``chinesecalendar``
data with its 调休 make-up days, plus staff overrides); this module only counts on top of it. Everything
here reads the calendar overrides from the database, nothing writes.

Counting rules
    **Start.** The day the clock starts (acceptance, task creation) is day 0 and never counts: day 1 is
    the first working day after it, whatever the hour of acceptance (受理当日不计入). An application
    accepted on a Saturday, a holiday or a Friday evening therefore all start on the next working day.

    **Due on.** :func:`due_on` is the ``limit``-th working day after the start, moved later by the working
    days spent suspended and by approved extensions. It is the *last working day on which the work is
    still on time*: finishing on it is on time, on any later day (a day off included) overdue. A limit of
    0 (即办件) is due on the start day itself.

    **Suspension** (补正, or a special procedure such as 检验、检测、鉴定、专家评审, 第四十五条). A suspension
    from ``since`` to ``until`` stops the clock for the working days after ``since`` up to and including
    ``until`` (:func:`suspension_length`): the day it begins still counts (work was done on it), the day
    it ends is treated like an acceptance day, so the clock runs again from the next working day.
    Suspending and resuming on the same day costs nothing.

    **Open suspension.** While ``suspended_since`` is set the clock is frozen: :func:`remaining` keeps the
    value it had the day the suspension began, and :func:`due_on` (as of ``today``) moves one working day
    later for every working day the suspension lasts, i.e. it is the due date if the clock resumed today.

    **Remaining.** :func:`remaining` is the number of working days after ``today`` up to the due date: 1
    on the working day before it, 0 on the due day, then negative: -N on the N-th working day after it
    (and on the days off before that working day, e.g. -1 on the Saturday after a Friday due date).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.calendars.query import add_working_days, working_days_between
from tongban.utils.errors import DomainError


class Light(models.TextChoices):
    """The traffic light of a clock (红黄绿灯)."""

    NONE = "none", _("No deadline")
    GREEN = "green", _("On time")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Overdue")
    SUSPENDED = "suspended", _("Suspended")


@dataclass(frozen=True)
class Clock:
    """A deadline counted in working days; see the module docstring for the counting rules.

    ``suspended_days`` sums the closed suspensions (each :func:`suspension_length`); ``extended_days``
    the approved extensions; ``suspended_since`` is the start of a suspension still open.
    """

    started_on: dt.date | None  # None: not running yet
    limit: int | None  # working days allowed; None: no limit (no light, no due date)
    suspended_days: int = 0
    extended_days: int = 0
    suspended_since: dt.date | None = None

    def __post_init__(self) -> None:
        if self.limit is not None and self.limit < 0:
            raise ValueError("a clock's limit cannot be negative")
        if self.suspended_days < 0 or self.extended_days < 0:
            raise ValueError("suspended and extended working days cannot be negative")

    @property
    def is_running(self) -> bool:
        return self.started_on is not None and self.limit is not None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_since is not None


def suspension_length(since: dt.date, until: dt.date) -> int:
    """Working days a suspension from ``since`` to ``until`` took off the clock (0 when not later)."""
    return max(working_days_between(since, until), 0)


def _open_suspension(clock: Clock, today: dt.date | None) -> int:
    if clock.suspended_since is None:
        return 0
    return suspension_length(clock.suspended_since, today or timezone.localdate())


def due_on(clock: Clock, *, today: dt.date | None = None) -> dt.date | None:
    """The last working day on which the work is on time; None for a clock not running or unlimited.

    ``today`` (default: the local date) matters only while a suspension is open: the due date then moves
    with it.
    """
    if clock.started_on is None or clock.limit is None:
        return None
    total = clock.limit + clock.suspended_days + clock.extended_days + _open_suspension(clock, today)
    return add_working_days(clock.started_on, total)


def remaining(clock: Clock, today: dt.date) -> int | None:
    """Working days left after ``today``: 0 on the due day, -N when overdue by N; None without a deadline."""
    due = due_on(clock, today=today)
    if due is None:
        return None
    return working_days_between(today, due)


def elapsed(clock: Clock, today: dt.date) -> int:
    """Working days used so far, ``today`` included, suspensions excluded (0 before the start).

    Up to the due day ``elapsed + remaining == limit + extended_days``.
    """
    if clock.started_on is None:
        return 0
    used = working_days_between(clock.started_on, today) - clock.suspended_days
    return max(used - _open_suspension(clock, today), 0)


def light(clock: Clock, today: dt.date, *, yellow: int | None = None) -> str:
    """``Light`` of the clock: none without a running deadline, suspended while suspended, else
    red when overdue, yellow when at most ``yellow`` working days remain (default
    ``TONGBAN_CASE_YELLOW_WORKING_DAYS``), green otherwise."""
    if not clock.is_running:
        return Light.NONE
    if clock.is_suspended:
        return Light.SUSPENDED
    left = remaining(clock, today)
    assert left is not None  # a running clock has a due date
    if left < 0:
        return Light.RED
    threshold = settings.TONGBAN_CASE_YELLOW_WORKING_DAYS if yellow is None else yellow
    return Light.YELLOW if left <= threshold else Light.GREEN


def check_extension(clock: Clock, days: int, *, cap: int | None = None) -> None:
    """Refuse an extension of ``days`` working days the rules do not allow.

    The total of all extensions, those already granted included, may not pass ``cap`` (default
    ``TONGBAN_CASE_EXTENSION_CAP_WORKING_DAYS``; 行政许可法 第四十二条 allows ten days more once the
    authority's head approves).
    """
    if clock.limit is None:
        raise DomainError(
            "extension_without_limit", _("A task without a time limit cannot be extended."), field="days"
        )
    if days <= 0:
        raise DomainError(
            "extension_not_positive", _("An extension is one working day or more."), field="days"
        )
    cap = settings.TONGBAN_CASE_EXTENSION_CAP_WORKING_DAYS if cap is None else cap
    if clock.extended_days + days > cap:
        raise DomainError(
            "extension_over_cap",
            _("Extensions may add at most %(cap)s working days in total; %(granted)s are already granted.")
            % {"cap": cap, "granted": clock.extended_days},
            field="days",
            cap=cap,
            granted=clock.extended_days,
            requested=days,
        )
