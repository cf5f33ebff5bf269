"""Steps of a case process that another app carries out, behind a small contract.

Also: listeners told (after the commit) that a case's results were issued, e.g. logistics books the
parcel of results going by post at once instead of on its next worker round; and the postal address
asked on the application form when results go by post (``PostalStep``, registered by logistics).

The paying step (task kind ``pay``) belongs to the payments app, which depends on cases (not the other
way round). It registers a ``PaymentStep`` in its ``AppConfig.ready``; the cases app asks it whether
anything is due when a case reaches the step, lets it make the fee order, and checks with it that the
order was settled before moving on. Without a registered step (payments not installed) or with every
payment provider switched off, the step is passed over with a timeline note: fees are then collected
outside the platform.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from tongban.accounts.principal import Principal
    from tongban.cases.models import Case


@dataclass(frozen=True)
class Due:
    """What the applicant is asked to pay when the case reaches the step."""

    order_id: int
    order_no: str
    amount_cents: int  # payable now (0 while a fee charged by rate awaits assessment: see ``pending``)
    pending_assessment: bool
    expires_at: dt.datetime


@dataclass(frozen=True)
class Settled:
    order_no: str
    amount_cents: int
    receipt_no: str  # "" when nothing was paid (every fee waived)


class PaymentStep(Protocol):
    def enabled(self) -> bool:
        """Whether fees can be paid through the platform at all (a provider is enabled)."""
        ...

    def fees_due(self, case: Case) -> bool:
        """Whether the case's items that were not refused charge any fee."""
        ...

    def open(self, case: Case) -> Due:
        """Make (or find) the case's fee order; called with the case row locked."""
        ...

    def settled(self, case: Case) -> Settled | None:
        """The case's settled order, if its fees have been paid (or waived)."""
        ...

    def settled_among(self, case_ids: list[int]) -> list[int]:
        """Those of ``case_ids`` whose order is settled."""
        ...


_payment_step: PaymentStep | None = None


def register_payment_step(step: PaymentStep | None) -> None:
    global _payment_step
    _payment_step = step


def payment_step() -> PaymentStep | None:
    """The registered step, or None when fees cannot be paid through the platform."""
    step = _payment_step
    return step if step is not None and step.enabled() else None


_issued_listeners: list[Callable[[int], None]] = []


def on_issued(listener: Callable[[int], None]) -> None:
    """Call ``listener(case_id)`` after the commit of every issuance (registered once, in ``ready``)."""
    if listener not in _issued_listeners:
        _issued_listeners.append(listener)


def issued_listeners() -> list[Callable[[int], None]]:
    return list(_issued_listeners)


class PostalStep(Protocol):
    """The address for results by post, asked on the application form (logistics)."""

    fields: tuple[str, ...]  # input names without prefix
    template: str  # renders the fields; see its comment for the context it needs

    def enabled(self) -> bool: ...

    def form_context(self) -> dict[str, Any]:
        """What the template needs besides values and errors (e.g. the districts)."""
        ...

    def check(self, data: dict[str, str]) -> None:
        """Raise ``ValidationFailed`` (fields ``address.<name>``) unless the address can be used."""
        ...

    def request(self, principal: Principal, case: Case, data: dict[str, str], *, key: str) -> None:
        """Ask for the parcel of results of a case just submitted (booked once it is issued)."""
        ...


_postal_step: PostalStep | None = None


def register_postal_step(step: PostalStep | None) -> None:
    global _postal_step
    _postal_step = step


def postal_step() -> PostalStep | None:
    step = _postal_step
    return step if step is not None and step.enabled() else None
