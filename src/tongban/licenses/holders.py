"""Who holds a licence: holder codes, their keyed hashes, and the holders a principal may act as."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import RepresentationScope
from tongban.accounts.principal import Principal
from tongban.licenses.constants import HOLDER_CODE_TYPE_FOR_KIND, HolderCodeType, HolderKind
from tongban.utils.crypto import lookup_hash
from tongban.utils.errors import DomainError, Forbidden
from tongban.utils.identifiers import (
    normalize_resident_id,
    normalize_uscc,
    validate_resident_id,
    validate_uscc,
)

HASH_CONTEXT = "licenses.holder"


def normalize_holder_code(code_type: str, code: str) -> str:
    if code_type == HolderCodeType.RESIDENT_ID:
        return normalize_resident_id(code)
    return normalize_uscc(code)


def holder_hash(code_type: str, code: str) -> str:
    """The indexed look-up key of a holder (the code itself is stored encrypted)."""
    return lookup_hash(f"{code_type}:{normalize_holder_code(code_type, code)}", context=HASH_CONTEXT)


def check_holder_code(holder_kind: str, code: str) -> tuple[str, str]:
    """(code type, normalised code) of a holder; raises ``holder_code_invalid`` on a bad check digit."""
    code_type = HOLDER_CODE_TYPE_FOR_KIND[holder_kind]
    try:
        if holder_kind == HolderKind.NATURAL_PERSON:
            normalized = validate_resident_id(code).number
        else:
            normalized = validate_uscc(code).code
    except DomainError as exc:
        raise DomainError("holder_code_invalid", exc.message, field="holder_code", reason=exc.code) from exc
    return code_type, normalized


@dataclass(frozen=True)
class Holder:
    """A licence holder the signed-in principal may act as (themself, or the enterprise they act for)."""

    kind: str
    code_type: str
    code: str
    name: str

    @property
    def hash(self) -> str:
        return holder_hash(self.code_type, self.code)


def holder_for(principal: Principal, *, scope: str = "licenses:read") -> Holder:
    """The holder whose wallet the principal opens: the legal person acted for, else the person.

    Raises 403 for staff and for agents without the 查看证照 scope; 403 ``not_verified`` for a person
    without real-name verification (their licences cannot be matched safely).
    """
    principal.require_scope(scope)
    if principal.acting_for is not None:
        if not principal.may_for_legal_person(RepresentationScope.VIEW_LICENSES):
            raise Forbidden("representation_scope_missing", _("Your authorisation does not cover licences."))
        lp = principal.acting_for
        return Holder(HolderKind.LEGAL_PERSON, HolderCodeType.USCC, lp.uscc, lp.name)
    if not principal.is_natural_person or principal.user is None:
        raise Forbidden("holder_only", _("Only a licence holder can open a licence wallet."))
    person = getattr(principal.user, "person", None)
    if person is None or person.verified_at is None:
        raise Forbidden("not_verified", _("Complete real-name verification to see your licences."))
    return Holder(HolderKind.NATURAL_PERSON, HolderCodeType.RESIDENT_ID, person.id_number, person.real_name)
