"""差评整改: every bad rating is called back, classified, rectified and answered by the responsible
department, and confirmed by the rater; overdue ones escalate; departments may appeal (申诉复核).

States (``RectificationStatus``)::

    open ──callback──▶ verified ──classify──▶ rectifying ──respond──▶ responded ──confirm──▶ closed
                                                  ▲                      │
                                                  └──reopen (once)───────┤ reopen again ──▶ escalated
    open/verified/rectifying/responded ──appeal──▶ appealed ──decide: upheld──▶ closed (rating excluded)
                                                            └─ rejected ──▶ back where it was
    escalated ──close (supervisor)──▶ closed;  responded ──(no answer in time)──▶ closed (unconfirmed)

Every action locks the row, checks the state and the actor (``policies``), writes a step, an audit
event and the messages, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.principal import Principal
from tongban.calendars.query import add_working_days
from tongban.ratings import conf, validators
from tongban.ratings.constants import (
    DEPARTMENT_STATUSES,
    Action,
    AppealStatus,
    EscalationReason,
    Level,
    Outcome,
    RectificationStatus,
)
from tongban.ratings.models import Rating, Rectification, RectificationStep
from tongban.ratings.services.common import (
    department_workers,
    record,
    reference,
    section_chiefs,
    site_url,
    supervisors,
    tell,
)
from tongban.utils import authz
from tongban.utils.errors import Conflict, DomainError

S = RectificationStatus
Handler = Callable[..., Rectification]


def _deadline(start: dt.date) -> dt.date:
    return add_working_days(start, conf.rectification_working_days())


def _level_name(level: str) -> str:
    # The official Chinese name inside the label "Very dissatisfied (非常不满意)", language-neutral.
    return str(dict(Level.choices)[level]).rsplit("(", 1)[-1].rstrip(")")


def _step(
    rect: Rectification,
    action: str,
    principal: Principal | None,
    now: dt.datetime,
    *,
    note: str = "",
    public: bool = False,
    **data: Any,
) -> None:
    RectificationStep.objects.create(
        rectification=rect,
        action=action,
        actor=principal.user if principal is not None else None,
        at=now,
        note=note,
        data=data,
        public=public,
    )


def _lock(rect_id: int) -> Rectification:
    return (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("rating", "department__parent", "case")
        .get(pk=rect_id)
    )


def _require(rect: Rectification, *allowed: str) -> None:
    if rect.status not in allowed:
        raise Conflict(
            "rectification_wrong_status",
            _("This cannot be done to the rectification now."),
            status=rect.status,
            allowed=list(allowed),
        )


def _department_people(rect: Rectification) -> list[Any]:
    chiefs = section_chiefs(rect.department)
    return ([rect.handler] if rect.handler is not None else []) + chiefs


def _params(rect: Rectification) -> dict[str, Any]:
    return {
        "reference": reference(rect),
        "department": rect.department.name,
        "due_on": rect.due_on.isoformat(),
    }


# --- opening -----------------------------------------------------------------------------------------
def open_for(rating: Rating, *, now: dt.datetime | None = None) -> Rectification:
    """Open the rectification of a bad rating for its (lead) department; deadline in working days."""
    now = now or timezone.now()
    rect = Rectification.objects.create(
        rating=rating,
        case_id=rating.case_id,
        department=rating.department,
        due_on=_deadline(timezone.localdate(now)),
    )
    _step(rect, Action.OPENED, None, now, level=rating.level)
    record(
        "ratings.rectification_opened",
        rect,
        None,
        rating_id=rating.pk,
        department=rating.department.slug,
        due_on=rect.due_on.isoformat(),
    )
    service = rating.item.name if rating.item is not None else rating.case.target_name
    params = {**_params(rect), "level": _level_name(rating.level), "service": service}
    # Section chiefs dispatch it; a department without one hears through its workers.
    told = section_chiefs(rect.department) or department_workers(rect.department)
    tell(told, "ratings.bad_rating", params, key=f"ratings.bad:{rect.pk}")
    return rect


# --- the department's work ---------------------------------------------------------------------------
def claim(principal: Principal, rect: Rectification, now: dt.datetime) -> Rectification:
    _require(rect, *DEPARTMENT_STATUSES)
    rect.handler = principal.user
    rect.save(update_fields=["handler", "updated_at"])
    _step(rect, Action.CLAIM, principal, now)
    return rect


def callback(
    principal: Principal,
    rect: Rectification,
    now: dt.datetime,
    *,
    reached: bool,
    notes: str,
    called_at: dt.datetime | None = None,
) -> Rectification:
    """回访核实: record a call (reached or not) and what was found; repeat calls are recorded too."""
    _require(rect, S.OPEN, S.VERIFIED, S.RECTIFYING)
    notes = validators.required_text(notes, "notes")
    when = called_at or now
    if when > now:
        raise DomainError("rectification_callback_in_future", _("The call cannot be in the future."))
    rect.callback_at, rect.callback_reached, rect.callback_notes = when, reached, notes
    rect.handler = rect.handler or principal.user
    if rect.status == S.OPEN:
        rect.status = S.VERIFIED
    rect.save()
    _step(rect, Action.CALLBACK, principal, now, note=notes, reached=reached, called_at=when.isoformat())
    record("ratings.rectification_callback", rect, principal, reached=reached)
    return rect


def classify(
    principal: Principal, rect: Rectification, now: dt.datetime, *, classification: str, note: str = ""
) -> Rectification:
    _require(rect, S.VERIFIED, S.RECTIFYING)
    rect.classification = validators.check_classification(classification)
    rect.status = S.RECTIFYING
    rect.handler = rect.handler or principal.user
    rect.save()
    _step(rect, Action.CLASSIFY, principal, now, note=note.strip(), classification=classification)
    record("ratings.rectification_classified", rect, principal, classification=classification)
    return rect


def respond(principal: Principal, rect: Rectification, now: dt.datetime, *, text: str) -> Rectification:
    """The department's answer, shown to the rater, who is asked to confirm it."""
    _require(rect, S.RECTIFYING)
    rect.response = validators.required_text(text, "text")
    rect.responded_at = now
    rect.status = S.RESPONDED
    rect.save()
    _step(rect, Action.RESPOND, principal, now, note=rect.response, public=True)
    record("ratings.rectification_responded", rect, principal, round=rect.reopen_count + 1)
    url = site_url(reverse("ratings:rate", args=[rect.case.case_no]))
    tell(
        [rect.rating.rater],
        "ratings.response",
        {"case_no": rect.case.case_no, "department": rect.department.name, "url": url},
        key=f"ratings.response:{rect.pk}:{rect.reopen_count}",
    )
    return rect


def appeal(principal: Principal, rect: Rectification, now: dt.datetime, *, reason: str) -> Rectification:
    """申诉: the department shows the rating is mistaken or malicious; once per rectification."""
    if rect.appeal_status:
        raise Conflict("rectification_appeal_once", _("This rating has already been appealed."))
    _require(rect, S.OPEN, S.VERIFIED, S.RECTIFYING, S.RESPONDED)
    rect.appeal_reason = validators.required_text(reason, "reason")
    rect.appeal_status, rect.appealed_at = AppealStatus.PENDING, now
    rect.status_before_appeal, rect.status = rect.status, S.APPEALED
    rect.save()
    _step(rect, Action.APPEAL, principal, now, note=rect.appeal_reason)
    record("ratings.appeal_submitted", rect, principal)
    tell(supervisors(), "ratings.appeal_submitted", _params(rect), key=f"ratings.appeal:{rect.pk}")
    return rect


# --- the rater ---------------------------------------------------------------------------------------
def _close(rect: Rectification, now: dt.datetime, outcome: str) -> None:
    rect.status, rect.closed_at, rect.outcome = S.CLOSED, now, outcome
    if outcome != Outcome.APPEAL_UPHELD:
        # On time when the department's (last) answer came by the deadline; the rater's pace does not count.
        answered = timezone.localdate(rect.responded_at or now)
        rect.on_time = answered <= rect.due_on
    rect.save()


def confirm(principal: Principal, rect: Rectification, now: dt.datetime, *, note: str = "") -> Rectification:
    _require(rect, S.RESPONDED)
    rect.rater_satisfied = True
    _close(rect, now, Outcome.CONFIRMED)
    _step(rect, Action.CONFIRM, principal, now, note=note.strip()[:500], public=True)
    record("ratings.rectification_confirmed", rect, principal, on_time=rect.on_time)
    return rect


def reopen(principal: Principal, rect: Rectification, now: dt.datetime, *, note: str = "") -> Rectification:
    """Not satisfied: back to the department once (with a fresh deadline), then to the supervisors."""
    _require(rect, S.RESPONDED)
    note = note.strip()[:500]
    rect.rater_satisfied = False
    if rect.reopen_count == 0:
        rect.reopen_count = 1
        rect.status = S.RECTIFYING
        rect.due_on = _deadline(timezone.localdate(now))
        rect.escalated_at, rect.escalation_reason = None, ""  # the fresh deadline may escalate again
        rect.save()
        _step(rect, Action.REOPEN, principal, now, note=note, public=True, due_on=rect.due_on.isoformat())
        record("ratings.rectification_reopened", rect, principal, due_on=rect.due_on.isoformat())
        tell(_department_people(rect), "ratings.reopened", _params(rect), key=f"ratings.reopen:{rect.pk}")
        return rect
    rect.save(update_fields=["rater_satisfied", "updated_at"])
    _step(rect, Action.REOPEN, principal, now, note=note, public=True)
    _escalate(rect, now, EscalationReason.RATER_UNSATISFIED, status=S.ESCALATED)
    return rect


# --- the supervisors ---------------------------------------------------------------------------------
def decide_appeal(
    principal: Principal, rect: Rectification, now: dt.datetime, *, upheld: bool, reason: str
) -> Rectification:
    """复核: upheld excludes the rating from every score (the reason is kept) and closes the
    rectification; rejected sends it back where it was."""
    _require(rect, S.APPEALED)
    rect.appeal_decision = validators.required_text(reason, "reason")
    rect.appeal_decided_at = now
    if upheld:
        rect.appeal_status = AppealStatus.UPHELD
        Rating.objects.filter(pk=rect.rating_id).update(
            excluded=True, excluded_reason=rect.appeal_decision, excluded_at=now
        )
        _close(rect, now, Outcome.APPEAL_UPHELD)
    else:
        rect.appeal_status = AppealStatus.REJECTED
        rect.status = rect.status_before_appeal or S.OPEN
        rect.save()
    _step(rect, Action.DECIDE_APPEAL, principal, now, note=rect.appeal_decision, upheld=upheld)
    record("ratings.appeal_decided", rect, principal, upheld=upheld)
    decision = str(AppealStatus.UPHELD.label if upheld else AppealStatus.REJECTED.label)
    tell(
        _department_people(rect),
        "ratings.appeal_decided",
        {"reference": reference(rect), "decision": decision},
        key=f"ratings.appeal_decided:{rect.pk}",
    )
    return rect


def close(principal: Principal, rect: Rectification, now: dt.datetime, *, note: str) -> Rectification:
    """Supervisors close an escalated rectification, with their finding."""
    _require(rect, S.ESCALATED)
    note = validators.required_text(note, "note")
    _close(rect, now, Outcome.SUPERVISED)
    _step(rect, Action.CLOSE, principal, now, note=note)
    record("ratings.rectification_closed", rect, principal, outcome=Outcome.SUPERVISED)
    return rect


# --- one entry point (API and pages) -----------------------------------------------------------------
_HANDLERS: dict[str, Handler] = {
    Action.CLAIM: claim,
    Action.CALLBACK: callback,
    Action.CLASSIFY: classify,
    Action.RESPOND: respond,
    Action.CONFIRM: confirm,
    Action.REOPEN: reopen,
    Action.APPEAL: appeal,
    Action.DECIDE_APPEAL: decide_appeal,
    Action.CLOSE: close,
}


def act(principal: Principal, rect: Rectification, action: str, **data: Any) -> Rectification:
    """Do ``action`` to ``rect`` as ``principal`` (404 when they may not see it, 403 when they may not
    do it, 409 in the wrong state)."""
    handler = _HANDLERS.get(action)
    if handler is None:
        raise DomainError("rectification_action_unknown", _("Unknown action."), field="action")
    with transaction.atomic():
        locked = _lock(rect.pk)
        authz.authorize(principal, action, locked)
        return handler(principal, locked, timezone.now(), **data)


# --- scheduled ---------------------------------------------------------------------------------------
def _escalate(rect: Rectification, now: dt.datetime, reason: str, *, status: str | None = None) -> None:
    rect.escalated_at, rect.escalation_reason = now, reason
    if status is not None:
        rect.status = status
    rect.save()
    _step(rect, Action.ESCALATE, None, now, reason=reason)
    record("ratings.rectification_escalated", rect, None, reason=reason, due_on=rect.due_on.isoformat())
    params = {**_params(rect), "reason": str(EscalationReason(reason).label)}
    tell(
        section_chiefs(rect.department) + supervisors(),
        "ratings.escalated",
        params,
        key=f"ratings.escalated:{rect.pk}:{reason}:{rect.due_on.isoformat()}",
    )


def escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Escalate, once each, the rectifications past their deadline with the department's work undone.
    Safe to run repeatedly and concurrently."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Rectification.objects.filter(
        status__in=DEPARTMENT_STATUSES, due_on__lt=today, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        with transaction.atomic():
            rect = _lock(pk)
            if rect.escalated_at is not None or rect.status not in DEPARTMENT_STATUSES:
                continue
            _escalate(rect, now, EscalationReason.OVERDUE)
            count += 1
    return count


def expire_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Close answered rectifications the rater left unconfirmed for ``TONGBAN_RECTIFICATION_CONFIRM_DAYS``."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=conf.confirm_days())
    due = Rectification.objects.filter(status=S.RESPONDED, responded_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    count = 0
    for pk in list(due):
        with transaction.atomic():
            rect = _lock(pk)
            if rect.status != S.RESPONDED or rect.responded_at is None or rect.responded_at >= cutoff:
                continue
            _close(rect, now, Outcome.UNCONFIRMED)
            _step(rect, Action.EXPIRE, None, now, public=True)
            record("ratings.rectification_closed", rect, None, outcome=Outcome.UNCONFIRMED)
            count += 1
    return count


def is_overdue(rect: Rectification, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return rect.status in DEPARTMENT_STATUSES and rect.due_on < today
