from __future__ import annotations

from django.db.models import QuerySet

from tongban.organizations.constants import RegionLevel
from tongban.organizations.models import Department, Region


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).select_related("region").order_by("level", "slug")


def city_districts(city_code: str) -> QuerySet[Region]:
    return Region.objects.filter(parent__code=city_code, level=RegionLevel.DISTRICT, valid_to__isnull=True)
