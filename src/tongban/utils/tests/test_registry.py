"""The shared adapter registry behind every adapter registry of the platform."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

import pytest

from tongban.utils.registry import AdapterRegistry, UnknownAdapter


class Gateway:
    identifier = ""


class NotFoundHere(LookupError):
    pass


def test_register_get_list_and_unregister() -> None:
    registry: AdapterRegistry[Gateway] = AdapterRegistry("SMS adapter")
    registry.register("b")(Gateway)
    added = registry.add("a", Gateway())
    assert registry.identifiers() == ["a", "b"]
    assert registry.get("a") is added and added.identifier == "a"
    assert registry.get("b").identifier == "b" and "b" in registry
    registry.unregister("b")
    assert "b" not in registry
    with pytest.raises(UnknownAdapter, match="unknown SMS adapter 'b'"):
        registry.get("b")


def test_an_identifier_is_registered_once_and_within_bounds() -> None:
    registry: AdapterRegistry[Gateway] = AdapterRegistry("carrier", max_length=5)
    registry.register("ems")(Gateway)
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        registry.register("ems")(Gateway)
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        registry.add("ems", Gateway())
    for bad in ("", "toolong"):
        with pytest.raises(ImproperlyConfigured, match="1–5 characters"):
            registry.register(bad)


def test_the_unknown_error_can_be_the_apps_own() -> None:
    registry: AdapterRegistry[Gateway] = AdapterRegistry("provider", unknown=NotFoundHere)
    with pytest.raises(NotFoundHere):
        registry.get("paypal")
