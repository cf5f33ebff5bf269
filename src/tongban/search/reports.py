"""What the anonymous query log says about the search, for staff who extend the lexicon.

Two reports, both over a recent window (7, 30 or 90 days) and grouped by the normalised query, so
"开饭店", " 开饭店 " and "開飯店" count as one:

* **zero-result queries** — what people looked for and found nothing: the first candidates for a
  lexicon entry (a colloquial word, a synonym, an English word);
* **low-click queries** — searches that answered something, often, but whose results people rarely
  opened (clicks / searches at or under a threshold): the results are probably not what they meant.

Both are plain aggregations (a fixed number of queries whatever the size of the log); the admin views in
``search.admin`` only lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, FloatField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext

from tongban.bundles.constants import BundleState
from tongban.bundles.models import Bundle
from tongban.items.models import ServiceItem
from tongban.search.models import LexiconEntry, QueryLog

WINDOWS = (7, 30, 90)  # days the reports offer
DEFAULT_WINDOW = 30
DEFAULT_MIN_SEARCHES = 5
DEFAULT_MAX_CTR = 0.2  # at most one search in five led to a click
ROW_LIMIT = 100


def window_days(value: Any) -> int:
    """The window asked for in a GET parameter, or the default when it is not one of ``WINDOWS``."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_WINDOW
    return days if days in WINDOWS else DEFAULT_WINDOW


def _window(days: int, now: datetime | None) -> dict[str, datetime]:
    """The filter of the ``days`` up to ``now`` (default: this moment)."""
    end = now or timezone.now()
    return {"created_at__gt": end - timedelta(days=days), "created_at__lte": end}


@dataclass(frozen=True)
class ZeroResultRow:
    normalized: str
    example: str  # one of the texts people actually typed
    searches: int
    last_seen: datetime
    in_lexicon: bool  # an entry for this term exists already (active or not)


def zero_result_queries(days: int = DEFAULT_WINDOW, *, now: datetime | None = None) -> list[ZeroResultRow]:
    """The queries that found nothing, most frequent first (then most recent)."""
    rows = list(
        QueryLog.objects.filter(**_window(days, now), result_count=0)
        .exclude(normalized="")
        .values("normalized")
        .annotate(searches=Count("id"), last_seen=Max("created_at"), example=Max("query"))
        .order_by("-searches", "-last_seen", "normalized")[:ROW_LIMIT]
    )
    known = _lexicon_terms([r["normalized"] for r in rows])
    return [
        ZeroResultRow(r["normalized"], r["example"], r["searches"], r["last_seen"], r["normalized"] in known)
        for r in rows
    ]


@dataclass(frozen=True)
class ResultRef:
    code: str
    name: str  # "" when the code no longer names a published item or bundle


@dataclass(frozen=True)
class LowClickRow:
    normalized: str
    searches: int
    clicks: int
    last_seen: datetime
    top: list[ResultRef] = field(default_factory=list)  # what the latest of these searches answered
    in_lexicon: bool = False

    @property
    def click_rate(self) -> float:
        return self.clicks / self.searches if self.searches else 0.0

    @property
    def click_percent(self) -> int:
        return round(self.click_rate * 100)


def low_click_queries(
    days: int = DEFAULT_WINDOW,
    *,
    min_searches: int = DEFAULT_MIN_SEARCHES,
    max_ctr: float = DEFAULT_MAX_CTR,
    top: int = 5,
    now: datetime | None = None,
) -> list[LowClickRow]:
    """Queries searched at least ``min_searches`` times in the window, with results, whose share of
    searches followed by a click is at most ``max_ctr``; lowest share first, then the most searched."""
    answered = QueryLog.objects.filter(**_window(days, now), result_count__gt=0).exclude(normalized="")
    latest = answered.filter(normalized=OuterRef("normalized")).order_by("-created_at", "-pk")
    rows = list(
        answered.values("normalized")
        .annotate(
            searches=Count("id"),
            clicks=Count("id", filter=~Q(clicked_code="")),
            last_seen=Max("created_at"),
        )
        .filter(searches__gte=min_searches)
        .annotate(ctr=Cast(F("clicks"), FloatField()) / Cast(F("searches"), FloatField()))
        .filter(ctr__lte=max_ctr)
        .annotate(latest_id=Subquery(latest.values("pk")[:1]))
        .order_by("ctr", "-searches", "normalized")[:ROW_LIMIT]
    )
    codes_of = dict(
        QueryLog.objects.filter(pk__in=[r["latest_id"] for r in rows]).values_list("pk", "top_codes")
    )
    tops = {r["normalized"]: [str(c) for c in (codes_of.get(r["latest_id"]) or [])[:top]] for r in rows}
    names = result_names({c for codes in tops.values() for c in codes})
    known = _lexicon_terms([r["normalized"] for r in rows])
    return [
        LowClickRow(
            r["normalized"],
            r["searches"],
            r["clicks"],
            r["last_seen"],
            [ResultRef(c, names.get(c, "")) for c in tops[r["normalized"]]],
            r["normalized"] in known,
        )
        for r in rows
    ]


def result_names(codes: set[str]) -> dict[str, str]:
    """Names of result codes: published items, published bundles, and FAQs (by their item's name)."""
    item_codes = {c.split("#", 1)[0] for c in codes}
    items = dict(ServiceItem.objects.published().filter(code__in=item_codes).values_list("code", "name"))
    bundles = dict(
        Bundle.objects.filter(code__in=codes, state=BundleState.PUBLISHED).values_list("code", "name")
    )
    names: dict[str, str] = {}
    for code in codes:
        if code in bundles:
            names[code] = bundles[code]
        elif "#" in code and code.split("#", 1)[0] in items:
            names[code] = gettext("FAQ of %(item)s") % {"item": items[code.split("#", 1)[0]]}
        elif code in items:
            names[code] = items[code]
    return names


def _lexicon_terms(terms: list[str]) -> set[str]:
    if not terms:
        return set()
    entries: QuerySet[LexiconEntry] = LexiconEntry.objects.filter(term__in=terms)
    return set(entries.values_list("term", flat=True))
