"""补正: the applicant answers a one-time notice (corrected form fields, new files) and the case resumes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.principal import Principal
from tongban.cases import forms_schema
from tongban.cases.constants import CaseStatus, EventKind, MaterialSource, MaterialStatus
from tongban.cases.models import Case, Notice
from tongban.cases.services.common import audit_case, event
from tongban.cases.services.flow import _lock_case, resume_after_supplement
from tongban.cases.services.inputs import MaterialInput
from tongban.cases.services.materials import find_uploads
from tongban.cases.targets import resolve
from tongban.utils.errors import Conflict, DomainError, ValidationFailed


def open_notice(case: Case) -> Notice | None:
    return case.notices.filter(resolved_at__isnull=True).order_by("-created_at").first()


def supplement(
    principal: Principal,
    case: Case,
    *,
    form: Mapping[str, Any] | None = None,
    materials: Sequence[MaterialInput] = (),
    note: str = "",
    now: dt.datetime | None = None,
) -> Case:
    """Answer the open notice: every material it lists must be re-uploaded; listed fields corrected."""
    now = now or timezone.now()
    assert principal.user is not None
    with transaction.atomic():
        case = _lock_case(case.pk)
        notice = open_notice(case)
        if case.status != CaseStatus.NOTICE or notice is None:
            raise Conflict("case_not_waiting", _("This case is not waiting for a supplement."))
        given = {m.kind: m for m in materials}
        uploads = find_uploads(principal.user, list(materials))
        wanted_materials = [
            e["target"].split(":", 1)[1] for e in notice.entries if e["target"].startswith("material:")
        ]
        wanted_fields = [
            e["target"].split(":", 1)[1] for e in notice.entries if e["target"].startswith("field:")
        ]
        errors = [
            DomainError("supplement_material_required", _("Upload this material again."), field=code)
            for code in wanted_materials
            if code not in given or not given[code].upload
        ]
        changes = dict(form or {})
        errors += [
            DomainError("supplement_field_required", _("Correct this field."), field=key)
            for key in wanted_fields
            if key not in changes
        ]
        if errors:
            raise ValidationFailed(errors)
        if changes:
            target = resolve(case.target_kind, case.target_code, case.situations)
            schema = forms_schema.form_schema(target.fields)
            case.form = forms_schema.validate_form(schema, {**case.form, **changes})
        by_kind = {m.kind.code: m for m in case.materials.select_related("kind")}
        for code, m in given.items():
            material = by_kind.get(code)
            if material is None:
                raise DomainError(
                    "material_unknown", _("This application does not ask for this material."), field=code
                )
            material.upload = uploads[m.upload]
            material.source, material.status, material.provided_at = (
                MaterialSource.UPLOAD,
                MaterialStatus.PROVIDED,
                now,
            )
            material.save(update_fields=["upload", "source", "status", "provided_at"])
        case.materials_submitted = case.materials.filter(status=MaterialStatus.PROVIDED).count()
        notice.resolved_at = now
        notice.save(update_fields=["resolved_at"])
        case.save(update_fields=["materials_submitted"])
        event(
            case,
            EventKind.SUPPLEMENTED,
            principal=principal,
            message=(note or "").strip()[:300],
            data={"materials": sorted(given), "fields": sorted(changes)},
            at=now,
        )
        resume_after_supplement(case, notice, principal, now)
        audit_case("case.supplemented", case, principal, notice=notice.pk)
    return case
