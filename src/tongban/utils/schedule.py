"""Periodic jobs: a registry of (name, interval, task) and what ``manage.py run_scheduler`` runs.

Register a job at import time of your app's ``tasks.py`` (the scheduler imports every installed app's
``tasks`` module, as the admin does with ``admin``)::

    from datetime import timedelta
    from tongban.utils import schedule

    schedule.register("licenses.quality_scan", timedelta(hours=1), scan_licenses)
    schedule.register("reports.nightly", timedelta(days=1), build_report, kwargs={"kind": "daily"})

The task is a django-tasks ``Task`` (``@task()``), enqueued on its own backend and queue; the worker runs
it. ``kwargs`` must be JSON. Names are stable keys: renaming a job starts its schedule afresh.

How it runs: every tick (15 s by default) :func:`run_due` looks at each job's :class:`ScheduledJob` row.
A job seen for the first time is due at once. For a due job, one transaction moves ``next_run_at`` to
now + interval, *only if it still holds the value read* (compare and set), and enqueues the task (the
django-tasks-db backend writes the task row in the same transaction). So a crash, a restart or a second
scheduler never enqueues a run twice; runs missed while no scheduler ran are not caught up (a due job runs
once, then every interval from then). While the job's previous run is still queued or running, it is not
enqueued again: the round is counted in ``skipped`` and retried a minute later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

import structlog
from django_tasks.base import Task, TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from tongban.utils.models import ScheduledJob

log = structlog.get_logger(__name__)

RETRY_BUSY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Job:
    name: str
    interval: dt.timedelta
    task: Task[Any, Any]
    kwargs: dict[str, Any] = field(default_factory=dict)


_registry: dict[str, Job] = {}


def register(
    name: str, interval: dt.timedelta, task: Task[Any, Any], *, kwargs: dict[str, Any] | None = None
) -> Job:
    """Add (or, on re-import, replace) a periodic job. Two tasks under one name are refused."""
    if interval < dt.timedelta(seconds=1):
        raise ValueError("a periodic job needs an interval of at least one second")
    job = Job(name, interval, task, dict(kwargs or {}))
    known = _registry.get(name)
    if known is not None and known.task.module_path != task.module_path:
        raise ValueError(f"job {name!r} is registered already, for {known.task.module_path}")
    _registry[name] = job
    return job


def unregister(name: str) -> None:
    _registry.pop(name, None)


def jobs() -> list[Job]:
    """Every registered job, after importing each installed app's ``tasks`` module."""
    autodiscover_modules("tasks")
    return sorted(_registry.values(), key=lambda job: job.name)


def _busy(job: Job, state: ScheduledJob) -> bool:
    """Whether the job's last run is still queued or running (when the backend can tell)."""
    if not state.last_result_id or not job.task.get_backend().supports_get_result:
        return False
    try:
        result = job.task.get_result(state.last_result_id)
    except (TaskResultDoesNotExist, ValueError, TypeError):
        return False
    return result.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING)


def run_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every due job once; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        state, _created = ScheduledJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
        if state.next_run_at > now:
            continue
        current = ScheduledJob.objects.filter(pk=state.pk, next_run_at=state.next_run_at)
        if _busy(job, state):
            current.update(next_run_at=now + min(RETRY_BUSY, job.interval), skipped=F("skipped") + 1)
            log.info("scheduled_job_busy", job=job.name)
            continue
        with transaction.atomic():
            if not current.update(next_run_at=now + job.interval, last_enqueued_at=now):
                continue  # another scheduler took this run
            result = job.task.enqueue(**job.kwargs)
            ScheduledJob.objects.filter(pk=state.pk).update(last_result_id=result.id, runs=F("runs") + 1)
        enqueued.append(job.name)
        log.info("scheduled_job_enqueued", job=job.name, result=result.id)
    return enqueued
