"""Public one-thing bundles (一件事): the list, and one bundle's merged guide with its savings.

No sign-in needed (``auth=None``). The merged guide and every saving come from ``bundles.merge``;
the handlers only parse the situations and shape the answer.
"""

# No ``from __future__ import annotations`` here: ninja fails to resolve ``Query[...]`` parameters
# given as strings (pydantic: "QueryParams is not fully defined").
from dataclasses import asdict

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from tongban.bundles.constants import BundleState
from tongban.bundles.merge import fee_total_cents, merge
from tongban.bundles.models import Bundle
from tongban.bundles.schemas import (
    BundleDetailOut,
    BundleFeeOut,
    BundleFeesOut,
    BundleFilters,
    BundleItemOut,
    BundleOut,
    FormFieldOut,
    MergedMaterialOut,
    MissingItemOut,
    SavingsOut,
    SituationOut,
)
from tongban.items.schemas import DepartmentRef, ExemptionOut, TimeLimitOut, TopicRef
from tongban.utils.errors import DomainError, NotFound, ValidationFailed

router = Router(tags=["bundles"], auth=None)

PAGE_MAX = 100


def _published() -> QuerySet[Bundle]:
    return (
        Bundle.objects.filter(state=BundleState.PUBLISHED)
        .select_related("topic", "lead_department")
        .order_by("code")
    )


@router.get("", response=list[BundleOut], summary="Published one-thing bundles (一件事)")
@paginate(LimitOffsetPagination, max_limit=PAGE_MAX)
def list_bundles(request: HttpRequest, filters: Query[BundleFilters]) -> QuerySet[Bundle]:
    qs = _published()
    if filters.audience:
        qs = qs.filter(audience=filters.audience)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.topic:
        qs = qs.filter(topic__code=filters.topic)
    return qs


@router.get("/{code}", response=BundleDetailOut, summary="A bundle's merged guide and what it saves")
def get_bundle(
    request: HttpRequest,
    code: str,
    situations: str = Query(
        "", description="Comma-separated codes of the situations that apply (情形): their items join."
    ),
) -> BundleDetailOut:
    bundle = _published().filter(code=code).prefetch_related("situations__entries").first()
    if bundle is None:
        raise NotFound("bundle_not_found", _("There is no published bundle with this code."))
    chosen = [s for s in dict.fromkeys(part.strip() for part in situations.split(",")) if s]
    known = {s.code for s in bundle.situations.all()}
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise ValidationFailed(
            [
                DomainError(
                    "unknown_situation",
                    _("This bundle has no such situation."),
                    field="situations",
                    codes=unknown,
                )
            ]
        )
    guide = merge(bundle, chosen)
    assert guide.savings is not None  # merge() always computes them
    entries = {e.item_code: e for e in bundle.entries.select_related("situation")}
    cents = fee_total_cents(guide)

    def situation_of(item_code: str) -> str | None:
        entry = entries.get(item_code)
        return entry.situation.code if entry and entry.situation else None

    return BundleDetailOut(
        **_bundle(bundle).dict(),
        situations=[
            SituationOut(
                code=s.code,
                question=s.question,
                question_en=s.question_en,
                selected=s.code in guide.situations,
                item_codes=[e.item_code for e in s.entries.all()],
            )
            for s in bundle.situations.all()
        ],
        selected_situations=chosen,
        items=[
            BundleItemOut(
                code=i.code,
                version=i.version,
                name=i.name,
                department=DepartmentRef(slug=i.department.slug, name=i.department.name),
                optional=situation_of(i.code) is not None,
                situation=situation_of(i.code),
                visits=i.visits,
                online_depth=i.online_depth,
                promised_time=TimeLimitOut.of(
                    i.promised_time_limit, i.promised_time_unit, i.promised_time_note
                ),
            )
            for i in guide.items
        ],
        missing_items=[
            MissingItemOut(code=c, optional=situation_of(c) is not None, situation=situation_of(c))
            for c in guide.missing_codes
        ],
        materials=[
            MergedMaterialOut(
                kind_code=m.kind.code,
                kind_name=m.name,
                needed_by=m.needed_by,
                required=m.required,
                conditions=m.conditions,
                exemption=ExemptionOut(
                    exempt=m.exemption.exempt, basis=m.exemption.basis, reason=m.exemption.reason
                ),
            )
            for m in guide.materials
        ],
        form_fields=[
            FormFieldOut(key=f.key, label=f.label, label_en=f.label_en, kind=f.kind)
            for f in guide.form_fields
        ],
        fees=BundleFeesOut(
            items=[
                BundleFeeOut(
                    item_code=item.code,
                    name=fee.name,
                    standard=fee.standard,
                    amount_cents=fee.amount_cents,
                    basis=fee.basis,
                    waivable=fee.waivable,
                    waiver_note=fee.waiver_note,
                )
                for item, fee in guide.fees
            ],
            fixed_total_cents=cents,
            fixed_total_yuan=cents / 100,
        ),
        savings=SavingsOut(**asdict(guide.savings)),
    )


def _bundle(b: Bundle) -> BundleOut:
    return BundleOut(
        code=b.code,
        name=b.name,
        name_en=b.name_en,
        summary=b.summary,
        kind=b.kind,
        audience=b.audience,
        topic=TopicRef(code=b.topic.code, name=b.topic.name) if b.topic else None,
        lead_department=DepartmentRef(slug=b.lead_department.slug, name=b.lead_department.name),
        published_at=b.published_at,
        policy_basis=b.policy_basis,
    )
