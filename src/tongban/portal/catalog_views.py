"""The public service catalogue (办事指南): find a service, read its plain-language guide, see how it
changed, and apply for several services at once (一件事).

Public pages, no sign-in. Views stay thin: the catalogue is read through ``tongban.items.query`` and
``tongban.bundles.merge``; the few selectors below (topics, departments and districts with counts,
published bundles) exist only because the browse pages need them. Everything shown to the reader is
turned into small rows here (localised name, plain-language time and visits), so templates only lay out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_GET

from tongban.bundles.constants import BundleState
from tongban.bundles.merge import MergedGuide, fee_total_cents, merge
from tongban.bundles.models import Bundle
from tongban.items.constants import (
    Audience,
    CaseKind,
    Channel,
    ItemState,
    MaterialForm,
    OnlineDepth,
    TimeUnit,
    TopicKind,
)
from tongban.items.exemptions import Exemption, material_exemption
from tongban.items.models import FormField, ItemLocation, Material, ServiceItem, Topic
from tongban.items.query import catalog_stats, filter_items, guide_item, locations, version_history
from tongban.items.snapshots import diff
from tongban.organizations import query as org_query
from tongban.organizations.models import Department, Region

PAGE_SIZE = 20
STATS_CACHE_KEY = "portal:catalog-stats"
STATS_CACHE_SECONDS = 300  # the home page figures may lag a publication by five minutes


# --------------------------------------------------------------------------- language and plain words


def is_english() -> bool:
    return (translation.get_language() or "").startswith("en")


def localized(obj: Any, field: str = "name") -> str:
    """``obj.<field>_en`` when the reader uses English and it is filled in, else the Chinese ``field``."""
    if is_english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, field))


def duration_text(value: int | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == TimeUnit.NATURAL_DAY:
        text = ngettext("%(count)s calendar day", "%(count)s calendar days", value)
    elif unit == TimeUnit.MONTH:
        text = ngettext("%(count)s month", "%(count)s months", value)
    else:
        text = ngettext("%(count)s working day", "%(count)s working days", value)
    return text % {"count": value}


def promised_text(item: ServiceItem) -> str:
    if item.case_kind == CaseKind.IMMEDIATE:
        return _("Done on the spot")
    return duration_text(item.promised_time_limit, item.promised_time_unit) or _("Not stated")


def visits_text(item: ServiceItem) -> str:
    if item.visits == 0:
        if item.online_depth == OnlineDepth.FULLY_ONLINE:
            return _("Fully online: no need to come in person.")
        return _("No need to come in person.")
    if item.visits == 1:
        return _("You need to come in person once: %(reason)s") % {"reason": item.onsite_reason}
    return _("You need to come in person %(count)s times: %(reason)s") % {
        "count": item.visits,
        "reason": item.onsite_reason,
    }


def online_text(item: ServiceItem) -> str:
    return {
        OnlineDepth.INFORMATION: _(
            "Online you can read this guide and ask questions; the application is made at a counter."
        ),
        OnlineDepth.PREPARATION: _(
            "Online you can download the forms and book an appointment; the application is made at a counter."
        ),
        OnlineDepth.SUBMISSION: _("You can apply online and have your documents checked in advance."),
        OnlineDepth.FULLY_ONLINE: _("Everything is done online, from the application to the result."),
    }.get(OnlineDepth(item.online_depth), "")


@dataclass(frozen=True)
class Badge:
    text: str
    tone: str = ""  # CSS modifier: badge-ok, badge-info, badge-warn


def access_badge(item: ServiceItem) -> Badge:
    if item.visits == 0 and item.online_depth == OnlineDepth.FULLY_ONLINE:
        return Badge(_("Fully online"), "ok")
    if item.visits == 0:
        return Badge(_("No visit needed"), "ok")
    if item.visits == 1:
        return Badge(_("At most one visit"), "info")
    return Badge(_("%(count)s visits") % {"count": item.visits}, "warn")


@dataclass(frozen=True)
class ItemRow:
    """A service in a list: what a reader needs to decide whether to open its guide."""

    item: ServiceItem
    name: str
    department: str
    access: Badge
    promised: str
    immediate: bool


def item_row(item: ServiceItem) -> ItemRow:
    return ItemRow(
        item=item,
        name=localized(item),
        department=localized(item.department),
        access=access_badge(item),
        promised=promised_text(item),
        immediate=item.case_kind == CaseKind.IMMEDIATE,
    )


# --------------------------------------------------------------------------- selectors for browsing


def annotated(obj: Any, name: str) -> int:
    """A count added by ``.annotate()`` (the type checker does not know about it)."""
    return int(getattr(obj, name, 0))


@dataclass(frozen=True)
class Tile:
    """A browse entry (topic, department, district, bundle) with how many published services it has."""

    key: str
    name: str
    count: int
    extra: str = ""  # topics: their kind; departments: their public phone


def topic_tiles(kind: str | None = None, audience: str | None = None) -> list[Tile]:
    topics = Topic.objects.annotate(
        item_count=Count("items", filter=Q(items__state=ItemState.PUBLISHED), distinct=True)
    )
    if kind:
        topics = topics.filter(kind=kind)
    if audience:
        topics = topics.filter(audience=audience)
    return [Tile(t.code, localized(t), annotated(t, "item_count"), t.kind) for t in topics]


def departments_with_items() -> QuerySet[Department]:
    return (
        Department.objects.filter(is_active=True)
        .annotate(item_count=Count("items", filter=Q(items__state=ItemState.PUBLISHED)))
        .filter(item_count__gt=0)
        .order_by("level", "slug")
    )


def department_tiles() -> list[Tile]:
    return [Tile(d.slug, localized(d), annotated(d, "item_count"), d.phone) for d in departments_with_items()]


def city_districts() -> list[Region]:
    return list(org_query.city_districts(settings.TONGBAN_CITY_REGION_CODE).order_by("code"))


def district_tiles(districts: list[Region]) -> list[Tile]:
    published = ServiceItem.objects.published().values("code")
    counts = dict(
        ItemLocation.objects.filter(item_code__in=published)
        .values_list("district_id")
        .annotate(n=Count("pk"))
        .values_list("district_id", "n")
    )
    return [Tile(d.code, d.name, counts.get(d.pk, 0)) for d in districts]


def published_bundles() -> QuerySet[Bundle]:
    return (
        Bundle.objects.filter(state=BundleState.PUBLISHED)
        .select_related("lead_department")
        .annotate(
            always_count=Count("entries", filter=Q(entries__situation__isnull=True)),
            optional_count=Count("entries", filter=Q(entries__situation__isnull=False)),
        )
        .order_by("kind", "code")
    )


@dataclass(frozen=True)
class BundleRow:
    bundle: Bundle
    name: str
    lead: str
    always_count: int
    optional_count: int


def bundle_rows(limit: int | None = None) -> list[BundleRow]:
    bundles = published_bundles()
    if limit:
        bundles = bundles[:limit]
    return [
        BundleRow(
            b,
            localized(b),
            localized(b.lead_department),
            annotated(b, "always_count"),
            annotated(b, "optional_count"),
        )
        for b in bundles
    ]


@dataclass(frozen=True)
class StatTile:
    key: str
    label: str
    percent: int
    detail: str


def stat_tiles() -> list[StatTile]:
    stats = cache.get(STATS_CACHE_KEY)
    if stats is None:
        stats = catalog_stats()
        cache.set(STATS_CACHE_KEY, stats, STATS_CACHE_SECONDS)
    if not stats.items:
        return []
    items = {"whole": stats.items}
    return [
        StatTile(
            "online",
            _("Fully online"),
            round(stats.fully_online_share * 100),
            _("%(part)s of %(whole)s services need no visit at all.") % {**items, "part": stats.fully_online},
        ),
        StatTile(
            "one-visit",
            _("At most one visit"),
            round(stats.at_most_one_visit_share * 100),
            _("%(part)s of %(whole)s services need one visit or none.")
            % {**items, "part": stats.at_most_one_visit},
        ),
        StatTile(
            "exempt",
            _("Documents you need not bring"),
            round(stats.materials_exempt_share * 100),
            _("%(part)s of %(whole)s documents are obtained between departments instead.")
            % {"whole": stats.materials, "part": stats.materials_exempt},
        ),
    ]


# --------------------------------------------------------------------------- forms (GET only)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search for a service"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )


class CatalogFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search"),
        help_text=gettext_lazy("Everyday words work, e.g. 开饭店 or 身份证."),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    audience = forms.ChoiceField(label=gettext_lazy("For"), required=False)
    topic = forms.ChoiceField(label=gettext_lazy("Life or business event"), required=False)
    department = forms.ChoiceField(label=gettext_lazy("Department"), required=False)
    district = forms.ChoiceField(label=gettext_lazy("District"), required=False)
    online = forms.ChoiceField(label=gettext_lazy("How it is done"), required=False)

    def __init__(
        self, data: QueryDict, *, topics: list[Tile], departments: list[Tile], districts: list[Tile]
    ) -> None:
        super().__init__(data)
        fields: dict[str, Any] = self.fields  # ChoiceFields: their choices depend on the catalogue
        fields["audience"].choices = [("", _("Everyone")), *Audience.choices]
        life = [(t.key, t.name) for t in topics if t.extra == TopicKind.LIFE_EVENT]
        business = [(t.key, t.name) for t in topics if t.extra == TopicKind.BUSINESS_EVENT]
        topic_choices: list[Any] = [("", _("All events"))]
        if life:
            topic_choices.append((_("Life events"), life))
        if business:
            topic_choices.append((_("Business events"), business))
        fields["topic"].choices = topic_choices
        fields["department"].choices = [("", _("All departments"))] + [(d.key, d.name) for d in departments]
        fields["district"].choices = [("", _("All districts"))] + [(d.key, d.name) for d in districts]
        fields["online"].choices = [
            ("", _("Any way")),
            ("1", _("Fully online only")),
            ("0", _("Needs a visit or a step offline")),
        ]

    def filters(self) -> dict[str, Any]:
        """The valid filters, as keyword arguments of ``filter_items``; an invalid value is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "audience": data.get("audience") or "",
            "topic": data.get("topic") or "",
            "department": data.get("department") or "",
            "district": data.get("district") or "",
            "online": {"1": True, "0": False}.get(data.get("online") or ""),
        }


class DistrictForm(forms.Form):
    district = forms.ChoiceField(label=gettext_lazy("Your district"))


class SituationsForm(forms.Form):
    situation = forms.MultipleChoiceField(
        label=gettext_lazy("Which of these apply to you?"),
        help_text=gettext_lazy(
            "Tick what applies to you; the list of services and documents changes to match."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


# --------------------------------------------------------------------------- home and browse


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "departments": org_query.active_departments(),
        "search_form": SearchForm(),
        "stats": stat_tiles(),
        "life_events": topic_tiles(TopicKind.LIFE_EVENT, Audience.NATURAL_PERSON),
        "business_events": topic_tiles(TopicKind.BUSINESS_EVENT, Audience.LEGAL_PERSON),
        "bundles": bundle_rows(limit=6),
    }
    return render(request, "portal/home.html", context)


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    value: str
    remove_url: str


def _active_filters(
    request: HttpRequest, form: CatalogFilterForm, filters: dict[str, Any]
) -> list[ActiveFilter]:
    """The filters in use, each with a link that drops it (and goes back to the first page)."""
    active = []
    for name, value in filters.items():
        if value in ("", None):
            continue
        field = form.fields[name]
        raw = request.GET.get(name, "")
        shown = dict(_flat_choices(getattr(field, "choices", ()))).get(raw, raw)
        rest = request.GET.copy()
        rest.pop(name, None)
        rest.pop("page", None)
        url = f"{request.path}?{rest.urlencode()}" if rest else request.path
        active.append(ActiveFilter(str(field.label), str(shown), url))
    return active


def _flat_choices(choices: Any) -> list[tuple[Any, Any]]:
    flat: list[tuple[Any, Any]] = []
    for key, label in choices:
        if isinstance(label, list | tuple):
            flat.extend(label)
        else:
            flat.append((key, label))
    return flat


@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    """办事服务: every published service, filtered by GET parameters (works without JavaScript)."""
    topics = topic_tiles()
    departments = department_tiles()
    districts = [Tile(d.code, d.name, 0) for d in city_districts()]
    form = CatalogFilterForm(request.GET, topics=topics, departments=departments, districts=districts)
    filters = form.filters()
    page = Paginator(filter_items(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    title = {
        Audience.NATURAL_PERSON: _("Personal services"),
        Audience.LEGAL_PERSON: _("Business services"),
    }.get(filters["audience"], _("Find a service"))
    context = {
        "title": title,
        "form": form,
        "filters": filters,
        "active_filters": _active_filters(request, form, filters),
        "page": page,
        "rows": [item_row(item) for item in page],
    }
    return render(request, "portal/catalog/catalog.html", context)


@require_GET
def departments(request: HttpRequest) -> HttpResponse:
    """按部门、按区浏览: departments and districts with how many services each offers."""
    context = {"departments": department_tiles(), "districts": district_tiles(city_districts())}
    return render(request, "portal/catalog/departments.html", context)


# --------------------------------------------------------------------------- item guide and history


# With a context: "Copy" alone is also the copy button of the token page (复制), not a photocopy.
MATERIAL_FORMS = {
    MaterialForm.ORIGINAL: pgettext_lazy("material form", "Original"),
    MaterialForm.COPY: pgettext_lazy("material form", "Copy"),
    MaterialForm.ELECTRONIC: pgettext_lazy("material form", "Electronic"),
}


@dataclass(frozen=True)
class MaterialRow:
    material: Material
    name: str
    how: str  # "原件1份 · 复印件2份", or "电子版"
    exemption: Exemption


def material_row(material: Material) -> MaterialRow:
    name = material.kind.name_en if is_english() and material.kind.name_en else material.display_name
    parts = []
    if material.form != MaterialForm.ELECTRONIC:
        if material.original_count:
            n = material.original_count
            parts.append(ngettext("%(count)s original", "%(count)s originals", n) % {"count": n})
        if material.copy_count:
            n = material.copy_count
            parts.append(ngettext("%(count)s copy", "%(count)s copies", n) % {"count": n})
    if not parts:
        parts.append(str(MATERIAL_FORMS.get(MaterialForm(material.form), material.form)))
    return MaterialRow(material, name, " · ".join(parts), material_exemption(material))


@require_GET
def item_guide(request: HttpRequest, code: str) -> HttpResponse:
    """办事指南: the published version of one service, in plain language, printable."""
    item = guide_item(code)
    if item is None:
        raise Http404
    needed: list[MaterialRow] = []
    exempt: list[MaterialRow] = []
    for m in item.materials.all():
        row = material_row(m)
        (exempt if row.exemption.exempt else needed).append(row)

    places = list(locations(code))
    by_district = {loc.district.code: loc for loc in places}
    asked = request.GET.get("district", "")
    chosen = by_district.get(asked) or (places[0] if places else None)
    district_form = DistrictForm(initial={"district": chosen.district.code if chosen else ""})
    district_field: Any = district_form.fields["district"]
    district_field.choices = [(loc.district.code, loc.district.name) for loc in places]

    audiences = [
        label
        for flag, label in (
            (item.for_natural_persons, Audience.NATURAL_PERSON.label),
            (item.for_legal_persons, Audience.LEGAL_PERSON.label),
        )
        if flag
    ]
    context = {
        "item": item,
        "name": localized(item),
        "department": localized(item.department),
        "audiences": audiences,
        "topics": [Tile(t.code, localized(t), 0) for t in item.topics.all()],
        "needed": needed,
        "exempt": exempt,
        "fees": list(item.fees.all()),
        "promised": promised_text(item),
        "legal": duration_text(item.legal_time_limit, item.legal_time_unit),
        "immediate": item.case_kind == CaseKind.IMMEDIATE,
        "visits": visits_text(item),
        "online": online_text(item),
        "access": access_badge(item),
        "channels": [Channel(c).label for c in item.channels if c in Channel.values],
        "steps": [line.strip() for line in item.procedure.splitlines() if line.strip()],
        "locations": places,
        "location": chosen,
        "location_phone": (chosen.phone or (chosen.window.phone if chosen.window else "")) if chosen else "",
        "district_form": district_form,
        "unknown_district": bool(asked) and asked not in by_district,
        "legal_bases": list(item.legal_bases.all()),
        "faqs": list(item.faqs.all()),
        "license_type": localized(item.result_license_type) if item.result_license_type else "",
        "print_view": request.GET.get("print") == "1",
    }
    return render(request, "portal/catalog/item.html", context)


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class VersionRow:
    item: ServiceItem
    changes: list[Change]
    first: bool


_SNAPSHOT_LABELS = {
    "department_name": gettext_lazy("Department"),
    "topics": gettext_lazy("Life and business events"),
    "form_fields": gettext_lazy("Application form questions"),
    "legal_bases": gettext_lazy("Legal basis"),
    "materials": gettext_lazy("Documents"),
    "fees": gettext_lazy("Fees"),
    "faqs": gettext_lazy("Frequently asked questions"),
}
_HIDDEN_SNAPSHOT_KEYS = {"department", "code", "published_by"}  # ids, shown through their names


def _snapshot_value(key: str, value: Any, names: dict[str, dict[str, str]]) -> str:
    """A snapshot value in words: lists joined, choices by label, topic and form-field codes by name."""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        parts = []
        for entry in value:
            if isinstance(entry, dict):
                law = entry.get("law")
                name = entry.get("name") or entry.get("kind_name") or entry.get("question") or ""
                parts.append(f"《{law}》{entry.get('article', '')}" if law else str(name))
            else:
                parts.append(names.get(key, {}).get(str(entry), str(entry)))
        return "、".join(parts)
    try:
        field = ServiceItem._meta.get_field(key)
    except FieldDoesNotExist:
        return str(value)
    if field.is_relation:
        return _("changed")
    choices = dict(field.flatchoices or ())  # type: ignore[union-attr]
    return str(choices.get(value, value))


def _label(key: str) -> str:
    if key in _SNAPSHOT_LABELS:
        return str(_SNAPSHOT_LABELS[key])
    try:
        return capfirst(str(getattr(ServiceItem._meta.get_field(key), "verbose_name", key)))
    except FieldDoesNotExist:
        return key


def _changes(before: dict[str, Any], after: dict[str, Any], names: dict[str, dict[str, str]]) -> list[Change]:
    return [
        Change(
            _label(c["field"]),
            _snapshot_value(c["field"], c["before"], names),
            _snapshot_value(c["field"], c["after"], names),
        )
        for c in diff(before, after)
        if c["field"] not in _HIDDEN_SNAPSHOT_KEYS
    ]


def _code_names(versions: list[ServiceItem]) -> dict[str, dict[str, str]]:
    """Names of the topics and form fields the snapshots refer to by code (two queries)."""
    topics = {code for v in versions for code in v.snapshot.get("topics", [])}
    fields = {key for v in versions for key in v.snapshot.get("form_fields", [])}
    return {
        "topics": {t.code: localized(t) for t in Topic.objects.filter(code__in=topics)},
        "form_fields": {f.key: localized(f, "label") for f in FormField.objects.filter(key__in=fields)},
    }


@require_GET
def item_history(request: HttpRequest, code: str) -> HttpResponse:
    """版本记录: every published version of a service, what its publisher said changed, and the diff."""
    versions = list(version_history(code))
    if not versions:
        raise Http404
    names = _code_names(versions)
    rows = []
    for index, version in enumerate(versions):
        older = versions[index + 1] if index + 1 < len(versions) else None
        changes = (
            _changes(older.snapshot, version.snapshot, names)
            if older and older.snapshot and version.snapshot
            else []
        )
        rows.append(VersionRow(version, changes, older is None))
    current = next((v for v in versions if v.state == ItemState.PUBLISHED), None)
    context = {
        "item": current or versions[0],
        "name": localized(current or versions[0]),
        "current": current,
        "rows": rows,
    }
    return render(request, "portal/catalog/history.html", context)


# --------------------------------------------------------------------------- one-thing bundles


@require_GET
def bundle_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/catalog/bundles.html", {"bundles": bundle_rows()})


@dataclass(frozen=True)
class EntryRow:
    code: str
    row: ItemRow | None  # None: no published version right now
    included: bool
    question: str  # the situation that brings the item in; "" when always included


@dataclass(frozen=True)
class MergedRow:
    name: str
    needed_by: list[str]
    required: bool
    conditions: list[str]
    exemption: Exemption


@dataclass(frozen=True)
class SavingRow:
    key: str
    title: str
    before: int
    after: int
    note: str


def saving_rows(guide: MergedGuide, lead: str) -> list[SavingRow]:
    s = guide.savings
    if s is None or not guide.items:
        return []
    if s.visits_before == 0:
        visits_note = _("None of these services needs a visit in person.")
    else:
        visits_note = _(
            "One acceptance covers every service: at most %(after)s visits instead of %(before)s."
        ) % {
            "after": s.visits_after,
            "before": s.visits_before,
        }
    return [
        SavingRow(
            "materials",
            _("Documents to hand in"),
            s.materials_before,
            s.materials_after,
            _(
                "Service by service you would hand in %(before)s documents. Applying once you hand in "
                "%(after)s: duplicates are merged and %(exempt)s are obtained between departments."
            )
            % {"before": s.materials_before, "after": s.materials_after, "exempt": s.materials_exempt},
        ),
        SavingRow(
            "fields",
            _("Form questions"),
            s.fields_before,
            s.fields_after,
            _("The same information is asked only once: %(after)s questions instead of %(before)s.")
            % {"before": s.fields_before, "after": s.fields_after},
        ),
        SavingRow("visits", _("Visits in person"), s.visits_before, s.visits_after, visits_note),
        SavingRow(
            "departments",
            _("Departments you deal with"),
            s.departments_before,
            s.departments_after,
            _("%(lead)s accepts the application and passes it on: one department instead of %(before)s.")
            % {"lead": lead, "before": s.departments_before},
        ),
        SavingRow(
            "days",
            _("Promised working days"),
            s.days_before,
            s.days_after,
            _(
                "The departments review at the same time: at most %(after)s working days instead of "
                "%(before)s one after the other."
            )
            % {"before": s.days_before, "after": s.days_after},
        ),
    ]


@require_GET
def bundle_detail(request: HttpRequest, code: str) -> HttpResponse:
    """一件事: the merged guide of a bundle for the situations the reader ticked, and what it saves."""
    bundle = (
        Bundle.objects.filter(code=code, state=BundleState.PUBLISHED)
        .select_related("lead_department", "topic")
        .first()
    )
    if bundle is None:
        raise Http404
    situations = list(bundle.situations.all())
    valid = {s.code for s in situations}
    chosen = [c for c in request.GET.getlist("situation") if c in valid]
    form = SituationsForm(initial={"situation": chosen})
    situation_field: Any = form.fields["situation"]
    situation_field.choices = [(s.code, localized(s, "question")) for s in situations]

    guide = merge(bundle, chosen)
    selected = {i.code: i for i in guide.items}
    entries = list(bundle.entries.select_related("situation"))
    left_out = [
        e.item_code for e in entries if e.item_code not in selected and e.item_code not in guide.missing_codes
    ]
    others = {
        i.code: i
        for i in ServiceItem.objects.published().filter(code__in=left_out).select_related("department")
    }
    entry_rows = []
    for e in entries:
        item = selected.get(e.item_code) or others.get(e.item_code)
        entry_rows.append(
            EntryRow(
                code=e.item_code,
                row=item_row(item) if item else None,
                included=e.item_code in selected or e.item_code in guide.missing_codes,
                question=localized(e.situation, "question") if e.situation else "",
            )
        )
    names = {i.code: localized(i) for i in guide.items}
    merged = [
        MergedRow(
            name=localized(m.kind),
            needed_by=[names.get(c, c) for c in m.needed_by],
            required=m.required,
            conditions=m.conditions,
            exemption=m.exemption,
        )
        for m in guide.materials
    ]
    lead = localized(bundle.lead_department)
    total = fee_total_cents(guide)
    context = {
        "bundle": bundle,
        "name": localized(bundle),
        "lead": lead,
        "topic": Tile(bundle.topic.code, localized(bundle.topic), 0) if bundle.topic else None,
        "form": form,
        "has_situations": bool(situations),
        "guide": guide,
        "entries": entry_rows,
        "to_bring": [m for m in merged if not m.exemption.exempt],
        "exempt": [m for m in merged if m.exemption.exempt],
        "form_fields": [localized(f, "label") for f in guide.form_fields],
        "fees": [(localized(item), fee) for item, fee in guide.fees],
        "fee_total": f"{total / 100:.2f}",
        "fees_by_rate": any(fee.amount_cents is None for _item, fee in guide.fees),
        "savings": guide.savings,
        "saving_rows": saving_rows(guide, lead),
    }
    return render(request, "portal/catalog/bundle.html", context)
