"""Admin for one-thing bundles (一件事): their situations and items, and what the bundle saves.

The savings panel is computed with ``bundles.merge`` from the items' published data, never typed in.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tongban.accounts.request import principal_for
from tongban.bundles import services
from tongban.bundles.constants import BundleState
from tongban.bundles.merge import merge
from tongban.bundles.models import Bundle, BundleItem, Situation
from tongban.items.models import ServiceItem
from tongban.utils.admin_audit import AuditedAdmin
from tongban.utils.errors import ValidationFailed


class SituationInline(admin.TabularInline):
    model = Situation
    extra = 0
    fields = ("code", "question", "question_en", "order")


class BundleItemForm(forms.ModelForm):
    class Meta:
        model = BundleItem
        fields = ("item_code", "situation", "order")

    def clean_item_code(self) -> str:
        code = self.cleaned_data["item_code"].strip()
        if not ServiceItem.objects.filter(code=code).exists():
            raise ValidationError(_("No item has this implementation code."), code="item_unknown")
        return code


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    form = BundleItemForm
    extra = 0
    fields = ("item_code", "current_item", "situation", "order")
    readonly_fields = ("current_item",)

    @admin.display(description=_("published item"))
    def current_item(self, obj: BundleItem) -> str:
        if obj is None or not obj.item_code:
            return "—"
        item = ServiceItem.objects.published().filter(code=obj.item_code).first()
        return str(item) if item else gettext("not published")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "situation":
            # Only this bundle's situations (a new bundle has none until it is saved).
            match = request.resolver_match
            object_id = match.kwargs.get("object_id") if match else None
            kwargs["queryset"] = (
                Situation.objects.filter(bundle_id=unquote(object_id))
                if object_id
                else Situation.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _all_situations(bundle: Bundle) -> list[str]:
    return list(bundle.situations.values_list("code", flat=True))


@admin.register(Bundle)
class BundleAdmin(AuditedAdmin):
    list_display = ("name", "code", "state", "kind", "audience", "lead_department", "published_at")
    list_filter = ("state", "kind", "audience")
    search_fields = ("name", "code")
    list_select_related = ("lead_department",)
    autocomplete_fields = ("lead_department", "topic")
    readonly_fields = ("state", "published_at", "savings")
    inlines = (SituationInline, BundleItemInline)
    actions = ("publish_selected", "retire_selected")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "code",
                    "name",
                    "name_en",
                    "summary",
                    ("kind", "audience"),
                    "topic",
                    "lead_department",
                    "policy_basis",
                )
            },
        ),
        (_("Publication"), {"fields": ("state", "published_at")}),
        (_("What the bundle saves"), {"fields": ("savings",)}),
    )

    @admin.display(description=_("savings"))
    def savings(self, obj: Bundle) -> str:
        if obj is None or obj.pk is None:
            return "—"
        everything = merge(obj, _all_situations(obj))
        basic = merge(obj)
        return render_to_string(
            "admin/items/bundle_savings.html",
            {
                "everything": everything,
                "basic": basic,
                "has_situations": bool(everything.situations),
            },
        )

    def _require_manage(self, request: HttpRequest) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied

    @admin.action(description=_("Publish selected bundles"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Bundle]) -> None:
        self._require_manage(request)
        principal = principal_for(request)
        done = 0
        for bundle in queryset.exclude(state=BundleState.PUBLISHED):
            try:
                services.publish(bundle=bundle, principal=principal)
            except ValidationFailed as exc:
                for problem in exc.errors:
                    messages.error(request, f"{bundle.name}: {problem.message} [{problem.code}]")
                continue
            done += 1
        if done:
            messages.success(request, gettext("%(count)d bundle(s) published.") % {"count": done})

    @admin.action(description=_("Retire selected bundles"))
    def retire_selected(self, request: HttpRequest, queryset: QuerySet[Bundle]) -> None:
        self._require_manage(request)
        principal = principal_for(request)
        done = 0
        for bundle in queryset.filter(state=BundleState.PUBLISHED):
            services.retire(bundle=bundle, principal=principal)
            done += 1
        if done:
            messages.success(request, gettext("%(count)d bundle(s) retired.") % {"count": done})
        else:
            messages.warning(request, gettext("Select published bundles to retire."))
