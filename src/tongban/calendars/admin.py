from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from tongban.calendars import query
from tongban.calendars.models import CalendarDay
from tongban.utils.admin_audit import AuditedAdmin

WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    """Overrides of the statutory working-day calendar. An override always wins."""

    list_display = ("date", "weekday", "is_working_day", "name", "statutory")
    list_filter = ("is_working_day",)
    search_fields = ("name", "note")
    date_hierarchy = "date"
    fields = ("date", "is_working_day", "name", "note")

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return f"星期{WEEKDAYS[obj.date.weekday()]}"

    @admin.display(description=_("without this override"))
    def statutory(self, obj: CalendarDay) -> str:
        info = query.statutory_day(obj.date)
        kind = _("working day") if info.is_working_day else _("day off")
        source = _("statutory calendar") if info.source == query.SOURCE_STATUTORY else _("Monday–Friday rule")
        return f"{kind}{f' · {info.name}' if info.name else ''} ({source})"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        first, last = query.covered_years()
        extra_context = {
            **(extra_context or {}),
            "subtitle": _(
                "Statutory holidays and make-up working days are built in for %(first)s–%(last)s. For other "
                "years every Monday to Friday is a working day unless you record a day here; days here "
                "always win."
            )
            % {"first": first, "last": last},
        }
        return super().changelist_view(request, extra_context)
