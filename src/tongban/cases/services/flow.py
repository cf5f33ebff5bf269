"""Work on a case: accept (受理), one-time notice (一次性告知), review decisions, comments, withdrawal.

Each action is one transaction: the task is claimed with a conditional update (the second of two
people completing the same task gets ``task_already_completed``), the process is advanced and saved
with the case (``save_workflow``), new tasks are opened, and the timeline, audit and notifications are
written. A crash anywhere rolls all of it back; the task is then still open and can simply be redone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.principal import Principal
from tongban.calendars.query import add_working_days
from tongban.cases import clocks, reasons
from tongban.cases.constants import (
    FINAL,
    WITHDRAWABLE,
    Acceptance,
    CaseStatus,
    Decision,
    EventKind,
    ItemStatus,
    TaskKind,
    TaskStatus,
)
from tongban.cases.models import Case, Notice, Task
from tongban.cases.policies import may_work_on
from tongban.cases.services import paying
from tongban.cases.services.common import (
    audit_case,
    event,
    notify_applicant,
    save_case,
    save_workflow,
)
from tongban.cases.services.routing import refresh_due_dates, sync_tasks
from tongban.cases.tasks import push_case
from tongban.utils.errors import Conflict, DomainError, Forbidden, NotFound
from tongban.workflows import engine


@dataclass
class NoticeEntry:
    target: str  # "material:<kind code>" or "field:<key>"
    reason: str  # reasons code of kind "notice"
    text: str = ""


@dataclass
class Completion:
    decision: str
    comment: str = ""
    reason: str = ""  # reason code for not_accepted / reject
    reason_text: str = ""
    notice: list[NoticeEntry] = field(default_factory=list)
    faces: dict[str, dict[str, Any]] = field(default_factory=dict)  # issuance: item_code -> face overrides


ALLOWED: dict[str, set[str]] = {
    TaskKind.ACCEPT: {Decision.ACCEPTED, Decision.NOTICE, Decision.NOT_ACCEPTED, Decision.COMMENT},
    TaskKind.REVIEW: {Decision.APPROVE, Decision.REJECT, Decision.SUPPLEMENT, Decision.COMMENT},
    TaskKind.ISSUE: {Decision.ISSUE, Decision.COMMENT},
}


def _lock_case(case_id: int) -> Case:
    return Case.objects.select_for_update().select_related("lead_department", "front_desk").get(pk=case_id)


def complete_task(
    principal: Principal, task_id: int, completion: Completion, *, now: dt.datetime | None = None
) -> Task:
    """Complete (or comment on) a staff task. Raises 404 for tasks the principal may not see."""
    now = now or timezone.now()
    task = Task.objects.select_related("case", "department", "case_item").filter(pk=task_id).first()
    if task is None or not may_work_on(principal, task, view_only=True):
        raise NotFound()
    if not may_work_on(principal, task):
        raise Forbidden("task_not_yours", _("This task belongs to another role or department."))
    allowed = ALLOWED.get(task.kind, set())
    if completion.decision not in allowed:
        raise DomainError(
            "decision_invalid",
            _("This task cannot be completed with “%(decision)s”.") % {"decision": completion.decision},
            field="decision",
            allowed=sorted(allowed),
        )
    comment = (completion.comment or "").strip()[:2000]
    if completion.decision == Decision.COMMENT:
        if not comment:
            raise DomainError("comment_required", _("Write the comment."), field="comment")
        with transaction.atomic():
            event(
                task.case,
                EventKind.COMMENT,
                principal=principal,
                department=task.department,
                task=task,
                message=comment,
                public=False,
                at=now,
            )
            audit_case("case.commented", task.case, principal, task=task.pk)
        return task
    _validate_completion(task, completion)
    with transaction.atomic():
        if completion.decision == Decision.SUPPLEMENT:
            claimed = Task.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
                status=TaskStatus.WAITING
            )
        else:
            claimed = Task.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
                status=TaskStatus.COMPLETED,
                completed_at=now,
                completed_by=principal.user,
                decision=completion.decision,
                comment=comment,
            )
        if not claimed:
            raise Conflict(
                "task_already_completed",
                _("Someone else has already completed this task (or it was withdrawn)."),
            )
        case = _lock_case(task.case_id)
        task.refresh_from_db()
        if task.kind == TaskKind.ACCEPT:
            _accept(principal, case, task, completion, comment, now)
        elif task.kind == TaskKind.REVIEW:
            _review(principal, case, task, completion, comment, now)
        else:
            from tongban.cases.services.issuance import issue_results

            issue_results(principal, case, task, completion, now)
    return task


def _validate_completion(task: Task, c: Completion) -> None:
    if c.decision in (Decision.NOT_ACCEPTED, Decision.REJECT):
        kind = "not_accepted" if c.decision == Decision.NOT_ACCEPTED else "refused"
        if not c.reason:
            raise DomainError("reason_required", _("Choose the legal reason."), field="reason")
        reasons.describe(kind, c.reason, c.reason_text)  # raises on unknown code / missing text
    if c.decision in (Decision.NOTICE, Decision.SUPPLEMENT):
        if not c.notice:
            raise DomainError(
                "notice_entries_required",
                _("List everything the applicant must supplement, each with its reason."),
                field="notice",
            )
        for entry in c.notice:
            if not entry.target.startswith(("material:", "field:")):
                raise DomainError("notice_target_invalid", _("Say which material or field."), field="notice")
            reasons.describe("supplement", entry.reason, entry.text)


def _advance(case: Case, task: Task, data: dict[str, Any], now: dt.datetime) -> engine.Workflow:
    wf = engine.load(case.workflow_state)
    wf.complete(task.spiff_id, data)
    paying.pass_over_free_steps(case, wf, now)
    return wf


def _open_tasks(case: Case, wf: engine.Workflow, now: dt.datetime) -> None:
    paying.opened(case, sync_tasks(case, wf, now=now), now)


# --- acceptance -----------------------------------------------------------------------------------


def _accept(
    principal: Principal, case: Case, task: Task, c: Completion, comment: str, now: dt.datetime
) -> None:
    today = timezone.localdate(now)
    dept = task.department
    if c.decision == Decision.ACCEPTED:
        wf = _advance(case, task, {"acceptance": Acceptance.ACCEPTED}, now)
        case.status, case.accepted_on, case.accepted_at = CaseStatus.IN_REVIEW, today, now
        case.items.update(status=ItemStatus.IN_REVIEW)
        refresh_due_dates(case)
        save_workflow(case, wf, "status", "accepted_on", "accepted_at", "due_on", "legal_due_on")
        event(
            case,
            EventKind.ACCEPTED,
            principal=principal,
            department=dept,
            task=task,
            message=comment,
            data={"due_on": case.due_on.isoformat() if case.due_on else None},
            at=now,
        )
        _open_tasks(case, wf, now)
        audit_case("case.accepted", case, principal, task=task.pk)
        notify_applicant(case, "case.accepted", "accepted", due_on=_fmt(case.due_on))
        transaction.on_commit(lambda: push_case.enqueue(case.pk))
    elif c.decision == Decision.NOTICE:
        due = add_working_days(today, int(settings.TONGBAN_CASE_SUPPLEMENT_WORKING_DAYS))
        timer_at = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min))
        notice_data = {"acceptance": Acceptance.NOTICE, "supplement_due": timer_at.isoformat()}
        wf = _advance(case, task, notice_data, now)
        case.status = CaseStatus.NOTICE
        save_workflow(case, wf, "status")
        notice = _notice(case, principal, task, c, "acceptance", due)
        event(
            case,
            EventKind.NOTICE,
            principal=principal,
            department=dept,
            task=task,
            message=_notice_summary(notice),
            data={"entries": len(notice.entries), "due_on": due.isoformat()},
            at=now,
        )
        _open_tasks(case, wf, now)
        audit_case("case.notice", case, principal, task=task.pk, entries=len(notice.entries))
        notify_applicant(
            case, "case.notice", f"notice:{notice.pk}", count=len(notice.entries), due_on=_fmt(due)
        )
    else:
        wf = _advance(case, task, {"acceptance": Acceptance.NOT_ACCEPTED}, now)
        text = reasons.describe("not_accepted", c.reason, c.reason_text)
        case.status, case.closed_at = CaseStatus.NOT_ACCEPTED, now
        case.items.update(status=ItemStatus.CANCELLED, decision_reason=c.reason, decision_text=text)
        save_workflow(case, wf, "status", "closed_at")
        event(
            case,
            EventKind.NOT_ACCEPTED,
            principal=principal,
            department=dept,
            task=task,
            message=text,
            data={"reason": c.reason},
            at=now,
        )
        _open_tasks(case, wf, now)
        audit_case("case.not_accepted", case, principal, task=task.pk, reason=c.reason)
        notify_applicant(case, "case.not_accepted", "not_accepted", reason=text)


def _notice(case: Case, principal: Principal, task: Task, c: Completion, stage: str, due: dt.date) -> Notice:
    assert principal.user is not None and task.department is not None
    return Notice.objects.create(
        case=case,
        stage=stage,
        task=task,
        department=task.department,
        created_by=principal.user,
        due_on=due,
        entries=[
            {
                "target": e.target,
                "reason": e.reason,
                "text": reasons.describe("supplement", e.reason, e.text),
            }
            for e in c.notice
        ],
    )


def _notice_summary(notice: Notice) -> str:
    return "；".join(f"{e['target'].split(':', 1)[1]}：{e['text']}" for e in notice.entries)


def _fmt(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


# --- review ---------------------------------------------------------------------------------------


def _review(
    principal: Principal, case: Case, task: Task, c: Completion, comment: str, now: dt.datetime
) -> None:
    case_item = task.case_item
    if case_item is None:
        raise DomainError("task_without_item", _("This review task is not linked to an item."))
    today = timezone.localdate(now)
    if c.decision == Decision.SUPPLEMENT:
        due = add_working_days(today, int(settings.TONGBAN_CASE_SUPPLEMENT_WORKING_DAYS))
        notice = _notice(case, principal, task, c, "review", due)
        if case.suspended_since is None:
            case.suspended_since = today  # the clock stops until the applicant supplements (补正)
        case.status = CaseStatus.NOTICE
        save_case(case, "status", "suspended_since")
        event(
            case,
            EventKind.NOTICE,
            principal=principal,
            department=task.department,
            task=task,
            message=_notice_summary(notice),
            data={"entries": len(notice.entries), "due_on": due.isoformat()},
            at=now,
        )
        audit_case("case.notice", case, principal, task=task.pk, stage="review")
        notify_applicant(
            case, "case.notice", f"notice:{notice.pk}", count=len(notice.entries), due_on=_fmt(due)
        )
        return
    if case.status != CaseStatus.IN_REVIEW:
        raise Conflict(
            "case_not_in_review", _("The case is waiting for the applicant; decide after the supplement.")
        )
    approve = c.decision == Decision.APPROVE
    case_item.status = ItemStatus.APPROVED if approve else ItemStatus.REJECTED
    case_item.decision_reason = "" if approve else c.reason
    case_item.decision_text = comment if approve else reasons.describe("refused", c.reason, c.reason_text)
    case_item.decided_by, case_item.decided_at = principal.user, now
    case_item.save()
    wf = _advance(case, task, {"decision": c.decision}, now)
    fields = []
    if not case.items.exclude(status__in=[ItemStatus.APPROVED, ItemStatus.REJECTED]).exists():
        case.status, case.decided_at = CaseStatus.DECIDED, now
        fields = ["status", "decided_at"]
    save_workflow(case, wf, *fields)
    event(
        case,
        EventKind.DECIDED,
        principal=principal,
        department=task.department,
        task=task,
        message=case_item.name,
        data={"item": case_item.item_code, "decision": c.decision},
        at=now,
    )
    _open_tasks(case, wf, now)
    audit_case("case.decided", case, principal, task=task.pk, item=case_item.item_code, decision=c.decision)
    assert task.department is not None
    notify_applicant(case, "case.decided", f"decided:{case_item.item_code}", department=task.department.name)


# --- applicant actions ----------------------------------------------------------------------------


def withdraw(principal: Principal, case: Case, *, reason: str = "", now: dt.datetime | None = None) -> Case:
    """The applicant withdraws before any decision; open tasks end, the process is cancelled."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _lock_case(case.pk)
        if (
            case.status not in WITHDRAWABLE
            or case.items.filter(status__in=[ItemStatus.APPROVED, ItemStatus.REJECTED]).exists()
        ):
            raise Conflict("case_not_withdrawable", _("A case can be withdrawn only before any decision."))
        wf = engine.load(case.workflow_state)
        wf.cancel()
        case.status, case.withdrawn_at, case.closed_at = CaseStatus.WITHDRAWN, now, now
        case.items.update(status=ItemStatus.CANCELLED)
        case.tasks.filter(status__in=[TaskStatus.OPEN, TaskStatus.WAITING]).update(
            status=TaskStatus.CANCELLED, completed_at=now
        )
        save_workflow(case, wf, "status", "withdrawn_at", "closed_at")
        event(case, EventKind.WITHDRAWN, principal=principal, message=(reason or "").strip()[:300], at=now)
        audit_case("case.withdrawn", case, principal)
        notify_applicant(case, "case.withdrawn", "withdrawn")
    return case


def resume_after_supplement(case: Case, notice: Notice, principal: Principal, now: dt.datetime) -> None:
    """Applied by ``supplements.supplement`` once the applicant has answered a notice."""
    today = timezone.localdate(now)
    if notice.stage == "acceptance":
        wf = engine.load(case.workflow_state)
        waiting = [u for u in wf.ready_user_tasks() if u.kind == TaskKind.SUPPLEMENT]
        if not waiting:
            raise Conflict("case_not_waiting", _("This case is not waiting for a supplement."))
        wf.complete(waiting[0].id, {})
        case.status = CaseStatus.SUBMITTED
        save_workflow(case, wf, "status", "form")
        sync_tasks(case, wf, now=now)
        return
    if case.suspended_since is not None:
        used = clocks.suspension_length(case.suspended_since, today)
        case.suspended_days += used
        case.suspended_since = None
        for t in case.tasks.filter(status=TaskStatus.OPEN, kind=TaskKind.REVIEW):
            t.suspended_days += used
            t.due_on = clocks.due_on(clocks.Clock(t.started_on, t.limit, t.suspended_days))
            t.save(update_fields=["suspended_days", "due_on"])
    for t in case.tasks.filter(status=TaskStatus.WAITING):
        t.status = TaskStatus.OPEN
        t.suspended_days = case.suspended_days + case.extended_days
        t.due_on = clocks.due_on(clocks.Clock(t.started_on, t.limit, t.suspended_days))
        t.save(update_fields=["status", "suspended_days", "due_on"])
    case.status = CaseStatus.IN_REVIEW
    refresh_due_dates(case)
    save_case(case, "status", "form", "suspended_days", "suspended_since", "due_on", "legal_due_on")


def extend(
    principal: Principal, case: Case, *, days: int, reason: str, now: dt.datetime | None = None
) -> Case:
    """Extend the deadline (延期) with a reason, within the cap (a section chief of a handling department)."""
    from tongban.accounts.constants import StaffRole
    from tongban.cases.models import Extension

    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "extension_reason_required", _("Give the reason for the extension."), field="reason"
        )
    staff = principal.staff
    departments = set(case.items.values_list("department_id", flat=True))
    if (
        staff is None
        or StaffRole.SECTION_CHIEF not in principal.roles
        or staff.department_id not in departments
    ):
        raise Forbidden(
            "section_chief_required", _("Only a section chief of a handling department may extend.")
        )
    with transaction.atomic():
        case = _lock_case(case.pk)
        if case.status in FINAL or case.accepted_on is None:
            raise Conflict("case_not_running", _("Only an accepted, running case can be extended."))
        from tongban.cases.services.routing import case_clock

        clocks.check_extension(case_clock(case), days)
        assert principal.user is not None
        Extension.objects.create(case=case, days=days, reason=reason[:300], granted_by=principal.user)
        case.extended_days += days
        for t in case.tasks.filter(status__in=[TaskStatus.OPEN, TaskStatus.WAITING], kind=TaskKind.REVIEW):
            t.suspended_days += days
            t.due_on = clocks.due_on(clocks.Clock(t.started_on, t.limit, t.suspended_days))
            t.save(update_fields=["suspended_days", "due_on"])
        refresh_due_dates(case)
        save_case(case, "extended_days", "due_on", "legal_due_on")
        event(
            case,
            EventKind.EXTENDED,
            principal=principal,
            department=staff.department,
            message=reason[:300],
            data={"days": days, "due_on": _fmt(case.due_on)},
            at=now,
        )
        audit_case("case.extended", case, principal, days=days)
        notify_applicant(
            case,
            "case.extended",
            f"extended:{case.extended_days}",
            due_on=_fmt(case.due_on),
            reason=reason[:300],
        )
    return case
