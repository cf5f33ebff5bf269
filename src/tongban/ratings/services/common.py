"""Shared pieces of the rating services: audit, notifications, who to tell, references, links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from tongban.accounts.constants import StaffRole
from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.audits import services as audit
from tongban.notifications.services import notify
from tongban.organizations.models import Department
from tongban.ratings.models import Rectification

# How the audit trail names the platform acting on its own (scheduled tasks).
SYSTEM_ACTOR = "ratings"


def record(event: str, obj: models.Model, principal: Principal | None = None, **summary: Any) -> None:
    """An audit event (codes and ids only: never the rater's identity or words)."""
    audit.record(
        event,
        principal=principal,
        obj=obj,
        summary=summary,
        actor_label=None if principal is not None and principal.user is not None else SYSTEM_ACTOR,
    )


def reference(rect: Rectification) -> str:
    """The rectification's public reference, e.g. ``ZG00000042``."""
    return f"ZG{rect.pk:08d}"


def site_url(path: str) -> str:
    return settings.TONGBAN_SITE_URL.rstrip("/") + path


def rate_url(case_no: str) -> str:
    return site_url(reverse("ratings:rate", args=[case_no]))


def staff_with_role(department: Department | None, role: str) -> list[User]:
    if department is None:
        return []
    return list(
        User.objects.filter(is_active=True, staff__department=department, staff__roles__code=role).distinct()
    )


def section_chiefs(department: Department) -> list[User]:
    """Active section chiefs of the department, else of its parent department."""
    for dept in (department, department.parent):
        chiefs = staff_with_role(dept, StaffRole.SECTION_CHIEF)
        if chiefs:
            return chiefs
    return []


def department_workers(department: Department) -> list[User]:
    """Staff of the department who work on rectifications (window clerks, reviewers)."""
    roles = [StaffRole.WINDOW_CLERK, StaffRole.REVIEWER]
    return list(
        User.objects.filter(is_active=True, staff__department=department, staff__roles__code__in=roles)
        .distinct()
        .order_by("pk")
    )


def supervisors() -> list[User]:
    return list(
        User.objects.filter(is_active=True, staff__roles__code=StaffRole.SUPERVISOR).distinct().order_by("pk")
    )


def tell(users: list[User], template: str, params: dict[str, Any], key: str) -> int:
    """Notify each user once per ``key`` (inbox and SMS), inside the caller's transaction."""
    for user in {u.pk: u for u in users}.values():
        notify(recipient=user, template=template, params=params, key=f"{key}:{user.pk}")
    return len(users)
