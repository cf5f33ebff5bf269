"""Issued licences (电子证照), their earlier versions and the status lists that publish revocation.

One ``License`` row is one licence as it stands now: the current version's identifier, face fields,
dates and signed credential. When a licence is corrected or renewed, the outgoing version is copied
into ``LicenseVersion`` and the row moves on; a licence's history is its archived versions plus the
row itself. Keeping the current version in one row keeps the library lean at the 100-million scale
(docs/licenses-scale.md).

Personal data (holder code, face fields, the credential's disclosures) is encrypted at rest; holders
are found through ``holder_hash``, a keyed hash of the holder code type and code.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.licenses.constants import (
    HolderCodeType,
    HolderKind,
    LicenseSource,
    LicenseStatus,
    VersionReason,
)
from tongban.utils.crypto import EncryptedJSONField, EncryptedTextField
from tongban.utils.masking import mask_id_number


class StatusListRecord(models.Model):
    """A pair of bitstring status lists (revocation and suspension) sharing one index space.

    Every licence version gets one index, allocated through a keyed pseudo-random permutation of a
    counter (``allocated``), so indices are never reused and reveal neither issue order nor batch.
    The bits are the truth; they change in the same transaction as the licence status.
    """

    list_id = models.CharField(_("list id"), max_length=40, unique=True)
    size = models.PositiveIntegerField(_("size (bits)"))
    allocated = models.PositiveIntegerField(_("indices allocated"), default=0)
    permutation_key = models.BinaryField(max_length=32, editable=False)
    revocation_bits = models.BinaryField(editable=False)
    suspension_bits = models.BinaryField(editable=False)
    # Incremented on every bit change: a cached signed document is reused while it is current.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")

    def __str__(self) -> str:
        return f"{self.list_id} ({self.allocated}/{self.size})"

    @property
    def is_full(self) -> bool:
        return self.allocated >= self.size


class License(models.Model):
    # Not indexed alone: ``license_type_number`` starts with it, and a holder's licences of a type are
    # found through ``license_holder_type`` (a lone type index misled SQLite's planner without ANALYZE).
    license_type = models.ForeignKey(
        "licenses.LicenseType",
        on_delete=models.PROTECT,
        related_name="licenses",
        verbose_name=_("type"),
        db_index=False,
    )
    # 电子证照标识 (GB/T 36904) of the current version; earlier versions' identifiers are archived.
    identifier = models.CharField(_("licence identifier"), max_length=80, unique=True)
    number = models.CharField(_("licence number"), max_length=64)  # 证照编号, as printed
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    issuer = models.ForeignKey(
        "organizations.Department",
        on_delete=models.PROTECT,
        related_name="issued_licenses",
        verbose_name=_("issuing department"),
    )
    holder_kind = models.CharField(_("holder kind"), max_length=20, choices=HolderKind.choices)
    holder_code_type = models.CharField(_("holder code type"), max_length=3, choices=HolderCodeType.choices)
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_code = EncryptedTextField(_("holder code"))
    holder_hash = models.CharField(max_length=64, db_index=True, editable=False)
    issued_on = models.DateField(_("issue date"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)  # None: 长期有效
    face = EncryptedJSONField(_("face fields"), default=dict)
    status = models.CharField(_("status"), max_length=12, choices=LicenseStatus.choices)
    status_reason = models.CharField(_("status reason"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    # The signed credential of the current version (empty until signed; bulk imports are signed by the
    # worker afterwards) and its disclosures, which hold the face values and are therefore encrypted.
    status_list = models.ForeignKey(
        StatusListRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_index = models.PositiveIntegerField(null=True, blank=True)
    credential = models.TextField(blank=True)
    disclosures = EncryptedJSONField(default=list, blank=True)
    signing_kid = models.CharField(max_length=80, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    source = models.CharField(_("source"), max_length=12, choices=LicenseSource.choices)
    version_reason = models.CharField(
        max_length=12, choices=VersionReason.choices, default=VersionReason.ISSUED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set to None by every change: the incremental quality scan visits only such rows.
    scanned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "id"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        indexes = [
            models.Index(fields=["license_type", "number"], name="license_type_number"),
            models.Index(fields=["holder_hash", "license_type"], name="license_holder_type"),
            models.Index(fields=["valid_to"], name="license_valid_to"),
            models.Index(fields=["id"], condition=Q(scanned_at__isnull=True), name="license_unscanned"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"], name="license_status_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.license_type} {self.number}"

    @property
    def masked_holder_code(self) -> str:
        if self.holder_code_type == HolderCodeType.RESIDENT_ID:
            return mask_id_number(self.holder_code)
        return self.holder_code  # a USCC is public (国家企业信用信息公示系统)

    @property
    def is_long_term(self) -> bool:
        return self.valid_to is None

    def is_current_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class LicenseVersion(models.Model):
    """An earlier version of a licence, archived when a newer one replaced it. Never changes again."""

    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveSmallIntegerField(_("version"))
    identifier = models.CharField(_("licence identifier"), max_length=80, unique=True)
    number = models.CharField(_("licence number"), max_length=64)
    holder_name = models.CharField(_("holder"), max_length=200)
    issued_on = models.DateField(_("issue date"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    face = EncryptedJSONField(_("face fields"), default=dict)
    status_list = models.ForeignKey(
        StatusListRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_index = models.PositiveIntegerField(null=True, blank=True)
    credential = models.TextField(blank=True)
    signing_kid = models.CharField(max_length=80, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    version_reason = models.CharField(max_length=12, choices=VersionReason.choices)
    superseded_at = models.DateTimeField(_("superseded"))
    superseded_reason = models.CharField(_("why superseded"), max_length=300, blank=True)
    correction = models.ForeignKey(
        "licenses.Correction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["license", "-version"]
        verbose_name = _("licence version")
        verbose_name_plural = _("licence versions")
        constraints = [
            models.UniqueConstraint(fields=["license", "version"], name="license_version_unique"),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="license_version_status_slot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} (v{self.version})"
