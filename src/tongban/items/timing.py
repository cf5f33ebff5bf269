"""Time limits in comparable units. Calendar days and months are converted approximately (5/7 of
calendar days; 21 working days a month) — only for comparing and summing, never for deadlines."""

from __future__ import annotations

import math

from tongban.items.constants import TimeUnit


def as_working_days(value: int | None, unit: str) -> int | None:
    if value is None:
        return None
    if unit == TimeUnit.NATURAL_DAY:
        return math.ceil(value * 5 / 7)
    if unit == TimeUnit.MONTH:
        return value * 21
    return value
