"""The public board (评价结果公开): aggregates per department, item and district, all time and per month.

Counted: each case's latest rating (``is_current``) unless excluded by an upheld appeal. A bundle case
counts once for every department and item in it. Figures:

- ``ratings``: ratings counted; ``good``: 非常满意 + 满意 + 基本满意; ``bad``: 不满意 + 非常不满意;
- ``rectified``: bad ratings whose case's (latest) rectification is closed with the rater confirming,
  not answering in time, or the supervisors closing it; ``closed`` equals ``rectified`` (appeal-upheld
  ones are excluded altogether); ``closed_on_time``: those the department answered by the deadline.

Rebuilt from scratch in one transaction (``recompute``), so readers see the old or the new board whole.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tongban.organizations.models import Department
from tongban.ratings.constants import ALL_TIME, BAD_LEVELS, RECTIFIED_OUTCOMES, BoardScope
from tongban.ratings.models import BoardFigure, Rating, RatingTarget, Rectification


@dataclass
class _Tally:
    label: str = ""
    ratings: int = 0
    good: int = 0
    bad: int = 0
    rectified: int = 0
    closed_on_time: int = 0


def recompute(*, now: dt.datetime | None = None) -> int:
    """Rebuild every figure; returns how many rows the board has."""
    now = now or timezone.now()
    rows = list(
        Rating.objects.filter(is_current=True, excluded=False).values(
            "pk", "case_id", "level", "created_at", "department_id", "district__code", "district__name"
        )
    )
    # The case's latest rectification: (outcome, on_time).
    latest_rect: dict[int, tuple[str, bool | None]] = {}
    for case_id, outcome, on_time in Rectification.objects.order_by("case_id", "pk").values_list(
        "case_id", "outcome", "on_time"
    ):
        latest_rect[case_id] = (outcome, on_time)
    targets: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for t in RatingTarget.objects.filter(rating_id__in=[r["pk"] for r in rows]).values(
        "rating_id", "item_code", "item__name", "department_id"
    ):
        targets[t["rating_id"]].append((t["item_code"], t["item__name"], t["department_id"]))
    departments = {d.pk: d for d in Department.objects.all()}

    tallies: dict[tuple[str, str, str], _Tally] = defaultdict(_Tally)
    for r in rows:
        bad = r["level"] in BAD_LEVELS
        rect = latest_rect.get(r["case_id"]) if bad else None
        rectified = rect is not None and rect[0] in RECTIFIED_OUTCOMES
        on_time = rectified and rect is not None and rect[1] is True
        keys: list[tuple[str, str, str]] = []
        dept_ids = {d for _c, _n, d in targets[r["pk"]]} | {r["department_id"]}
        keys += [(BoardScope.DEPARTMENT, departments[d].slug, departments[d].name) for d in dept_ids]
        keys += [(BoardScope.ITEM, code, name) for code, name, _d in targets[r["pk"]]]
        if r["district__code"]:
            keys.append((BoardScope.DISTRICT, r["district__code"], r["district__name"]))
        month = timezone.localtime(r["created_at"]).strftime("%Y-%m")
        for scope, key, label in set(keys):
            for period in (ALL_TIME, month):
                tally = tallies[(scope, key, period)]
                tally.label = label
                tally.ratings += 1
                tally.good += 0 if bad else 1
                tally.bad += 1 if bad else 0
                tally.rectified += 1 if rectified else 0
                tally.closed_on_time += 1 if on_time else 0
    figures = [
        BoardFigure(
            scope=scope,
            key=key,
            period=period,
            label=t.label,
            ratings=t.ratings,
            good=t.good,
            bad=t.bad,
            rectified=t.rectified,
            closed=t.rectified,
            closed_on_time=t.closed_on_time,
            computed_at=now,
        )
        for (scope, key, period), t in tallies.items()
    ]
    with transaction.atomic():
        BoardFigure.objects.all().delete()
        BoardFigure.objects.bulk_create(figures)
    return len(figures)


def rate(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to four places; None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None
