"""Named rules of rating, each with a stable error code (docs/ratings.md lists them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.principal import Principal
from tongban.cases.models import Case
from tongban.ratings import conf, policies
from tongban.ratings.constants import (
    BAD_LEVELS,
    INDICATORS,
    SELF_SERVICE_CHANNELS,
    Action,
    Classification,
    Level,
)
from tongban.utils.errors import Conflict, DomainError, Forbidden, ValidationFailed

COMMENT_MAX = 500
NOTE_MAX = 2000


def check_not_staff(principal: Principal) -> None:
    if principal.is_staff_member:
        # 不得干预评价: staff never rate, not even on a citizen's behalf.
        raise Forbidden("rating_staff_forbidden", _("Staff cannot rate services."))


def check_rater(principal: Principal, case: Case) -> None:
    check_not_staff(principal)
    if not policies.may_rate(principal, case):
        raise Forbidden("rating_not_applicant", _("Only the applicant may rate this case."))


def case_ended_at(case: Case) -> dt.datetime | None:
    return case.closed_at or case.rating_invited_at


def check_case_rateable(case: Case, now: dt.datetime) -> None:
    ended = case_ended_at(case)
    if case.status not in conf.rateable_statuses() or ended is None:
        raise Conflict("rating_case_not_closed", _("A case can be rated once it is closed."))
    if now > ended + dt.timedelta(days=conf.window_days()):
        raise Conflict(
            "rating_window_closed",
            _("Ratings are accepted for %(days)s days after the case closes.") % {"days": conf.window_days()},
        )


def check_follow_up_window(first_at: dt.datetime, now: dt.datetime) -> None:
    if now > first_at + dt.timedelta(days=conf.follow_up_days()):
        raise Conflict(
            "rating_follow_up_window_closed",
            _("A follow-up is accepted for %(days)s days after the first rating.")
            % {"days": conf.follow_up_days()},
        )


def check_rating_input(
    *, level: str, channel: str, tags: Iterable[str], comment: str, mode: str
) -> list[str]:
    """The rating's own fields; returns the tags, de-duplicated in the given order."""
    errors: list[DomainError] = []
    if level not in Level.values:
        errors.append(DomainError("rating_level_invalid", _("Choose one of the five levels."), field="level"))
    if channel not in SELF_SERVICE_CHANNELS:
        errors.append(
            DomainError("rating_channel_invalid", _("This channel cannot be used here."), field="channel")
        )
    chosen = list(dict.fromkeys(tags))
    allowed = INDICATORS[mode]
    if any(tag not in allowed for tag in chosen):
        errors.append(
            DomainError(
                "rating_tags_invalid",
                _("Choose indicators of this kind of service."),
                field="tags",
                allowed=list(allowed),
            )
        )
    if len(comment) > COMMENT_MAX:
        errors.append(
            DomainError(
                "rating_comment_too_long",
                _("Keep the comment within %(n)s characters.") % {"n": COMMENT_MAX},
                field="comment",
            )
        )
    if level in BAD_LEVELS and not chosen and not comment.strip():
        errors.append(
            DomainError(
                "rating_bad_needs_reason",
                _("Tell us what went wrong: choose an indicator or write a comment."),
                field="comment",
            )
        )
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationFailed(errors)
    return chosen


def required_text(value: str, field: str, *, max_length: int = NOTE_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError("rectification_text_required", _("This field is required."), field=field)
    if len(value) > max_length:
        raise DomainError(
            "rectification_text_too_long",
            _("Keep it within %(n)s characters.") % {"n": max_length},
            field=field,
        )
    return value


def check_classification(value: str) -> str:
    if value not in Classification.values:
        raise DomainError(
            "rectification_classification_invalid",
            _("Choose 立行立改, 限期整改 or 解释说明."),
            field="classification",
        )
    return value


def _flag(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in {"true", "1", "yes", "on"}:
        return True
    if text in {"false", "0", "no", "off"}:
        return False
    raise DomainError("rectification_flag_required", _("Answer yes or no."), field=field)


def _when(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        when = value
    else:
        try:
            when = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise DomainError(
                "rectification_time_invalid", _("Give the time as YYYY-MM-DD HH:MM."), field="called_at"
            ) from None
    return timezone.make_aware(when) if timezone.is_naive(when) else when


def action_input(action: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of a rectification action, from JSON or a form (``services.act``)."""
    text = {k: str(data.get(k) or "") for k in ("notes", "note", "text", "reason", "classification")}
    if action == Action.CALLBACK:
        return {
            "reached": _flag(data.get("reached"), "reached"),
            "notes": text["notes"],
            "called_at": _when(data.get("called_at")),
        }
    if action == Action.CLASSIFY:
        return {"classification": text["classification"], "note": text["note"]}
    if action == Action.RESPOND:
        return {"text": text["text"]}
    if action in {Action.CONFIRM, Action.REOPEN, Action.CLOSE}:
        return {"note": text["note"]}
    if action == Action.APPEAL:
        return {"reason": text["reason"]}
    if action == Action.DECIDE_APPEAL:
        return {"upheld": _flag(data.get("upheld"), "upheld"), "reason": text["reason"]}
    return {}
