"""统一出件: the issuance window issues every result of a case at once.

Approved items with a licence as result get it signed into the licence library (a new licence, or a
new version of the holder's current one for types a holder has one of, e.g. 营业执照). Refused items
are issued as their decision with reasons. Electronic delivery puts everything in the wallet, so the
case is delivered and closed at once and the applicant is invited to rate it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.principal import Principal
from tongban.cases import clocks, results, steps
from tongban.cases.constants import CaseStatus, DeliveryMethod, EventKind, HolderKind, ItemStatus
from tongban.cases.models import Case, CaseItem, Task
from tongban.cases.services.common import (
    audit_case,
    event,
    notify_applicant,
    on_commit,
    save_case,
    save_workflow,
)
from tongban.cases.services.routing import case_clock, sync_tasks
from tongban.licenses.constants import HolderCodeType, LicenseStatus, VersionReason
from tongban.licenses.holders import holder_hash
from tongban.licenses.models import License
from tongban.licenses.services import issuing
from tongban.utils.errors import Conflict, DomainError, ValidationFailed
from tongban.workflows import engine

if TYPE_CHECKING:
    from tongban.cases.services.flow import Completion

# A change of particulars (变更) keeps the licence's identity, number and dates; they are not re-drafted.
KEEP_ON_CHANGE = frozenset(
    {
        issuing.NUMBER_FIELD,
        *issuing.DATE_FIELDS,
        issuing.VALID_TO_FIELD,
        "uscc",
        "established_on",
        "term_from",
        "term_to",
        "issuing_authority",
    }
)


def draft_faces(case: Case) -> dict[str, dict]:
    """The licence faces the issuance page proposes, per approved item code."""
    out = {}
    for ci in case.items.select_related("item__result_license_type", "department"):
        lt = ci.item.result_license_type
        if ci.status == ItemStatus.APPROVED and lt is not None and ci.result_license_id is None:
            out[ci.item_code] = _draft(case, ci)
    return out


def _draft(case: Case, ci: CaseItem) -> dict:
    lt = ci.item.result_license_type
    assert lt is not None
    person = getattr(case.applicant, "person", None)
    return results.draft_face(
        lt,
        holder_name=case.holder_name,
        holder_code=case.holder_code,
        form=case.form,
        legal_person=case.acting_for,
        person=person,
        issuer=ci.department,
        today=timezone.localdate(),
    )


def _current_licence(case: Case, ci: CaseItem) -> License | None:
    lt = ci.item.result_license_type
    if lt is None or not lt.one_per_holder:
        return None
    code_type = HolderCodeType.USCC if case.holder_kind == HolderKind.LEGAL else HolderCodeType.RESIDENT_ID
    return (
        License.objects.filter(
            license_type=lt,
            holder_hash=holder_hash(code_type, case.holder_code),
            status__in=[LicenseStatus.VALID, LicenseStatus.SUSPENDED],
        )
        .order_by("-issued_on")
        .first()
    )


def _issue_one(principal: Principal, case: Case, ci: CaseItem, overrides: dict, now: dt.datetime) -> License:
    lt = ci.item.result_license_type
    assert lt is not None
    face = {**_draft(case, ci), **{k: v for k, v in overrides.items() if v not in (None, "")}}
    missing = results.missing_fields(lt, face)
    if missing:
        raise DomainError(
            "result_face_incomplete",
            _("Fill in the licence fields %(fields)s for %(item)s.")
            % {"fields": "、".join(missing), "item": ci.name},
            field=f"faces.{ci.item_code}",
            missing=missing,
        )
    today = timezone.localdate(now)
    results.check(lt, face, today)
    current = _current_licence(case, ci)
    if current is not None:
        props = lt.face_schema.get("properties", {})
        changes = {
            k: v
            for k, v in face.items()
            if k in props and k not in KEEP_ON_CHANGE and current.face.get(k) != v
        }
        return issuing.new_version(
            current,
            changes=changes,
            reason=_("Changed by case %(case_no)s") % {"case_no": case.case_no},
            version_reason=VersionReason.CHANGE,
            principal=principal,
            now=now,
        )
    number = results.licence_number(lt, face) or None
    return issuing.issue_license(
        license_type=lt,
        issuer=ci.department,
        holder_code=case.holder_code,
        holder_name=case.holder_name,
        face=face,
        number=number,
        principal=principal,
        now=now,
    )


def issue_results(
    principal: Principal, case: Case, task: Task, completion: Completion, now: dt.datetime
) -> None:
    """Called by ``flow.complete_task`` inside its transaction for the issuance task."""
    if case.status != CaseStatus.DECIDED:
        raise DomainError("case_not_decided", _("Every department must decide before results are issued."))
    faces = completion.faces
    issued, errors = [], []
    for ci in case.items.select_related("item__result_license_type", "department").order_by("position"):
        if ci.status != ItemStatus.APPROVED or ci.item.result_license_type is None or ci.result_license_id:
            continue
        try:
            licence = _issue_one(principal, case, ci, faces.get(ci.item_code, {}), now)
        except ValidationFailed as exc:
            errors.extend(exc.errors)
            continue
        except DomainError as exc:
            errors.append(exc)
            continue
        ci.result_license = licence
        ci.save(update_fields=["result_license"])
        issued.append(licence)
    if errors:
        raise ValidationFailed(errors)
    wf = engine.load(case.workflow_state)
    wf.complete(task.spiff_id, {"issued": len(issued)})
    case.status, case.issued_at = CaseStatus.ISSUED, now
    fields = ["status", "issued_at"]
    names = "、".join(lic.license_type.name for lic in issued) or _("decision letters")
    event(
        case,
        EventKind.ISSUED,
        principal=principal,
        department=task.department,
        task=task,
        message=names,
        data={"licences": [lic.identifier for lic in issued]},
        at=now,
    )
    if case.delivery_method == DeliveryMethod.ELECTRONIC:
        deliver_and_close(case, now, message=_("Results are in the licence wallet."))
        fields += CLOSING_FIELDS
    save_workflow(case, wf, *fields)
    sync_tasks(case, wf, now=now)
    audit_case("case.issued", case, principal, licences=len(issued))
    notify_applicant(case, "case.issued", "issued", results=names)
    if case.closed_at:
        notify_applicant(case, "case.closed", "closed")
    for listener in steps.issued_listeners():
        on_commit(listener, case.pk)


def deliver_and_close(
    case: Case, at: dt.datetime, *, message: str, data: dict[str, Any] | None = None
) -> None:
    """Results reached the applicant at ``at``: the case is delivered and closed (the caller saves it).

    The one way a case closes after issuance: the wallet (electronic), the window (自取) or the post
    (``logistics``, on the signed-for event).
    """
    case.status = CaseStatus.CLOSED
    case.delivered_at = case.closed_at = case.rating_invited_at = at
    case.elapsed_days = clocks.elapsed(case_clock(case), timezone.localdate(at)) if case.accepted_on else 0
    event(case, EventKind.DELIVERED, message=message, data=data, at=at)
    event(case, EventKind.CLOSED, data={"elapsed_days": case.elapsed_days}, at=at)


CLOSING_FIELDS = ("status", "delivered_at", "closed_at", "elapsed_days", "rating_invited_at")


def mark_delivered(principal: Principal, case: Case, *, now: dt.datetime | None = None) -> Case:
    """The window hands paper results over (自取); closes the case."""
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.ISSUED:
            raise Conflict("case_not_issued", _("Only issued results can be handed over."))
        deliver_and_close(case, now, message=_("Results collected (已领取)"))
        save_case(case, *CLOSING_FIELDS)
        audit_case("case.delivered", case, principal)
        notify_applicant(case, "case.closed", "closed")
    return case
