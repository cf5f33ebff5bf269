"""Apply once: drafts, submission (idempotent), materials with licence reuse, pre-review, process start.

Everything a submission writes (case, items, materials, consents, fetched licences, the started process
and its first tasks, timeline, audit) is one transaction: a failed submission leaves nothing behind and
a retried one (same ``Idempotency-Key``) returns the case the first attempt created.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.constants import RepresentationScope
from tongban.accounts.models import LegalPerson, NaturalPerson, User
from tongban.accounts.principal import Principal
from tongban.audits import services as audit
from tongban.cases import forms_schema, numbers
from tongban.cases.constants import (
    CaseStatus,
    Channel,
    DeliveryMethod,
    EventKind,
    HolderKind,
    MaterialStatus,
    TargetKind,
)
from tongban.cases.models import Case, CaseEvent, CaseItem, Upload
from tongban.cases.services.common import audit_case, event, notify_applicant
from tongban.cases.services.inputs import Applicant, Application, MaterialInput
from tongban.cases.services.materials import (
    Planned,
    fetch_licences,
    find_uploads,
    plan_materials,
    store_materials,
)
from tongban.cases.services.routing import sync_tasks
from tongban.cases.targets import Target, resolve
from tongban.items.constants import OnlineDepth
from tongban.items.timing import as_working_days
from tongban.licenses.holders import holder_hash
from tongban.organizations.models import Department
from tongban.utils.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from tongban.workflows import engine


def applicant_of(principal: Principal) -> Applicant:
    """The applicant a signed-in person applies as (themself or the legal person they act for)."""
    if not principal.is_natural_person or principal.user is None:
        raise Forbidden("applicant_only", _("Only citizens and businesses apply; staff register walk-ins."))
    person = getattr(principal.user, "person", None)
    if person is None or person.verified_at is None:
        raise Forbidden("not_verified", _("Complete real-name verification before applying."))
    if principal.acting_for is not None and not principal.may_for_legal_person(RepresentationScope.APPLY):
        raise Forbidden("representation_scope_missing", _("Your authorisation does not cover applying."))
    return Applicant(principal.user, person, principal.acting_for)


def walk_in_applicant(person: NaturalPerson, legal_person: LegalPerson | None) -> Applicant:
    """A walk-in applicant found by the window clerk; the person must represent the legal person."""
    if legal_person is not None:
        rep = legal_person.representations.active().filter(person=person.user).first()
        if rep is None or not rep.grants(RepresentationScope.APPLY):
            raise Forbidden(
                "not_authorised_for_legal_person",
                _("This person is not authorised to apply for this business."),
            )
    return Applicant(person.user, person, legal_person)


def _check_audience(target: Target, applicant: Applicant) -> None:
    legal = applicant.acting_for is not None
    if legal and not target.audience_legal:
        raise DomainError("target_not_for_businesses", _("Businesses cannot apply for this service."))
    if not legal and not target.audience_natural:
        raise DomainError("target_not_for_individuals", _("Apply for this service on behalf of a business."))


def _check_online(target: Target) -> None:
    """Online applications need online depth III (网上申请) for every item; else a window registers it."""
    offline = [i.name for i in target.items if i.online_depth < OnlineDepth.SUBMISSION]
    if offline:
        raise DomainError(
            "target_not_online",
            _(
                "These services cannot be applied for online yet: %(names)s. A service window can register "
                "the application for you."
            )
            % {"names": "、".join(offline)},
        )


# The unified front desk, looked up once a minute rather than on every submission.
_DESK: dict[str, tuple[float, Department | None]] = {}
DESK_SECONDS = 60


def _front_desk(lead: Department, registered_by: Principal | None) -> Department:
    if registered_by is not None and registered_by.staff is not None:
        return registered_by.staff.department
    slug, now = settings.TONGBAN_CASE_FRONT_DESK, time.monotonic()
    cached = _DESK.get(slug)
    if cached is None or now - cached[0] > DESK_SECONDS:
        cached = _DESK[slug] = (now, Department.objects.filter(slug=slug, is_active=True).first())
    return cached[1] or lead  # no unified front desk configured: the lead department accepts


# --- drafts ---------------------------------------------------------------------------------------


def save_draft(principal: Principal, app: Application, *, draft: Case | None = None) -> Case:
    """Create or update a draft: saved as typed (only the given fields are checked), resumable later."""
    applicant = applicant_of(principal)
    target = resolve(app.target_kind, app.target_code, app.situations)
    schema = forms_schema.form_schema(target.fields)
    form = forms_schema.partial_validate(schema, app.form)
    known = {m.kind.code for m in target.materials}
    uploads = find_uploads(applicant.user, [m for m in app.materials if m.kind in known])
    kept = {
        "uploads": {m.kind: m.upload for m in app.materials if m.upload in uploads},
        "consents": sorted(set(app.consents)),
    }
    if draft is not None:
        if draft.status != CaseStatus.DRAFT or draft.applicant_id != applicant.user.pk:
            raise NotFound()
        draft.target_kind, draft.target_code, draft.target_name = target.kind, target.code, target.name
        draft.bundle, draft.situations, draft.form = target.bundle, target.situations, form
        draft.delivery_method, draft.draft_materials = app.delivery_method, kept
        draft.save()
        return draft
    holder = applicant.holder
    return Case.objects.create(
        target_kind=target.kind,
        target_code=target.code,
        target_name=target.name,
        bundle=target.bundle,
        situations=target.situations,
        applicant=applicant.user,
        acting_for=applicant.acting_for,
        holder_kind=HolderKind.LEGAL if applicant.acting_for else HolderKind.NATURAL,
        holder_name=holder.name,
        holder_code=holder.code,
        holder_hash=holder.hash,
        lead_department=target.lead_department,
        front_desk=_front_desk(target.lead_department, None),
        form=form,
        delivery_method=app.delivery_method,
        draft_materials=kept,
    )


def delete_draft(principal: Principal, draft: Case) -> None:
    if draft.status != CaseStatus.DRAFT or principal.user is None or draft.applicant_id != principal.user.pk:
        raise NotFound()
    draft.delete()


# --- materials ------------------------------------------------------------------------------------


def submit(
    principal: Principal,
    app: Application,
    *,
    idempotency_key: str = "",
    draft: Case | None = None,
    walk_in: Applicant | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Submit an application (from a draft or directly). Returns the case, with its number.

    ``walk_in``: the applicant a window clerk registers the case for (帮办代办); ``principal`` is then
    the clerk, recorded as ``registered_by``.
    """
    now = now or timezone.now()
    key = (idempotency_key or "").strip()[:100]
    if walk_in is None:
        applicant = applicant_of(principal)
        window = None
    else:
        if not principal.is_staff_member:
            raise Forbidden("staff_only", _("Only staff register cases for walk-in applicants."))
        applicant, window = walk_in, principal
    owner = window.user if window is not None and window.user is not None else applicant.user
    uploads = find_uploads(owner, app.materials)
    fingerprint = app.fingerprint({uid: u.sha256 for uid, u in uploads.items()})
    if key:
        existing = by_idempotency_key(applicant.user, key)
        if existing is not None:
            return _replay(existing, fingerprint)
    prepared = _prepare(applicant, app, window, uploads)
    try:
        # One transaction; its audit events (consents, licence fetches, the submission) join the chain
        # together at the end of it.
        with transaction.atomic(), audit.batched():
            return _submit(principal, applicant, app, window, key, fingerprint, draft, now, prepared)
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its case.
        existing = by_idempotency_key(applicant.user, key) if key else None
        if existing is None:
            raise
        return _replay(existing, fingerprint)


def by_idempotency_key(user: User, key: str) -> Case | None:
    """The case ``user`` submitted with ``key``. Naming the partial unique index's condition lets
    SQLite use that index instead of reading every case of the applicant."""
    key = (key or "").strip()[:100]
    if not key:
        return None
    pk = (
        Case.objects.exclude(idempotency_key="")
        .filter(applicant=user, idempotency_key=key)
        .values_list("pk", flat=True)
        .first()
    )
    return Case.objects.get(pk=pk) if pk is not None else None


def _replay(existing: Case, fingerprint: str) -> Case:
    if existing.request_hash != fingerprint:
        raise Conflict(
            "idempotency_key_reused",
            _("This Idempotency-Key was used for a different application."),
            case_no=existing.case_no,
        )
    return existing


@dataclass
class _Prepared:
    """What a submission decided before it writes: all of it read-only work, done outside the write
    transaction so that concurrent submissions hold the database's write lock only briefly."""

    target: Target
    form: dict[str, Any]
    plan: list[Planned]
    facts: dict[str, Any]
    wf: engine.Workflow
    state: str  # the process serialised, ready to store


def _facts(plan: list[Planned], holder_kind: str, channel: str, form: dict[str, Any]) -> dict[str, Any]:
    """The non-personal facts the process's pre-review rules (DMN) decide on."""
    return {
        "missing_materials": sum(1 for p in plan if p.status == MaterialStatus.MISSING),
        "applicant_kind": holder_kind,
        "channel": channel,
        "shop_area": form.get("shop_area") or 0,
    }


def _start(target: Target, facts: dict[str, Any]) -> engine.Workflow:
    return engine.start(
        target.process_key,
        {"items": [i.code for i in target.items], "facts": facts},
        definition=target.definition,
    )


def _prepare(
    applicant: Applicant, app: Application, window: Principal | None, uploads: dict[str, Upload]
) -> _Prepared:
    target = resolve(app.target_kind, app.target_code, app.situations)
    _check_audience(target, applicant)
    if window is None:
        _check_online(target)
    if app.delivery_method not in DeliveryMethod.values:
        raise DomainError(
            "delivery_method_invalid", _("Choose how results are delivered."), field="delivery_method"
        )
    schema = forms_schema.form_schema(target.fields)
    problems: list[DomainError] = []  # form and materials answered together: one reply, every issue
    form: dict[str, Any] = {}
    plan: list[Planned] = []
    try:
        form = forms_schema.validate_form(schema, app.form)
    except ValidationFailed as exc:
        problems += exc.errors
    try:
        plan = plan_materials(target, app, uploads, window=window)
    except ValidationFailed as exc:
        problems += exc.errors
    if problems:
        raise ValidationFailed(problems)
    holder_kind = HolderKind.LEGAL if applicant.acting_for else HolderKind.NATURAL
    facts = _facts(plan, holder_kind, Channel.WINDOW if window else Channel.ONLINE, form)
    # The process runs up to its first task now; it is stored with the case (restarted in the rare case
    # a licence turns out missing from the library and the facts change).
    wf = _start(target, facts)
    return _Prepared(target, form, plan, facts, wf, engine.dump(wf))


def _submit(
    principal: Principal,
    applicant: Applicant,
    app: Application,
    window: Principal | None,
    key: str,
    fingerprint: str,
    draft: Case | None,
    now: dt.datetime,
    prepared: _Prepared,
) -> Case:
    target, form, plan = prepared.target, prepared.form, prepared.plan
    holder = applicant.holder
    today = timezone.localdate(now)
    case = draft if draft is not None and draft.status == CaseStatus.DRAFT else Case()
    if draft is not None and (draft.status != CaseStatus.DRAFT or draft.applicant_id != applicant.user.pk):
        raise NotFound()
    case.case_no = numbers.next_case_no(today)
    case.target_kind, case.target_code, case.target_name = target.kind, target.code, target.name
    case.bundle, case.situations = target.bundle, target.situations
    case.applicant, case.acting_for = applicant.user, applicant.acting_for
    case.holder_kind = HolderKind.LEGAL if applicant.acting_for else HolderKind.NATURAL
    case.holder_name, case.holder_code = holder.name, holder.code
    case.holder_hash = holder_hash(holder.code_type, holder.code)
    case.channel = Channel.WINDOW if window else Channel.ONLINE
    case.registered_by = window.user if window else None
    case.lead_department = target.lead_department
    case.front_desk = _front_desk(target.lead_department, window)
    case.status, case.form, case.delivery_method = CaseStatus.SUBMITTED, form, app.delivery_method
    case.draft_materials = {}
    case.promised_limit, case.legal_limit = target.promised_limit, target.legal_limit
    case.visits_required = target.visits
    case.idempotency_key, case.request_hash = key, fingerprint
    case.submitted_at = now
    # Licences first (they need only the case number), then the process: the case row is written once.
    fetch_licences(case, applicant, principal, plan)
    case.materials_submitted = sum(1 for p in plan if p.status == MaterialStatus.PROVIDED)
    case.materials_exempted = sum(1 for p in plan if p.status == MaterialStatus.EXEMPT)
    facts = _facts(plan, case.holder_kind, case.channel, form)
    if facts == prepared.facts:
        wf, state = prepared.wf, prepared.state
    else:
        wf = _start(target, facts)
        state = engine.dump(wf)
    case.pre_review = str(wf.data.get("pre_review", ""))[:12]
    case.pre_review_reason = str(wf.data.get("pre_review_reason", ""))[:300]
    case.workflow_state = state
    case.process_ref, case.next_timer_at = wf.ref, wf.next_timer_at()
    case.workflow_rev = 1
    case.save()
    case_items = CaseItem.objects.bulk_create(
        [
            CaseItem(
                case=case,
                item=item,
                item_code=item.code,
                name=item.name,
                department=item.department,
                position=n,
                promised_limit=as_working_days(item.promised_time_limit, item.promised_time_unit),
                legal_limit=as_working_days(item.legal_time_limit, item.legal_time_unit),
            )
            for n, item in enumerate(target.items)
        ]
    )
    store_materials(case, plan, now)
    events = [
        event(
            case,
            EventKind.SUBMITTED,
            principal=principal,
            data={"channel": case.channel, "items": len(target.items)},
            at=now,
            save=False,
        )
    ]
    if case.pre_review:
        events.append(
            event(
                case,
                EventKind.PRE_REVIEWED,
                message=case.pre_review_reason,
                data={"result": case.pre_review},
                public=False,
                at=now,
                save=False,
            )
        )
    CaseEvent.objects.bulk_create(events)
    sync_tasks(case, wf, now=now, new_case=case_items)
    audit_case(
        "case.submitted",
        case,
        principal,
        target=target.code,
        kind=target.kind,
        channel=case.channel,
        on_behalf=bool(window),
    )
    notify_applicant(case, "case.submitted", "submitted")
    return case


__all__ = [
    "Applicant",
    "Application",
    "MaterialInput",
    "TargetKind",
    "applicant_of",
    "delete_draft",
    "save_draft",
    "submit",
    "walk_in_applicant",
]
