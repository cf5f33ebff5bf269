"""The column layout of the 实施清单 workbook: one ``Column`` per header, which parses and renders a cell.

The headers are the file format (a contract with the people and systems that fill the workbook): they
are Chinese and never translated. ``docs/catalog-excel.md`` documents the same layout; a test keeps the
two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.items.constants import LOCAL_TYPE_ALIASES
from tongban.items.excel import tables
from tongban.items.excel.tables import CodeTable, normalise, split_values
from tongban.items.models import (
    FAQ,
    FeeItem,
    FormField,
    LegalBasis,
    Material,
    MaterialKind,
    ServiceItem,
    Topic,
)
from tongban.licenses.models import LicenseType
from tongban.organizations.models import Department

ITEMS_SHEET = "事项"
LEGAL_BASES_SHEET = "设定依据"
MATERIALS_SHEET = "申请材料"
FEES_SHEET = "收费项目"
FAQS_SHEET = "常见问题"
CODE_HEADER = "实施编码"


class CellProblem(Exception):  # noqa: N818 (a value problem, reported per cell, not an error of ours)
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message


class References:
    """The rows a workbook may refer to, loaded once per import (catalogue reference tables are small)."""

    def __init__(self) -> None:
        departments = list(Department.objects.all())
        self.departments_by_name = {d.name: d for d in departments}
        self.departments_by_uscc = {d.uscc.upper(): d for d in departments}
        self.material_kinds = {k.code: k for k in MaterialKind.objects.all()}
        self.license_types = {t.code: t for t in LicenseType.objects.all()}
        self.topics = {t.code: t for t in Topic.objects.all()}
        self.form_fields = {f.key: f for f in FormField.objects.all()}


def cell_text(raw: Any) -> str:
    """A cell as text. Whole numbers lose Excel's ``.0``; long digit strings must be typed as text."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float):
        if not raw.is_integer():
            return repr(raw)
        if abs(raw) >= 1e15:  # beyond a double's exact digits: Excel already rounded the code
            raise CellProblem("number_not_text", _("Enter this value as text: Excel rounds long numbers."))
        raw = int(raw)
    return str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass(frozen=True)
class Column:
    """One column. ``field`` names the model field (or the key the reader groups the value under)."""

    header: str
    field: str
    required: bool = False  # the cell may not be blank
    optional_column: bool = False  # the column may be left out of the sheet altogether
    fmt: str = "文本"
    hint: str = ""  # allowed values, for the documentation sheet and error messages
    export_as_text: bool = False  # codes and phone numbers: Excel must keep them as typed

    def parse(self, raw: Any, refs: References) -> Any:
        text = cell_text(raw)
        if not text:
            if self.required:
                raise CellProblem("value_required", _("This value is required."))
            return self.blank()
        return self.parse_text(text, refs)

    def blank(self) -> Any:
        return ""

    def parse_text(self, text: str, refs: References) -> Any:
        return text

    def render(self, obj: Any) -> Any:
        return getattr(obj, self.field)

    def allowed_values(self) -> str:
        return self.hint


@dataclass(frozen=True)
class TextColumn(Column):
    max_length: int | None = None

    def parse_text(self, text: str, refs: References) -> Any:
        if self.max_length is not None and len(text) > self.max_length:
            raise CellProblem("too_long", _("At most %(max)d characters.") % {"max": self.max_length})
        return text


@dataclass(frozen=True)
class IntColumn(Column):
    minimum: int = 0
    maximum: int = 32767
    default: int | None = None
    fmt: str = "整数"

    def blank(self) -> Any:
        return self.default

    def parse_text(self, text: str, refs: References) -> Any:
        try:
            number = int(text)
        except ValueError:
            raise CellProblem("not_a_whole_number", _("Enter a whole number.")) from None
        if not self.minimum <= number <= self.maximum:
            raise CellProblem(
                "number_out_of_range",
                _("Enter a number from %(min)d to %(max)d.") % {"min": self.minimum, "max": self.maximum},
            )
        return number


def _not_allowed(table: CodeTable, text: str) -> CellProblem:
    return CellProblem(
        table.error_code,
        _("“%(value)s” is not an allowed value. Allowed: %(allowed)s.")
        % {"value": text[:50], "allowed": table.allowed()},
    )


@dataclass(frozen=True)
class ChoiceColumn(Column):
    table: CodeTable = tables.YES_NO
    default: str = ""
    fmt: str = "代码表"

    def blank(self) -> Any:
        return self.default

    def parse_text(self, text: str, refs: References) -> Any:
        value = self.table.lookup(text)
        if value is None:
            raise _not_allowed(self.table, text)
        return value

    def render(self, obj: Any) -> Any:
        value = getattr(obj, self.field)
        return self.table.label(value) if value != "" else ""

    def allowed_values(self) -> str:
        return self.hint or self.table.allowed()


@dataclass(frozen=True)
class BoolColumn(ChoiceColumn):
    table: CodeTable = tables.YES_NO
    fmt: str = "是/否"
    default_value: bool = False

    def blank(self) -> Any:
        return self.default_value

    def parse_text(self, text: str, refs: References) -> Any:
        return super().parse_text(text, refs) == "1"

    def render(self, obj: Any) -> Any:
        return "是" if getattr(obj, self.field) else "否"


@dataclass(frozen=True)
class IntChoiceColumn(ChoiceColumn):
    def parse_text(self, text: str, refs: References) -> Any:
        return int(super().parse_text(text, refs))

    def render(self, obj: Any) -> Any:
        return getattr(obj, self.field)


@dataclass(frozen=True)
class MultiChoiceColumn(ChoiceColumn):
    """Several values in one cell, separated by commas (，,、;). Order is kept, repeats dropped."""

    fmt: str = "代码表，可多选，以逗号分隔"

    def blank(self) -> Any:
        return []

    def parse_text(self, text: str, refs: References) -> Any:
        values: list[str] = []
        for part in split_values(text):
            value = self.table.lookup(part)
            if value is None:
                raise _not_allowed(self.table, part)
            if value not in values:
                values.append(value)
        return values

    def render(self, obj: Any) -> Any:
        return ",".join(self.table.label(v) for v in getattr(obj, self.field))


@dataclass(frozen=True)
class AudienceColumn(MultiChoiceColumn):
    table: CodeTable = tables.AUDIENCE

    def render(self, obj: Any) -> Any:
        assert isinstance(obj, ServiceItem)
        parts = [tables.NATURAL] * obj.for_natural_persons + [tables.LEGAL] * obj.for_legal_persons
        return ",".join(self.table.label(p) for p in parts)


@dataclass(frozen=True)
class ItemTypeColumn(Column):
    """事项类型: national code, Chinese label or a local letter code; parsed to (code, alias)."""

    fmt: str = "代码表"

    def parse_text(self, text: str, refs: References) -> Any:
        found = tables.item_type(text)
        if found is None:
            raise CellProblem(
                tables.ITEM_TYPE.error_code,
                _("“%(value)s” is not an allowed value. Allowed: %(allowed)s.")
                % {
                    "value": text[:50],
                    "allowed": tables.ITEM_TYPE.allowed() + _(", their 2-digit codes or local letter codes"),
                },
            )
        return found

    def render(self, obj: Any) -> Any:
        return tables.ITEM_TYPE.label(getattr(obj, self.field))

    def allowed_values(self) -> str:
        aliases = "、".join(f"{a}（{tables.ITEM_TYPE.label(c)}）" for a, c in LOCAL_TYPE_ALIASES.items())
        return f"{tables.ITEM_TYPE.allowed()}；或国家代码 00–10、20；或地方字母代码 {aliases}"


@dataclass(frozen=True)
class DepartmentColumn(Column):
    fmt: str = "部门全称或统一社会信用代码"

    def parse_text(self, text: str, refs: References) -> Any:
        department = refs.departments_by_name.get(text) or refs.departments_by_uscc.get(text.upper())
        if department is None:
            raise CellProblem(
                "department_unknown",
                _("No department is named “%(value)s” or has this unified social credit code.")
                % {"value": text[:100]},
            )
        if not department.is_active:
            raise CellProblem(
                "department_inactive", _("The department “%(value)s” is inactive.") % {"value": department}
            )
        return department

    def render(self, obj: Any) -> Any:
        return obj.department.name


@dataclass(frozen=True)
class CodeRefColumn(Column):
    """A reference by code to a row of a reference table (material kinds, licence types)."""

    table: str = ""
    error_code: str = ""
    message: str | Promise = ""
    export_as_text: bool = True

    def blank(self) -> Any:
        return None

    def parse_text(self, text: str, refs: References) -> Any:
        found = getattr(refs, self.table).get(text)
        if found is None:
            raise CellProblem(self.error_code, str(self.message) % {"value": text[:100]})
        return found

    def render(self, obj: Any) -> Any:
        target = getattr(obj, self.field)
        return target.code if target is not None else ""


@dataclass(frozen=True)
class MultiRefColumn(Column):
    """Several codes of a reference table in one cell (服务主题, 表单字段)."""

    table: str = ""
    key: str = "code"
    error_code: str = ""
    message: str | Promise = ""
    fmt: str = "代码，可多个，以逗号分隔"

    def blank(self) -> Any:
        return []

    def parse_text(self, text: str, refs: References) -> Any:
        rows = getattr(refs, self.table)
        found = []
        for part in split_values(text):
            if part not in rows:
                raise CellProblem(self.error_code, str(self.message) % {"value": part[:100]})
            if rows[part] not in found:
                found.append(rows[part])
        return found

    def render(self, obj: Any) -> Any:
        return ",".join(sorted(getattr(x, self.key) for x in getattr(obj, self.field).all()))


@dataclass(frozen=True)
class AmountColumn(Column):
    """金额（元）: yuan with at most two decimals, stored in fen."""

    fmt: str = "数字，单位元，最多两位小数"

    def blank(self) -> Any:
        return None

    def parse(self, raw: Any, refs: References) -> Any:
        if isinstance(raw, float):
            raw = repr(raw)  # the shortest decimal that reads back as this float: 12.3, not 12.2999…
        return super().parse(raw, refs)

    def parse_text(self, text: str, refs: References) -> Any:
        try:
            yuan = Decimal(text.replace(",", ""))
        except InvalidOperation:
            yuan = Decimal("NaN")
        fen = yuan * 100 if yuan.is_finite() else yuan
        if not fen.is_finite() or fen != fen.to_integral_value() or fen < 0 or fen > 2**31 - 1:
            raise CellProblem(
                "amount_invalid", _("Enter an amount in yuan, not negative, with at most two decimals.")
            )
        return int(fen)

    def render(self, obj: Any) -> Any:
        cents = getattr(obj, self.field)
        return None if cents is None else Decimal(cents) / 100


def _text(header: str, model: type[models.Model], name: str, **kw: Any) -> TextColumn:
    model_field = model._meta.get_field(name)
    max_length = getattr(model_field, "max_length", None)
    fmt = kw.pop("fmt", f"文本，最多{max_length}字" if max_length else "文本（可多行）")
    return TextColumn(header, name, max_length=max_length, fmt=fmt, **kw)


MATERIAL_KIND_MESSAGE = gettext_lazy("No material kind has the code “%(value)s”.")
LICENSE_TYPE_MESSAGE = gettext_lazy("No licence type has the code “%(value)s”.")
TOPIC_MESSAGE = gettext_lazy("No topic has the code “%(value)s”.")
FORM_FIELD_MESSAGE = gettext_lazy("No form field has the key “%(value)s”.")

S = ServiceItem
ITEM_COLUMNS: tuple[Column, ...] = (
    _text(CODE_HEADER, S, "code", required=True, export_as_text=True),
    _text("基本编码", S, "basic_code", required=True, export_as_text=True),
    _text("事项名称", S, "name", required=True),
    _text("英文名称", S, "name_en"),
    ItemTypeColumn(
        "事项类型",
        "item_type",
        required=True,
    ),
    DepartmentColumn("实施主体", "department", required=True),
    ChoiceColumn("行使层级", "exercise_level", required=True, table=tables.EXERCISE_LEVEL, hint=""),
    AudienceColumn("服务对象", "audience", table=tables.AUDIENCE),
    ChoiceColumn("办件类型", "case_kind", required=True, table=tables.CASE_KIND),
    IntColumn("法定办结时限", "legal_time_limit", maximum=10000),
    ChoiceColumn(
        "法定时限单位", "legal_time_unit", table=tables.TIME_UNIT, default=tables.TimeUnit.WORKING_DAY
    ),
    IntColumn("承诺办结时限", "promised_time_limit", maximum=10000),
    ChoiceColumn(
        "承诺时限单位", "promised_time_unit", table=tables.TIME_UNIT, default=tables.TimeUnit.WORKING_DAY
    ),
    IntColumn("到办事现场次数", "visits", required=True, maximum=99),
    IntChoiceColumn("网上办理深度", "online_depth", required=True, table=tables.ONLINE_DEPTH, fmt="整数"),
    _text("必须现场办理原因", S, "onsite_reason"),
    _text("受理条件", S, "acceptance_conditions"),
    _text("办理流程", S, "procedure", fmt="文本，每行一个步骤"),
    BoolColumn("是否收费", "charges_fee", required=True),
    _text("结果名称", S, "result_name"),
    ChoiceColumn("结果类型", "result_kind", table=tables.RESULT_KIND),
    CodeRefColumn(
        "结果证照类型代码",
        "result_license_type",
        fmt="证照类型代码",
        table="license_types",
        error_code="license_type_unknown",
        message=LICENSE_TYPE_MESSAGE,
    ),
    ChoiceColumn("通办范围", "handling_scope", required=True, table=tables.HANDLING_SCOPE),
    MultiChoiceColumn("办理渠道", "channels", table=tables.CHANNEL),
    _text("咨询电话", S, "consultation_phone", export_as_text=True),
    _text("监督电话", S, "supervision_phone", export_as_text=True),
    _text("简要说明", S, "summary"),
    _text("关键词", S, "keywords"),
    # Optional columns: left out, a revised item keeps its previous value and a new one the default.
    _text("地方事项类型代码", S, "local_type_code", optional_column=True, export_as_text=True),
    _text("法定时限说明", S, "legal_time_note", optional_column=True),
    _text("承诺时限说明", S, "promised_time_note", optional_column=True),
    BoolColumn("支持预约", "supports_appointment", optional_column=True, default_value=True),
    BoolColumn("支持网上支付", "supports_online_payment", optional_column=True),
    BoolColumn("支持物流快递", "supports_delivery", optional_column=True),
    MultiRefColumn(
        "服务主题",
        "topics",
        optional_column=True,
        table="topics",
        error_code="topic_unknown",
        message=TOPIC_MESSAGE,
    ),
    MultiRefColumn(
        "表单字段",
        "form_fields",
        optional_column=True,
        table="form_fields",
        key="key",
        error_code="form_field_unknown",
        message=FORM_FIELD_MESSAGE,
    ),
)

_ITEM_CODE = _text(CODE_HEADER, S, "code", required=True, export_as_text=True)
LEGAL_BASIS_COLUMNS: tuple[Column, ...] = (
    _ITEM_CODE,
    _text("法律法规名称", LegalBasis, "law", required=True),
    _text("条款", LegalBasis, "article"),
    _text("摘录", LegalBasis, "excerpt"),
)
MATERIAL_COLUMNS: tuple[Column, ...] = (
    _ITEM_CODE,
    CodeRefColumn(
        "材料类型代码",
        "kind",
        required=True,
        fmt="材料类型代码",
        table="material_kinds",
        error_code="material_kind_unknown",
        message=MATERIAL_KIND_MESSAGE,
    ),
    _text("材料名称", Material, "name", hint="留空则用材料类型的名称"),
    ChoiceColumn("材料形式", "form", table=tables.MATERIAL_FORM, default=tables.MaterialForm.ORIGINAL),
    IntColumn("原件份数", "original_count", maximum=99, default=1),
    IntColumn("复印件份数", "copy_count", maximum=99, default=0),
    ChoiceColumn("是否必需", "requirement", table=tables.REQUIREMENT, default=tables.Requirement.REQUIRED),
    _text("情形说明", Material, "condition", hint="“按情形”时必填"),
    _text("必须提交原因", Material, "must_submit_reason", hint="填写后，即使政府已掌握也须提交"),
    _text("备注", Material, "notes", optional_column=True),
)
FEE_COLUMNS: tuple[Column, ...] = (
    _ITEM_CODE,
    _text("收费项目", FeeItem, "name", required=True),
    _text("收费标准", FeeItem, "standard", required=True),
    AmountColumn("金额（元）", "amount_cents", hint="按标准计费、金额不固定时留空"),
    _text("收费依据", FeeItem, "basis", required=True),
    BoolColumn("可减免", "waivable"),
    _text("减免说明", FeeItem, "waiver_note"),
)
FAQ_COLUMNS: tuple[Column, ...] = (
    _ITEM_CODE,
    _text("问题", FAQ, "question", required=True),
    _text("回答", FAQ, "answer", required=True),
)


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    children: str = ""  # the ParsedItem attribute the rows go to; "" for the items sheet
    by_header: dict[str, Column] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for column in self.columns:
            self.by_header[normalise(column.header)] = column


SHEETS: tuple[Sheet, ...] = (
    Sheet(ITEMS_SHEET, ITEM_COLUMNS),
    Sheet(LEGAL_BASES_SHEET, LEGAL_BASIS_COLUMNS, "legal_bases"),
    Sheet(MATERIALS_SHEET, MATERIAL_COLUMNS, "materials"),
    Sheet(FEES_SHEET, FEE_COLUMNS, "fees"),
    Sheet(FAQS_SHEET, FAQ_COLUMNS, "faqs"),
)
SHEET_BY_CHILDREN = {sheet.children: sheet for sheet in SHEETS if sheet.children}

# Where a publish rule's problem (``DomainError.field``) is shown: a column of the 事项 sheet, or the
# child sheet whose rows are missing or wrong.
RULE_FIELD_COLUMNS: dict[str, str] = {
    **{c.field: c.header for c in ITEM_COLUMNS},
    "for_natural_persons": "服务对象",
    "for_legal_persons": "服务对象",
    "legal_bases": LEGAL_BASES_SHEET,
    "materials": MATERIALS_SHEET,
    "fees": "是否收费",
}
