"""The authorization rules as a table: principal × object × action → allowed / 403 / 404."""

import datetime as dt

from django.utils import timezone

import pytest

from tongban.accounts.constants import PrincipalKind, RepresentationRole
from tongban.accounts.principal import Principal
from tongban.accounts.tests.factories import (
    LegalPersonFactory,
    NaturalPersonFactory,
    RepresentationFactory,
    StaffProfileFactory,
    UserFactory,
)
from tongban.audits.models import AuditEvent
from tongban.audits.services import record
from tongban.utils import authz
from tongban.utils.errors import Forbidden, NotFound

pytestmark = pytest.mark.django_db

ALLOW, FORBID, HIDE = "allow", "403", "404"


@pytest.fixture
def world():
    alice = NaturalPersonFactory(user__username="alice")
    bob = NaturalPersonFactory(user__username="bob")
    company = LegalPersonFactory()
    other_company = LegalPersonFactory()
    boss = RepresentationFactory(person=alice.user, legal_person=company)
    agent = RepresentationFactory(
        person=bob.user,
        legal_person=company,
        role=RepresentationRole.AGENT,
        scopes=["apply"],
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    clerk = StaffProfileFactory(user__username="clerk", roles=["window_clerk"])
    plain_staff = StaffProfileFactory(user__username="plain", roles=[])
    other_dept_staff = StaffProfileFactory(user__username="otherdept", roles=[])
    colleague = StaffProfileFactory(user__username="colleague", department=plain_staff.department, roles=[])
    supervisor = StaffProfileFactory(user__username="super", roles=["supervisor"])
    event_about_alice = record(
        "personal_data.viewed", principal=Principal(user=clerk.user), obj=alice, subject_user_id=alice.user_id
    )
    return {
        "alice": alice,
        "bob": bob,
        "company": company,
        "other_company": other_company,
        "boss": boss,
        "agent": agent,
        "clerk": clerk,
        "plain": plain_staff,
        "otherdept": other_dept_staff,
        "colleague": colleague,
        "super": supervisor,
        "event": event_about_alice,
    }


def _principal(world, who):
    obj = world[who]
    return Principal(user=obj.user if hasattr(obj, "user") else obj)


def _outcome(principal, action, obj):
    try:
        authz.authorize(principal, action, obj)
    except NotFound:
        return HIDE
    except Forbidden:
        return FORBID
    return ALLOW


# (who, action, object, expected)
TABLE = [
    # a citizen's own identity vs. someone else's
    ("alice", "view", "alice", ALLOW),
    ("alice", "view_unmasked", "alice", ALLOW),
    ("alice", "change", "alice", ALLOW),
    ("bob", "view", "alice", HIDE),
    ("bob", "change", "alice", HIDE),
    # front-desk staff may look a citizen up, but never unmasked, never change
    ("clerk", "view", "alice", ALLOW),
    ("clerk", "view_unmasked", "alice", FORBID),
    ("clerk", "change", "alice", FORBID),
    ("plain", "view", "alice", HIDE),  # staff without a front-desk role
    # legal persons: representatives see theirs; strangers don't know it exists
    ("alice", "view", "company", ALLOW),
    ("alice", "act_for", "company", ALLOW),
    ("alice", "manage_agents", "company", ALLOW),
    ("bob", "act_for", "company", ALLOW),
    ("bob", "manage_agents", "company", FORBID),  # an agent without manage_agents
    ("alice", "view", "other_company", HIDE),
    ("plain", "view", "company", ALLOW),  # registry data is public to staff
    ("plain", "act_for", "company", FORBID),
    # representations
    ("alice", "revoke", "agent", ALLOW),  # the legal representative revokes an agent
    ("bob", "revoke", "agent", ALLOW),  # an agent may renounce
    ("bob", "revoke", "boss", HIDE),  # an agent does not see the boss's authorisation
    ("alice", "revoke", "boss", FORBID),  # the legal representative changes only via the registry
    ("plain", "view", "agent", HIDE),
    ("super", "view", "agent", ALLOW),
    # staff see colleagues in their own department only
    ("plain", "view", "colleague", ALLOW),
    ("otherdept", "view", "colleague", HIDE),
    ("super", "view", "colleague", ALLOW),
    ("alice", "view", "colleague", HIDE),
    # audit events: the data subject and oversight see them, others don't
    ("alice", "view", "event", ALLOW),
    ("clerk", "view", "event", ALLOW),  # the actor
    ("bob", "view", "event", HIDE),
    ("plain", "view", "event", HIDE),
    ("super", "view", "event", ALLOW),
]


@pytest.mark.parametrize(("who", "action", "target", "expected"), TABLE)
def test_authorization_table(world, who, action, target, expected):
    assert _outcome(_principal(world, who), action, world[target]) == expected


def test_anonymous_sees_nothing(world):
    anon = Principal(user=None)
    assert _outcome(anon, "view", world["alice"]) == HIDE
    assert not authz.visible(anon, AuditEvent.objects.all()).exists()


def test_expired_or_revoked_representation_stops_acting(world):
    agent = world["agent"]
    bob = _principal(world, "bob")
    agent.expires_at = timezone.now() - dt.timedelta(minutes=1)
    agent.save()
    assert _outcome(bob, "act_for", world["company"]) == HIDE
    agent.expires_at = timezone.now() + dt.timedelta(days=1)
    agent.revoked_at = timezone.now()
    agent.save()
    assert _outcome(bob, "act_for", world["company"]) == HIDE


def test_token_scope_limits_actions(world):
    alice_token = Principal(user=world["alice"].user, token_scopes=frozenset({"profile:read"}))
    assert _outcome(alice_token, "view", world["alice"]) == ALLOW
    assert _outcome(alice_token, "change", world["alice"]) == FORBID
    with pytest.raises(Forbidden) as exc:
        authz.authorize(alice_token, "change", world["alice"])
    assert exc.value.code == "token_scope_missing"


def test_every_model_people_touch_has_a_policy():
    from tongban.accounts.models import AccessToken, LegalPerson, NaturalPerson, Representation, StaffProfile

    for model in (NaturalPerson, LegalPerson, Representation, AccessToken, StaffProfile, AuditEvent):
        assert authz.policy_for(model) is not None


def test_staff_kind_constant():
    assert UserFactory(kind=PrincipalKind.STAFF).is_staff_member
