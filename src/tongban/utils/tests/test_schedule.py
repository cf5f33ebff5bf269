"""The periodic-job scheduler: registry, due jobs enqueued once, restarts, busy jobs, the command."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

from django.core.management import call_command
from django.utils import timezone

import pytest
from django_tasks import task
from django_tasks.base import TaskResultStatus

from tongban.utils import schedule
from tongban.utils.models import ScheduledJob

pytestmark = pytest.mark.django_db
CALLS: list[str] = []


@task()
def tick(label: str = "tick") -> str:
    CALLS.append(label)
    return label


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, schedule.Job]:
    """An empty registry for the test (the apps' own jobs come back afterwards)."""
    schedule.jobs()  # the apps' tasks modules are imported (and register) before the swap
    fresh: dict[str, schedule.Job] = {}
    monkeypatch.setattr(schedule, "_registry", fresh)
    CALLS.clear()
    return fresh


def test_due_job_is_enqueued_once_per_interval(registry: dict[str, schedule.Job]) -> None:
    schedule.register("test.tick", dt.timedelta(hours=1), tick, kwargs={"label": "a"})
    start = timezone.now()
    assert schedule.run_due(start) == ["test.tick"]  # a new job is due at once
    assert schedule.run_due(start) == []
    assert schedule.run_due(start + dt.timedelta(minutes=59)) == []
    assert schedule.run_due(start + dt.timedelta(hours=1)) == ["test.tick"]
    state = ScheduledJob.objects.get(name="test.tick")
    assert state.runs == 2 and state.last_result_id and CALLS == ["a", "a"]
    assert state.next_run_at == start + dt.timedelta(hours=2)


def test_restart_does_not_enqueue_again(registry: dict[str, schedule.Job]) -> None:
    """The state is in the database: a new scheduler process sees the job as done until it is due."""
    schedule.register("test.tick", dt.timedelta(minutes=5), tick)
    now = timezone.now()
    schedule.run_due(now)
    registry.clear()  # "restart": the registry is rebuilt from the code, the state stays
    schedule.register("test.tick", dt.timedelta(minutes=5), tick)
    assert schedule.run_due(now + dt.timedelta(minutes=1)) == []
    # missed runs are not caught up: hours later it runs once, then every interval
    later = now + dt.timedelta(hours=3)
    assert schedule.run_due(later) == ["test.tick"] and schedule.run_due(later) == []
    assert ScheduledJob.objects.get(name="test.tick").runs == 2


def test_a_run_taken_by_another_scheduler_is_not_enqueued(
    registry: dict[str, schedule.Job], monkeypatch: pytest.MonkeyPatch
) -> None:
    schedule.register("test.tick", dt.timedelta(minutes=5), tick)
    now = timezone.now()
    ScheduledJob.objects.create(name="test.tick", next_run_at=now - dt.timedelta(seconds=1))
    real_filter = ScheduledJob.objects.filter

    def other_scheduler_first(*args: Any, **kwargs: Any) -> Any:
        # between our read and our compare-and-set, another scheduler moves the job on
        ScheduledJob.objects.all().update(next_run_at=now + dt.timedelta(minutes=5))
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(ScheduledJob.objects, "filter", other_scheduler_first)
    assert schedule.run_due(now) == [] and CALLS == []


def test_busy_job_waits(registry: dict[str, schedule.Job]) -> None:
    status = {"value": TaskResultStatus.RUNNING}
    fake = SimpleNamespace(
        module_path="tests.fake",
        get_backend=lambda: SimpleNamespace(supports_get_result=True),
        get_result=lambda result_id: SimpleNamespace(status=status["value"]),
        enqueue=lambda **kwargs: SimpleNamespace(id="r2"),
    )
    schedule.register("test.fake", dt.timedelta(hours=1), fake)  # type: ignore[arg-type]
    now = timezone.now()
    ScheduledJob.objects.create(name="test.fake", next_run_at=now, last_result_id="r1")
    assert schedule.run_due(now) == []
    state = ScheduledJob.objects.get(name="test.fake")
    assert state.skipped == 1 and state.next_run_at == now + schedule.RETRY_BUSY
    status["value"] = TaskResultStatus.SUCCESSFUL
    assert schedule.run_due(now + schedule.RETRY_BUSY) == ["test.fake"]
    assert ScheduledJob.objects.get(name="test.fake").last_result_id == "r2"


def test_register_rules(registry: dict[str, schedule.Job]) -> None:
    with pytest.raises(ValueError, match="one second"):
        schedule.register("test.fast", dt.timedelta(milliseconds=10), tick)
    schedule.register("test.tick", dt.timedelta(hours=1), tick)
    schedule.register("test.tick", dt.timedelta(hours=2), tick)  # re-import: replaced
    assert registry["test.tick"].interval == dt.timedelta(hours=2)
    other = SimpleNamespace(module_path="somewhere.else")
    with pytest.raises(ValueError, match="registered already"):
        schedule.register("test.tick", dt.timedelta(hours=1), other)  # type: ignore[arg-type]


def test_licence_jobs_are_registered() -> None:
    names = {job.name: job.interval for job in schedule.jobs()}
    assert names["licenses.quality_scan"] == dt.timedelta(hours=1)
    assert names["licenses.expire"] == dt.timedelta(days=1)
    assert names["licenses.sign_pending"] <= dt.timedelta(minutes=10)


def test_command_once_and_list(registry: dict[str, schedule.Job]) -> None:
    schedule.register("test.tick", dt.timedelta(hours=1), tick)
    out = io.StringIO()
    call_command("run_scheduler", "--list", stdout=out)
    assert "test.tick" in out.getvalue() and "never run" in out.getvalue()
    call_command("run_scheduler", "--once", stdout=out)
    assert "enqueued test.tick" in out.getvalue() and CALLS == ["tick"]
    call_command("run_scheduler", "--list", stdout=out)
    assert "1 runs" in out.getvalue()
