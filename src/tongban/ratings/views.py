"""Public and citizen pages of ratings (mounted at ``/ratings/``): the public board, rating a case (and
its follow-up), following the rectification of a bad rating, my ratings, and the page a window's QR
code opens (一次一评)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tongban.accounts.principal import Principal
from tongban.accounts.request import principal_for
from tongban.cases import query as case_query
from tongban.cases.models import Case
from tongban.ratings import conf, policies, presenters, query, validators
from tongban.ratings.constants import (
    ALL_TIME,
    INDICATORS,
    Action,
    BoardScope,
    Channel,
    Level,
    RectificationStatus,
)
from tongban.ratings.services import rating as rating_service
from tongban.ratings.services import rectification as rect_service
from tongban.utils.errors import DomainError

BAD = ("dissatisfied", "very_dissatisfied")


def _int(value: str) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() else 0


def board(request: HttpRequest) -> HttpResponse:
    """The public board: no sign-in, no personal data."""
    periods = query.board_periods()
    period = request.GET.get("period", ALL_TIME)
    if period not in periods:
        period = ALL_TIME
    figures = [presenters.figure_out(f) for f in query.board(period=period)]
    for fig in figures:
        for name in ("good_rate", "rectification_rate", "on_time_rate"):
            fig[f"{name}_shown"] = presenters.percent(fig[name])
    tables = [
        (scope, label, [f for f in figures if f["scope"] == scope][: query.LIST_LIMIT])
        for scope, label in BoardScope.choices
    ]
    computed = max((f["computed_at"] for f in figures), default=None)
    context = {"tables": tables, "periods": periods, "period": period, "computed_at": computed}
    return render(request, "ratings/board.html", context)


def _form_context(p: Principal, case: Case, window_code: str) -> dict[str, Any]:
    ratings = list(query.case_ratings(p, case))
    first = next((r for r in ratings if r.sequence == 1), None)
    channel = Channel.QR if window_code else Channel.PC
    mode = rating_service.mode_of(case, channel)
    labels = dict(presenters.INDICATORS)
    rect = query.rectification_of(p, first) if first is not None else None
    now = timezone.now()
    can_rate = first is None and policies.may_rate(p, case)
    if can_rate:
        try:
            validators.check_case_rateable(case, now)
        except DomainError as exc:
            can_rate = False
            why = exc.message
        else:
            why = ""
    else:
        why = ""
    can_follow_up = first is not None and len(ratings) == 1 and policies.may_rate(p, case)
    if can_follow_up and first is not None:
        try:
            validators.check_follow_up_window(first.created_at, now)
        except DomainError:
            can_follow_up = False
    return {
        "case": case,
        "ratings": [presenters.rating_out(r, p) for r in ratings],
        "rect": presenters.rectification_out(rect, p) if rect is not None else None,
        "rect_waiting": rect is not None and rect.status == RectificationStatus.RESPONDED,
        "can_rate": can_rate,
        "not_rateable_reason": why,
        "can_follow_up": can_follow_up,
        "levels": Level.choices,
        "bad_levels": BAD,
        "indicators": [(code, labels[code]) for code in INDICATORS[mode]],
        "channel": channel,
        "window": window_code,
        "key": uuid.uuid4().hex,
        "window_days": conf.window_days(),
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, case_no: str) -> HttpResponse:
    """Rate a case (and give the follow-up); follow and confirm the answer to a bad rating."""
    p = principal_for(request)
    validators.check_not_staff(p)
    case = case_query.case_for(p, case_no)
    window_code = request.GET.get("window", "") or request.POST.get("window", "")
    if window_code:
        window_code = query.window_by_code(window_code).code  # 404 for an unknown window
    if request.method == "POST":
        try:
            _post(request, p, case, window_code)
        except DomainError as exc:
            messages.error(request, f"{exc.message} [{exc.code}]")
            context = _form_context(p, case, window_code)
            return render(request, "ratings/rate.html", context, status=400)
        url = reverse("ratings:rate", args=[case.case_no])
        return redirect(f"{url}?{urlencode({'window': window_code})}" if window_code else url)
    return render(request, "ratings/rate.html", _form_context(p, case, window_code))


def _post(request: HttpRequest, p: Principal, case: Case, window_code: str) -> None:
    action = request.POST.get("action", "rate")
    if action in {Action.CONFIRM, Action.REOPEN}:
        rect = query.rectification_for(p, _int(request.POST.get("rectification", "")))
        rect_service.act(p, rect, action, **validators.action_input(action, request.POST))
        messages.success(
            request,
            _("Thank you: the rectification is closed.")
            if action == Action.CONFIRM
            else _("Your answer was sent back to the department."),
        )
        return
    window = query.window_by_code(window_code) if window_code else None
    rating_service.rate(
        p,
        case,
        level=request.POST.get("level", ""),
        channel=Channel.QR if window is not None else Channel.PC,
        tags=request.POST.getlist("tags"),
        comment=request.POST.get("comment", ""),
        anonymous=request.POST.get("anonymous") == "on",
        follow_up=action == "follow_up",
        window=window,
        idempotency_key=request.POST.get("key", ""),
    )
    messages.success(request, _("Thank you for your rating."))


@login_required
@never_cache
def mine(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    rows = []
    for rating in query.my_ratings(p)[: query.LIST_LIMIT]:
        rect = query.rectification_of(p, rating) if rating.sequence == 1 else None
        rows.append(
            {
                "rating": presenters.rating_out(rating, p),
                "rect": presenters.rectification_out(rect, p) if rect is not None else None,
            }
        )
    return render(request, "ratings/mine.html", {"rows": rows})


@never_cache
def window_visit(request: HttpRequest, code: str) -> HttpResponse:
    """What a window's QR code opens: sign in, then pick the case just handled there."""
    window = query.window_by_code(code)
    p = principal_for(request)
    context = {
        "window": window,
        "cases": query.window_cases(p, window),
        "staff": p.is_staff_member,
        "login_url": f"{reverse('accounts:login')}?next={request.get_full_path()}",
    }
    return render(request, "ratings/window.html", context)
