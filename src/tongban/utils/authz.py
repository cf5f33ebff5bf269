"""The one place that decides whether a principal may do something to an object.

Each model that people can see or change registers a :class:`Policy` (in its app's ``policies.py``).
``authorize`` answers with the right HTTP semantics: objects the principal may not even know about
give 404 (:class:`NotFound`); objects they may see but not change give 403 (:class:`Forbidden`).
API handlers and page views both call it; list endpoints call :func:`visible` for their querysets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.utils.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from tongban.accounts.principal import Principal

M = TypeVar("M", bound=models.Model)


class Policy:
    """Rules for one model. ``visible`` narrows a queryset; ``allows`` decides one action."""

    model: ClassVar[type[models.Model]]
    # action -> API scope a token must carry for it
    scopes: ClassVar[dict[str, str]] = {}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset.none()

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        return False

    def scope_for(self, principal: Principal, action: str, obj: Any) -> str | None:
        """The token scope this action needs (sessions hold every scope)."""
        return self.scopes.get(action)


_POLICIES: dict[type[models.Model], Policy] = {}


def register(policy_cls: type[Policy]) -> type[Policy]:
    """Class decorator: ``@authz.register`` on a Policy subclass."""
    if policy_cls.model in _POLICIES:
        raise RuntimeError(f"policy for {policy_cls.model.__name__} registered twice")
    _POLICIES[policy_cls.model] = policy_cls()
    return policy_cls


def policy_for(model: type[models.Model]) -> Policy:
    try:
        return _POLICIES[model]
    except KeyError:
        raise RuntimeError(f"no authorization policy for {model.__name__}") from None


def visible(principal: Principal, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    if not principal.is_authenticated:
        return queryset.none()
    return policy_for(queryset.model).visible(principal, queryset)


def can_see(principal: Principal, obj: models.Model) -> bool:
    if not principal.is_authenticated:
        return False
    model = type(obj)
    return visible(principal, model._default_manager.filter(pk=obj.pk)).exists()


def can(principal: Principal, action: str, obj: models.Model) -> bool:
    if not can_see(principal, obj):
        return False
    policy = policy_for(type(obj))
    scope = policy.scope_for(principal, action, obj)
    if scope and not principal.has_scope(scope):
        return False
    return policy.allows(principal, action, obj)


def authorize(principal: Principal, action: str, obj: models.Model) -> None:
    """NotFound if the principal may not know ``obj`` exists; Forbidden if they may not ``action`` it."""
    if not can_see(principal, obj):
        raise NotFound()
    policy = policy_for(type(obj))
    scope = policy.scope_for(principal, action, obj)
    if scope:
        principal.require_scope(scope)
    if not policy.allows(principal, action, obj):
        raise Forbidden("forbidden", _("You may not do this."), action=action)


def get_or_404(principal: Principal, queryset: models.QuerySet[M], **lookup: Any) -> M:
    """Fetch one object the principal may see, 404 otherwise (never reveals existence)."""
    obj = visible(principal, queryset).filter(**lookup).first()
    if obj is None:
        raise NotFound()
    return obj
