"""The payments app's side of the case process's paying step (``cases.steps.PaymentStep``)."""

from __future__ import annotations

from django.db import transaction

from tongban.cases import steps
from tongban.cases.models import Case
from tongban.notifications.constants import Channel
from tongban.notifications.services import notify
from tongban.payments.constants import SETTLED
from tongban.payments.models import FeeOrder, OrderFee
from tongban.payments.providers.registry import providers


class CasePaymentStep:
    def enabled(self) -> bool:
        return bool(providers.enabled())

    def fees_due(self, case: Case) -> bool:
        from tongban.payments.services import fees

        return bool(fees.draft_lines(case))

    def open(self, case: Case) -> steps.Due:
        from tongban.payments.services import fees, orders

        order = orders.live_order(case) or fees.build_order(case, None)
        pending = fees.unassessed(order)
        if pending:
            _ask_for_assessment(case, order)
        return steps.Due(
            order_id=order.pk,
            order_no=order.order_no,
            amount_cents=order.total_cents,
            pending_assessment=pending,
            expires_at=order.expires_at,
        )

    def settled(self, case: Case) -> steps.Settled | None:
        order = (
            FeeOrder.objects.filter(case=case, status__in=SETTLED)
            .select_related("settlement")
            .order_by("-pk")
            .first()
        )
        if order is None:
            return None
        receipt = order.receipts.order_by("pk").first()
        return steps.Settled(
            order_no=order.order_no,
            amount_cents=order.settlement.amount_cents,
            receipt_no=receipt.number if receipt is not None else "",
        )

    def settled_among(self, case_ids: list[int]) -> list[int]:
        return sorted(
            set(
                FeeOrder.objects.filter(case_id__in=case_ids, status__in=SETTLED).values_list(
                    "case_id", flat=True
                )
            )
        )


def _ask_for_assessment(case: Case, order: FeeOrder) -> None:
    """Each fee charged by rate is assessed by its department: ask the reviewer who approved the item
    (or, when nobody did, the department's reviewers)."""
    from tongban.accounts.constants import StaffRole
    from tongban.accounts.query import staff_users

    waiting = OrderFee.objects.filter(
        line__order=order, amount_cents__isnull=True, waived=False
    ).select_related("case_item", "line")
    for fee in waiting:
        decided_by = fee.case_item.decided_by if fee.case_item is not None else None
        if decided_by is not None:
            recipients = [decided_by]
        else:
            recipients = list(staff_users(StaffRole.REVIEWER, department=fee.line.department_id))
        for user in recipients:
            notify(
                recipient=user,
                template="payment.assessment_needed",
                params={"case_no": case.case_no, "fee": fee.name},
                key=f"assess:{order.order_no}:{fee.pk}:{user.pk}",
                channels=(Channel.INBOX,),
            )


def case_settled(order: FeeOrder) -> None:
    """Tell the case, once this transaction is committed, that its order was settled."""
    from tongban.cases.tasks import payment_settled

    case_id = order.case_id
    transaction.on_commit(lambda: payment_settled.enqueue(case_id))
