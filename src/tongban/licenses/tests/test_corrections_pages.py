"""Web pages of licence error reports: the holder's form, list and timeline; the workbench's queue,
decisions, window reports, quality findings and statistics."""

# ruff: noqa: F811  (fixtures imported from correction_fixtures are redefined as test arguments)

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

import pytest

from tongban.accounts import services as accounts
from tongban.accounts.models import User
from tongban.conftest import CITIZEN_ID_NUMBER, OTHER_CITIZEN_ID_NUMBER
from tongban.licenses.constants import AccessKind, CorrectionStatus, FindingStatus
from tongban.licenses.models import Correction, License, LicenseAccess, QualityFinding
from tongban.licenses.tests.correction_fixtures import (  # noqa: F401 (fixtures)
    ADDRESS,
    gaj_clerk,
    gaj_reviewer,
    report,
)
from tongban.organizations.models import Department

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"


@pytest.fixture
def holder(citizen: User) -> Client:
    browser = Client()
    browser.force_login(citizen)
    return browser


def test_holder_reports_from_the_wallet_and_follows_it(
    holder: Client, id_card: License, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    url = f"/licenses/wallet/{id_card.pk}/correct/"
    page = holder.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="value__address"' in text and 'enctype="multipart/form-data"' in text
    assert "上海市黄浦区测试路2号" not in text  # personal values masked until asked for
    assert "上海市黄浦区测试路2号" in holder.get(url + "?unmask=1").content.decode()

    nothing = holder.post(url, {"idempotency_key": "a1"})
    assert nothing.status_code == 400 and 'data-testid="form-errors"' in nothing.content.decode()
    same = holder.post(url, {"value__address": "上海市黄浦区测试路2号", "idempotency_key": "a1"})
    assert same.status_code == 400 and '<tr class="has-error" data-field="address">' in same.content.decode()

    form = {
        "value__address": ADDRESS,
        "note__address": "已迁居",
        "evidence_note": "户口簿",
        "evidence_file": SimpleUploadedFile("hukou.pdf", PDF, content_type="application/pdf"),
        "idempotency_key": "a2",
    }
    sent = holder.post(url, form)
    assert sent.status_code == 302, sent.content.decode()[:3000]
    correction = Correction.objects.get()
    assert sent["Location"] == f"/licenses/corrections/{correction.pk}/"
    form["evidence_file"] = SimpleUploadedFile("hukou.pdf", PDF, content_type="application/pdf")
    assert holder.post(url, form).status_code == 302 and Correction.objects.count() == 1  # double submit

    detail = holder.get(sent["Location"])
    body = detail.content.decode()
    assert detail.status_code == 200 and correction.reference in body and ADDRESS in body
    assert 'data-testid="correction-timeline"' in body and 'data-status="submitted"' in body
    listed = holder.get("/licenses/corrections/").content.decode()
    assert correction.reference in listed
    evidence = holder.get(f"/licenses/corrections/{correction.pk}/evidence/")
    assert evidence.status_code == 200 and evidence.getvalue() == PDF
    assert evidence["Content-Disposition"].startswith("attachment")


def test_other_people_get_not_found(citizen: User, id_card: License) -> None:
    correction = report(citizen, id_card)
    stranger = accounts.register_natural_person(
        username="stranger",
        password="Correct-Horse-2026",
        real_name="赵六",
        id_number=OTHER_CITIZEN_ID_NUMBER,
        mobile="13900139000",
        verified=True,
    )
    browser = Client()
    browser.force_login(stranger)
    assert browser.get(f"/licenses/wallet/{id_card.pk}/correct/").status_code == 404
    assert browser.get(f"/licenses/corrections/{correction.pk}/").status_code == 404
    assert browser.get(f"/licenses/corrections/{correction.pk}/evidence/").status_code == 404
    assert Client().get("/licenses/corrections/").status_code == 302  # sign in first


def test_department_decides_in_the_workbench(
    citizen: User,
    id_card: License,
    gaj_reviewer: User,
    gaj_clerk: User,
    staff_browser: Callable[[User], Client],
) -> None:
    correction = report(citizen, id_card)
    reviewer = staff_browser(gaj_reviewer)
    queue = reviewer.get("/licenses/workbench/corrections/")
    text = queue.content.decode()
    assert queue.status_code == 200 and correction.reference in text and 'data-light="green"' in text
    url = f"/licenses/workbench/corrections/{correction.pk}/"
    page = reviewer.get(url)
    assert page.status_code == 200 and 'data-testid="accept-form"' in page.content.decode()
    assert LicenseAccess.objects.filter(license=id_card, kind=AccessKind.STAFF_VIEW).exists()

    missing_reason = reviewer.post(url, {"action": "reject", "reason": ""})
    assert (
        missing_reason.status_code == 400
        and 'data-testid="decision-error"' in missing_reason.content.decode()
    )
    assert reviewer.post(url, {"action": "accept", "reason": "核实中"}).status_code == 302
    correct_page = reviewer.get(url).content.decode()
    assert 'data-testid="correct-form"' in correct_page and f'value="{ADDRESS}"' in correct_page
    adjusted = "上海市徐汇区测试路3号101室"
    done = reviewer.post(url, {"action": "correct", "value__address": adjusted})
    assert done.status_code == 302
    assert License.objects.get(pk=id_card.pk).face["address"] == adjusted
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.CORRECTED and correction.new_version == 2
    again = reviewer.post(url, {"action": "accept"})
    assert again.status_code == 409 and 'data-testid="decision-error"' in again.content.decode()  # settled
    # The holder's page shows the outcome.
    holder = Client()
    holder.force_login(citizen)
    assert (
        'data-testid="new-version"' in holder.get(f"/licenses/corrections/{correction.pk}/").content.decode()
    )

    other = report(
        citizen, License.objects.get(pk=id_card.pk), items=[{"field": "ethnicity", "proposed": "回"}]
    )
    clerk = staff_browser(gaj_clerk)
    clerk_page = clerk.get(f"/licenses/workbench/corrections/{other.pk}/").content.decode()
    assert 'data-testid="no-decision"' in clerk_page and "accept-form" not in clerk_page
    assert clerk.post(f"/licenses/workbench/corrections/{other.pk}/", {"action": "accept"}).status_code == 403


def test_window_clerk_reports_for_an_applicant(
    citizen: User, id_card: License, staff_user: User, staff_browser: Callable[[User], Client]
) -> None:
    clerk = staff_browser(staff_user)
    url = "/licenses/workbench/corrections/report/"
    assert clerk.get(url).status_code == 200
    wrong = clerk.post(
        url, {"step": "lookup", "reference": id_card.number, "holder_code": OTHER_CITIZEN_ID_NUMBER}
    )
    assert wrong.status_code == 404 and 'data-testid="correction-form"' not in wrong.content.decode()
    found = clerk.post(
        url, {"step": "lookup", "reference": id_card.identifier, "holder_code": CITIZEN_ID_NUMBER}
    )
    text = found.content.decode()
    assert found.status_code == 200 and 'data-testid="correction-form"' in text
    assert "上海市黄浦区测试路2号" not in text  # the clerk sees personal values masked
    sent = clerk.post(
        url,
        {
            "step": "report",
            "reference": id_card.identifier,
            "holder_code": CITIZEN_ID_NUMBER,
            "value__address": ADDRESS,
            "evidence_note": "申请人出示户口簿",
            "idempotency_key": "w1",
        },
    )
    assert sent.status_code == 302, sent.content.decode()[:3000]
    correction = Correction.objects.get()
    assert correction.reporter == staff_user and correction.reporter_kind == "staff"
    assert correction.channel == "web" and correction.department.slug == "gaj-test"
    page = clerk.get(sent["Location"])
    assert page.status_code == 200 and 'data-testid="decisions"' not in page.content.decode()
    assert correction.reference in clerk.get("/licenses/workbench/corrections/?mine=1").content.decode()
    assert correction.reference not in clerk.get("/licenses/workbench/corrections/").content.decode()
    invalid = clerk.post(url, {"step": "lookup", "reference": id_card.number, "holder_code": "1" * 18})
    assert invalid.status_code == 400


def test_findings_queue_and_statistics(
    citizen: User,
    id_card: License,
    gaj: Department,
    gaj_reviewer: User,
    staff_browser: Callable[[User], Client],
) -> None:
    finding = QualityFinding.objects.create(
        license=id_card,
        department=gaj,
        license_type=id_card.license_type,
        rule="dates",
        severity="error",
        detail="有效期起始早于签发日期",
    )
    report(citizen, id_card, now=timezone.now() - dt.timedelta(days=30))
    reviewer = staff_browser(gaj_reviewer)
    page = reviewer.get("/licenses/workbench/findings/").content.decode()
    assert "有效期起始早于签发日期" in page and 'data-testid="count-error">1<' in page
    settled = reviewer.post(f"/licenses/workbench/findings/{finding.pk}/settle/", {"outcome": "resolved"})
    assert settled.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED

    stats = reviewer.get("/licenses/workbench/license-stats/")
    text = stats.content.decode()
    assert stats.status_code == 200 and "居民身份证" in text and 'data-key="gaj-test"' in text
    assert reviewer.get("/licenses/workbench/license-stats/?since=2000-01-01").status_code == 200
    queue = reviewer.get("/licenses/workbench/corrections/?overdue=1").content.decode()
    assert 'data-light="red"' in queue and 'data-testid="count-overdue">1<' in queue


def test_workbench_links_and_second_factor(staff_user: User, staff_browser: Callable[[User], Client]) -> None:
    home = staff_browser(staff_user).get("/workbench/").content.decode()
    for name in ("corrections/", "corrections/report/", "findings/", "license-stats/"):
        assert f'href="/licenses/workbench/{name}"' in home
    no_otp = Client()
    no_otp.force_login(staff_user)
    assert no_otp.get("/licenses/workbench/corrections/").status_code == 302


def test_admin_is_read_mostly_and_hides_values(
    citizen: User, id_card: License, staff_browser: Callable[[User], Client]
) -> None:
    correction = report(citizen, id_card)
    root = User.objects.create_superuser("root", "Correct-Horse-2026", display_name="管理员")
    browser = staff_browser(root)
    listing = browser.get("/admin/licenses/correction/")
    assert listing.status_code == 200 and correction.reference in listing.content.decode()
    url = f"/admin/licenses/correction/{correction.pk}/change/"
    page = browser.get(url).content.decode()
    assert "address" in page and ADDRESS not in page and 'name="due_on"' in page
    assert browser.get("/admin/licenses/correction/add/").status_code == 403
    new_due = correction.due_on + dt.timedelta(days=7)
    moved = browser.post(url, {"due_on": new_due.isoformat(), "events-TOTAL_FORMS": "1",
                               "events-INITIAL_FORMS": "1", "events-MIN_NUM_FORMS": "0",
                               "events-MAX_NUM_FORMS": "1000"})  # fmt: skip
    assert moved.status_code == 302, moved.content.decode()[:2000]
    correction.refresh_from_db()
    assert correction.due_on == new_due
