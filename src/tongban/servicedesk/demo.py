"""Demo tickets and FAQ answers, so that “My requests” and the service desk inbox are not empty.

Call :func:`load_demo_tickets` from the demo loader after the demo cases. Everything goes through the
services (numbers, deadlines, audit, notifications); re-running finds the tickets by their
idempotency keys and the FAQ answers by their question. Missing accounts or items skip a record with a
warning rather than fail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.items.models import ServiceItem
from tongban.servicedesk.models import KnowledgeEntry, Ticket
from tongban.servicedesk.services import replies, tickets
from tongban.servicedesk.services.tickets import TicketInput
from tongban.utils.errors import DomainError


@dataclass(frozen=True)
class DemoTicket:
    key: str
    who: str  # username of the requester (or of the agent who logged the call)
    item_name: str  # "" = no service: the service desk routes it
    data: dict[str, str]
    days_ago: int = 0
    answer: str = ""  # answered by a reviewer of the item's department
    demonstrates: str = ""


TICKETS = [
    DemoTicket(
        "demo-sd-1",
        "citizen_a",
        "机动车驾驶证换证",
        {
            "kind": "consultation",
            "category": "materials",
            "subject": "驾驶证换证需要体检证明吗？",
            "body": "我的驾驶证明年到期，想网上换证，请问需要先去医院体检吗？",
        },
        demonstrates="An open consultation with 公安局, due in 3 working days.",
    ),
    DemoTicket(
        "demo-sd-2",
        "citizen_b",
        "食品经营许可",
        {
            "kind": "complaint",
            "category": "efficiency",
            "subject": "食品经营许可现场核查一直没人联系",
            "body": "提交申请已经一周，现场核查一直没有人联系我，请尽快安排。",
            "contact_by": "sms",
        },
        days_ago=2,
        answer="您好，核查人员已于今日与您电话联系，约定明日上午现场核查。给您带来不便，敬请谅解。",
        demonstrates="A complaint answered by 市场监管局: rate it, then reopen it as citizen_b.",
    ),
    DemoTicket(
        "demo-sd-3",
        "biz_owner",
        "",
        {
            "kind": "suggestion",
            "category": "other",
            "subject": "建议政务大厅周六增加开放窗口",
            "body": "上班族工作日请假不便，建议周六上午多开几个综合受理窗口。",
        },
        demonstrates="A suggestion without a department: desk_staff routes it.",
    ),
    DemoTicket(
        "demo-sd-4",
        "desk_staff",
        "机动车驾驶证换证",
        {
            "kind": "complaint",
            "category": "attitude",
            "subject": "来电反映车管所窗口态度生硬",
            "body": "来电人称在车管所窗口咨询换证时，工作人员态度生硬、解释不清。",
            "channel": "phone",
            "contact_name": "周先生",
            "contact_phone": "13900000004",
            "contact_by": "phone",
        },
        days_ago=14,
        demonstrates="A phone complaint logged by the desk, overdue: the escalation tells the chiefs.",
    ),
]

KNOWLEDGE = [
    (
        "食品经营许可",
        "食品经营许可证可以邮寄送达吗？",
        "可以。在一网通办申请时选择“邮寄送达”，许可证将免费寄到您填写的地址。",
    ),
    (
        "食品经营许可",
        "食品经营许可证遗失了怎么办？",
        "在一网通办申请补办，无需登报声明，补发的许可证编号不变。",
    ),
    (
        "机动车驾驶证换证",
        "驾驶证有效期满前多久可以换证？",
        "有效期满前90日内可以申请换证，可在一网通办或交管12123办理。",
    ),
    ("", "忘记一网通办登录密码怎么办？", "在登录页点击“忘记密码”，通过绑定的手机号验证后重设密码。"),
]


def _principal(username: str) -> Principal | None:
    user = User.objects.filter(username=username).first()
    return Principal(user=user) if user is not None else None


def _item(name: str) -> ServiceItem | None:
    return (
        ServiceItem.objects.published().select_related("department").filter(name=name).first()
        if name
        else None
    )


def _answerer(item: ServiceItem) -> Principal | None:
    user = User.objects.filter(
        is_active=True, staff__department=item.department, staff__roles__code="reviewer"
    ).first()
    return Principal(user=user) if user is not None else None


def load_demo_tickets(report: object, *, now: dt.datetime | None = None) -> None:
    """Create the demo FAQ answers and tickets (see ``TICKETS``); ``report`` is the demo ``LoadReport``."""
    from tongban.demo.loader import CREATED, FOUND, SKIPPED, LoadReport

    assert isinstance(report, LoadReport)
    now = now or timezone.now()
    for item_name, question, answer in KNOWLEDGE:
        item = _item(item_name)
        if item_name and item is None:
            report.add("service desk FAQ answers", SKIPPED)
            continue
        _entry, created = KnowledgeEntry.objects.get_or_create(
            question=question,
            defaults={
                "item_code": item.code if item else "",
                "item_name": item.name if item else "",
                "department": item.department if item else None,
                "answer": answer,
                "published": True,
                "published_at": now,
            },
        )
        report.add("service desk FAQ answers", CREATED if created else FOUND)
    for spec in TICKETS:
        who = _principal(spec.who)
        item = _item(spec.item_name)
        if who is None or (spec.item_name and item is None):
            report.warnings.append(f"demo ticket {spec.key} skipped: account or service missing")
            report.add("service desk tickets", SKIPPED)
            continue
        assert who.user is not None
        if Ticket.objects.filter(created_by=who.user, idempotency_key=spec.key).exists():
            report.add("service desk tickets", FOUND)
            continue
        try:
            data = TicketInput(**spec.data, item=item.code if item else "")
            ticket, _created = tickets.submit(
                who, data, idempotency_key=spec.key, now=now - dt.timedelta(days=spec.days_ago)
            )
            answerer = _answerer(item) if item is not None and spec.answer else None
            if answerer is not None:
                replies.reply(answerer, ticket.pk, body=spec.answer, now=now)
        except DomainError as exc:
            report.warnings.append(f"demo ticket {spec.key} not created: {exc}")
            report.add("service desk tickets", SKIPPED)
            continue
        report.add("service desk tickets", CREATED)
