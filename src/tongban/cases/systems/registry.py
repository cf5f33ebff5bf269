"""Registry of department-system adapters; ``TONGBAN_DEPARTMENT_SYSTEM_ADAPTER`` picks the active one."""

from __future__ import annotations

from django.conf import settings

from tongban.cases.systems.base import DepartmentSystem
from tongban.utils.registry import AdapterRegistry

_registry: AdapterRegistry[DepartmentSystem] = AdapterRegistry("department-system adapter")
register = _registry.register
add, unregister = _registry.add, _registry.unregister


def get(identifier: str) -> DepartmentSystem:
    from tongban.cases.systems import demo  # noqa: F401  (registers itself)

    return _registry.get(identifier)


def active() -> DepartmentSystem:
    return get(settings.TONGBAN_DEPARTMENT_SYSTEM_ADAPTER)
