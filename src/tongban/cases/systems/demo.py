"""Demo department system: accepts every push and remembers it (no network)."""

from __future__ import annotations

import hashlib
from collections import deque
from typing import Any

import structlog

from tongban.cases.systems.base import DepartmentSystem, PushResult
from tongban.cases.systems.registry import register

log = structlog.get_logger(__name__)


@register("demo")
class DemoSystem(DepartmentSystem):
    def __init__(self) -> None:
        self.received: deque[dict[str, Any]] = deque(maxlen=100)

    def push(self, payload: dict[str, Any]) -> PushResult:
        self.received.append(payload)
        ref = (
            "DEMO-" + hashlib.sha256(f"{payload['case_no']}:{payload['item_code']}".encode()).hexdigest()[:12]
        )
        log.info("department_system_push", case=payload["case_no"], department=payload["department"], ref=ref)
        return PushResult(ref)
