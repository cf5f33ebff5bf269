"""Worker task of licence error reports: escalate reports past their due date (run daily)."""

from __future__ import annotations

import structlog
from django_tasks import task

from tongban.licenses.services import corrections

log = structlog.get_logger(__name__)


@task()
def escalate_overdue_corrections() -> int:
    """Notify the section chiefs of each open report past its due date, once; returns how many."""
    count = corrections.escalate_overdue()
    if count:
        log.info("license_corrections_escalated", count=count)
    return count
