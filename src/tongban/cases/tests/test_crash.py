"""Crash safety: a step is one transaction with the saved process state.

In process: an error after the engine advanced rolls everything back and the step can be redone once.
Across processes: a worker killed (SIGKILL) in the middle of a step leaves the case exactly as before;
a new process then completes the step, once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.db import connection

import pytest

from tongban.accounts.models import User
from tongban.cases.constants import CaseStatus, TaskStatus
from tongban.cases.models import Case
from tongban.cases.services import flow
from tongban.cases.services.flow import Completion
from tongban.cases.tests.conftest import as_principal, open_task

ROOT = Path(__file__).resolve().parents[4]


def test_an_error_mid_step_rolls_back_the_process_and_the_case(
    submitted: Case, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    accept = open_task(submitted, "accept")
    before = (submitted.workflow_rev, submitted.workflow_state)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(flow, "sync_tasks", boom)
    with pytest.raises(RuntimeError):
        flow.complete_task(as_principal(people["clerk"]), accept.pk, Completion(decision="accepted"))
    submitted.refresh_from_db()
    accept.refresh_from_db()
    assert (submitted.workflow_rev, submitted.workflow_state) == before
    assert submitted.status == CaseStatus.SUBMITTED and accept.status == TaskStatus.OPEN
    assert not submitted.events.filter(kind="accepted").exists()
    monkeypatch.undo()
    flow.complete_task(as_principal(people["clerk"]), accept.pk, Completion(decision="accepted"))
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.IN_REVIEW
    assert submitted.tasks.filter(kind="review").count() == 4
    assert submitted.events.filter(kind="accepted").count() == 1


def _step(db: Path, task_id: int, user_id: int, mode: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "tongban.cases.tests.crash_step", str(db), str(task_id), str(user_id), mode],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="copies the SQLite test database to a file")
def test_a_killed_worker_loses_nothing_and_repeats_nothing(
    submitted: Case, people: dict[str, User], tmp_path: Path
) -> None:
    db = tmp_path / "cases.sqlite3"
    target = sqlite3.connect(db)
    connection.ensure_connection()
    connection.connection.backup(target)  # the committed test database, as a file other processes open
    target.close()
    accept = open_task(submitted, "accept")
    clerk = people["clerk"].pk

    killed = _step(db, accept.pk, clerk, "kill")
    assert killed.returncode == -9, killed.stderr[-2000:]
    after_kill = json.loads(_step(db, accept.pk, clerk, "look").stdout.strip().splitlines()[-1])
    assert after_kill == {"task": "open", "case": "submitted", "rev": 1, "reviews": 0, "events": 0}

    done = _step(db, accept.pk, clerk, "run")
    assert done.returncode == 0, done.stderr[-2000:]
    state = json.loads(done.stdout.strip().splitlines()[-1])
    assert state == {"task": "completed", "case": "in_review", "rev": 2, "reviews": 4, "events": 1}
    again = _step(db, accept.pk, clerk, "run")  # a retry of the finished step changes nothing
    assert again.returncode != 0 and "task_already_completed" in again.stderr
