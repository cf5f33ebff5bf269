"""Excel import/export of the 实施清单: round trip, per-row error report, all-or-nothing, dry run."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError

import openpyxl
import pytest

from tongban.audits.models import AuditEvent
from tongban.items import services
from tongban.items.constants import ItemState, MaterialSource
from tongban.items.excel import (
    ImportRejected,
    ParsedCatalog,
    apply,
    items_for_export,
    read_workbook,
    write_workbook,
)
from tongban.items.excel.columns import SHEETS
from tongban.items.excel.tables import item_type
from tongban.items.models import DataResource, FormField, Material, MaterialKind, ServiceItem, Topic
from tongban.items.snapshots import diff
from tongban.licenses.constants import HolderKind
from tongban.licenses.models import LicenseType
from tongban.organizations.constants import DepartmentLevel
from tongban.organizations.models import Department, Region
from tongban.utils.identifiers import make_uscc

DOCS = Path(__file__).resolve().parents[4] / "docs" / "catalog-excel.md"

# --- a small catalogue, built through the services (shared with test_admin) ---


@dataclass
class Catalogue:
    department: Department
    police: Department
    license_type: LicenseType
    kinds: dict[str, MaterialKind]
    topic: Topic
    form_field: FormField
    food: ServiceItem  # 食品经营许可: fully online, no fee, issues a licence
    hukou: ServiceItem  # 户籍证明: one visit, a fee


def item_fields(department: Department, code: str, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "code": code,
        "basic_code": code[-10:],
        "name": f"测试事项{code[-4:]}",
        "item_type": "07",
        "department": department,
        "exercise_level": "3",
        "for_natural_persons": True,
        "case_kind": "2",
        "legal_time_limit": 20,
        "promised_time_limit": 5,
        "visits": 0,
        "online_depth": 4,
        "acceptance_conditions": "本市户籍居民。",
        "procedure": "网上申请\n审核\n办结",
        "channels": ["pc", "mobile"],
        "result_name": "证明",
        "result_kind": "document",
        "consultation_phone": "021-12345",
    }
    fields.update(overrides)
    return fields


def build_catalogue(department: Department) -> Catalogue:
    police = Department.objects.create(
        slug="police-test",
        name="上海市公安局",
        uscc=make_uscc("11310000MB900002"),
        region=Region.objects.get(code="310000"),
        level=DepartmentLevel.CITY,
    )
    license_type = LicenseType.objects.create(
        code=department.uscc + "001",
        name="食品经营许可证",
        issuing_department=department,
        holder_kind=HolderKind.LEGAL_PERSON,
        available_electronically=True,
    )
    hukou_data = DataResource.objects.create(code="hukou", name="户籍信息", provider=police)
    kinds = {
        "application-form": MaterialKind.objects.create(
            code="application-form", name="申请书", source=MaterialSource.APPLICANT
        ),
        "business-licence": MaterialKind.objects.create(
            code="business-licence",
            name="营业执照",
            source=MaterialSource.E_LICENSE,
            license_type=license_type,
        ),
        "hukou-book": MaterialKind.objects.create(
            code="hukou-book", name="户口簿", source=MaterialSource.SHARED_DATA, data_resource=hukou_data
        ),
        "id-card": MaterialKind.objects.create(
            code="id-card",
            name="居民身份证",
            source=MaterialSource.CITY_ISSUED,
            issuing_department=police,
        ),
    }
    topic = Topic.objects.create(
        code="open-business", name="开办企业", kind="business_event", audience="legal"
    )
    form_field = FormField.objects.create(key="company-name", label="企业名称")
    food = services.create_draft(
        principal=None,
        fields=item_fields(
            department,
            "11310000MB9000013310100000001",
            name="食品经营许可",
            name_en="Food business licence",
            item_type="01",
            local_type_code="XK",
            for_natural_persons=False,
            for_legal_persons=True,
            result_name="食品经营许可证",
            result_kind="license",
            result_license_type=license_type,
            keywords="食品,餐饮",
            summary="开餐馆、卖食品前办理。",
            supports_delivery=True,
        ),
        legal_bases=[
            {"law": "中华人民共和国食品安全法", "article": "第三十五条", "excerpt": "从事食品生产…"}
        ],
        materials=[
            {"kind": kinds["application-form"], "name": "食品经营许可申请书"},
            {"kind": kinds["business-licence"]},
            {
                "kind": kinds["id-card"],
                "requirement": "conditional",
                "condition": "委托他人办理时",
                "form": "copy",
                "original_count": 0,
                "copy_count": 1,
            },
        ],
        faqs=[{"question": "多久能拿证？", "answer": "五个工作日。"}],
        topics=[topic],
        form_fields=[form_field],
    )
    hukou = services.create_draft(
        principal=None,
        fields=item_fields(
            police,
            "11310000MB9000023310100000002",
            name="户籍证明开具",
            case_kind="1",
            legal_time_limit=None,
            promised_time_limit=None,
            visits=1,
            online_depth=3,
            onsite_reason="须当场核验本人。",
            channels=["window", "pc"],
            charges_fee=True,
            handling_scope="cross_district",
        ),
        legal_bases=[{"law": "中华人民共和国户口登记条例", "article": "第四条"}],
        materials=[
            {"kind": kinds["hukou-book"]},
            {"kind": kinds["id-card"], "must_submit_reason": "须核验原件。"},
        ],
        fees=[
            {"name": "工本费", "standard": "每份10元", "amount_cents": 1050, "basis": "沪价费〔2020〕1号"},
            {"name": "加急费", "standard": "按页计", "basis": "沪价费〔2020〕2号", "waivable": True},
        ],
    )
    for item in (food, hukou):
        services.publish(item=item, principal=None)
    food.refresh_from_db()
    hukou.refresh_from_db()
    return Catalogue(department, police, license_type, kinds, topic, form_field, food, hukou)


@pytest.fixture
def catalogue(department: Department) -> Catalogue:
    return build_catalogue(department)


# --- workbook helpers ---


def export() -> io.BytesIO:
    out = io.BytesIO()
    write_workbook(items_for_export(), out)
    out.seek(0)
    return out


def save(wb: openpyxl.Workbook, tmp_path: Path, name: str = "catalogue.xlsx") -> Path:
    path = tmp_path / name
    wb.save(path)
    return path


def add_row(wb: openpyxl.Workbook, sheet: str, values: dict[str, Any]) -> int:
    """Append a row by header; returns its Excel row number."""
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    unknown = set(values) - set(headers)
    assert not unknown, unknown
    row = ws.max_row + 1
    for index, header in enumerate(headers, start=1):
        ws.cell(row=row, column=index, value=values.get(header))
    return row


def new_item(wb: openpyxl.Workbook, code: str, **overrides: Any) -> int:
    """A complete new item (with a legal basis and a material); overrides by header."""
    values = {
        "实施编码": code,
        "基本编码": code[-10:],
        "事项名称": f"新事项{code[-3:]}",
        "事项类型": "行政确认",
        "实施主体": "上海市市场监督管理局",
        "行使层级": "市级",
        "服务对象": "自然人",
        "办件类型": "承诺件",
        "法定办结时限": 20,
        "法定时限单位": "工作日",
        "承诺办结时限": 10,
        "承诺时限单位": "工作日",
        "到办事现场次数": 0,
        "网上办理深度": 4,
        "受理条件": "本市居民。",
        "办理流程": "申请\n办结",
        "是否收费": "否",
        "结果名称": "证明",
        "结果类型": "批文",
        "通办范围": "全市通办",
        "办理渠道": "电脑端网上办理,移动端网上申请",
    }
    values.update(overrides)
    row = add_row(wb, "事项", values)
    add_row(wb, "设定依据", {"实施编码": code, "法律法规名称": "某条例", "条款": "第一条"})
    add_row(wb, "申请材料", {"实施编码": code, "材料类型代码": "application-form", "是否必需": "必需"})
    return row


def published_state() -> dict[str, tuple[int, dict[str, Any]]]:
    return {i.code: (i.version, i.snapshot) for i in ServiceItem.objects.published()}


def sheet_values(data: io.BytesIO) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    wb = openpyxl.load_workbook(data)
    for ws in wb.worksheets:
        yield ws.title, [tuple(row) for row in ws.iter_rows(values_only=True)]


pytestmark = pytest.mark.django_db


# --- round trip ---


def test_export_then_import_publishes_identical_new_versions(catalogue: Catalogue) -> None:
    first = export()
    parsed = read_workbook(first)
    assert isinstance(parsed, ParsedCatalog), parsed
    summary = apply(parsed, None, change_note="round trip")
    assert sorted(summary.revised) == [(catalogue.food.code, 2), (catalogue.hukou.code, 2)]
    assert summary.created == []
    for before in (catalogue.food, catalogue.hukou):
        after = ServiceItem.objects.get(code=before.code, state=ItemState.PUBLISHED)
        assert after.version == 2
        before.refresh_from_db()
        assert before.state == ItemState.SUPERSEDED
        assert diff(before.snapshot, after.snapshot) == []
        assert {k for k in before.snapshot if before.snapshot[k] != after.snapshot[k]} <= {
            "version",
            "published_at",
            "change_note",
        }
    # ... and the next export is the same workbook, cell for cell.
    assert list(sheet_values(export())) == list(sheet_values(first))


def test_export_writes_every_sheet_and_readable_values(catalogue: Catalogue) -> None:
    wb = openpyxl.load_workbook(export())
    assert wb.sheetnames == ["事项", "设定依据", "申请材料", "收费项目", "常见问题", "填写说明"]
    items = {row[0]: row for row in wb["事项"].iter_rows(min_row=2, values_only=True)}
    headers = [c.value for c in wb["事项"][1]]
    food = dict(zip(headers, items[catalogue.food.code], strict=True))
    assert food["事项类型"] == "行政许可"
    assert food["地方事项类型代码"] == "XK"
    assert food["实施主体"] == "上海市市场监督管理局"
    assert food["服务对象"] == "法人"
    assert food["网上办理深度"] == 4
    assert food["办理渠道"] == "电脑端网上办理,移动端网上申请"
    assert food["结果证照类型代码"] == catalogue.license_type.code
    fees = list(wb["收费项目"].iter_rows(min_row=2, values_only=True))
    assert [(f[1], f[3]) for f in fees] == [("工本费", 10.5), ("加急费", None)]


def test_revision_keeps_material_files_the_workbook_cannot_carry(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    Material.objects.filter(item=catalogue.hukou, kind__code="hukou-book").update(
        blank_form="catalogue/forms/hukou.pdf", notes="请带户口簿首页。"
    )
    draft = services.start_revision(code=catalogue.hukou.code, principal=None)
    services.publish(item=draft, principal=None)
    wb = openpyxl.load_workbook(export())
    ws = wb["申请材料"]
    ws.delete_cols([c.value for c in ws[1]].index("备注") + 1)  # leave the optional column out
    parsed = read_workbook(save(wb, tmp_path))
    assert isinstance(parsed, ParsedCatalog), parsed
    apply(parsed, None)
    material = Material.objects.get(item__code=catalogue.hukou.code, item__version=3, kind__code="hukou-book")
    assert material.blank_form.name == "catalogue/forms/hukou.pdf"
    assert material.notes == "请带户口簿首页。"


# --- problems: reported per row, nothing applied ---


def test_bad_rows_are_each_reported_and_nothing_is_applied(catalogue: Catalogue, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export())
    good = new_item(wb, "NEW-GOOD-001")
    bad_type = new_item(wb, "NEW-BAD-TYPE", 事项类型="99")
    bad_dept = new_item(wb, "NEW-BAD-DEPT", 实施主体="上海市不存在局")
    bad_kind_item = new_item(wb, "NEW-BAD-KIND")
    bad_kind = add_row(wb, "申请材料", {"实施编码": "NEW-BAD-KIND", "材料类型代码": "no-such-kind"})
    no_reason = new_item(wb, "NEW-NO-REASON", 到办事现场次数=2, 网上办理深度=3)
    online_visit = new_item(wb, "NEW-ONLINE-VISIT", 到办事现场次数=1, 必须现场办理原因="须核验原件。")
    orphan = add_row(wb, "常见问题", {"实施编码": "NO-SUCH-ITEM", "问题": "问？", "回答": "答。"})
    too_slow = new_item(wb, "NEW-PROMISE", 承诺办结时限=30)
    path = save(wb, tmp_path)
    before = (published_state(), ServiceItem.objects.count(), AuditEvent.objects.count())

    errors = read_workbook(path)

    assert isinstance(errors, list)
    found = {(e.sheet, e.row, e.column, e.code) for e in errors}
    assert found == {
        ("事项", bad_type, "事项类型", "item_type_unknown"),
        ("事项", bad_dept, "实施主体", "department_unknown"),
        ("申请材料", bad_kind, "材料类型代码", "material_kind_unknown"),
        ("事项", no_reason, "必须现场办理原因", "onsite_reason_required"),
        ("事项", online_visit, "到办事现场次数", "fully_online_with_visits"),
        ("常见问题", orphan, "实施编码", "item_unknown"),
        ("事项", too_slow, "承诺办结时限", "promised_exceeds_legal"),
    }
    assert good not in {e.row for e in errors if e.sheet == "事项"}
    assert bad_kind_item not in {e.row for e in errors if e.sheet == "事项"}
    assert all(e.message for e in errors)
    assert (published_state(), ServiceItem.objects.count(), AuditEvent.objects.count()) == before

    with pytest.raises(CommandError, match="7 problem"):
        call_command("import_catalog", str(path), stderr=io.StringIO(), stdout=io.StringIO())
    assert (published_state(), ServiceItem.objects.count(), AuditEvent.objects.count()) == before


def test_command_reports_sheet_row_column_and_code(catalogue: Catalogue, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export())
    row = new_item(wb, "NEW-BAD-TYPE", 事项类型="ZZ")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_catalog", str(save(wb, tmp_path)), stderr=err, stdout=io.StringIO())
    assert f"事项!{row} [事项类型] item_type_unknown:" in err.getvalue()


def test_apply_is_all_or_nothing_when_publishing_fails(catalogue: Catalogue, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export())
    new_item(wb, "NEW-GOOD-001")
    row = new_item(wb, "NEW-NO-REASON", 到办事现场次数=1, 网上办理深度=3)
    parsed = read_workbook(save(wb, tmp_path), check_rules=False)
    assert isinstance(parsed, ParsedCatalog)
    before = (published_state(), ServiceItem.objects.count())
    with pytest.raises(ImportRejected) as rejected:
        apply(parsed, None)
    assert [(e.row, e.code) for e in rejected.value.errors] == [(row, "onsite_reason_required")]
    assert (published_state(), ServiceItem.objects.count()) == before


def test_structure_problems_are_reported_before_rows(catalogue: Catalogue, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export())
    del wb["常见问题"]
    ws = wb["事项"]
    ws.cell(row=1, column=[c.value for c in ws[1]].index("受理条件") + 1, value="受理条件说明")
    errors = read_workbook(save(wb, tmp_path))
    assert isinstance(errors, list)
    assert {(e.sheet, e.row, e.column, e.code) for e in errors} == {
        ("常见问题", None, "", "sheet_missing"),
        ("事项", 1, "受理条件说明", "unknown_column"),
        ("事项", 1, "受理条件", "column_missing"),
    }


def test_rule_problems_of_a_material_point_at_its_row(catalogue: Catalogue, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export())
    new_item(wb, "NEW-COND")
    row = add_row(wb, "申请材料", {"实施编码": "NEW-COND", "材料类型代码": "id-card", "是否必需": "按情形"})
    bad_amount = add_row(
        wb,
        "收费项目",
        {
            "实施编码": "NEW-COND",
            "收费项目": "费",
            "收费标准": "按次",
            "收费依据": "某文件",
            "金额（元）": 1.005,
        },
    )
    errors = read_workbook(save(wb, tmp_path))
    assert isinstance(errors, list)
    assert [(e.sheet, e.row, e.column, e.code) for e in errors] == [
        ("收费项目", bad_amount, "金额（元）", "amount_invalid"),
    ]
    wb["收费项目"].delete_rows(bad_amount)
    errors = read_workbook(save(wb, tmp_path, "second.xlsx"))
    assert isinstance(errors, list)
    assert [(e.sheet, e.row, e.column, e.code) for e in errors] == [
        ("申请材料", row, "情形说明", "material_condition_required"),
    ]


def test_amounts_are_read_in_yuan_and_stored_in_fen(catalogue: Catalogue, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export())
    new_item(wb, "NEW-FEE", 是否收费="是")
    for amount in (12.3, "8", "0.05", None):
        add_row(
            wb,
            "收费项目",
            {
                "实施编码": "NEW-FEE",
                "收费项目": "费",
                "收费标准": "按次",
                "收费依据": "某文件",
                "金额（元）": amount,
            },
        )
    parsed = read_workbook(save(wb, tmp_path))
    assert isinstance(parsed, ParsedCatalog), parsed
    apply(parsed, None)
    item = ServiceItem.objects.get(code="NEW-FEE")
    assert list(item.fees.values_list("amount_cents", flat=True)) == [1230, 800, 5, None]


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a zip")
    errors = read_workbook(path)
    assert isinstance(errors, list) and errors[0].code == "workbook_unreadable"


def test_duplicate_code_and_draft_in_progress_are_refused(catalogue: Catalogue, tmp_path: Path) -> None:
    services.start_revision(code=catalogue.hukou.code, principal=None)
    wb = openpyxl.load_workbook(export())
    first = new_item(wb, "NEW-TWICE")
    second = new_item(wb, "NEW-TWICE")
    errors = read_workbook(save(wb, tmp_path))
    assert isinstance(errors, list)
    hukou_row = next(r[0].row for r in wb["事项"].iter_rows(min_row=2) if r[0].value == catalogue.hukou.code)
    assert {(e.row, e.code) for e in errors} == {(second, "duplicate_code"), (hukou_row, "item_draft_exists")}
    assert first not in {e.row for e in errors}


# --- a good import applies everything ---


def test_good_import_publishes_new_items_and_revisions(catalogue: Catalogue, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export())
    ws = wb["事项"]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == catalogue.food.code:
            row[headers.index("事项名称")].value = "食品经营许可（新）"
    new_item(wb, "NEW-A", 事项类型="XK", 服务对象="自然人,法人")
    new_item(
        wb,
        "NEW-B",
        事项类型=20,
        办理渠道="窗口、快递",
        到办事现场次数=1,
        网上办理深度="Ⅲ",
        必须现场办理原因="核验",
    )
    add_row(wb, "收费项目", {})  # a blank row is skipped
    out = io.StringIO()

    call_command("import_catalog", str(save(wb, tmp_path)), "--note", "2026 年清单", stdout=out)

    assert "4 item(s) published: 2 new, 2 revised." in out.getvalue()
    food = ServiceItem.objects.get(code=catalogue.food.code, state=ItemState.PUBLISHED)
    assert (food.version, food.name, food.change_note) == (2, "食品经营许可（新）", "2026 年清单")
    changes = diff(catalogue.food.snapshot, food.snapshot)
    assert [c["field"] for c in changes] == ["name"]
    new_a = ServiceItem.objects.get(code="NEW-A")
    assert (new_a.state, new_a.version) == ("published", 1)
    assert (new_a.item_type, new_a.local_type_code) == ("01", "XK")
    assert new_a.for_natural_persons and new_a.for_legal_persons
    new_b = ServiceItem.objects.get(code="NEW-B")
    assert (new_b.item_type, new_b.channels, new_b.online_depth) == ("20", ["window", "mail"], 3)
    assert AuditEvent.objects.filter(event="catalog.imported").count() == 1


def test_dry_run_changes_nothing(catalogue: Catalogue, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export())
    new_item(wb, "NEW-A")
    path = save(wb, tmp_path)
    before = (published_state(), ServiceItem.objects.count(), AuditEvent.objects.count())
    out = io.StringIO()
    call_command("import_catalog", str(path), "--dry-run", stdout=out)
    assert "3 item(s) checked: no problems" in out.getvalue()
    assert (published_state(), ServiceItem.objects.count(), AuditEvent.objects.count()) == before


def test_export_command_writes_published_versions(catalogue: Catalogue, tmp_path: Path) -> None:
    services.start_revision(code=catalogue.food.code, principal=None)  # a draft is not exported
    path = tmp_path / "out.xlsx"
    call_command("export_catalog", "--output", str(path), stdout=io.StringIO())
    wb = openpyxl.load_workbook(path)
    codes = [r[0] for r in wb["事项"].iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == sorted([catalogue.food.code, catalogue.hukou.code])


# --- code tables ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("XK", ("01", "XK")),
        ("xk", ("01", "XK")),
        ("GG", ("20", "GG")),
        ("01", ("01", "")),
        ("1", ("01", "")),
        ("行政许可", ("01", "")),
        ("许可", ("01", "")),
        ("公共服务事项", ("20", "")),
        ("20", ("20", "")),
        ("99", None),
        ("ZZ", None),
    ],
)
def test_item_type_accepts_codes_labels_and_local_aliases(text: str, expected: Any) -> None:
    assert item_type(text) == expected


def test_local_alias_xk_imports_as_national_01(catalogue: Catalogue, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export())
    new_item(wb, "NEW-XK", 事项类型="XK")
    parsed = read_workbook(save(wb, tmp_path))
    assert isinstance(parsed, ParsedCatalog), parsed
    apply(parsed, None)
    item = ServiceItem.objects.get(code="NEW-XK")
    assert (item.item_type, item.local_type_code) == ("01", "XK")


def test_local_code_must_agree_with_the_type(catalogue: Catalogue, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export())
    row = new_item(wb, "NEW-MISMATCH", 事项类型="行政确认", 地方事项类型代码="XK")
    errors = read_workbook(save(wb, tmp_path))
    assert isinstance(errors, list)
    assert [(e.row, e.column, e.code) for e in errors] == [(row, "地方事项类型代码", "local_type_mismatch")]


def test_docs_describe_every_column() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for sheet in SHEETS:
        assert f"`{sheet.name}`" in text
        for column in sheet.columns:
            assert f"| {column.header} |" in text, column.header
