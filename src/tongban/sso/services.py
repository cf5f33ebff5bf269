"""Audit records of single sign-on: who let which system sign them in, and what personal data left."""

from __future__ import annotations

from collections.abc import Iterable

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.audits.services import record
from tongban.sso.models import Client
from tongban.sso.scopes import PERSONAL_DATA_CLAIMS

# Audit channel of events written by the provider on a client's behalf (token and userinfo calls).
SSO_CHANNEL = "sso"


def record_authorization(*, user: User, client: Client, scopes: Iterable[str], consent: str) -> None:
    """The person let ``client`` sign them in with ``scopes``.

    ``consent`` is ``granted`` (they pressed Allow), ``trusted`` (a city-run system, no consent screen)
    or ``remembered`` (the client asked ``approval_prompt=auto`` and an earlier grant covers the scopes).
    """
    record(
        "sso.authorized",
        principal=Principal(user=user, channel="web"),
        obj=client,
        subject_user_id=user.pk,
        summary={
            "client": str(client),
            "client_id": client.client_id,
            "scopes": list(scopes),
            "consent": consent,
        },
    )


def record_claims_released(*, user: User, client: Client, claims: Iterable[str], via: str) -> bool:
    """Record ``personal_data.shared`` if the released ``claims`` include personal data.

    Only claim *names* are recorded, never their values. The event's actor is the client (not the
    person), so it shows on the person's "who accessed my data" page. Returns whether it recorded.
    """
    names = sorted(set(claims) - {"sub"})
    if not PERSONAL_DATA_CLAIMS.intersection(names):
        return False
    label = str(client)
    record(
        "personal_data.shared",
        principal=Principal(user=None, channel=SSO_CHANNEL),
        obj=client,
        subject_user_id=user.pk,
        summary={"client": label, "client_id": client.client_id, "claims": names, "via": via},
        actor_label=label[:150],
    )
    return True
