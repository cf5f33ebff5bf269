"""Giving a rating (一事一评 online, 一次一评 at the window) and its one follow-up (追评).

Who: the case's applicant (or someone acting for its legal person with the apply scope); never staff.
When: the case has ended (``TONGBAN_RATING_CASE_STATUSES``) within ``TONGBAN_RATING_WINDOW_DAYS``; a
follow-up within ``TONGBAN_RATING_FOLLOW_UP_DAYS`` of the first. Creation is idempotent: the same
``Idempotency-Key``, or the same rating sent again without one, returns the stored rating (replay).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.cases.constants import Channel as CaseChannel
from tongban.cases.constants import TaskKind, TaskStatus
from tongban.cases.models import Case
from tongban.organizations.models import ServiceWindow
from tongban.ratings import validators
from tongban.ratings.constants import BAD_LEVELS, HALL_CHANNELS, Mode, RaterKind
from tongban.ratings.models import Rating, RatingTarget, Rectification
from tongban.ratings.services import rectification
from tongban.ratings.services.common import record
from tongban.utils.errors import Conflict


@dataclass(frozen=True)
class Rated:
    rating: Rating
    replay: bool


def mode_of(case: Case, channel: str) -> str:
    """Window indicators for a visit to a hall or a case registered at a window; online otherwise."""
    if channel in HALL_CHANNELS or case.channel == CaseChannel.WINDOW:
        return Mode.WINDOW
    return Mode.ONLINE


def window_staff(case: Case) -> User | None:
    """Who served the applicant: the clerk who registered a walk-in, else who accepted the case."""
    if case.registered_by_id is not None:
        return case.registered_by
    task = (
        case.tasks.filter(kind=TaskKind.ACCEPT, status=TaskStatus.COMPLETED, completed_by__isnull=False)
        .select_related("completed_by")
        .order_by("completed_at", "pk")
        .first()
    )
    return task.completed_by if task is not None else None


def _same(
    rating: Rating, level: str, channel: str, tags: Sequence[str], comment: str, anonymous: bool
) -> bool:
    return (
        rating.level == level
        and rating.channel == channel
        and list(rating.tags) == list(dict.fromkeys(tags))
        and rating.comment == comment.strip()
        and rating.anonymous == anonymous
    )


def rate(
    principal: Principal,
    case: Case,
    *,
    level: str,
    channel: str,
    tags: Sequence[str] = (),
    comment: str = "",
    anonymous: bool = False,
    follow_up: bool = False,
    window: ServiceWindow | None = None,
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> Rated:
    """Store the first rating (or, with ``follow_up``, the follow-up) of ``case``; a bad one opens a
    rectification for the lead department unless one is open already."""
    now = now or timezone.now()
    validators.check_rater(principal, case)
    assert principal.user is not None
    key = (idempotency_key or "").strip()[:100]
    if key:
        earlier = Rating.objects.filter(rater=principal.user, idempotency_key=key).first()
        if earlier is not None:
            if earlier.case_id != case.pk or not _same(earlier, level, channel, tags, comment, anonymous):
                raise Conflict(
                    "idempotency_key_reused", _("This Idempotency-Key was used for another rating.")
                )
            return Rated(earlier, True)
    try:
        with transaction.atomic():
            return _rate(
                principal, case, level, channel, tags, comment, anonymous, follow_up, window, key, now
            )
    except IntegrityError:
        # A concurrent request won the (case, sequence) or key race: answer as the loser's replay would.
        existing = Rating.objects.filter(case=case, sequence=2 if follow_up else 1).first()
        if existing is not None and _same(existing, level, channel, tags, comment, anonymous):
            return Rated(existing, True)
        raise Conflict("rating_already_given", _("This case has already been rated.")) from None


def _rate(
    principal: Principal,
    case: Case,
    level: str,
    channel: str,
    tags: Sequence[str],
    comment: str,
    anonymous: bool,
    follow_up: bool,
    window: ServiceWindow | None,
    key: str,
    now: dt.datetime,
) -> Rated:
    assert principal.user is not None
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("lead_department", "front_desk__region", "registered_by")
        .get(pk=case.pk)
    )
    given = {r.sequence: r for r in Rating.objects.filter(case=locked)}
    sequence = 2 if follow_up else 1
    if sequence in given:
        if _same(given[sequence], level, channel, tags, comment, anonymous):
            return Rated(given[sequence], True)  # the same rating sent twice: natural replay
        if follow_up:
            raise Conflict("rating_follow_up_given", _("The follow-up has already been given."))
        raise Conflict("rating_already_given", _("This case has already been rated."))
    if follow_up:
        if 1 not in given:
            raise Conflict("rating_follow_up_without_first", _("Rate the case before adding a follow-up."))
        validators.check_follow_up_window(given[1].created_at, now)
    else:
        validators.check_case_rateable(locked, now)
    mode = mode_of(locked, channel)
    chosen = validators.check_rating_input(
        level=level, channel=channel, tags=tags, comment=comment, mode=mode
    )
    items = list(locked.items.select_related("item", "department").order_by("position", "pk"))
    lead_items = [ci for ci in items if ci.department_id == locked.lead_department_id] or items
    rating = Rating.objects.create(
        case=locked,
        sequence=sequence,
        level=level,
        tags=chosen,
        comment=comment.strip(),
        channel=channel,
        mode=mode,
        anonymous=anonymous,
        rater=principal.user,
        acting_for=principal.acting_for,
        rater_kind=RaterKind.LEGAL_PERSON if principal.acting_for is not None else RaterKind.PERSON,
        department=locked.lead_department,
        item=lead_items[0].item if lead_items else None,
        district=window.district if window is not None else locked.front_desk.region,
        window=window,
        window_staff=window_staff(locked),
        idempotency_key=key,
    )
    RatingTarget.objects.bulk_create(
        [
            RatingTarget(rating=rating, item=ci.item, item_code=ci.item_code, department=ci.department)
            for ci in items
        ]
    )
    Rating.objects.filter(case=locked).exclude(pk=rating.pk).update(is_current=False)
    record(
        "ratings.rated",
        rating,
        principal,
        case_id=locked.pk,
        sequence=sequence,
        level=level,
        channel=channel,
        mode=mode,
        anonymous=anonymous,
    )
    open_one = Rectification.objects.filter(case=locked, closed_at__isnull=True).exists()
    if level in BAD_LEVELS and not open_one:
        rectification.open_for(rating, now=now)
    return Rated(rating, False)
