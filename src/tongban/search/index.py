"""The Django side of search: documents and lexicon from the database, and the per-process engine,
rebuilt when the index generation moves (publishing or a lexicon edit bumps it)."""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db.models import Prefetch

import structlog

from tongban.bundles.constants import BundleState
from tongban.bundles.models import Bundle
from tongban.items.models import FAQ, ItemLocation, Material, ServiceItem
from tongban.search.engine import SearchEngine
from tongban.search.models import IndexGeneration, LexiconEntry
from tongban.search.semantic import build_semantic
from tongban.search.types import LexEntry, SearchDoc
from tongban.search.vectors import DatabaseVectorStore

log = structlog.get_logger(__name__)

_lock = threading.Lock()
_engine: SearchEngine | None = None
_generation: int | None = None


def _audiences(natural: bool, legal: bool) -> frozenset[str]:
    return frozenset(a for a, on in (("natural", natural), ("legal", legal)) if on)


def documents_from_db() -> list[SearchDoc]:
    items = list(
        ServiceItem.objects.published()
        .select_related("department")
        .prefetch_related(
            "topics",
            Prefetch("materials", queryset=Material.objects.select_related("kind")),
            Prefetch("faqs", queryset=FAQ.objects.order_by("order", "pk")),
        )
    )
    districts: dict[str, set[str]] = {}
    for code, region in ItemLocation.objects.values_list("item_code", "district__code"):
        districts.setdefault(code, set()).add(region)
    docs: list[SearchDoc] = []
    by_code = {}
    for item in items:
        by_code[item.code] = item
        audiences = _audiences(item.for_natural_persons, item.for_legal_persons)
        body = " ".join(
            [
                *(t.name for t in item.topics.all()),
                *(m.display_name for m in item.materials.all()),
                item.result_name,
                item.department.name,
            ]
        )
        docs.append(
            SearchDoc(
                kind="item",
                code=item.code,
                name=item.name,
                department=item.department.name,
                department_slug=item.department.slug,
                name_en=item.name_en,
                keywords=item.keywords,
                summary=item.summary,
                body=body,
                audiences=audiences,
                districts=frozenset(districts.get(item.code, ())),
            )
        )
        for n, faq in enumerate(item.faqs.all(), start=1):
            docs.append(
                SearchDoc(
                    kind="faq",
                    code=f"{item.code}#faq{n}",
                    name=faq.question,
                    department=item.department.name,
                    department_slug=item.department.slug,
                    summary=faq.answer,
                    body=item.name,
                    audiences=audiences,
                )
            )
    bundles = Bundle.objects.filter(state=BundleState.PUBLISHED).select_related("lead_department", "topic")
    for bundle in bundles.prefetch_related("entries", "situations"):
        members = [by_code[e.item_code] for e in bundle.entries.all() if e.item_code in by_code]
        docs.append(
            SearchDoc(
                kind="bundle",
                code=bundle.code,
                name=bundle.name,
                department=bundle.lead_department.name,
                department_slug=bundle.lead_department.slug,
                name_en=bundle.name_en,
                keywords=" ".join(
                    [bundle.topic.name if bundle.topic else "", *(i.keywords for i in members)]
                ),
                summary=bundle.summary,
                body=" ".join([*(i.name for i in members), *(s.question for s in bundle.situations.all())]),
                audiences=frozenset({bundle.audience}),
                members=tuple(i.code for i in members),
            )
        )
    return docs


def lexicon_from_db() -> list[LexEntry]:
    return [
        LexEntry(term=e.term, kind=e.kind, expansions=tuple(e.expansions), weight=e.weight)
        for e in LexiconEntry.objects.filter(is_active=True)
    ]


def current_generation() -> int:
    value = IndexGeneration.objects.filter(id=1).values_list("generation", flat=True).first()
    return value or 0


def current_engine() -> SearchEngine:
    """This process's engine, rebuilt when published content or the lexicon changed."""
    global _engine, _generation
    generation = current_generation()
    if _engine is not None and generation == _generation:
        return _engine
    with _lock:
        if _engine is None or generation != _generation:
            started = time.perf_counter()
            docs = documents_from_db()
            # Never embed in a request: vectors come from the worker; new documents wait for it.
            semantic = build_semantic(
                docs,
                store=DatabaseVectorStore(),
                enabled=settings.TONGBAN_SEARCH_SEMANTIC,
                compute_missing=False,
            )
            if semantic is not None and semantic.missing:
                from tongban.search.tasks import request_embedding

                request_embedding()
            engine = SearchEngine.build(docs, lexicon_from_db(), semantic=semantic)
            _engine, _generation = engine, generation
            log.info(
                "search_index_built",
                docs=len(engine.docs),
                generation=generation,
                semantic=semantic is not None,
                ms=round((time.perf_counter() - started) * 1000),
            )
    return _engine


def reset() -> None:
    """Forget the in-memory engine (tests)."""
    global _engine, _generation
    with _lock:
        _engine, _generation = None, None
