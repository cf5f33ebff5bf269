"""Worker tasks of the licence library, and their schedule (``manage.py run_scheduler`` enqueues them).

- ``scan_licenses``: the quality scan (:mod:`.services.quality`), incremental, hourly;
- ``expire_licenses``: valid licences past their end become expired (:func:`.services.status.expire_due`),
  daily;
- ``sign_pending_licenses``: bulk-imported licences get their signed credential
  (:func:`.services.imports.sign_pending`), every five minutes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from django_tasks import task

from tongban.licenses.services import imports, quality, status
from tongban.utils import schedule

log = structlog.get_logger(__name__)


@task()
def scan_licenses(full: bool = False, limit: int | None = None) -> dict[str, Any]:
    """Check the licences changed since their last scan (``full``: all of them); at most ``limit``."""
    run = quality.scan(full=full, limit=limit)
    if run is None:
        return {"skipped": "another scan is running"}
    return {"run": run.pk, "scanned": run.scanned, "opened": run.opened, "resolved": run.resolved}


@task()
def expire_licenses() -> int:
    changed = status.expire_due()
    log.info("licenses_expired", count=changed)
    return changed


@task()
def sign_pending_licenses(batch: int = 500, limit: int = 20_000) -> int:
    return imports.sign_pending(batch=batch, limit=limit)


schedule.register("licenses.quality_scan", timedelta(hours=1), scan_licenses)
schedule.register("licenses.expire", timedelta(days=1), expire_licenses)
schedule.register("licenses.sign_pending", timedelta(minutes=5), sign_pending_licenses)
