"""The paying step (缴费) of a case: between the department decisions and the unified issuance.

When the process reaches a ``pay`` task, the case either has fees due (items that were not refused charge
a fee) or not. Without fees, or when fees cannot be paid through the platform, the task is completed at
once (``pass_over_free_steps``) and the case goes straight on to issuance. With fees, the task stays open
for the applicant (``enter``): the payments app makes the fee order, the case waits in ``paying`` with its
clock stopped (time spent paying is the applicant's, as with a supplement), and the applicant is told the
amount. Once the order is settled, paid or all waived, ``complete_payment`` moves the case on; it is
called by the worker after the settlement is committed, and again by a periodic sweep, so a lost message
cannot leave a paid case waiting.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import structlog

from tongban.cases import clocks, steps
from tongban.cases.constants import CaseStatus, EventKind, TaskKind, TaskStatus
from tongban.cases.models import Case, Task
from tongban.cases.services.common import audit_case, event, notify_applicant, save_case, save_workflow
from tongban.cases.services.routing import refresh_due_dates, sync_tasks
from tongban.items.models import FeeItem
from tongban.utils.money import yuan
from tongban.workflows import engine

log = structlog.get_logger(__name__)

PAID = "paid"  # completion value of a pay task whose order was settled
NONE = "none"  # nothing was due (or fees are collected outside the platform)


def pass_over_free_steps(case: Case, wf: engine.Workflow, now: dt.datetime) -> None:
    """Complete every ready pay task of a case that has nothing to pay through the platform.

    Call right after advancing the process, before saving it and opening tasks.
    """
    while True:
        ready = [u for u in wf.ready_user_tasks() if u.kind == TaskKind.PAY]
        if not ready:
            return
        step = steps.payment_step()
        if step is not None and step.fees_due(case):
            return
        wf.complete(ready[0].id, {"payment": NONE})
        if step is None and _has_fees(case):
            event(
                case,
                EventKind.PAYMENT_OUTSIDE,
                message=_("Fees are collected outside the platform: the service centre will tell you how."),
                at=now,
            )


def _has_fees(case: Case) -> bool:
    return FeeItem.objects.filter(item__case_items__case=case).exists()


def opened(case: Case, tasks: list[Task], now: dt.datetime) -> None:
    """Tasks were just opened: a pay task among them puts the case into ``paying``."""
    for task in tasks:
        if task.kind == TaskKind.PAY:
            enter(case, task, now)


def enter(case: Case, task: Task, now: dt.datetime) -> None:
    """The case reached a pay task with fees due: make the order, stop the clock, tell the applicant."""
    step = steps.payment_step()
    assert step is not None  # pass_over_free_steps completed the task otherwise
    due = step.open(case)
    case.status = CaseStatus.PAYING
    if case.suspended_since is None:
        case.suspended_since = timezone.localdate(now)
    refresh_due_dates(case)
    save_case(case, "status", "suspended_since", "due_on", "legal_due_on")
    _announce(case, task, due.order_no, due.amount_cents, pending=due.pending_assessment, at=now)
    audit_case("case.payment_due", case, None, order=due.order_no, amount_cents=due.amount_cents)


def amount_set(case: Case, *, order_no: str, amount_cents: int) -> None:
    """The last fee charged by rate was assessed: the applicant can now pay (in the caller's transaction)."""
    _announce(case, None, order_no, amount_cents, pending=False, at=timezone.now())


def _announce(
    case: Case, task: Task | None, order_no: str, amount_cents: int, *, pending: bool, at: dt.datetime
) -> None:
    """The timeline says what is due; the applicant is told once the amount is known."""
    if pending:
        message = _("Fees to pay: a department is assessing an amount; you will be told when it is set.")
    else:
        params = {"amount": yuan(amount_cents), "order": order_no}
        message = _("Fees to pay: %(amount)s, order %(order)s.") % params
    event(
        case,
        EventKind.PAYMENT_DUE,
        task=task,
        message=message,
        data={"order": order_no, "amount_cents": amount_cents, "pending_assessment": pending},
        at=at,
    )
    if not pending:
        notify_applicant(
            case, "case.payment_due", f"payment_due:{order_no}", amount=yuan(amount_cents), order_no=order_no
        )


def order_expired(case: Case, *, order_no: str) -> None:
    """An unpaid order of a case still waiting for its fees expired (in the caller's transaction): the
    applicant pays again from the case page, with a new order."""
    if case.status != CaseStatus.PAYING:
        return
    event(
        case,
        EventKind.PAYMENT_EXPIRED,
        message=_("Order %(order)s expired unpaid; pay again from this page.") % {"order": order_no},
        data={"order": order_no},
    )
    notify_applicant(case, "case.payment_expired", f"payment_expired:{order_no}", order_no=order_no)


def refunded(case: Case, *, order_no: str, refund_no: str, amount_cents: int, at: dt.datetime) -> None:
    """Money went back to the payer (in the caller's transaction): timeline and message."""
    event(
        case,
        EventKind.REFUNDED,
        message=_("Refunded %(amount)s to the account it was paid from (refund %(refund)s).")
        % {"amount": yuan(amount_cents), "refund": refund_no},
        data={"order": order_no, "refund": refund_no, "amount_cents": amount_cents},
        at=at,
    )
    notify_applicant(case, "payment.refunded", f"refunded:{refund_no}", amount=yuan(amount_cents))


def complete_payment(case_id: int, *, now: dt.datetime | None = None) -> bool:
    """Move a paying case on once its order is settled; False (nothing changed) otherwise. Idempotent."""
    now = now or timezone.now()
    step = steps.payment_step()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id, status=CaseStatus.PAYING).first()
        if case is None:
            return False
        settled = step.settled(case) if step is not None else None
        if settled is None:
            return False
        wf = engine.load(case.workflow_state)
        ready = [u for u in wf.ready_user_tasks() if u.kind == TaskKind.PAY]
        if not ready:
            log.warning("paying_case_without_pay_task", case=case.case_no)
            return False
        wf.complete(ready[0].id, {"payment": PAID})
        task = case.tasks.filter(spiff_id=ready[0].id, status=TaskStatus.OPEN).first()
        if task is not None:
            task.status, task.completed_at, task.decision = TaskStatus.COMPLETED, now, PAID
            task.save(update_fields=["status", "completed_at", "decision"])
        _restart_clock(case, now)
        case.status = CaseStatus.DECIDED
        save_workflow(case, wf, "status", "suspended_days", "suspended_since", "due_on", "legal_due_on")
        if settled.receipt_no:
            message = _("Fees paid: %(amount)s, electronic receipt %(receipt)s.") % {
                "amount": yuan(settled.amount_cents),
                "receipt": settled.receipt_no,
            }
        else:
            message = _("Nothing left to pay: every fee was waived.")
        event(
            case,
            EventKind.PAID,
            task=task,
            message=message,
            data={
                "order": settled.order_no,
                "amount_cents": settled.amount_cents,
                "receipt": settled.receipt_no,
            },
            at=now,
        )
        sync_tasks(case, wf, now=now)
        audit_case("case.paid", case, None, order=settled.order_no, amount_cents=settled.amount_cents)
        notify_applicant(case, "case.paid", f"paid:{settled.order_no}", amount=yuan(settled.amount_cents))
    return True


def _restart_clock(case: Case, now: dt.datetime) -> None:
    if case.suspended_since is not None:
        case.suspended_days += clocks.suspension_length(case.suspended_since, timezone.localdate(now))
        case.suspended_since = None
    refresh_due_dates(case)


def sweep(*, chunk: int = 500) -> int:
    """Move on every paying case whose order is settled (the safety net for lost worker messages)."""
    step = steps.payment_step()
    if step is None:
        return 0
    moved, last = 0, 0
    while True:
        ids = list(
            Case.objects.filter(status=CaseStatus.PAYING, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:chunk]
        )
        if not ids:
            return moved
        moved += sum(complete_payment(pk) for pk in step.settled_among(ids))
        last = ids[-1]
