"""Licence library API: the holder's wallet, showing and verifying licences, trust documents, consent.

Verification and the trust documents need no sign-in (anyone may check a licence shown to them);
everything else acts for the signed-in holder, or for staff of the issuing department.
"""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tongban.accounts.request import principal_for
from tongban.api.auth import principal
from tongban.licenses import query
from tongban.licenses.holders import Holder, check_holder_code
from tongban.licenses.models import Consent, License, LicenseType
from tongban.licenses.schemas import (
    AccessOut,
    ConsentIn,
    ConsentOut,
    LicenseDetailOut,
    LicenseSummaryOut,
    PresentationIn,
    PresentationOut,
    ReusedOut,
    ReuseIn,
    StatusListIndexOut,
    StatusListOut,
    VerifyIn,
    VerifyOut,
)
from tongban.licenses.services import presentations, reuse, statuslists
from tongban.licenses.signing import published_keys
from tongban.organizations.models import Department
from tongban.utils.errors import DomainError, Forbidden, ValidationFailed

router = Router(tags=["licences"])
public_router = Router(tags=["licence verification"], auth=None)


def _summary(license: License) -> dict[str, Any]:
    return {
        "id": license.pk,
        "identifier": license.identifier,
        "number": license.number,
        "type": license.license_type,
        "issuer": license.issuer,
        "holder_name": license.holder_name,
        "issued_on": license.issued_on,
        "valid_from": license.valid_from,
        "valid_to": license.valid_to,
        "status": license.status,
        "status_label": str(license.get_status_display()),
        "version": license.version,
    }


@router.get("/me/licenses", response=list[LicenseSummaryOut], summary="Your licence wallet (电子证照)")
@paginate(LimitOffsetPagination)
def my_licenses(
    request: HttpRequest, status: str | None = None, type: str | None = None
) -> QuerySet[License]:
    """Licences held by you, or by the enterprise you act for (with the 查看证照 authorisation)."""
    return query.wallet(principal(request), status=status, type_code=type)


@router.get("/licenses/{license_id}", response=LicenseDetailOut, summary="One licence with its face fields")
def license_detail(request: HttpRequest, license_id: int, unmask: bool = False) -> dict[str, Any]:
    """Personal face fields are masked; the holder may ask for them with ``unmask=true``. Staff of the
    issuing department may open the licence too, always masked, and their look is logged."""
    p = principal(request)
    license, as_holder = query.license_for(p, license_id)
    if not as_holder:
        query.log_staff_view(p, license)
    versions = [
        {
            "version": v.version,
            "identifier": v.identifier,
            "valid_from": v.valid_from,
            "valid_to": v.valid_to,
            "superseded_at": v.superseded_at,
            "reason": v.superseded_reason,
        }
        for v in license.versions.order_by("-version")
    ]
    return _summary(license) | {
        "holder_code": license.holder_code if (as_holder and unmask) else license.masked_holder_code,
        "holder_code_type": license.holder_code_type,
        "status_reason": license.status_reason,
        "fields": query.face_rows(license, unmask=as_holder and unmask),
        "signed": bool(license.credential),
        "signing_kid": license.signing_kid,
        "versions": versions,
    }


@router.post(
    "/licenses/{license_id}/presentations",
    response={201: PresentationOut},
    summary="Show chosen fields of your licence as a short-lived QR code (电子亮证)",
)
def create_presentation(request: HttpRequest, license_id: int, body: PresentationIn) -> Status[Any]:
    created = presentations.present(principal(request), license_id, body.fields)
    return Status(201, created)


@public_router.post("/verify", response=VerifyOut, summary="Verify a licence presentation")
def verify(request: HttpRequest, body: VerifyIn) -> dict[str, Any]:
    """Checks signature, freshness, validity dates and status; returns only the disclosed fields.
    Never an error for a bad token: ``valid`` is false and ``code`` says why."""
    checked = presentations.verify_online(body.token, principal=principal_for(request))
    r = checked.result
    return {
        "valid": r.valid,
        "code": r.code,
        "license_identifier": r.license_identifier,
        "type_code": r.type_code,
        "type_name": checked.type_name,
        "issuer": r.issuer,
        "issuer_name": checked.issuer_name,
        "valid_from": r.valid_from,
        "valid_to": r.valid_to,
        "disclosed": [vars(f) for f in checked.fields],
        "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in r.checks],
        "verified_before": checked.verified_before,
    }


@public_router.get("/trust/keys", summary="Public keys of every issuer and of the platform (JWKS)")
def trust_keys(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    """Active and retired keys: credentials signed by a retired key keep verifying. ``platform`` is
    the USCC whose keys sign presentations and status lists. Cache it; it changes on rotation only."""
    patch_cache_control(response, public=True, max_age=3600)
    return published_keys()


@public_router.get("/trust/status", response=StatusListIndexOut, summary="Ids of every status list")
def trust_status_index(request: HttpRequest) -> dict[str, Any]:
    return {"lists": statuslists.status_list_ids(), "ttl": settings.TONGBAN_STATUS_LIST_TTL}


@public_router.get("/trust/status/{list_id}", response=StatusListOut, summary="A signed status list")
def trust_status(request: HttpRequest, response: HttpResponse, list_id: str) -> dict[str, Any]:
    """Bitstring status list (``<id>-rev`` revocation, ``<id>-sus`` suspension), signed by the platform."""
    token = statuslists.signed_status_list(list_id)
    patch_cache_control(response, public=True, max_age=min(300, settings.TONGBAN_STATUS_LIST_TTL))
    return {"list_id": list_id, "token": token}


@router.get(
    "/me/license-access-log", response=list[AccessOut], summary="Who used my licences (谁用了我的证照)"
)
@paginate(LimitOffsetPagination)
def my_access_log(request: HttpRequest, kind: str | None = None) -> list[dict[str, Any]]:
    return [query.access_row(a) for a in query.access_log(principal(request), kind=kind)]


def _consent_out(consent: Consent) -> dict[str, Any]:
    return {
        "id": consent.pk,
        "case_reference": consent.case_reference,
        "purpose": consent.purpose,
        "license_types": list(consent.license_types.all()),
        "departments": list(consent.departments.all()),
        "granted_at": consent.granted_at,
        "expires_at": consent.expires_at,
        "withdrawn_at": consent.withdrawn_at,
        "active": consent.is_active(),
    }


@router.get("/me/license-consents", response=list[ConsentOut], summary="Consents you granted for reuse")
def my_consents(request: HttpRequest) -> list[dict[str, Any]]:
    return [_consent_out(c) for c in reuse.consents_of(principal(request))]


def _types(codes: list[str]) -> list[LicenseType]:
    found = {t.code: t for t in LicenseType.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationFailed(
            [
                DomainError(
                    "license_type_unknown",
                    _("Unknown licence type %(code)s.") % {"code": c},
                    field="license_types",
                )
                for c in unknown
            ]
        )
    return [found[c] for c in codes]


@router.post("/me/license-consents", response={201: ConsentOut}, summary="Let a case use your licences")
def grant_consent(request: HttpRequest, body: ConsentIn) -> Status[Any]:
    departments = list(Department.objects.filter(slug__in=body.departments))
    if len(departments) != len(set(body.departments)):
        raise DomainError("department_unknown", _("Unknown department."), field="departments")
    consent = reuse.grant_consent(
        principal(request),
        case_reference=body.case_reference,
        license_types=_types(body.license_types),
        purpose=body.purpose,
        departments=departments,
        expires_at=body.expires_at,
    )
    return Status(201, _consent_out(consent))


@router.post("/me/license-consents/{consent_id}/withdraw", response=ConsentOut, summary="Withdraw a consent")
def withdraw_consent(request: HttpRequest, consent_id: int) -> dict[str, Any]:
    return _consent_out(reuse.withdraw_consent(principal(request), consent_id))


@router.post(
    "/staff/license-reuse", response=list[ReusedOut], summary="Fetch an applicant's licences for a case"
)
def staff_reuse(request: HttpRequest, body: ReuseIn) -> list[Any]:
    """For department staff and systems (token with the ``workbench`` scope): needs the holder's consent
    for the case; every licence returned is logged for the holder to see."""
    p = principal(request)
    p.require_scope("workbench")
    if p.staff is None:
        raise Forbidden("staff_only", _("Only department staff can fetch licences for a case."))
    types = _types(body.license_types)
    kinds = {t.holder_kind for t in types}
    if len(kinds) != 1:
        raise DomainError(
            "license_types_mixed", _("Ask for one holder kind at a time."), field="license_types"
        )
    kind = kinds.pop()
    code_type, code = check_holder_code(kind, body.holder_code)
    holder = Holder(kind=kind, code_type=code_type, code=code, name="")
    return list(
        reuse.fetch_for_case(
            holder=holder,
            license_types=types,
            case_reference=body.case_reference,
            department=p.staff.department,
            purpose=body.purpose,
            staff=p,
        )
    )
