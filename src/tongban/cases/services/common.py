"""Shared steps of case services: timeline events, applicant notifications, audit, the persisted process."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.principal import Principal
from tongban.audits import services as audit
from tongban.cases.models import Case, CaseEvent, Task
from tongban.notifications.constants import Channel
from tongban.notifications.services import notify
from tongban.organizations.models import Department
from tongban.utils.errors import Conflict
from tongban.workflows import engine

SYSTEM = "system"


def actor_label(principal: Principal | None) -> str:
    """How the timeline names an actor: the staff member's name, "applicant" or "system"."""
    if principal is None or principal.user is None:
        return _("System")
    if principal.staff is not None:
        return principal.staff.real_name
    return _("Applicant")


def event(
    case: Case,
    kind: str,
    *,
    principal: Principal | None = None,
    department: Department | None = None,
    task: Task | None = None,
    message: str = "",
    data: dict[str, Any] | None = None,
    public: bool = True,
    at: dt.datetime | None = None,
    save: bool = True,
) -> CaseEvent:
    """A timeline entry (stored unless ``save`` is False: the caller then stores several at once)."""
    ev = CaseEvent(
        case=case,
        at=at or timezone.now(),
        kind=kind,
        department=department,
        actor=principal.user if principal is not None else None,
        actor_label=actor_label(principal),
        task=task,
        message=message,
        data=data or {},
        public=public,
    )
    if save:
        ev.save()
    return ev


def audit_case(event_name: str, case: Case, principal: Principal | None, **summary: Any) -> None:
    """Every transition is an audit event; the summary holds codes, never personal data."""
    audit.record(
        event_name,
        principal=principal,
        obj=case,
        actor_label=None if principal is not None else SYSTEM,
        summary={"case": case.case_no, "status": case.status, **summary},
    )


def notify_applicant(case: Case, template: str, key: str, **params: Any) -> None:
    """Queue a milestone message to the applicant (in-app, SMS, e-mail); ``key`` makes it happen once."""
    base = {"case_no": case.case_no, "target": case.target_name}
    notify(
        recipient=case.applicant,
        template=template,
        params={**base, **params},
        key=f"case:{case.case_no}:{key}",
        channels=(Channel.INBOX, Channel.SMS, Channel.EMAIL),
    )


def on_commit(func: Any, *args: Any) -> None:
    transaction.on_commit(partial(func, *args))


def save_workflow(case: Case, wf: engine.Workflow, *fields: str) -> None:
    """Store the process state with the case's changed ``fields``, in the caller's transaction.

    The update only applies if nobody saved the case since we loaded it (``workflow_rev``): two
    writers can never both advance the same process.
    """
    rev = case.workflow_rev
    case.workflow_state = engine.dump(wf)
    case.process_ref = wf.ref
    case.next_timer_at = wf.next_timer_at()
    case.workflow_rev = rev + 1
    case.updated_at = timezone.now()
    names = {"workflow_state", "process_ref", "next_timer_at", "workflow_rev", "updated_at", *fields}
    values = {name: getattr(case, name) for name in names}
    if not Case.objects.filter(pk=case.pk, workflow_rev=rev).update(**values):
        raise Conflict(
            "case_changed_concurrently",
            _("Someone else changed this case at the same moment. Reload it and try again."),
        )


def save_case(case: Case, *fields: str) -> None:
    """Store case fields that do not touch the process (still bumps the revision)."""
    rev = case.workflow_rev
    case.workflow_rev = rev + 1
    case.updated_at = timezone.now()
    names = {"workflow_rev", "updated_at", *fields}
    if not Case.objects.filter(pk=case.pk, workflow_rev=rev).update(**{n: getattr(case, n) for n in names}):
        raise Conflict(
            "case_changed_concurrently",
            _("Someone else changed this case at the same moment. Reload it and try again."),
        )
