"""Front desk (帮办代办): a window clerk registers a case for the applicant standing at the window.

Step ``find``: the applicant by ID number (the look-up is recorded for the person, as on the workbench
home page), optionally the business they act for by its credit code, and the item or bundle. Who was
found is kept in the session, never in the page. Step ``form`` shows the same generated form as the
applicant side (``forms_schema.form_schema`` of ``targets.resolve``), the materials (upload, the
applicant's in-person consent to fetch an e-licence, or the licence QR code their wallet shows), and the
delivery method; ``submit`` calls ``submission.submit(walk_in=…)``, which records the clerk as
``registered_by`` and opens the acceptance task.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tongban.accounts import services as accounts
from tongban.accounts.constants import StaffRole
from tongban.accounts.models import LegalPerson, NaturalPerson
from tongban.accounts.principal import Principal
from tongban.accounts.request import principal_for
from tongban.bundles.constants import BundleState
from tongban.bundles.models import Bundle
from tongban.cases import forms_schema
from tongban.cases.constants import DeliveryMethod, TargetKind, TaskKind, TaskStatus
from tongban.cases.models import Case, Upload
from tongban.cases.services import files, submission
from tongban.cases.services.submission import Application, MaterialInput
from tongban.cases.targets import Target, resolve
from tongban.cases.views.workbench_panels import Problem, problem
from tongban.licenses.credentials.presentation import MAX_PRESENTATION_LENGTH
from tongban.licenses.views.verifier import clean_token
from tongban.utils import authz
from tongban.utils.errors import DomainError, Forbidden, ValidationFailed
from tongban.workbench.access import staff_required

SESSION_KEY = "tb_cases_walk_in"
TEMPLATE = "cases/workbench/walk_in.html"
_INPUT_TYPES = {
    forms_schema.TEXTAREA: "textarea",
    forms_schema.NUMBER: "number",
    forms_schema.DATE: "date",
    forms_schema.PHONE: "tel",
    forms_schema.EMAIL: "email",
    forms_schema.CHOICE: "select",
}


def _clerk(request: HttpRequest) -> Principal:
    p = principal_for(request)
    if StaffRole.WINDOW_CLERK not in p.roles:
        raise Forbidden(
            "window_clerk_required", _("Only window clerks register cases for walk-in applicants.")
        )
    return p


# --- who is applying ----------------------------------------------------------------------------------
def _find(p: Principal, data: Mapping[str, Any]) -> tuple[NaturalPerson, LegalPerson | None]:
    """Look the applicant up (recorded for them) and the business they act for; raises DomainError."""
    raw = str(data.get("id_number", "")).strip()
    if not raw:
        raise DomainError("id_number_required", _("Enter the applicant's ID number."), field="id_number")
    person = accounts.find_person_by_id_number(raw)
    if person is None or not authz.can_see(p, person):
        raise DomainError(
            "person_not_found", _("No registered person has this ID number."), field="id_number"
        )
    authz.authorize(p, "view", person)
    accounts.record_personal_data_access(
        principal=p, person=person, purpose=_("Walk-in registration (帮办代办)")
    )
    legal = None
    uscc = str(data.get("uscc", "")).strip().upper()
    if uscc:
        legal = LegalPerson.objects.filter(uscc=uscc).first()
        if legal is None:
            raise DomainError(
                "legal_person_not_found", _("No registered business has this code."), field="uscc"
            )
    submission.walk_in_applicant(person, legal)  # the person must be authorised for the business
    return person, legal


def _remembered(request: HttpRequest) -> tuple[NaturalPerson, LegalPerson | None] | None:
    saved = request.session.get(SESSION_KEY) or {}
    person_id, legal_id = saved.get("person"), saved.get("legal")
    if not isinstance(person_id, int):
        return None
    person = NaturalPerson.objects.select_related("user").filter(pk=person_id).first()
    if person is None:
        return None
    legal = LegalPerson.objects.filter(pk=legal_id).first() if isinstance(legal_id, int) else None
    return person, legal


def _target(data: Mapping[str, Any], situations: list[str]) -> Target:
    kind = str(data.get("target_kind", ""))
    bundle, item = str(data.get("bundle_code", "")).strip(), str(data.get("item_code", "")).strip()
    if kind == TargetKind.BUNDLE and not bundle and item:
        kind = TargetKind.ITEM  # an item code typed in with the radio left on "bundle"
    elif kind == TargetKind.ITEM and not item and bundle:
        kind = TargetKind.BUNDLE
    code = (bundle if kind == TargetKind.BUNDLE else item) or str(data.get("target_code", ""))
    if kind not in TargetKind.values or not code.strip():
        raise DomainError(
            "target_required", _("Choose a bundle, or enter the code of an item."), field="target_code"
        )
    return resolve(kind, code, situations)


# --- the form -----------------------------------------------------------------------------------------
def _form_fields(schema: Mapping[str, Any], values: Mapping[str, str], errors: Mapping[str, str]) -> list:
    out = []
    for n, (key, prop) in enumerate(schema.get("properties", {}).items()):
        kind = prop.get("x-kind", forms_schema.TEXT)
        out.append(
            {
                "key": key,
                "name": f"form__{key}",
                "id": f"wf-{n}",
                "title": prop.get("title") or key,
                "kind": kind,
                "input_type": _INPUT_TYPES.get(kind, "text"),
                "value": values.get(key, ""),
                "options": prop.get("x-options", []),
                "max_length": prop.get("maxLength") or "",
                "error": errors.get(key, ""),
            }
        )
    return out


def _material_rows(
    p: Principal, target: Target, data: Mapping[str, Any], errors: Mapping[str, str]
) -> list[dict[str, Any]]:
    uids = {m.kind.code: str(data.get(f"upload__{m.kind.code}", "")).strip() for m in target.materials}
    known = {
        str(u.uid): u.original_name
        for u in Upload.objects.filter(owner=p.user, uid__in=[_uuid(v) for v in uids.values() if _uuid(v)])
    }
    consents = set(data.getlist("consent")) if hasattr(data, "getlist") else set()
    rows = []
    for n, m in enumerate(target.materials):
        code = m.kind.code
        basis = m.exemption.basis if m.exemption.exempt else ""
        uid = uids[code] if uids[code] in known else ""
        rows.append(
            {
                "n": n,
                "code": code,
                "name": m.name,
                "required": m.required,
                "conditions": m.conditions,
                "e_license": basis == "e_license",
                "between_departments": basis in ("shared_data", "city_issued"),
                "exemption_reason": m.exemption.reason,
                "qr": m.kind.license_type is not None,
                "upload_uid": uid,
                "upload_name": known.get(uid, ""),
                "consent": code in consents,
                "presentation": str(data.get(f"presentation__{code}", "")),
                "error": errors.get(code, ""),
            }
        )
    return rows


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        return ""


def _form_context(
    p: Principal,
    applicant: tuple[NaturalPerson, LegalPerson | None],
    target: Target,
    data: Mapping[str, Any],
    failed: Problem | None,
) -> dict[str, Any]:
    errors = failed.fields if failed else {}
    schema = forms_schema.form_schema(target.fields)
    values = {key: str(data.get(f"form__{key}", "")) for key in schema["properties"]}
    situations = target.bundle.situations.all() if target.bundle is not None else []
    return {
        "step": "form",
        "person": applicant[0],
        "legal": applicant[1],
        "target": target,
        "situations": [
            {"code": s.code, "question": s.question, "checked": s.code in target.situations, "n": n}
            for n, s in enumerate(situations)
        ],
        "fields": _form_fields(schema, values, errors),
        "materials": _material_rows(p, target, data, errors),
        "delivery_methods": DeliveryMethod.choices,
        "delivery_method": data.get("delivery_method") or DeliveryMethod.ELECTRONIC,
        "idempotency_key": str(data.get("idempotency_key", "")) or uuid.uuid4().hex,
        "max_presentation": MAX_PRESENTATION_LENGTH,
        "failed": failed,
    }


def _find_context(data: Mapping[str, Any], failed: Problem | None) -> dict[str, Any]:
    return {
        "step": "find",
        "bundles": Bundle.objects.filter(state=BundleState.PUBLISHED).order_by("name"),
        "posted": data,
        "target_kind": data.get("target_kind") or TargetKind.BUNDLE,
        "failed": failed,
    }


# --- submission ---------------------------------------------------------------------------------------
def _store_files(p: Principal, request: HttpRequest, target: Target) -> tuple[dict[str, str], list]:
    """Check and store the files chosen now (earlier ones travel as upload ids); problems per material."""
    uids: dict[str, str] = {}
    errors: list[DomainError] = []
    for m in target.materials:
        code = m.kind.code
        file = request.FILES.get(f"file__{code}")
        if file is not None:
            try:
                stored = files.store_upload(
                    p, name=file.name or "", data=file.read(), declared_type=file.content_type or ""
                )
            except DomainError as exc:
                errors.append(DomainError(exc.code, exc.message, field=code))
                continue
            uids[code] = str(stored.uid)
        elif _uuid(request.POST.get(f"upload__{code}", "")):
            uids[code] = request.POST[f"upload__{code}"]
    return uids, errors


def _submit(
    p: Principal,
    data: QueryDict,
    uids: Mapping[str, str],
    applicant: tuple[NaturalPerson, LegalPerson | None],
    target: Target,
) -> Case:
    schema = forms_schema.form_schema(target.fields)
    codes = [m.kind.code for m in target.materials]
    tokens = {code: clean_token(data.get(f"presentation__{code}", "")) for code in codes}
    app = Application(
        target_kind=target.kind,
        target_code=target.code,
        form={key: data.get(f"form__{key}", "") for key in schema["properties"]},
        situations=target.situations,
        materials=[
            MaterialInput(code, uids.get(code, ""), tokens[code])
            for code in codes
            if uids.get(code) or tokens[code]
        ],
        consents=[code for code in data.getlist("consent") if code in codes],
        delivery_method=data.get("delivery_method", DeliveryMethod.ELECTRONIC),
    )
    return submission.submit(
        p,
        app,
        idempotency_key=data.get("idempotency_key", ""),
        walk_in=submission.walk_in_applicant(*applicant),
    )


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def walk_in(request: HttpRequest) -> HttpResponse:
    p = _clerk(request)
    if request.method == "GET":
        request.session.pop(SESSION_KEY, None)
        return render(request, TEMPLATE, _find_context({}, None))
    step = request.POST.get("step", "")
    data = request.POST
    if step == "find":
        try:
            person, legal = _find(p, data)
            target = _target(data, [])
        except DomainError as exc:
            return render(request, TEMPLATE, _find_context(data, problem(exc)), status=exc.status)
        request.session[SESSION_KEY] = {"person": person.pk, "legal": legal.pk if legal else None}
        return render(request, TEMPLATE, _form_context(p, (person, legal), target, {}, None))
    applicant = _remembered(request)
    if applicant is None:
        lost = DomainError("walk_in_restart", _("Look the applicant up again."), field="id_number")
        return render(request, TEMPLATE, _find_context({}, problem(lost)), status=400)
    try:
        target = _target(data, data.getlist("situations"))
    except DomainError as exc:
        return render(request, TEMPLATE, _find_context(data, problem(exc)), status=exc.status)
    if step != "submit":  # the situations changed: the same page with the form they bring
        return render(request, TEMPLATE, _form_context(p, applicant, target, data, None))
    uids, upload_errors = _store_files(p, request, target)
    answers = data.copy()  # stored files travel on as upload ids: a re-render never asks for them again
    for code, uid in uids.items():
        answers[f"upload__{code}"] = uid
    try:
        if upload_errors:
            raise ValidationFailed(upload_errors)
        case = _submit(p, answers, uids, applicant, target)
    except DomainError as exc:
        failed = problem(exc)
        context = _form_context(p, applicant, target, answers, failed)
        return render(request, TEMPLATE, context, status=exc.status)
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        _("Case %(case_no)s was registered for %(name)s.")
        % {"case_no": case.case_no, "name": case.holder_name},
    )
    accept = case.tasks.filter(kind=TaskKind.ACCEPT, status=TaskStatus.OPEN).first()
    if accept is not None and authz.can_see(p, accept):
        return redirect("cases_workbench:task", accept.pk)
    return redirect("cases_workbench:inbox")
