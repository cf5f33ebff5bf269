"""Search for the portal and the API, with anonymous query logging and index refresh."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from tongban.search import index
from tongban.search.models import IndexGeneration, QueryLog
from tongban.search.text import normalize
from tongban.search.types import SearchResult
from tongban.utils.masking import scrub_text


def search(
    query: str,
    *,
    limit: int = 10,
    kind: str | None = None,
    audience: str | None = None,
    department: str | None = None,
    district: str | None = None,
    log: bool = True,
) -> tuple[SearchResult, int | None]:
    result = index.current_engine().search(
        query, limit=limit, kind=kind, audience=audience, department=department, district=district
    )
    log_id = None
    if log:
        # Anonymous by design: no user, session or address; identifiers typed by mistake are masked.
        entry = QueryLog.objects.create(
            query=scrub_text(query)[:200],
            normalized=scrub_text(normalize(query))[:200],
            kind_filter=kind or "",
            audience_filter=audience or "",
            result_count=result.total,
            top_codes=[h.code for h in result.results],
            suggestion=(result.suggestion or "")[:200],
        )
        log_id = entry.pk
    return result, log_id


def suggest(prefix: str, *, limit: int = 8) -> list[str]:
    return index.current_engine().suggest(prefix, limit=limit)


def log_click(log_id: int, code: str, rank: int) -> bool:
    """Record the first click on a logged search; only codes that search returned count."""
    entry = QueryLog.objects.filter(pk=log_id).first()
    if entry is None or code not in entry.top_codes or entry.clicked_code:
        return False
    QueryLog.objects.filter(pk=log_id, clicked_code="").update(clicked_code=code, clicked_rank=max(rank, 0))
    return True


def mark_stale() -> None:
    """Published content or the lexicon changed: every process rebuilds its index on its next search."""

    def bump() -> None:
        updated = IndexGeneration.objects.filter(id=1).update(generation=F("generation") + 1)
        if not updated:
            IndexGeneration.objects.get_or_create(id=1, defaults={"generation": 1})

    transaction.on_commit(bump)
