"""Writes for the catalogue: drafts, publication (immutable versions), revision and retirement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.principal import Principal
from tongban.audits.services import record
from tongban.items.constants import ItemState
from tongban.items.models import FAQ, FeeItem, LegalBasis, Material, ServiceItem
from tongban.items.snapshots import snapshot
from tongban.items.validators import check_publishable
from tongban.search import services as search_services
from tongban.utils.errors import Conflict, DomainError, ValidationFailed

ItemChild = LegalBasis | Material | FeeItem | FAQ
CHILD_MODELS: tuple[type[ItemChild], ...] = (LegalBasis, Material, FeeItem, FAQ)


def _locked(item: ServiceItem) -> ServiceItem:
    return ServiceItem.objects.select_for_update().select_related("department").get(pk=item.pk)


def ensure_editable(item: ServiceItem) -> None:
    if item.state != ItemState.DRAFT:
        raise Conflict(
            "item_not_editable",
            _("Published versions are frozen; start a new revision to change the item."),
        )


@transaction.atomic
def publish(*, item: ServiceItem, principal: Principal | None, change_note: str = "") -> ServiceItem:
    """Freeze a draft as the item's published version; the previous one becomes superseded."""
    item = _locked(item)
    ensure_editable(item)
    problems = check_publishable(item)
    if problems:
        raise ValidationFailed(problems)
    previous = (
        ServiceItem.objects.select_for_update().filter(code=item.code, state=ItemState.PUBLISHED).first()
    )
    if previous is not None:
        previous.state = ItemState.SUPERSEDED
        previous.save(update_fields=["state"])
    item.state = ItemState.PUBLISHED
    item.published_at = timezone.now()
    item.published_by = principal.user if principal else None
    if change_note:
        item.change_note = change_note
    item.snapshot = snapshot(item)
    item.save(update_fields=["state", "published_at", "published_by", "change_note", "snapshot"])
    record(
        "item.published",
        principal=principal,
        obj=item,
        summary={
            "code": item.code,
            "version": item.version,
            "previous": previous.version if previous else None,
        },
    )
    search_services.mark_stale()
    return item


@transaction.atomic
def start_revision(*, code: str, principal: Principal | None) -> ServiceItem:
    """The draft for the next version of ``code``: the existing one, or a copy of the published one."""
    existing = ServiceItem.objects.filter(code=code, state=ItemState.DRAFT).first()
    if existing is not None:
        return existing
    source = ServiceItem.objects.filter(code=code, state=ItemState.PUBLISHED).first()
    if source is None:
        raise DomainError("item_not_published", _("Only a published item can be revised."))
    topics, fields = list(source.topics.all()), list(source.form_fields.all())
    children: dict[type[ItemChild], list[Any]] = {
        model: list(model._default_manager.filter(item=source)) for model in CHILD_MODELS
    }
    last = (
        ServiceItem.objects.filter(code=code).order_by("-version").values_list("version", flat=True).first()
    )
    draft = source
    draft.pk = None
    draft._state.adding = True
    draft.version = (last or 0) + 1
    draft.state = ItemState.DRAFT
    draft.published_at = None
    draft.published_by = None
    draft.snapshot = {}
    draft.change_note = ""
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError:
        raise Conflict("item_draft_exists", _("A draft of this item is already being edited.")) from None
    draft.topics.set(topics)
    draft.form_fields.set(fields)
    for model, rows in children.items():
        for row in rows:
            row.pk = None
            row._state.adding = True
            row.item = draft
        model._default_manager.bulk_create(rows)
    record(
        "item.revision_started",
        principal=principal,
        obj=draft,
        summary={"code": code, "version": draft.version},
    )
    return draft


@transaction.atomic
def retire(*, code: str, principal: Principal | None, reason: str) -> ServiceItem:
    item = ServiceItem.objects.select_for_update().filter(code=code, state=ItemState.PUBLISHED).first()
    if item is None:
        raise DomainError("item_not_published", _("Only a published item can be retired."))
    if not reason.strip():
        raise DomainError("retire_reason_required", _("Say why the item is retired."), field="reason")
    item.state = ItemState.RETIRED
    item.save(update_fields=["state"])
    record("item.retired", principal=principal, obj=item, summary={"code": code, "reason": reason[:200]})
    search_services.mark_stale()
    return item


@transaction.atomic
def create_draft(
    *,
    principal: Principal | None,
    fields: dict[str, Any],
    legal_bases: Sequence[dict[str, Any]] = (),
    materials: Sequence[dict[str, Any]] = (),
    fees: Sequence[dict[str, Any]] = (),
    faqs: Sequence[dict[str, Any]] = (),
    topics: Sequence[Any] = (),
    form_fields: Sequence[Any] = (),
) -> ServiceItem:
    """A new item (version 1) as a draft, with its children. Used by imports and the demo catalogue."""
    code = fields["code"]
    if ServiceItem.objects.filter(code=code).exists():
        raise Conflict("item_code_exists", _("An item with this implementation code exists."), field="code")
    item = ServiceItem.objects.create(**fields, version=1, state=ItemState.DRAFT)
    _replace_children(item, legal_bases=legal_bases, materials=materials, fees=fees, faqs=faqs)
    item.topics.set(topics)
    item.form_fields.set(form_fields)
    record("item.created", principal=principal, obj=item, summary={"code": code})
    return item


def _replace_children(item: ServiceItem, **children: Sequence[dict[str, Any]]) -> None:
    models_by_name: dict[str, type[ItemChild]] = {
        "legal_bases": LegalBasis,
        "materials": Material,
        "fees": FeeItem,
        "faqs": FAQ,
    }
    for name, rows in children.items():
        model = models_by_name[name]
        manager: Any = model._default_manager
        manager.filter(item=item).delete()
        manager.bulk_create([model(item=item, order=i, **row) for i, row in enumerate(rows)])
