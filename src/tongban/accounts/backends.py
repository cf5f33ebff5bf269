"""Sign-in with a username, or with a resident ID number (looked up through its keyed hash)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from tongban.accounts.models import User
from tongban.utils.errors import DomainError


def resolve_username(login: str) -> str:
    """Map what the person typed (username or ID number) to the account's username."""
    login = (login or "").strip()
    if len(login) == 18 and login[:17].isdigit():
        from tongban.accounts.services import find_person_by_id_number

        try:
            person = find_person_by_id_number(login)
        except DomainError:
            return login
        if person is not None:
            return person.user.username
    return login


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """django-axes counts failures per account, whichever identifier was typed."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return resolve_username(str(raw))


class PrincipalBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        return super().authenticate(request, username=resolve_username(username), password=password, **kwargs)
