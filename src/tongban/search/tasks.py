"""Worker tasks for search: embed documents off the request path."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

import structlog
from django_tasks import task

from tongban.search import index, semantic, services
from tongban.search.vectors import DatabaseVectorStore

log = structlog.get_logger(__name__)
PENDING_KEY = "tongban:search:embedding-pending"


@task()
def embed_documents() -> int:
    """Embed published documents that have no vector yet, then let every process reload its index."""
    cache.delete(PENDING_KEY)
    if not settings.TONGBAN_SEARCH_SEMANTIC:
        return 0
    model = semantic.load_model()
    if model is None:
        return 0
    added = semantic.embed_missing(model, index.documents_from_db(), DatabaseVectorStore())
    if added:
        services.mark_stale()
        log.info("search_documents_embedded", count=added)
    return added


def request_embedding() -> None:
    """Queue one embedding run, however many processes notice missing vectors at once."""
    if cache.add(PENDING_KEY, "1", timeout=600):
        embed_documents.enqueue()
