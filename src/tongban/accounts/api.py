"""Identity endpoints: the signed-in principal, representations, tokens; staff look-ups."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ninja import Router, Status

from tongban.accounts import query, services
from tongban.accounts.constants import RepresentationRole
from tongban.accounts.models import AccessToken, LegalPerson, NaturalPerson, Representation
from tongban.accounts.principal import Principal
from tongban.accounts.schemas import (
    ActingFor,
    AgentIn,
    LegalPersonRef,
    MeOut,
    MePatch,
    PersonLookupIn,
    PersonOut,
    RepresentationOut,
    StaffOut,
    TokenOut,
)
from tongban.api.auth import principal
from tongban.utils import authz
from tongban.utils.errors import DomainError, Forbidden, NotFound

router = Router(tags=["identity"])
staff_router = Router(tags=["staff"])


def _me(p: Principal) -> MeOut:
    user = p.user
    assert user is not None
    out = MeOut(username=user.username, kind=user.kind, display_name=str(user))
    person = NaturalPerson.objects.filter(user=user).first()
    if person is not None:
        out.real_name = person.real_name
        out.id_number_masked = person.masked_id_number
        out.mobile_masked = person.masked_mobile
        out.verified = person.verified_at is not None
        if authz.can(p, "view_unmasked", person):
            out.id_number = person.id_number
    if p.staff is not None:
        out.department = p.staff.department.name
        out.roles = sorted(p.roles)
    if p.representation is not None and p.acting_for is not None:
        out.acting_for = ActingFor(
            uscc=p.acting_for.uscc,
            name=p.acting_for.name,
            role=p.representation.role,
            scopes=p.representation.effective_scopes,
        )
    return out


def _rep_out(rep: Representation) -> RepresentationOut:
    return RepresentationOut(
        id=rep.pk,
        legal_person=LegalPersonRef(
            uscc=rep.legal_person.uscc, name=rep.legal_person.name, kind=rep.legal_person.kind
        ),
        person_display_name=str(rep.person),
        role=rep.role,
        scopes=rep.effective_scopes,
        valid_from=rep.valid_from,
        expires_at=rep.expires_at,
        revoked_at=rep.revoked_at,
        active=rep.is_active(),
    )


def _token_out(token: AccessToken) -> TokenOut:
    return TokenOut(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        scopes=token.scopes,
        acting_for=token.acting_for.uscc if token.acting_for else None,
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


@router.get("/me", response=MeOut, summary="The signed-in principal")
def get_me(request: HttpRequest) -> MeOut:
    p = principal(request)
    p.require_scope("profile:read")
    return _me(p)


@router.patch("/me", response=MeOut, summary="Change your mobile number")
def patch_me(request: HttpRequest, payload: MePatch) -> MeOut:
    p = principal(request)
    person = NaturalPerson.objects.filter(user=p.user).first()
    if person is None:
        raise DomainError("not_a_natural_person", _("Only natural persons have a mobile number on file."))
    authz.authorize(p, "change", person)
    services.update_mobile(principal=p, person=person, mobile=payload.mobile)
    return _me(p)


@router.get("/me/representations", response=list[RepresentationOut], summary="Legal persons you act for")
def my_representations(request: HttpRequest) -> list[RepresentationOut]:
    p = principal(request)
    p.require_scope("representations:read")
    return [_rep_out(r) for r in query.my_representations(p)]


@router.get("/legal-persons/{uscc}", response=LegalPersonRef, summary="A legal person you may see")
def get_legal_person(request: HttpRequest, uscc: str) -> LegalPersonRef:
    p = principal(request)
    legal = authz.get_or_404(p, LegalPerson.objects.all(), uscc=uscc.upper())
    authz.authorize(p, "view", legal)
    return LegalPersonRef(uscc=legal.uscc, name=legal.name, kind=legal.kind)


@router.get(
    "/legal-persons/{uscc}/agents", response=list[RepresentationOut], summary="Agents of a legal person"
)
def list_agents(request: HttpRequest, uscc: str) -> list[RepresentationOut]:
    p = principal(request)
    legal = authz.get_or_404(p, LegalPerson.objects.all(), uscc=uscc.upper())
    authz.authorize(p, "manage_agents", legal)
    return [_rep_out(r) for r in query.representations_for(p).filter(legal_person=legal)]


@router.post(
    "/legal-persons/{uscc}/agents",
    response={201: RepresentationOut},
    summary="Authorise a person to act for a legal person (经办人授权)",
)
def grant_agent(request: HttpRequest, uscc: str, payload: AgentIn) -> Status:
    p = principal(request)
    legal = authz.get_or_404(p, LegalPerson.objects.all(), uscc=uscc.upper())
    authz.authorize(p, "manage_agents", legal)
    person = services.find_person_by_id_number(payload.id_number)
    if person is None or person.real_name != payload.real_name.strip():
        # Same answer for "no account" and "name mismatch": the API must not confirm who is registered.
        raise DomainError("agent_not_found", _("No registered person matches this ID number and name."))
    acting = services.select_acting_for(principal=p, legal_person=legal)
    p_for = Principal(
        user=p.user, acting_for=legal, representation=acting, token_scopes=p.token_scopes, channel=p.channel
    )
    rep = services.grant_representation(
        principal=p_for,
        person=person.user,
        legal_person=legal,
        role=RepresentationRole.AGENT,
        scopes=payload.scopes,
        expires_at=payload.expires_at,
    )
    return Status(201, _rep_out(rep))


@router.delete("/representations/{rep_id}", response=RepresentationOut, summary="Revoke an authorisation")
def revoke_representation(request: HttpRequest, rep_id: int) -> RepresentationOut:
    p = principal(request)
    rep = authz.get_or_404(p, Representation.objects.select_related("legal_person", "person"), pk=rep_id)
    authz.authorize(p, "revoke", rep)
    return _rep_out(services.revoke_representation(principal=p, representation=rep))


@router.get("/me/tokens", response=list[TokenOut], summary="Your personal access tokens")
def list_tokens(request: HttpRequest) -> list[TokenOut]:
    p = principal(request)
    if p.token_scopes is not None:
        raise Forbidden("session_required", _("Manage tokens from a signed-in session, not with a token."))
    return [_token_out(t) for t in query.tokens_of(p)]


@router.delete("/me/tokens/{token_id}", response=TokenOut, summary="Revoke one of your tokens")
def delete_token(request: HttpRequest, token_id: int) -> TokenOut:
    p = principal(request)
    token = authz.get_or_404(p, AccessToken.objects.all(), pk=token_id)
    authz.authorize(p, "revoke", token)
    return _token_out(services.revoke_token(principal=p, token=token))


def _require_staff(p: Principal) -> Any:
    if p.staff is None:
        raise Forbidden("staff_only", _("Only staff may use this."))
    p.require_scope("workbench")
    return p.staff


@staff_router.get("/me", response=StaffOut, summary="The signed-in staff member")
def staff_me(request: HttpRequest) -> StaffOut:
    p = principal(request)
    staff = _require_staff(p)
    return StaffOut(
        username=staff.user.username,
        real_name=staff.real_name,
        employee_no=staff.employee_no,
        department=staff.department.name,
        window=staff.window.name if staff.window else None,
        district=staff.district.name if staff.district else None,
        roles=sorted(p.roles),
    )


@staff_router.post("/person-lookup", response=PersonOut, summary="Look an applicant up by ID number (logged)")
def person_lookup(request: HttpRequest, payload: PersonLookupIn) -> PersonOut:
    """The ID number travels in the body, never the URL, so it stays out of access logs."""
    p = principal(request)
    _require_staff(p)
    person = services.find_person_by_id_number(payload.id_number)
    if person is None or not authz.can_see(p, person):
        raise NotFound("person_not_found", _("No registered person has this ID number."))
    authz.authorize(p, "view", person)
    services.record_personal_data_access(principal=p, person=person, purpose=payload.purpose)
    return PersonOut(
        real_name=person.real_name,
        id_number_masked=person.masked_id_number,
        mobile_masked=person.masked_mobile,
        verified=person.verified_at is not None,
    )
