"""The values behind each OpenID Connect claim, computed only for the scopes actually granted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tongban.accounts.models import NaturalPerson, StaffProfile, User
from tongban.utils.crypto import lookup_hash

SUB_CONTEXT = "oidc_sub"


def subject_for(user: User) -> str:
    """The ``sub`` claim: a keyed hash of the account id, stable and not guessable from outside.

    It is the same for every client ("public" subject type) so departments can link records of the
    same person, and it never changes for an account unless ``TONGBAN_LOOKUP_KEY`` (or the
    ``TONGBAN_FIELD_CIPHER`` family, which picks the hash function) is changed.
    """
    return lookup_hash(str(user.pk), context=SUB_CONTEXT)


def _person(user: User) -> NaturalPerson | None:
    try:
        return user.person
    except NaturalPerson.DoesNotExist:
        return None


def _staff(user: User) -> StaffProfile | None:
    if not user.is_staff_member:
        return None
    try:
        return user.staff
    except StaffProfile.DoesNotExist:
        return None


def _name(user: User) -> str | None:
    person = _person(user)
    if person is not None:
        return person.real_name
    staff = _staff(user)
    if staff is not None:
        return staff.real_name
    return user.display_name or None


def _phone_number(user: User) -> str | None:
    person = _person(user)
    return (person.mobile or None) if person is not None else None


def _id_number(user: User) -> str | None:
    person = _person(user)
    return person.id_number if person is not None else None


def _id_number_masked(user: User) -> str | None:
    person = _person(user)
    return person.masked_id_number if person is not None else None


def _department(user: User) -> str | None:
    staff = _staff(user)
    return staff.department.name if staff is not None else None


def _roles(user: User) -> list[str] | None:
    staff = _staff(user)
    return sorted(staff.role_codes()) if staff is not None else None


# Claim → how to compute it from the account. ``None`` means "not applicable": the claim is left out.
CLAIM_VALUES: dict[str, Callable[[User], Any]] = {
    "sub": subject_for,
    "name": _name,
    "preferred_username": lambda user: user.get_username(),
    "phone_number": _phone_number,
    "id_number": _id_number,
    "id_number_masked": _id_number_masked,
    "principal_kind": lambda user: str(user.kind),
    "department": _department,
    "roles": _roles,
}
