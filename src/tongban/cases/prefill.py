"""Answers the platform already knows, so an applicant is not asked to type them again.

Sources, by form-field key:

- ``identity``: the signed-in natural person's real-name record (``NaturalPerson``): ``applicant_name``,
  ``id_number``, ``mobile``;
- ``enterprise``: the legal person the principal acts for (``principal.acting_for``): ``company_name``,
  ``uscc``, ``legal_rep_name``, ``registered_address`` and ``business_address`` (the registered address,
  a default the applicant may change).

``legal_rep_id_number`` is the signed-in person's own ID number, filled in only when that person *is* the
legal representative: a live ``legal_representative`` representation for this legal person and a real
name equal to the registered representative's. An agent (经办人) never sees the representative's number,
and we hold no one's number but the signed-in person's own.

Staff members get nothing: a clerk filling in a form at a window is not the applicant.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist

from tongban.accounts.constants import RepresentationRole

if TYPE_CHECKING:
    from tongban.accounts.models import LegalPerson, NaturalPerson
    from tongban.accounts.principal import Principal
    from tongban.items.models import FormField

IDENTITY = "identity"
ENTERPRISE = "enterprise"


def _person(principal: Principal) -> NaturalPerson | None:
    if not principal.is_natural_person or principal.user is None:
        return None
    try:
        return principal.user.person
    except ObjectDoesNotExist:
        return None


def _is_legal_representative(principal: Principal, person: NaturalPerson, legal: LegalPerson) -> bool:
    rep = principal.representation
    return (
        rep is not None
        and rep.role == RepresentationRole.LEGAL_REPRESENTATIVE
        and rep.person_id == person.user_id
        and rep.legal_person_id == legal.pk
        and rep.is_active()
        # The register names the representative; a mismatch means the representation is stale or wrong,
        # and then the signed-in person's number is not the representative's.
        and person.real_name.strip() == legal.legal_representative_name.strip()
    )


def _known(principal: Principal) -> dict[str, tuple[Any, str]]:
    """Every value we could fill in for this principal: key → (value, source)."""
    known: dict[str, tuple[Any, str]] = {}
    person = _person(principal)
    if person is not None:
        known["applicant_name"] = (person.real_name, IDENTITY)
        known["id_number"] = (person.id_number, IDENTITY)
        known["mobile"] = (person.mobile, IDENTITY)
    legal = principal.acting_for
    if legal is not None and person is not None:
        known["company_name"] = (legal.name, ENTERPRISE)
        known["uscc"] = (legal.uscc, ENTERPRISE)
        known["legal_rep_name"] = (legal.legal_representative_name, ENTERPRISE)
        known["registered_address"] = (legal.registered_address, ENTERPRISE)
        known["business_address"] = (legal.registered_address, ENTERPRISE)
        if _is_legal_representative(principal, person, legal):
            known["legal_rep_id_number"] = (person.id_number, IDENTITY)
    return {key: pair for key, pair in known.items() if pair[0] not in (None, "")}


def _pick(fields: Sequence[FormField], principal: Principal) -> dict[str, tuple[Any, str]]:
    known = _known(principal)
    return {f.key: known[f.key] for f in fields if f.key in known}


def prefill(fields: Sequence[FormField], principal: Principal) -> dict[str, Any]:
    """Initial answers for those of ``fields`` we already know, in field order."""
    return {key: value for key, (value, _source) in _pick(fields, principal).items()}


def prefill_sources(fields: Sequence[FormField], principal: Principal) -> dict[str, str]:
    """Where each value of :func:`prefill` comes from: ``"identity"`` or ``"enterprise"``."""
    return {key: source for key, (_value, source) in _pick(fields, principal).items()}
