"""Small, hand-made catalogues for tests: every figure in them is easy to check by hand."""

from __future__ import annotations

from typing import Any

from tongban.bundles.models import Bundle, BundleItem, Situation
from tongban.items import services
from tongban.items.constants import CaseKind, MaterialSource, OnlineDepth, ResultKind
from tongban.items.models import DataResource, FormField, MaterialKind, ServiceItem
from tongban.licenses.models import LicenseType
from tongban.organizations.constants import DepartmentLevel, RegionLevel
from tongban.organizations.models import Department, Region
from tongban.utils.identifiers import make_uscc

_seq = iter(range(1, 10_000))


def department(slug: str = "", name: str = "") -> Department:
    n = next(_seq)
    region, _ = Region.objects.get_or_create(
        code="310000", defaults={"name": "上海市", "level": RegionLevel.PROVINCE}
    )
    return Department.objects.create(
        slug=slug or f"d{n}",
        name=name or f"测试局{n}",
        uscc=make_uscc(f"11310000MC{n:06d}"),
        region=region,
        level=DepartmentLevel.CITY,
    )


def license_type(dept: Department, name: str, *, electronic: bool = True) -> LicenseType:
    n = next(_seq)
    return LicenseType.objects.create(
        code=f"{dept.uscc}{n:03d}",
        name=name,
        issuing_department=dept,
        holder_kind="legal_person",
        available_electronically=electronic,
    )


def material_kind(code: str, source: str = MaterialSource.APPLICANT, **kw: Any) -> MaterialKind:
    return MaterialKind.objects.create(code=code, name=kw.pop("name", code), source=source, **kw)


def data_resource(code: str, provider: Department, *, shared: bool = True) -> DataResource:
    return DataResource.objects.create(code=code, name=code, provider=provider, shared=shared)


def form_field(key: str) -> FormField:
    return FormField.objects.get_or_create(key=key, defaults={"label": key})[0]


def item_fields(dept: Department, **overrides: Any) -> dict[str, Any]:
    n = next(_seq)
    fields: dict[str, Any] = {
        "code": f"{dept.uscc}3{n:012d}",
        "basic_code": f"{n:012d}",
        "name": f"测试事项{n}",
        "item_type": "01",
        "department": dept,
        "for_legal_persons": True,
        "case_kind": CaseKind.PROMISED,
        "legal_time_limit": 20,
        "promised_time_limit": 5,
        "visits": 0,
        "online_depth": OnlineDepth.FULLY_ONLINE,
        "acceptance_conditions": "申请人具备相应条件。",
        "channels": ["pc", "mobile", "window"],
        "result_name": "准予许可决定书",
        "result_kind": ResultKind.DOCUMENT,
    }
    fields.update(overrides)
    return fields


def published_item(
    dept: Department,
    *,
    materials: list[tuple[MaterialKind, dict[str, Any]]] | list[MaterialKind] = (),  # type: ignore[assignment]
    fields: list[str] = (),  # type: ignore[assignment]
    fees: list[dict[str, Any]] = (),  # type: ignore[assignment]
    **overrides: Any,
) -> ServiceItem:
    rows = [(m, {}) if isinstance(m, MaterialKind) else m for m in materials]
    draft = services.create_draft(
        principal=None,
        fields=item_fields(dept, charges_fee=bool(fees), **overrides),
        legal_bases=[{"law": "中华人民共和国行政许可法", "article": "第十二条"}],
        materials=[{"kind": kind, **extra} for kind, extra in rows],
        fees=list(fees),
        form_fields=[form_field(k) for k in fields],
    )
    return services.publish(item=draft, principal=None)


def bundle(
    lead: Department, items: list[ServiceItem], optional: dict[str, list[ServiceItem]] | None = None
) -> Bundle:
    n = next(_seq)
    b = Bundle.objects.create(
        code=f"b{n}",
        name=f"测试一件事{n}",
        kind="business_event",
        audience="legal",
        lead_department=lead,
        state="published",
    )
    for i, item in enumerate(items):
        BundleItem.objects.create(bundle=b, item_code=item.code, order=i)
    for code, extra in (optional or {}).items():
        situation = Situation.objects.create(bundle=b, code=code, question=f"{code}?")
        for item in extra:
            BundleItem.objects.create(bundle=b, item_code=item.code, situation=situation, order=99)
    return b
