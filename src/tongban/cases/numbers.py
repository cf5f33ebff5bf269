"""Case numbers (办件编号).

Format (21 characters): ``PPPPPP YYYYMMDD NNNNNN C`` without spaces, e.g. ``310000202611270001234``:

- ``PPPPPP``: ``TONGBAN_CASE_NUMBER_PREFIX``, the platform's GB/T 2260 region code (上海市 310000);
- ``YYYYMMDD``: the day of submission (platform time zone);
- ``NNNNNN``: the serial of that day, from 000001 (a counter row per day, incremented in the submitting
  transaction, so numbers are unique and gap-free unless a submission rolls back);
- ``C``: ISO 7064 MOD 11-2 check character over the first 20 digits (``0``–``9`` or ``X``), the same
  scheme as the resident ID number, so a mistyped number is caught before any look-up.

Numbers are assigned by the platform itself when the case is stored: no department system is involved,
so a case number is returned even while department systems are down.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.db.models import F

from tongban.cases.models import CaseCounter

CASE_NO = re.compile(r"^\d{20}[0-9X]$")


def mod11_2(digits: str) -> str:
    """ISO 7064 MOD 11-2 check character of a string of digits."""
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2 % 11
    return "0123456789X"[(12 - total) % 11]


def is_valid(case_no: str) -> bool:
    return bool(CASE_NO.match(case_no or "")) and mod11_2(case_no[:-1]) == case_no[-1]


def next_case_no(day: dt.date) -> str:
    """The next number of ``day``. Call inside the transaction that stores the case."""
    with transaction.atomic(savepoint=False):
        if not CaseCounter.objects.filter(day=day).update(last=F("last") + 1):
            CaseCounter.objects.get_or_create(
                day=day
            )  # the day's first case (a race is settled by the unique day)
            CaseCounter.objects.filter(day=day).update(last=F("last") + 1)
        serial = CaseCounter.objects.filter(day=day).values_list("last", flat=True).get()
    prefix = str(settings.TONGBAN_CASE_NUMBER_PREFIX)
    body = f"{prefix}{day:%Y%m%d}{serial:06d}"
    return body + mod11_2(body)
