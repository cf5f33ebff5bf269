from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tongban.licenses.faces import face_fields
from tongban.licenses.models import LicenseType
from tongban.utils.admin_audit import AuditedAdmin


class PrettyJSONField(forms.JSONField):
    """A JSON textarea that shows the value indented, with Chinese left readable."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


def _json_widget(rows: int) -> forms.Textarea:
    return forms.Textarea(
        attrs={"rows": rows, "cols": 100, "style": "font-family: monospace", "spellcheck": "false"}
    )


class LicenseTypeForm(forms.ModelForm):
    face_schema = PrettyJSONField(label=_("face fields schema"), required=False, widget=_json_widget(30))
    face_field_order = PrettyJSONField(label=_("face field order"), required=False, widget=_json_widget(4))
    personal_fields = PrettyJSONField(label=_("personal fields"), required=False, widget=_json_widget(4))
    validity_terms = PrettyJSONField(label=_("allowed terms (years)"), required=False, widget=_json_widget(1))

    class Meta:
        model = LicenseType
        fields = [
            "code",
            "name",
            "name_en",
            "issuing_department",
            "defining_department",
            "defining_body_name",
            "holder_kind",
            "available_electronically",
            "legal_basis",
            "validity_years",
            "validity_terms",
            "long_term_allowed",
            "validity_note",
            "face_schema",
            "face_field_order",
            "personal_fields",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        # An emptied JSON box means "none", not null (the columns are NOT NULL).
        for name in ("face_schema", "face_field_order", "personal_fields", "validity_terms"):
            if name in data and data[name] is None:
                data[name] = {} if name == "face_schema" else []
        return data


@admin.register(LicenseType)
class LicenseTypeAdmin(AuditedAdmin):
    form = LicenseTypeForm
    list_display = (
        "name",
        "code",
        "issuing_department",
        "defining_body_name",
        "holder_kind",
        "available_electronically",
        "validity",
        "face_field_count",
    )
    list_filter = ("holder_kind", "available_electronically", "long_term_allowed", "issuing_department")
    search_fields = ("name", "code", "defining_body_name")
    readonly_fields = ("face_fields_preview",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "code",
                    "name",
                    "name_en",
                    "issuing_department",
                    "defining_department",
                    "defining_body_name",
                    "holder_kind",
                    "available_electronically",
                    "legal_basis",
                )
            },
        ),
        (
            _("Validity"),
            {"fields": ("validity_years", "validity_terms", "long_term_allowed", "validity_note")},
        ),
        (
            _("Face fields (照面信息)"),
            {"fields": ("face_fields_preview", "face_schema", "face_field_order", "personal_fields")},
        ),
    )

    @admin.display(description=_("validity"))
    def validity(self, obj: LicenseType) -> str:
        parts = []
        years = "/".join(str(t) for t in obj.validity_terms) or (str(obj.validity_years or ""))
        if years:
            parts.append(str(_("%(years)s years") % {"years": years}))
        if obj.long_term_allowed:
            parts.append(str(_("long-term")))
        return " · ".join(parts) or "—"

    @admin.display(description=_("face fields"))
    def face_field_count(self, obj: LicenseType) -> int:
        return len((obj.face_schema or {}).get("properties", {}))

    @admin.display(description=_("face fields preview"))
    def face_fields_preview(self, obj: LicenseType) -> SafeString | str:
        fields = face_fields(obj) if obj.pk else []
        if not fields:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f.name,
                    f.title,
                    f.schema.get("format") or f.schema.get("type", ""),
                    _("required") if f.required else "",
                    _("personal") if f.personal else "",
                )
                for f in fields
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th></th><th></th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("field"),
            _("title"),
            _("type"),
            rows,
        )


from tongban.licenses import (  # noqa: E402,F401  (register the library models and the error reports)
    admin_corrections,
    admin_library,
)
