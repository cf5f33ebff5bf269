"""Settings of logistics, each with its default (read at call time, so tests can change them).

=============================================  ========  ===============================================
Setting                                        Default   Meaning
=============================================  ========  ===============================================
``TONGBAN_LOGISTICS_CARRIER``                  demo_ems  Carrier new shipments are booked with.
``TONGBAN_LOGISTICS_MAX_ATTEMPTS``             3         Failed pickups or deliveries before staff are
                                                         asked to step in.
``TONGBAN_LOGISTICS_MAX_CARRIER_ERRORS``       6         Failed calls to the carrier (booking, asking for
                                                         another attempt) before staff are asked.
``TONGBAN_LOGISTICS_RETRY_MINUTES``            15        Back-off base: the n-th retry waits base × 2ⁿ⁻¹
                                                         (at most a day).
``TONGBAN_LOGISTICS_POLL_AFTER_HOURS``         6         Poll tracking of a parcel without news for this
                                                         long.
``TONGBAN_LOGISTICS_STALE_DAYS``               5         Ask staff about a parcel without news this long.
``TONGBAN_LOGISTICS_CALLBACK_WINDOW_SECONDS``  300       Replay window of signed callbacks.
``TONGBAN_LOGISTICS_LOG_DAYS``                 180       Days the carrier message log is kept.
``TONGBAN_LOGISTICS_DEMO_EMS_SECRET``          derived   Callback signing secret of the demo carrier
                                                         (default: derived from ``SECRET_KEY``).
``TONGBAN_LOGISTICS_DEMO_STEP_SECONDS``        300       Time between the demo carrier's events.
=============================================  ========  ===============================================
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_attempts() -> int:
    return _int("TONGBAN_LOGISTICS_MAX_ATTEMPTS", 3)


def max_carrier_errors() -> int:
    return _int("TONGBAN_LOGISTICS_MAX_CARRIER_ERRORS", 6)


def backoff(n: int) -> dt.timedelta:
    """Wait before the ``n``-th retry (n ≥ 1): exponential, capped at a day."""
    base = _int("TONGBAN_LOGISTICS_RETRY_MINUTES", 15)
    return min(dt.timedelta(minutes=base * 2 ** max(n - 1, 0)), dt.timedelta(days=1))


def poll_after() -> dt.timedelta:
    return dt.timedelta(hours=_int("TONGBAN_LOGISTICS_POLL_AFTER_HOURS", 6))


def stale_after() -> dt.timedelta:
    return dt.timedelta(days=_int("TONGBAN_LOGISTICS_STALE_DAYS", 5))


def callback_window_seconds() -> int:
    return _int("TONGBAN_LOGISTICS_CALLBACK_WINDOW_SECONDS", 300)


def log_days() -> int:
    return _int("TONGBAN_LOGISTICS_LOG_DAYS", 180)
