"""Read-side selectors for the catalogue: published items with filters, guides, statistics."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from tongban.items.constants import Audience, OnlineDepth
from tongban.items.exemptions import material_exemption
from tongban.items.models import ItemLocation, Material, ServiceItem


def published_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.published().select_related("department", "result_license_type")


def filter_items(
    *,
    q: str = "",
    department: str = "",
    item_type: str = "",
    audience: str = "",
    district: str = "",
    online: bool | None = None,
    topic: str = "",
) -> QuerySet[ServiceItem]:
    """Published items matching every given filter. ``department`` is a slug; ``district`` a region code
    (items with a location there); ``online`` True means fully online (全程网办, no visit)."""
    qs = published_items()
    if q:
        words = q.split()
        for word in words:
            qs = qs.filter(
                Q(name__icontains=word)
                | Q(keywords__icontains=word)
                | Q(summary__icontains=word)
                | Q(code__iexact=word)
                | Q(basic_code__iexact=word)
            )
    if department:
        qs = qs.filter(department__slug=department)
    if item_type:
        qs = qs.filter(item_type=item_type)
    if audience == Audience.NATURAL_PERSON:
        qs = qs.filter(for_natural_persons=True)
    elif audience == Audience.LEGAL_PERSON:
        qs = qs.filter(for_legal_persons=True)
    if district:
        qs = qs.filter(code__in=ItemLocation.objects.filter(district__code=district).values("item_code"))
    if online is True:
        qs = qs.filter(online_depth=OnlineDepth.FULLY_ONLINE, visits=0)
    elif online is False:
        qs = qs.exclude(online_depth=OnlineDepth.FULLY_ONLINE, visits=0)
    if topic:
        qs = qs.filter(topics__code=topic)
    return qs.order_by("department__slug", "name").distinct()


def guide_item(code: str) -> ServiceItem | None:
    """The published version of ``code`` with everything its guide shows."""
    return (
        published_items()
        .filter(code=code)
        .prefetch_related(
            "legal_bases",
            "fees",
            "faqs",
            "topics",
            Prefetch(
                "materials",
                queryset=Material.objects.select_related(
                    "kind__license_type", "kind__data_resource__provider", "kind__issuing_department"
                ),
            ),
        )
        .first()
    )


def locations(code: str) -> QuerySet[ItemLocation]:
    return (
        ItemLocation.objects.filter(item_code=code)
        .select_related("district", "window")
        .order_by("district__code")
    )


def version_history(code: str) -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(code=code).exclude(state="draft").order_by("-version")


@dataclass(frozen=True)
class CatalogStats:
    items: int
    fully_online: int
    at_most_one_visit: int
    materials: int
    materials_exempt: int

    @staticmethod
    def share(part: int, whole: int) -> float:
        return round(part / whole, 4) if whole else 0.0

    @property
    def fully_online_share(self) -> float:
        return self.share(self.fully_online, self.items)

    @property
    def at_most_one_visit_share(self) -> float:
        return self.share(self.at_most_one_visit, self.items)

    @property
    def materials_exempt_share(self) -> float:
        return self.share(self.materials_exempt, self.materials)


def catalog_stats() -> CatalogStats:
    items = ServiceItem.objects.published()
    counts = items.aggregate(
        total=Count("pk"),
        online=Count("pk", filter=Q(online_depth=OnlineDepth.FULLY_ONLINE, visits=0)),
        one_visit=Count("pk", filter=Q(visits__lte=1)),
    )
    materials = Material.objects.filter(item__state="published").select_related(
        "kind__license_type", "kind__data_resource__provider", "kind__issuing_department"
    )
    total_materials = exempt = 0
    for m in materials.iterator(chunk_size=2000):
        total_materials += 1
        exempt += material_exemption(m).exempt
    return CatalogStats(
        items=counts["total"],
        fully_online=counts["online"],
        at_most_one_visit=counts["one_visit"],
        materials=total_materials,
        materials_exempt=exempt,
    )
