"""The public search API: ``GET /search``, ``GET /search/suggest`` and ``POST /search/click``.

No sign-in (``auth=None``), like the catalogue it searches. Searches are logged anonymously (no user, no
session, no address; see ``search.models.QueryLog``); suggestions are not logged. The engine and the log
live in ``search.services``; the handlers here only validate and shape.
"""

# No ``from __future__ import annotations`` here: ninja fails to resolve ``Query[...]`` parameters
# given as strings (see items/api.py).
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ninja import Query, Router, Status

from tongban.search import services
from tongban.search.models import QueryLog
from tongban.search.schemas import ClickIn, HitOut, SearchOut, SearchParams, SuggestOut, SuggestParams
from tongban.utils.errors import DomainError, NotFound, ValidationFailed

router = Router(tags=["search"], auth=None)


@router.get("", response=SearchOut, url_name="search", summary="Search services, bundles and FAQs")
def search(request: HttpRequest, params: Query[SearchParams]) -> SearchOut:
    """Everyday words find official services: 开饭店 finds 食品经营许可 and the 开餐馆 one-thing bundle
    (lexicon), pinyin and typos work, and ``suggestion`` offers a corrected query when there is one."""
    result, log_id = services.search(
        params.q,
        limit=params.limit,
        kind=params.kind or None,
        audience=params.audience or None,
        department=params.department or None,
        district=params.district or None,
    )
    return SearchOut(
        results=[
            HitOut(
                kind=h.kind,
                code=h.code,
                name=h.name,
                department=h.department,
                score=h.score,
                highlight=h.highlight,
                matched_by=list(h.matched_by),
            )
            for h in result.results
        ],
        suggestion=result.suggestion or None,
        total=result.total,
        log_id=log_id,
    )


@router.get(
    "/suggest", response=SuggestOut, url_name="search_suggest", summary="Completions of what is being typed"
)
def suggest(request: HttpRequest, params: Query[SuggestParams]) -> SuggestOut:
    """For the search box's autocomplete: names and everyday words starting with (or matching) the prefix.
    Not logged."""
    if not params.q:
        return SuggestOut(suggestions=[])
    return SuggestOut(suggestions=services.suggest(params.q, limit=params.limit))


@router.post(
    "/click", response={204: None}, url_name="search_click", summary="Record which result was opened"
)
def click(request: HttpRequest, payload: ClickIn) -> Status:
    """Anonymous, like the search: only the first click of a search is kept (a second one is accepted and
    ignored). The code must be one of the results that search returned."""
    log = QueryLog.objects.filter(pk=payload.log_id).only("top_codes").first()
    if log is None:
        raise NotFound("search_log_not_found", _("There is no such search."))
    if payload.code not in (log.top_codes or []):
        raise ValidationFailed(
            [
                DomainError(
                    "code_not_in_results",
                    _("This code was not among the results of that search."),
                    field="code",
                )
            ]
        )
    services.log_click(payload.log_id, payload.code, payload.rank)
    return Status(204, None)
