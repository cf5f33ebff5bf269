"""Registry of department-system adapters; ``TONGBAN_DEPARTMENT_SYSTEM_ADAPTER`` picks the active one."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tongban.cases.systems.base import DepartmentSystem

_adapters: dict[str, DepartmentSystem] = {}


def register(identifier: str) -> Callable[[type[DepartmentSystem]], type[DepartmentSystem]]:
    def decorator(cls: type[DepartmentSystem]) -> type[DepartmentSystem]:
        instance = cls()
        instance.identifier = identifier
        _adapters[identifier] = instance
        return cls

    return decorator


def get(identifier: str) -> DepartmentSystem:
    from tongban.cases.systems import demo  # noqa: F401  (registers itself)

    try:
        return _adapters[identifier]
    except KeyError:
        raise ImproperlyConfigured(f"unknown department-system adapter {identifier!r}") from None


def active() -> DepartmentSystem:
    return get(settings.TONGBAN_DEPARTMENT_SYSTEM_ADAPTER)
