"""Materials of an application: which come from the licence library (with consent), shared data or
another department, which are uploaded; the consents and fetches; the stored rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.bundles.merge import MergedMaterial
from tongban.cases.constants import (
    MaterialSource,
    MaterialStatus,
)
from tongban.cases.models import Case, CaseMaterial, Upload
from tongban.cases.services.inputs import Applicant, Application, MaterialInput
from tongban.cases.targets import Target
from tongban.licenses.constants import HolderKind as LicenseHolderKind
from tongban.licenses.models import LicenseType
from tongban.licenses.services import reuse
from tongban.utils.errors import DomainError, ValidationFailed

SYSTEM_NAME = "tongban-cases"


def _consented(m: MergedMaterial, consents: set[str]) -> bool:
    lt = m.kind.license_type
    return m.kind.code in consents or (lt is not None and lt.code in consents)


def find_uploads(principal_user: User, inputs: Sequence[MaterialInput]) -> dict[str, Upload]:
    uids = [m.upload for m in inputs if m.upload]
    # By id alone (its unique index), then the owner: naming the owner too lets SQLite walk every upload
    # of a busy applicant through the owner index instead.
    rows = Upload.objects.filter(uid__in=valid_uuids(uids))
    found = {str(u.uid): u for u in rows if u.owner_id == principal_user.pk}
    missing = [uid for uid in uids if uid not in found]
    if missing:
        raise DomainError("upload_not_found", _("An uploaded file was not found; upload it again."))
    return found


def valid_uuids(values: Sequence[str]) -> list[str]:
    import uuid

    out = []
    for v in values:
        try:
            out.append(str(uuid.UUID(v)))
        except (ValueError, AttributeError, TypeError):
            raise DomainError(
                "upload_not_found", _("An uploaded file was not found; upload it again.")
            ) from None
    return out


@dataclass
class Planned:
    merged: MergedMaterial
    status: str
    source: str = ""
    upload: Upload | None = None
    license_type: LicenseType | None = None
    presentation_fields: dict[str, Any] | None = None
    note: str = ""


def plan_materials(
    target: Target,
    app: Application,
    uploads: dict[str, Upload],
    *,
    window: Principal | None,
) -> list[Planned]:
    """Decide each material's source; collect every problem before refusing (one answer, all issues)."""
    by_kind = {m.kind: m for m in app.materials}
    known = {m.kind.code for m in target.materials}
    errors: list[DomainError] = [
        DomainError("material_unknown", _("This application does not ask for this material."), field=code)
        for code in by_kind
        if code not in known
    ]
    consents = set(app.consents)
    plan: list[Planned] = []
    for m in target.materials:
        given = by_kind.get(m.kind.code)
        upload = uploads.get(given.upload) if given and given.upload else None
        basis = m.exemption.basis if m.exemption.exempt else ""
        if given is not None and given.presentation and window is not None:
            plan.append(_from_presentation(m, given.presentation, window, errors))
        elif basis == "e_license" and _consented(m, consents):
            plan.append(
                Planned(m, MaterialStatus.EXEMPT, MaterialSource.E_LICENSE, upload, m.kind.license_type)
            )
        elif basis in ("shared_data", "city_issued"):
            source = MaterialSource.SHARED_DATA if basis == "shared_data" else MaterialSource.CITY_ISSUED
            plan.append(Planned(m, MaterialStatus.EXEMPT, source, note=m.exemption.reason))
        elif upload is not None:
            plan.append(Planned(m, MaterialStatus.PROVIDED, MaterialSource.UPLOAD, upload))
        elif m.required:
            code = "material_consent_or_upload" if basis == "e_license" else "material_required"
            message = (
                _("Allow us to use your %(name)s from the licence library, or upload it.")
                if basis == "e_license"
                else _("Upload the %(name)s.")
            ) % {"name": m.name}
            errors.append(DomainError(code, message, field=m.kind.code))
        else:
            plan.append(Planned(m, MaterialStatus.MISSING))
    if errors:
        raise ValidationFailed(errors)
    return plan


def _from_presentation(
    m: MergedMaterial, token: str, window: Principal, errors: list[DomainError]
) -> Planned:
    from tongban.licenses.services.presentations import verify_online

    checked = verify_online(token, principal=window)
    lt = m.kind.license_type
    if not checked.result.valid or lt is None or checked.result.type_code != lt.code:
        errors.append(
            DomainError(
                "presentation_invalid",
                _("The licence QR code for %(name)s did not verify.") % {"name": m.name},
                field=m.kind.code,
                reason=checked.result.code,
            )
        )
        return Planned(m, MaterialStatus.MISSING)
    fields = {f.name: f.value for f in checked.fields}
    fields["identifier"] = checked.result.license_identifier or ""
    return Planned(
        m, MaterialStatus.EXEMPT, MaterialSource.LICENSE_QR, license_type=lt, presentation_fields=fields
    )


def fetch_licences(case: Case, applicant: Applicant, principal: Principal, plan: list[Planned]) -> None:
    """Record consents and fetch the exempt licences (verified, logged) for this case."""
    wanted = [p for p in plan if p.source == MaterialSource.E_LICENSE and p.license_type is not None]
    by_holder: dict[str, list[Planned]] = {}
    for p in wanted:
        assert p.license_type is not None
        by_holder.setdefault(p.license_type.holder_kind, []).append(p)
    errors = []
    for holder_kind, planned in by_holder.items():
        types = [p.license_type for p in planned if p.license_type is not None]
        as_person = holder_kind == LicenseHolderKind.NATURAL_PERSON
        grantor = principal
        if as_person and principal.acting_for is not None:
            # A person-held licence (the representative's own ID card) is consented by the person.
            grantor = Principal(
                user=principal.user, token_scopes=principal.token_scopes, channel=principal.channel
            )
        holder = applicant.person_holder if as_person else applicant.holder
        purpose = _("Application %(case_no)s") % {"case_no": case.case_no}
        if principal.is_staff_member:
            consent = reuse.record_in_person_consent(
                principal,
                holder=holder,
                acting_for=applicant.acting_for if not as_person else None,
                case_reference=case.case_no or "",
                license_types=types,
                purpose=purpose,
            )
        else:
            consent = reuse.grant_consent(
                grantor, case_reference=case.case_no or "", license_types=types, purpose=purpose
            )
        fetched = {
            r.license_type: r
            for r in reuse.fetch_under_consent(
                consent,
                holder=holder,
                license_types=types,
                department=case.lead_department,
                purpose=_("Exempt material of application %(case_no)s") % {"case_no": case.case_no},
                system=SYSTEM_NAME,
            )
        }
        for p in planned:
            assert p.license_type is not None
            got = fetched.get(p.license_type.code)
            if got is not None:
                p.presentation_fields = {
                    "license_id": got.license_id,
                    "identifier": got.identifier,
                    "number": got.number,
                    "holder_name": got.holder_name,
                    "issuer": got.issuer,
                    "valid_from": got.valid_from.isoformat(),
                    "valid_to": got.valid_to.isoformat() if got.valid_to else None,
                    "fields": got.fields,
                }
            elif p.upload is not None:
                p.status, p.source = MaterialStatus.PROVIDED, MaterialSource.UPLOAD
            elif p.merged.required:
                errors.append(
                    DomainError(
                        "material_not_in_library",
                        _("We found no valid %(name)s of yours in the licence library; upload it instead.")
                        % {"name": p.merged.name},
                        field=p.merged.kind.code,
                    )
                )
            else:
                p.status, p.source = MaterialStatus.MISSING, ""
    if errors:
        raise ValidationFailed(errors)


def store_materials(case: Case, plan: list[Planned], now: dt.datetime) -> None:
    rows = []
    for p in plan:
        fetched = p.presentation_fields or {}
        rows.append(
            CaseMaterial(
                case=case,
                kind=p.merged.kind,
                name=p.merged.name,
                needed_by=p.merged.needed_by,
                required=p.merged.required,
                source=p.source,
                status=p.status,
                exemption_note=(
                    p.note or (p.merged.exemption.reason if p.status == MaterialStatus.EXEMPT else "")
                )[:300],
                upload=p.upload,
                license_id=fetched.get("license_id"),
                license_type=p.license_type,
                fetched=fetched,
                provided_at=now if p.status != MaterialStatus.MISSING else None,
            )
        )
    CaseMaterial.objects.bulk_create(rows)


# --- submission -----------------------------------------------------------------------------------
