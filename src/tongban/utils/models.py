"""The platform's own small tables. ``ScheduledJob``: the state of ``tongban.utils.schedule``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledJob(models.Model):
    """When one periodic job runs next. The scheduler moves ``next_run_at`` and enqueues the task in one
    transaction, so a restarted (or second) scheduler never enqueues the same run twice."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("next run"))
    last_enqueued_at = models.DateTimeField(_("last enqueued"), null=True, blank=True)
    last_result_id = models.CharField(max_length=64, blank=True)  # django-tasks result of the last run
    runs = models.PositiveIntegerField(_("runs"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)  # due while the last run was unfinished

    class Meta:
        ordering = ["name"]
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.name
