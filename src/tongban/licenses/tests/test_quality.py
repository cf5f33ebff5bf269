"""The quality scan: checks, findings in the issuing department's queue, rescans, the expiry sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

import pytest

from tongban.accounts.models import LegalPerson, User
from tongban.accounts.principal import Principal
from tongban.conftest import CITIZEN_ID_NUMBER
from tongban.demo.catalog.license_faces import FACES
from tongban.licenses.constants import FindingCheck, FindingStatus, LicenseStatus, Severity
from tongban.licenses.faces import validate_face
from tongban.licenses.models import License, LicenseType, QualityFinding, QualityScanRun
from tongban.licenses.query_quality import findings_summary, last_scan
from tongban.licenses.services import quality
from tongban.licenses.services.issuing import issue_license
from tongban.licenses.tasks import expire_licenses, scan_licenses
from tongban.licenses.tests.conftest import ENTERPRISE_USCC, business_face, id_card_face, make_type
from tongban.organizations.models import Department

pytestmark = pytest.mark.django_db


def open_rules(lic: License) -> dict[str, str]:
    return dict(lic.findings.filter(status=FindingStatus.OPEN).values_list("rule", "severity"))


def rescan(*licences: License) -> None:
    License.objects.filter(pk__in=[lic.pk for lic in licences]).update(scanned_at=None)


def second_id_card(id_card_type: LicenseType, gaj: Department, *, name: str = "张三") -> License:
    return issue_license(
        license_type=id_card_type,
        issuer=gaj,
        holder_code=CITIZEN_ID_NUMBER,
        holder_name=name,
        face=id_card_face(),
        issued_on=dt.date(2021, 5, 1),
        valid_to=dt.date(2041, 5, 1),
    )


def test_clean_licences_have_no_findings(id_card: License, business_licence: License) -> None:
    run = quality.scan()
    assert run is not None and run.scanned == 2 and run.opened == 0 and run.finished_at
    assert not QualityFinding.objects.exists()
    assert License.objects.filter(scanned_at__isnull=True).count() == 0
    again = quality.scan()
    assert again is not None and again.scanned == 0  # incremental: nothing changed
    assert last_scan() == again


def test_problems_are_found_then_resolved(id_card: License, gaj: Department) -> None:
    good = License.objects.get(pk=id_card.pk)
    bad_code = CITIZEN_ID_NUMBER[:17] + ("0" if CITIZEN_ID_NUMBER[17] != "0" else "1")
    License.objects.filter(pk=good.pk).update(
        holder_code=bad_code,
        valid_from=good.issued_on - dt.timedelta(days=1),
        identifier=good.identifier[:-1] + ("0" if good.identifier[-1] != "0" else "1"),
        face=good.face | {"sex": "女"},
        scanned_at=None,
    )
    run = quality.scan()
    assert run is not None and run.opened == 4
    assert open_rules(good) == {
        FindingCheck.HOLDER_CODE: Severity.ERROR,
        FindingCheck.DATES: Severity.ERROR,
        FindingCheck.IDENTIFIER: Severity.ERROR,
        FindingCheck.FACE_SCHEMA: Severity.ERROR,
    }
    finding = good.findings.get(rule=FindingCheck.FACE_SCHEMA)
    assert finding.department == gaj and finding.license_type_id == good.license_type_id
    assert "sex" in finding.detail and "女" not in finding.detail
    assert CITIZEN_ID_NUMBER not in "".join(good.findings.values_list("detail", flat=True))

    rescan(good)  # nothing fixed: the same findings, seen again
    assert quality.scan().opened == 0  # type: ignore[union-attr]
    assert good.findings.count() == 4

    License.objects.filter(pk=good.pk).update(
        holder_code=good.holder_code,
        valid_from=good.valid_from,
        identifier=good.identifier,
        face=good.face,
        scanned_at=None,
    )
    run = quality.scan()
    assert run is not None and run.resolved == 4 and open_rules(good) == {}
    assert set(good.findings.values_list("status", flat=True)) == {FindingStatus.RESOLVED}


def test_holder_name_and_one_per_holder(
    citizen: User, id_card: License, id_card_type: LicenseType, gaj: Department
) -> None:
    later = second_id_card(id_card_type, gaj, name="张三丰")
    quality.scan()
    assert open_rules(id_card) == {}
    assert open_rules(later) == {
        FindingCheck.HOLDER_NAME: Severity.WARNING,
        FindingCheck.DUPLICATE: Severity.WARNING,
    }
    assert f"#{id_card.pk}" in later.findings.get(rule=FindingCheck.DUPLICATE).detail


def test_legal_person_name_and_same_number(
    business_licence: License, enterprise: LegalPerson, business_type: LicenseType, department: Department
) -> None:
    License.objects.filter(pk=business_licence.pk).update(holder_name="上海测试餐饮（集团）有限公司")
    number_twin = License.objects.get(pk=business_licence.pk)
    number_twin.pk, number_twin.identifier, number_twin.status_list, number_twin.status_index = (
        None, business_licence.identifier + "0", None, None,
    )  # fmt: skip
    number_twin.save()
    quality.scan()
    assert open_rules(business_licence) == {FindingCheck.HOLDER_NAME: Severity.WARNING}
    rules = open_rules(number_twin)
    assert rules[FindingCheck.DUPLICATE] == Severity.WARNING and FindingCheck.IDENTIFIER in rules


def test_full_scan_and_summary(id_card: License, business_licence: License, gaj: Department) -> None:
    quality.scan()
    License.objects.filter(pk=id_card.pk).update(valid_from=id_card.issued_on - dt.timedelta(days=3))
    assert quality.scan().scanned == 0  # type: ignore[union-attr]  # update() did not mark it
    run = quality.scan(full=True)
    assert run is not None and run.full and run.scanned == 2 and run.opened == 1
    summary = findings_summary()
    assert [(c.department_id, c.rule, c.severity, c.count) for c in summary] == [
        (gaj.pk, FindingCheck.DATES, Severity.ERROR, 1)
    ]
    assert summary[0].license_type_name == id_card.license_type.name and str(summary[0].rule_label)
    assert findings_summary([gaj.pk + 1000]) == []


def food_face(number: str) -> dict[str, Any]:
    return {
        "licence_number": number,
        "holder_name": "上海测试餐饮有限公司",
        "uscc": ENTERPRISE_USCC,
        "legal_representative": "张三",
        "address": "上海市黄浦区测试路1号",
        "premises": "上海市黄浦区测试路1号",
        "business_form": "餐饮服务经营者",
        "business_items": "热食类食品制售",
        "supervising_authority": "黄浦区市场监督管理局",
        "issuing_authority": "上海市黄浦区市场监督管理局",
    }


def test_expiring_sweep_follows_the_calendar(food_type: LicenseType, department: Department) -> None:
    today = timezone.localdate()
    ends = today + dt.timedelta(days=200)
    lic = issue_license(
        license_type=food_type,
        issuer=department,
        holder_code=ENTERPRISE_USCC,
        holder_name="上海测试餐饮有限公司",
        face=food_face("JY13101010000001"),
        number="JY13101010000001",
        issued_on=ends.replace(year=ends.year - 5),
        valid_to=ends,
    )
    quality.scan()
    assert open_rules(lic) == {}
    later = timezone.now() + dt.timedelta(days=150)
    run = quality.scan(now=later)
    assert run is not None and run.scanned == 0 and run.opened == 1  # by date, without a rescan
    assert open_rules(lic) == {FindingCheck.EXPIRING: Severity.INFO}
    assert quality.scan(now=later).opened == 0  # type: ignore[union-attr]
    License.objects.filter(pk=lic.pk).update(status=LicenseStatus.REVOKED)
    assert quality.scan(now=later).resolved == 1  # type: ignore[union-attr]


def test_dismissed_stays_dismissed_until_the_licence_changes(
    id_card: License, staff_user: User, gaj: Department
) -> None:
    License.objects.filter(pk=id_card.pk).update(face=id_card.face | {"ethnicity": "火星"})
    quality.scan(full=True)
    finding = id_card.findings.get()
    closed = quality.close_finding(
        finding.pk, principal=Principal(user=staff_user), department_ids=[gaj.pk], note="核实无误"
    )
    assert closed.status == FindingStatus.DISMISSED and closed.resolved_by == staff_user
    quality.scan(full=True)
    assert open_rules(id_card) == {}
    License.objects.filter(pk=id_card.pk).update(updated_at=timezone.now() + dt.timedelta(seconds=5))
    quality.scan(full=True)
    assert open_rules(id_card) == {FindingCheck.FACE_SCHEMA: Severity.ERROR}


def test_scan_lock(id_card: License) -> None:
    from django.core.cache import cache

    cache.add(quality.SCAN_LOCK, "busy")
    assert quality.scan() is None and not QualityScanRun.objects.exists()
    assert scan_licenses.enqueue().return_value == {"skipped": "another scan is running"}
    cache.delete(quality.SCAN_LOCK)
    assert scan_licenses.enqueue().return_value["scanned"] == 1


def test_expire_task(id_card: License) -> None:
    License.objects.filter(pk=id_card.pk).update(valid_to=timezone.localdate() - dt.timedelta(days=1))
    assert expire_licenses.enqueue().return_value == 1
    assert License.objects.get(pk=id_card.pk).status == LicenseStatus.EXPIRED


def _variants(face: dict[str, Any]) -> list[dict[str, Any]]:
    out = [face, {}, face | {"unknown": "x"}]
    for name, value in face.items():
        out += [
            {k: v for k, v in face.items() if k != name},
            face | {name: ""},
            face | {name: " " + str(value) + " "},
            face | {name: str(value) + "X"},
            face | {name: "2999-01-01"},
            face | {name: "1900-02-30"},
            face | {name: 12},
            face | {name: True},
            face | {name: "长期"},
            face | {name: "x" * 2001},
        ]
    return out


@pytest.mark.parametrize(
    "key", ["id_card", "business_license", "food_licence", "driving_licence", "marriage_cert"]
)
def test_fast_face_checker_agrees_with_the_schema_validator(key: str, department: Department) -> None:
    license_type = make_type(key, department)
    base = {
        "id_card": id_card_face() | {"valid_from": "2020-05-01", "valid_to": "长期"},
        "business_license": business_face() | {"issue_date": "2020-03-01"},
        "food_licence": food_face("JY13101010000001")
        | {"issue_date": "2020-01-01", "valid_to": "2025-01-01"},
    }.get(key, dict.fromkeys(FACES[key].names, "2020-01-01"))
    checker = quality.FaceChecker(license_type, today=timezone.localdate())
    for variant in _variants(base):
        expected = [(e.code, e.field, e.params.get("reason")) for e in validate_face(license_type, variant)]
        assert [(e.code, e.field, e.params.get("reason")) for e in checker.problems(variant)] == expected, (
            variant
        )
