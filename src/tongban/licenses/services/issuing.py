"""Issuing licences, signing them, and moving a licence to a new version (correction, renewal).

Every write goes through here: the row, its status-list slot and its signed credential change in one
transaction. Signing needs the issuing department's key (``tongban.licenses.signing``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.principal import Principal
from tongban.audits import services as audit
from tongban.licenses.constants import LONG_TERM, LONG_TERM_TEXT, LicenseSource, LicenseStatus, VersionReason
from tongban.licenses.credentials.presentation import issue_credential
from tongban.licenses.faces import check_face, normalize_face, validity_end
from tongban.licenses.holders import check_holder_code, holder_hash
from tongban.licenses.identifiers import build_identifier, parse_identifier
from tongban.licenses.models import License, LicenseType, LicenseVersion
from tongban.licenses.services import statuslists
from tongban.licenses.signing import signing_key
from tongban.organizations.models import Department
from tongban.utils.errors import Conflict, DomainError

# Face fields that mirror the licence's own metadata (shared names across seed types, see
# demo/catalog/license_faces.py): filled in when missing, refused when they disagree.
NUMBER_FIELD = "licence_number"
DATE_FIELDS = {"issue_date": "issued_on", "valid_from": "valid_from"}
VALID_TO_FIELD = "valid_to"
HOLDER_NAME_FIELD = "holder_name"  # 名称 / 持证人: the holder's name, on the types that print it
UNSET: Any = object()


def new_serial() -> str:
    """流水号 of a new licence: 16 random hexadecimal capitals (unique by chance, checked by the index)."""
    return secrets.token_hex(8).upper()


def default_number(issued_on: dt.date, serial: str) -> str:
    return f"{issued_on:%Y}{serial[:12]}"


def _may_issue(license_type: LicenseType, issuer: Department) -> bool:
    allowed = license_type.issuing_department_id
    return issuer.pk == allowed or issuer.parent_id == allowed


def _face_with_metadata(
    license_type: LicenseType,
    face: Mapping[str, Any],
    *,
    number: str,
    dates: Mapping[str, dt.date],
    valid_to: dt.date | None,
) -> dict[str, Any]:
    props = (license_type.face_schema or {}).get("properties", {})
    out = normalize_face(face)
    expected: dict[str, str] = {NUMBER_FIELD: number}
    expected |= {name: dates[attr].isoformat() for name, attr in DATE_FIELDS.items()}
    valid_to_text = valid_to.isoformat() if valid_to else LONG_TERM_TEXT
    expected[VALID_TO_FIELD] = valid_to_text
    for name, value in expected.items():
        if name not in props:
            continue
        if name not in out:
            if (
                name == VALID_TO_FIELD
                and valid_to is None
                and "长期" not in str(props[name].get("pattern", ""))
            ):
                continue  # a type whose valid_to field cannot say 长期 leaves it empty
            out[name] = value
        elif str(out[name]) != value:
            raise DomainError(
                "face_metadata_mismatch",
                _("The face field %(field)s says %(face)s but the licence says %(meta)s.")
                % {"field": name, "face": out[name], "meta": value},
                field=name,
            )
    return out


@dataclass(frozen=True)
class Dates:
    issued_on: dt.date
    valid_from: dt.date
    valid_to: dt.date | None


def resolve_dates(
    license_type: LicenseType,
    *,
    issued_on: dt.date | None,
    valid_from: dt.date | None,
    valid_to: dt.date | str | None = UNSET,
    today: dt.date | None = None,
) -> Dates:
    """Issue date, start and end of validity, with the type's validity rule applied to a missing end."""
    today = today or timezone.localdate()
    issued_on = issued_on or today
    valid_from = valid_from or issued_on
    if issued_on > today:
        raise DomainError(
            "issue_date_in_future", _("The date of issue cannot be in the future."), field="issued_on"
        )
    if valid_from < issued_on:
        raise DomainError(
            "valid_from_before_issue",
            _("Validity cannot start before the date of issue."),
            field="valid_from",
        )
    if valid_to is UNSET:
        end = validity_end(license_type, valid_from)
    elif valid_to is None or valid_to in (LONG_TERM, LONG_TERM_TEXT):
        end = validity_end(license_type, valid_from, LONG_TERM)
    else:
        end = validity_end(license_type, valid_from, valid_to)
    return Dates(issued_on, valid_from, end)


def sign(license: License, *, now: dt.datetime | None = None) -> License:
    """(Re)sign the current version: allocate a status slot if it has none, then the credential."""
    now = now or timezone.now()
    with transaction.atomic():
        if license.status_list_id is None:
            record, index = statuslists.allocate(1)[0]
            license.status_list, license.status_index = record, index
        assert license.status_list is not None and license.status_index is not None
        key = signing_key(license.issuer.uscc, now=now)
        issued = issue_credential(
            key=key,
            license_identifier=license.identifier,
            type_code=license.license_type.code,
            holder_kind=license.holder_kind,
            fields=license.face,
            valid_from=license.valid_from,
            valid_to=license.valid_to,
            status=statuslists.status_refs(license.status_list, license.status_index),
            now=now,
        )
        license.credential = issued.token
        license.disclosures = list(issued.disclosures)
        license.signing_kid = key.kid
        license.signed_at = now
        license.save(
            update_fields=[
                "status_list",
                "status_index",
                "credential",
                "disclosures",
                "signing_kid",
                "signed_at",
                "updated_at",
            ]
        )
    return license


def issue_license(
    *,
    license_type: LicenseType,
    issuer: Department,
    holder_code: str,
    holder_name: str,
    face: Mapping[str, Any],
    number: str | None = None,
    issued_on: dt.date | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | str | None = UNSET,
    source: str = LicenseSource.ISSUED,
    principal: Principal | None = None,
    now: dt.datetime | None = None,
) -> License:
    """Validate, store and sign a new licence (version 1). Raises ``DomainError``/``ValidationFailed``."""
    now = now or timezone.now()
    if not _may_issue(license_type, issuer):
        raise DomainError(
            "license_issuer_not_allowed",
            _("%(department)s does not issue %(type)s.")
            % {"department": issuer.name, "type": license_type.name},
            field="issuer",
        )
    if not issuer.uscc:
        raise DomainError(
            "issuer_without_code", _("The issuing department has no credit code."), field="issuer"
        )
    code_type, code = check_holder_code(license_type.holder_kind, holder_code)
    holder_name = (holder_name or "").strip()
    if not holder_name:
        raise DomainError("holder_name_required", _("Give the holder's name."), field="holder_name")
    dates = resolve_dates(
        license_type,
        issued_on=issued_on,
        valid_from=valid_from,
        valid_to=valid_to,
        today=timezone.localdate(now),
    )
    serial = new_serial()
    number = (number or "").strip() or default_number(dates.issued_on, serial)
    full_face = _face_with_metadata(
        license_type,
        face,
        number=number,
        dates={"issued_on": dates.issued_on, "valid_from": dates.valid_from},
        valid_to=dates.valid_to,
    )
    check_face(license_type, full_face, today=timezone.localdate(now))
    with transaction.atomic():
        license = License.objects.create(
            license_type=license_type,
            identifier=build_identifier(license_type.code, issuer.uscc, serial, 1),
            number=number,
            version=1,
            issuer=issuer,
            holder_kind=license_type.holder_kind,
            holder_code_type=code_type,
            holder_name=holder_name,
            holder_code=code,
            holder_hash=holder_hash(code_type, code),
            issued_on=dates.issued_on,
            valid_from=dates.valid_from,
            valid_to=dates.valid_to,
            face=full_face,
            status=LicenseStatus.VALID,
            status_changed_at=now,
            source=source,
        )
        sign(license, now=now)
        audit.record(
            "license.issued",
            principal=principal,
            obj=license,
            summary={"type": license_type.code, "issuer": issuer.slug, "source": source},
        )
    return license


def _archive(license: License, *, now: dt.datetime, reason: str, correction: Any = None) -> LicenseVersion:
    return LicenseVersion.objects.create(
        license=license,
        version=license.version,
        identifier=license.identifier,
        number=license.number,
        holder_name=license.holder_name,
        issued_on=license.issued_on,
        valid_from=license.valid_from,
        valid_to=license.valid_to,
        face=license.face,
        status_list=license.status_list,
        status_index=license.status_index,
        credential=license.credential,
        signing_kid=license.signing_kid,
        signed_at=license.signed_at,
        version_reason=license.version_reason,
        superseded_at=now,
        superseded_reason=reason,
        correction=correction,
    )


def new_version(
    license: License,
    *,
    changes: Mapping[str, Any],
    reason: str,
    version_reason: str = VersionReason.CORRECTION,
    principal: Principal | None = None,
    correction: Any = None,
    now: dt.datetime | None = None,
) -> License:
    """Replace the licence's current version by a corrected one, re-signed; the old one is superseded.

    ``changes`` maps face field names to new values; ``holder_name``, ``valid_to`` and ``number`` change
    the licence's metadata as well. The old credential is revoked through the status list (as
    superseded), so presentations of it stop verifying; the identifier's version goes up by one.
    """
    now = now or timezone.now()
    with transaction.atomic():
        license = (
            License.objects.select_for_update().select_related("license_type", "issuer").get(pk=license.pk)
        )
        if license.status not in (LicenseStatus.VALID, LicenseStatus.SUSPENDED):
            raise Conflict(
                "license_not_current",
                _("A %(status)s licence cannot get a new version.")
                % {"status": license.get_status_display()},
            )
        if license.version >= 999:
            raise Conflict(
                "license_version_exhausted", _("This licence has reached its last version number.")
            )
        face = dict(license.face)
        meta = {k: changes[k] for k in ("holder_name", "number", "valid_to") if k in changes}
        face_changes = {k: v for k, v in changes.items() if k not in meta}
        face.update(face_changes)
        props = (license.license_type.face_schema or {}).get("properties", {})
        if "holder_name" in meta and HOLDER_NAME_FIELD in props:  # the name printed on the licence too
            face[HOLDER_NAME_FIELD] = str(meta["holder_name"]).strip()
        number = str(meta.get("number", license.number)).strip()
        if NUMBER_FIELD in face_changes:
            number = str(face_changes[NUMBER_FIELD]).strip()
        valid_to: Any = meta.get("valid_to", license.valid_to)
        if VALID_TO_FIELD in face_changes:
            valid_to = face_changes[VALID_TO_FIELD]
        if isinstance(valid_to, str) and valid_to not in (LONG_TERM, LONG_TERM_TEXT):
            try:
                valid_to = dt.date.fromisoformat(valid_to)
            except ValueError:
                raise DomainError(
                    "validity_end_invalid",
                    _("The end of validity is a date or long-term (长期)."),
                    field="valid_to",
                ) from None
        if valid_to in (LONG_TERM, LONG_TERM_TEXT):
            valid_to = None
        if valid_to is not None and valid_to <= license.valid_from:
            raise DomainError(
                "validity_end_before_start",
                _("The end of validity must be after its start."),
                field="valid_to",
            )
        for name in (VALID_TO_FIELD, NUMBER_FIELD):  # refilled from the (possibly changed) metadata
            if name not in face_changes:
                face.pop(name, None)
        face = _face_with_metadata(
            license.license_type,
            face,
            number=number,
            dates={"issued_on": license.issued_on, "valid_from": license.valid_from},
            valid_to=valid_to,
        )
        check_face(license.license_type, face, today=timezone.localdate(now))
        _archive(license, now=now, reason=reason, correction=correction)
        if license.status_list_id is not None and license.status_index is not None:
            statuslists.set_status(license.status_list_id, license.status_index, revoked=True)
        parts = parse_identifier(license.identifier)
        license.version += 1
        license.identifier = build_identifier(
            parts.type_code, parts.issuer_code, parts.serial, license.version
        )
        license.number = number
        license.holder_name = str(meta.get("holder_name", license.holder_name)).strip() or license.holder_name
        license.valid_to = valid_to
        license.face = face
        license.version_reason = version_reason
        license.status_list, license.status_index = None, None
        license.scanned_at = None
        license.save()
        sign(license, now=now)
        if license.status == LicenseStatus.SUSPENDED:  # the new version's slot is suspended as well
            assert license.status_list_id is not None and license.status_index is not None
            statuslists.set_status(license.status_list_id, license.status_index, suspended=True)
        audit.record(
            "license.new_version",
            principal=principal,
            obj=license,
            summary={"version": license.version, "reason": version_reason, "fields": sorted(changes)},
        )
    return license
