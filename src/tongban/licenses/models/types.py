"""Licence types (证照类型, GB/T 36902/36904)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.licenses.constants import HolderKind


class LicenseType(models.Model):
    # 证照类型代码: 证照定义机构 USCC (18) + 3-digit sequence. Stored opaque and generously sized.
    code = models.CharField(_("licence type code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    issuing_department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="license_types"
    )
    # 证照定义机构: the body that defines the type; the code's first 18 characters are usually its USCC.
    # National types are defined by a ministry that has no Department row: the FK stays empty and
    # ``defining_body_name`` names it (GB/T 36902 证照定义机构名称).
    defining_department = models.ForeignKey(
        "organizations.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="defined_license_types",
        verbose_name=_("defining department"),
    )
    defining_body_name = models.CharField(_("defining body"), max_length=100, blank=True)
    holder_kind = models.CharField(_("holder"), max_length=20, choices=HolderKind.choices)
    # True when the licence library holds these licences electronically and shares them: a material of
    # this type need not be handed in (两个免于提交).
    available_electronically = models.BooleanField(_("shared as e-licence"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    # 照面信息: a JSON Schema (draft 2020-12) of the face fields; see tongban.licenses.faces.
    face_schema = models.JSONField(_("face fields schema"), default=dict, blank=True)
    # Field names in display order (jsonb does not keep an object's key order); fields not listed
    # follow in schema order.
    face_field_order = models.JSONField(_("face field order"), default=list, blank=True)
    # Face fields that are personal data: masked by default when shown, never put into a QR code unless
    # the holder discloses them explicitly.
    personal_fields = models.JSONField(_("personal fields"), default=list, blank=True)

    # Validity rule, applied by tongban.licenses.faces.validity_end.
    validity_years = models.PositiveSmallIntegerField(_("standard validity (years)"), null=True, blank=True)
    validity_terms = models.JSONField(
        _("allowed terms (years)"),
        default=list,
        blank=True,
        help_text=_("Leave empty to allow any end date up to the standard validity."),
    )
    # A holder has at most one current licence of this type (营业执照, 身份证): issuing again re-issues it
    # as a new version instead of creating a second licence.
    one_per_holder = models.BooleanField(_("one per holder"), default=False)
    long_term_allowed = models.BooleanField(_("long-term validity allowed (长期)"), default=False)
    validity_note = models.CharField(_("validity rule"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")

    def __str__(self) -> str:
        return self.name

    @property
    def definer_code(self) -> str:
        """证照定义机构代码: the first 18 characters of the type code."""
        return self.code[:18]

    def clean(self) -> None:
        from tongban.licenses.faces import face_schema_problems

        errors: dict[str, Any] = {}
        problems = face_schema_problems(self.face_schema)
        if problems:
            errors["face_schema"] = problems
        properties = self.face_schema.get("properties", {}) if isinstance(self.face_schema, dict) else {}
        for name in ("face_field_order", "personal_fields"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[name] = _("A list of field names.")
                continue
            unknown = [v for v in value if v not in properties]
            if unknown:
                errors[name] = _("Not fields of the schema: %(names)s.") % {"names": ", ".join(unknown)}
        terms = self.validity_terms
        if not isinstance(terms, list) or not all(
            isinstance(t, int) and not isinstance(t, bool) and 0 < t <= 100 for t in terms
        ):
            errors["validity_terms"] = _("A list of whole numbers of years, e.g. [5, 10, 20].")
        if self.defining_department is not None and not self.defining_body_name:
            self.defining_body_name = self.defining_department.name
        if errors:
            raise ValidationError(errors)
