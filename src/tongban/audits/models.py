"""Append-only, hash-chained audit events (电子监察的基础).

Each event stores the SHA-256 of its canonical content plus the previous event's hash, so altering or
deleting any row breaks the chain from that point; ``manage.py verify_audit`` finds the first break.
Rows are never updated or deleted by the application (the model refuses; on PostgreSQL a trigger too).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit events are append-only")

    def delete(self) -> NoReturn:
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    seq = models.BigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    event = models.CharField(_("event"), max_length=80, db_index=True)
    # Plain ids and labels instead of foreign keys: the trail must outlive the rows it describes.
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    actor_kind = models.CharField(_("actor kind"), max_length=20, blank=True)
    actor_roles = models.CharField(_("staff roles"), max_length=200, blank=True)
    acting_for_id = models.BigIntegerField(_("acting for"), null=True, blank=True, db_index=True)
    acting_for_label = models.CharField(_("acting for (name)"), max_length=250, blank=True)
    channel = models.CharField(_("channel"), max_length=20)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    # Whose personal data the event touched: lets owners see who accessed their data.
    subject_user_id = models.BigIntegerField(_("data subject"), null=True, blank=True, db_index=True)
    summary = models.JSONField(_("summary"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.event}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit events are append-only")


class AuditChainHead(models.Model):
    """Single row holding the chain's tip; locked while appending so events get gap-free sequence numbers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"head #{self.seq}"
