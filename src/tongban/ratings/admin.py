"""The admin, for operators: read-mostly. Ratings and rectifications change only through the services
(so every change is audited); the board is rebuilt by its task."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongban.ratings.models import (
    BoardFigure,
    Invitation,
    Rating,
    RatingTarget,
    Rectification,
    RectificationStep,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TargetInline(admin.TabularInline):
    model = RatingTarget
    extra = 0
    fields = ("item_code", "item", "department")
    readonly_fields = fields
    can_delete = False


class StepInline(admin.TabularInline):
    model = RectificationStep
    extra = 0
    fields = ("at", "action", "actor", "note", "public")
    readonly_fields = fields
    can_delete = False


@admin.register(Rating)
class RatingAdmin(ReadOnly):
    # The rater is deliberately not listed: operators open a rating to see it (audited by the admin log).
    list_display = (
        "pk",
        "case",
        "sequence",
        "level",
        "channel",
        "department",
        "anonymous",
        "excluded",
        "created_at",
    )
    list_filter = ("level", "channel", "mode", "anonymous", "excluded", "is_current")
    search_fields = ("case__case_no",)
    raw_id_fields = ("case", "rater", "acting_for", "window_staff", "item")
    inlines = [TargetInline]


@admin.register(Rectification)
class RectificationAdmin(ReadOnly):
    list_display = (
        "pk",
        "department",
        "status",
        "classification",
        "due_on",
        "escalated_at",
        "outcome",
        "on_time",
    )
    list_filter = ("status", "classification", "outcome", "appeal_status", "department")
    search_fields = ("case__case_no",)
    raw_id_fields = ("rating", "case", "handler")
    inlines = [StepInline]


@admin.register(BoardFigure)
class BoardFigureAdmin(ReadOnly):
    list_display = (
        "scope",
        "key",
        "label",
        "period",
        "ratings",
        "good",
        "bad",
        "rectified",
        "closed_on_time",
    )
    list_filter = ("scope", "period")
    search_fields = ("key", "label")


@admin.register(Invitation)
class InvitationAdmin(ReadOnly):
    list_display = ("case", "sent_at")
    raw_id_fields = ("case",)
