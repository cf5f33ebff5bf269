"""The process admin: designers upload files, see the report, publish; other staff see nothing."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

import pytest

from tongban.accounts.tests.factories import StaffProfileFactory
from tongban.audits.models import AuditEvent
from tongban.workflows import library
from tongban.workflows.constants import DESIGNER_ROLE, DefinitionState
from tongban.workflows.models import ProcessDefinition

pytestmark = pytest.mark.django_db

URL = "/admin/workflows/processdefinition/"
PROMISED = library.shipped_bpmn("item_promised") or ""
DMNS = library.shipped_dmns(PROMISED)


def zh(text: str) -> str:
    """The page speaks Chinese by default: compare with the translated message."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


def login(client: Client, settings: Any, role: str) -> Client:
    settings.TONGBAN_STAFF_REQUIRE_OTP = False  # the second factor is covered in accounts tests
    profile: Any = StaffProfileFactory(user__is_staff=True, roles=[role])
    client.force_login(profile.user)
    return client


@pytest.fixture
def designer_client(client: Client, settings: Any) -> Client:
    return login(client, settings, DESIGNER_ROLE)


@pytest.fixture
def reviewer_client(client: Client, settings: Any) -> Client:
    return login(client, settings, "reviewer")


def upload(client: Client, bpmn: str, dmns: list[str], key: str = "item_promised") -> Any:
    return client.post(
        f"{URL}add/",
        {
            "key": key,
            "name": "承诺件（试行）",
            "bpmn_file": SimpleUploadedFile("p.bpmn", bpmn.encode()),
            "dmn_files": [SimpleUploadedFile(f"d{n}.dmn", d.encode()) for n, d in enumerate(dmns)],
        },
    )


def test_other_staff_cannot_see_or_upload(reviewer_client: Client) -> None:
    assert reviewer_client.get(URL).status_code == 403
    assert reviewer_client.get(f"{URL}add/").status_code == 403
    assert upload(reviewer_client, PROMISED, DMNS).status_code == 403
    assert not ProcessDefinition.objects.exists()


def test_designer_uploads_and_sees_the_report(designer_client: Client) -> None:
    assert designer_client.get(URL).status_code == 200
    response = upload(designer_client, PROMISED, DMNS)
    definition = ProcessDefinition.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"{URL}{definition.pk}/change/")
    assert (definition.version, definition.state, definition.is_valid) == (1, DefinitionState.DRAFT, True)
    assert definition.dmn == DMNS
    assert AuditEvent.objects.filter(event="workflow.uploaded", object_id=str(definition.pk)).exists()
    page = designer_client.get(response["Location"]).content.decode()
    assert zh("Validation passed.") in page and "item_promised" in page and "supplement" in page


def test_a_failed_validation_is_stored_and_shown(designer_client: Client) -> None:
    upload(designer_client, PROMISED.replace('name="department"', 'name="kitchen"'), DMNS)
    definition = ProcessDefinition.objects.get()
    assert not definition.is_valid
    page = designer_client.get(f"{URL}{definition.pk}/change/").content.decode()
    assert zh("Validation failed.") in page and "task_lane_unknown" in page and "kitchen" in page


def test_bad_files_are_form_errors(designer_client: Client) -> None:
    response = designer_client.post(
        f"{URL}add/",
        {"key": "../x", "name": "x", "bpmn_file": SimpleUploadedFile("p.bpmn", "中文".encode("gbk"))},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "key" in errors and "__all__" in errors  # the key, and the file that is not UTF-8
    assert not ProcessDefinition.objects.exists()


def test_publish_and_retire_actions(designer_client: Client) -> None:
    upload(designer_client, PROMISED, DMNS)
    definition = ProcessDefinition.objects.get()
    designer_client.post(URL, {"action": "publish_selected", "_selected_action": [definition.pk]})
    definition.refresh_from_db()
    assert definition.state == DefinitionState.PUBLISHED
    # Published history cannot be deleted; retiring is the way out.
    assert designer_client.get(f"{URL}{definition.pk}/delete/").status_code == 403
    designer_client.post(URL, {"action": "retire_selected", "_selected_action": [definition.pk]})
    definition.refresh_from_db()
    assert definition.state == DefinitionState.RETIRED


def test_an_invalid_version_is_not_published(designer_client: Client) -> None:
    upload(designer_client, "<nope", [])
    definition = ProcessDefinition.objects.get()
    response = designer_client.post(
        URL, {"action": "publish_selected", "_selected_action": [definition.pk]}, follow=True
    )
    definition.refresh_from_db()
    assert definition.state == DefinitionState.DRAFT
    assert any("process_definition_not_valid" in str(m) for m in response.context["messages"])
