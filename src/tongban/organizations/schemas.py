from __future__ import annotations

from ninja import Schema


class RegionOut(Schema):
    code: str
    name: str
    level: str


class DepartmentOut(Schema):
    slug: str
    name: str
    name_en: str
    uscc: str
    level: str
    region_code: str
    phone: str
