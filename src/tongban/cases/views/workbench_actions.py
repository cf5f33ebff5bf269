"""The task page's POST actions: read the form, call one service, say what happened.

Every rule (who may, which decision fits which task, reasons, the conflict of a second completion) is
the services'; this module only turns posted fields into their arguments. A refused action raises the
service's :class:`~tongban.utils.errors.DomainError`, which the page shows with its code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from tongban.accounts.principal import Principal
from tongban.cases.constants import Decision
from tongban.cases.models import Task
from tongban.cases.services import flow, issuance
from tongban.cases.services.flow import Completion, NoticeEntry
from tongban.cases.views.workbench_panels import coerce_face
from tongban.licenses.faces import face_fields
from tongban.utils import authz
from tongban.utils.errors import DomainError

# Actions that complete (or comment on) the task itself; ``flow.ALLOWED`` says which fit which task.
TASK_ACTIONS = frozenset(
    {
        Decision.ACCEPTED,
        Decision.NOTICE,
        Decision.NOT_ACCEPTED,
        Decision.APPROVE,
        Decision.REJECT,
        Decision.SUPPLEMENT,
        Decision.COMMENT,
        Decision.ISSUE,
    }
)
EXTEND = "extend"
DELIVER = "deliver"


def _done(key: str) -> str:
    messages = {
        Decision.ACCEPTED: _("Accepted (受理). The case went to the departments for review."),
        Decision.NOTICE: _("The one-time notice (一次性告知) was sent to the applicant."),
        Decision.NOT_ACCEPTED: _("Not accepted (不予受理). The applicant is told the reason."),
        Decision.APPROVE: _("Approved (准予)."),
        Decision.REJECT: _("Refused (不予). The reason goes into the decision."),
        Decision.SUPPLEMENT: _(
            "A supplement (补正) was requested; the clock stops until the applicant answers."
        ),
        Decision.COMMENT: _("Comment added to the case history."),
        Decision.ISSUE: _("The results were issued (出件)."),
        EXTEND: _("The deadline was extended (延期)."),
        DELIVER: _("The results were handed over (已领取); the case is closed."),
    }
    return str(messages[key])


def notice_entries(data: QueryDict) -> list[NoticeEntry]:
    """The ticked rows of the 一次性告知 builder, each with its reason code and optional detail."""
    return [
        NoticeEntry(
            target=target,
            reason=data.get(f"reason__{target}", "").strip(),
            text=data.get(f"text__{target}", "").strip(),
        )
        for target in dict.fromkeys(data.getlist("notice_target"))
        if target
    ]


def faces(task: Task, data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The issuance panel's inputs per item code (only filled ones: an empty input keeps the draft)."""
    out: dict[str, dict[str, Any]] = {}
    for code in issuance.draft_faces(task.case):
        ci = task.case.items.select_related("item__result_license_type").get(item_code=code)
        lt = ci.item.result_license_type
        if lt is None:
            continue
        values = {}
        for f in face_fields(lt):
            raw = str(data.get(f"face__{code}__{f.name}", "")).strip()
            if raw:
                values[f.name] = coerce_face(f.schema, raw)
        out[code] = values
    return out


def _completion(task: Task, action: str, data: QueryDict) -> Completion:
    comment = data.get("comment", "")
    if action in (Decision.NOTICE, Decision.SUPPLEMENT):
        return Completion(decision=action, comment=comment, notice=notice_entries(data))
    if action in (Decision.NOT_ACCEPTED, Decision.REJECT):
        return Completion(
            decision=action,
            comment=comment,
            reason=data.get("reason", "").strip(),
            reason_text=data.get("reason_text", "").strip(),
        )
    if action == Decision.ISSUE:
        return Completion(decision=action, comment=comment, faces=faces(task, data))
    return Completion(decision=action, comment=comment)


def _days(raw: str) -> int:
    try:
        days = int(raw.strip())
    except ValueError:
        raise DomainError(
            "extension_days_invalid", _("Give the extension as a whole number of working days."), field="days"
        ) from None
    if days < 1:
        raise DomainError(
            "extension_days_invalid", _("Give the extension as a whole number of working days."), field="days"
        )
    return days


def perform(principal: Principal, task: Task, action: str, data: QueryDict) -> str:
    """Run ``action`` on the task (or its case); return the sentence to show. Raises DomainError."""
    if action == EXTEND:
        flow.extend(principal, task.case, days=_days(data.get("days", "")), reason=data.get("reason", ""))
        return _done(EXTEND)
    if action == DELIVER:
        authz.authorize(principal, "deliver", task.case)
        issuance.mark_delivered(principal, task.case)
        return _done(DELIVER)
    if action not in TASK_ACTIONS:
        raise DomainError("action_unknown", _("This action is not offered here."), field="action")
    flow.complete_task(principal, task.pk, _completion(task, action, data))
    return _done(action)
