"""Public directory data: departments and districts. No sign-in needed."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from ninja import Router

from tongban.organizations import query
from tongban.organizations.schemas import DepartmentOut, RegionOut

router = Router(tags=["directory"], auth=None)


@router.get("/departments", response=list[DepartmentOut], summary="Government departments")
def list_departments(request: HttpRequest) -> list[DepartmentOut]:
    return [
        DepartmentOut(
            slug=d.slug,
            name=d.name,
            name_en=d.name_en,
            uscc=d.uscc,
            level=d.level,
            region_code=d.region.code,
            phone=d.phone,
        )
        for d in query.active_departments()
    ]


@router.get("/districts", response=list[RegionOut], summary="Districts of the city")
def list_districts(request: HttpRequest) -> list[RegionOut]:
    return [
        RegionOut(code=r.code, name=r.name, level=r.level)
        for r in query.city_districts(settings.TONGBAN_CITY_REGION_CODE)
    ]
