"""One case as its applicant sees it: summary, items and decisions, results in the licence wallet, the
timeline, the domain figures, the open one-time notice with its supplement form (补正), and withdrawal.

Cases the principal may not see are a 404, exactly like cases that do not exist (``query.case_for``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.accounts.principal import Principal
from tongban.accounts.request import principal_for
from tongban.cases import forms_schema, presenters, query, targets
from tongban.cases.constants import CaseStatus, EventKind, ItemStatus, MaterialSource, MaterialStatus
from tongban.cases.models import Case
from tongban.cases.services import flow, supplements
from tongban.cases.services.submission import MaterialInput
from tongban.cases.views import applicant_forms as forms
from tongban.cases.views.applicant import applicant_page, error_text, light_badge
from tongban.utils import authz
from tongban.utils.errors import Conflict, DomainError, Forbidden, NotFound
from tongban.utils.money import yuan

ITEM_BADGES = {
    ItemStatus.APPROVED: "badge-ok",
    ItemStatus.REJECTED: "case-light-red",
    ItemStatus.CANCELLED: "",
    ItemStatus.PENDING: "badge-info",
    ItemStatus.IN_REVIEW: "badge-info",
}


def _case(principal: Principal, case_no: str, action: str) -> Case:
    case = query.case_for(principal, case_no)
    authz.authorize(principal, action, case)
    return case


def _notice_targets(notice: dict[str, Any] | None) -> tuple[list[str], list[str]]:
    """(material kinds, field keys) the open notice asks for, in its order."""
    materials: list[str] = []
    fields: list[str] = []
    for entry in (notice or {}).get("entries", []):
        kind, _sep, code = str(entry.get("target", "")).partition(":")
        (materials if kind == "material" else fields).append(code)
    return materials, fields


def _schema_of(case: Case) -> dict[str, Any]:
    try:
        target = targets.resolve(case.target_kind, case.target_code, case.situations)
    except DomainError:
        # The item was withdrawn from the catalogue since: the fields are asked as plain text.
        return {"properties": {}}
    return forms_schema.form_schema(target.fields)


def _render_detail(
    request: HttpRequest,
    principal: Principal,
    case: Case,
    *,
    values: dict[str, str] | None = None,
    uploads: dict[str, str] | None = None,
    errors: forms.Errors | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = errors or forms.Errors()
    detail = presenters.case_detail(case, principal)
    item_labels = dict(ItemStatus.choices)
    wallet = dict(
        case.items.filter(result_license__isnull=False).values_list("item_code", "result_license_id")
    )
    names = {i["item_code"]: i["name"] for i in detail["items"]}
    items = [
        {
            **i,
            "status_label": item_labels.get(i["status"], i["status"]),
            "badge": ITEM_BADGES.get(ItemStatus(i["status"]), ""),
            "wallet_id": wallet.get(i["item_code"]),
        }
        for i in detail["items"]
    ]
    material_labels, source_labels = dict(MaterialStatus.choices), dict(MaterialSource.choices)
    materials = [
        {
            **m,
            "status_label": material_labels.get(m["status"], m["status"]),
            "source_label": source_labels.get(m["source"], ""),
            "needed_by_names": [names.get(c, c) for c in m["needed_by"]],
        }
        for m in detail["materials"]
    ]
    notice = detail["notice"]
    supplement: dict[str, Any] | None = None
    if notice is not None:
        material_codes, field_keys = _notice_targets(notice)
        by_kind = {m["kind"]: m["name"] for m in detail["materials"]}
        schema = _schema_of(case) if field_keys else {"properties": {}}
        shown = values if values is not None else {k: forms.as_text(case.form.get(k)) for k in field_keys}
        labels = {r.key: r.label for r in forms.field_rows(schema, {}, errors, keys=field_keys)}
        entries = []
        for entry in notice["entries"]:
            kind, _sep, code = str(entry.get("target", "")).partition(":")
            entries.append(
                {
                    "kind": kind,
                    "code": code,
                    "label": by_kind.get(code, code) if kind == "material" else labels.get(code, code),
                    "reason": entry.get("reason", ""),
                    "text": entry.get("text", ""),
                }
            )
        kept = forms.uploads_of(principal.user, uploads or {})
        supplement = {
            "entries": entries,
            "fields": forms.field_rows(schema, shown, errors, keys=field_keys),
            "materials": [
                {
                    "code": code,
                    "id": forms.material_id(code),
                    "name": by_kind.get(code, code),
                    "upload": kept.get(code),
                    "errors": errors.materials.get(code, []),
                }
                for code in material_codes
            ],
            "may": authz.can(principal, "supplement", case),
        }
    charged = case.events.filter(kind=EventKind.PAYMENT_DUE).order_by("-at", "-pk").first()
    context = {
        "case": case,
        "detail": detail,
        # The paying step: what is due (the latest word on it), and whether the case ever charged fees.
        "payment_due": (
            {**charged.data, "amount": yuan(int(charged.data.get("amount_cents") or 0))}
            if charged is not None and case.status == CaseStatus.PAYING
            else None
        ),
        "charged": charged is not None,
        "light": light_badge(detail["clock"]["light"]),
        "items": items,
        "materials": materials,
        "figures": detail["figures"],
        "supplement": supplement,
        "errors": errors,
        "accept": forms.ACCEPT,
        "max_mb": forms.max_upload_mb(),
        # Frozen when the case closes; until then, the clock's count so far.
        "elapsed": (
            detail["figures"]["elapsed_working_days"]
            if detail["figures"]["elapsed_working_days"] is not None
            else detail["clock"]["elapsed_working_days"]
        ),
        "results": [i for i in items if i["result_license"]],
    }
    return render(request, "cases/applicant/detail.html", context, status=status)


@applicant_page
@require_GET
def detail(request: HttpRequest, case_no: str) -> HttpResponse:
    p = principal_for(request)
    return _render_detail(request, p, _case(p, case_no, "view"))


@applicant_page
@require_POST
def supplement(request: HttpRequest, case_no: str) -> HttpResponse:
    """补正: upload the materials and correct the fields the open one-time notice lists."""
    p = principal_for(request)
    case = _case(p, case_no, "supplement")
    notice = supplements.open_notice(case)
    if notice is None:
        messages.error(request, _("This case is not waiting for a supplement."))
        return redirect("cases:detail", case_no=case.case_no)
    material_codes, field_keys = _notice_targets({"entries": notice.entries})
    errors = forms.Errors()
    uploads = forms.take_uploads(request, p, material_codes, errors)
    answers = forms.answers_from(request.POST, field_keys)
    if errors:
        return _render_detail(request, p, case, values=answers, uploads=uploads, errors=errors, status=400)
    try:
        supplements.supplement(
            p,
            case,
            form=answers,
            materials=[MaterialInput(code, uid) for code, uid in uploads.items()],
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        if isinstance(exc, Conflict):
            messages.error(request, error_text(exc))
            return redirect("cases:detail", case_no=case.case_no)
        errors.add(exc, fields=field_keys, materials=material_codes)
        case.refresh_from_db()
        return _render_detail(
            request, p, case, values=answers, uploads=uploads, errors=errors, status=exc.status
        )
    messages.success(request, _("We received your supplement; your case goes on."))
    return redirect("cases:detail", case_no=case.case_no)


@applicant_page
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, case_no: str) -> HttpResponse:
    """撤回: a confirm page (reason optional), then the withdrawal; only before any decision."""
    p = principal_for(request)
    case = _case(p, case_no, "withdraw")
    if request.method == "GET":
        detail = presenters.case_detail(case, p)
        if not detail["may_withdraw"]:
            messages.error(request, _("A case can be withdrawn only before any decision."))
            return redirect("cases:detail", case_no=case.case_no)
        return render(request, "cases/applicant/withdraw.html", {"case": case, "detail": detail})
    try:
        flow.withdraw(p, case, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        messages.error(request, error_text(exc))
        return redirect("cases:detail", case_no=case.case_no)
    messages.success(request, _("Case %(case_no)s was withdrawn.") % {"case_no": case.case_no})
    return redirect("cases:detail", case_no=case.case_no)
