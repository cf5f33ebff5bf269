import pytest

from tongban.accounts.tests.factories import NaturalPersonFactory, StaffProfileFactory
from tongban.audits.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, settings):
    settings.TONGBAN_STAFF_REQUIRE_OTP = False  # the second factor is covered in test_sign_in
    admin = StaffProfileFactory(user__is_staff=True, user__is_superuser=True, roles=["administrator"])
    client.force_login(admin.user)
    client.admin_user = admin.user
    return client


def test_admin_is_in_chinese(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "通办 tongban 管理后台" in page
    assert "最近动作" in page  # Django's own admin strings in Simplified Chinese ("Recent actions")


def test_person_list_is_masked_and_searchable_by_exact_id_number(admin_client):
    alice = NaturalPersonFactory(real_name="张示例")
    NaturalPersonFactory(real_name="李演示")
    page = admin_client.get("/admin/accounts/naturalperson/").content.decode()
    assert alice.masked_id_number in page and alice.id_number not in page
    found = admin_client.get("/admin/accounts/naturalperson/", {"q": alice.id_number}).content.decode()
    assert "张示例" in found and "李演示" not in found


def test_opening_a_person_is_recorded_for_the_owner(admin_client):
    alice = NaturalPersonFactory()
    page = admin_client.get(f"/admin/accounts/naturalperson/{alice.pk}/change/").content.decode()
    assert alice.id_number not in page
    ev = AuditEvent.objects.get(event="personal_data.viewed", subject_user_id=alice.user_id)
    assert ev.actor_id == admin_client.admin_user.pk and ev.summary == {"purpose": "admin"}


def test_admin_edits_are_audited_with_field_names_only(admin_client):
    staff = StaffProfileFactory(real_name="赵工作")
    url = f"/admin/accounts/staffprofile/{staff.pk}/change/"
    resp = admin_client.post(
        url,
        {
            "user": staff.user_id,
            "real_name": "赵新名",
            "employee_no": staff.employee_no,
            "department": staff.department_id,
            "roles": [],
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    ev = AuditEvent.objects.get(event="admin.changed")
    assert ev.summary == {
        "fields": ["real_name"],
        "changes": {"real_name": {"before": "赵工作", "after": "赵新名"}},  # staff names are not secret
    }
