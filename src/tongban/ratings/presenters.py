"""Ratings, rectifications and board figures as plain dicts: the API's output and the pages' context.

Identity protection happens here and only here: ``viewer`` decides what of the rater is shown.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tongban.accounts.principal import Principal
from tongban.ratings import codes, policies
from tongban.ratings.constants import (
    Action,
    AppealStatus,
    Channel,
    Classification,
    EscalationReason,
    Indicator,
    Level,
    Outcome,
    RectificationStatus,
)
from tongban.ratings.models import BoardFigure, Rating, Rectification
from tongban.ratings.services.board import rate
from tongban.ratings.services.common import reference
from tongban.ratings.services.rectification import is_overdue

LEVELS = dict(Level.choices)
CHANNELS = dict(Channel.choices)
INDICATORS = dict(Indicator.choices)
STATUSES = dict(RectificationStatus.choices)
CLASSIFICATIONS = dict(Classification.choices)
OUTCOMES = dict(Outcome.choices)
APPEALS = dict(AppealStatus.choices)
ESCALATIONS = dict(EscalationReason.choices)
ACTIONS = dict(Action.choices)


def _own(viewer: Principal, rating: Rating) -> bool:
    return viewer.user is not None and not viewer.is_staff_member and rating.rater_id == viewer.user.pk


def _case_hidden(viewer: Principal, rating: Rating) -> bool:
    """Anonymous ratings do not name their case to the department (it would name the rater)."""
    return rating.anonymous and viewer.is_staff_member and not policies.sees_identity(viewer)


def rating_out(rating: Rating, viewer: Principal) -> dict[str, Any]:
    hidden = _case_hidden(viewer, rating)
    out: dict[str, Any] = {
        "id": rating.pk,
        "case_no": None if hidden else rating.case.case_no,
        "sequence": rating.sequence,
        "is_current": rating.is_current,
        "level": rating.level,
        "level_label": str(LEVELS[rating.level]),
        "codes": {
            "gbt39046": codes.to_gbt39046(rating.level),
            "provincial": codes.to_provincial(rating.level),
            "channel": codes.channel_code(rating.channel),
        },
        "channel": rating.channel,
        "channel_label": str(CHANNELS[rating.channel]),
        "mode": rating.mode,
        "tags": list(rating.tags),
        "tag_labels": [str(INDICATORS.get(t, t)) for t in rating.tags],
        "comment": rating.comment,
        "anonymous": rating.anonymous,
        "department": rating.department.slug,
        "department_name": rating.department.name,
        "item_code": rating.item.code if rating.item is not None else None,
        "item_name": rating.item.name if rating.item is not None else rating.case.target_name,
        # Anonymous: the day only, so the time does not point at one visit.
        "rated_at": None if hidden else rating.created_at,
        "rated_on": timezone.localdate(rating.created_at),
        "excluded": rating.excluded,
        "excluded_reason": rating.excluded_reason if viewer.is_staff_member else "",
        "rater": None,
        "window_staff": None,
    }
    if policies.sees_identity(viewer) or _own(viewer, rating):
        person = getattr(rating.rater, "person", None)
        out["rater"] = {
            "name": person.real_name if person is not None else rating.rater.get_username(),
            "kind": rating.rater_kind,
            "acting_for": rating.acting_for.name if rating.acting_for is not None else None,
        }
    if viewer.is_staff_member and rating.window_staff is not None:
        staff = getattr(rating.window_staff, "staff", None)
        out["window_staff"] = staff.real_name if staff is not None else rating.window_staff.get_username()
    return out


def _step_out(step: Any) -> dict[str, Any]:
    label = str(ACTIONS.get(step.action, step.action))
    chosen = (step.data or {}).get("classification")
    if chosen in CLASSIFICATIONS:
        label = f"{label} · {CLASSIFICATIONS[chosen]}"  # which of 立行立改 / 限期整改 / 解释说明
    return {"action": step.action, "label": label, "at": step.at, "note": step.note, "data": step.data}


def rectification_out(rect: Rectification, viewer: Principal) -> dict[str, Any]:
    staff = viewer.is_staff_member
    out: dict[str, Any] = {
        "id": rect.pk,
        "reference": reference(rect),
        "status": rect.status,
        "status_label": str(STATUSES[rect.status]),
        "department": rect.department.slug,
        "department_name": rect.department.name,
        "due_on": rect.due_on,
        "overdue": is_overdue(rect),
        "classification": rect.classification,
        "classification_label": str(CLASSIFICATIONS.get(rect.classification, "")),
        "response": rect.response,
        "responded_at": rect.responded_at,
        "reopen_count": rect.reopen_count,
        "rater_satisfied": rect.rater_satisfied,
        "outcome": rect.outcome,
        "outcome_label": str(OUTCOMES.get(rect.outcome, "")),
        "on_time": rect.on_time,
        "closed_at": rect.closed_at,
        "rating": rating_out(rect.rating, viewer),
        "callback": None,
        "escalation": None,
        "appeal": None,
        "handler": None,
        "contact": None,
        "steps": [_step_out(s) for s in rect.steps.all() if staff or s.public],
    }
    if staff:
        out["callback"] = {
            "at": rect.callback_at,
            "reached": rect.callback_reached,
            "notes": rect.callback_notes,
        }
        out["escalation"] = (
            {
                "at": rect.escalated_at,
                "reason": rect.escalation_reason,
                "reason_label": str(ESCALATIONS.get(rect.escalation_reason, "")),
            }
            if rect.escalated_at is not None
            else None
        )
        out["appeal"] = (
            {
                "status": rect.appeal_status,
                "status_label": str(APPEALS.get(rect.appeal_status, "")),
                "reason": rect.appeal_reason,
                "appealed_at": rect.appealed_at,
                "decision": rect.appeal_decision,
                "decided_at": rect.appeal_decided_at,
            }
            if rect.appeal_status
            else None
        )
        if rect.handler is not None:
            profile = getattr(rect.handler, "staff", None)
            out["handler"] = profile.real_name if profile is not None else rect.handler.get_username()
        if policies.shows_contact(viewer, rect):
            person = getattr(rect.rating.rater, "person", None)
            out["contact"] = person.masked_mobile if person is not None else None
    return out


def figure_out(fig: BoardFigure) -> dict[str, Any]:
    return {
        "scope": fig.scope,
        "key": fig.key,
        "label": fig.label,
        "period": fig.period,
        "ratings": fig.ratings,
        "good": fig.good,
        "bad": fig.bad,
        "rectified": fig.rectified,
        "closed_on_time": fig.closed_on_time,
        "good_rate": rate(fig.good, fig.ratings),
        "rectification_rate": rate(fig.rectified, fig.bad),
        "on_time_rate": rate(fig.closed_on_time, fig.closed),
        "computed_at": fig.computed_at,
    }


def percent(value: float | None) -> str:
    """``0.8333`` → ``"83.3%"``; ``—`` when there is nothing to count."""
    return "—" if value is None else f"{value * 100:.1f}%"
