"""The token endpoint is rate limited per client address and answers a blocked call with JSON 429."""

from __future__ import annotations

import datetime as dt

from django.test import Client as HttpClient

import pytest
import time_machine

pytestmark = pytest.mark.django_db


def _token_call(http: HttpClient, addr: str = "203.0.113.7"):
    return http.post(
        "/o/token/",
        {"grant_type": "authorization_code", "code": "nope", "client_id": "nobody"},
        REMOTE_ADDR=addr,
    )


def test_token_endpoint_is_rate_limited(client: HttpClient, settings) -> None:
    settings.TONGBAN_TOKEN_RATE = "2/m"
    # Frozen clock: all calls fall in one rate-limit window.
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, 5, tzinfo=dt.UTC), tick=False):
        first, second = _token_call(client), _token_call(client)
        assert first.status_code == second.status_code == 401  # refused, but not limited
        blocked = _token_call(client)
        assert blocked.status_code == 429
        assert blocked["Content-Type"].startswith("application/json")
        assert blocked.json()["code"] == "rate_limited"
        # Per address: another caller is unaffected.
        assert _token_call(client, addr="203.0.113.8").status_code == 401
