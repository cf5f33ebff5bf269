"""Worker tasks of cases: process timers, overdue escalation, pushes to department systems, the paying
step."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from tongban.utils import schedule


@task()
def advance_timers() -> int:
    from tongban.cases.services.clockwork import fire_timers

    return len(fire_timers())


@task()
def escalate_overdue_tasks() -> int:
    from tongban.cases.services.clockwork import escalate_overdue

    return escalate_overdue()


@task()
def push_case(case_id: int) -> int:
    """Send an accepted case's items to the department systems (retried later if a system is down)."""
    from tongban.cases.services.pushes import push_pending

    return push_pending(case_id=case_id)


@task()
def payment_settled(case_id: int) -> bool:
    """The case's fee order was settled: move the case on from its paying step."""
    from tongban.cases.services.paying import complete_payment

    return complete_payment(case_id)


@task()
def sweep_paid_cases() -> int:
    from tongban.cases.services.paying import sweep

    return sweep()


@task()
def retry_pushes() -> int:
    from tongban.cases.services.pushes import push_pending

    return push_pending()


schedule.register("cases.timers", timedelta(minutes=1), advance_timers)
schedule.register("cases.escalate_overdue", timedelta(minutes=15), escalate_overdue_tasks)
schedule.register("cases.retry_pushes", timedelta(minutes=5), retry_pushes)
schedule.register("cases.sweep_paid", timedelta(minutes=5), sweep_paid_cases)
