"""Admin edits are writes too: record them in the audit trail (field names only, never values)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from tongban.audits.services import changes, record
from tongban.utils.crypto import EncryptedTextField


def _plain(value: Any) -> Any:
    """JSON-friendly value for the audit summary (objects by primary key)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(_plain(v) for v in value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _principal(request: HttpRequest) -> Any:
    from tongban.accounts.request import principal_for

    return principal_for(request)


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = sorted(form.changed_data)
        personal = {f.name for f in obj._meta.fields if isinstance(f, EncryptedTextField)}
        before = {name: _plain(form.initial.get(name)) for name in fields}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            after = {name: _plain(form.cleaned_data.get(name)) for name in fields}
            record(
                "admin.changed" if change else "admin.created",
                principal=_principal(request),
                obj=obj,
                summary={"fields": fields, "changes": changes(before, after, personal=personal)},
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
