"""Findings of the automated quality scan, queued for the issuing department."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.licenses.constants import FindingCheck, FindingStatus, Severity


class QualityFinding(models.Model):
    """One problem of one licence. A rescan updates the open finding instead of adding another."""

    license = models.ForeignKey("licenses.License", on_delete=models.CASCADE, related_name="findings")
    department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="license_findings"
    )
    license_type = models.ForeignKey("licenses.LicenseType", on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(_("check"), max_length=20, choices=FindingCheck.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    detail = models.CharField(_("detail"), max_length=300)  # never a personal value
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen", "-id"]
        verbose_name = _("quality finding")
        verbose_name_plural = _("quality findings")
        indexes = [models.Index(fields=["department", "status", "severity"], name="finding_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["license", "rule"],
                condition=models.Q(status="open"),
                name="finding_one_open_per_check",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}: {self.detail}"


class QualityScanRun(models.Model):
    """One run of the scan task: how far it got and what it found."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    full = models.BooleanField(default=False)
    scanned = models.PositiveIntegerField(default=0)
    opened = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"scan {self.started_at:%Y-%m-%d %H:%M} ({self.scanned})"
