"""Administrative regions (GB/T 2260), government departments and their service windows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.organizations.constants import DepartmentKind, DepartmentLevel, RegionLevel
from tongban.utils.validators import uscc_validator


class Region(models.Model):
    code = models.CharField(_("GB/T 2260 code"), max_length=6, unique=True)
    # 12-digit statistical code for finer levels; equals code + "000000" at county level.
    area_code12 = models.CharField(_("12-digit area code"), max_length=12, blank=True)
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.PositiveSmallIntegerField(_("valid from (year)"), null=True, blank=True)
    valid_to = models.PositiveSmallIntegerField(_("valid to (year)"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Department(models.Model):
    slug = models.SlugField(_("short identifier"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[uscc_validator]
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    level = models.CharField(_("level"), max_length=16, choices=DepartmentLevel.choices)
    kind = models.CharField(
        _("kind"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.GOVERNMENT
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="branches"
    )
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class ServiceWindow(models.Model):
    """A counter in a service hall (窗口), e.g. the 综合受理窗口 of a district centre."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="windows")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="windows")
    address = models.CharField(_("address"), max_length=200)
    hours = models.CharField(_("opening hours"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_comprehensive = models.BooleanField(_("comprehensive window (综合窗口)"), default=False)

    class Meta:
        ordering = ["district__code", "name"]
        verbose_name = _("service window")
        verbose_name_plural = _("service windows")

    def __str__(self) -> str:
        return f"{self.district.name} · {self.name}"
