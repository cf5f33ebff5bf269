"""Health probes, request ids, security headers and the shape of log lines."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

import pytest
import structlog

from tongban import __version__

pytestmark = pytest.mark.django_db

GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")
ID_NUMBER, MOBILE = "310101199001011234", "13800138000"


# --- Probes ---------------------------------------------------------------------------------------


def test_healthz(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "version": __version__}


def test_readyz_ok(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


def test_readyz_unavailable_while_migrations_are_pending(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("a", False), ("b", False)]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "migrations": "2 pending"},
    }


def test_readyz_unavailable_when_the_database_fails(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: MigrationExecutor, *args: Any, **kwargs: Any) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(MigrationExecutor, "__init__", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "error: OperationalError"
    assert "connection refused" not in response.content.decode()  # no internals leak to the prober


# --- Request id -----------------------------------------------------------------------------------


def test_every_response_carries_a_request_id(client: Client) -> None:
    first, second = client.get("/healthz"), client.get("/healthz")
    assert GENERATED_ID.match(first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize("incoming", ["abc-123_DEF.456", "0" * 64, "lb-7f3a9c2e"])
def test_well_formed_request_id_is_echoed(client: Client, incoming: str) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["short", "0" * 65, "has spaces in it", "<script>alert(1)</script>", "semi;colon;id", "中文请求编号编号"],
)
def test_malformed_request_id_is_replaced(client: Client, incoming: str) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert GENERATED_ID.match(response["X-Request-ID"])


# --- Security headers -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/no-such-page/"])
def test_security_headers(client: Client, path: str) -> None:
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    directives = {part.strip().split(" ", 1)[0]: part.strip() for part in csp.split(";") if part.strip()}
    assert directives["default-src"] == "default-src 'self'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["object-src"] == "object-src 'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# --- Log lines ------------------------------------------------------------------------------------


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[str]]]:
    """Everything logged while the test runs, rendered by the formatter the settings configure."""
    spec = dict(settings.LOGGING["formatters"]["structured"])
    formatter = spec.pop("()")(**spec)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logging.root.addHandler(handler)
    try:
        yield lambda: [line for line in stream.getvalue().splitlines() if line.strip()]
    finally:
        logging.root.removeHandler(handler)


@pytest.fixture
def json_logs() -> None:
    if settings.LOG_FORMAT != "json":
        pytest.skip("TONGBAN_LOG_FORMAT is overridden in the environment; these tests check JSON lines")


def test_log_lines_are_json_with_the_request_id(
    client: Client, log_lines: Callable[[], list[str]], json_logs: None
) -> None:
    client.get("/healthz", headers={"X-Request-ID": "trace-0001-abcdef"})
    records = [json.loads(line) for line in log_lines()]  # every line is one JSON object
    finished = [r for r in records if r.get("event") == "request_finished"]
    assert finished, records
    assert finished[-1]["request_id"] == "trace-0001-abcdef"
    assert finished[-1]["code"] == 200
    assert {"timestamp", "level", "logger"} <= finished[-1].keys()
    assert "ip" not in finished[-1]  # client addresses are personal data


def test_personal_data_is_scrubbed_from_log_lines(
    log_lines: Callable[[], list[str]], json_logs: None
) -> None:
    structlog.get_logger().info("x", note=f"身份证 {ID_NUMBER} 手机 {MOBILE}", password="hunter2-secret")
    [line] = [line for line in log_lines() if '"event": "x"' in line]
    assert ID_NUMBER not in line and MOBILE not in line and "hunter2-secret" not in line
    record = json.loads(line)
    assert record["note"] == "身份证 3101**********1234 手机 138****8000"  # Chinese stays readable
    assert record["password"] == "[redacted]"


def test_personal_data_is_scrubbed_from_standard_library_log_lines(
    log_lines: Callable[[], list[str]], json_logs: None
) -> None:
    logging.root.warning("lookup failed for %s / %s", ID_NUMBER, MOBILE)
    [line] = [line for line in log_lines() if "lookup failed" in line]
    assert ID_NUMBER not in line and MOBILE not in line
    assert json.loads(line)["event"] == "lookup failed for 3101**********1234 / 138****8000"


@pytest.mark.django_db
def test_only_catalogue_documents_are_served_from_media(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "catalogue" / "forms").mkdir(parents=True)
    (tmp_path / "catalogue" / "forms" / "申请表.txt").write_text("blank form", encoding="utf-8")
    (tmp_path / "private.txt").write_text("secret", encoding="utf-8")
    resp = client.get("/media/catalogue/forms/申请表.txt")
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == b"blank form"
    assert client.get("/media/private.txt").status_code == 404
    climbing = client.get("/media/catalogue/../private.txt")
    assert climbing.status_code in {400, 404}  # refused either way; never the file
    assert b"secret" not in b"".join(getattr(climbing, "streaming_content", [climbing.content]))
