from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province-level")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")


class DepartmentLevel(models.TextChoices):
    CITY = "city", _("City department")
    DISTRICT = "district", _("District department")
