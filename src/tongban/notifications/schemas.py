from __future__ import annotations

from datetime import datetime

from ninja import Schema

from tongban.notifications.messages import render
from tongban.notifications.models import Notification


class NotificationOut(Schema):
    id: int
    template: str
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_subject(obj: Notification) -> str:
        return render(obj.template, obj.params)[0]

    @staticmethod
    def resolve_body(obj: Notification) -> str:
        return render(obj.template, obj.params)[1]
