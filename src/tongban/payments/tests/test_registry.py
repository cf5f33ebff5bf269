"""The provider registry, the sandbox's options and configuration checks, and its statement."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

import pytest

from tongban.payments.checks import provider_problems
from tongban.payments.providers.base import PaymentProvider
from tongban.payments.providers.registry import Registry, UnknownProvider, providers
from tongban.payments.providers.sandbox import DEV_SECRET, SandboxProvider


def test_expected_providers_are_registered() -> None:
    # A provider module not imported in ``PaymentsConfig.ready`` would be missing here.
    assert providers.identifiers() == ["sandbox"]
    assert providers.channels() == ["wechat", "alipay", "unionpay", "bank_transfer"]
    assert providers.for_channel("alipay") is providers.get("sandbox")
    with pytest.raises(UnknownProvider):
        providers.get("paypal")


def test_a_registry_refuses_the_same_identifier_twice() -> None:
    registry = Registry()
    registry.register("demo")(SandboxProvider)
    assert isinstance(registry.get("demo"), PaymentProvider)
    with pytest.raises(ImproperlyConfigured):
        registry.register("demo")(SandboxProvider)
    with pytest.raises(ImproperlyConfigured):
        registry.register("x" * 31)(SandboxProvider)


def test_unknown_enabled_provider_is_a_configuration_error(settings: Any) -> None:
    settings.TONGBAN_PAYMENT_PROVIDERS = ["sandbox", "paypal"]
    with pytest.raises(ImproperlyConfigured):
        providers.enabled()
    assert provider_problems() == ["TONGBAN_PAYMENT_PROVIDERS names unknown provider 'paypal'"]


def test_sandbox_options_are_validated(settings: Any) -> None:
    sandbox = providers.get("sandbox")
    settings.TONGBAN_PAYMENT_PROVIDERS = ["sandbox"]
    settings.TONGBAN_PAYMENT_SANDBOX_SECRET = "short"
    settings.TONGBAN_PAYMENT_SANDBOX_CALLBACK_DELAY_SECONDS = 2
    assert sandbox.check_config() and "secret" in sandbox.check_config()[0]
    with pytest.raises(ImproperlyConfigured):
        sandbox.options()
    settings.TONGBAN_PAYMENT_SANDBOX_SECRET = "a-long-enough-sandbox-secret"
    settings.TONGBAN_PAYMENT_SANDBOX_CALLBACK_DELAY_SECONDS = -1
    assert sandbox.check_config()
    settings.TONGBAN_PAYMENT_SANDBOX_CALLBACK_DELAY_SECONDS = 2
    assert sandbox.check_config() == [] and provider_problems() == []


def test_production_refuses_the_sandbox(settings: Any) -> None:
    settings.TONGBAN_PAYMENT_PROVIDERS = ["sandbox"]
    settings.TONGBAN_ENV = "production"
    settings.TONGBAN_PAYMENT_SANDBOX_SECRET = DEV_SECRET
    problems = provider_problems()
    assert any("no real money" in p for p in problems)
    assert any("public development value" in p for p in problems)
