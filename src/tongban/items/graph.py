"""The catalogue as a graph: the analysts' tool for process re-engineering (流程再造).

Nodes are published items, material kinds, licence types and departments. Edges (source → target):

- ``needs``       item → material kind    (a material of the item's published version)
- ``is``          material kind → licence type   (``MaterialKind.license_type``)
- ``issued_by``   licence type → department      (``LicenseType.issuing_department``)
- ``issued_by``   material kind → department     (``MaterialKind.issuing_department``)
- ``handled_by``  item → department
- ``issues``      item → licence type            (``ServiceItem.result_license_type``)

Every function here only reads, only looks at PUBLISHED items, and returns plain values; an unknown
starting point gives ``None`` (the API turns that into a 404). Exemptions are always decided by
``items.exemptions``, never re-implemented here: "what if" questions ask it about a modified copy.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from tongban.items.constants import ItemState, OnlineDepth
from tongban.items.exemptions import Exemption, kind_exemption, material_exemption
from tongban.items.models import Material, MaterialKind, ServiceItem
from tongban.items.query import CatalogStats
from tongban.licenses.models import LicenseType
from tongban.organizations.models import Department

NODE_TYPES = ("item", "material", "license", "department")

NEEDS, IS, ISSUED_BY, HANDLED_BY, ISSUES = "needs", "is", "issued_by", "handled_by", "issues"


# --- building blocks ------------------------------------------------------------------------------


def published_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.published().select_related("department", "result_license_type")


def published_materials() -> QuerySet[Material]:
    """Material rows of published versions, with their item and department loaded."""
    return Material.objects.filter(item__state=ItemState.PUBLISHED).select_related("item__department")


def kinds() -> QuerySet[MaterialKind]:
    """Material kinds with everything ``kind_exemption`` reads."""
    return MaterialKind.objects.select_related(
        "license_type", "data_resource__provider", "issuing_department"
    ).order_by("code")


def _uses_of(*of_kinds: MaterialKind) -> dict[int, list[Material]]:
    """The published material rows of each kind (by kind id), in one query."""
    by_pk = {k.pk: k for k in of_kinds}
    uses: dict[int, list[Material]] = {pk: [] for pk in by_pk}
    rows = (
        published_materials()
        .filter(kind__in=list(by_pk))
        .order_by("item__department__slug", "item__name", "item__code", "order", "pk")
    )
    for m in rows:
        m.kind = by_pk[m.kind_id]  # already loaded with its licence type etc.: no query per row
        uses[m.kind_id].append(m)
    return uses


# --- which items need material kind X --------------------------------------------------------------


@dataclass(frozen=True)
class MaterialUse:
    """One material row of a published item: the item asks for this kind."""

    material: Material
    exemption: Exemption

    @property
    def item(self) -> ServiceItem:
        return self.material.item


@dataclass
class KindUsage:
    kind: MaterialKind
    exemption: Exemption  # of the kind itself, before any item's own must-submit reason
    uses: list[MaterialUse]

    @property
    def submissions(self) -> int:
        """Material rows in which applicants still hand this kind in."""
        return sum(1 for u in self.uses if not u.exemption.exempt)


def items_needing(kind_code: str) -> KindUsage | None:
    """The published items that ask for material kind ``kind_code``, with requirement and exemption."""
    kind = kinds().filter(code=kind_code).first()
    if kind is None:
        return None
    uses = [MaterialUse(m, material_exemption(m)) for m in _uses_of(kind)[kind.pk]]
    return KindUsage(kind=kind, exemption=kind_exemption(kind), uses=uses)


# --- what if licence type Y were shared ------------------------------------------------------------


@dataclass(frozen=True)
class SharedUse:
    material: Material
    becomes_exempt: bool  # False when the item records a legal reason to hand the paper in anyway

    @property
    def item(self) -> ServiceItem:
        return self.material.item


@dataclass
class KindIfShared:
    kind: MaterialKind
    uses: list[SharedUse]

    @property
    def submissions_saved(self) -> int:
        return sum(1 for u in self.uses if u.becomes_exempt)


@dataclass
class IfShared:
    license_type: LicenseType
    kinds: list[KindIfShared]  # linked to the licence type and not exempt today
    issuing_items: list[ServiceItem]  # published items whose result is a licence of this type

    @property
    def already_shared(self) -> bool:
        return self.license_type.available_electronically

    @property
    def submissions_saved(self) -> int:
        return sum(k.submissions_saved for k in self.kinds)

    @property
    def items_affected(self) -> list[str]:
        """Codes of the items that would lose at least one material."""
        return sorted({u.item.code for k in self.kinds for u in k.uses if u.becomes_exempt})


def _as_if_shared(material: Material, shared: LicenseType) -> Material:
    """A detached copy of ``material`` whose kind's licence type is shared (nothing is saved)."""
    kind = copy.copy(material.kind)
    kind.license_type = shared
    twin = copy.copy(material)
    twin.kind = kind
    return twin


def if_license_shared(code: str) -> IfShared | None:
    """Which materials could become exempt (两个免于提交) if licence type ``code`` were shared as an
    e-licence: its material kinds that are not exempt today, each with the published items using them
    and the submissions that would disappear; plus the items that issue licences of this type."""
    license_type = LicenseType.objects.select_related("issuing_department").filter(code=code).first()
    if license_type is None:
        return None
    shared = copy.copy(license_type)
    shared.available_electronically = True
    # Exempt today already (shared licence, shared data or issued in the city): nothing to gain.
    candidates = [k for k in kinds().filter(license_type=license_type) if not kind_exemption(k).exempt]
    uses = _uses_of(*candidates)
    result = [
        KindIfShared(
            kind=kind,
            uses=[
                SharedUse(
                    m,
                    becomes_exempt=not material_exemption(m).exempt
                    and material_exemption(_as_if_shared(m, shared)).exempt,
                )
                for m in uses[kind.pk]
            ],
        )
        for kind in candidates
    ]
    issuing = list(published_items().filter(result_license_type=license_type).order_by("code"))
    return IfShared(license_type=license_type, kinds=result, issuing_items=issuing)


# --- a department's place in the graph --------------------------------------------------------------


@dataclass
class Consumer:
    """A department whose published items ask for material kinds another department issues."""

    department: Department
    items: int
    submissions: int
    kind_codes: list[str]


@dataclass
class DepartmentGraph:
    department: Department
    items: list[ServiceItem]
    license_types: list[LicenseType]
    material_kinds: list[MaterialKind]
    consumers: list[Consumer]


def department_graph(slug: str) -> DepartmentGraph | None:
    """The department's published items, the licence types and material kinds it issues, and the
    departments whose items consume them (a material kind counts when the department issues the kind
    itself or the licence type it is)."""
    department = Department.objects.filter(slug=slug).first()
    if department is None:
        return None
    items = list(published_items().filter(department=department).order_by("name", "code"))
    license_types = list(LicenseType.objects.filter(issuing_department=department).order_by("code"))
    material_kinds = list(kinds().filter(issuing_department=department))
    rows = (
        Material.objects.filter(item__state=ItemState.PUBLISHED)
        .filter(Q(kind__issuing_department=department) | Q(kind__license_type__issuing_department=department))
        .values("item__department_id", "item_id", "kind__code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    submissions: dict[int, int] = defaultdict(int)
    consumer_items: dict[int, set[int]] = defaultdict(set)
    consumer_kinds: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        dept_id = row["item__department_id"]
        submissions[dept_id] += row["n"]
        consumer_items[dept_id].add(row["item_id"])
        consumer_kinds[dept_id].add(row["kind__code"])
    departments = Department.objects.in_bulk(list(submissions))
    consumers = [
        Consumer(
            department=departments[dept_id],
            items=len(consumer_items[dept_id]),
            submissions=n,
            kind_codes=sorted(consumer_kinds[dept_id]),
        )
        for dept_id, n in submissions.items()
    ]
    consumers.sort(key=lambda c: (-c.submissions, c.department.slug))
    return DepartmentGraph(
        department=department,
        items=items,
        license_types=license_types,
        material_kinds=material_kinds,
        consumers=consumers,
    )


# --- generic neighbours -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    id: str  # "<type>:<key>", e.g. "item:11310000MB..." or "material:sfz"
    type: str
    label: str


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    relation: str


@dataclass
class Graph:
    center: Node
    nodes: list[Node] = field(default_factory=list)  # the centre first, then its neighbours
    edges: list[Edge] = field(default_factory=list)


def _item(i: ServiceItem) -> Node:
    return Node(f"item:{i.code}", "item", i.name)


def _material(k: MaterialKind) -> Node:
    return Node(f"material:{k.code}", "material", k.name)


def _license(lt: LicenseType) -> Node:
    return Node(f"license:{lt.code}", "license", lt.name)


def _department(d: Department) -> Node:
    return Node(f"department:{d.slug}", "department", d.name)


def _graph(center: Node, pairs: Iterable[tuple[Node, Edge]]) -> Graph:
    nodes: dict[str, Node] = {}
    edges: set[Edge] = set()
    for node, edge in pairs:
        if node.id != center.id:
            nodes[node.id] = node
        edges.add(edge)
    return Graph(
        center=center,
        nodes=[center, *sorted(nodes.values(), key=lambda n: (NODE_TYPES.index(n.type), n.id))],
        edges=sorted(edges, key=lambda e: (e.relation, e.source, e.target)),
    )


def _item_neighbours(code: str) -> Graph | None:
    item = published_items().filter(code=code).first()
    if item is None:
        return None
    me = _item(item)
    pairs = [(_department(item.department), Edge(me.id, f"department:{item.department.slug}", HANDLED_BY))]
    if item.result_license_type is not None:
        lt = _license(item.result_license_type)
        pairs.append((lt, Edge(me.id, lt.id, ISSUES)))
    for m in item.materials.select_related("kind"):
        k = _material(m.kind)
        pairs.append((k, Edge(me.id, k.id, NEEDS)))
    return _graph(me, pairs)


def _material_neighbours(code: str) -> Graph | None:
    kind = kinds().filter(code=code).first()
    if kind is None:
        return None
    me = _material(kind)
    pairs = []
    if kind.license_type is not None:
        lt = _license(kind.license_type)
        pairs.append((lt, Edge(me.id, lt.id, IS)))
    if kind.issuing_department is not None:
        d = _department(kind.issuing_department)
        pairs.append((d, Edge(me.id, d.id, ISSUED_BY)))
    for item in published_items().filter(materials__kind=kind).distinct():
        i = _item(item)
        pairs.append((i, Edge(i.id, me.id, NEEDS)))
    return _graph(me, pairs)


def _license_neighbours(code: str) -> Graph | None:
    lt = LicenseType.objects.select_related("issuing_department").filter(code=code).first()
    if lt is None:
        return None
    me = _license(lt)
    d = _department(lt.issuing_department)
    pairs = [(d, Edge(me.id, d.id, ISSUED_BY))]
    for kind in MaterialKind.objects.filter(license_type=lt):
        k = _material(kind)
        pairs.append((k, Edge(k.id, me.id, IS)))
    for item in published_items().filter(result_license_type=lt):
        i = _item(item)
        pairs.append((i, Edge(i.id, me.id, ISSUES)))
    return _graph(me, pairs)


def _department_neighbours(slug: str) -> Graph | None:
    department = Department.objects.filter(slug=slug).first()
    if department is None:
        return None
    me = _department(department)
    pairs = []
    for item in published_items().filter(department=department):
        i = _item(item)
        pairs.append((i, Edge(i.id, me.id, HANDLED_BY)))
    for lt in LicenseType.objects.filter(issuing_department=department):
        n = _license(lt)
        pairs.append((n, Edge(n.id, me.id, ISSUED_BY)))
    for kind in MaterialKind.objects.filter(issuing_department=department):
        k = _material(kind)
        pairs.append((k, Edge(k.id, me.id, ISSUED_BY)))
    return _graph(me, pairs)


_NEIGHBOURS = {
    "item": _item_neighbours,
    "material": _material_neighbours,
    "license": _license_neighbours,
    "department": _department_neighbours,
}


def neighbours(node_type: str, key: str) -> Graph | None:
    """The node ``<node_type>:<key>`` and everything one edge away; ``None`` if there is no such node.
    ``node_type`` must be one of ``NODE_TYPES``."""
    return _NEIGHBOURS[node_type](key)


# --- per-department catalogue statistics ----------------------------------------------------------


def department_stats() -> list[tuple[Department, CatalogStats]]:
    """``catalog_stats()`` per department, in four queries whatever the size of the catalogue:
    item counts are aggregated in the database; materials are grouped by (department, kind, must-submit
    reason) and each kind's exemption is decided once."""
    item_rows = (
        ServiceItem.objects.published()
        .values("department_id")
        .annotate(
            total=Count("pk"),
            online=Count("pk", filter=Q(online_depth=OnlineDepth.FULLY_ONLINE, visits=0)),
            one_visit=Count("pk", filter=Q(visits__lte=1)),
        )
        .order_by()
    )
    material_rows = (
        Material.objects.filter(item__state=ItemState.PUBLISHED)
        .values("item__department_id", "kind_id", "must_submit_reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    exempt_kinds = {k.pk for k in kinds() if kind_exemption(k).exempt}
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in item_rows:
        c = counts[row["department_id"]]
        c["items"], c["fully_online"], c["at_most_one_visit"] = row["total"], row["online"], row["one_visit"]
    for row in material_rows:
        c = counts[row["item__department_id"]]
        c["materials"] += row["n"]
        # Same rule as material_exemption(): a must-submit reason overrides the kind's exemption.
        if row["kind_id"] in exempt_kinds and not row["must_submit_reason"].strip():
            c["materials_exempt"] += row["n"]
    departments = Department.objects.in_bulk(list(counts))
    result = [
        (
            departments[dept_id],
            CatalogStats(
                items=c["items"],
                fully_online=c["fully_online"],
                at_most_one_visit=c["at_most_one_visit"],
                materials=c["materials"],
                materials_exempt=c["materials_exempt"],
            ),
        )
        for dept_id, c in counts.items()
    ]
    return sorted(result, key=lambda pair: pair[0].slug)
