"""The process state is stored compressed, and plain-text states written before that still load."""

from __future__ import annotations

from django.db import connection

from tongban.cases.models import Case
from tongban.workflows import engine


def _raw(case: Case) -> object:
    with connection.cursor() as cursor:
        cursor.execute("SELECT workflow_state FROM cases_case WHERE id = %s", [case.pk])
        return cursor.fetchone()[0]


def test_state_is_compressed_at_rest_and_reads_back_as_text(submitted: Case) -> None:
    stored = bytes(_raw(submitted))  # type: ignore[arg-type]
    assert stored[:1] == b"x" and len(stored) * 3 < len(submitted.workflow_state.encode())
    fresh = Case.objects.get(pk=submitted.pk)
    assert isinstance(fresh.workflow_state, str) and fresh.workflow_state == submitted.workflow_state
    assert [t.kind for t in engine.load(fresh.workflow_state).ready_user_tasks()] == ["accept"]


def test_a_state_stored_as_plain_text_still_loads(submitted: Case) -> None:
    text = submitted.workflow_state
    with connection.cursor() as cursor:  # as rows written before the column was compressed
        cursor.execute(
            "UPDATE cases_case SET workflow_state = %s WHERE id = %s", [text.encode(), submitted.pk]
        )
    fresh = Case.objects.get(pk=submitted.pk)
    assert fresh.workflow_state == text
