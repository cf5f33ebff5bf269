"""The shapes of the seed catalogue: plain frozen dataclasses, turned into rows by the loader."""

from __future__ import annotations

from dataclasses import dataclass, field

# 事项类型 (GB/T 39046 A.1), the 依申请 types used here.
LICENSING = "01"  # 行政许可
BENEFIT = "05"  # 行政给付
CONFIRMATION = "07"  # 行政确认
ADJUDICATION = "09"  # 行政裁决
OTHER_POWER = "10"  # 其他行政权力
PUBLIC_SERVICE = "20"  # 公共服务

# Audience.
PERSON = "natural"
BUSINESS = "legal"
BOTH = "both"

# Channels.
WEB = ("pc", "mobile", "window")
WEB_MAIL = ("pc", "mobile", "window", "mail")
WINDOW = ("window",)

WD = "working_day"
ND = "natural_day"

HOTLINE = "12345"

# Laws cited by several departments (names as published, without 《》).
LICENSING_LAW = "中华人民共和国行政许可法"
SOCIAL_INSURANCE_LAW = "中华人民共和国社会保险法"
MARKET_ENTITY_REGULATION = "中华人民共和国市场主体登记管理条例"
BUSINESS_ENVIRONMENT_REGULATION = "优化营商环境条例"
TAX_ADMINISTRATION_LAW = "中华人民共和国税收征收管理法"
HOUSEHOLD_REGULATION = "中华人民共和国户口登记条例"
CIVIL_CODE = "中华人民共和国民法典"
FOOD_SAFETY_LAW = "中华人民共和国食品安全法"
ROAD_TRANSPORT_REGULATION = "中华人民共和国道路运输条例"
PROVIDENT_FUND_REGULATION = "住房公积金管理条例"

# 行政许可法第四十二条: 20 working days unless a special rule is shorter.
DEFAULT_LICENSING_BASIS = (LICENSING_LAW, "第四十二条")


@dataclass(frozen=True)
class Mat:
    """A material an item asks for; ``kind`` is a MaterialKind code."""

    kind: str
    name: str = ""  # the name shown in this item, when it differs from the kind's
    form: str = "original"
    originals: int = 1
    copies: int = 0
    when: str = ""  # set: required only in this case (conditional)
    must_submit: str = ""  # a legal reason to hand it in even though government holds it
    notes: str = ""


def m(kind: str, name: str = "", *, when: str = "", must_submit: str = "", copies: int = 0) -> Mat:
    """An original (one copy handed over, or shown at the counter)."""
    return Mat(kind, name, copies=copies, when=when, must_submit=must_submit)


def copy(kind: str, name: str = "", *, when: str = "") -> Mat:
    """A photocopy (one)."""
    return Mat(kind, name, form="copy", originals=0, copies=1, when=when)


def e(kind: str, name: str = "", *, when: str = "") -> Mat:
    """An electronic document (scan or e-licence)."""
    return Mat(kind, name, form="electronic", when=when)


@dataclass(frozen=True)
class Fee:
    name: str
    standard: str
    amount_cents: int | None
    basis: str
    waivable: bool = False
    waiver_note: str = ""


@dataclass(frozen=True)
class Item:
    """One 实施清单 item. The code is the department USCC + "3" (市级) + ``prefix`` + ``no`` + "000"."""

    no: int  # stable number inside its module: never reuse one
    name: str
    name_en: str
    type: str
    summary: str
    keywords: str
    audience: str
    bases: tuple[tuple[str, str], ...]
    conditions: str
    steps: tuple[str, ...]
    materials: tuple[Mat, ...]
    result: str
    topics: tuple[str, ...]
    fields: tuple[str, ...]
    legal: int | None = None
    promised: int | None = None
    legal_unit: str = WD
    promised_unit: str = WD
    legal_note: str = ""
    promised_note: str = ""
    case_kind: str = ""  # "" → 承诺件 when a promised time is set, else 即办件
    visits: int = 0
    depth: int = 4
    onsite: str = ""
    scope: str = "city"
    channels: tuple[str, ...] = WEB
    license: str = ""  # LicenseType key issued as the result
    result_kind: str = ""  # "" → "license" when ``license`` is set, else "document"
    fees: tuple[Fee, ...] = ()
    faqs: tuple[tuple[str, str], ...] = ()
    appointment: bool = True
    dept: str = ""  # overrides the module's department (utilities module)

    @property
    def basic_suffix(self) -> str:
        return f"{self.no:03d}000"


@dataclass(frozen=True)
class LicenseTypeSpec:
    key: str
    seq: int  # 3-digit sequence under the defining body
    definer: str  # key of DEFINERS (national ministry) or a department slug
    name: str
    name_en: str
    issuer: str  # department slug
    holder: str  # "natural_person" | "legal_person"
    electronic: bool = True
    basis: str = ""


@dataclass(frozen=True)
class DataResourceSpec:
    code: str
    name: str
    name_en: str
    provider: str  # department slug
    shared: bool = True


@dataclass(frozen=True)
class MaterialKindSpec:
    code: str
    name: str
    name_en: str
    source: str  # applicant | city_issued | e_license | shared_data
    issuer: str = ""  # department slug (city_issued; e_license/shared_data: the holder)
    license: str = ""  # LicenseTypeSpec key
    data: str = ""  # DataResourceSpec code
    description: str = ""


@dataclass(frozen=True)
class TopicSpec:
    code: str
    name: str
    name_en: str
    kind: str  # life_event | business_event
    audience: str  # natural | legal
    order: int


@dataclass(frozen=True)
class FormFieldSpec:
    key: str
    label: str
    label_en: str
    kind: str = "text"
    # ``choice`` answers as (value, English label); the Chinese label is the value itself, so a value can
    # be copied onto a licence face whose enum uses the same words.
    options: tuple[tuple[str, str], ...] = ()

    def option_rows(self) -> list[dict[str, str]]:
        """``FormField.options``: [{"value", "label", "label_en"}, …]."""
        return [{"value": v, "label": v, "label_en": en} for v, en in self.options]


@dataclass(frozen=True)
class SituationSpec:
    code: str
    question: str
    question_en: str
    items: tuple[str, ...]  # item names brought in by a "yes"


@dataclass(frozen=True)
class BundleSpec:
    code: str
    name: str
    name_en: str
    summary: str
    kind: str
    audience: str
    topic: str
    lead: str  # department slug
    policy_basis: str
    items: tuple[str, ...]  # item names always in the bundle
    situations: tuple[SituationSpec, ...] = field(default_factory=tuple)
