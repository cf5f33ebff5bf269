"""The issuing department settles quality findings from its workbench queue: resolved (fixed outside the
library) or dismissed (not a problem). Permission checks here; the write is ``quality.close_finding``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongban.accounts.principal import Principal
from tongban.licenses import query_corrections as cq
from tongban.licenses.constants import FindingStatus
from tongban.licenses.models import QualityFinding
from tongban.licenses.services import quality
from tongban.utils.errors import DomainError, Forbidden, NotFound

OUTCOMES = (FindingStatus.RESOLVED, FindingStatus.DISMISSED)
MAX_NOTE_LENGTH = 300


def settle_finding(principal: Principal, finding_id: int, *, outcome: str, note: str = "") -> QualityFinding:
    """Close an open finding of the principal's departments (reviewers and section chiefs only).
    Dismissing needs a note saying why the licence is fine."""
    if outcome not in OUTCOMES:
        raise DomainError("finding_outcome_unknown", _("Resolve or dismiss the finding."), field="outcome")
    note = (note or "").strip()
    if outcome == FindingStatus.DISMISSED and not note:
        raise DomainError("finding_note_required", _("Say why this is not a problem."), field="note")
    if len(note) > MAX_NOTE_LENGTH:
        raise DomainError(
            "finding_note_too_long",
            _("A note has at most %(max)s characters.") % {"max": MAX_NOTE_LENGTH},
            field="note",
        )
    departments = cq.department_ids(principal)
    if not QualityFinding.objects.filter(pk=finding_id, department_id__in=departments).exists():
        raise NotFound("finding_not_found", _("No such finding in your department's queue."))
    if not principal.roles & cq.DECIDER_ROLES:
        raise Forbidden("finding_role_required", _("Only a reviewer or section chief can settle a finding."))
    return quality.close_finding(
        finding_id,
        principal=principal,
        department_ids=departments,
        note=note,
        dismiss=outcome == FindingStatus.DISMISSED,
    )
