"""Admin for catalogue staff: drafts are edited here, published versions are frozen (read-only).

Publishing, revising and retiring go through ``items.services`` (with their audit events); plain
edits of drafts through ``AuditedAdmin``. The change page also previews the guide as citizens read it
and shows the version history with the differences between published snapshots. The changelist
imports and exports the 实施清单 workbook (``items.excel``).
"""

from __future__ import annotations

import io
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tongban.accounts.request import principal_for
from tongban.items import excel, services
from tongban.items.constants import Channel, ItemState, OnlineDepth
from tongban.items.exemptions import could_be_exempted_by, kind_exemption, material_exemption
from tongban.items.models import (
    FAQ,
    DataResource,
    FeeItem,
    FormField,
    ItemLocation,
    LegalBasis,
    Material,
    MaterialKind,
    ServiceItem,
    Topic,
)
from tongban.items.snapshots import diff
from tongban.items.timing import as_working_days
from tongban.utils.admin_audit import AuditedAdmin
from tongban.utils.errors import DomainError, ValidationFailed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

EXEMPTION_BASES = {
    "e_license": _("electronic licence"),
    "shared_data": _("shared data"),
    "city_issued": _("issued by a city department"),
}


def _editable(item: ServiceItem | None) -> bool:
    """Drafts (and items being added) can be edited; published, superseded and retired ones cannot."""
    return item is None or item.state == ItemState.DRAFT


# --- reference tables ---


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "audience", "order")
    list_filter = ("kind", "audience")
    search_fields = ("name", "code")


@admin.register(DataResource)
class DataResourceAdmin(AuditedAdmin):
    list_display = ("name", "code", "provider", "shared")
    list_filter = ("shared", ("provider", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "code")
    autocomplete_fields = ("provider",)


@admin.register(FormField)
class FormFieldAdmin(AuditedAdmin):
    list_display = ("label", "key", "kind")
    search_fields = ("label", "key")


@admin.register(MaterialKind)
class MaterialKindAdmin(AuditedAdmin):
    list_display = (
        "name",
        "code",
        "source",
        "issuing_department",
        "license_type",
        "data_resource",
        "is_exempt",
        "exemption_basis",
        "would_be_exempt_with",
    )
    list_filter = ("source",)
    search_fields = ("name", "code")
    list_select_related = ("issuing_department", "license_type", "data_resource__provider")
    autocomplete_fields = ("issuing_department", "license_type", "data_resource")
    readonly_fields = ("is_exempt", "exemption_reason", "would_be_exempt_with")
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "source", "description")}),
        (
            _("Where government holds it"),
            {"fields": ("issuing_department", "license_type", "data_resource")},
        ),
        (
            _("Exemption (两个免于提交)"),
            {"fields": ("is_exempt", "exemption_reason", "would_be_exempt_with")},
        ),
    )

    @admin.display(description=_("exempt"), boolean=True)
    def is_exempt(self, obj: MaterialKind) -> bool | None:
        return kind_exemption(obj).exempt if obj.pk else None

    @admin.display(description=_("exemption basis"))
    def exemption_basis(self, obj: MaterialKind) -> str:
        basis = kind_exemption(obj).basis
        return str(EXEMPTION_BASES.get(basis, "—"))

    @admin.display(description=_("why it is exempt"))
    def exemption_reason(self, obj: MaterialKind) -> str:
        return kind_exemption(obj).reason or "—" if obj.pk else "—"

    @admin.display(description=_("would be exempt with"))
    def would_be_exempt_with(self, obj: MaterialKind) -> str:
        return could_be_exempted_by(obj) or "—" if obj.pk else "—"


@admin.register(ItemLocation)
class ItemLocationAdmin(AuditedAdmin):
    list_display = ("item_code", "district", "window", "address", "hours", "phone")
    list_filter = (("district", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("item_code", "address")
    list_select_related = ("district", "window__district")
    autocomplete_fields = ("district", "window")


# --- service items ---


class ServiceItemForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("channels"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ServiceItem
        fields = ("code", "channels")  # the admin passes the fields of its fieldsets

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if self.instance.pk is None and ServiceItem.objects.filter(code=code).exists():
            raise ValidationError(
                _("An item with this implementation code exists: start a revision of it instead."),
                code="item_code_exists",
            )
        return code


class _VersionChildInline(admin.TabularInline):
    """Children of an item version: editable with a draft, read-only with a published version."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_delete_permission(request, obj)


class LegalBasisInline(_VersionChildInline):
    model = LegalBasis
    fields = ("law", "article", "excerpt", "order")


class MaterialInline(_VersionChildInline):
    model = Material
    fields = (
        "kind",
        "name",
        "form",
        "original_count",
        "copy_count",
        "requirement",
        "condition",
        "must_submit_reason",
        "exemption",
        "notes",
        "blank_form",
        "sample",
        "order",
    )
    readonly_fields = ("exemption",)
    autocomplete_fields = ("kind",)

    @admin.display(description=_("exempt (两个免于提交)"))
    def exemption(self, obj: Material) -> str:
        if obj is None or obj.pk is None:
            return "—"
        found = material_exemption(obj)
        return str(EXEMPTION_BASES[found.basis]) if found.exempt else gettext("to be handed in")


class FeeItemInline(_VersionChildInline):
    model = FeeItem
    fields = ("name", "standard", "amount_cents", "basis", "waivable", "waiver_note", "order")


class FAQInline(_VersionChildInline):
    model = FAQ
    fields = ("question", "answer", "order")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
    dry_run = forms.BooleanField(label=_("Only check the workbook, change nothing"), required=False)
    change_note = forms.CharField(
        label=_("What changed (stored on each new version)"), max_length=300, required=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 20 MB."), code="file_too_large")
        return upload


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("Why is the item retired?"), max_length=200, widget=forms.Textarea)


@admin.register(ServiceItem)
class ServiceItemAdmin(AuditedAdmin):
    form = ServiceItemForm
    list_display = (
        "name",
        "code",
        "version",
        "state",
        "department",
        "item_type",
        "online_depth",
        "visits",
        "published_at",
    )
    list_filter = (
        "state",
        ("department", admin.RelatedOnlyFieldListFilter),
        "item_type",
        "online_depth",
    )
    search_fields = ("name", "code", "basic_code", "keywords")
    list_select_related = ("department",)
    autocomplete_fields = ("department", "result_license_type")
    filter_horizontal = ("topics", "form_fields")
    inlines = (LegalBasisInline, MaterialInline, FeeItemInline, FAQInline)
    actions = ("publish_selected", "start_revision_selected", "retire_selected")
    # Field groups of GB/T 39046 表4: 基本信息 / 时限 / 办理方式 / 收费与结果 / 咨询监督.
    fieldsets = (
        (
            _("Basic information"),
            {
                "fields": (
                    ("code", "version", "state"),
                    "basic_code",
                    "name",
                    "name_en",
                    "summary",
                    ("item_type", "local_type_code"),
                    ("department", "exercise_level"),
                    ("for_natural_persons", "for_legal_persons"),
                    "topics",
                    "keywords",
                    "change_note",
                )
            },
        ),
        (
            _("Time limits"),
            {
                "fields": (
                    "case_kind",
                    ("legal_time_limit", "legal_time_unit"),
                    "legal_time_note",
                    ("promised_time_limit", "promised_time_unit"),
                    "promised_time_note",
                )
            },
        ),
        (
            _("How it is done"),
            {
                "fields": (
                    ("visits", "online_depth"),
                    "onsite_reason",
                    "acceptance_conditions",
                    "procedure",
                    "handling_scope",
                    "channels",
                    ("supports_appointment", "supports_online_payment", "supports_delivery"),
                )
            },
        ),
        (
            _("Fees and result"),
            {"fields": ("charges_fee", "result_name", "result_kind", "result_license_type", "form_fields")},
        ),
        (_("Consultation and supervision"), {"fields": ("consultation_phone", "supervision_phone")}),
        (_("Publication"), {"fields": ("published_at", "published_by")}),
    )
    always_read_only = ("version", "state", "published_at", "published_by")

    # --- read-only versions ---

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if _editable(obj):
            return self.fieldsets
        # A frozen version shows its channels by name rather than as the stored JSON list.
        return [
            (
                name,
                {**opts, "fields": tuple("channel_labels" if f == "channels" else f for f in opts["fields"])},
            )
            for name, opts in self.fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if not _editable(obj):
            return flatten_fieldsets(self.get_fieldsets(request, obj))
        return self.always_read_only + (("code",) if obj is not None else ())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would delete published versions; delete drafts one by one
        return actions

    @admin.display(description=_("channels"))
    def channel_labels(self, obj: ServiceItem) -> str:
        labels = dict(Channel.choices)
        return "、".join(str(labels.get(c, c)) for c in obj.channels) or "—"

    # --- change page ---

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        item = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if item is not None:
            context["lifecycle"] = self._lifecycle(request, item)
        return super().change_view(request, object_id, form_url, context)

    def _lifecycle(self, request: HttpRequest, item: ServiceItem) -> dict[str, Any]:
        may_manage = self._may_manage(request)
        draft = ServiceItem.objects.filter(code=item.code, state=ItemState.DRAFT).exclude(pk=item.pk).first()
        has_published = ServiceItem.objects.filter(code=item.code, state=ItemState.PUBLISHED).exists()
        return {
            "can_publish": may_manage and item.state == ItemState.DRAFT,
            "can_revise": may_manage and item.state != ItemState.DRAFT and has_published and draft is None,
            "can_retire": may_manage and item.state == ItemState.PUBLISHED,
            "other_draft": draft,
            "frozen": item.state != ItemState.DRAFT,
        }

    def _may_manage(self, request: HttpRequest) -> bool:
        return super().has_change_permission(request)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", wrap(self.import_view), name=f"{name}_import"),
            path("export/", wrap(self.export_view), name=f"{name}_export"),
            path("<path:object_id>/publish/", wrap(self.publish_view), name=f"{name}_publish"),
            path("<path:object_id>/revise/", wrap(self.revise_view), name=f"{name}_revise"),
            path("<path:object_id>/retire/", wrap(self.retire_view), name=f"{name}_retire"),
            path("<path:object_id>/preview/", wrap(self.preview_view), name=f"{name}_preview"),
            path("<path:object_id>/versions/", wrap(self.versions_view), name=f"{name}_versions"),
            *super().get_urls(),
        ]

    def _item_or_404(self, request: HttpRequest, object_id: str) -> ServiceItem:
        item = self.get_object(request, unquote(object_id))
        if item is None or not self.has_view_or_change_permission(request):
            raise Http404
        return item

    def _change_url(self, item: ServiceItem) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[item.pk])

    def _require_manage(self, request: HttpRequest) -> None:
        if not self._may_manage(request):
            raise PermissionDenied

    # --- publish / revise / retire ---

    def _report(self, request: HttpRequest, error: DomainError, item: ServiceItem | None = None) -> None:
        """Every problem of a refusal, each with its stable code, as an admin error message."""
        problems = error.errors if isinstance(error, ValidationFailed) else [error]
        prefix = f"{item.code} v{item.version} · " if item is not None else ""
        for problem in problems:
            messages.error(request, f"{prefix}{problem.code}: {problem.message}")

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        item = self._item_or_404(request, object_id)
        self._require_manage(request)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(item))
        try:
            published = services.publish(item=item, principal=principal_for(request))
        except DomainError as refused:
            messages.error(request, gettext("Not published: correct the problems below first."))
            self._report(request, refused)
        else:
            messages.success(
                request,
                gettext("Version %(version)d of “%(name)s” is published.")
                % {"version": published.version, "name": published.name},
            )
        return HttpResponseRedirect(self._change_url(item))

    def revise_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        item = self._item_or_404(request, object_id)
        self._require_manage(request)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(item))
        try:
            draft = services.start_revision(code=item.code, principal=principal_for(request))
        except DomainError as refused:
            self._report(request, refused)
            return HttpResponseRedirect(self._change_url(item))
        messages.success(
            request, gettext("Draft version %(version)d: edit it, then publish.") % {"version": draft.version}
        )
        return HttpResponseRedirect(self._change_url(draft))

    def retire_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        item = self._item_or_404(request, object_id)
        self._require_manage(request)
        if item.state != ItemState.PUBLISHED:
            messages.error(request, gettext("Only the published version of an item can be retired."))
            return HttpResponseRedirect(self._change_url(item))
        form = RetireForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.retire(
                    code=item.code, principal=principal_for(request), reason=form.cleaned_data["reason"]
                )
            except DomainError as refused:
                self._report(request, refused)
            else:
                messages.success(request, gettext("“%(name)s” is retired.") % {"name": item.name})
            return HttpResponseRedirect(self._change_url(item))
        return self._retire_page(request, [item], form, single=True)

    def _retire_page(
        self, request: HttpRequest, items: list[ServiceItem], form: RetireForm, *, single: bool
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Retire items"),
            "items": items,
            "form": form,
            "single": single,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/items/serviceitem/retire.html", context)

    @admin.action(description=_("Publish selected drafts"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        self._require_manage(request)
        drafts = list(queryset.filter(state=ItemState.DRAFT).order_by("code"))
        if not drafts:
            messages.warning(request, gettext("Select drafts to publish."))
            return
        principal = principal_for(request)
        failed = False
        with transaction.atomic():  # all selected drafts or none
            for item in drafts:
                try:
                    services.publish(item=item, principal=principal)
                except DomainError as refused:
                    self._report(request, refused, item)
                    failed = True
            if failed:
                transaction.set_rollback(True)
        if failed:
            messages.error(request, gettext("Nothing was published: correct the problems above first."))
        else:
            messages.success(request, gettext("%(count)d item(s) published.") % {"count": len(drafts)})

    @admin.action(description=_("Start a revision of the selected items"))
    def start_revision_selected(
        self, request: HttpRequest, queryset: QuerySet[ServiceItem]
    ) -> HttpResponse | None:
        self._require_manage(request)
        principal = principal_for(request)
        drafts = []
        for code in sorted(set(queryset.values_list("code", flat=True))):
            try:
                drafts.append(services.start_revision(code=code, principal=principal))
            except DomainError as refused:
                messages.error(request, f"{code} · {refused.code}: {refused.message}")
        if len(drafts) == 1:
            return HttpResponseRedirect(self._change_url(drafts[0]))
        if drafts:
            messages.success(request, gettext("%(count)d draft(s) ready to edit.") % {"count": len(drafts)})
        return None

    @admin.action(description=_("Retire selected items…"))
    def retire_selected(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> HttpResponse | None:
        self._require_manage(request)
        items = list(queryset.filter(state=ItemState.PUBLISHED).order_by("code"))
        if not items:
            messages.warning(request, gettext("Select published items to retire."))
            return None
        form = RetireForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            principal = principal_for(request)
            with transaction.atomic():
                for item in items:
                    services.retire(code=item.code, principal=principal, reason=form.cleaned_data["reason"])
            messages.success(request, gettext("%(count)d item(s) retired.") % {"count": len(items)})
            return None
        return self._retire_page(request, items, form, single=False)

    # --- preview and history ---

    def preview_view(self, request: HttpRequest, object_id: str) -> TemplateResponse:
        item = self._item_or_404(request, object_id)
        materials = [
            (m, material_exemption(m))
            for m in item.materials.select_related(
                "kind__license_type", "kind__data_resource__provider", "kind__issuing_department"
            )
        ]
        channel_names = dict(Channel.choices)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Guide preview"),
            "item": item,
            "original": item,
            "required_materials": [(m, e) for m, e in materials if not e.exempt],
            "exempt_materials": [(m, e) for m, e in materials if e.exempt],
            "procedure": [line.strip() for line in item.procedure.splitlines() if line.strip()],
            "channels": [channel_names.get(c, c) for c in item.channels],
            "fully_online": item.online_depth == OnlineDepth.FULLY_ONLINE and item.visits == 0,
            "promised_working_days": as_working_days(item.promised_time_limit, item.promised_time_unit),
            "locations": ItemLocation.objects.filter(item_code=item.code).select_related(
                "district", "window"
            ),
            "change_url": self._change_url(item),
        }
        return TemplateResponse(request, "admin/items/serviceitem/preview.html", context)

    def versions_view(self, request: HttpRequest, object_id: str) -> TemplateResponse:
        item = self._item_or_404(request, object_id)
        rows = []
        previous: ServiceItem | None = None
        for version in (
            ServiceItem.objects.filter(code=item.code).select_related("published_by").order_by("version")
        ):
            changes = None
            if version.snapshot:  # published at some point
                if previous is not None:
                    changes = [
                        {
                            **c,
                            "label": _field_label(c["field"]),
                            "before": _show(c["before"]),
                            "after": _show(c["after"]),
                        }
                        for c in diff(previous.snapshot, version.snapshot)
                    ]
                previous = version
            rows.append({"version": version, "changes": changes, "url": self._change_url(version)})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Change history"),
            "item": item,
            "original": item,
            "rows": rows[::-1],  # newest first
            "change_url": self._change_url(item),
        }
        return TemplateResponse(request, "admin/items/serviceitem/versions.html", context)

    # --- 实施清单 workbook ---

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        context = {**(extra_context or {}), "may_import": self._may_import(request)}
        return super().changelist_view(request, context)

    def _may_import(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self._may_manage(request)

    def import_view(self, request: HttpRequest) -> TemplateResponse:
        if not self._may_import(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        errors: list[excel.RowError] = []
        summary: excel.ImportSummary | None = None
        checked = 0
        if request.method == "POST" and form.is_valid():
            parsed = excel.read_workbook(io.BytesIO(form.cleaned_data["file"].read()))
            if isinstance(parsed, list):
                errors = parsed
            elif form.cleaned_data["dry_run"]:
                checked = len(parsed)
            else:
                try:
                    summary = excel.apply(
                        parsed, principal_for(request), change_note=form.cleaned_data["change_note"]
                    )
                except excel.ImportRejected as rejected:
                    errors = rejected.errors
        published = []
        if summary is not None:
            by_code = {
                i.code: i
                for i in ServiceItem.objects.published().filter(
                    code__in=summary.created + [code for code, _v in summary.revised]
                )
            }
            published = [(by_code[code], code in summary.created) for code in sorted(by_code)]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import the implementation list (导入实施清单)"),
            "form": form,
            "errors": errors,
            "summary": summary,
            "published": published,
            "checked": checked,
            "is_popup": IS_POPUP_VAR in request.GET,
        }
        return TemplateResponse(request, "admin/items/serviceitem/import.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        out = io.BytesIO()
        excel.write_workbook(excel.items_for_export(), out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        filename = f"catalogue-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


_SNAPSHOT_LABELS = {
    "department_name": _("department"),
    "legal_bases": LegalBasis._meta.verbose_name_plural,
    "materials": Material._meta.verbose_name_plural,
    "fees": FeeItem._meta.verbose_name_plural,
    "faqs": FAQ._meta.verbose_name_plural,
}


def _field_label(name: str) -> str:
    if name in _SNAPSHOT_LABELS:
        return str(_SNAPSHOT_LABELS[name])
    try:
        field = ServiceItem._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, indent=1)
    return str(value)
