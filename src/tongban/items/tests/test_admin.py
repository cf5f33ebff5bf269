"""The catalogue admin: frozen published versions, publish/revise/retire, preview, history, import,
and the bundle savings panel."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.test import Client
from django.utils import translation
from django.utils.html import escape

import openpyxl
import pytest

from tongban.accounts.tests.factories import StaffProfileFactory
from tongban.audits.models import AuditEvent
from tongban.bundles.constants import BundleState
from tongban.bundles.merge import merge
from tongban.bundles.models import Bundle, BundleItem, Situation
from tongban.items import services
from tongban.items.constants import ItemState
from tongban.items.exemptions import material_exemption
from tongban.items.models import ItemLocation, Material, ServiceItem
from tongban.items.tests.test_excel import Catalogue, build_catalogue, export, item_fields, new_item

pytestmark = pytest.mark.django_db

ITEMS = "/admin/items/serviceitem/"


@pytest.fixture
def admin_client(client: Client, settings: Any) -> Client:
    settings.TONGBAN_STAFF_REQUIRE_OTP = False  # the second factor is covered in accounts/test_sign_in
    admin = StaffProfileFactory(user__is_staff=True, user__is_superuser=True, roles=["administrator"])
    client.force_login(admin.user)
    client.admin_user = admin.user  # type: ignore[attr-defined]
    return client


@pytest.fixture
def catalogue(department: Any) -> Catalogue:
    return build_catalogue(department)


def page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def change_form_data(response: Any) -> dict[str, Any]:
    """The POST data of an admin change page as rendered (main form and inline formsets)."""
    data: dict[str, Any] = {}

    def add(bound: forms.BoundField) -> None:
        if isinstance(bound.field, forms.FileField):
            return
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
            return
        data[bound.html_name] = "" if value is None else value

    for bound in response.context["adminform"].form:
        add(bound)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound in formset.management_form:
            add(bound)
        for form in formset.forms:
            for bound in form:
                add(bound)
    return data


def incomplete_draft(department: Any) -> ServiceItem:
    return services.create_draft(
        principal=None,
        fields=item_fields(
            department, "DRAFT-INCOMPLETE", acceptance_conditions="", visits=1, online_depth=4
        ),
    )


# --- pages render ---


def test_catalogue_admin_pages_render(admin_client: Client, catalogue: Catalogue) -> None:
    ItemLocation.objects.create(
        item_code=catalogue.hukou.code, district=catalogue.department.region, address="某路1号", hours="9-17"
    )
    for url in (
        ITEMS,
        f"{ITEMS}?state=published&q=户籍",
        f"{ITEMS}add/",
        f"{ITEMS}{catalogue.food.pk}/change/",
        f"{ITEMS}import/",
        "/admin/items/materialkind/",
        f"/admin/items/materialkind/{catalogue.kinds['business-licence'].pk}/change/",
        "/admin/items/topic/",
        "/admin/items/dataresource/",
        "/admin/items/formfield/",
        "/admin/items/itemlocation/",
        "/admin/items/itemlocation/add/",
        "/admin/items/materialkind/add/",
        "/admin/items/dataresource/add/",
        f"/admin/items/itemlocation/?district__id__exact={catalogue.department.region_id}",
        "/admin/bundles/bundle/",
        "/admin/bundles/bundle/add/",
    ):
        page(admin_client.get(url))
    listing = page(admin_client.get(ITEMS))
    assert "食品经营许可" in listing and "户籍证明开具" in listing
    assert f"{ITEMS}import/" in listing and f"{ITEMS}export/" in listing


def test_material_kinds_show_their_exemption(admin_client: Client, catalogue: Catalogue) -> None:
    kind = catalogue.kinds["business-licence"]
    html = page(admin_client.get(f"/admin/items/materialkind/{kind.pk}/change/"))
    with translation.override("zh-hans"):
        from tongban.items.exemptions import kind_exemption

        assert escape(kind_exemption(kind).reason) in html


# --- publish ---


def test_publishing_an_incomplete_draft_shows_every_problem_and_publishes_nothing(
    admin_client: Client, catalogue: Catalogue
) -> None:
    draft = incomplete_draft(catalogue.department)
    response = admin_client.post(f"{ITEMS}{draft.pk}/publish/", follow=True)
    shown = " ".join(messages_of(response))
    for code in (
        "legal_basis_required",
        "materials_required",
        "conditions_required",
        "fully_online_with_visits",
        "onsite_reason_required",
    ):
        assert code in shown
    draft.refresh_from_db()
    assert draft.state == ItemState.DRAFT and draft.published_at is None
    assert not AuditEvent.objects.filter(event="item.published", object_id=str(draft.pk)).exists()


def test_publishing_a_complete_draft_supersedes_the_previous_version(
    admin_client: Client, catalogue: Catalogue
) -> None:
    draft = services.start_revision(code=catalogue.food.code, principal=None)
    html = page(admin_client.get(f"{ITEMS}{draft.pk}/change/"))
    assert f"{ITEMS}{draft.pk}/publish/" in html
    response = admin_client.post(f"{ITEMS}{draft.pk}/publish/")
    assert response.status_code == 302
    draft.refresh_from_db()
    catalogue.food.refresh_from_db()
    assert (draft.state, draft.version) == (ItemState.PUBLISHED, 2)
    assert catalogue.food.state == ItemState.SUPERSEDED
    event = AuditEvent.objects.get(event="item.published", object_id=str(draft.pk))
    assert event.actor_id == admin_client.admin_user.pk  # type: ignore[attr-defined]


def test_publish_action_on_the_changelist_is_all_or_nothing(
    admin_client: Client, catalogue: Catalogue
) -> None:
    good = services.start_revision(code=catalogue.food.code, principal=None)
    bad = incomplete_draft(catalogue.department)
    response = admin_client.post(
        ITEMS, {"action": "publish_selected", "_selected_action": [good.pk, bad.pk]}, follow=True
    )
    assert any("legal_basis_required" in m for m in messages_of(response))
    assert set(ServiceItem.objects.filter(pk__in=[good.pk, bad.pk]).values_list("state", flat=True)) == {
        "draft"
    }
    bad.delete()
    admin_client.post(ITEMS, {"action": "publish_selected", "_selected_action": [good.pk]})
    good.refresh_from_db()
    assert good.state == ItemState.PUBLISHED


# --- published versions are frozen ---


def test_a_published_version_is_read_only(admin_client: Client, catalogue: Catalogue) -> None:
    item = catalogue.food
    url = f"{ITEMS}{item.pk}/change/"
    html = page(admin_client.get(url))
    assert 'name="_save"' not in html and 'name="name"' not in html  # view only, inlines too
    assert 'name="materials-0-kind"' not in html and 'name="legal_bases-0-law"' not in html
    assert f"{ITEMS}{item.pk}/revise/" in html
    before = (item.snapshot, list(Material.objects.filter(item=item).values_list("pk", "name")))

    draft = services.start_revision(code=item.code, principal=None)
    data = change_form_data(admin_client.get(f"{ITEMS}{draft.pk}/change/"))
    data["name"] = "改掉已发布的名称"
    response = admin_client.post(url, data)

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.name == "食品经营许可" and item.state == ItemState.PUBLISHED
    assert (item.snapshot, list(Material.objects.filter(item=item).values_list("pk", "name"))) == before
    assert admin_client.post(f"{ITEMS}{item.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ServiceItem.objects.filter(pk=item.pk).exists()


def test_a_draft_is_edited_through_the_audited_admin(admin_client: Client, catalogue: Catalogue) -> None:
    draft = services.start_revision(code=catalogue.hukou.code, principal=None)
    url = f"{ITEMS}{draft.pk}/change/"
    data = change_form_data(admin_client.get(url))
    data["name"] = "户籍证明开具（新）"
    data["channels"] = ["window", "mail"]
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert (draft.name, draft.channels) == ("户籍证明开具（新）", ["window", "mail"])
    assert draft.materials.count() == 2
    event = AuditEvent.objects.filter(event="admin.changed", object_id=str(draft.pk)).get()
    assert "name" in event.summary["fields"]


def test_adding_an_item_with_an_existing_code_is_refused(admin_client: Client, catalogue: Catalogue) -> None:
    data = change_form_data(admin_client.get(f"{ITEMS}add/"))
    data.update(code=catalogue.food.code, basic_code="x", name="重复", item_type="01", case_kind="1")
    data["department"] = catalogue.department.pk
    response = admin_client.post(f"{ITEMS}add/", data)
    assert response.status_code == 200
    assert "code" in response.context["adminform"].form.errors
    assert ServiceItem.objects.filter(code=catalogue.food.code).count() == 1


# --- revise, retire ---


def test_start_revision_creates_the_next_draft_with_copied_materials(
    admin_client: Client, catalogue: Catalogue
) -> None:
    item = catalogue.food
    response = admin_client.post(f"{ITEMS}{item.pk}/revise/")
    draft = ServiceItem.objects.get(code=item.code, state=ItemState.DRAFT)
    assert response.status_code == 302 and response["Location"] == f"{ITEMS}{draft.pk}/change/"
    assert draft.version == item.version + 1
    assert list(draft.materials.values_list("kind__code", "name", "requirement")) == list(
        item.materials.values_list("kind__code", "name", "requirement")
    )
    # The published page now points to the draft instead of offering another revision.
    html = page(admin_client.get(f"{ITEMS}{item.pk}/change/"))
    assert f"{ITEMS}{draft.pk}/change/" in html and f"{ITEMS}{item.pk}/revise/" not in html


def test_retire_asks_for_a_reason(admin_client: Client, catalogue: Catalogue) -> None:
    url = f"{ITEMS}{catalogue.hukou.pk}/retire/"
    assert 'name="reason"' in page(admin_client.get(url))
    assert admin_client.post(url, {"reason": ""}).status_code == 200  # the form again, with the error
    catalogue.hukou.refresh_from_db()
    assert catalogue.hukou.state == ItemState.PUBLISHED
    admin_client.post(url, {"reason": "职能调整，事项取消"})
    catalogue.hukou.refresh_from_db()
    assert catalogue.hukou.state == ItemState.RETIRED
    assert AuditEvent.objects.get(event="item.retired").summary["reason"] == "职能调整，事项取消"


def test_retire_action_uses_an_intermediate_form(admin_client: Client, catalogue: Catalogue) -> None:
    selected = {"action": "retire_selected", "_selected_action": [catalogue.food.pk, catalogue.hukou.pk]}
    html = page(admin_client.post(ITEMS, selected))
    assert 'name="reason"' in html and "食品经营许可" in html
    admin_client.post(ITEMS, {**selected, "apply": "1", "reason": "清单调整"})
    assert set(ServiceItem.objects.values_list("state", flat=True)) == {ItemState.RETIRED}


# --- preview and history ---


def test_preview_shows_which_materials_are_exempt_and_why(admin_client: Client, catalogue: Catalogue) -> None:
    html = page(admin_client.get(f"{ITEMS}{catalogue.food.pk}/preview/"))
    exempt_section = html.index('class="module exempt-materials"')
    with translation.override("zh-hans"):
        reasons = [material_exemption(m).reason for m in catalogue.food.materials.all()]
    assert reasons[0] == ""  # the application form is handed in
    assert html.index("食品经营许可申请书") < exempt_section
    for reason in reasons[1:]:  # 营业执照 (e-licence) and 居民身份证 (issued by a city department)
        assert reason and html.index(escape(reason)) > exempt_section
    hukou = page(admin_client.get(f"{ITEMS}{catalogue.hukou.pk}/preview/"))
    assert "须核验原件。" in hukou  # handed in despite being held: the recorded reason is shown
    assert "沪价费〔2020〕1号" in hukou


def test_change_history_lists_the_differences_between_published_versions(
    admin_client: Client, catalogue: Catalogue
) -> None:
    draft = services.start_revision(code=catalogue.food.code, principal=None)
    draft.name = "食品经营许可（餐饮）"
    draft.save()
    draft.materials.filter(kind__code="id-card").delete()
    services.publish(item=draft, principal=None, change_note="删去身份证")
    services.start_revision(code=catalogue.food.code, principal=None)
    html = page(admin_client.get(f"{ITEMS}{draft.pk}/versions/"))
    assert "删去身份证" in html
    assert "食品经营许可（餐饮）" in html and "<code>name</code>" in html
    assert "<code>materials</code>" in html and "委托他人办理时" in html  # the removed material, before
    assert "<code>version</code>" not in html
    assert html.count('class="module version-') == 3  # v3 draft, v2 published, v1 superseded


# --- import / export in the admin ---


def test_admin_import_reports_bad_rows_and_applies_nothing(
    admin_client: Client, catalogue: Catalogue
) -> None:
    wb = openpyxl.load_workbook(export())
    new_item(wb, "NEW-GOOD")
    bad = new_item(wb, "NEW-BAD", 实施主体="上海市不存在局")
    upload = io.BytesIO()
    wb.save(upload)
    upload.seek(0)
    upload.name = "catalogue.xlsx"
    html = page(admin_client.post(f"{ITEMS}import/", {"file": upload}))
    assert 'id="import-errors"' in html and "department_unknown" in html
    assert f"<td>{bad}</td>" in html
    assert not ServiceItem.objects.filter(code__startswith="NEW-").exists()


def test_admin_import_publishes_a_good_workbook(admin_client: Client, catalogue: Catalogue) -> None:
    wb = openpyxl.load_workbook(export())
    new_item(wb, "NEW-GOOD")
    upload = io.BytesIO()
    wb.save(upload)

    upload.seek(0)
    upload.name = "catalogue.xlsx"
    checked = page(admin_client.post(f"{ITEMS}import/", {"file": upload, "dry_run": "on"}))
    assert "import-errors" not in checked
    assert not ServiceItem.objects.filter(code="NEW-GOOD").exists()

    upload.seek(0)
    html = page(admin_client.post(f"{ITEMS}import/", {"file": upload, "change_note": "年度调整"}))
    assert 'id="import-summary"' in html
    new = ServiceItem.objects.get(code="NEW-GOOD")
    assert (new.state, new.version, new.change_note) == (ItemState.PUBLISHED, 1, "年度调整")
    assert ServiceItem.objects.get(code=catalogue.food.code, state=ItemState.PUBLISHED).version == 2
    assert AuditEvent.objects.get(event="catalog.imported").actor_id == admin_client.admin_user.pk  # type: ignore[attr-defined]


def test_admin_export_downloads_the_workbook(admin_client: Client, catalogue: Catalogue) -> None:
    response = admin_client.get(f"{ITEMS}export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb["事项"].max_row == 3  # header + 2 items


# --- bundles ---


@pytest.fixture
def bundle(catalogue: Catalogue) -> Bundle:
    bundle = Bundle.objects.create(
        code="open-eatery",
        name="开餐馆一件事",
        kind="business_event",
        audience="legal",
        lead_department=catalogue.department,
    )
    BundleItem.objects.create(bundle=bundle, item_code=catalogue.food.code, order=1)
    situation = Situation.objects.create(bundle=bundle, code="hukou", question="需要户籍证明吗？")
    BundleItem.objects.create(bundle=bundle, item_code=catalogue.hukou.code, situation=situation, order=2)
    return bundle


def test_bundle_change_page_shows_the_savings(admin_client: Client, bundle: Bundle) -> None:
    html = page(admin_client.get(f"/admin/bundles/bundle/{bundle.pk}/change/"))
    savings = merge(bundle, ["hukou"]).savings
    assert savings is not None
    assert (savings.materials_before, savings.materials_after, savings.materials_exempt) == (5, 2, 2)
    assert (savings.departments_before, savings.departments_after) == (2, 1)
    for name in ("materials", "fields", "visits", "departments", "days"):
        for when in ("before", "after"):
            assert f'class="{name}-{when}">{getattr(savings, f"{name}_{when}")}' in html


def test_bundle_publish_and_retire_actions(
    admin_client: Client, bundle: Bundle, catalogue: Catalogue
) -> None:
    BundleItem.objects.create(bundle=bundle, item_code="NOT-PUBLISHED", order=3)
    url = "/admin/bundles/bundle/"
    response = admin_client.post(
        url, {"action": "publish_selected", "_selected_action": [bundle.pk]}, follow=True
    )
    assert any("NOT-PUBLISHED" in m for m in messages_of(response))
    bundle.refresh_from_db()
    assert bundle.state == BundleState.DRAFT

    BundleItem.objects.filter(item_code="NOT-PUBLISHED").delete()
    admin_client.post(url, {"action": "publish_selected", "_selected_action": [bundle.pk]})
    bundle.refresh_from_db()
    assert bundle.state == BundleState.PUBLISHED and bundle.published_at is not None
    assert AuditEvent.objects.filter(event="bundle.published", object_id=str(bundle.pk)).exists()

    admin_client.post(url, {"action": "retire_selected", "_selected_action": [bundle.pk]})
    bundle.refresh_from_db()
    assert bundle.state == BundleState.RETIRED
    assert AuditEvent.objects.filter(event="bundle.retired", object_id=str(bundle.pk)).exists()


def test_bundle_items_must_name_a_known_item(admin_client: Client, bundle: Bundle) -> None:
    url = f"/admin/bundles/bundle/{bundle.pk}/change/"
    data = change_form_data(admin_client.get(url))
    data["entries-0-item_code"] = "NO-SUCH-CODE"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert BundleItem.objects.filter(bundle=bundle, item_code="NO-SUCH-CODE").count() == 0
