"""Who is acting: the signed-in person or staff member, whom they act for, and what the credential allows."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from tongban.utils.errors import Forbidden

if TYPE_CHECKING:
    from tongban.accounts.models import LegalPerson, Representation, StaffProfile, User


@dataclass
class Principal:
    user: User | None
    acting_for: LegalPerson | None = None
    representation: Representation | None = None
    # None = a web session, which may use every scope; a token carries its own list.
    token_scopes: frozenset[str] | None = None
    channel: str = "web"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None and self.user.is_authenticated

    @property
    def is_staff_member(self) -> bool:
        return self.is_authenticated and self.user is not None and self.user.is_staff_member

    @property
    def is_natural_person(self) -> bool:
        return self.is_authenticated and self.user is not None and self.user.is_natural_person

    @property
    def department_id(self) -> int | None:
        """The staff member's department (None for everyone else)."""
        return self.staff.department_id if self.staff is not None else None

    @cached_property
    def staff(self) -> StaffProfile | None:
        if not self.is_staff_member or self.user is None:
            return None
        from tongban.accounts.models import StaffProfile

        return (
            StaffProfile.objects.select_related("department", "window", "district")
            .filter(user=self.user)
            .first()
        )

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.staff.role_codes()) if self.staff else frozenset()

    @property
    def is_superuser(self) -> bool:
        return bool(self.user and self.user.is_superuser)

    def has_scope(self, scope: str) -> bool:
        return self.token_scopes is None or scope in self.token_scopes

    def require_scope(self, scope: str) -> None:
        if not self.has_scope(scope):
            raise Forbidden(
                "token_scope_missing", _("This token lacks the scope “%(scope)s”.") % {"scope": scope}
            )

    def may_for_legal_person(self, scope: str) -> bool:
        return (
            self.representation is not None
            and self.representation.is_active()
            and self.representation.grants(scope)
        )

    @property
    def audit_roles(self) -> str:
        return ",".join(sorted(self.roles))


ANONYMOUS = Principal(user=None)
