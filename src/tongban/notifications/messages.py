"""Message templates: code → subject and body. Params hold no personal data beyond the recipient's own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


@dataclass(frozen=True)
class MessageTemplate:
    subject: str | Promise
    body: str | Promise


TEMPLATES: dict[str, MessageTemplate] = {
    "security.account_locked": MessageTemplate(
        _("Your account was locked"),
        _(
            "There were %(failures)s failed sign-in attempts on your account, so it is locked for "
            "%(minutes)s minutes. If this was not you, change your password after it unlocks."
        ),
    ),
    "security.token_issued": MessageTemplate(
        _("A new API access token was created"),
        _(
            "An access token named “%(name)s” (%(prefix)s…) was created for your account, "
            "valid %(days)s days."
        ),
    ),
    "representation.granted": MessageTemplate(
        _("You may now act for %(legal_person)s"),
        _("You were authorised as agent for %(legal_person)s until %(expires)s, for: %(scopes)s."),
    ),
    "representation.revoked": MessageTemplate(
        _("Your authorisation for %(legal_person)s ended"),
        _("Your authorisation to act for %(legal_person)s was revoked."),
    ),
    # Licence error reports (证照纠错). Params: reference, license_type, department, due_on, version,
    # reason; never a face value.
    "license.correction_submitted": MessageTemplate(
        _("Your licence error report %(reference)s was received"),
        _("Your report on the %(license_type)s was sent to %(department)s, which will answer by %(due_on)s."),
    ),
    "license.correction_accepted": MessageTemplate(
        _("Your licence error report %(reference)s was accepted"),
        _("%(department)s accepted your report on the %(license_type)s and is correcting the licence."),
    ),
    "license.correction_corrected": MessageTemplate(
        _("Your %(license_type)s was corrected"),
        _(
            "Following your report %(reference)s, %(department)s issued version %(version)s of your "
            "%(license_type)s. The earlier version is no longer valid; show the new one from now on."
        ),
    ),
    "license.correction_rejected": MessageTemplate(
        _("Your licence error report %(reference)s was not accepted"),
        _("%(department)s did not correct the %(license_type)s. Reason: %(reason)s"),
    ),
    "license.correction_overdue": MessageTemplate(
        _("Licence error report %(reference)s is overdue"),
        _(
            "The report on a %(license_type)s was due on %(due_on)s and is still open. Please settle it "
            "in the workbench."
        ),
    ),
    # Case milestones (办件). Params: case_no, target (service or bundle name), department, due_on,
    # reason, count, results (licence names, a string or a list); nothing else about the applicant.
    "case.submitted": MessageTemplate(
        _("We received your case %(case_no)s"),
        _("We received case %(case_no)s for %(target)s. We will tell you when it has been checked."),
    ),
    "case.accepted": MessageTemplate(
        _("Your case %(case_no)s was accepted"),
        _("Case %(case_no)s for %(target)s was accepted. We promise to complete it by %(due_on)s."),
    ),
    "case.notice": MessageTemplate(
        _("Case %(case_no)s: please supplement your materials"),
        ngettext_lazy(
            "One-time notice: %(count)s item of case %(case_no)s must be supplemented by %(due_on)s. "
            "The case page says what is needed.",
            "One-time notice: %(count)s items of case %(case_no)s must be supplemented by %(due_on)s. "
            "The case page says what is needed.",
            "count",
        ),
    ),
    "case.not_accepted": MessageTemplate(
        _("Your case %(case_no)s was not accepted"),
        _("Case %(case_no)s for %(target)s was not accepted. Reason: %(reason)s"),
    ),
    "case.decided": MessageTemplate(
        _("A decision was made on your case %(case_no)s"),
        _("%(department)s decided on your case %(case_no)s for %(target)s. See the case page for details."),
    ),
    "case.issued": MessageTemplate(
        _("The results of case %(case_no)s were issued"),
        _(
            "The results of case %(case_no)s were issued: %(results)s. You will find them in your "
            "licence wallet."
        ),
    ),
    "case.closed": MessageTemplate(
        _("Your case %(case_no)s is closed"),
        _("Case %(case_no)s for %(target)s is closed. Please rate the service on the case page."),
    ),
    "case.withdrawn": MessageTemplate(
        _("Your case %(case_no)s was withdrawn"),
        _("Case %(case_no)s for %(target)s was withdrawn and will not be processed further."),
    ),
    "case.lapsed": MessageTemplate(
        _("Your case %(case_no)s has lapsed"),
        _(
            "The materials requested for case %(case_no)s for %(target)s were not supplemented in time, "
            "so the case has ended. You may apply again."
        ),
    ),
    "case.task_overdue": MessageTemplate(
        _("A task on case %(case_no)s is overdue"),
        _(
            "The task on case %(case_no)s was due on %(due_on)s and is overdue. It was escalated to you; "
            "please handle it in the workbench."
        ),
    ),
    "case.extended": MessageTemplate(
        _("The deadline of case %(case_no)s was extended"),
        _("The deadline of case %(case_no)s was extended to %(due_on)s. Reason: %(reason)s"),
    ),
    # The paying step (cases.services.paying, payments). Amounts are formatted yuan (¥1,234.50).
    "case.payment_due": MessageTemplate(
        _("Fees to pay for case %(case_no)s"),
        _(
            "Case %(case_no)s for %(target)s was approved. Please pay %(amount)s (order %(order_no)s) on "
            "the case page; the results are issued once the fees are paid."
        ),
    ),
    "case.paid": MessageTemplate(
        _("Fees of case %(case_no)s received"),
        _(
            "We received %(amount)s for case %(case_no)s. The electronic receipt is on the case page; the "
            "results are being issued."
        ),
    ),
    "case.payment_expired": MessageTemplate(
        _("The fee order of case %(case_no)s expired"),
        _(
            "Order %(order_no)s of case %(case_no)s for %(target)s expired before it was paid. The results "
            "are issued once the fees are paid: please pay again on the case page."
        ),
    ),
    "payment.assessment_needed": MessageTemplate(
        _("Assess a fee of case %(case_no)s"),
        _(
            "Case %(case_no)s is waiting for payment, but the amount of “%(fee)s” is charged by rate and "
            "must be assessed (核定) by your department. Please set it in the workbench's payments."
        ),
    ),
    "payment.refunded": MessageTemplate(
        _("Refund for case %(case_no)s"),
        _("%(amount)s paid for case %(case_no)s was refunded to the account you paid from."),
    ),
    # Parcels (tongban.logistics). Params: case_no, target, waybill, carrier, department; never the address.
    "shipment.booked": MessageTemplate(
        _("The results of case %(case_no)s are on their way"),
        _(
            "The results of case %(case_no)s for %(target)s were handed to %(carrier)s, waybill "
            "%(waybill)s. Follow the parcel on the case's tracking page."
        ),
    ),
    "shipment.address_needed": MessageTemplate(
        _("Where should we post the results of case %(case_no)s?"),
        _(
            "The results of case %(case_no)s for %(target)s are ready to be posted. Please give the address "
            "on the case's tracking page; the courier is booked as soon as you do."
        ),
    ),
    "shipment.pickup_booked": MessageTemplate(
        _("A courier will collect the materials of case %(case_no)s"),
        _(
            "%(carrier)s will call to collect the paper materials of case %(case_no)s (waybill "
            "%(waybill)s). Please have the originals ready."
        ),
    ),
    "shipment.collected": MessageTemplate(
        _("Your materials for case %(case_no)s arrived"),
        _("The paper materials of case %(case_no)s reached %(department)s (waybill %(waybill)s)."),
    ),
    "shipment.problem": MessageTemplate(
        _("A problem with the parcel of case %(case_no)s"),
        _(
            "The parcel of case %(case_no)s (waybill %(waybill)s) could not be delivered or collected. "
            "The service centre will contact you; you can also give a new address on the tracking page."
        ),
    ),
}


def _display(value: Any) -> Any:
    """Lists of codes render as labels in the reader's language (e.g. authorisation scopes)."""
    if isinstance(value, list):
        from tongban.accounts.constants import RepresentationScope

        labels = dict(RepresentationScope.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    return value


def register(templates: dict[str, MessageTemplate]) -> None:
    """Add an app's own templates (call from its ``AppConfig.ready``). A code names one template."""
    for code, template in templates.items():
        if TEMPLATES.get(code, template) != template:
            raise ValueError(f"notification template {code} registered twice")
        TEMPLATES[code] = template


def render(template: str, params: dict[str, Any]) -> tuple[str, str]:
    tpl = TEMPLATES[template]
    shown = {key: _display(value) for key, value in params.items()}
    # ``%`` on the lazy string itself, so a plural template picks its form from the params.
    return str(tpl.subject % shown), str(tpl.body % shown)
