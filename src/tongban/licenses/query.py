"""Reads of the licence library: wallets, one licence, its history, and who used it."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.principal import Principal
from tongban.licenses.constants import AccessKind, LicenseStatus
from tongban.licenses.faces import face_fields, mask_face
from tongban.licenses.holders import holder_for
from tongban.licenses.models import License, LicenseAccess
from tongban.utils.errors import NotFound
from tongban.utils.masking import mask_name

# Statuses a wallet shows by default: what the holder can still use, and what needs their attention.
WALLET_STATUSES = [LicenseStatus.VALID, LicenseStatus.SUSPENDED, LicenseStatus.EXPIRED, LicenseStatus.REVOKED]


def wallet(
    principal: Principal, *, status: str | None = None, type_code: str | None = None
) -> models.QuerySet[License]:
    holder = holder_for(principal)
    qs = License.objects.select_related("license_type", "issuer").filter(holder_hash=holder.hash)
    qs = qs.filter(status=status) if status else qs.filter(status__in=WALLET_STATUSES)
    if type_code:
        qs = qs.filter(license_type__code=type_code)
    return qs.order_by("license_type__code", "-issued_on", "id")


def staff_departments(principal: Principal) -> list[int]:
    """Departments whose licences a staff member may open: their own and the branches below it."""
    staff = principal.staff
    if staff is None:
        return []
    return [staff.department_id, *staff.department.branches.values_list("id", flat=True)]


def license_for(principal: Principal, license_id: int) -> tuple[License, bool]:
    """A licence the principal may open, and whether they open it as its holder.

    Holders see their own licences; staff see licences their department issued (the workbench logs
    that look as a staff view). Anyone else gets 404.
    """
    license = License.objects.select_related("license_type", "issuer").filter(pk=license_id).first()
    if license is not None:
        if principal.is_natural_person:
            holder = holder_for(principal)
            if license.holder_hash == holder.hash:
                return license, True
        elif (
            principal.is_staff_member
            and principal.has_scope("workbench")
            and license.issuer_id in staff_departments(principal)
        ):
            return license, False
    raise NotFound("license_not_found", _("No such licence."))


def log_staff_view(principal: Principal, license: License) -> None:
    staff = principal.staff
    LicenseAccess.objects.create(
        license=license,
        holder_hash=license.holder_hash,
        kind=AccessKind.STAFF_VIEW,
        department=staff.department if staff else None,
        staff=principal.user,
        purpose=str(_("Opened in the workbench")),
        accessed_at=timezone.now(),
    )


def face_rows(license: License, *, unmask: bool = False) -> list[dict[str, Any]]:
    """Face fields in display order with titles; personal ones masked unless ``unmask``."""
    shown = license.face if unmask else mask_face(license.license_type, license.face)
    rows = [
        {"name": f.name, "title": f.title, "value": shown[f.name], "personal": f.personal}
        for f in face_fields(license.license_type)
        if f.name in shown
    ]
    known = {r["name"] for r in rows}
    rows += [
        {"name": n, "title": n, "value": v, "personal": False} for n, v in shown.items() if n not in known
    ]
    return rows


def access_log(principal: Principal, *, kind: str | None = None) -> models.QuerySet[LicenseAccess]:
    holder = holder_for(principal)
    qs = LicenseAccess.objects.select_related("license__license_type", "department", "staff").filter(
        holder_hash=holder.hash
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def access_row(access: LicenseAccess) -> dict[str, Any]:
    staff_name = ""
    if access.staff_id and access.staff is not None:
        profile = getattr(access.staff, "staff", None)
        staff_name = mask_name(profile.real_name if profile else access.staff.display_name)
    return {
        "id": access.pk,
        "license_id": access.license_id,
        "license_type": access.license.license_type.name,
        "license_number": access.license.number,
        "kind": access.kind,
        "kind_label": str(access.get_kind_display()),
        "department": access.department.name if access.department else "",
        "staff": staff_name,
        "system": access.system,
        "case_reference": access.case_reference,
        "purpose": access.purpose,
        "fields": access.fields,
        "accessed_at": access.accessed_at,
    }
