"""From the catalogue's fee items (收费标准) to an order: one line per department, waivers (减免) and
assessed amounts (核定) for fees charged by rate. Amounts are integer fen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.principal import Principal
from tongban.cases.constants import ItemStatus
from tongban.cases.models import Case, CaseItem
from tongban.cases.services import paying
from tongban.items.models import FeeItem
from tongban.organizations.models import Department
from tongban.payments import policies
from tongban.payments.constants import PAYABLE, OrderStatus, PaymentStatus
from tongban.payments.models import FeeOrder, OrderFee, OrderLine
from tongban.payments.services import state
from tongban.payments.services.common import lock_order, new_order_no, order_ttl, record
from tongban.utils import authz
from tongban.utils.errors import Conflict, DomainError, Forbidden, NotFound

# Items whose department refused or that were cancelled charge nothing.
UNCHARGED = (ItemStatus.REJECTED, ItemStatus.CANCELLED)


@dataclass
class DraftLine:
    department: Department
    fees: list[tuple[CaseItem, FeeItem]] = field(default_factory=list)

    @property
    def amount_cents(self) -> int:
        return sum(fee.amount_cents or 0 for _item, fee in self.fees)

    @property
    def complete(self) -> bool:
        return all(fee.amount_cents is not None for _item, fee in self.fees)


def draft_lines(case: Case) -> list[DraftLine]:
    """The lines an order for ``case`` would have now (no waivers yet): the applicant's preview."""
    lines: dict[int, DraftLine] = {}
    items = (
        case.items.exclude(status__in=UNCHARGED)
        .select_related("department")
        .prefetch_related("item__fees")
        .order_by("position", "pk")
    )
    for case_item in items:
        for fee in case_item.item.fees.all():
            line = lines.setdefault(case_item.department_id, DraftLine(case_item.department))
            line.fees.append((case_item, fee))
    return list(lines.values())


def build_order(case: Case, principal: Principal | None) -> FeeOrder:
    """A new order for the case (call with the case row locked and no live order)."""
    drafts = draft_lines(case)
    if not drafts:
        raise DomainError("case_has_no_fees", _("This case has no fees to pay."))
    order = FeeOrder.objects.create(
        order_no=new_order_no(),
        case=case,
        expires_at=timezone.now() + order_ttl(),
        created_by=principal.user if principal is not None else None,
    )
    for position, draft in enumerate(drafts):
        line = OrderLine.objects.create(order=order, department=draft.department, position=position)
        OrderFee.objects.bulk_create(
            OrderFee(
                line=line,
                case_item=case_item,
                fee_item=fee,
                position=n,
                name=fee.name,
                standard=fee.standard,
                basis=fee.basis,
                amount_cents=fee.amount_cents,
                waivable=fee.waivable,
            )
            for n, (case_item, fee) in enumerate(draft.fees)
        )
    recompute(order)
    record(
        "payment.order_created",
        order,
        principal,
        case=case.case_no,
        order=order.order_no,
        total_cents=order.total_cents,
        lines=len(drafts),
    )
    _settle_if_nothing_to_pay(order, principal)
    return order


def recompute(order: FeeOrder) -> None:
    """Line and order totals from the fees: gross, waived, payable."""
    gross_total = waived_total = 0
    for line in order.lines.prefetch_related("fees"):
        fees = list(line.fees.all())
        line.gross_cents = sum(f.amount_cents or 0 for f in fees)
        line.waived_cents = sum(f.amount_cents or 0 for f in fees if f.waived)
        line.amount_cents = line.gross_cents - line.waived_cents
        line.save(update_fields=["gross_cents", "waived_cents", "amount_cents"])
        gross_total += line.gross_cents
        waived_total += line.waived_cents
    order.gross_cents, order.waived_cents = gross_total, waived_total
    order.total_cents = gross_total - waived_total
    order.save(update_fields=["gross_cents", "waived_cents", "total_cents", "updated_at"])


def unassessed(order: FeeOrder) -> bool:
    """Whether a fee charged by rate still waits for its department to assess the amount."""
    return OrderFee.objects.filter(line__order=order, amount_cents__isnull=True, waived=False).exists()


def _settle_if_nothing_to_pay(order: FeeOrder, principal: Principal | None) -> None:
    if order.total_cents == 0 and order.status in PAYABLE and not unassessed(order):
        state.settle_free(order, principal)


def _adjust(principal: Principal, fee_id: int, change: Callable[[OrderFee], str | None]) -> FeeOrder:
    """Change one fee of a payable order: open attempts are closed first (their amount is stale)."""
    fee = OrderFee.objects.select_related("line__order", "line__department").filter(pk=fee_id).first()
    if fee is None or not authz.can_see(principal, fee.line.order):
        raise NotFound()
    if not policies.may_adjust(principal, fee.line):
        raise Forbidden("fee_not_your_department", _("Only the department that charges a fee may change it."))
    order = fee.line.order
    if order.status == OrderStatus.PAYING:
        state.close_pending_attempts(order)
    with transaction.atomic():
        order = lock_order(order.pk)
        if order.status not in PAYABLE:
            raise Conflict("order_not_adjustable", _("The fees of a paid or ended order cannot change."))
        order.payments.filter(status=PaymentStatus.PENDING).update(
            status=PaymentStatus.CLOSED, closed_at=timezone.now(), last_error="fees changed"
        )
        fee = OrderFee.objects.select_for_update().get(pk=fee_id)
        event = change(fee)
        if event is not None:
            fee.save()
            recompute(order)
            order.status = OrderStatus.CREATED
            order.save(update_fields=["status", "updated_at"])
            record(
                event,
                fee,
                principal,
                order=order.order_no,
                department=fee.line.department_id,
                amount_cents=fee.amount_cents,
                total_cents=order.total_cents,
            )
            _settle_if_nothing_to_pay(order, principal)
            if event == "payment.fee_assessed" and order.status in PAYABLE and not unassessed(order):
                paying.amount_set(order.case, order_no=order.order_no, amount_cents=order.total_cents)
    order.refresh_from_db()
    return order


def waive_fee(principal: Principal, fee_id: int, *, reason: str) -> FeeOrder:
    """减免: waive a waivable fee, with the reason (kept on the fee and shown on the receipt)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("waiver_reason_required", _("Give the reason for the waiver."), field="reason")

    def change(fee: OrderFee) -> str | None:
        if not fee.waivable:
            raise DomainError("fee_not_waivable", _("This fee may not be waived."))
        if fee.waived:
            return None
        fee.waived, fee.waiver_reason = True, reason[:300]
        fee.waived_by, fee.waived_at = principal.user, timezone.now()
        return "payment.fee_waived"

    return _adjust(principal, fee_id, change)


def assess_fee(principal: Principal, fee_id: int, *, amount_cents: int, note: str) -> FeeOrder:
    """核定: set the amount of a fee charged by rate (in fen)."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents < 0:
        raise DomainError("fee_amount_invalid", _("Give the amount in whole fen."), field="amount_cents")
    note = (note or "").strip()
    if not note:
        raise DomainError("assessment_note_required", _("Say how the amount was assessed."), field="note")

    def change(fee: OrderFee) -> str | None:
        if fee.fee_item.amount_cents is not None:
            raise DomainError("fee_amount_fixed", _("This fee has a fixed amount in the catalogue."))
        fee.amount_cents, fee.assessment_note = amount_cents, note[:300]
        fee.assessed_by, fee.assessed_at = principal.user, timezone.now()
        return "payment.fee_assessed"

    return _adjust(principal, fee_id, change)
