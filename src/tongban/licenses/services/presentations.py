"""电子亮证: the holder shows chosen fields of a licence as a QR code; anyone verifies it.

``present`` is for the signed-in holder only; ``verify_online`` is what ``POST /api/v1/verify`` and the
verifier page run: the offline verifier of :mod:`tongban.licenses.credentials.verify` with the
platform's current keys and status lists, plus names and titles to show the result.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import segno

from tongban.accounts.principal import Principal
from tongban.audits import services as audit
from tongban.licenses.constants import AccessKind, LicenseStatus
from tongban.licenses.credentials import jws
from tongban.licenses.credentials.encoding import b64url_encode
from tongban.licenses.credentials.errors import CredentialError
from tongban.licenses.credentials.presentation import (
    CREDENTIAL_TYP,
    MAX_LIFETIME,
    IssuedCredential,
    create_presentation,
    parse_presentation,
)
from tongban.licenses.credentials.statuslist import StatusList
from tongban.licenses.credentials.verify import VerificationResult, verify_presentation
from tongban.licenses.faces import face_fields
from tongban.licenses.holders import holder_for
from tongban.licenses.models import (
    License,
    LicenseAccess,
    LicenseType,
    LicenseVersion,
    Presentation,
)
from tongban.licenses.services import statuslists
from tongban.licenses.services.issuing import sign
from tongban.licenses.signing import key_records, platform_department_code, platform_signing_key
from tongban.organizations.models import Department
from tongban.utils.errors import Conflict, DomainError, NotFound, ValidationFailed

AUDIENCE = "tongban:verify"  # presentations are for any verifier of this platform


@dataclass(frozen=True)
class CreatedPresentation:
    token: str
    qr_svg: str
    expires_at: dt.datetime
    fields: list[str]


def qr_svg(data: str, *, scale: int = 3) -> str:
    """The QR code of ``data`` as an inline SVG (segno, error correction L to fit long tokens)."""
    qr = segno.make(data, error="l", micro=False)
    out = io.BytesIO()
    qr.save(
        out, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True, title=str(_("Licence QR code"))
    )
    return out.getvalue().decode()


def holder_license(principal: Principal, license_id: int, *, scope: str = "licenses:read") -> License:
    """A licence of the principal's wallet, or 404 (someone else's licence looks like none at all)."""
    holder = holder_for(principal, scope=scope)
    license = (
        License.objects.select_related("license_type", "issuer")
        .filter(pk=license_id, holder_hash=holder.hash)
        .first()
    )
    if license is None:
        raise NotFound("license_not_found", _("No such licence in your wallet."))
    return license


def present(
    principal: Principal, license_id: int, fields: Sequence[str], *, now: dt.datetime | None = None
) -> CreatedPresentation:
    """A short-lived presentation of ``fields`` of the holder's licence, with its QR code."""
    now = now or timezone.now()
    license = holder_license(principal, license_id, scope="licenses:write")
    if license.status != LicenseStatus.VALID or not license.is_current_on(timezone.localdate(now)):
        raise Conflict(
            "license_not_presentable",
            _("Only a valid licence can be shown; this one is %(status)s.")
            % {"status": license.get_status_display()},
        )
    wanted = list(dict.fromkeys(f for f in fields if isinstance(f, str)))
    if not wanted or len(wanted) != len(fields):
        raise DomainError("fields_required", _("Choose at least one field to show."), field="fields")
    if not license.credential:
        license = sign(license, now=now)
    available = set(license.face)
    unknown = [f for f in wanted if f not in available]
    if unknown:
        raise ValidationFailed(
            [
                DomainError("unknown_field", _("The licence has no field “%(name)s”.") % {"name": f}, field=f)
                for f in unknown
            ]
        )
    lifetime = dt.timedelta(seconds=max(30, min(settings.TONGBAN_PRESENTATION_SECONDS, MAX_LIFETIME.seconds)))
    nonce = b64url_encode(secrets.token_bytes(12))
    token = create_presentation(
        IssuedCredential(license.credential, tuple(license.disclosures)),
        disclose=wanted,
        key=platform_signing_key(now=now),
        audience=AUDIENCE,
        now=now,
        lifetime=lifetime,
        nonce=nonce,
    )
    expires_at = now.replace(microsecond=0) + lifetime
    assert principal.user is not None
    with transaction.atomic():
        Presentation.objects.create(
            license=license,
            created_by=principal.user,
            nonce=nonce,
            fields=wanted,
            created_at=now,
            expires_at=expires_at,
        )
        audit.record("license.presented", principal=principal, obj=license, summary={"fields": wanted})
    try:
        svg = qr_svg(token)
    except segno.DataOverflowError:
        svg = ""  # more than a version-40 QR code holds (long 经营范围): the token can still be sent
    return CreatedPresentation(token=token, qr_svg=svg, expires_at=expires_at, fields=wanted)


# --- verification -------------------------------------------------------------------------------------
@dataclass
class DisclosedField:
    name: str
    title: str
    value: Any


@dataclass
class OnlineVerification:
    result: VerificationResult
    type_name: str = ""
    issuer_name: str = ""
    fields: list[DisclosedField] = field(default_factory=list)
    verified_before: int = 0  # earlier successful checks of the same presentation (replay hint)


def _status_lists_for(token: str) -> dict[str, StatusList]:
    """Status lists the token's credential points at, straight from the database (always fresh)."""
    try:
        _header, payload = jws.peek(parse_presentation(token).credential)
    except CredentialError:
        return {}
    refs: list[Any] = payload["st"] if isinstance(payload.get("st"), list) else []
    return statuslists.current_lists(
        ref["l"] for ref in refs if isinstance(ref, dict) and isinstance(ref.get("l"), str)
    )


def _titles(type_code: str | None) -> tuple[str, dict[str, str]]:
    license_type = LicenseType.objects.filter(code=type_code).first() if type_code else None
    if license_type is None:
        return "", {}
    return license_type.name, {f.name: f.title for f in face_fields(license_type)}


def _license_for_identifier(identifier: str | None) -> License | None:
    if not identifier:
        return None
    license = License.objects.filter(identifier=identifier).first()
    if license is None:
        version = LicenseVersion.objects.select_related("license").filter(identifier=identifier).first()
        license = version.license if version else None
    return license


def verify_online(
    token: str, *, principal: Principal | None = None, now: dt.datetime | None = None
) -> OnlineVerification:
    """Verify a presentation against the platform's keys and current status lists; log a good check."""
    now = now or timezone.now()
    result = verify_presentation(
        token if isinstance(token, str) else "",
        keys=key_records(),
        status_lists=_status_lists_for(token) if isinstance(token, str) else {},
        now=now,
        platform_department=platform_department_code(),
        audience=AUDIENCE,
        max_age=dt.timedelta(seconds=min(settings.TONGBAN_PRESENTATION_SECONDS, MAX_LIFETIME.seconds)),
        enforce_status_ttl=False,  # read from the database just now
    )
    type_name, titles = _titles(result.type_code)
    issuer = Department.objects.filter(uscc=result.issuer).first() if result.issuer else None
    out = OnlineVerification(
        result=result,
        type_name=type_name,
        issuer_name=issuer.name if issuer else "",
        fields=[DisclosedField(n, titles.get(n, n), v) for n, v in result.disclosed_fields.items()],
    )
    if result.valid:
        _record_verification(result, principal=principal, now=now, out=out)
    return out


def _record_verification(
    result: VerificationResult, *, principal: Principal | None, now: dt.datetime, out: OnlineVerification
) -> None:
    license = _license_for_identifier(result.license_identifier)
    if license is None:
        return
    with transaction.atomic():
        presentation = Presentation.objects.select_for_update().filter(nonce=result.nonce or "").first()
        if presentation is not None:
            out.verified_before = presentation.verified_count
            Presentation.objects.filter(pk=presentation.pk).update(
                verified_count=F("verified_count") + 1, last_verified_at=now
            )
        staff = principal.staff if principal is not None else None
        LicenseAccess.objects.create(
            license=license,
            holder_hash=license.holder_hash,
            kind=AccessKind.VERIFICATION,
            department=staff.department if staff else None,
            staff=principal.user if staff and principal else None,
            system="" if staff else "verifier",
            purpose=str(_("Licence shown and verified (亮证核验)")),
            fields=sorted(result.disclosed_fields),
            accessed_at=now,
        )


def verify_stored_credential(license: License | LicenseVersion) -> bool:
    """Whether a stored credential still verifies under the published keys (used by reuse and checks)."""
    if not license.credential:
        return False
    try:
        jws.verify(license.credential, key_records(), typ=CREDENTIAL_TYP)
    except CredentialError:
        return False
    return True
