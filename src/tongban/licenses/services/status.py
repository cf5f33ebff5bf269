"""Licence status changes: suspend, reinstate, revoke, expire. The status list follows in the same
transaction, so a verifier sees the change as soon as it fetches the list again."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.principal import Principal
from tongban.audits import services as audit
from tongban.licenses.constants import LicenseStatus
from tongban.licenses.models import License
from tongban.licenses.services import statuslists
from tongban.utils.errors import Conflict, DomainError

# Which status may become which; expired and superseded are reached by time and by new versions only.
_ALLOWED: dict[str, set[str]] = {
    LicenseStatus.SUSPENDED: {LicenseStatus.VALID},
    LicenseStatus.VALID: {LicenseStatus.SUSPENDED},  # reinstatement
    LicenseStatus.REVOKED: {LicenseStatus.VALID, LicenseStatus.SUSPENDED, LicenseStatus.EXPIRED},
}


def change_status(
    license: License,
    new_status: str,
    *,
    reason: str,
    principal: Principal | None = None,
    now: dt.datetime | None = None,
) -> License:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "status_reason_required", _("Give the reason for the status change."), field="reason"
        )
    now = now or timezone.now()
    with transaction.atomic():
        license = License.objects.select_for_update().get(pk=license.pk)
        if license.status not in _ALLOWED.get(new_status, set()):
            raise Conflict(
                "license_status_transition",
                _("A licence that is %(old)s cannot become %(new)s.")
                % {"old": license.get_status_display(), "new": LicenseStatus(new_status).label},
                current=license.status,
            )
        old = license.status
        if license.status_list_id is not None and license.status_index is not None:
            statuslists.set_status(
                license.status_list_id,
                license.status_index,
                revoked=True if new_status == LicenseStatus.REVOKED else None,
                suspended=new_status == LicenseStatus.SUSPENDED,
            )
        license.status = new_status
        license.status_reason = reason[:300]
        license.status_changed_at = now
        license.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
        audit.record(
            f"license.{'reinstated' if new_status == LicenseStatus.VALID else new_status}",
            principal=principal,
            obj=license,
            summary={"from": old, "to": new_status},
        )
    return license


def suspend(license: License, *, reason: str, principal: Principal | None = None) -> License:
    return change_status(license, LicenseStatus.SUSPENDED, reason=reason, principal=principal)


def reinstate(license: License, *, reason: str, principal: Principal | None = None) -> License:
    return change_status(license, LicenseStatus.VALID, reason=reason, principal=principal)


def revoke(license: License, *, reason: str, principal: Principal | None = None) -> License:
    return change_status(license, LicenseStatus.REVOKED, reason=reason, principal=principal)


def expire_due(*, today: dt.date | None = None, batch: int = 5000) -> int:
    """Mark valid and suspended licences whose validity ended before ``today`` as expired.

    Credentials carry their end date, so verifiers reject them anyway; this keeps the library's own
    status (wallet, reuse, statistics) right. Returns how many changed.
    """
    today = today or timezone.localdate()
    changed = 0
    open_statuses = [LicenseStatus.VALID, LicenseStatus.SUSPENDED]
    while True:
        ids = list(
            License.objects.filter(valid_to__lt=today, status__in=open_statuses).values_list("id", flat=True)[
                :batch
            ]
        )
        if not ids:
            return changed
        changed += License.objects.filter(id__in=ids, status__in=open_statuses).update(
            status=LicenseStatus.EXPIRED,
            status_reason="validity ended",
            status_changed_at=timezone.now(),
            updated_at=timezone.now(),
        )
