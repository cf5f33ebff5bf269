"""Worker tasks of the service desk: overdue escalation and closing unrated answers."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from tongban.utils import schedule


@task()
def escalate_overdue_tickets() -> int:
    from tongban.servicedesk.services import escalation

    return escalation.escalate_overdue()


@task()
def close_unrated_tickets() -> int:
    from tongban.servicedesk.services import escalation

    return escalation.auto_close()


schedule.register("servicedesk.escalate_overdue", timedelta(minutes=30), escalate_overdue_tickets)
schedule.register("servicedesk.auto_close", timedelta(hours=1), close_unrated_tickets)
