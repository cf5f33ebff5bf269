"""Writes for identity. Every function records an audit event in the same transaction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import PrincipalKind, RepresentationRole, StaffRole
from tongban.accounts.models import (
    AccessToken,
    LegalPerson,
    NaturalPerson,
    Representation,
    Role,
    StaffProfile,
    User,
)
from tongban.accounts.principal import Principal
from tongban.accounts.validators import (
    validate_mobile,
    validate_real_name,
    validate_representation_scopes,
    validate_token_scopes,
)
from tongban.audits.services import changes, record
from tongban.notifications.services import notify
from tongban.utils.crypto import lookup_hash
from tongban.utils.errors import Conflict, DomainError, Forbidden
from tongban.utils.identifiers import validate_resident_id, validate_uscc

ID_HASH_CONTEXT = "resident_id"
MOBILE_HASH_CONTEXT = "mobile"
TOKEN_PREFIX = "tbp_"


def id_number_hash(number: str) -> str:
    return lookup_hash(number, context=ID_HASH_CONTEXT)


def find_person_by_id_number(raw: str) -> NaturalPerson | None:
    """Look a citizen up by ID number through the keyed hash (no decryption of other rows)."""
    number = validate_resident_id(raw).number
    return NaturalPerson.objects.select_related("user").filter(id_number_hash=id_number_hash(number)).first()


@transaction.atomic
def register_natural_person(
    *,
    username: str,
    password: str | None,
    real_name: str,
    id_number: str,
    mobile: str = "",
    email: str = "",
    verified: bool = False,
    is_demo: bool = False,
    principal: Principal | None = None,
) -> User:
    ident = validate_resident_id(id_number)
    email = (email or "").strip().lower()
    if email:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            raise DomainError("email_invalid", _("Enter a valid e-mail address."), field="email") from None
    real_name = validate_real_name(real_name)
    mobile = validate_mobile(mobile) if mobile else ""
    digest = id_number_hash(ident.number)
    if NaturalPerson.objects.filter(id_number_hash=digest).exists():
        raise Conflict(
            "id_number_registered", _("An account already exists for this ID number."), field="id_number"
        )
    if User.objects.filter(username=username).exists():
        raise Conflict("username_taken", _("This username is taken."), field="username")
    user = User.objects.create_user(
        username, password, kind=PrincipalKind.NATURAL_PERSON, display_name=real_name, is_demo=is_demo
    )
    person = NaturalPerson.objects.create(
        user=user,
        real_name=real_name,
        id_number=ident.number,
        id_number_hash=digest,
        mobile=mobile,
        mobile_hash=lookup_hash(mobile, context=MOBILE_HASH_CONTEXT) if mobile else "",
        email=email,
        verified_at=timezone.now() if verified else None,
    )
    record(
        "account.registered",
        principal=principal,
        obj=person,
        subject_user_id=user.pk,
        summary={"kind": user.kind, "username": username},
    )
    return user


@transaction.atomic
def update_mobile(*, principal: Principal, person: NaturalPerson, mobile: str) -> NaturalPerson:
    mobile = validate_mobile(mobile)
    before = {"mobile": person.mobile}
    person.mobile = mobile
    person.mobile_hash = lookup_hash(mobile, context=MOBILE_HASH_CONTEXT)
    person.save(update_fields=["mobile", "mobile_hash"])
    record(
        "profile.mobile_changed",
        principal=principal,
        obj=person,
        subject_user_id=person.user_id,
        summary={"changes": changes(before, {"mobile": mobile}, personal={"mobile"})},
    )
    return person


@transaction.atomic
def create_legal_person(
    *,
    name: str,
    uscc: str,
    kind: str,
    legal_representative_name: str,
    region_id: int,
    registered_address: str = "",
    established_on: Any = None,
    is_demo: bool = False,
    principal: Principal | None = None,
) -> LegalPerson:
    code = validate_uscc(uscc)
    if LegalPerson.objects.filter(uscc=code.code).exists():
        raise Conflict("uscc_registered", _("This legal person is already registered."), field="uscc")
    legal = LegalPerson.objects.create(
        name=name.strip(),
        uscc=code.code,
        kind=kind,
        legal_representative_name=validate_real_name(legal_representative_name),
        region_id=region_id,
        registered_address=registered_address,
        established_on=established_on,
        is_demo=is_demo,
    )
    record(
        "legal_person.registered",
        principal=principal,
        obj=legal,
        summary={"uscc": legal.uscc, "inner_check_ok": code.inner_check_ok},
    )
    return legal


@transaction.atomic
def grant_representation(
    *,
    principal: Principal | None,
    person: User,
    legal_person: LegalPerson,
    role: str,
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
) -> Representation:
    """Record that ``person`` may act for ``legal_person``.

    Agents (经办人) need scopes and an expiry; only the legal representative, someone holding
    ``manage_agents`` for the same legal person, or an administrator (principal None: system) may grant.
    """
    if not person.is_natural_person:
        raise DomainError("representation_person_kind", _("Only natural persons can act for a legal person."))
    if principal is not None and not principal.is_superuser:
        rep = principal.representation
        if not (
            rep and rep.legal_person_id == legal_person.pk and rep.is_active() and rep.grants("manage_agents")
        ):
            raise Forbidden(
                "representation_grant_forbidden", _("You may not authorise agents for this legal person.")
            )
    if role == RepresentationRole.AGENT:
        scopes = validate_representation_scopes(scopes or [])
        if expires_at is None:
            raise DomainError(
                "representation_expiry_required",
                _("An agent authorisation needs an end date."),
                field="expires_at",
            )
        if expires_at <= timezone.now():
            raise DomainError(
                "representation_expiry_past", _("The end date must be in the future."), field="expires_at"
            )
    else:
        scopes = []
    try:
        with transaction.atomic():
            rep = Representation.objects.create(
                person=person,
                legal_person=legal_person,
                role=role,
                scopes=scopes,
                expires_at=expires_at,
                granted_by=principal.user if principal else None,
            )
    except IntegrityError:
        raise Conflict(
            "representation_exists",
            _("This person already holds a live authorisation for this legal person."),
        ) from None
    record(
        "representation.granted",
        principal=principal,
        obj=rep,
        subject_user_id=person.pk,
        summary={
            "legal_person": legal_person.uscc,
            "role": role,
            "scopes": scopes,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    if role == RepresentationRole.AGENT:
        notify(
            recipient=person,
            template="representation.granted",
            params={
                "legal_person": legal_person.name,
                "expires": timezone.localtime(expires_at).date().isoformat() if expires_at else "",
                "scopes": scopes,  # codes; shown as labels in the reader's language
            },
            key=f"representation-granted:{rep.pk}",
        )
    return rep


@transaction.atomic
def revoke_representation(*, principal: Principal, representation: Representation) -> Representation:
    rep = Representation.objects.select_for_update().get(pk=representation.pk)
    if rep.revoked_at is not None:
        return rep  # idempotent: revoking twice changes nothing
    rep.revoked_at = timezone.now()
    rep.save(update_fields=["revoked_at"])
    record(
        "representation.revoked",
        principal=principal,
        obj=rep,
        subject_user_id=rep.person_id,
        summary={
            "legal_person": rep.legal_person.uscc,
            "role": rep.role,
            "changes": changes({"revoked": False}, {"revoked": True}),
        },
    )
    notify(
        recipient=rep.person,
        template="representation.revoked",
        params={"legal_person": rep.legal_person.name},
        key=f"representation-revoked:{rep.pk}",
    )
    return rep


def select_acting_for(*, principal: Principal, legal_person: LegalPerson) -> Representation:
    """The live representation that lets this person act for ``legal_person``."""
    if principal.user is None:
        raise Forbidden()
    rep = (
        Representation.objects.active()
        .select_related("legal_person")
        .filter(person=principal.user, legal_person=legal_person)
        .first()
    )
    if rep is None:
        raise Forbidden(
            "not_authorised_for_legal_person", _("You are not authorised to act for this legal person.")
        )
    return rep


@transaction.atomic
def create_staff(
    *,
    username: str,
    password: str | None,
    real_name: str,
    employee_no: str,
    department_id: int,
    roles: list[str],
    window_id: int | None = None,
    district_id: int | None = None,
    is_admin: bool = False,
    is_demo: bool = False,
    principal: Principal | None = None,
) -> User:
    if User.objects.filter(username=username).exists():
        raise Conflict("username_taken", _("This username is taken."), field="username")
    user = User.objects.create_user(
        username,
        password,
        kind=PrincipalKind.STAFF,
        display_name=real_name,
        # Process designers upload BPMN in the admin (their permissions are checked there by role).
        is_staff=is_admin or StaffRole.PROCESS_DESIGNER in roles,
        is_superuser=is_admin,
        is_demo=is_demo,
    )
    profile = StaffProfile.objects.create(
        user=user,
        real_name=real_name,
        employee_no=employee_no,
        department_id=department_id,
        window_id=window_id,
        district_id=district_id,
    )
    role_objs = list(Role.objects.filter(code__in=roles))
    if len(role_objs) != len(set(roles)):
        raise DomainError("staff_role_unknown", _("Unknown staff role."), field="roles")
    profile.roles.set(role_objs)
    record(
        "staff.created",
        principal=principal,
        obj=profile,
        summary={"department": department_id, "roles": sorted(roles)},
    )
    return user


def _digest(token: str) -> str:
    # Tokens are 256-bit random values: a plain SHA-256 is enough (no dictionary to attack).
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_token(
    *,
    user: User,
    name: str,
    scopes: list[str],
    days: int = 90,
    acting_for: LegalPerson | None = None,
    principal: Principal | None = None,
) -> tuple[AccessToken, str]:
    """Create a personal access token; returns the row and the token text, which is never stored."""
    scopes = validate_token_scopes(scopes)
    if not 1 <= days <= settings.TONGBAN_TOKEN_MAX_DAYS:
        raise DomainError(
            "token_lifetime",
            _("A token lives between 1 and %(max)s days.") % {"max": settings.TONGBAN_TOKEN_MAX_DAYS},
            field="days",
        )
    if (
        acting_for is not None
        and not Representation.objects.active().filter(person=user, legal_person=acting_for).exists()
    ):
        raise Forbidden(
            "not_authorised_for_legal_person", _("You are not authorised to act for this legal person.")
        )
    if "workbench" in scopes and not user.is_staff_member:
        raise DomainError(
            "token_scope_unknown", _("Only staff tokens may carry the workbench scope."), field="scopes"
        )
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        name=name.strip()[:100] or "token",
        prefix=text[: len(TOKEN_PREFIX) + 6],
        digest=_digest(text),
        scopes=scopes,
        acting_for=acting_for,
        expires_at=timezone.now() + timedelta(days=days),
    )
    record(
        "token.issued",
        principal=principal or Principal(user=user, channel="cli"),
        obj=token,
        subject_user_id=user.pk,
        summary={"scopes": scopes, "days": days, "prefix": token.prefix},
    )
    notify(
        recipient=user,
        template="security.token_issued",
        params={"name": token.name, "prefix": token.prefix, "days": days},
        key=f"token-issued:{token.pk}",
    )
    return token, text


def authenticate_token(text: str) -> AccessToken | None:
    """The usable token for ``text``, or None. Updates ``last_used_at`` at most once a minute."""
    if not text.startswith(TOKEN_PREFIX):
        return None
    token = AccessToken.objects.select_related("user", "acting_for").filter(digest=_digest(text)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@transaction.atomic
def revoke_token(*, principal: Principal, token: AccessToken) -> AccessToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            "token.revoked",
            principal=principal,
            obj=token,
            subject_user_id=token.user_id,
            summary={"prefix": token.prefix},
        )
    return token


def record_sign_in(*, principal: Principal, method: str) -> None:
    record(
        "auth.signed_in",
        principal=principal,
        obj=principal.user,
        subject_user_id=principal.user.pk if principal.user else None,
        summary={"method": method},
    )


def record_personal_data_access(*, principal: Principal, person: NaturalPerson, purpose: str) -> None:
    """Someone other than the owner looked at a person's data: the owner will see it on their page."""
    if principal.user is not None and principal.user.pk == person.user_id:
        return
    record(
        "personal_data.viewed",
        principal=principal,
        obj=person,
        subject_user_id=person.user_id,
        summary={"purpose": purpose},
    )


def notify_account_locked(*, username: str, failures: int, minutes: int) -> None:
    """Tell the owner their account was locked (once per lock-out window)."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        return  # unknown usernames get locked too, but there is nobody to tell
    window = int(timezone.now().timestamp() // max(minutes * 60, 60))
    notify(
        recipient=user,
        template="security.account_locked",
        params={"failures": failures, "minutes": minutes},
        key=f"account-locked:{user.pk}:{window}",
    )
