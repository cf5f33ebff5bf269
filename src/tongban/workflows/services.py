"""Uploading, publishing and retiring process definitions (process designers and superusers only).

A published definition is used for cases started *after* publication. Running cases keep the spec they
started with: it is part of their serialised workflow state, so publishing a new version or retiring the
old one never changes a case in progress.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.audits.services import record
from tongban.utils.errors import Conflict, DomainError, Forbidden
from tongban.workflows import library
from tongban.workflows.constants import DESIGNER_ROLE, DefinitionState
from tongban.workflows.models import ProcessDefinition
from tongban.workflows.validation import validate

if TYPE_CHECKING:
    from tongban.accounts.principal import Principal


def is_designer(principal: Principal) -> bool:
    return principal.is_authenticated and (principal.is_superuser or DESIGNER_ROLE in principal.roles)


def require_designer(principal: Principal) -> None:
    if not is_designer(principal):
        raise Forbidden("process_designer_required", _("Only process designers may change case processes."))


def upload(principal: Principal, key: str, name: str, bpmn: str, dmns: list[str]) -> ProcessDefinition:
    """Store a new draft version of ``key`` with its validation report (stored even when not ok, so the
    designer sees what to fix; only a valid version can be published)."""
    require_designer(principal)
    key = (key or "").strip()
    if not library.KEY_RE.match(key):
        raise DomainError(
            "process_key_invalid",
            _("A process key is 1–80 letters, digits, “_” or “-”, starting with a letter or digit."),
            field="key",
        )
    report = validate(bpmn, list(dmns))
    with transaction.atomic():
        # Lock the key's rows so two uploads cannot take the same version number.
        list(ProcessDefinition.objects.select_for_update().filter(key=key).values_list("pk", flat=True))
        last = ProcessDefinition.objects.filter(key=key).aggregate(v=Max("version"))["v"] or 0
        definition = ProcessDefinition.objects.create(
            key=key,
            version=last + 1,
            name=(name or key).strip()[:200],
            bpmn=bpmn,
            dmn=list(dmns),
            checksum=library.checksum(bpmn, dmns),
            validation=report.as_dict(),
            uploaded_by=principal.user,
        )
        record(
            "workflow.uploaded",
            principal=principal,
            obj=definition,
            summary=_summary(definition) | {"ok": report.ok, "errors": [e["code"] for e in report.errors]},
        )
    return definition


def publish(principal: Principal, definition: ProcessDefinition) -> ProcessDefinition:
    """Make ``definition`` the one used for new cases of its key; the published version before it is
    retired. A retired version may be published again (a rollback)."""
    require_designer(principal)
    with transaction.atomic():
        definition = ProcessDefinition.objects.select_for_update().get(pk=definition.pk)
        if definition.state == DefinitionState.PUBLISHED:
            raise Conflict("process_already_published", _("This version is already published."))
        if not definition.is_valid:
            raise Conflict(
                "process_definition_not_valid",
                _("Only a definition that passed validation can be published; upload a corrected version."),
            )
        previous = list(
            ProcessDefinition.objects.select_for_update().filter(
                key=definition.key, state=DefinitionState.PUBLISHED
            )
        )
        # Retire first: the database allows one published row per key at any moment.
        for old in previous:
            old.state = DefinitionState.RETIRED
            old.save(update_fields=["state"])
        definition.state = DefinitionState.PUBLISHED
        definition.published_at = timezone.now()
        definition.published_by = principal.user
        definition.save(update_fields=["state", "published_at", "published_by"])
        record(
            "workflow.published",
            principal=principal,
            obj=definition,
            summary=_summary(definition) | {"retired_versions": [old.version for old in previous]},
        )
    return definition


def retire(principal: Principal, definition: ProcessDefinition) -> ProcessDefinition:
    """Stop using ``definition`` for new cases. With no published version left, new cases of the key use
    the shipped (or generated) process again."""
    require_designer(principal)
    with transaction.atomic():
        definition = ProcessDefinition.objects.select_for_update().get(pk=definition.pk)
        if definition.state == DefinitionState.RETIRED:
            raise Conflict("process_already_retired", _("This version is already retired."))
        was = definition.state
        definition.state = DefinitionState.RETIRED
        definition.save(update_fields=["state"])
        record(
            "workflow.retired",
            principal=principal,
            obj=definition,
            summary=_summary(definition) | {"was": was},
        )
    return definition


def _summary(definition: ProcessDefinition) -> dict[str, object]:
    return {"key": definition.key, "version": definition.version, "checksum": definition.checksum}
