"""照面信息 and validity rules of the seed licence types (keyed like ``license_types.LICENSE_TYPES``).

Each :class:`Face` lists the fields printed on the licence, in display order, and builds the type's JSON
Schema (draft 2020-12, see ``tongban.licenses.faces``). Field names are shared across types wherever the
meaning is the same (``licence_number``, ``holder_name``, ``uscc``, ``legal_representative``,
``address``, ``issuing_authority``, ``issue_date``, ``valid_from``, ``valid_to``, ``name``, ``sex``,
``id_number`` …), so one reader of the library can show any licence.

Like the rest of the seed this is demonstration data. Validity notes name the rule relied on; a note
ending in （演示值，待核实） marks a value that was not checked against the rule's text. Number patterns
follow the published formats; every example value is synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tongban.licenses.constants import (
    ETHNIC_GROUPS,
    FORMAT_DATE,
    FORMAT_DATE_OR_LONG_TERM,
    FORMAT_DISABILITY_CARD,
    FORMAT_RESIDENT_ID,
    FORMAT_USCC,
    LONG_TERM_TEXT,
)

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
HAN = r"\u4e00-\u9fff"
ID_PATTERN = r"^\d{17}[\dX]$"
USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DEMO = "（演示值，待核实）"


@dataclass(frozen=True)
class F:
    """One face field: its JSON Schema (without the title), required, personal data."""

    name: str
    title: str
    schema: dict[str, Any]
    required: bool = True
    personal: bool = False


def text(
    name: str,
    title: str,
    max_length: int = 100,
    *,
    pattern: str = "",
    example: str = "",
    required: bool = True,
    personal: bool = False,
) -> F:
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length}
    if pattern:
        schema["pattern"] = pattern
    if example:
        schema["examples"] = [example]
    return F(name, title, schema, required, personal)


def long_text(name: str, title: str, *, required: bool = True) -> F:
    return text(name, title, 2000, required=required)


def date(name: str, title: str, *, required: bool = True, personal: bool = False) -> F:
    schema = {"type": "string", "format": FORMAT_DATE, "pattern": DATE_PATTERN}
    return F(name, title, schema, required, personal)


def date_or_long(name: str, title: str, *, required: bool = True) -> F:
    """A date, or 长期 (有效期限 of an ID card, 营业期限 …)."""
    schema = {
        "type": "string",
        "format": FORMAT_DATE_OR_LONG_TERM,
        "pattern": rf"^(\d{{4}}-\d{{2}}-\d{{2}}|{LONG_TERM_TEXT})$",
    }
    return F(name, title, schema, required)


def choice(name: str, title: str, options: list[str], *, required: bool = True, personal: bool = False) -> F:
    return F(name, title, {"type": "string", "enum": list(options)}, required, personal)


def integer(
    name: str, title: str, minimum: int = 0, maximum: int | None = None, *, required: bool = True
) -> F:
    schema: dict[str, Any] = {"type": "integer", "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    return F(name, title, schema, required)


def number(name: str, title: str, *, required: bool = True) -> F:
    return F(name, title, {"type": "number", "exclusiveMinimum": 0}, required)


def id_number(name: str = "id_number", title: str = "公民身份号码", *, required: bool = True) -> F:
    schema = {"type": "string", "pattern": ID_PATTERN, "format": FORMAT_RESIDENT_ID}
    return F(name, title, schema, required, personal=True)


def uscc(name: str = "uscc", title: str = "统一社会信用代码", *, required: bool = True) -> F:
    schema = {"type": "string", "pattern": USCC_PATTERN, "format": FORMAT_USCC}
    return F(name, title, schema, required)


def person_name(name: str = "name", title: str = "姓名", *, required: bool = True) -> F:
    return text(name, title, 50, required=required, personal=True)


def sex(name: str = "sex", title: str = "性别", *, required: bool = True) -> F:
    return choice(name, title, ["男", "女"], required=required, personal=True)


def ethnicity(name: str = "ethnicity", title: str = "民族", *, required: bool = True) -> F:
    return choice(name, title, ETHNIC_GROUPS, required=required, personal=True)


def birth_date(name: str = "birth_date", title: str = "出生日期", *, required: bool = True) -> F:
    return date(name, title, required=required, personal=True)


def home_address(name: str = "address", title: str = "住址", *, required: bool = True) -> F:
    return text(name, title, 200, required=required, personal=True)


def mobile(name: str, title: str, *, required: bool = True) -> F:
    return text(
        name, title, 11, pattern=r"^1[3-9]\d{9}$", example="13800000000", required=required, personal=True
    )


# Frequent groups.
def person(*, id_title: str = "公民身份号码") -> list[F]:
    return [person_name(), sex(), id_number(title=id_title)]


def entity(title: str = "单位名称", rep: str = "法定代表人（负责人）") -> list[F]:
    return [text("holder_name", title, 200), uscc(), text("legal_representative", rep, 50)]


def issued(authority: str = "发证机关", on: str = "发证日期") -> list[F]:
    return [text("issuing_authority", authority), date("issue_date", on)]


@dataclass(frozen=True)
class Face:
    fields: list[F]
    years: int | None = None  # standard validity in years
    terms: list[int] = field(default_factory=list)  # terms that may be chosen (years)
    long_term: bool = False
    note: str = ""
    date_order: list[list[str]] = field(default_factory=list)  # [earlier, later] pairs
    id_match: list[dict[str, str]] = field(default_factory=list)
    not_future: list[str] = field(default_factory=list)
    all_of: list[dict[str, Any]] = field(default_factory=list)  # conditional rules (if/then)

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(names) != len(set(names)):
            raise ValueError(f"duplicate face field in {names}")

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def personal(self) -> list[str]:
        return [f.name for f in self.fields if f.personal]

    def schema(self, title: str) -> dict[str, Any]:
        """The JSON Schema: lists only (no tuples), so it compares equal after a JSON round trip."""
        names = set(self.names)
        schema: dict[str, Any] = {
            "$schema": SCHEMA_DIALECT,
            "title": title,
            "type": "object",
            "properties": {f.name: {"title": f.title, **f.schema} for f in self.fields},
            "required": [f.name for f in self.fields if f.required],
            "additionalProperties": False,
        }
        # Default cross-field rules: issue and validity dates in order, issue dates not in the future.
        order = [list(p) for p in self.date_order]
        for start in ("valid_from", "issue_date"):
            if start in names and "valid_to" in names and [start, "valid_to"] not in order:
                order.append([start, "valid_to"])
                break
        not_future = list(self.not_future)
        not_future += [n for n in ("issue_date", "birth_date") if n in names and n not in not_future]
        if order:
            schema["x-date-order"] = order
        if self.id_match:
            schema["x-id-match"] = [dict(r) for r in self.id_match]
        if not_future:
            schema["x-not-future"] = not_future
        if self.all_of:
            schema["allOf"] = list(self.all_of)
        return schema


# Shorthands for the validity rule.
ID_MATCH = [{"id": "id_number", "birth_date": "birth_date", "sex": "sex"}]


def _permit(
    number_title: str,
    fields: list[F],
    *,
    years: int,
    note: str,
    number_pattern: str = "",
    example: str = "",
    terms: list[int] | None = None,
    valid_from: bool = False,
) -> Face:
    """A permit held by an organisation: number, holder fields, issuer, issue date, 有效期至."""
    number = text("licence_number", number_title, 50, pattern=number_pattern, example=example)
    dates = [date("valid_from", "有效期自")] if valid_from else []
    return Face(
        [number, *fields, *issued(), *dates, date("valid_to", "有效期至")],
        years=years,
        terms=terms or [],
        note=note,
    )


def _certificate(
    number_title: str, fields: list[F], *, note: str = "长期有效", pattern: str = "", example: str = ""
) -> Face:
    """A certificate without end of validity."""
    number = text("licence_number", number_title, 50, pattern=pattern, example=example)
    return Face([number, *fields, *issued()], long_term=True, note=note)


SPECIAL_EQUIPMENT = [
    "锅炉", "压力容器", "电梯", "起重机械", "客运索道", "大型游乐设施", "场（厂）内专用机动车辆", "气瓶",
    "压力管道",
]  # fmt: skip
SPECIAL_OPERATIONS = [
    "电工作业", "焊接与热切割作业", "高处作业", "制冷与空调作业", "煤矿安全作业", "金属非金属矿山安全作业",
    "石油天然气安全作业", "冶金（有色）生产安全作业", "危险化学品安全作业", "烟花爆竹安全作业",
    "应急管理部门认定的其他作业",
]  # fmt: skip
DISABILITY_KINDS = ["视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"]
GRADES = ["一级", "二级", "三级", "四级"]


def _spouse(prefix: str, label: str) -> list[F]:
    return [
        person_name(f"{prefix}_name", f"{label}姓名"),
        sex(f"{prefix}_sex", f"{label}性别"),
        text(f"{prefix}_nationality", f"{label}国籍", 50),
        birth_date(f"{prefix}_birth_date", f"{label}出生日期"),
        text(f"{prefix}_id_number", f"{label}身份证件号", 30, personal=True),
    ]


def _chinese_id_when_chinese(prefix: str) -> dict[str, Any]:
    """A Chinese national's 身份证件号 is the 公民身份号码 (checked); others' is a passport number etc."""
    return {
        "if": {
            "properties": {f"{prefix}_nationality": {"const": "中国"}},
            "required": [f"{prefix}_nationality"],
        },
        "then": {
            "properties": {f"{prefix}_id_number": {"pattern": ID_PATTERN, "format": FORMAT_RESIDENT_ID}}
        },
    }


def _marriage(number_title: str, letter: str) -> Face:
    return Face(
        [
            person_name("holder_name", "持证人"),
            date("registration_date", "登记日期"),
            text(
                "licence_number",
                number_title,
                30,
                pattern=rf"^{letter}\d{{6}}-\d{{4}}-\d{{6}}$",
                example=f"{letter}310115-2024-001234",
            ),
            text("remarks", "备注", 200, required=False),
            *_spouse("party_a", "男方"),
            *_spouse("party_b", "女方"),
            text("issuing_authority", "登记机关"),
        ],
        long_term=True,
        note="长期有效",
        not_future=["registration_date"],
        id_match=[
            {"id": "party_a_id_number", "birth_date": "party_a_birth_date", "sex": "party_a_sex"},
            {"id": "party_b_id_number", "birth_date": "party_b_birth_date", "sex": "party_b_sex"},
        ],
        all_of=[_chinese_id_when_chinese("party_a"), _chinese_id_when_chinese("party_b")],
    )


def _driver(qualification: str, *, years: int, note: str, vehicle_class: bool = False) -> Face:
    fields = [
        *person(),
        text("licence_number", "从业资格证号", 30),
        text("qualification", "从业资格类别", 100, example=qualification),
    ]
    if vehicle_class:
        fields.append(
            text(
                "vehicle_classes",
                "准驾车型",
                20,
                pattern=r"^(?:A[1-3]|B[12]|C[1-6]|D|E|F|M|N|P)+$",
                example="C1",
            )
        )
    fields += [
        date("first_issue_date", "初次领证日期"),
        *issued(),
        date("valid_from", "有效期起始日期"),
        date("valid_to", "有效期至"),
    ]
    return Face(
        fields,
        years=years,
        note=note,
        not_future=["first_issue_date"],
        date_order=[["first_issue_date", "issue_date"]],
    )


FACES: dict[str, Face] = {
    # --- market regulation ---------------------------------------------------------------------------
    "business_license": Face(
        [
            uscc(),
            text("holder_name", "名称", 200),
            text("entity_type", "类型", 100),
            text("legal_representative", "法定代表人（负责人、经营者）", 50),
            text("registered_capital", "注册资本", 50, required=False),
            date("established_on", "成立日期"),
            date("term_from", "营业期限自", required=False),
            date_or_long("term_to", "营业期限至", required=False),
            text("address", "住所（主要经营场所）", 200),
            long_text("business_scope", "经营范围"),
            text("issuing_authority", "登记机关"),
            date("issue_date", "登记日期"),
        ],
        long_term=True,
        note="营业执照不设有效期；营业期限按章程或合伙协议记载，可为长期",
        date_order=[["established_on", "issue_date"], ["term_from", "term_to"]],
        not_future=["established_on"],
    ),
    "food_licence": Face(
        [
            text("licence_number", "许可证编号", 16, pattern=r"^JY[1-3]\d{13}$", example="JY23101150012345"),
            text("holder_name", "经营者名称", 200),
            uscc("uscc", "统一社会信用代码（身份证号码）"),
            text("legal_representative", "法定代表人（负责人）", 50),
            text("address", "住所", 200),
            text("premises", "经营场所", 200),
            choice("business_form", "主体业态", ["食品销售经营者", "餐饮服务经营者", "集中用餐单位食堂"]),
            long_text("business_items", "经营项目"),
            text("supervising_authority", "日常监督管理机构"),
            text("supervisor", "日常监督管理人员", 100, required=False),
            text("complaint_phone", "投诉举报电话", 20, required=False),
            *issued(),
            text("signatory", "签发人", 50, required=False),
            date("valid_to", "有效期至"),
        ],
        years=5,
        note="有效期5年（《食品经营许可和备案管理办法》）",
    ),
    "food_production_licence": Face(
        [
            text("licence_number", "许可证编号", 16, pattern=r"^SC\d{14}$", example="SC10631011500123"),
            *entity("生产者名称"),
            text("address", "住所", 200),
            text("production_address", "生产地址", 200),
            text("food_categories", "食品类别", 500),
            text("supervising_authority", "日常监督管理机构"),
            *issued(),
            text("signatory", "签发人", 50, required=False),
            date("valid_to", "有效期至"),
        ],
        years=5,
        note="有效期5年（《食品生产许可管理办法》）",
    ),
    "equipment_reg_cert": Face(
        [
            text("licence_number", "使用登记证编号", 30, example="梯11沪A12345(24)"),
            text("holder_name", "使用单位名称", 200),
            uscc(),
            choice("equipment_kind", "设备种类", SPECIAL_EQUIPMENT),
            text("equipment_class", "设备类别", 50),
            text("equipment_variety", "设备品种", 50, required=False),
            text("product_name", "产品名称", 100),
            text("equipment_code", "设备代码", 30),
            text("internal_number", "单位内编号", 30, required=False),
            text("location", "设备使用地点", 200),
            text("issuing_authority", "登记机关"),
            date("issue_date", "登记日期"),
        ],
        long_term=True,
        note="使用登记长期有效；定期检验另计",
    ),
    "equipment_operator_cert": Face(
        [
            *person(),
            text("licence_number", "证书编号", 30),
            text("operation_item", "作业项目", 100),
            text("item_code", "项目代号", 10),
            text("employer", "用人单位", 200, required=False),
            *issued(),
            date("valid_to", "有效期至"),
        ],
        years=4,
        note="有效期4年，期满复审（《特种设备作业人员监督管理办法》）",
    ),
    "drug_licence": Face(
        [
            text("licence_number", "证号", 20, pattern=rf"^[{HAN}][A-Z]{{2}}\d{{7}}$", example="沪CB0210123"),
            *entity("企业名称", "法定代表人"),
            text("principal", "主要负责人", 50),
            text("quality_principal", "质量负责人", 50),
            text("address", "注册地址", 200),
            text("warehouse_address", "仓库地址", 200, required=False),
            choice("business_mode", "经营方式", ["批发", "零售连锁", "零售"]),
            long_text("business_scope", "经营范围"),
            *issued(),
            date("valid_to", "有效期至"),
        ],
        years=5,
        note="有效期5年（《药品经营和使用质量监督管理办法》）",
    ),
    "device_licence": Face(
        [
            text(
                "licence_number",
                "许可证编号",
                30,
                pattern=rf"^[{HAN}]+药监械经营许\d{{8}}号$",
                example="沪药监械经营许20240012号",
            ),
            *entity("企业名称", "法定代表人"),
            text("principal", "企业负责人", 50),
            text("address", "住所", 200),
            text("premises", "经营场所", 200),
            text("warehouse_address", "库房地址", 200, required=False),
            choice("business_mode", "经营方式", ["批发", "零售", "批零兼营"]),
            long_text("business_scope", "经营范围"),
            text("issuing_authority", "发证部门"),
            date("issue_date", "发证日期"),
            date("valid_to", "有效期限至"),
        ],
        years=5,
        note="有效期5年（《医疗器械经营监督管理办法》）",
    ),
    # --- public security -----------------------------------------------------------------------------
    "id_card": Face(
        [
            person_name(),
            sex(),
            ethnicity(),
            birth_date(),
            home_address(),
            id_number(),
            text("issuing_authority", "签发机关"),
            date("valid_from", "有效期限起始日期"),
            date_or_long("valid_to", "有效期限截止日期"),
        ],
        terms=[5, 10, 20],
        long_term=True,
        note="未满十六周岁5年；十六至二十五周岁10年；二十六至四十五周岁20年；四十六周岁以上长期"
        "（《居民身份证法》第五条）",
        id_match=ID_MATCH,
        date_order=[["birth_date", "valid_from"]],
        not_future=["valid_from"],
    ),
    "household_register": Face(
        [
            choice("household_type", "户别", ["家庭户", "集体户"]),
            person_name("head_name", "户主姓名"),
            text("household_number", "户号", 20),
            home_address("address", "住址"),
            person_name(),
            text("relationship", "与户主关系", 20, personal=True),
            sex(),
            ethnicity(),
            birth_date(),
            text("birth_place", "出生地", 100, personal=True),
            text("native_place", "籍贯", 100, required=False, personal=True),
            id_number(),
            text("issuing_authority", "户口登记机关"),
            date("issue_date", "签发日期"),
        ],
        long_term=True,
        note="长期有效；登记事项变动时变更",
        id_match=ID_MATCH,
    ),
    "passport": Face(
        [
            choice("passport_type", "类型", ["P"]),
            choice("country_code", "国家码", ["CHN"]),
            text("licence_number", "护照号", 9, pattern=r"^E[0-9A-HJ-NP-Z]\d{7}$", example="EA1234567"),
            person_name(),
            text(
                "name_pinyin",
                "姓名拼音",
                100,
                pattern=r"^[A-Z]+(?:[ ,][A-Z]+)*$",
                example="ZHANG,SAN",
                personal=True,
            ),
            sex(),
            birth_date(),
            text("birth_place", "出生地点", 20, personal=True),
            text("issue_place", "签发地点", 20),
            *issued("签发机关", "签发日期"),
            date("valid_to", "有效期至"),
        ],
        terms=[5, 10],
        note="未满十六周岁5年，十六周岁以上10年（《护照法》第七条）",
    ),
    "driving_licence": Face(
        [
            id_number("licence_number", "证号"),
            person_name(),
            sex(),
            text("nationality", "国籍", 50),
            home_address(),
            birth_date(),
            date("first_issue_date", "初次领证日期"),
            text(
                "vehicle_classes",
                "准驾车型",
                20,
                pattern=r"^(?:A[1-3]|B[12]|C[1-6]|D|E|F|M|N|P)+$",
                example="C1",
            ),
            date("valid_from", "有效期起始日期"),
            date_or_long("valid_to", "有效期限至"),
            text("issuing_authority", "发证机关"),
            text("file_number", "档案编号", 12, pattern=r"^\d{12}$", example="310012345678", personal=True),
        ],
        years=6,
        terms=[6, 10],
        long_term=True,
        note="初次申领6年；6年内每个记分周期均未记满12分换发10年，10年内同样换发长期"
        "（《机动车驾驶证申领和使用规定》）",
        id_match=[{"id": "licence_number", "birth_date": "birth_date", "sex": "sex"}],
        date_order=[["birth_date", "first_issue_date"], ["first_issue_date", "valid_from"]],
        not_future=["first_issue_date"],
    ),
    "vehicle_licence": Face(
        [
            text(
                "plate_number",
                "号牌号码",
                10,
                pattern=rf"^[{HAN}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{{5,6}}$",
                example="沪A12345",
            ),
            text("vehicle_type", "车辆类型", 30),
            person_name("owner", "所有人"),
            home_address(),
            text("use_nature", "使用性质", 20),
            text("brand_model", "品牌型号", 100),
            text("vin", "车辆识别代号", 17, pattern=r"^[A-HJ-NPR-Z0-9]{17}$", example="LSVAB2180N2123456"),
            text("engine_number", "发动机号码", 30),
            date("registration_date", "注册日期"),
            *issued(),
            date("inspection_valid_to", "检验有效期至", required=False),
        ],
        long_term=True,
        note="行驶证长期有效；检验有效期另计",
        date_order=[["registration_date", "issue_date"]],
    ),
    "residence_permit": Face(
        [
            *person(),
            home_address("residence_address", "居住地址"),
            text("licence_number", "证件号码", 30),
            *issued("签发机关", "签发日期"),
            date("valid_to", "有效期至"),
        ],
        note="有效期限以签注为准，每居住满一年签注一次（《居住证暂行条例》第十三条）；办理时给出截止日期",
    ),
    "dog_cert": Face(
        [
            text("licence_number", "登记证号", 30),
            person_name("owner_name", "犬主姓名"),
            id_number("owner_id_number", "犬主身份证号码"),
            home_address("address", "饲养地址"),
            text("dog_name", "犬名", 30, required=False),
            text("breed", "犬种", 50),
            text("coat_colour", "毛色", 20),
            choice("dog_sex", "犬只性别", ["雄", "雌"]),
            text("vaccination_number", "免疫证号", 30),
            text("chip_number", "电子标识（芯片）号", 20),
            text("issuing_authority", "登记机关"),
            date("issue_date", "登记日期"),
            date("valid_to", "有效期至"),
        ],
        years=1,
        note="每年办理延续，与犬只免疫有效期衔接" + DEMO,
    ),
    # --- civil affairs -------------------------------------------------------------------------------
    "marriage_cert": _marriage("结婚证字号", "J"),
    "divorce_cert": _marriage("离婚证字号", "L"),
    "social_org_cert": Face(
        [
            uscc(),
            text("holder_name", "名称", 200),
            long_text("business_scope", "业务范围"),
            text("address", "住所", 200),
            text("legal_representative", "法定代表人", 50),
            text("activity_area", "活动地域", 50),
            text("registered_funds", "注册资金", 50),
            text("supervising_unit", "业务主管单位", 100, required=False),
            *issued("登记管理机关", "发证日期"),
            date("valid_from", "有效期自"),
            date("valid_to", "有效期至"),
        ],
        years=5,
        note="登记证书有效期5年" + DEMO,
    ),
    "cremation_cert": Face(
        [
            text("licence_number", "编号", 30),
            person_name("deceased_name", "逝者姓名"),
            sex(),
            id_number(),
            date("death_date", "死亡日期", personal=True),
            date("cremation_date", "火化日期", personal=True),
            text("issuing_authority", "火化单位"),
            date("issue_date", "出具日期"),
        ],
        long_term=True,
        note="长期有效",
        id_match=[{"id": "id_number", "sex": "sex"}],
        date_order=[["death_date", "cremation_date"], ["cremation_date", "issue_date"]],
        not_future=["death_date", "cremation_date"],
    ),
    # --- health --------------------------------------------------------------------------------------
    "birth_medical_cert": Face(
        [
            text("licence_number", "出生医学证明编号", 10, pattern=r"^[A-Z]\d{9}$", example="Y310012345"),
            person_name("baby_name", "新生儿姓名"),
            sex(),
            birth_date("birth_date", "出生日期"),
            text(
                "birth_time",
                "出生时间",
                5,
                pattern=r"^([01]\d|2[0-3]):[0-5]\d$",
                example="08:30",
                personal=True,
            ),
            integer("gestational_weeks", "出生孕周", 20, 45),
            integer("birth_weight_g", "出生体重（克）", 300, 8000),
            number("birth_length_cm", "出生身长（厘米）"),
            text("birth_place", "出生地点", 100, personal=True),
            text("hospital", "医疗机构名称", 200),
            person_name("mother_name", "母亲姓名"),
            integer("mother_age", "母亲年龄", 10, 70),
            text("mother_nationality", "母亲国籍", 50),
            ethnicity("mother_ethnicity", "母亲民族", required=False),
            text("mother_id_number", "母亲有效身份证件号码", 30, personal=True),
            person_name("father_name", "父亲姓名", required=False),
            integer("father_age", "父亲年龄", 10, 100, required=False),
            text("father_nationality", "父亲国籍", 50, required=False),
            ethnicity("father_ethnicity", "父亲民族", required=False),
            text("father_id_number", "父亲有效身份证件号码", 30, required=False, personal=True),
            *issued("签发机构", "签发日期"),
        ],
        long_term=True,
        note="长期有效",
        date_order=[["birth_date", "issue_date"]],
        all_of=[_chinese_id_when_chinese("mother"), _chinese_id_when_chinese("father")],
    ),
    "hygiene_permit": _permit(
        "许可证号",
        [*entity(), text("address", "地址", 200), text("permitted_items", "许可项目", 200)],
        years=4,
        note="有效期4年，每两年复核一次（《公共场所卫生管理条例实施细则》）",
    ),
    "medical_institution_licence": _permit(
        "登记号",
        [
            *entity("机构名称", "法定代表人"),
            text("principal", "主要负责人", 50),
            text("address", "地址", 200),
            text("institution_type", "类别", 50),
            text("ownership", "所有制形式", 50),
            long_text("clinical_departments", "诊疗科目"),
            integer("beds", "床位（牙椅）", 0, 20000),
        ],
        years=5,
        note="有效期5年；校验另计" + DEMO,
        valid_from=True,
    ),
    "nurse_cert": Face(
        [
            *person(id_title="身份证件号码"),
            text("licence_number", "证书编码", 12, pattern=r"^\d{12}$", example="202331012345"),
            text("practice_institution", "执业地点", 200),
            *issued("发证机关", "注册日期"),
            date("valid_to", "注册有效期至"),
        ],
        years=5,
        note="护士执业注册有效期5年（《护士条例》）",
        id_match=[{"id": "id_number", "sex": "sex"}],
    ),
    "doctor_cert": Face(
        [
            *person(id_title="身份证件号码"),
            birth_date(),
            choice("doctor_level", "医师级别", ["执业医师", "执业助理医师"]),
            choice("practice_category", "执业类别", ["临床", "中医", "口腔", "公共卫生"]),
            text("practice_scope", "执业范围", 100),
            text("practice_institution", "主要执业机构", 200),
            text("licence_number", "证书编码", 15, pattern=r"^\d{15}$", example="110310000123456"),
            *issued(),
        ],
        long_term=True,
        note="长期有效；执业注册及定期考核另计",
        id_match=ID_MATCH,
    ),
    "vaccination_cert": Face(
        [
            person_name("child_name", "儿童姓名"),
            sex(),
            birth_date(),
            id_number(required=False),
            person_name("guardian_name", "监护人姓名"),
            mobile("guardian_mobile", "联系电话"),
            home_address("address", "现住址"),
            text("issuing_authority", "接种单位"),
            date("issue_date", "建证日期"),
        ],
        long_term=True,
        note="长期有效",
        id_match=ID_MATCH,
        date_order=[["birth_date", "issue_date"]],
    ),
    # --- human resources and social security ---------------------------------------------------------
    "social_security_card": Face(
        [
            person_name(),
            id_number(title="社会保障号码"),
            text("card_number", "卡号", 9, pattern=r"^[A-Z0-9]{9}$", example="S12345678", personal=True),
            text("issuing_region", "发卡地", 50),
            text("issuing_authority", "发卡机构"),
            date("issue_date", "发卡日期"),
            date("valid_to", "有效期至"),
        ],
        years=10,
        note="卡面有效期10年" + DEMO,
    ),
    "hr_service_licence": _permit(
        "许可证编号",
        [
            *entity("机构名称", "法定代表人"),
            text("address", "住所", 200),
            long_text("service_scope", "服务范围"),
        ],
        years=5,
        note="有效期5年" + DEMO,
    ),
    "labour_dispatch_licence": _permit(
        "许可证编号",
        [
            *entity("单位名称", "法定代表人"),
            text("address", "住所", 200),
            text("registered_capital", "注册资本", 50),
        ],
        years=3,
        note="有效期3年（《劳务派遣行政许可实施办法》）",
    ),
    # --- planning, land, construction ----------------------------------------------------------------
    "real_estate_cert": Face(
        [
            text(
                "licence_number",
                "不动产权证号",
                50,
                pattern=rf"^[{HAN}][(（]\d{{4}}[)）][{HAN}]{{1,10}}不动产权第\d{{7}}号$",
                example="沪（2024）浦字不动产权第0012345号",
            ),
            person_name("owner", "权利人", required=True),
            choice("co_ownership", "共有情况", ["单独所有", "共同共有", "按份共有"]),
            text("location", "坐落", 200, personal=True),
            text(
                "unit_number",
                "不动产单元号",
                28,
                pattern=r"^\d{12}[A-Z]{2}\d{5}[A-Z]\d{8}$",
                example="310115001002GB00123F00010001",
            ),
            text("right_type", "权利类型", 100),
            text("right_nature", "权利性质", 100),
            text("usage", "用途", 100),
            text("area", "面积", 200),
            text("term_of_use", "使用期限", 100),
            long_text("other_rights", "权利其他状况", required=False),
            text("issuing_authority", "登记机构"),
            date("issue_date", "登记日期"),
        ],
        long_term=True,
        note="证书长期有效；土地使用期限见“使用期限”",
    ),
    "planning_permit": _certificate(
        "编号",
        [
            text("holder_name", "建设单位（个人）", 200),
            text("project_name", "建设项目名称", 200),
            text("location", "建设位置", 200),
            text("scale", "建设规模", 500),
            text("attachments", "附图及附件名称", 500, required=False),
        ],
        note="证书不设截止日期；逾期未开工的按规定申请延续",
    ),
    "land_planning_permit": _certificate(
        "编号",
        [
            text("holder_name", "用地单位", 200),
            text("project_name", "用地项目名称", 200),
            text("location", "用地位置", 200),
            text("land_use", "用地性质", 100),
            text("land_area", "用地面积", 100),
            text("scale", "建设规模", 500),
            text("attachments", "附图及附件名称", 500, required=False),
        ],
    ),
    "construction_permit": _certificate(
        "编号",
        [
            text("holder_name", "建设单位", 200),
            text("project_name", "工程名称", 200),
            text("location", "建设地址", 200),
            text("scale", "建设规模", 500),
            text("contract_price", "合同价格", 50),
            text("surveyor", "勘察单位", 200, required=False),
            text("designer", "设计单位", 200),
            text("contractor", "施工单位", 200),
            text("supervisor", "监理单位", 200, required=False),
            text("contractor_manager", "施工单位项目负责人", 50),
            text("chief_supervisor", "总监理工程师", 50, required=False),
            text("contract_period", "合同工期", 50),
        ],
        pattern=r"^\d{18}$",
        example="310115202401010101",
        note="自领证之日起三个月内开工，可延期两次、每次不超过三个月（《建筑法》第九条）",
    ),
    "presale_permit": _certificate(
        "预售许可证号",
        [
            text("holder_name", "售房单位", 200),
            text("project_name", "项目名称", 200),
            text("location", "房屋坐落", 200),
            text("presale_scope", "预售范围", 500),
            text("presale_area", "预售面积", 50),
            text("usage", "房屋用途", 100),
        ],
    ),
    "builder_qualification": _permit(
        "证书编号",
        [
            *entity("企业名称", "法定代表人"),
            text("address", "详细地址", 200),
            text("economic_nature", "经济性质", 50),
            long_text("qualifications", "资质类别及等级"),
        ],
        years=5,
        note="有效期5年（《建筑业企业资质管理规定》）",
        number_pattern=r"^D\d{9}$",
        example="D231012345",
    ),
    "builder_safety_licence": _permit(
        "编号",
        [
            *entity("企业名称", "主要负责人"),
            text("address", "单位地址", 200),
            text("economic_type", "经济类型", 50),
            text("permitted_scope", "许可范围", 100),
        ],
        years=3,
        note="有效期3年（《安全生产许可证条例》第九条）",
        valid_from=True,
    ),
    "gas_licence": _permit(
        "许可证编号",
        [
            *entity("企业名称", "法定代表人"),
            text("address", "注册地址", 200),
            text("business_kind", "经营类别", 100),
            text("service_area", "经营区域", 500),
        ],
        years=3,
        note="有效期3年" + DEMO,
    ),
    "drainage_permit": _permit(
        "许可证编号",
        [
            *entity("排水户名称", "法定代表人"),
            text("address", "详细地址", 200),
            text("discharger_type", "排水户类型", 50),
            number("daily_volume_m3", "排水量（立方米/日）"),
            integer("outlet_count", "排水口数量", 1, 100),
            long_text("pollutants", "主要污染物项目及排放标准"),
            text("receiving_network", "纳入管网", 200),
        ],
        years=5,
        note="有效期5年；因施工作业排水的，不超过施工期限（《城镇污水排入排水管网许可管理办法》）",
        valid_from=True,
    ),
    "water_intake_permit": _permit(
        "取水许可证编号",
        [
            *entity("取水权人名称", "法定代表人"),
            text("intake_location", "取水地点", 200),
            text("intake_method", "取水方式", 50),
            number("annual_volume_10k_m3", "取水量（万立方米/年）"),
            text("purpose", "取水用途", 100),
            choice("water_source", "水源类型", ["地表水", "地下水"]),
            text("discharge_location", "退水地点", 200, required=False),
            text("discharge_method", "退水方式", 50, required=False),
        ],
        years=5,
        note="一般5年，最长不超过10年（《取水许可和水资源费征收管理条例》）；超过5年的由管理员调整规则",
        valid_from=True,
    ),
    # --- environment ---------------------------------------------------------------------------------
    "pollutant_permit": _permit(
        "证书编号",
        [
            *entity("单位名称", "法定代表人（主要负责人）"),
            text("address", "注册地址", 200),
            text("site_address", "生产经营场所地址", 200),
            text("industry", "行业类别", 100),
        ],
        years=5,
        note="有效期5年（《排污许可管理条例》）",
        number_pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}\d{3}[A-Z]$",
        example="91310000MA1FL0007C001P",
        valid_from=True,
    ),
    "hazardous_waste_licence": _permit(
        "许可证编号",
        [
            *entity("法人名称", "法定代表人"),
            text("address", "住所", 200),
            text("facility_address", "经营设施地址", 200),
            text("business_mode", "核准经营方式", 100),
            long_text("waste_categories", "核准经营危险废物类别"),
            text("capacity", "核准经营规模", 100),
        ],
        years=5,
        terms=[3, 5],
        note="综合经营许可证5年，收集经营许可证3年（《危险废物经营许可证管理办法》）",
        valid_from=True,
    ),
    # --- transport -----------------------------------------------------------------------------------
    "transport_licence": _permit(
        "许可证号",
        [
            *entity("业户名称", "负责人"),
            text("address", "地址", 200),
            text("economic_type", "经济类型", 50),
            long_text("business_scope", "经营范围"),
        ],
        years=4,
        note="有效期4年" + DEMO,
        number_pattern=r"^\d{12}$",
        example="310115001234",
        valid_from=True,
    ),
    "vehicle_operation_cert": Face(
        [
            text("licence_number", "道路运输证号", 20, pattern=r"^\d{12}$", example="310115123456"),
            text("holder_name", "业户名称", 200),
            text("address", "地址", 200),
            text(
                "plate_number",
                "车辆号牌",
                10,
                pattern=rf"^[{HAN}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{{5,6}}$",
                example="沪D12345",
            ),
            text("vehicle_type", "车辆类型", 30),
            text("capacity", "吨（座）位", 20),
            text("dimensions", "车辆尺寸（毫米）", 50),
            text("business_scope", "经营范围", 200),
            text("licence_reference", "经营许可证号", 20),
            *issued(),
        ],
        long_term=True,
        note="随车辆营运有效；年度审验按规定办理" + DEMO,
    ),
    "taxi_driver_cert": _driver("巡游出租汽车驾驶员", years=6, note="有效期6年" + DEMO),
    "freight_driver_cert": _driver(
        "经营性道路货物运输驾驶员",
        years=6,
        note="有效期6年（《道路运输从业人员管理规定》）",
        vehicle_class=True,
    ),
    "ride_hailing_driver_cert": _driver(
        "网络预约出租汽车驾驶员", years=6, note="有效期6年" + DEMO, vehicle_class=True
    ),
    # --- culture and tourism -------------------------------------------------------------------------
    "entertainment_licence": _permit(
        "许可证编号",
        [
            *entity("单位名称", "法定代表人"),
            text("address", "地址", 200),
            text("business_scope", "经营范围", 200),
            number("floor_area_m2", "经营面积（平方米）"),
            integer("capacity", "核定消费者人数", 1, 100000, required=False),
        ],
        years=2,
        note="有效期2年（《娱乐场所管理办法》）",
    ),
    "performance_licence": _permit(
        "许可证编号",
        [
            *entity("名称", "法定代表人"),
            text("address", "住所", 200),
            text("business_scope", "经营范围", 200),
        ],
        years=2,
        note="有效期2年（《营业性演出管理条例实施细则》）",
    ),
    "travel_agency_licence": _certificate(
        "许可证编号",
        [
            *entity("旅行社名称", "法定代表人"),
            text("premises", "经营场所", 200),
            text("business_scope", "经营范围", 200),
        ],
        pattern=r"^L-[A-Z]{2,3}-[A-Z0-9]{5,8}$",
        example="L-SH-100123",
        note="长期有效；变更事项需换发",
    ),
    "guide_cert": Face(
        [
            person_name(),
            sex(),
            id_number(),
            text("licence_number", "导游证号", 13, pattern=r"^D-\d{4}-\d{6}$", example="D-3100-012345"),
            text("language", "语种", 50),
            choice("grade", "等级", ["初级", "中级", "高级", "特级"]),
            text("agency", "所在机构", 200, required=False),
            *issued(),
            date("valid_to", "有效期至"),
        ],
        years=3,
        note="有效期3年（《导游管理办法》）",
        id_match=[{"id": "id_number", "sex": "sex"}],
    ),
    # --- commerce, city appearance, tax --------------------------------------------------------------
    "liquor_licence": _permit(
        "许可证编号",
        [*entity("企业名称"), text("premises", "经营地址", 200), text("business_scope", "经营范围", 100)],
        years=3,
        note="有效期3年" + DEMO,
    ),
    "sign_permit": Face(
        [
            text("licence_number", "决定书文号", 50),
            text("holder_name", "申请人", 200),
            uscc(required=False),
            text("location", "设置地点", 200),
            text("sign_size", "招牌规格（长×高，米）", 50),
            text("sign_content", "招牌内容", 100),
            text("issuing_authority", "审批机关"),
            date("issue_date", "决定日期"),
            date("valid_to", "设置期限至", required=False),
        ],
        long_term=True,
        note="未载明设置期限的长期有效" + DEMO,
    ),
    "tax_clearance": Face(
        [
            text("licence_number", "文书编号", 50),
            text("holder_name", "纳税人名称", 200),
            uscc("uscc", "统一社会信用代码（纳税人识别号）"),
            text("statement", "清税事项", 500),
            *issued("税务机关", "开具日期"),
        ],
        long_term=True,
        note="长期有效",
    ),
    # --- disability, education, justice, emergency management, fire ----------------------------------
    "disability_card": Face(
        [
            person_name(),
            sex(),
            ethnicity(),
            birth_date(),
            home_address(),
            F(
                "licence_number",
                "残疾人证号",
                {
                    "type": "string",
                    "pattern": r"^\d{17}[\dX][1-7][1-4]$",
                    "format": FORMAT_DISABILITY_CARD,
                    "examples": ["31010119900101123441"],
                },
                personal=True,
            ),
            choice("disability_kind", "残疾类别", DISABILITY_KINDS, personal=True),
            choice("disability_grade", "残疾等级", GRADES, personal=True),
            text("issuing_authority", "签发机关"),
            date("issue_date", "签发日期"),
            date("valid_to", "有效期至"),
        ],
        years=10,
        note="有效期10年" + DEMO,
        id_match=[{"id": "licence_number", "birth_date": "birth_date", "sex": "sex"}],
    ),
    "teacher_cert": Face(
        [
            *person(id_title="身份证件号码"),
            ethnicity(),
            birth_date(),
            choice(
                "qualification",
                "资格种类",
                [
                    "幼儿园教师资格",
                    "小学教师资格",
                    "初级中学教师资格",
                    "高级中学教师资格",
                    "中等职业学校教师资格",
                    "中等职业学校实习指导教师资格",
                    "高等学校教师资格",
                ],
            ),
            text("subject", "任教学科", 50),
            text("licence_number", "证书号码", 17, pattern=r"^\d{17}$", example="20233100142001234"),
            *issued("认定机构", "发证日期"),
        ],
        long_term=True,
        note="教师资格长期有效；定期注册另计",
        id_match=ID_MATCH,
    ),
    "putonghua_cert": Face(
        [
            *person(id_title="身份证件号码"),
            choice("level", "等级", ["一级甲等", "一级乙等", "二级甲等", "二级乙等", "三级甲等", "三级乙等"]),
            number("score", "成绩"),
            text("licence_number", "证书编号", 15, pattern=r"^\d{15}$", example="313100240012345"),
            date("test_date", "测试时间"),
            *issued("发证单位", "发证日期"),
        ],
        long_term=True,
        note="长期有效",
        id_match=[{"id": "id_number", "sex": "sex"}],
        date_order=[["test_date", "issue_date"]],
    ),
    "lawyer_licence": Face(
        [
            *person(id_title="身份证号"),
            text("licence_number", "执业证号", 17, pattern=r"^\d{17}$", example="13101202410123456"),
            text("practice_institution", "执业机构", 200),
            choice(
                "practice_kind",
                "执业证类别",
                ["专职律师", "兼职律师", "公职律师", "公司律师", "法律援助律师"],
            ),
            *issued(),
        ],
        long_term=True,
        note="长期有效；年度考核备案另计",
        id_match=[{"id": "id_number", "sex": "sex"}],
    ),
    "hazardous_chem_licence": _permit(
        "许可证编号",
        [
            *entity("企业名称", "主要负责人"),
            text("address", "注册地址", 200),
            text("business_mode", "经营方式", 100),
            long_text("permitted_scope", "许可范围"),
        ],
        years=3,
        note="有效期3年（《危险化学品经营许可证管理办法》）",
        valid_from=True,
    ),
    "special_operation_cert": Face(
        [
            *person(),
            text(
                "licence_number",
                "证号",
                19,
                pattern=r"^T\d{17}[\dX]$",
                example="T310101199001011234",
                personal=True,
            ),
            choice("operation_category", "作业类别", SPECIAL_OPERATIONS),
            text("operation_item", "准操项目", 100),
            date("first_issue_date", "初领日期"),
            *issued(),
            date("valid_from", "有效期自"),
            date("valid_to", "有效期至"),
        ],
        years=6,
        note="有效期6年，每3年复审一次（《特种作业人员安全技术培训考核管理规定》）",
        id_match=[{"id": "id_number", "sex": "sex"}],
        not_future=["first_issue_date"],
    ),
    "fire_inspection_cert": _certificate(
        "文号",
        [
            *entity(),
            text("venue_name", "场所名称", 200),
            text("address", "场所地址", 200),
            text("usage", "使用性质", 100),
            number("floor_area_m2", "建筑面积（平方米）"),
            date("inspection_date", "检查日期"),
        ],
        note="使用性质和经营范围不变的长期有效",
    ),
}
