"""Shipments (寄递) of a case, their tracking events, and the log of every carrier message.

The address (recipient name, phone, detail line, postcode) is personal data: stored encrypted, shown
masked (``addresses.masked``). Only the district (a GB/T 2260 county-level region) is plain, for routing
and statistics. Raw carrier payloads can name the person who signed, so they are encrypted too.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.logistics.constants import (
    FINAL,
    OPEN,
    AttentionReason,
    CallbackOutcome,
    EventSource,
    RetryStep,
    ShipmentKind,
    ShipmentStatus,
    TrackingCode,
)
from tongban.utils.crypto import EncryptedJSONField, EncryptedTextField

USER = settings.AUTH_USER_MODEL


class Shipment(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="shipments")
    kind = models.CharField(_("kind"), max_length=20, choices=ShipmentKind.choices)
    carrier = models.CharField(_("carrier"), max_length=30)
    status = models.CharField(
        _("status"), max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.CREATED
    )
    # The carrier's time of the event that set ``status``: later events are compared with it.
    status_at = models.DateTimeField(_("status since"), null=True, blank=True)
    waybill_no = models.CharField(_("waybill number"), max_length=40, blank=True)
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="+")
    # {"name", "phone", "region_code", "detail", "postcode"}: the applicant's end of the journey.
    address = EncryptedJSONField(_("address"), context="logistics.address", default=dict)
    # --- failures and retries ---
    attempts = models.PositiveSmallIntegerField(_("failed pickups or deliveries"), default=0)
    carrier_errors = models.PositiveSmallIntegerField(_("failed calls to the carrier"), default=0)
    retry_step = models.CharField(max_length=10, choices=RetryStep.choices, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    needs_attention = models.BooleanField(_("needs attention"), default=False)
    attention_reason = models.CharField(_("why"), max_length=30, choices=AttentionReason.choices, blank=True)
    attention_at = models.DateTimeField(null=True, blank=True)
    staff_note = models.CharField(_("staff note"), max_length=300, blank=True)
    # --- tracking ---
    last_event_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    # --- who and when ---
    requested_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=100, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    booked_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "waybill_no"], condition=~Q(waybill_no=""), name="shipment_waybill_once"
            ),
            models.UniqueConstraint(
                fields=["case", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="shipment_idempotency_key_once",
            ),
            # One parcel of a kind on its way per case; a new one only after it ended (returned...).
            models.UniqueConstraint(
                fields=["case", "kind"], condition=Q(status__in=sorted(OPEN)), name="shipment_open_once"
            ),
        ]
        indexes = [
            models.Index(fields=["needs_attention", "attention_at"]),
            models.Index(fields=["status", "last_event_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.waybill_no or self.uid}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL


class TrackingEvent(models.Model):
    """One carrier event of a shipment, stored once whatever how often it is pushed or polled."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    carrier_event_id = models.CharField(max_length=100)
    code = models.CharField(_("event"), max_length=20, choices=TrackingCode.choices)
    carrier_code = models.CharField(_("carrier code"), max_length=20, blank=True)
    occurred_at = models.DateTimeField(_("time"))
    location = models.CharField(_("location"), max_length=100, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    raw = EncryptedJSONField(context="logistics.tracking_raw", default=dict, blank=True)
    source = models.CharField(max_length=10, choices=EventSource.choices)
    # Whether the event moved the shipment's status (an older or duplicate one does not).
    applied = models.BooleanField(default=False)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        constraints = [
            models.UniqueConstraint(fields=["shipment", "carrier_event_id"], name="tracking_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.code} {self.occurred_at:%Y-%m-%d %H:%M}"


class CarrierEvent(models.Model):
    """The log of every message from a carrier (pushed or polled), whether it was accepted or not."""

    carrier = models.CharField(max_length=30)
    source = models.CharField(max_length=10, choices=EventSource.choices)
    received_at = models.DateTimeField(db_index=True)
    signature_ok = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=CallbackOutcome.choices)
    reason = models.CharField(max_length=200, blank=True)
    nonce = models.CharField(max_length=64, blank=True)
    # The nonce of an accepted callback only: unique per carrier, so a replayed message is refused.
    nonce_key = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    remote_addr = models.CharField(max_length=45, blank=True)
    body = EncryptedTextField(context="logistics.carrier_body", blank=True)
    events_total = models.PositiveIntegerField(default=0)
    events_new = models.PositiveIntegerField(default=0)
    events_duplicate = models.PositiveIntegerField(default=0)
    events_unknown = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("carrier message")
        verbose_name_plural = _("carrier messages")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "nonce_key"], condition=~Q(nonce_key=""), name="carrier_nonce_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.outcome} {self.received_at:%Y-%m-%d %H:%M:%S}"


class DemoParcel(models.Model):
    """The demo EMS carrier's own records, standing in for the carrier's systems (``carriers.demo_ems``)."""

    reference = models.CharField(max_length=64, unique=True)
    waybill_no = models.CharField(max_length=13, null=True, blank=True, unique=True)
    scenario = models.CharField(max_length=30)
    book_calls = models.PositiveSmallIntegerField(default=0)
    booked_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # [{"id", "code", "at", "city", "desc"}], in order; ``pushed`` of them were sent by callback.
    script = models.JSONField(default=list, blank=True)
    pushed = models.PositiveSmallIntegerField(default=0)
    next_push_at = models.DateTimeField(null=True, blank=True, db_index=True)
    retries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("demo carrier parcel")
        verbose_name_plural = _("demo carrier parcels")

    def __str__(self) -> str:
        return self.waybill_no or self.reference
