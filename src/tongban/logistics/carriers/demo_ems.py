"""A demo carrier that behaves like EMS (中国邮政速递物流), for development, demos and tests.

- Waybill numbers are UPU S10 identifiers with service indicator ``EA`` (``EA12345678?CN``, see ``s10``).
- Events carry EMS-style operation codes (``203`` 收寄, ``704`` 妥投...; the demo's own table below) and
  are pushed by a signed callback and can be polled (``track``).
- Callbacks are signed: headers ``X-Ems-Timestamp`` (Unix seconds), ``X-Ems-Nonce`` (16-64 characters
  of ``[A-Za-z0-9_-]``) and ``X-Ems-Signature`` = hex HMAC-SHA256 with the shared secret over
  ``timestamp + "\\n" + nonce + "\\n" + body``. A message outside the replay window is refused.

Its "own systems" are the ``DemoParcel`` table. What happens to a parcel is decided by the phone number
at the applicant's end, so every outcome can be produced on purpose (``SCENARIOS``); events happen
``TONGBAN_LOGISTICS_DEMO_STEP_SECONDS`` apart from the booking. The worker pushes events once they are
due (``due_callbacks``), exactly as the carrier would call us.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.logistics import conf
from tongban.logistics.carriers import s10
from tongban.logistics.carriers.base import (
    Booking,
    BookingRequest,
    CallbackRejected,
    Carrier,
    CarrierError,
    CarrierEventData,
    VerifiedCallback,
)
from tongban.logistics.carriers.registry import registry
from tongban.logistics.constants import CallbackOutcome, TrackingCode
from tongban.logistics.models import DemoParcel
from tongban.utils.signing import HmacScheme, SignatureError, within_window

SERVICE = "EA"
HEADER_NONCE = "x-ems-nonce"  # logged with refused messages (``Carrier.nonce_header``)
SCHEME = HmacScheme("X-Ems-Timestamp", "X-Ems-Nonce", "X-Ems-Signature")

# Operation codes of the demo (styled on EMS's; a real adapter maps the carrier's published table).
OP_CODES: dict[str, tuple[str, str]] = {
    "203": (TrackingCode.PICKED_UP, "已收寄"),
    "204": (TrackingCode.PICKUP_FAILED, "揽收失败，揽投员将再次上门"),
    "306": (TrackingCode.IN_TRANSIT, "离开处理中心，发往下一站"),
    "307": (TrackingCode.IN_TRANSIT, "到达处理中心"),
    "702": (TrackingCode.OUT_FOR_DELIVERY, "正在投递，投递员：邮递员"),
    "704": (TrackingCode.DELIVERED, "已妥投，本人签收"),
    "705": (TrackingCode.DELIVERY_FAILED, "未妥投：收件人不在，将再次投递"),
    "711": (TrackingCode.RETURNED, "已退回寄件人"),
    "799": (TrackingCode.LOST, "邮件丢失，已启动理赔"),
}

# Phone number at the applicant's end → what happens. Any other number: delivered normally.
NORMAL = "normal"
SCENARIOS: dict[str, str] = {
    "13000000010": "returned",  # two failed deliveries, then returned to the sender
    "13000000011": "pickup_fails",  # every pickup fails
    "13000000012": "pickup_fails_once",  # the first pickup fails, the second succeeds
    "13000000013": "delivery_fails_once",  # the first delivery fails, the next succeeds
    "13000000014": "busy",  # booking fails (carrier system busy), every time
    "13000000015": "busy_once",  # the first booking call fails, the next succeeds
    "13000000016": "refused",  # booking refused for good (outside the service area)
    "13000000017": "lost",  # lost on the way
}
_DELIVERED = ["203", "306", "307", "702", "704"]
SCRIPTS: dict[str, list[str]] = {
    NORMAL: _DELIVERED,
    "returned": ["203", "306", "307", "702", "705", "702", "705", "711"],
    "pickup_fails": ["204"],
    "pickup_fails_once": ["204"],
    "delivery_fails_once": ["203", "306", "307", "702", "705"],
    "busy_once": _DELIVERED,
    "lost": ["203", "306", "799"],
}
# What a requested retry adds, per scenario and step.
RETRIES: dict[tuple[str, str], list[str]] = {
    ("pickup_fails", "pickup"): ["204"],
    ("pickup_fails_once", "pickup"): _DELIVERED,
    ("delivery_fails_once", "delivery"): ["702", "704"],
    ("returned", "delivery"): [],  # the carrier retries by itself, then returns the parcel
}


def _secret() -> bytes:
    configured = str(getattr(settings, "TONGBAN_LOGISTICS_DEMO_EMS_SECRET", "") or "")
    if configured:
        return configured.encode()
    # A per-installation default, so the demo works out of the box without a public secret.
    return (
        hmac.new(settings.SECRET_KEY.encode(), b"tongban.logistics.demo_ems", "sha256").hexdigest().encode()
    )


def signed_headers(body: bytes, *, now: dt.datetime | None = None, nonce: str = "") -> dict[str, str]:
    """The headers the carrier sends with ``body`` (HTTP names, as a client would pass them)."""
    return SCHEME.sign(_secret(), body, at=now or timezone.now(), nonce=nonce or None)


def trace(waybill_no: str, index: int, op_code: str, at: dt.datetime, city: str = "上海市") -> dict[str, Any]:
    """One event as the carrier serialises it."""
    _code, desc = OP_CODES.get(op_code, (TrackingCode.INFO, ""))
    return {
        "traceId": f"{waybill_no}-{index:03d}",
        "mailNo": waybill_no,
        "opCode": op_code,
        "opTime": timezone.localtime(at).isoformat(timespec="seconds"),
        "opOrgCity": city,
        "opDesc": desc,
    }


def callback_body(traces: list[dict[str, Any]]) -> bytes:
    return json.dumps({"traces": traces}, ensure_ascii=False, separators=(",", ":")).encode()


def _step() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "TONGBAN_LOGISTICS_DEMO_STEP_SECONDS", 300)))


def _scenario(request: BookingRequest) -> str:
    return SCENARIOS.get(request.applicant.phone, NORMAL)


def _script(waybill_no: str, codes: list[str], start: int, first_at: dt.datetime) -> list[dict[str, Any]]:
    return [trace(waybill_no, start + n, code, first_at + n * _step()) for n, code in enumerate(codes)]


def _next_push(parcel: DemoParcel) -> dt.datetime | None:
    rest = parcel.script[parcel.pushed :]
    return dt.datetime.fromisoformat(rest[0]["opTime"]) if rest else None


def _event(item: dict[str, Any]) -> CarrierEventData:
    try:
        code, _desc = OP_CODES.get(str(item["opCode"]), (TrackingCode.INFO, ""))
        at = dt.datetime.fromisoformat(str(item["opTime"]))
        if at.tzinfo is None:
            raise ValueError("opTime without an offset")
        return CarrierEventData(
            event_id=str(item["traceId"])[:100],
            waybill_no=str(item["mailNo"]),
            code=code,
            carrier_code=str(item["opCode"])[:20],
            occurred_at=at,
            location=str(item.get("opOrgCity", ""))[:100],
            description=str(item.get("opDesc", ""))[:300],
            raw=dict(item),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CallbackRejected(CallbackOutcome.REJECTED_INVALID, f"bad trace: {exc}") from None


@registry.register("demo_ems")
class DemoEmsCarrier(Carrier):
    label = _("EMS (demo)")
    nonce_header = HEADER_NONCE

    def book(self, request: BookingRequest) -> Booking:
        scenario = _scenario(request)
        if scenario == "refused":
            raise CarrierError("address outside the service area", permanent=True)
        if scenario == "busy":
            raise CarrierError("carrier system busy")
        with transaction.atomic():
            parcel, _created = DemoParcel.objects.select_for_update().get_or_create(
                reference=request.reference, defaults={"scenario": scenario}
            )
            parcel.book_calls += 1
            parcel.save(update_fields=["book_calls"])
        if parcel.waybill_no:
            return Booking(parcel.waybill_no)  # the same order booked again: the same waybill
        if scenario == "busy_once" and parcel.book_calls == 1:
            raise CarrierError("carrier system busy")
        now = timezone.now()
        parcel.booked_at = now
        for _try in range(5):
            parcel.waybill_no = s10.make(SERVICE, secrets.randbelow(10**8))
            parcel.script = _script(parcel.waybill_no, SCRIPTS[scenario], 0, now + _step())
            parcel.next_push_at = _next_push(parcel)
            try:
                with transaction.atomic():
                    parcel.save()
                return Booking(parcel.waybill_no)
            except IntegrityError:
                continue  # that serial is taken: draw another
        raise CarrierError("no waybill number available")

    def _parcel(self, waybill_no: str) -> DemoParcel:
        parcel = DemoParcel.objects.filter(waybill_no=waybill_no).first()
        if parcel is None:
            raise CarrierError("unknown waybill", permanent=True)
        return parcel

    def track(self, waybill_no: str, *, now: dt.datetime | None = None) -> list[CarrierEventData]:
        now = now or timezone.now()
        parcel = self._parcel(waybill_no)
        return [_event(t) for t in parcel.script if dt.datetime.fromisoformat(t["opTime"]) <= now]

    def cancel(self, waybill_no: str) -> None:
        parcel = self._parcel(waybill_no)
        if any(_event(t).code != TrackingCode.PICKUP_FAILED for t in self._happened(parcel)):
            raise CarrierError("already picked up", permanent=True)
        parcel.cancelled_at = timezone.now()
        parcel.script = self._happened(parcel)
        parcel.next_push_at = _next_push(parcel)
        parcel.save(update_fields=["cancelled_at", "script", "next_push_at"])

    def request_attempt(self, waybill_no: str, *, step: str) -> None:
        parcel = self._parcel(waybill_no)
        if parcel.cancelled_at is not None:
            raise CarrierError("booking cancelled", permanent=True)
        codes = RETRIES.get((parcel.scenario, step))
        if codes is None:
            codes = ["203", *_DELIVERED[1:]] if step == "pickup" else ["702", "704"]
        parcel.retries += 1
        if codes:  # otherwise the carrier goes on with what it planned (it retries by itself)
            happened = self._happened(parcel)
            parcel.script = happened + _script(waybill_no, codes, len(happened), timezone.now() + _step())
            parcel.next_push_at = _next_push(parcel)
        parcel.save(update_fields=["retries", "script", "next_push_at"])

    def _happened(self, parcel: DemoParcel) -> list[dict[str, Any]]:
        now = timezone.now()
        return [t for t in parcel.script if dt.datetime.fromisoformat(t["opTime"]) <= now]

    def verify_callback(
        self, *, headers: Mapping[str, str], body: bytes, now: dt.datetime
    ) -> VerifiedCallback:
        try:
            signed = SCHEME.verify(_secret(), headers, body)
        except SignatureError as exc:
            reason = {"invalid": "signature does not match"}.get(
                exc.reason, "signature headers missing or malformed"
            )
            raise CallbackRejected(CallbackOutcome.REJECTED_SIGNATURE, reason) from None
        nonce, sent_at = signed.nonce, signed.signed_at
        if not within_window(sent_at, now, conf.callback_window_seconds()):
            raise CallbackRejected(CallbackOutcome.REJECTED_STALE, f"signed at {sent_at.isoformat()}")
        try:
            payload = json.loads(body)
            traces = payload["traces"]
            if not isinstance(traces, list):
                raise TypeError("traces is not a list")
        except (ValueError, KeyError, TypeError) as exc:
            raise CallbackRejected(CallbackOutcome.REJECTED_INVALID, f"body: {exc}") from None
        return VerifiedCallback(nonce=nonce, sent_at=sent_at, events=[_event(t) for t in traces])

    def check_config(self) -> list[str]:
        problems = []
        configured = str(getattr(settings, "TONGBAN_LOGISTICS_DEMO_EMS_SECRET", "") or "")
        if configured and len(configured) < 32:
            problems.append("TONGBAN_LOGISTICS_DEMO_EMS_SECRET must have at least 32 characters.")
        window = conf.callback_window_seconds()
        if not 30 <= window <= 3600:
            problems.append("TONGBAN_LOGISTICS_CALLBACK_WINDOW_SECONDS should be between 30 and 3600.")
        if getattr(settings, "TONGBAN_ENV", "") == "production":
            problems.append("The demo EMS carrier delivers nothing; configure a real carrier in production.")
        return problems

    def is_valid_waybill(self, waybill_no: str) -> bool:
        return s10.is_valid(waybill_no, service_prefix="E", country="CN")


def due_callbacks(now: dt.datetime | None = None, limit: int = 200) -> list[tuple[dict[str, str], bytes]]:
    """The signed messages the carrier pushes now: every parcel's events that happened and were not yet
    pushed, one message per parcel (the worker delivers them to our callback handler)."""
    now = now or timezone.now()
    out = []
    for parcel in DemoParcel.objects.filter(next_push_at__lte=now).order_by("next_push_at")[:limit]:
        due = [t for t in parcel.script[parcel.pushed :] if dt.datetime.fromisoformat(t["opTime"]) <= now]
        parcel.pushed += len(due)
        parcel.next_push_at = _next_push(parcel)
        parcel.save(update_fields=["pushed", "next_push_at"])
        if due:
            body = callback_body(due)
            out.append((signed_headers(body, now=now), body))
    return out
