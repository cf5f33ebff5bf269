"""Recording calendar overrides outside the admin (e.g. loading next year's holidays from a notice)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tongban.accounts.principal import Principal
from tongban.audits import services as audit
from tongban.calendars.models import CalendarDay


def set_day(
    day: dt.date,
    *,
    is_working_day: bool,
    name: str = "",
    note: str = "",
    principal: Principal | None = None,
) -> CalendarDay:
    """Record (or replace) the override of one day."""
    with transaction.atomic():
        obj, created = CalendarDay.objects.update_or_create(
            date=day, defaults={"is_working_day": is_working_day, "name": name.strip(), "note": note.strip()}
        )
        audit.record(
            "calendar.day_set",
            principal=principal,
            obj=obj,
            summary={"date": day.isoformat(), "working": is_working_day, "created": created},
        )
    return obj


def clear_day(day: dt.date, *, principal: Principal | None = None) -> bool:
    """Remove the override of one day, so the statutory calendar applies again. False if there was none."""
    with transaction.atomic():
        obj = CalendarDay.objects.filter(date=day).first()
        if obj is None:
            return False
        audit.record("calendar.day_cleared", principal=principal, obj=obj, summary={"date": day.isoformat()})
        obj.delete()
    return True
