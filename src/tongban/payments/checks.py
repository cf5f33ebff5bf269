"""Start-up checks of the payment providers: each enabled provider's ``check_config`` must pass."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def provider_problems() -> list[str]:
    from tongban.payments.providers.registry import providers

    try:
        enabled = providers.enabled()
    except ImproperlyConfigured as exc:
        return [str(exc)]
    return [f"{p.identifier}: {problem}" for p in enabled for problem in p.check_config()]


@checks.register(checks.Tags.security, deploy=True)
def check_payment_providers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(p, id="tongban.payments.E001") for p in provider_problems()]
