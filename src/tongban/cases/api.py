"""Cases API: apply once (idempotent), follow, supplement, withdraw; staff inbox and task completion."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from ninja import File, Router, Status
from ninja.files import UploadedFile

from tongban.accounts.models import LegalPerson
from tongban.accounts.services import find_person_by_id_number
from tongban.api.auth import principal
from tongban.cases import presenters, query
from tongban.cases import reasons as reason_table
from tongban.cases.models import Task
from tongban.cases.schemas import (
    CaseDetailOut,
    CaseIn,
    CaseOut,
    CompleteIn,
    ExtensionIn,
    ReasonOut,
    SupplementIn,
    TaskDetailOut,
    TaskOut,
    UploadOut,
    WalkInIn,
    WithdrawIn,
)
from tongban.cases.services import files, flow, issuance, submission, supplements
from tongban.cases.services.flow import Completion, NoticeEntry
from tongban.cases.services.submission import Application, MaterialInput
from tongban.utils import authz
from tongban.utils.errors import DomainError, Forbidden, NotFound

router = Router(tags=["cases"])
workbench_router = Router(tags=["workbench"])


def _application(payload: CaseIn) -> Application:
    return Application(
        target_kind=payload.target_kind,
        target_code=payload.target_code,
        form=payload.form,
        situations=payload.situations,
        materials=[MaterialInput(m.kind, m.upload, m.presentation) for m in payload.materials],
        consents=payload.consents,
        delivery_method=payload.delivery_method,
    )


@router.post("/cases/uploads", response={201: UploadOut}, summary="Upload a material file")
def upload(request: HttpRequest, file: File[UploadedFile]) -> Any:
    p = principal(request)
    p.require_scope("workbench" if p.is_staff_member else "cases:write")
    data = file.read()
    stored = files.store_upload(p, name=file.name or "", data=data, declared_type=file.content_type or "")
    return Status(
        201,
        {
            "id": str(stored.uid),
            "name": stored.original_name,
            "size": stored.size,
            "sha256": stored.sha256,
            "mime": stored.mime,
        },
    )


@router.post("/cases", response={200: CaseOut, 201: CaseOut}, summary="Apply for an item or a bundle")
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    """Submit an application. Send an `Idempotency-Key` header: repeating the request with the same key
    returns the case the first request created (200) instead of a second case."""
    p = principal(request)
    p.require_scope("cases:write")
    key = request.headers.get("Idempotency-Key", "")
    app = _application(payload)
    before = submission.by_idempotency_key(p.user, key) if p.user is not None else None
    case = submission.submit(p, app, idempotency_key=key)
    replay = before is not None and before.pk == case.pk
    return Status(200 if replay else 201, presenters.case_summary(case))


@router.get("/me/cases", response=list[CaseOut], summary="My cases")
def my_cases(request: HttpRequest, status: str = "") -> Any:
    p = principal(request)
    p.require_scope("cases:read")
    if p.is_staff_member:
        raise Forbidden("applicant_only", _("Staff find cases in the workbench."))
    qs = query.my_cases(p)
    if status:
        qs = qs.filter(status=status)
    return [presenters.case_summary(c) for c in qs[:200]]


@router.get("/cases/{case_no}", response=CaseDetailOut, summary="One case with its timeline")
def get_case(request: HttpRequest, case_no: str) -> Any:
    p = principal(request)
    case = query.case_for(p, case_no)
    authz.authorize(p, "view", case)
    return presenters.case_detail(case, p)


@router.post("/cases/{case_no}/supplements", response=CaseDetailOut, summary="Answer a one-time notice")
def supplement(request: HttpRequest, case_no: str, payload: SupplementIn) -> Any:
    p = principal(request)
    case = query.case_for(p, case_no)
    authz.authorize(p, "supplement", case)
    case = supplements.supplement(
        p,
        case,
        form=payload.form,
        materials=[MaterialInput(m.kind, m.upload) for m in payload.materials],
        note=payload.note,
    )
    return presenters.case_detail(case, p)


@router.post("/cases/{case_no}/withdraw", response=CaseDetailOut, summary="Withdraw before a decision")
def withdraw(request: HttpRequest, case_no: str, payload: WithdrawIn) -> Any:
    p = principal(request)
    case = query.case_for(p, case_no)
    authz.authorize(p, "withdraw", case)
    case = flow.withdraw(p, case, reason=payload.reason)
    return presenters.case_detail(case, p)


# --- workbench ------------------------------------------------------------------------------------


def _staff(request: HttpRequest) -> Any:
    p = principal(request)
    if not p.is_staff_member:
        raise Forbidden("staff_only", _("Only staff use the workbench."))
    p.require_scope("workbench")
    return p


@workbench_router.get("/tasks", response=list[TaskOut], summary="My department's tasks")
def tasks(request: HttpRequest, status: str = "open", kind: str = "", light: str = "", q: str = "") -> Any:
    p = _staff(request)
    return [
        presenters.task_summary(t) for t in query.tasks_for(p, status=status, kind=kind, light=light, q=q)
    ]


def _task(p: Any, task_id: int) -> Task:
    task = (
        authz.visible(p, Task.objects.select_related("case", "department", "case_item"))
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound()
    return task


@workbench_router.get("/tasks/{task_id}", response=TaskDetailOut, summary="A task with its case")
def task_detail(request: HttpRequest, task_id: int) -> Any:
    p = _staff(request)
    task = _task(p, task_id)
    case = task.case
    return {
        **presenters.task_summary(task),
        "form": presenters.masked_form(case),
        "case": presenters.case_detail(case, p),
        "draft_faces": issuance.draft_faces(case) if task.kind == "issue" else {},
    }


@workbench_router.post("/tasks/{task_id}/complete", response=TaskOut, summary="Complete a task")
def complete(request: HttpRequest, task_id: int, payload: CompleteIn) -> Any:
    """Approve, refuse, accept, send a one-time notice, request a supplement, comment or issue. When two
    people complete the same task, the second gets 409 `task_already_completed`."""
    p = _staff(request)
    task = flow.complete_task(
        p,
        task_id,
        Completion(
            decision=payload.decision,
            comment=payload.comment,
            reason=payload.reason,
            reason_text=payload.reason_text,
            notice=[NoticeEntry(e.target, e.reason, e.text) for e in payload.notice],
            faces=payload.faces,
        ),
    )
    task.refresh_from_db()
    return presenters.task_summary(task)


@workbench_router.post(
    "/cases", response={200: CaseOut, 201: CaseOut}, summary="Register a walk-in case (帮办代办)"
)
def walk_in(request: HttpRequest, payload: WalkInIn) -> Any:
    p = _staff(request)
    person = find_person_by_id_number(payload.id_number)
    if person is None:
        raise DomainError(
            "person_not_found", _("No registered person has this ID number."), field="id_number"
        )
    legal = None
    if payload.uscc.strip():
        legal = LegalPerson.objects.filter(uscc=payload.uscc.strip().upper()).first()
        if legal is None:
            raise DomainError(
                "legal_person_not_found", _("No registered business has this code."), field="uscc"
            )
    applicant = submission.walk_in_applicant(person, legal)
    case = submission.submit(
        p,
        _application(payload),
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        walk_in=applicant,
    )
    return Status(201, presenters.case_summary(case))


@workbench_router.post("/cases/{case_no}/extensions", response=CaseOut, summary="Extend a case's deadline")
def extend(request: HttpRequest, case_no: str, payload: ExtensionIn) -> Any:
    p = _staff(request)
    case = query.case_for(p, case_no)
    case = flow.extend(p, case, days=payload.days, reason=payload.reason)
    return presenters.case_summary(case)


@workbench_router.post("/cases/{case_no}/delivered", response=CaseOut, summary="Hand over paper results")
def delivered(request: HttpRequest, case_no: str) -> Any:
    p = _staff(request)
    case = query.case_for(p, case_no)
    authz.authorize(p, "deliver", case)
    return presenters.case_summary(issuance.mark_delivered(p, case))


@workbench_router.get("/reasons", response=list[ReasonOut], summary="Legal reasons to choose from", auth=None)
def reasons(request: HttpRequest, kind: str) -> Any:
    return [
        {"kind": r.kind, "code": r.code, "label": str(r.label), "basis": r.basis}
        for r in reason_table.reasons(kind)
    ]
