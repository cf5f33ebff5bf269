"""Consent to reuse licences (免提交), the log of every use, and the presentations holders created."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.licenses.constants import AccessKind


class Consent(models.Model):
    """A holder's permission for a case to fetch their licences of some types. Withdrawable.

    ``holder_hash`` says whose licences (the person's ID number, or the enterprise's USCC when a
    representative grants for it); ``granted_by`` is who clicked. ``case_reference`` is the case
    number the consent is for: the consent covers that case only.
    """

    holder_hash = models.CharField(max_length=64, db_index=True, editable=False)
    holder_name = models.CharField(_("holder"), max_length=200)
    granted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="license_consents",
        verbose_name=_("granted by"),
    )
    acting_for = models.ForeignKey(
        "accounts.LegalPerson",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="license_consents",
    )
    license_types = models.ManyToManyField("licenses.LicenseType", related_name="consents")
    case_reference = models.CharField(_("case"), max_length=40, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    # Departments that may fetch under this consent; empty means every department handling the case.
    departments = models.ManyToManyField("organizations.Department", blank=True, related_name="+")
    channel = models.CharField(_("channel"), max_length=20, default="web")
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.case_reference}: {self.purpose}"

    def is_active(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.withdrawn_at is None and (self.expires_at is None or at < self.expires_at)


class LicenseAccess(models.Model):
    """One use of a licence by someone other than its holder (谁用了我的证照). Append-only."""

    license = models.ForeignKey("licenses.License", on_delete=models.PROTECT, related_name="accesses")
    holder_hash = models.CharField(max_length=64, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=AccessKind.choices)
    department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    system = models.CharField(_("system"), max_length=100, blank=True)  # an SSO client or internal app
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="accesses"
    )
    case_reference = models.CharField(_("case"), max_length=40, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)  # names only, never values
    accessed_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-accessed_at", "-id"]
        verbose_name = _("licence access")
        verbose_name_plural = _("licence accesses")
        indexes = [models.Index(fields=["holder_hash", "-accessed_at"], name="license_access_holder")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.accessed_at:%Y-%m-%d %H:%M}"


class Presentation(models.Model):
    """A short-lived presentation (电子亮证) the holder created; the token itself is not stored."""

    license = models.ForeignKey("licenses.License", on_delete=models.CASCADE, related_name="presentations")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    nonce = models.CharField(max_length=40, unique=True)
    fields = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    verified_count = models.PositiveIntegerField(default=0)
    last_verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.license_id} {self.created_at:%Y-%m-%d %H:%M}"
