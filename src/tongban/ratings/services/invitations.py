"""Rating invitations: one message to the applicant of each case that ended (``Case.rating_invited_at``
set by the case closing) within the rating window, sent once (``Invitation`` row + notification key)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.cases.models import Case
from tongban.notifications.services import notify
from tongban.ratings import conf
from tongban.ratings.models import Invitation
from tongban.ratings.services.common import rate_url

BATCH = 500


def send_due(*, now: dt.datetime | None = None) -> int:
    """Invite the applicants of ended, unrated, uninvited cases still within the window."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=conf.window_days())
    due = (
        Case.objects.filter(
            rating_invited_at__isnull=False,
            rating_invited_at__gte=since,
            rating_invited_at__lte=now,
            rating_invitation__isnull=True,
            ratings__isnull=True,
            status__in=conf.rateable_statuses(),
        )
        .select_related("applicant")
        .order_by("rating_invited_at", "pk")[:BATCH]
    )
    sent = 0
    for case in due:
        try:
            with transaction.atomic():
                Invitation.objects.create(case=case, sent_at=now)
                assert case.case_no is not None
                notify(
                    recipient=case.applicant,
                    template="ratings.invitation",
                    params={
                        "case_no": case.case_no,
                        "service": case.target_name,
                        "url": rate_url(case.case_no),
                        "days": conf.window_days(),
                    },
                    key=f"ratings.invitation:{case.pk}",
                )
        except IntegrityError:
            continue  # another run invited it meanwhile
        sent += 1
    return sent
