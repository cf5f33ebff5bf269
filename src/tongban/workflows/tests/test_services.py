"""Uploading, publishing and retiring definitions: designers only, audited, running cases unaffected."""

from __future__ import annotations

import pytest

from tongban.accounts.models import Role, User
from tongban.accounts.principal import Principal
from tongban.audits.models import AuditEvent
from tongban.utils.errors import Conflict, DomainError, Forbidden
from tongban.workflows import engine, library, services
from tongban.workflows.constants import DESIGNER_ROLE, DefinitionState
from tongban.workflows.models import ProcessDefinition
from tongban.workflows.tests.helpers import only, roundtrip, start_data, step

pytestmark = pytest.mark.django_db

PROMISED = library.shipped_bpmn("item_promised") or ""
DMNS = library.shipped_dmns(PROMISED)


def renamed(accept_name: str) -> str:
    return PROMISED.replace('name="窗口受理"', f'name="{accept_name}"')


@pytest.fixture
def designer(staff_user: User) -> Principal:
    role, _created = Role.objects.get_or_create(code=DESIGNER_ROLE, defaults={"name": "流程设计"})
    staff_user.staff.roles.add(role)
    return Principal(user=staff_user)


@pytest.fixture
def reviewer(staff_user: User, staff_roles: dict[str, Role]) -> Principal:
    staff_user.staff.roles.set([staff_roles["reviewer"]])
    return Principal(user=staff_user)


def test_a_reviewer_without_the_designer_role_cannot_upload(reviewer: Principal) -> None:
    assert DESIGNER_ROLE not in reviewer.roles
    with pytest.raises(Forbidden) as exc:
        services.upload(reviewer, "item_promised", "承诺件", PROMISED, DMNS)
    assert exc.value.code == "process_designer_required"
    assert not ProcessDefinition.objects.exists()


def test_a_reviewer_cannot_publish_or_retire(designer: Principal, staff_roles: dict[str, Role]) -> None:
    definition = services.upload(designer, "item_promised", "承诺件", PROMISED, DMNS)
    designer.user.staff.roles.set([staff_roles["reviewer"]])  # type: ignore[union-attr]
    reviewer = Principal(user=designer.user)
    for action in (services.publish, services.retire):
        with pytest.raises(Forbidden, match="process_designer_required"):
            action(reviewer, definition)
    definition.refresh_from_db()
    assert definition.state == DefinitionState.DRAFT


def test_anonymous_cannot_upload() -> None:
    with pytest.raises(Forbidden):
        services.upload(Principal(user=None), "item_promised", "x", PROMISED, DMNS)


def test_upload_stores_a_draft_with_its_report_and_next_version(designer: Principal) -> None:
    first = services.upload(designer, "item_promised", "承诺件", PROMISED, DMNS)
    assert (first.version, first.state, first.is_valid) == (1, DefinitionState.DRAFT, True)
    assert first.checksum == library.checksum(PROMISED, DMNS)
    assert first.validation["process_id"] == "item_promised"
    assert first.uploaded_by == designer.user
    broken = services.upload(designer, "item_promised", "坏的", "<nope", [])
    assert (broken.version, broken.is_valid) == (2, False)
    assert broken.validation["errors"][0]["code"] == "bpmn_malformed"
    assert services.upload(designer, "other_key", "其他", PROMISED, DMNS).version == 1
    event = AuditEvent.objects.filter(event="workflow.uploaded", object_id=str(broken.pk)).get()
    assert event.summary["ok"] is False and event.summary["errors"] == ["bpmn_malformed"]


@pytest.mark.parametrize("key", ["", "../x", "a b", "x" * 81])
def test_upload_refuses_bad_keys(designer: Principal, key: str) -> None:
    with pytest.raises(DomainError, match="process_key_invalid"):
        services.upload(designer, key, "x", PROMISED, DMNS)


def test_superusers_may_upload(staff_user: User) -> None:
    staff_user.is_superuser = True
    staff_user.save(update_fields=["is_superuser"])
    assert services.upload(Principal(user=staff_user), "item_promised", "x", PROMISED, DMNS).version == 1


def test_publish_retires_the_previous_version_and_is_audited(designer: Principal) -> None:
    v1 = services.publish(designer, services.upload(designer, "item_promised", "v1", renamed("受理一"), DMNS))
    assert v1.state == DefinitionState.PUBLISHED and v1.published_by == designer.user
    assert v1.published_at is not None
    assert only(engine.start("item_promised", start_data()), "accept").name == "受理一"

    v2 = services.publish(designer, services.upload(designer, "item_promised", "v2", renamed("受理二"), DMNS))
    v1.refresh_from_db()
    assert (v1.state, v2.state) == (DefinitionState.RETIRED, DefinitionState.PUBLISHED)
    wf = engine.start("item_promised", start_data())
    assert (wf.ref, only(wf, "accept").name) == ("item_promised@2", "受理二")

    event = AuditEvent.objects.filter(event="workflow.published").order_by("seq").last()
    assert event is not None
    assert event.object_id == str(v2.pk)
    assert event.summary == {
        "key": "item_promised",
        "version": 2,
        "checksum": v2.checksum,
        "retired_versions": [1],
    }


def test_invalid_or_already_published_versions_cannot_be_published(designer: Principal) -> None:
    broken = services.upload(designer, "item_promised", "坏的", "<nope", [])
    with pytest.raises(Conflict) as exc:
        services.publish(designer, broken)
    assert exc.value.code == "process_definition_not_valid"
    good = services.publish(designer, services.upload(designer, "item_promised", "好的", PROMISED, DMNS))
    with pytest.raises(Conflict, match="process_already_published"):
        services.publish(designer, good)


def test_retire_falls_back_to_the_shipped_file_and_may_be_undone(designer: Principal) -> None:
    v1 = services.publish(designer, services.upload(designer, "item_promised", "v1", renamed("受理一"), DMNS))
    services.retire(designer, v1)
    assert engine.start("item_promised", start_data()).ref == "item_promised@builtin"
    assert AuditEvent.objects.filter(event="workflow.retired", object_id=str(v1.pk)).exists()
    with pytest.raises(Conflict, match="process_already_retired"):
        services.retire(designer, v1)
    services.publish(designer, v1)  # a rollback to a retired version
    assert engine.start("item_promised", start_data()).ref == "item_promised@1"


def test_running_cases_keep_the_spec_they_started_with(designer: Principal) -> None:
    services.publish(designer, services.upload(designer, "item_promised", "v1", renamed("受理一"), DMNS))
    running = engine.dump(engine.start("item_promised", start_data()))
    v2 = services.publish(designer, services.upload(designer, "item_promised", "v2", renamed("受理二"), DMNS))
    services.retire(designer, v2)
    old = engine.load(running)
    assert (old.ref, only(old, "accept").name) == ("item_promised@1", "受理一")
    old = step(roundtrip(old), "accept", {"acceptance": "accepted"})
    assert only(old, "review")
