"""The public service catalogue: items, their versions, statistics and the catalogue graph.

No sign-in needed (``auth=None``): the catalogue is what government publishes to everyone. Selection
lives in ``items.query`` and ``items.graph``; the handlers here only parse and shape the answers.
"""

# No ``from __future__ import annotations`` here: ninja fails to resolve ``Query[...]`` parameters
# given as strings (pydantic: "QueryParams is not fully defined").
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from tongban.items import graph, query, versions
from tongban.items.exemptions import Exemption, kind_exemption, material_exemption
from tongban.items.models import MaterialKind, ServiceItem
from tongban.items.query import CatalogStats
from tongban.items.schemas import (
    CatalogStatsOut,
    ConsumerOut,
    DepartmentGraphOut,
    DepartmentRef,
    DepartmentStatsOut,
    DeptLicenseTypeOut,
    DeptMaterialKindOut,
    EdgeOut,
    ExemptionOut,
    FaqOut,
    FeeOut,
    GraphOut,
    IfSharedOut,
    ItemDetailOut,
    ItemFilters,
    ItemListOut,
    ItemRef,
    KindIfSharedOut,
    LegalBasisOut,
    LicenseTypeOut,
    LicenseTypeRef,
    LocationOut,
    MaterialItemsOut,
    MaterialKindOut,
    MaterialOut,
    MaterialUseOut,
    NodeOut,
    PhonesOut,
    ResultOut,
    SharedUseOut,
    TimeLimitOut,
    TopicRef,
    VersionOut,
    WindowRef,
)
from tongban.organizations.models import Department
from tongban.utils.errors import DomainError, NotFound, ValidationFailed

router = Router(tags=["catalogue"], auth=None)
graph_router = Router(tags=["catalogue graph"], auth=None)

PAGE_MAX = 100  # the most items one page returns, whatever ``limit`` asks for


# --- items ------------------------------------------------------------------------------------------


@router.get("/items", response=list[ItemListOut], summary="Published service items, filtered")
@paginate(LimitOffsetPagination, max_limit=PAGE_MAX)
def list_items(request: HttpRequest, filters: Query[ItemFilters]) -> QuerySet[ServiceItem]:
    return query.filter_items(
        q=filters.q,
        department=filters.department,
        item_type=filters.type,
        audience=filters.audience,
        district=filters.district,
        online=filters.online,
        topic=filters.topic,
    )


@router.get("/items/{code}", response=ItemDetailOut, summary="An item's guide: the published version")
def get_item(
    request: HttpRequest,
    code: str,
    version: int | None = Query(None, ge=1, description="A version number: that frozen version instead."),
) -> ItemDetailOut:
    view = versions.published_version(code) if version is None else versions.frozen_version(code, version)
    return _item_detail(view)


@router.get("/catalog/stats", response=CatalogStatsOut, summary="Catalogue statistics, with departments")
def catalog_stats(request: HttpRequest) -> CatalogStatsOut:
    return CatalogStatsOut(
        **_stats(query.catalog_stats()),
        departments=[
            DepartmentStatsOut(department=_dept(d), **_stats(s)) for d, s in graph.department_stats()
        ],
    )


# --- graph ------------------------------------------------------------------------------------------


@graph_router.get(
    "/materials/{kind_code}/items", response=MaterialItemsOut, summary="Items that need a material kind"
)
def material_items(request: HttpRequest, kind_code: str) -> MaterialItemsOut:
    usage = graph.items_needing(kind_code)
    if usage is None:
        raise NotFound("material_kind_not_found", _("There is no such material kind."))
    return MaterialItemsOut(
        kind=_kind(usage.kind, usage.exemption),
        items=[
            MaterialUseOut(
                item=_item_ref(u.item),
                name=u.material.display_name,
                requirement=u.material.requirement,
                condition=u.material.condition,
                exemption=_exemption(u.exemption),
            )
            for u in usage.uses
        ],
        submissions=usage.submissions,
    )


@graph_router.get(
    "/license-types/{code}/if-shared",
    response=IfSharedOut,
    summary="What sharing a licence type as an e-licence would exempt",
)
def license_if_shared(request: HttpRequest, code: str) -> IfSharedOut:
    answer = graph.if_license_shared(code)
    if answer is None:
        raise NotFound("license_type_not_found", _("There is no such licence type."))
    lt = answer.license_type
    return IfSharedOut(
        license_type=LicenseTypeOut(
            code=lt.code,
            name=lt.name,
            issuing_department=_dept(lt.issuing_department),
            available_electronically=lt.available_electronically,
        ),
        already_shared=answer.already_shared,
        material_kinds=[
            KindIfSharedOut(
                code=k.kind.code,
                name=k.kind.name,
                source=k.kind.source,
                items=[
                    SharedUseOut(
                        item=_item_ref(u.item),
                        requirement=u.material.requirement,
                        condition=u.material.condition,
                        becomes_exempt=u.becomes_exempt,
                    )
                    for u in k.uses
                ],
                submissions_saved=k.submissions_saved,
            )
            for k in answer.kinds
        ],
        submissions_saved=answer.submissions_saved,
        items_affected=answer.items_affected,
        issuing_items=[_item_ref(i) for i in answer.issuing_items],
    )


@graph_router.get(
    "/departments/{slug}", response=DepartmentGraphOut, summary="A department's items, issues and consumers"
)
def department_graph(request: HttpRequest, slug: str) -> DepartmentGraphOut:
    g = graph.department_graph(slug)
    if g is None:
        raise NotFound("department_not_found", _("There is no such department."))
    return DepartmentGraphOut(
        department=_dept(g.department),
        items=[_item_ref(i) for i in g.items],
        license_types=[
            DeptLicenseTypeOut(
                code=lt.code, name=lt.name, available_electronically=lt.available_electronically
            )
            for lt in g.license_types
        ],
        material_kinds=[
            DeptMaterialKindOut(code=k.code, name=k.name, source=k.source, exempt=kind_exemption(k).exempt)
            for k in g.material_kinds
        ],
        consumers=[
            ConsumerOut(
                department=_dept(c.department),
                items=c.items,
                submissions=c.submissions,
                material_kinds=c.kind_codes,
            )
            for c in g.consumers
        ],
    )


@graph_router.get(
    "/neighbours", response=GraphOut, summary="A node of the catalogue graph and its neighbours"
)
def neighbours(
    request: HttpRequest,
    node: str = Query(
        ..., description="`item:<code>`, `material:<kind code>`, `license:<code>` or `department:<slug>`."
    ),
) -> GraphOut:
    node_type, sep, key = node.partition(":")
    if not sep or not key or node_type not in graph.NODE_TYPES:
        raise ValidationFailed(
            [
                DomainError(
                    "invalid_node",
                    _("Name a node as item:<code>, material:<code>, license:<code> or department:<slug>."),
                    field="node",
                )
            ]
        )
    g = graph.neighbours(node_type, key)
    if g is None:
        raise NotFound("node_not_found", _("There is no such node in the catalogue."))
    return GraphOut(
        center=g.center.id,
        nodes=[NodeOut(id=n.id, type=n.type, label=n.label) for n in g.nodes],
        edges=[EdgeOut(source=e.source, target=e.target, relation=e.relation) for e in g.edges],
    )


# --- shaping ----------------------------------------------------------------------------------------


def _dept(d: Department) -> DepartmentRef:
    return DepartmentRef(slug=d.slug, name=d.name)


def _item_ref(i: ServiceItem) -> ItemRef:
    return ItemRef(code=i.code, name=i.name, department=_dept(i.department))


def _exemption(e: Exemption) -> ExemptionOut:
    return ExemptionOut(exempt=e.exempt, basis=e.basis, reason=e.reason)


def _kind(k: MaterialKind, exemption: Exemption) -> MaterialKindOut:
    return MaterialKindOut(
        code=k.code,
        name=k.name,
        source=k.source,
        license_type=LicenseTypeRef(code=k.license_type.code, name=k.license_type.name)
        if k.license_type
        else None,
        issuing_department=_dept(k.issuing_department) if k.issuing_department else None,
        exemption=_exemption(exemption),
    )


def _stats(s: CatalogStats) -> dict[str, Any]:
    return {
        "items": s.items,
        "fully_online": s.fully_online,
        "at_most_one_visit": s.at_most_one_visit,
        "materials": s.materials,
        "materials_exempt": s.materials_exempt,
        "fully_online_share": s.fully_online_share,
        "at_most_one_visit_share": s.at_most_one_visit_share,
        "materials_exempt_share": s.materials_exempt_share,
    }


def _file_url(f: models.fields.files.FieldFile) -> str:
    return f.url if f else ""


def _item_detail(v: versions.VersionView) -> ItemDetailOut:
    i = v.item
    lt = v.result_license_type
    return ItemDetailOut(
        code=i.code,
        basic_code=i.basic_code,
        version=i.version,
        state=i.state,
        change_note=i.change_note,
        published_at=i.published_at,
        name=i.name,
        name_en=i.name_en,
        summary=i.summary,
        keywords=i.keywords,
        item_type=i.item_type,
        local_type_code=i.local_type_code,
        department=DepartmentRef(slug=v.department_slug, name=v.department_name),
        exercise_level=i.exercise_level,
        for_natural_persons=i.for_natural_persons,
        for_legal_persons=i.for_legal_persons,
        case_kind=i.case_kind,
        legal_time=TimeLimitOut.of(i.legal_time_limit, i.legal_time_unit, i.legal_time_note),
        promised_time=TimeLimitOut.of(i.promised_time_limit, i.promised_time_unit, i.promised_time_note),
        visits=i.visits,
        online_depth=i.online_depth,
        onsite_reason=i.onsite_reason,
        acceptance_conditions=i.acceptance_conditions,
        procedure=[line.strip() for line in i.procedure.splitlines() if line.strip()],
        handling_scope=i.handling_scope,
        channels=list(i.channels or []),
        supports_appointment=i.supports_appointment,
        supports_online_payment=i.supports_online_payment,
        supports_delivery=i.supports_delivery,
        charges_fee=i.charges_fee,
        result=ResultOut(
            name=i.result_name,
            kind=i.result_kind,
            license_type=LicenseTypeRef(code=lt.code, name=lt.name) if lt else None,
        ),
        phones=PhonesOut(consultation=i.consultation_phone, supervision=i.supervision_phone),
        legal_bases=[LegalBasisOut(law=b.law, article=b.article, excerpt=b.excerpt) for b in v.legal_bases],
        materials=[
            MaterialOut(
                kind_code=m.kind.code,
                kind_name=m.kind.name,
                name=m.display_name,
                form=m.form,
                original_count=m.original_count,
                copy_count=m.copy_count,
                requirement=m.requirement,
                condition=m.condition,
                must_submit_reason=m.must_submit_reason,
                notes=m.notes,
                blank_form=_file_url(m.blank_form),
                sample=_file_url(m.sample),
                exemption=_exemption(material_exemption(m)),
            )
            for m in v.materials
        ],
        fees=[
            FeeOut(
                name=fee.name,
                standard=fee.standard,
                amount_cents=fee.amount_cents,
                basis=fee.basis,
                waivable=fee.waivable,
                waiver_note=fee.waiver_note,
            )
            for fee in v.fees
        ],
        faqs=[FaqOut(question=q.question, answer=q.answer) for q in v.faqs],
        topics=[TopicRef(code=t.code, name=t.name) for t in v.topics],
        locations=[
            LocationOut(
                district_code=loc.district.code,
                district_name=loc.district.name,
                window=WindowRef(code=loc.window.code, name=loc.window.name) if loc.window else None,
                address=loc.address,
                hours=loc.hours,
                phone=loc.phone,
                notes=loc.notes,
            )
            for loc in query.locations(i.code)
        ],
        versions=[
            VersionOut(
                version=h.version, state=h.state, published_at=h.published_at, change_note=h.change_note
            )
            for h in query.version_history(i.code).only("version", "state", "published_at", "change_note")
        ],
    )
