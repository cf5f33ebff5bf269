"""Writes for bundles: publication (only when every item has a published version) and retirement."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.principal import Principal
from tongban.audits.services import record
from tongban.bundles.constants import BundleState
from tongban.bundles.merge import merge
from tongban.bundles.models import Bundle
from tongban.search import services as search_services
from tongban.utils.errors import DomainError, ValidationFailed


def publish_problems(bundle: Bundle) -> list[DomainError]:
    """Why ``bundle`` cannot be published: it needs items, each with a published version."""
    if not bundle.entries.exists():
        return [DomainError("bundle_without_items", _("The bundle has no items."))]
    every_situation = list(bundle.situations.values_list("code", flat=True))
    missing = merge(bundle, every_situation).missing_codes
    if missing:
        return [
            DomainError(
                "bundle_items_unpublished",
                _("No published version of: %(codes)s.") % {"codes": "、".join(missing)},
                codes=missing,
            )
        ]
    return []


def _set_state(bundle: Bundle, state: str, principal: Principal | None) -> Bundle:
    bundle.state = state
    fields = ["state"]
    if state == BundleState.PUBLISHED:
        bundle.published_at = timezone.now()
        fields.append("published_at")
    bundle.save(update_fields=fields)
    record(f"bundle.{state}", principal=principal, obj=bundle, summary={"code": bundle.code})
    search_services.mark_stale()
    return bundle


@transaction.atomic
def publish(*, bundle: Bundle, principal: Principal | None) -> Bundle:
    problems = publish_problems(bundle)
    if problems:
        raise ValidationFailed(problems)
    return _set_state(bundle, BundleState.PUBLISHED, principal)


@transaction.atomic
def retire(*, bundle: Bundle, principal: Principal | None) -> Bundle:
    if bundle.state != BundleState.PUBLISHED:
        raise DomainError("bundle_not_published", _("Only a published bundle can be retired."))
    return _set_state(bundle, BundleState.RETIRED, principal)
