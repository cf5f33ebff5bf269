"""Named business rules for identity, each with a stable error code."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import API_SCOPES, RepresentationScope
from tongban.utils.errors import DomainError

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_NAME_RE = re.compile(r"^[\u3400-\u9fff·]{2,20}$|^[A-Za-z][A-Za-z .'-]{1,49}$")


def validate_mobile(value: str) -> str:
    value = (value or "").strip().replace(" ", "").removeprefix("+86")
    if not _MOBILE_RE.match(value):
        raise DomainError(
            "mobile_format", _("A mainland mobile number has 11 digits starting with 1."), field="mobile"
        )
    return value


def validate_real_name(value: str) -> str:
    value = (value or "").strip()
    if not _NAME_RE.match(value):
        raise DomainError(
            "real_name_format", _("Enter the name exactly as on the ID card."), field="real_name"
        )
    return value


def validate_token_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(API_SCOPES))
    if unknown:
        raise DomainError(
            "token_scope_unknown",
            _("Unknown scope: %(scopes)s") % {"scopes": ", ".join(unknown)},
            field="scopes",
        )
    if not scopes:
        raise DomainError("token_scope_required", _("A token needs at least one scope."), field="scopes")
    return sorted(set(scopes))


def validate_representation_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(RepresentationScope.values))
    if unknown:
        raise DomainError(
            "representation_scope_unknown",
            _("Unknown authorisation scope: %(scopes)s") % {"scopes": ", ".join(unknown)},
            field="scopes",
        )
    if not scopes:
        raise DomainError(
            "representation_scope_required", _("Choose at least one thing the agent may do."), field="scopes"
        )
    return sorted(set(scopes))
