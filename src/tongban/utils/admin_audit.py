"""Admin edits are writes too: record them in the audit trail (field names only, never values)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from tongban.audits.services import record


def _principal(request: HttpRequest) -> Any:
    from tongban.accounts.request import principal_for

    return principal_for(request)


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record(
                "admin.changed" if change else "admin.created",
                principal=_principal(request),
                obj=obj,
                summary={"fields": sorted(form.changed_data)},
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            record("admin.deleted", principal=_principal(request), obj=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                record("admin.deleted", principal=_principal(request), obj=obj)
            super().delete_queryset(request, queryset)
