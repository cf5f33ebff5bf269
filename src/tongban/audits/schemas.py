from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


class AuditEventOut(Schema):
    seq: int
    occurred_at: datetime
    event: str
    actor_label: str
    actor_kind: str
    actor_roles: str
    acting_for_label: str
    channel: str
    request_id: str
    object_type: str
    object_id: str
    summary: dict[str, Any]
