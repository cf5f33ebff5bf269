"""Admin for case processes: designers upload BPMN + DMN files, read the validation report, and publish
or retire versions. Uploaded versions are immutable; every write goes through ``workflows.services``
(which checks the designer role and writes the audit trail)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tongban.accounts.request import principal_for
from tongban.utils.admin_audit import AuditedAdmin
from tongban.utils.errors import DomainError
from tongban.workflows import library, services
from tongban.workflows.models import ProcessDefinition

MAX_FILE_BYTES = 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".dmn,.xml"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _read_text(upload: UploadedFile) -> str:
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 1 MB."), code="file_too_large", params={"name": upload.name}
        )
    try:
        return upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(
            _("%(name)s is not UTF-8 text."), code="file_not_utf8", params={"name": upload.name}
        ) from None


class UploadForm(forms.ModelForm):
    bpmn_file = forms.FileField(
        label=_("BPMN file"), widget=forms.ClearableFileInput(attrs={"accept": ".bpmn,.xml"})
    )
    dmn_files = MultipleFileField(
        label=_("DMN files"), required=False, help_text=_("One decision per file; select several files.")
    )

    class Meta:
        model = ProcessDefinition
        fields = ["key", "name"]
        help_texts = {
            "key": _(
                "item_promised, item_immediate, bundle_<bundle code>, or the key an item or bundle names "
                "as its case process. A new upload becomes the next version of the key."
            )
        }

    def clean_key(self) -> str:
        key = (self.cleaned_data.get("key") or "").strip()
        if not library.KEY_RE.match(key):
            raise ValidationError(
                _("Use 1–80 letters, digits, “_” or “-”, starting with a letter or digit."),
                code="key_invalid",
            )
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("bpmn_file"):
            data["bpmn_text"] = _read_text(data["bpmn_file"])
        data["dmn_texts"] = [_read_text(f) for f in data.get("dmn_files") or []]
        return data


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(AuditedAdmin):
    list_display = ("key", "version", "name", "state", "valid", "uploaded_at", "published_at")
    list_filter = ("state",)
    search_fields = ("key", "name")
    ordering = ("key", "-version")
    actions = ("publish_selected", "retire_selected")
    readonly_fields = (
        "key",
        "version",
        "name",
        "state",
        "checksum",
        "uploaded_by",
        "uploaded_at",
        "published_by",
        "published_at",
        "validation_report",
        "bpmn_source",
        "dmn_count",
    )
    fieldsets = (
        (None, {"fields": ("key", "version", "name", "state", "checksum")}),
        (_("History"), {"fields": ("uploaded_by", "uploaded_at", "published_by", "published_at")}),
        (_("Validation"), {"fields": ("validation_report",)}),
        (_("Source"), {"classes": ("collapse",), "fields": ("dmn_count", "bpmn_source")}),
    )
    add_fieldsets = ((None, {"fields": ("key", "name", "bpmn_file", "dmn_files")}),)

    # --- who may do what: designers and superusers only -----------------------------------------------
    def _designer(self, request: HttpRequest) -> bool:
        return services.is_designer(principal_for(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._designer(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._designer(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._designer(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Content is immutable; "change" means publish/retire (the actions).
        return self._designer(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only drafts that were never published can go; published history stays.
        return self._designer(request) and obj is not None and obj.published_at is None

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # --- forms ----------------------------------------------------------------------------------------
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = UploadForm
            kwargs["fields"] = ["key", "name"]
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return  # nothing is editable; publish and retire are actions
        try:
            created = services.upload(
                principal_for(request),
                form.cleaned_data["key"],
                form.cleaned_data["name"],
                form.cleaned_data["bpmn_text"],
                form.cleaned_data["dmn_texts"],
            )
        except DomainError as exc:
            raise PermissionDenied(str(exc.message)) from exc
        # The admin goes on with ``obj`` (messages, redirect): make it the stored row.
        obj.__dict__.update(created.__dict__)
        report = created.validation or {}
        if report.get("ok"):
            messages.success(request, gettext("Validation passed; publish the version to use it."))
        else:
            messages.error(request, gettext("Validation failed: see the report below."))

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: str | None = None) -> Any:
        # Straight to the new version's page, where the validation report is.
        opts = self.opts
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[obj.pk],
            current_app=self.admin_site.name,
        )
        return HttpResponseRedirect(url)

    # --- display --------------------------------------------------------------------------------------
    @admin.display(description=_("valid"), boolean=True)
    def valid(self, obj: ProcessDefinition) -> bool:
        return obj.is_valid

    @admin.display(description=_("DMN files"))
    def dmn_count(self, obj: ProcessDefinition) -> int:
        return len(obj.dmn or [])

    @admin.display(description=_("BPMN"))
    def bpmn_source(self, obj: ProcessDefinition) -> SafeString:
        return format_html("<pre>{}</pre>", obj.bpmn)  # no inline style: CSP style-src 'self'

    @admin.display(description=_("validation report"))
    def validation_report(self, obj: ProcessDefinition) -> SafeString:
        report = obj.validation or {}

        def rows(entries: list[dict[str, str]]) -> SafeString:
            return format_html_join(
                "", "<li><code>{}</code> {}</li>", ((e["code"], e["message"]) for e in entries)
            )

        tasks = format_html_join(
            "",
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (t["bpmn_id"], t["name"], t["lane"], t["kind"], t.get("item_code", ""))
                for t in report.get("user_tasks", [])
            ),
        )
        runs = format_html_join(
            "",
            "<li>{}: {} ({} {})</li>",
            (
                (r["path"], r.get("end_event") or r.get("error", ""), r.get("steps", 0), gettext("steps"))
                for r in report.get("dry_runs", [])
            ),
        )
        return format_html(
            "<p><strong>{}</strong> · {}: <code>{}</code></p><ul>{}</ul><ul>{}</ul>"
            "<p>{}</p><ul>{}</ul>"
            "<table><thead><tr><th>id</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            gettext("Validation passed.") if report.get("ok") else gettext("Validation failed."),
            gettext("process"),
            report.get("process_id", ""),
            rows(report.get("errors", [])),
            rows(report.get("warnings", [])),
            gettext("Dry runs"),
            runs,
            gettext("name"),
            gettext("lane"),
            gettext("kind"),
            gettext("item code"),
            tasks,
        )

    # --- actions --------------------------------------------------------------------------------------
    @admin.action(description=_("Publish selected versions"), permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[ProcessDefinition]) -> None:
        self._apply(request, queryset, services.publish, gettext("%(count)d version(s) published."))

    @admin.action(description=_("Retire selected versions"), permissions=["change"])
    def retire_selected(self, request: HttpRequest, queryset: QuerySet[ProcessDefinition]) -> None:
        self._apply(request, queryset, services.retire, gettext("%(count)d version(s) retired."))

    def _apply(
        self, request: HttpRequest, queryset: QuerySet[ProcessDefinition], step: Any, done_msg: str
    ) -> None:
        principal = principal_for(request)
        done = 0
        for definition in queryset.order_by("key", "version"):
            try:
                step(principal, definition)
            except DomainError as exc:
                messages.error(request, f"{definition}: {exc.message} [{exc.code}]")
                continue
            done += 1
        if done:
            messages.success(request, done_msg % {"count": done})

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcessDefinition]:
        return super().get_queryset(request).select_related("uploaded_by", "published_by")
