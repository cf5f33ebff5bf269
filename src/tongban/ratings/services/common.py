"""Shared pieces of the rating services: audit, notifications, who to tell, references, links."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse

from tongban.accounts.constants import StaffRole
from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.accounts.query import section_chiefs as section_chiefs
from tongban.accounts.query import staff_users
from tongban.audits import services as audit
from tongban.notifications.services import notify
from tongban.organizations.models import Department
from tongban.ratings.models import Rectification
from tongban.utils.urls import site_url as site_url

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


def rate_url(case_no: str) -> str:
    return site_url(reverse("ratings:rate", args=[case_no]))


def department_workers(department: Department) -> list[User]:
    """Staff of the department who work on rectifications (window clerks, reviewers)."""
    return list(staff_users(StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, department=department))


def supervisors() -> list[User]:
    return list(staff_users(StaffRole.SUPERVISOR))


def tell(users: list[User], template: str, params: dict[str, Any], key: str) -> int:
    """Notify each user once per ``key`` (inbox and SMS), inside the caller's transaction."""
    for user in {u.pk: u for u in users}.values():
        notify(recipient=user, template=template, params=params, key=f"{key}:{user.pk}")
    return len(users)
