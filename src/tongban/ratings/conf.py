"""Settings of ratings (read here only; listed in docs/ratings.md). The standard's own numbers (GB/T 39734
§7.2 and §9.3) were not available, so every period is configurable."""

from __future__ import annotations

from django.conf import settings

from tongban.cases.constants import CaseStatus

# GB/T 39046 表9 lists phone and SMS without codes; public interfaces disagree on the tail (电话=6, 短信=7
# in one, 短信=6 in another). 1–5 agree everywhere.
DEFAULT_CHANNEL_CODES = {
    "pc": 1,
    "mobile": 2,
    "qr": 3,
    "hall_tablet": 4,
    "hall_terminal": 5,
    "phone": 6,
    "sms": 7,
}


def window_days() -> int:
    """Days after the case ends in which its applicant may rate it."""
    return int(getattr(settings, "TONGBAN_RATING_WINDOW_DAYS", 30))


def follow_up_days() -> int:
    """Days after the first rating in which one follow-up (追评) may be given."""
    return int(getattr(settings, "TONGBAN_RATING_FOLLOW_UP_DAYS", 30))


def rateable_statuses() -> frozenset[str]:
    """Case statuses that may be rated: 办结 only by default; add ``not_accepted`` to let refused
    applicants rate too, as many provincial systems do."""
    return frozenset(getattr(settings, "TONGBAN_RATING_CASE_STATUSES", [CaseStatus.CLOSED]))


def rectification_working_days() -> int:
    """Working days from a bad rating to its rectification deadline."""
    return int(getattr(settings, "TONGBAN_RECTIFICATION_WORKING_DAYS", 15))


def confirm_days() -> int:
    """Days the rater has to confirm an answer; then the rectification closes as unconfirmed."""
    return int(getattr(settings, "TONGBAN_RECTIFICATION_CONFIRM_DAYS", 7))


def channel_codes() -> dict[str, int]:
    return {**DEFAULT_CHANNEL_CODES, **getattr(settings, "TONGBAN_RATING_CHANNEL_CODES", {})}
