"""The ratings API (mounted at ``/api/v1/``): rate a case, the public board's figures, and the
rectifications of bad ratings with their actions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ninja import Router, Status

from tongban.api.auth import principal
from tongban.cases import query as case_query
from tongban.ratings import presenters, query, validators
from tongban.ratings.constants import ALL_TIME
from tongban.ratings.schemas import ActionIn, RatedOut, RateIn, RatingOut, RectificationOut, StatsOut
from tongban.ratings.services import rating as rating_service
from tongban.ratings.services import rectification as rect_service

router = Router(tags=["ratings"])


@router.post(
    "/cases/{case_no}/ratings",
    response={200: RatedOut, 201: RatedOut},
    summary="Rate a case (好差评)",
)
def rate(request: HttpRequest, case_no: str, payload: RateIn) -> Any:
    """The applicant rates a finished case once, and may add one follow-up (`follow_up: true`). A bad
    rating (不满意, 非常不满意) needs an indicator or a comment and opens a rectification for the
    department. Staff cannot rate (`rating_staff_forbidden`). Send an `Idempotency-Key`: repeating the
    request returns the stored rating (200); sending the same rating again without a key does too."""
    p = principal(request)
    p.require_scope("cases:write")
    validators.check_not_staff(p)
    case = case_query.case_for(p, case_no)
    window = query.window_by_code(payload.window) if payload.window else None
    rated = rating_service.rate(
        p,
        case,
        level=payload.level,
        channel=payload.channel,
        tags=payload.tags,
        comment=payload.comment,
        anonymous=payload.anonymous,
        follow_up=payload.follow_up,
        window=window,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    rect = query.rectification_of(p, rated.rating)
    body = {
        "rating": presenters.rating_out(rated.rating, p),
        "rectification": presenters.rectification_out(rect, p) if rect is not None else None,
    }
    return Status(200 if rated.replay else 201, body)


@router.get("/cases/{case_no}/ratings", response=list[RatingOut], summary="A case's ratings")
def case_ratings(request: HttpRequest, case_no: str) -> Any:
    p = principal(request)
    case = case_query.case_for(p, case_no)
    return [presenters.rating_out(r, p) for r in query.case_ratings(p, case)]


@router.get("/ratings/stats", auth=None, response=StatsOut, summary="The public rating board")
def stats(
    request: HttpRequest, department: str = "", item: str = "", district: str = "", period: str = ALL_TIME
) -> Any:
    """Per department (slug), service (item code) and district (GB/T 2260 code): ratings, good share
    (非常满意 + 满意 + 基本满意), bad ratings, rectification rate and on-time rate; no personal data.
    `period` is `all` or a month `YYYY-MM`. Rebuilt every 10 minutes (`computed_at`)."""
    figures = query.board(period=period, department=department, item=item, district=district)
    return {
        "period": period or ALL_TIME,
        "periods": query.board_periods(),
        "figures": [presenters.figure_out(f) for f in figures[: query.LIST_LIMIT]],
    }


@router.get("/rectifications", response=list[RectificationOut], summary="Rectifications of bad ratings")
def rectifications(request: HttpRequest, view: str = "open") -> Any:
    """Staff see their department's (supervisors all); raters see those of their own ratings.
    `view`: open | overdue | appealed | escalated | closed | all."""
    p = principal(request)
    rows = query.rectifications_for(p, view=view)[: query.LIST_LIMIT]
    return [presenters.rectification_out(r, p) for r in rows]


@router.get("/rectifications/{rect_id}", response=RectificationOut, summary="A rectification")
def rectification(request: HttpRequest, rect_id: int) -> Any:
    p = principal(request)
    return presenters.rectification_out(query.rectification_for(p, rect_id), p)


@router.post("/rectifications/{rect_id}/actions", response=RectificationOut, summary="Act on a rectification")
def act(request: HttpRequest, rect_id: int, payload: ActionIn) -> Any:
    """Department: `claim`, `callback` (reached, notes, called_at), `classify` (classification),
    `respond` (text), `appeal` (reason; section chiefs). Rater: `confirm`, `reopen` (note).
    Supervisors: `decide_appeal` (upheld, reason), `close` (note). Wrong state: 409
    `rectification_wrong_status`."""
    p = principal(request)
    rect = query.rectification_for(p, rect_id)
    data = payload.model_dump()
    rect = rect_service.act(p, rect, payload.action, **validators.action_input(payload.action, data))
    return presenters.rectification_out(query.rectification_for(p, rect.pk), p)
