from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province-level")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")


class DepartmentKind(models.TextChoices):
    GOVERNMENT = "government", _("Government department")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    PUBLIC_UTILITY = "public_utility", _("Public utility")


class DepartmentLevel(models.TextChoices):
    CITY = "city", _("City department")
    DISTRICT = "district", _("District department")
