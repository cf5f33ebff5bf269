"""Error reports on licences (纠错) and their tracked handling."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.licenses.constants import CorrectionStatus, ReporterKind
from tongban.utils.crypto import EncryptedJSONField


class Correction(models.Model):
    """A report that a licence is wrong, routed to the issuing department with a deadline.

    ``items``: ``[{"field": "<face field or holder_name/valid_to/...>", "proposed": "<value>",
    "note": "..."}]``. Proposed values can be personal data, so they are encrypted.
    """

    reference = models.CharField(_("reference"), max_length=24, unique=True)
    license = models.ForeignKey("licenses.License", on_delete=models.PROTECT, related_name="corrections")
    license_version = models.PositiveSmallIntegerField(_("version reported"))
    department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="license_corrections"
    )
    reporter = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="license_corrections"
    )
    reporter_kind = models.CharField(_("reported by"), max_length=10, choices=ReporterKind.choices)
    channel = models.CharField(_("channel"), max_length=20, default="web")
    items = EncryptedJSONField(_("what is wrong"), default=list)
    evidence_note = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="corrections/%Y/%m/", blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.SUBMITTED
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    handler = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    due_on = models.DateField(_("due"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    new_version = models.PositiveSmallIntegerField(_("new version"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("licence correction")
        verbose_name_plural = _("licence corrections")
        indexes = [models.Index(fields=["department", "status", "due_on"], name="correction_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="correction_idempotency",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in (CorrectionStatus.SUBMITTED, CorrectionStatus.ACCEPTED)


class CorrectionEvent(models.Model):
    """The correction's timeline as its reporter and the department see it."""

    correction = models.ForeignKey(Correction, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=CorrectionStatus.choices)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.correction_id} {self.status}"
