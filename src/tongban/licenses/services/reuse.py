"""免提交: a case fetches the applicant's licences from the library, with the holder's recorded consent.

``grant_consent`` and ``withdraw_consent`` are the holder's side; ``fetch_for_case`` is what other apps
(cases, the workbench) call. Every successful fetch is logged per licence, and the holder sees the log
in the wallet (谁用了我的证照).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import LegalPerson
from tongban.accounts.principal import Principal
from tongban.audits import services as audit
from tongban.licenses.constants import AccessKind, LicenseStatus
from tongban.licenses.credentials import jws
from tongban.licenses.credentials.errors import BAD_SIGNATURE, CredentialError
from tongban.licenses.credentials.presentation import CREDENTIAL_TYP, Disclosure, parse_credential_claims
from tongban.licenses.holders import Holder, holder_for
from tongban.licenses.models import Consent, License, LicenseAccess, LicenseType
from tongban.licenses.signing import key_records
from tongban.organizations.models import Department
from tongban.utils.errors import DomainError, Forbidden, NotFound

CASE_REFERENCE_MAX = 40
FETCH_FIELDS = (
    "identifier",
    "number",
    "holder_name",
    "valid_from",
    "valid_to",
    "issued_on",
    "credential",
    "disclosures",
    "license_type__code",
    "issuer__name",
)


def _clean_reference(value: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > CASE_REFERENCE_MAX:
        raise DomainError(
            "case_reference_invalid", _("Give the case number (at most 40 characters)."), field="case"
        )
    return value


def grant_consent(
    principal: Principal,
    *,
    case_reference: str,
    license_types: Iterable[LicenseType],
    purpose: str,
    departments: Iterable[Department] = (),
    expires_at: dt.datetime | None = None,
) -> Consent:
    """Record that the holder lets ``case_reference`` use their licences of ``license_types``."""
    holder = holder_for(principal, scope="licenses:write")
    types = list(dict.fromkeys(license_types))
    if not types:
        raise DomainError(
            "license_types_required", _("Choose at least one licence type."), field="license_types"
        )
    wrong = [t.name for t in types if t.holder_kind != holder.kind]
    if wrong:
        raise DomainError(
            "license_type_holder_mismatch",
            _("These licence types are not held by you: %(names)s.") % {"names": "、".join(wrong)},
            field="license_types",
        )
    purpose = (purpose or "").strip()[:200]
    if not purpose:
        raise DomainError("purpose_required", _("Say what the licences are used for."), field="purpose")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError("expiry_in_past", _("The consent would already have expired."), field="expires_at")
    assert principal.user is not None
    with transaction.atomic(savepoint=False):
        consent = Consent.objects.create(
            holder_hash=holder.hash,
            holder_name=holder.name,
            granted_by=principal.user,
            acting_for=principal.acting_for,
            case_reference=_clean_reference(case_reference),
            purpose=purpose,
            channel=principal.channel,
            expires_at=expires_at,
        )
        _link_types(consent, types)
        if departments := list(departments):
            consent.departments.set(departments)
        audit.record(
            "license.consent_granted",
            principal=principal,
            obj=consent,
            summary={"case": consent.case_reference, "types": sorted(t.code for t in types)},
        )
    return consent


def record_in_person_consent(
    staff: Principal,
    *,
    holder: Holder,
    acting_for: LegalPerson | None,
    case_reference: str,
    license_types: Iterable[LicenseType],
    purpose: str,
) -> Consent:
    """A window clerk records the consent a walk-in holder gave in person (signed 授权书 at the window).

    The consent is the holder's; ``granted_by`` is the clerk who recorded it and the channel says
    "window", so the holder's 谁用了我的证照 log shows exactly how it was given.
    """
    if not staff.is_staff_member or staff.user is None:
        raise Forbidden("staff_only", _("Only window staff record consents given in person."))
    types = list(dict.fromkeys(license_types))
    wrong = [t.name for t in types if t.holder_kind != holder.kind]
    if not types or wrong:
        raise DomainError(
            "license_type_holder_mismatch",
            _("These licence types are not held by this holder: %(names)s.") % {"names": "、".join(wrong)},
            field="license_types",
        )
    with transaction.atomic(savepoint=False):
        consent = Consent.objects.create(
            holder_hash=holder.hash,
            holder_name=holder.name,
            granted_by=staff.user,
            acting_for=acting_for,
            case_reference=_clean_reference(case_reference),
            purpose=(purpose or "").strip()[:200] or "-",
            channel="window",
        )
        _link_types(consent, types)
        audit.record(
            "license.consent_recorded_in_person",
            principal=staff,
            obj=consent,
            summary={"case": consent.case_reference, "types": sorted(t.code for t in types)},
        )
    return consent


def _link_types(consent: Consent, types: list[LicenseType]) -> None:
    """The consent's licence types, inserted at once (a new consent has none to compare with)."""
    through = Consent.license_types.through
    through.objects.bulk_create([through(consent_id=consent.pk, licensetype_id=t.pk) for t in types])
    consent._prefetched_objects_cache = {"license_types": types}  # type: ignore[attr-defined]


def withdraw_consent(principal: Principal, consent_id: int) -> Consent:
    """Withdraw a consent; fetches after this moment are refused, earlier ones stay logged."""
    holder = holder_for(principal, scope="licenses:write")
    with transaction.atomic():
        consent = Consent.objects.select_for_update().filter(pk=consent_id, holder_hash=holder.hash).first()
        if consent is None:
            raise NotFound("consent_not_found", _("No such consent."))
        if consent.withdrawn_at is None:
            consent.withdrawn_at = timezone.now()
            consent.save(update_fields=["withdrawn_at"])
            audit.record("license.consent_withdrawn", principal=principal, obj=consent)
    return consent


def consents_of(principal: Principal) -> list[Consent]:
    holder = holder_for(principal)
    return list(
        Consent.objects.filter(holder_hash=holder.hash).prefetch_related("license_types", "departments")
    )


@dataclass(frozen=True)
class ReusedLicense:
    """A licence as handed to a case: checked against its signature, with its face fields."""

    license_id: int
    identifier: str
    license_type: str
    number: str
    holder_name: str
    issuer: str
    valid_from: dt.date
    valid_to: dt.date | None
    fields: dict[str, Any]


def verified_face(license: License) -> dict[str, Any]:
    """The face fields as the signed credential vouches for them; ``credential_invalid`` otherwise."""
    try:
        _header, payload = jws.verify(license.credential, key_records(), typ=CREDENTIAL_TYP)
        claims = parse_credential_claims(payload)
        if claims.license_identifier != license.identifier:
            raise CredentialError(BAD_SIGNATURE, "credential of another licence")
        fields: dict[str, Any] = {}
        for encoded in license.disclosures:
            disclosure = Disclosure.parse(encoded)
            if disclosure.digest(claims.hash_name) not in claims.digests:
                raise CredentialError(BAD_SIGNATURE, f"disclosure {disclosure.name} not in the credential")
            fields[disclosure.name] = disclosure.value
    except (CredentialError, ValueError) as exc:
        raise DomainError(
            "credential_invalid",
            _("Licence %(number)s failed its signature check; ask the issuing department.")
            % {"number": license.number},
        ) from exc
    return fields


def fetch_for_case(
    *,
    holder: Holder,
    license_types: Sequence[LicenseType],
    case_reference: str,
    department: Department,
    purpose: str,
    staff: Principal | None = None,
    system: str = "",
    today: dt.date | None = None,
) -> list[ReusedLicense]:
    """The holder's current, valid licences of ``license_types`` for case ``case_reference``.

    Requires an active consent of the holder for that case covering every requested type and the
    department (``consent_required``, 403). Each licence's credential is verified before its data is
    returned, and each returned licence is logged with who fetched it and why.
    """
    case_reference = _clean_reference(case_reference)
    now = timezone.now()
    consents = [
        c
        for c in Consent.objects.filter(
            holder_hash=holder.hash, case_reference=case_reference
        ).prefetch_related("license_types", "departments")
        if c.is_active(now) and (not c.departments.all() or department in c.departments.all())
    ]
    covered = {t.pk: c for c in consents for t in c.license_types.all()}
    return _fetch(holder, license_types, covered, case_reference, department, purpose, staff, system, today)


def fetch_under_consent(
    consent: Consent,
    *,
    holder: Holder,
    license_types: Sequence[LicenseType],
    department: Department,
    purpose: str,
    system: str,
    today: dt.date | None = None,
) -> list[ReusedLicense]:
    """``fetch_for_case`` with the consent just granted for the case, without reading it back.

    For the submitting transaction of a case, which records the consent and fetches at once.
    """
    if consent.holder_hash != holder.hash or not consent.is_active(timezone.now()):
        raise Forbidden("consent_required", _("The holder has not consented to this case."))
    allowed = {t.pk for t in consent.license_types.all()}
    covered = {t.pk: consent for t in license_types if t.pk in allowed}
    return _fetch(
        holder, license_types, covered, consent.case_reference, department, purpose, None, system, today
    )


def _fetch(
    holder: Holder,
    license_types: Sequence[LicenseType],
    covered: dict[int, Consent],
    case_reference: str,
    department: Department,
    purpose: str,
    staff: Principal | None,
    system: str,
    today: dt.date | None,
) -> list[ReusedLicense]:
    purpose = (purpose or "").strip()[:200]
    if not purpose:
        raise DomainError("purpose_required", _("Say what the licences are used for."), field="purpose")
    if staff is None and not system:
        raise DomainError("accessor_required", _("Say which staff member or system is fetching."))
    now = timezone.now()
    today = today or timezone.localdate(now)
    missing = [t.name for t in license_types if t.pk not in covered]
    if missing:
        raise Forbidden(
            "consent_required",
            _("The holder has not consented to this case using: %(names)s.") % {"names": "、".join(missing)},
        )
    licenses = (
        License.objects.select_related("license_type", "issuer")
        .filter(holder_hash=holder.hash, license_type__in=list(license_types), status=LicenseStatus.VALID)
        # What the fetch returns and checks; the stored face and holder code (decrypted on load) and the
        # types' schemas are not needed: the values come from the verified credential.
        .only(*FETCH_FIELDS)
        .order_by("license_type__code", "-issued_on")
    )
    out: list[ReusedLicense] = []
    accesses: list[LicenseAccess] = []
    with transaction.atomic(savepoint=False):
        for license in licenses:
            if not license.is_current_on(today):
                continue
            fields = verified_face(license)
            out.append(
                ReusedLicense(
                    license_id=license.pk,
                    identifier=license.identifier,
                    license_type=license.license_type.code,
                    number=license.number,
                    holder_name=license.holder_name,
                    issuer=license.issuer.name,
                    valid_from=license.valid_from,
                    valid_to=license.valid_to,
                    fields=fields,
                )
            )
            accesses.append(
                LicenseAccess(
                    license=license,
                    holder_hash=holder.hash,
                    kind=AccessKind.REUSE,
                    department=department,
                    staff=staff.user if staff is not None else None,
                    system=system,
                    consent=covered[license.license_type_id],
                    case_reference=case_reference,
                    purpose=purpose,
                    fields=sorted(fields),
                    accessed_at=now,
                )
            )
        LicenseAccess.objects.bulk_create(accesses)
        audit.record(
            "license.reused",
            principal=staff,
            actor_label=None if staff is not None else system,
            summary={
                "case": case_reference,
                "department": department.slug,
                "types": sorted(t.code for t in license_types),
                "count": len(out),
            },
        )
    return out
