"""Licence types (证照类型, GB/T 36902/36904). Issued licences arrive with the licence library later."""

from __future__ import annotations

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
    holder_kind = models.CharField(_("holder"), max_length=20, choices=HolderKind.choices)
    # True when the licence library holds these licences electronically and shares them: a material of
    # this type need not be handed in (两个免于提交).
    available_electronically = models.BooleanField(_("shared as e-licence"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")

    def __str__(self) -> str:
        return self.name
