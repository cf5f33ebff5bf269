"""Named rules for catalogue items. ``check_publishable`` collects every problem, each with a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongban.items.constants import CaseKind, Channel, OnlineDepth, ResultKind
from tongban.items.models import ServiceItem
from tongban.utils.errors import DomainError


def visits_match_online_depth(item: ServiceItem) -> list[DomainError]:
    """全程网办 means no visit at all; any visit must say why it cannot be avoided (必须现场办理原因)."""
    problems = []
    if item.online_depth == OnlineDepth.FULLY_ONLINE and item.visits > 0:
        problems.append(
            DomainError(
                "fully_online_with_visits",
                _("A fully online item (全程网办) cannot require a visit."),
                field="visits",
            )
        )
    if item.visits > 0 and not item.onsite_reason.strip():
        problems.append(
            DomainError(
                "onsite_reason_required",
                _("Say why the applicant must come to a counter (必须现场办理原因)."),
                field="onsite_reason",
            )
        )
    return problems


def time_limits_complete(item: ServiceItem) -> list[DomainError]:
    problems = []
    if item.case_kind == CaseKind.PROMISED:
        if item.legal_time_limit is None:
            problems.append(
                DomainError(
                    "legal_time_limit_required", _("State the legal time limit."), field="legal_time_limit"
                )
            )
        if item.promised_time_limit is None:
            problems.append(
                DomainError(
                    "promised_time_limit_required",
                    _("State the promised time limit."),
                    field="promised_time_limit",
                )
            )
    if (
        item.legal_time_limit is not None
        and item.promised_time_limit is not None
        and item.legal_time_unit == item.promised_time_unit
        and item.promised_time_limit > item.legal_time_limit
    ):
        problems.append(
            DomainError(
                "promised_exceeds_legal",
                _("The promised time may not be longer than the legal time limit."),
                field="promised_time_limit",
            )
        )
    return problems


def basics_complete(item: ServiceItem) -> list[DomainError]:
    problems = []
    if not item.legal_bases.exists():
        problems.append(
            DomainError("legal_basis_required", _("Give at least one legal basis."), field="legal_bases")
        )
    if not item.materials.exists():
        problems.append(
            DomainError("materials_required", _("List the materials the applicant needs."), field="materials")
        )
    if not item.department_id:
        problems.append(DomainError("department_required", _("Choose the department."), field="department"))
    if not (item.for_natural_persons or item.for_legal_persons):
        problems.append(
            DomainError("audience_required", _("Say whom the item serves."), field="for_natural_persons")
        )
    if not item.acceptance_conditions.strip():
        problems.append(
            DomainError(
                "conditions_required", _("State the acceptance conditions."), field="acceptance_conditions"
            )
        )
    unknown = sorted(set(item.channels) - set(Channel.values))
    if not item.channels or unknown:
        problems.append(
            DomainError(
                "channels_invalid",
                _("Choose the channels the item can be applied through."),
                field="channels",
            )
        )
    return problems


def fees_consistent(item: ServiceItem) -> list[DomainError]:
    has_fees = item.fees.exists()
    if item.charges_fee and not has_fees:
        return [DomainError("fee_items_required", _("A charging item lists its fees."), field="fees")]
    if not item.charges_fee and has_fees:
        return [DomainError("fee_items_unexpected", _("A free item cannot list fees."), field="fees")]
    return []


def result_consistent(item: ServiceItem) -> list[DomainError]:
    if item.result_kind == ResultKind.LICENSE and item.result_license_type_id is None:
        return [
            DomainError(
                "result_license_type_required",
                _("Name the licence type this item issues."),
                field="result_license_type",
            )
        ]
    if not item.result_name.strip():
        return [
            DomainError(
                "result_name_required", _("Name the result the applicant receives."), field="result_name"
            )
        ]
    return []


def conditional_materials_say_when(item: ServiceItem) -> list[DomainError]:
    return [
        DomainError(
            "material_condition_required",
            _("Say when “%(name)s” is needed.") % {"name": m.display_name},
            field="materials",
        )
        for m in item.materials.select_related("kind")
        if m.requirement == "conditional" and not m.condition.strip()
    ]


PUBLISH_RULES = (
    basics_complete,
    visits_match_online_depth,
    time_limits_complete,
    fees_consistent,
    result_consistent,
    conditional_materials_say_when,
)


def check_publishable(item: ServiceItem) -> list[DomainError]:
    """Every reason ``item`` cannot be published yet (empty when it can)."""
    problems: list[DomainError] = []
    for rule in PUBLISH_RULES:
        problems.extend(rule(item))
    return problems
