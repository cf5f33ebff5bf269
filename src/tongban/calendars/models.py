"""Days whose working-day status differs from the statutory calendar, as staff record them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """One day the platform treats differently from the ``chinesecalendar`` data, or a day of a year
    that data does not cover yet (e.g. next year's holidays, announced by the State Council each
    November). An override always wins."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        help_text=_("Ticked: a working day (e.g. a make-up working day, 调休上班). Unticked: a day off."),
    )
    name = models.CharField(
        _("name"), max_length=100, blank=True, help_text=_("e.g. 国庆节, 调休上班, 台风停工.")
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Where the rule comes from (notice number)."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("day off")
        return f"{self.date:%Y-%m-%d} {kind}{f' ({self.name})' if self.name else ''}"
