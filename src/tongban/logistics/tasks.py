"""Worker tasks of logistics: bookings and retries, tracking polls, the demo carrier's pushes, log pruning.

Every task is safe to run twice or concurrently: the services lock the shipment and check its state.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from django_tasks import task

from tongban.utils import schedule


@task()
def book_shipment(shipment_id: int) -> str:
    """Book one shipment now (e.g. right after its case was issued); returns its status."""
    from tongban.logistics.services.shipments import book

    return book(shipment_id).status


@task()
def book_case_results(case_id: int) -> int:
    """The case's results were just issued: book its waiting parcel of results now."""
    from tongban.logistics.services.shipments import book_issued

    return book_issued(case_id)


def case_issued(case_id: int) -> None:
    """``cases.steps`` listener (runs after the issuance's commit)."""
    book_case_results.enqueue(case_id)


@task()
def retry_shipments() -> int:
    """Book due shipments and ask carriers for due pickup or delivery attempts (with back-off)."""
    from tongban.logistics.services.shipments import retry_due

    return retry_due()


@task()
def poll_tracking() -> int:
    """Poll parcels without news for ``TONGBAN_LOGISTICS_POLL_AFTER_HOURS``; flag silent ones."""
    from tongban.logistics.services.tracking import poll_due

    return poll_due()


@task()
def demo_carrier_push() -> int:
    """What the demo EMS carrier would push now, through the same signed-callback check as the web."""
    from tongban.logistics.carriers import demo_ems
    from tongban.logistics.services.tracking import CallbackRefused, receive_callback

    pushed = 0
    for headers, body in demo_ems.due_callbacks():
        try:
            receive_callback("demo_ems", headers=headers, body=body)
        except CallbackRefused:
            continue  # logged by the handler; a real carrier would retry, the poll fetches it instead
        pushed += 1
    return pushed


@task()
def prune_carrier_log() -> int:
    """Drop carrier messages older than ``TONGBAN_LOGISTICS_LOG_DAYS`` (events stay with shipments)."""
    from tongban.logistics import conf
    from tongban.logistics.models import CarrierEvent

    cutoff = timezone.now() - timedelta(days=conf.log_days())
    deleted, _rows = CarrierEvent.objects.filter(received_at__lt=cutoff).delete()
    return deleted


schedule.register("logistics.retry_shipments", timedelta(minutes=5), retry_shipments)
schedule.register("logistics.poll_tracking", timedelta(minutes=30), poll_tracking)
schedule.register("logistics.demo_carrier_push", timedelta(minutes=1), demo_carrier_push)
schedule.register("logistics.prune_carrier_log", timedelta(days=1), prune_carrier_log)
