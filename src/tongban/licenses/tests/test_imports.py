"""Bulk import of licences: checks per row, good rows land, bad rows reported, resumable, signing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command

import pytest

from tongban.conftest import CITIZEN_ID_NUMBER
from tongban.licenses.constants import LicenseSource, LicenseStatus
from tongban.licenses.holders import holder_hash
from tongban.licenses.identifiers import build_identifier, parse_identifier
from tongban.licenses.models import License, LicenseImport, LicenseType
from tongban.licenses.services import imports
from tongban.licenses.services.presentations import verify_stored_credential
from tongban.licenses.tests.conftest import ENTERPRISE_USCC, business_face, id_card_face
from tongban.organizations.models import Department
from tongban.utils.errors import Conflict
from tongban.utils.identifiers import make_resident_id

pytestmark = pytest.mark.django_db


def person(i: int) -> tuple[str, dict[str, str]]:
    """A distinct holder: ID number and a matching 居民身份证 face."""
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=i)
    number = make_resident_id("310101", birth, 100 + i % 900)
    face = id_card_face() | {"id_number": number, "birth_date": birth.isoformat()}
    face["sex"] = "男" if int(number[16]) % 2 else "女"
    return number, face


def id_row(t: LicenseType, i: int, **changes: Any) -> dict[str, Any]:
    number, face = person(i)
    row = {
        "type": t.code,
        "issuer": "gaj-test",
        "number": f"GA{i:06d}",
        "holder_code": number,
        "holder_name": "张三",
        "issued_on": "2020-05-01",
        "valid_to": "2040-05-01",
        "face": face,
    }
    return row | changes


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_good_rows_land_bad_rows_reported(tmp_path: Path, id_card_type: LicenseType) -> None:
    rows = [id_row(id_card_type, i) for i in range(5)]
    rows[1]["holder_code"] = rows[1]["holder_code"][:17] + ("0" if rows[1]["holder_code"][17] != "0" else "1")
    rows[2]["face"] = rows[2]["face"] | {"sex": "女" if rows[2]["face"]["sex"] == "男" else "男"}
    rows[3]["valid_to"] = "2019-01-01"
    path = write_jsonl(tmp_path / "ids.jsonl", rows)
    path.write_text(path.read_text(encoding="utf-8") + "\nnot json\n", encoding="utf-8")

    record = imports.import_file(path)

    assert record.status == LicenseImport.Status.DONE
    assert (record.rows_read, record.rows_imported, record.rows_rejected) == (6, 2, 4)
    by_line = {e["line"]: e for e in record.errors}
    assert by_line[2]["code"] == "holder_code_invalid" and by_line[2]["field"] == "holder_code"
    assert by_line[3]["code"] == "face_field_invalid" and by_line[3]["field"] == "face.sex"
    assert by_line[4]["code"] == "validity_end_before_start" and by_line[4]["field"] == "valid_to"
    assert by_line[7]["code"] == "row_format"
    written = list(csv.DictReader(io.StringIO(Path(record.errors_file).read_text(encoding="utf-8"))))
    assert [int(r["line"]) for r in written] == [2, 3, 4, 7]
    assert not any(rows[1]["holder_code"] in r["message"] for r in written)  # no personal values

    stored = License.objects.get(number="GA000000")
    assert stored.holder_code == rows[0]["holder_code"]
    assert stored.holder_hash == holder_hash("111", rows[0]["holder_code"])
    assert stored.face["valid_from"] == "2020-05-01" and stored.face["valid_to"] == "2040-05-01"
    assert stored.source == LicenseSource.IMPORTED and stored.status == LicenseStatus.VALID
    assert stored.credential == "" and stored.disclosures == [] and stored.scanned_at is None
    assert stored.status_list_id is not None and stored.status_index is not None
    assert parse_identifier(stored.identifier).issuer_code == stored.issuer.uscc


def test_built_identifier_matches_the_standard_builder(id_card_type: LicenseType, gaj: Department) -> None:
    catalog = imports.Catalog(today=dt.date.today())
    text, state = catalog.prefix(id_card_type, gaj)
    serial = "0123456789ABCDEF"
    built = f"{text}{serial}.001.{imports._check_char(imports._mod_state(state, serial + '001'))}"
    assert built == build_identifier(id_card_type.code, gaj.uscc, serial, 1)


def test_csv_face_column_and_face_prefix_columns(
    tmp_path: Path, business_type: LicenseType, enterprise: Any
) -> None:
    face = business_face()
    path = tmp_path / "biz.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["type", "holder_code", "holder_name", "issued_on", "valid_to", "face", "face_address"]
        )
        rest = {k: v for k, v in face.items() if k != "address"}
        writer.writerow(
            [business_type.code, ENTERPRISE_USCC, face["holder_name"], "2020-03-01", "长期",
             json.dumps(rest, ensure_ascii=False), face["address"]]
        )  # fmt: skip
        writer.writerow([business_type.code, "91310101MA7TE0T1XX", "坏代码公司", "2020-03-01", "", "{}", ""])
        writer.writerow([business_type.code, ENTERPRISE_USCC, "多行\n名称", "2020-03-01", "", "[1]", ""])

    record = imports.import_file(path, issuer=Department.objects.get(slug="samr-test"))

    assert (record.rows_imported, record.rows_rejected) == (1, 2), record.errors
    assert [(e["line"], e["code"]) for e in record.errors] == [
        (3, "holder_code_invalid"),
        (4, "face_invalid"),
    ]
    stored = License.objects.get(license_type=business_type)
    assert stored.valid_to is None and stored.face["address"] == face["address"]
    assert stored.number.startswith("2020")  # built like an issued licence's number


def test_duplicate_identifiers_and_numbers_rejected(
    tmp_path: Path, id_card: License, id_card_type: LicenseType, gaj: Department
) -> None:
    own = build_identifier(id_card_type.code, gaj.uscc, "ABC123", 1)
    rows = [
        id_row(id_card_type, 1, identifier=id_card.identifier),  # in the library already
        id_row(id_card_type, 2, identifier=own),
        id_row(id_card_type, 3, identifier=own),  # earlier in the file
        id_row(id_card_type, 4, number="GA000002"),  # same type and number as row 2
        id_row(id_card_type, 5, identifier=own[:-1] + ("0" if own[-1] != "0" else "1")),
        id_row(id_card_type, 6, identifier=build_identifier("1" * 17 + "0" + "001", gaj.uscc, "X1", 1)),
    ]
    record = imports.import_file(write_jsonl(tmp_path / "dups.jsonl", rows))
    codes = {e["line"]: e["code"] for e in record.errors}
    assert record.rows_imported == 1 and License.objects.filter(identifier=own).exists()
    assert codes == {
        1: "license_identifier_duplicate",
        3: "license_identifier_duplicate",
        4: "license_number_duplicate",
        5: "license_id_checksum",
        6: "license_id_type_mismatch",
    }


def test_issuer_rules(tmp_path: Path, id_card_type: LicenseType, food_type: LicenseType) -> None:
    rows = [id_row(id_card_type, 1, issuer="samr-test"), id_row(id_card_type, 2, issuer="nobody")]
    rows.append(id_row(id_card_type, 3, issuer=""))
    record = imports.import_file(write_jsonl(tmp_path / "issuers.jsonl", rows))
    assert [e["code"] for e in record.errors] == [
        "license_issuer_not_allowed",
        "issuer_unknown",
        "issuer_unknown",
    ]


def test_resume_after_interruption(tmp_path: Path, id_card_type: LicenseType) -> None:
    rows = [id_row(id_card_type, i) for i in range(7)]
    rows[4]["holder_name"] = ""
    path = write_jsonl(tmp_path / "resume.jsonl", rows)

    first = imports.import_file(path, batch=2, max_batches=2)
    assert first.status == LicenseImport.Status.RUNNING
    assert (first.rows_read, first.rows_imported) == (4, 4)
    assert first.checkpoint["line"] == 5 and first.checkpoint["offset"] == sum(
        len(line) for line in path.read_bytes().splitlines(keepends=True)[:4]
    )
    errors = Path(imports.errors_path_for(path))
    errors.write_text("line,code\n99,written by a run killed before its commit\n", encoding="utf-8")

    done = imports.import_file(path, batch=2)
    assert done.pk == first.pk and done.status == LicenseImport.Status.DONE
    assert (done.rows_read, done.rows_imported, done.rows_rejected) == (7, 6, 1)
    assert License.objects.count() == 6 and License.objects.values("number").distinct().count() == 6
    assert "99" not in errors.read_text(encoding="utf-8") and "holder_name_required" in errors.read_text()
    with pytest.raises(Conflict) as exc:
        imports.import_file(path)
    assert exc.value.code == "import_already_done"


def test_forked_workers_give_the_same_result(tmp_path: Path, id_card_type: LicenseType) -> None:
    rows = [id_row(id_card_type, i) for i in range(9)]
    rows[5]["issued_on"] = "2020-13-01"
    record = imports.import_file(write_jsonl(tmp_path / "workers.jsonl", rows), batch=2, workers=2)
    assert (record.rows_imported, record.rows_rejected) == (8, 1)
    assert record.errors == [
        {"line": 6, "code": "date_invalid", "field": "issued_on", "message": record.errors[0]["message"]}
    ]


def test_sign_during_import_and_pending_signing(
    tmp_path: Path, id_card_type: LicenseType, platform: Department
) -> None:
    signed = imports.import_file(write_jsonl(tmp_path / "a.jsonl", [id_row(id_card_type, 1)]), sign=True)
    assert signed.rows_imported == 1
    lic = License.objects.get(number="GA000001")
    assert lic.credential and lic.signing_kid and verify_stored_credential(lic)
    assert len(lic.disclosures) == len(lic.face)

    imports.import_file(write_jsonl(tmp_path / "b.jsonl", [id_row(id_card_type, i) for i in range(2, 6)]))
    assert License.objects.filter(credential="").count() == 4
    assert imports.sign_pending(batch=3) == 4
    assert imports.sign_pending() == 0
    assert all(verify_stored_credential(lic) for lic in License.objects.all())


def test_command(tmp_path: Path, id_card_type: LicenseType) -> None:
    path = write_jsonl(tmp_path / "cmd.jsonl", [id_row(id_card_type, i) for i in range(3)])
    out = io.StringIO()
    call_command("import_licenses", str(path), "--workers", "0", "--no-progress", stdout=out)
    assert "3 imported, 0 rejected" in out.getvalue()
    with pytest.raises(Exception, match="import_already_done"):
        call_command("import_licenses", str(path), "--workers", "0", "--no-progress", stdout=out)


def test_citizen_holder_code_normalised(tmp_path: Path, id_card_type: LicenseType) -> None:
    row = id_row(id_card_type, 0, holder_code=" " + CITIZEN_ID_NUMBER.lower() + " ")
    row["face"] = id_card_face()
    record = imports.import_file(write_jsonl(tmp_path / "c.jsonl", [row]))
    assert record.rows_imported == 1
    assert License.objects.get().holder_hash == holder_hash("111", CITIZEN_ID_NUMBER)


def test_import_serials_follow_the_clock(tmp_path: Path, id_card_type: LicenseType, gaj: Department) -> None:
    early, late = imports.import_serial(1_700_000_000), imports.import_serial(1_700_000_001)
    assert len(early) == 18 and early[:6] < late[:6]
    identifier = build_identifier(id_card_type.code, gaj.uscc, late, 1)
    assert len(identifier) <= License._meta.get_field("identifier").max_length  # type: ignore[operator]
    odd = id_row(id_card_type, 1, identifier=identifier.replace(".001.", ".００１."))  # full-width digits
    record = imports.import_file(write_jsonl(tmp_path / "odd.jsonl", [odd, id_row(id_card_type, 2)]))
    assert len(record.errors) == 1 and record.rows_imported == 1
    assert record.errors[0]["code"] in {"license_id_format", "license_id_version"}  # a clear error, no crash
