"""Demo SMS adapter: delivers nothing to a phone; logs a masked line so the flow is observable."""

from __future__ import annotations

import uuid

import structlog

from tongban.notifications.adapters.base import AdapterError, SmsAdapter, SmsResult
from tongban.notifications.adapters.registry import sms_registry
from tongban.utils.masking import mask_mobile

log = structlog.get_logger(__name__)

# Numbers the demo provider treats as failing, so error paths can be exercised end to end.
PERMANENT_FAILURE = "13000000000"
TEMPORARY_FAILURE = "13000000001"


@sms_registry.register("demo")
class DemoSmsAdapter(SmsAdapter):
    def send(self, *, mobile: str, text: str) -> SmsResult:
        if mobile == PERMANENT_FAILURE:
            raise AdapterError("number does not exist", permanent=True)
        if mobile == TEMPORARY_FAILURE:
            raise AdapterError("provider busy")
        ref = f"demo-{uuid.uuid4().hex[:12]}"
        log.info("sms_sent", provider="demo", to=mask_mobile(mobile), chars=len(text), ref=ref)
        return SmsResult(provider_ref=ref)
