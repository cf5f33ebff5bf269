"""The applicant's pages: apply once (一次申请) for an item or a bundle, drafts, and 我的办件.

The principal applies as themself or for the legal person they act for (switched on the account page,
``portal:me``). The services decide everything (who may apply, what the form asks, which materials are
exempt, idempotent submission); these views read the request, call them and render. A principal who may
not apply gets a page saying why, with the error code.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.accounts.principal import Principal
from tongban.accounts.request import principal_for
from tongban.cases import forms_schema, prefill, presenters, query, steps, targets
from tongban.cases.clocks import Light
from tongban.cases.constants import CaseStatus, DeliveryMethod, TargetKind
from tongban.cases.models import Case
from tongban.cases.services import submission
from tongban.cases.services.submission import Applicant, Application, MaterialInput
from tongban.cases.targets import Target
from tongban.cases.views import applicant_forms as forms
from tongban.portal.catalog_views import localized
from tongban.utils import authz
from tongban.utils.errors import DomainError, Forbidden, NotFound

View = Callable[..., HttpResponse]

# Why a signed-in principal may not apply (``submission.applicant_of``): each gets a page saying what to do.
CANNOT_APPLY_CODES = frozenset({"not_verified", "representation_scope_missing", "applicant_only"})
LIGHT_CLASSES = {
    Light.GREEN: "badge-ok",
    Light.YELLOW: "badge-warn",
    Light.RED: "case-light-red",
    Light.SUSPENDED: "badge-info",
    Light.NONE: "",
}


def applicant_page(view: View) -> View:
    """Sign-in required, never cached; a principal who may not apply gets a page saying why (403)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Forbidden as exc:
            if exc.code not in CANNOT_APPLY_CODES:
                raise
            context = {"code": exc.code, "message": exc.message}
            return render(request, "cases/applicant/unavailable.html", context, status=403)

    return login_required(never_cache(wrapped))


def light_badge(light: str) -> dict[str, str]:
    """A deadline light as a badge with its words (the colour is never the only signal)."""
    return {"value": light, "label": str(Light(light).label), "css": LIGHT_CLASSES.get(Light(light), "")}


def error_text(exc: DomainError) -> str:
    return f"{exc.message} [{exc.code}]"


def _refuse_lookups(exc: DomainError) -> None:
    """Not-found and not-allowed keep their own pages; only a refused request re-renders the form."""
    if isinstance(exc, NotFound | Forbidden):
        raise exc


# --- the application form -----------------------------------------------------------------------------
# Errors of the postal address carry fields "address.<name>" (logistics.addresses).
ADDRESS_PREFIX = "address."


@dataclass
class FormState:
    """What the form shows: answers as typed, kept files, consents, delivery and the submission key."""

    values: dict[str, str]
    uploads: dict[str, str] = field(default_factory=dict)
    consents: set[str] | None = None  # None: every licence-library material ticked (the default)
    delivery: str = DeliveryMethod.ELECTRONIC
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    errors: forms.Errors = field(default_factory=forms.Errors)
    address: dict[str, str] = field(default_factory=dict)  # the postal address, when results go by post


def _initial(principal: Principal, target: Target, draft: Case | None, request: HttpRequest) -> FormState:
    values = {k: forms.as_text(v) for k, v in prefill.prefill(target.fields, principal).items()}
    if draft is None:
        return FormState(values)
    values.update({k: forms.as_text(v) for k, v in draft.form.items()})
    memory = draft.draft_materials or {}  # the draft's files and consents, kept with the draft
    consents = memory.get("consents")
    return FormState(
        values,
        uploads=dict(memory.get("uploads") or {}),
        consents=set(consents) if consents is not None else None,
        delivery=draft.delivery_method,
    )


def _form_url(target: Target, draft: Case | None) -> str:
    if draft is not None:
        return reverse("cases:draft", kwargs={"uid": draft.uid})
    return reverse("cases:apply", kwargs={"kind": target.kind, "code": target.code})


def _situations_url(target: Target, draft: Case | None) -> str:
    query_string = urlencode({"step": "situations", forms.SITUATION: target.situations}, doseq=True)
    return f"{_form_url(target, draft)}?{query_string}"


def _target_name(target: Target) -> str:
    return localized(target.bundle) if target.bundle is not None else localized(target.items[0])


def _render_form(
    request: HttpRequest,
    principal: Principal,
    applicant: Applicant,
    target: Target,
    state: FormState,
    *,
    draft: Case | None = None,
    status: int = 200,
) -> HttpResponse:
    schema = forms_schema.form_schema(target.fields)
    consent_codes = {
        m.kind.code for m in target.materials if m.exemption.exempt and m.exemption.basis == "e_license"
    }
    consents = consent_codes if state.consents is None else state.consents
    uploads = forms.uploads_of(principal.user, state.uploads)
    situation_labels = []
    if target.bundle is not None:
        by_code = {s.code: localized(s, "question") for s in target.bundle.situations.all()}
        situation_labels = [by_code.get(code, code) for code in target.situations]
    holder = applicant.acting_for
    # Said before the applicant types anything; ``submit`` refuses it with the same rule.
    mismatch = not target.audience_legal if holder is not None else not target.audience_natural
    context = {
        "target": target,
        "target_name": _target_name(target),
        "draft": draft,
        "applicant": applicant,
        "holder_name": holder.name if holder is not None else applicant.person.real_name,
        "audience_mismatch": mismatch,
        "situation_labels": situation_labels,
        "has_situations": target.bundle is not None and target.bundle.situations.exists(),
        "situations_url": _situations_url(target, draft),
        "fields": forms.field_rows(
            schema,
            state.values,
            state.errors,
            prefilled=prefill.prefill(target.fields, principal),
            sources=prefill.prefill_sources(target.fields, principal),
        ),
        "materials": forms.material_rows(
            target.materials, target.items, uploads=uploads, consents=consents, errors=state.errors
        ),
        "accept": forms.ACCEPT,
        "max_mb": forms.max_upload_mb(),
        "deliveries": [
            {"value": value, "label": label, "checked": value == state.delivery}
            for value, label in DeliveryMethod.choices
        ],
        "delivery_errors": state.errors.fields.get("delivery_method", []),
        "postal": _postal_form(state),
        "errors": state.errors,
        "key": state.key,
        "action_url": _form_url(target, draft),
    }
    return render(request, "cases/applicant/apply.html", context, status=status)


def _postal_form(state: FormState) -> dict[str, Any] | None:
    """The address fields shown with "by post" (logistics renders them), or None without postal service."""
    step = steps.postal_step()
    if step is None:
        return None
    problems = {
        key.removeprefix(ADDRESS_PREFIX): [p.message for p in found]
        for key, found in state.errors.fields.items()
        if key.startswith(ADDRESS_PREFIX)
    }
    return {
        **step.form_context(),
        "template": step.template,
        "values": state.address,
        "errors": {name: "；".join(messages) for name, messages in problems.items()},
    }


def _check_address(state: FormState, action: str) -> list[str]:
    """Results by post need a usable address (not for a draft: drafts keep no address). Returns the
    field keys of the errors added."""
    step = steps.postal_step()
    if step is None or state.delivery != DeliveryMethod.MAIL or action == "draft":
        return []
    keys = [f"{ADDRESS_PREFIX}{name}" for name in step.fields]
    try:
        step.check(state.address)
    except DomainError as exc:
        state.errors.add(exc, fields=keys, materials=[])
    return keys


def _render_situations(
    request: HttpRequest, target: Target, chosen: list[str], *, draft: Case | None, error: str = ""
) -> HttpResponse:
    assert target.bundle is not None
    context = {
        "target": target,
        "target_name": _target_name(target),
        "draft": draft,
        "situations": [
            {"code": s.code, "question": localized(s, "question"), "checked": s.code in chosen}
            for s in target.bundle.situations.all()
        ],
        "action_url": _form_url(target, draft),
        "error": error,
    }
    return render(request, "cases/applicant/situations.html", context, status=400 if error else 200)


def _show(
    request: HttpRequest,
    principal: Principal,
    applicant: Applicant,
    kind: str,
    code: str,
    *,
    draft: Case | None = None,
) -> HttpResponse:
    """GET: the situations step of a bundle (until the applicant answered it), then the form."""
    asked = forms.SITUATION in request.GET or "chosen" in request.GET
    chosen = request.GET.getlist(forms.SITUATION) if asked or draft is None else list(draft.situations)
    try:
        target = targets.resolve(kind, code, chosen)
    except DomainError as exc:
        if exc.code != "situation_unknown":
            raise
        return _render_situations(
            request, targets.resolve(kind, code), [], draft=draft, error=error_text(exc)
        )
    if target.bundle is not None and target.bundle.situations.exists():
        wants_step = request.GET.get("step") == "situations"
        if wants_step or (draft is None and not asked):
            return _render_situations(request, target, chosen, draft=draft)
    state = _initial(principal, target, draft, request)
    return _render_form(request, principal, applicant, target, state, draft=draft)


def _already_submitted(principal: Principal, key: str) -> Case | None:
    """The case this form's key already made: a double click or a refreshed POST lands on it.

    Looked up before files are stored again (a second copy of a file would make the retry look like a
    different application to the idempotency check).
    """
    if not key or principal.user is None:
        return None
    found = submission.by_idempotency_key(principal.user, key)
    return found if found is not None and authz.can_see(principal, found) else None


def _post(
    request: HttpRequest,
    principal: Principal,
    applicant: Applicant,
    kind: str,
    code: str,
    *,
    draft: Case | None = None,
) -> HttpResponse:
    action = request.POST.get("action", "submit")
    key = request.POST.get("idempotency_key", "").strip()[:100]
    if action != "draft":
        done = _already_submitted(principal, key)
        if done is not None:
            messages.info(
                request,
                _("This application was already submitted as case %(case_no)s.") % {"case_no": done.case_no},
            )
            return redirect("cases:detail", case_no=done.case_no)
    target = targets.resolve(kind, code, request.POST.getlist(forms.SITUATION))
    schema = forms_schema.form_schema(target.fields)
    keys = list(schema["properties"])
    codes = [m.kind.code for m in target.materials]
    errors = forms.Errors()
    answers = forms.answers_from(request.POST, keys)
    uploads = forms.take_uploads(request, principal, codes, errors)
    consents = set(request.POST.getlist(forms.CONSENT))
    delivery = request.POST.get("delivery_method", DeliveryMethod.ELECTRONIC)
    state = FormState(answers, uploads, consents, delivery, key or uuid.uuid4().hex, errors)
    postal = steps.postal_step()
    if postal is not None:
        state.address = {name: request.POST.get(f"post_{name}", "").strip() for name in postal.fields}
    address_keys = _check_address(state, action)
    if errors:
        # A refused file: nothing is saved; show the form's own problems along with it.
        forms.check_answers(schema, answers, errors, draft=action == "draft")
        return _render_form(request, principal, applicant, target, state, draft=draft, status=400)
    app = Application(
        target_kind=target.kind,
        target_code=target.code,
        form=dict(answers),
        situations=target.situations,
        materials=[MaterialInput(c, uid) for c, uid in uploads.items()],
        consents=sorted(consents),
        delivery_method=delivery,
    )
    try:
        if action == "draft":
            saved = submission.save_draft(principal, app, draft=draft)
        else:
            case = submission.submit(principal, app, idempotency_key=key, draft=draft)
    except DomainError as exc:
        _refuse_lookups(exc)
        if exc.code == "idempotency_key_reused" and exc.params.get("case_no"):
            messages.warning(request, error_text(exc))
            return redirect("cases:detail", case_no=exc.params["case_no"])
        errors.add(exc, fields=[*keys, "delivery_method", *address_keys], materials=codes)
        return _render_form(request, principal, applicant, target, state, draft=draft, status=exc.status)
    if action == "draft":
        messages.success(request, _("Your draft was saved. Continue it any time from My cases."))
        return redirect("cases:draft", uid=saved.uid)
    messages.success(
        request, _("Your application was submitted. Case number: %(case_no)s") % {"case_no": case.case_no}
    )
    if postal is not None and case.delivery_method == DeliveryMethod.MAIL:
        try:
            postal.request(principal, case, state.address, key=f"{case.idempotency_key or key}:post")
        except DomainError:
            # The case stands; the address can still be given on the tracking page.
            messages.warning(
                request, _("We could not keep the address; please give it on the tracking page.")
            )
    return redirect("cases:detail", case_no=case.case_no)


@applicant_page
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """一次申请: one form for an item, or for a bundle after its situations (``?s=`` repeated)."""
    if kind not in TargetKind.values:
        raise NotFound()
    p = principal_for(request)
    applicant = submission.applicant_of(p)
    if request.method == "POST":
        return _post(request, p, applicant, kind, code)
    return _show(request, p, applicant, kind, code)


@applicant_page
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """A saved draft, resumed: the same form, saved again or submitted."""
    p = principal_for(request)
    applicant = submission.applicant_of(p)
    found = query.my_drafts(p).filter(uid=uid).first()
    if found is None:
        # Submitted meanwhile (another tab, or this form posted twice): show the case.
        done = query.my_cases(p).filter(uid=uid).first()
        if done is None:
            raise NotFound()
        if request.method == "POST":
            messages.info(
                request,
                _("This application was already submitted as case %(case_no)s.") % {"case_no": done.case_no},
            )
        return redirect("cases:detail", case_no=done.case_no)
    if request.method == "POST":
        return _post(request, p, applicant, found.target_kind, found.target_code, draft=found)
    return _show(request, p, applicant, found.target_kind, found.target_code, draft=found)


@applicant_page
@require_POST
def draft_delete(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    p = principal_for(request)
    found = query.my_drafts(p).filter(uid=uid).first()
    if found is None:
        raise NotFound()
    submission.delete_draft(p, found)
    messages.success(request, _("The draft was deleted."))
    return redirect("cases:mine")


# --- 我的办件 -------------------------------------------------------------------------------------------
@applicant_page
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    """我的办件: submitted cases with status, light and remaining working days; drafts; status filter."""
    p = principal_for(request)
    if p.is_staff_member:
        raise Forbidden("applicant_only", _("Staff find cases in the workbench."))
    qs = query.my_cases(p)
    counts = {row["status"]: row["n"] for row in qs.order_by().values("status").annotate(n=Count("pk"))}
    chosen = request.GET.get("status", "")
    if chosen not in CaseStatus.values or chosen == CaseStatus.DRAFT:
        chosen = ""
    page = Paginator(qs.filter(status=chosen) if chosen else qs, 20).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = []
    for case in page:
        summary = presenters.case_summary(case, today)
        rows.append({**summary, "light": light_badge(summary["clock"]["light"])})
    filters = [{"value": "", "label": _("All"), "count": sum(counts.values())}] + [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in CaseStatus.choices
        if value != CaseStatus.DRAFT and (counts.get(value) or value == chosen)
    ]
    context = {
        "rows": rows,
        "page": page,
        "filters": filters,
        "chosen": chosen,
        "drafts": list(query.my_drafts(p).order_by("-updated_at")[:50]),
        "acting_for": p.acting_for,
    }
    return render(request, "cases/applicant/index.html", context)
