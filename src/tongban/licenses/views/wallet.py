"""The holder's licence wallet (我的证照): the cards, one licence, showing it as a QR code (电子亮证), a
printable copy, who used it (谁用了我的证照) and the consents for reuse (免提交).

Every page acts for ``holder_for(principal)``: the signed-in person, or the legal person they act for
with the 查看证照 authorisation. Someone else's licence is a 404, exactly like one that does not exist.
Pages showing face fields or tokens are never cached. The services do the work; these views only read
the form, call them and render.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import segno

from tongban.accounts.request import principal_for
from tongban.licenses import query
from tongban.licenses.constants import AccessKind, HolderKind, LicenseStatus
from tongban.licenses.credentials.presentation import MAX_LIFETIME
from tongban.licenses.faces import face_fields
from tongban.licenses.holders import holder_for
from tongban.licenses.models import License, LicenseType
from tongban.licenses.services import presentations, reuse
from tongban.licenses.services.presentations import CreatedPresentation
from tongban.utils.errors import DomainError, Forbidden, NotFound, ValidationFailed
from tongban.utils.masking import mask_name
from tongban.utils.urls import site_url

# Why a signed-in principal has no wallet (``holder_for``): each gets a page that explains what to do.
NO_WALLET_CODES = frozenset({"not_verified", "representation_scope_missing", "holder_only"})
STATUS_BADGE: dict[str, str] = {
    LicenseStatus.VALID: "badge-ok",
    LicenseStatus.SUSPENDED: "badge-warn",
    LicenseStatus.EXPIRED: "badge-warn",
    LicenseStatus.REVOKED: "badge-bad",
    LicenseStatus.SUPERSEDED: "badge-info",
}

View = Callable[..., HttpResponse]


def wallet_page(*, status: int = 403) -> Callable[[View], View]:
    """Sign-in required, never cached; a principal without a wallet gets a page saying why (``status``)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except Forbidden as exc:
                if exc.code not in NO_WALLET_CODES:
                    raise
                context = {"code": exc.code, "message": exc.message}
                return render(request, "licenses/wallet/unavailable.html", context, status=status)

        return login_required(never_cache(wrapped))

    return decorate


# --- QR codes -----------------------------------------------------------------------------------------
def verify_link(token: str) -> str:
    """The verifier page with the token in ``?t=``: what a phone's camera app opens."""
    path = reverse("licenses:verify")
    return f"{site_url(path)}?{urlencode({'t': token})}"


def qr_markup(data: str) -> str:
    """Inline SVG of ``data`` (error correction L, any version), sized by CSS through its viewBox.

    Raises ``segno.DataOverflowError`` when ``data`` does not fit a version-40 QR code (2,953 bytes).
    """
    qr = segno.make(data, error="l", micro=False)
    out = io.BytesIO()
    qr.save(
        out,
        kind="svg",
        scale=1,
        border=4,
        xmldecl=False,
        svgns=True,
        omitsize=True,
        svgclass="qr-code",
        title=_("Licence QR code"),
    )
    return out.getvalue().decode()


def presentation_qr(token: str) -> tuple[str, str]:
    """(SVG, what it encodes): the verifier link when it fits, else the bare token, else nothing.

    The link lets any camera app open the verifier; it costs about 45 bytes, at most one QR version
    (see docs/licenses-wallet.md for the measurements).
    """
    for kind, data in (("link", verify_link(token)), ("token", token)):
        try:
            return qr_markup(data), kind
        except segno.DataOverflowError:
            continue
    return "", ""


def lifetime_seconds() -> int:
    """How long a presentation lives: the setting, clamped as ``presentations.present`` clamps it."""
    return max(30, min(settings.TONGBAN_PRESENTATION_SECONDS, MAX_LIFETIME.seconds))


# --- helpers ------------------------------------------------------------------------------------------
def _titles(license_type: LicenseType) -> dict[str, str]:
    return {f.name: f.title for f in face_fields(license_type)}


def _status(license: License) -> dict[str, str]:
    return {
        "value": license.status,
        "label": license.get_status_display(),
        "badge": STATUS_BADGE[license.status],
    }


def _expiring(license: License, today: dt.date) -> bool:
    horizon = today + dt.timedelta(days=settings.TONGBAN_LICENSE_EXPIRY_WARNING_DAYS)
    return (
        license.status == LicenseStatus.VALID
        and license.valid_to is not None
        and today <= license.valid_to <= horizon
    )


def _holder_name(license: License, *, unmask: bool) -> str:
    """A person's name is masked like the personal face fields; an enterprise's name is public."""
    if unmask or license.holder_kind != HolderKind.NATURAL_PERSON:
        return license.holder_name
    return mask_name(license.holder_name)


def _presentable(license: License) -> bool:
    return license.status == LicenseStatus.VALID and license.is_current_on(timezone.localdate())


def _error_text(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(str(e.message) for e in exc.errors)
    return str(exc.message)


def _refuse_lookups(exc: DomainError) -> None:
    """Not-found and not-allowed keep their own pages; only a refused request re-renders the form."""
    if isinstance(exc, NotFound | Forbidden):
        raise exc


# --- wallet -------------------------------------------------------------------------------------------
@wallet_page(status=200)
@require_GET
def wallet(request: HttpRequest) -> HttpResponse:
    """The cards of every licence the holder can still use or must know about, filtered by status."""
    p = principal_for(request)
    holder = holder_for(p)
    licences = list(query.wallet(p))
    counts = dict.fromkeys(query.WALLET_STATUSES, 0)
    for licence in licences:
        counts[LicenseStatus(licence.status)] += 1
    chosen = request.GET.get("status", "")
    if chosen not in counts:
        chosen = ""
    today = timezone.localdate()
    cards = [
        {"license": lic, "status": _status(lic), "expiring": _expiring(lic, today)}
        for lic in licences
        if not chosen or lic.status == chosen
    ]
    filters = [{"value": "", "label": _("All"), "count": len(licences)}] + [
        {"value": s.value, "label": s.label, "count": counts[s]} for s in query.WALLET_STATUSES
    ]
    context = {
        "holder": holder,
        "acting_for": p.acting_for,
        "cards": cards,
        "filters": filters,
        "chosen": chosen,
        "expiring_count": sum(1 for c in cards if c["expiring"]),
        "expiring_days": settings.TONGBAN_LICENSE_EXPIRY_WARNING_DAYS,
    }
    return render(request, "licenses/wallet/index.html", context)


def _detail(
    request: HttpRequest,
    license: License,
    *,
    unmask: bool = False,
    error: str | Promise = "",
    chosen: Sequence[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = query.face_rows(license, unmask=unmask)
    choices = [
        {
            "name": r["name"],
            "title": r["title"],
            "personal": r["personal"],
            "checked": (r["name"] in chosen) if chosen is not None else not r["personal"],
        }
        for r in rows
    ]
    context = {
        "license": license,
        "status": _status(license),
        "expiring": _expiring(license, timezone.localdate()),
        "rows": rows,
        "unmask": unmask,
        "holder_name": _holder_name(license, unmask=unmask),
        "holder_code": license.holder_code if unmask else license.masked_holder_code,
        "versions": list(license.versions.order_by("-version")),
        "choices": choices,
        "presentable": _presentable(license),
        "error": error,
        "lifetime_minutes": max(1, lifetime_seconds() // 60),
    }
    return render(request, "licenses/wallet/license.html", context, status=status)


@wallet_page()
@require_GET
def license_detail(request: HttpRequest, license_id: int) -> HttpResponse:
    """One licence: face fields (personal ones masked unless ``?unmask=1``), history, the 亮证 form."""
    licence = presentations.holder_license(principal_for(request), license_id)
    return _detail(request, licence, unmask=request.GET.get("unmask") == "1")


def _presented_context(created: CreatedPresentation, license: License) -> dict[str, Any]:
    svg, kind = presentation_qr(created.token)
    titles = _titles(license.license_type)
    seconds_left = max(0, int((created.expires_at - timezone.now()).total_seconds()))
    return {
        "created": created,
        "qr_svg": svg,
        "qr_kind": kind,
        "disclosed": [titles.get(name, name) for name in created.fields],
        "seconds_left": seconds_left,
        "minutes": max(1, round(seconds_left / 60)),
    }


@wallet_page()
@require_http_methods(["GET", "POST"])
def present(request: HttpRequest, license_id: int) -> HttpResponse:
    """电子亮证: a presentation of the chosen fields, shown as a QR code (rendered, never stored).

    A GET (the language or large-text switch sends the reader back to the current URL) goes to the
    licence page: the code is never in a URL, so a new one is made there.
    """
    p = principal_for(request)
    licence = presentations.holder_license(p, license_id)
    if request.method == "GET":
        return redirect("licenses:wallet_license", license_id=licence.pk)
    fields = request.POST.getlist("fields")
    try:
        created = presentations.present(p, licence.pk, fields)
    except DomainError as exc:
        _refuse_lookups(exc)
        return _detail(request, licence, error=_error_text(exc), chosen=fields, status=exc.status)
    context = {"license": licence} | _presented_context(created, licence)
    return render(request, "licenses/wallet/presented.html", context)


@wallet_page()
@require_http_methods(["GET", "POST"])
def print_license(request: HttpRequest, license_id: int) -> HttpResponse:
    """A4 copy of the non-personal face fields; POST adds a QR code of a fresh presentation of them.

    The QR code is a presentation (it expires like any other) rather than a permanent link: only a
    signed presentation lets the verifier vouch for the printed values (docs/licenses-wallet.md).
    """
    p = principal_for(request)
    licence = presentations.holder_license(p, license_id)
    rows = [r for r in query.face_rows(licence) if not r["personal"]]
    context: dict[str, Any] = {
        "license": licence,
        "status": _status(licence),
        "rows": rows,
        "presentable": _presentable(licence) and bool(rows),
        "lifetime_minutes": max(1, lifetime_seconds() // 60),
        "printed_at": timezone.now(),
        "qr_error": "",
    }
    if request.method == "POST":
        try:
            created = presentations.present(p, licence.pk, [r["name"] for r in rows])
        except DomainError as exc:
            _refuse_lookups(exc)
            context["qr_error"] = _error_text(exc)
        else:
            context |= _presented_context(created, licence)
    return render(request, "licenses/wallet/print.html", context)


# --- who used my licences, consents -------------------------------------------------------------------
@wallet_page()
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    """谁用了我的证照: every fetch for a case, verification of a presentation and staff look."""
    p = principal_for(request)
    kind = request.GET.get("kind", "")
    if kind not in AccessKind.values:
        kind = ""
    page = Paginator(query.access_log(p, kind=kind or None), 20).get_page(request.GET.get("page"))
    titles: dict[int, dict[str, str]] = {}
    rows = []
    for access in page:
        row = query.access_row(access)
        license_type = access.license.license_type
        type_titles = titles.setdefault(license_type.pk, _titles(license_type))
        row["field_titles"] = [type_titles.get(name, name) for name in row["fields"]]
        rows.append(row)
    kinds = [{"value": "", "label": _("All")}] + [
        {"value": k, "label": label} for k, label in AccessKind.choices
    ]
    context = {"page": page, "rows": rows, "kinds": kinds, "kind": kind, "holder": holder_for(p)}
    return render(request, "licenses/wallet/access_log.html", context)


@wallet_page()
@require_GET
def consents(request: HttpRequest) -> HttpResponse:
    """The consents the holder granted for cases to fetch their licences (免提交), withdrawable."""
    p = principal_for(request)
    now = timezone.now()
    items = [{"consent": c, "active": c.is_active(now)} for c in reuse.consents_of(p)]
    return render(request, "licenses/wallet/consents.html", {"items": items, "holder": holder_for(p)})


@wallet_page()
@require_POST
def withdraw_consent(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = reuse.withdraw_consent(principal_for(request), consent_id)
    messages.success(
        request,
        _("Consent for case %(case)s was withdrawn. Earlier uses stay in the log.")
        % {"case": consent.case_reference},
    )
    return redirect("licenses:wallet_consents")
