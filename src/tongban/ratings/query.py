"""Read side of ratings, already narrowed to what the principal may see (``policies``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.accounts.principal import Principal
from tongban.cases.models import Case
from tongban.organizations.models import ServiceWindow
from tongban.ratings import conf, policies
from tongban.ratings.constants import ALL_TIME, DEPARTMENT_STATUSES, AppealStatus, RectificationStatus
from tongban.ratings.models import BoardFigure, Rating, Rectification
from tongban.utils import authz
from tongban.utils.errors import NotFound

LIST_LIMIT = 200

# Inbox views of the workbench (``?view=``).
VIEWS = ("open", "overdue", "appealed", "escalated", "closed", "all")


def rectifications_for(principal: Principal, *, view: str = "open") -> QuerySet[Rectification]:
    qs = authz.visible(
        principal,
        Rectification.objects.select_related("rating__item", "department", "case", "handler"),
    )
    today = timezone.localdate()
    if view == "open":
        qs = qs.exclude(status=RectificationStatus.CLOSED)
    elif view == "overdue":
        qs = qs.filter(status__in=DEPARTMENT_STATUSES, due_on__lt=today)
    elif view == "appealed":
        qs = qs.filter(Q(status=RectificationStatus.APPEALED) | ~Q(appeal_status=AppealStatus.NONE))
    elif view == "escalated":
        qs = qs.filter(escalated_at__isnull=False).exclude(status=RectificationStatus.CLOSED)
    elif view == "closed":
        qs = qs.filter(status=RectificationStatus.CLOSED)
    elif view != "all":
        raise NotFound()
    return qs.order_by("due_on", "pk")


def rectification_for(principal: Principal, rect_id: int) -> Rectification:
    return authz.get_or_404(
        principal,
        Rectification.objects.select_related(
            "rating__item",
            "rating__rater__person",
            "rating__window_staff__staff",
            "department",
            "case",
            "handler",
        ),
        pk=rect_id,
    )


def case_ratings(principal: Principal, case: Case) -> QuerySet[Rating]:
    qs = authz.visible(principal, Rating.objects.select_related("item", "department")).filter(case=case)
    if principal.is_staff_member and not policies.sees_identity(principal):
        # Looked up by case, an anonymous rating would name its rater: the department never gets it so.
        qs = qs.exclude(anonymous=True)
    return qs.order_by("sequence")


def my_ratings(principal: Principal) -> QuerySet[Rating]:
    if principal.is_staff_member or principal.user is None:
        return Rating.objects.none()
    return (
        Rating.objects.filter(rater=principal.user)
        .select_related("case", "department", "item")
        .order_by("-created_at", "-pk")
    )


def rectification_of(principal: Principal, rating: Rating) -> Rectification | None:
    """The rectification of this rating's case the principal may see (the case's latest)."""
    qs = authz.visible(principal, Rectification.objects.select_related("rating", "department", "case"))
    return qs.filter(case_id=rating.case_id).order_by("-pk").first()


def window_cases(
    principal: Principal, window: ServiceWindow, *, now: dt.datetime | None = None
) -> list[Case]:
    """一次一评 at a window: the signer's ended cases of the window's department they may still rate."""
    if principal.is_staff_member or not principal.is_authenticated:
        return []
    now = now or timezone.now()
    since = now - dt.timedelta(days=conf.window_days())
    qs = (
        authz.visible(principal, Case.objects.all())
        .filter(
            Q(front_desk_id=window.department_id) | Q(items__department_id=window.department_id),
            status__in=conf.rateable_statuses(),
            closed_at__gte=since,
            ratings__isnull=True,
        )
        .distinct()
        .order_by("-closed_at")
    )
    return [case for case in qs[:20] if policies.may_rate(principal, case)]


def board(
    *, period: str = ALL_TIME, department: str = "", item: str = "", district: str = ""
) -> QuerySet[BoardFigure]:
    qs = BoardFigure.objects.filter(period=period or ALL_TIME)
    wanted = Q()
    if department:
        wanted |= Q(scope="department", key=department)
    if item:
        wanted |= Q(scope="item", key=item)
    if district:
        wanted |= Q(scope="district", key=district)
    return qs.filter(wanted).order_by("scope", "-ratings", "key")


def board_periods() -> list[str]:
    months = BoardFigure.objects.exclude(period=ALL_TIME).values_list("period", flat=True).distinct()
    return [ALL_TIME, *sorted(set(months), reverse=True)]


def window_by_code(code: str) -> ServiceWindow:
    window = ServiceWindow.objects.select_related("department", "district").filter(code=code.strip()).first()
    if window is None:
        raise NotFound("window_unknown", "No such service window.")
    return window
