"""Department systems never block a case: accepted items are pushed afterwards, and retried while a
system is down."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

import pytest

from tongban.accounts.models import User
from tongban.cases.models import Case, SystemPush
from tongban.cases.services.pushes import push_pending
from tongban.cases.systems import registry
from tongban.cases.systems.base import DepartmentSystem, PushFailed, PushResult
from tongban.cases.tests.conftest import complete, open_task


class Flaky(DepartmentSystem):
    """Down for the first ``failures`` pushes, then up."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def push(self, payload: dict[str, Any]) -> PushResult:
        self.calls += 1
        if self.calls <= self.failures:
            raise PushFailed("connection refused")
        return PushResult(f"EXT-{payload['item_code'][-6:]}")


@pytest.fixture
def flaky(settings: Any) -> Iterator[Flaky]:
    system = Flaky(failures=4)
    registry.add("flaky-test", system)
    settings.TONGBAN_DEPARTMENT_SYSTEM_ADAPTER = "flaky-test"
    yield system
    registry.unregister("flaky-test")


def test_accepted_items_are_pushed_once(
    submitted: Case, people: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        complete(people["clerk"], open_task(submitted, "accept"), "accepted")
    pushes = SystemPush.objects.filter(case_item__case=submitted)
    assert pushes.count() == 4 and set(pushes.values_list("status", flat=True)) == {"sent"}
    assert push_pending(case_id=submitted.pk) == 0  # nothing pushed twice


def test_a_system_that_is_down_does_not_stop_the_case_and_is_retried(
    submitted: Case, people: dict[str, User], flaky: Flaky, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        complete(people["clerk"], open_task(submitted, "accept"), "accepted")
    submitted.refresh_from_db()
    assert submitted.status == "in_review" and submitted.case_no  # the case went on regardless
    pending = SystemPush.objects.filter(case_item__case=submitted, status="pending")
    assert pending.count() == 4 and all(p.last_error == "connection refused" for p in pending)
    assert push_pending() == 0  # not due yet: back-off
    later = timezone.now() + dt.timedelta(hours=1)
    assert push_pending(now=later) == 4
    assert set(SystemPush.objects.values_list("status", flat=True)) == {"sent"}
    assert all(p.external_ref.startswith("EXT-") for p in SystemPush.objects.all())
