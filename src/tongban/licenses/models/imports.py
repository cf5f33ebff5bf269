"""Bulk imports of licences from department systems (CSV or JSON Lines), resumable."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LicenseImport(models.Model):
    """One import of one file. ``checkpoint`` lets an interrupted import continue where it stopped."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    source_name = models.CharField(_("file"), max_length=300)
    source_sha256 = models.CharField(max_length=64)  # the same file resumes; a changed one starts anew
    format = models.CharField(_("format"), max_length=10)  # csv | jsonl
    issuer = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    rows_read = models.PositiveBigIntegerField(_("rows read"), default=0)
    rows_imported = models.PositiveBigIntegerField(_("rows imported"), default=0)
    rows_rejected = models.PositiveBigIntegerField(_("rows rejected"), default=0)
    # {"offset": <byte offset of the next unread row>, "line": <its line number>}
    checkpoint = models.JSONField(default=dict, blank=True)
    # The first rejected rows: [{"line": 12, "code": "holder_code_invalid", "field": "...", "message": "..."}]
    errors = models.JSONField(default=list, blank=True)
    errors_file = models.CharField(max_length=300, blank=True)  # every rejected row, when more than fit
    started_by = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("licence import")
        verbose_name_plural = _("licence imports")

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_status_display()})"
