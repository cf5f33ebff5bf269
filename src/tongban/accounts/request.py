"""Build the :class:`Principal` for a web request (session) once, and cache it on the request."""

from __future__ import annotations

from django.http import HttpRequest

from tongban.accounts.models import LegalPerson, Representation
from tongban.accounts.principal import ANONYMOUS, Principal

ACTING_FOR_SESSION_KEY = "tb_acting_for"


def principal_for(request: HttpRequest) -> Principal:
    cached = getattr(request, "_tb_principal", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        principal = ANONYMOUS
    else:
        principal = Principal(user=user, channel="web")
        if principal.is_staff_member and principal.staff and principal.staff.window_id:
            principal.channel = "window"
        legal_id = request.session.get(ACTING_FOR_SESSION_KEY)
        if legal_id and user.is_natural_person:
            rep = (
                Representation.objects.active()
                .select_related("legal_person")
                .filter(person=user, legal_person_id=legal_id)
                .first()
            )
            if rep is None:
                # The authorisation expired or was revoked mid-session: stop acting for them.
                request.session.pop(ACTING_FOR_SESSION_KEY, None)
            else:
                principal.acting_for = rep.legal_person
                principal.representation = rep
    request._tb_principal = principal  # type: ignore[attr-defined]
    return principal


def set_acting_for(request: HttpRequest, legal_person: LegalPerson | None) -> None:
    if legal_person is None:
        request.session.pop(ACTING_FOR_SESSION_KEY, None)
    else:
        request.session[ACTING_FOR_SESSION_KEY] = legal_person.pk
    request.__dict__.pop("_tb_principal", None)
