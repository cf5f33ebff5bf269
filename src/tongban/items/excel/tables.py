"""Code tables of the 实施清单 workbook, mapped explicitly at the boundary.

Each table lists the value stored in the database, the label written on export, and every spelling an
import accepts. Numbers are accepted only where the table follows GB/T 39046-2020 Appendix A; systems
with their own numbering (see standards.md §3.2/§3.3: a vendor's 事项类型 table, a province's reversed
办件类型) must send the Chinese label instead. Nothing is guessed: an unknown spelling is an error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from tongban.items.constants import (
    LOCAL_TYPE_ALIASES,
    CaseKind,
    Channel,
    ExerciseLevel,
    HandlingScope,
    ItemType,
    MaterialForm,
    OnlineDepth,
    Requirement,
    ResultKind,
    TimeUnit,
)

_SPACES = re.compile(r"\s+")
# Separators of multi-valued cells (after NFKC: "，" → ",", "；" → ";"). "、" stays a separator too.
_SEPARATORS = re.compile(r"[,;/、\s]+")


def normalise(text: str) -> str:
    """The comparable form of a cell or header: NFKC (full-width → ASCII, Ⅳ → IV), no spaces, upper case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).upper()


def split_values(text: str) -> list[str]:
    return [part for part in _SEPARATORS.split(unicodedata.normalize("NFKC", text).strip()) if part]


@dataclass(frozen=True)
class CodeTable:
    """Stored value → exported label, plus the accepted spellings of each value."""

    error_code: str
    labels: dict[str, str]
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Accepted but not shown in the "allowed values" hint (codes, abbreviations).
    _lookup: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for value, label in self.labels.items():
            self._lookup[normalise(label)] = value
            self._lookup[normalise(value)] = value
            for spelling in self.synonyms.get(value, ()):
                self._lookup[normalise(spelling)] = value

    def lookup(self, text: str) -> str | None:
        return self._lookup.get(normalise(text))

    def label(self, value: str | int) -> str:
        return self.labels[str(value)]

    def allowed(self) -> str:
        return "、".join(self.labels.values())


# 事项类型 (GB/T 39046 A.1). Labels as in the standard; the short forms are what the letter codes stand
# for. Single digits are zero-padded before the lookup (Excel drops the leading zero of 01).
ITEM_TYPE = CodeTable(
    "item_type_unknown",
    {
        ItemType.ADMINISTRATIVE_POWER: "行政权力事项",
        ItemType.LICENSING: "行政许可",
        ItemType.PENALTY: "行政处罚",
        ItemType.ENFORCEMENT: "行政强制",
        ItemType.LEVY: "行政征收",
        ItemType.BENEFIT: "行政给付",
        ItemType.INSPECTION: "行政检查",
        ItemType.CONFIRMATION: "行政确认",
        ItemType.REWARD: "行政奖励",
        ItemType.ADJUDICATION: "行政裁决",
        ItemType.OTHER_POWER: "其他行政权力",
        ItemType.PUBLIC_SERVICE: "公共服务",
    },
    {
        ItemType.ADMINISTRATIVE_POWER: ("行政权力",),
        ItemType.LICENSING: ("许可",),
        ItemType.PENALTY: ("处罚",),
        ItemType.ENFORCEMENT: ("强制",),
        ItemType.LEVY: ("征收",),
        ItemType.BENEFIT: ("给付",),
        ItemType.INSPECTION: ("检查",),
        ItemType.CONFIRMATION: ("确认",),
        ItemType.REWARD: ("奖励",),
        ItemType.ADJUDICATION: ("裁决",),
        ItemType.OTHER_POWER: ("其他类别事项", "其他行政权力事项"),
        ItemType.PUBLIC_SERVICE: ("公共服务事项",),
    },
)
_ALIASES = {normalise(alias): alias for alias in LOCAL_TYPE_ALIASES}


def item_type(text: str) -> tuple[str, str] | None:
    """``(national code, local alias or "")`` for a 事项类型 cell, or None when unknown."""
    key = normalise(text)
    if key.isdigit() and len(key) == 1:
        key = "0" + key
    if key in _ALIASES:
        alias = _ALIASES[key]
        return LOCAL_TYPE_ALIASES[alias], alias
    code = ITEM_TYPE.lookup(key)
    return (code, "") if code else None


def local_alias(text: str) -> str | None:
    """The canonical spelling of a known local letter code (``xk`` → ``XK``), or None."""
    return _ALIASES.get(normalise(text))


EXERCISE_LEVEL = CodeTable(
    "exercise_level_unknown",
    {
        ExerciseLevel.NATIONAL: "国家级",
        ExerciseLevel.PROVINCIAL: "省级",
        ExerciseLevel.CITY: "市级",
        ExerciseLevel.COUNTY: "县级",
        ExerciseLevel.TOWNSHIP: "镇（乡、街道）级",
        ExerciseLevel.VILLAGE: "村（社区）级",
        ExerciseLevel.TIERED: "分级管理",
    },
    {
        ExerciseLevel.COUNTY: ("区级", "县（区）级", "县区级"),
        ExerciseLevel.TOWNSHIP: ("乡镇级", "镇级", "乡级", "街道级", "乡镇（街道）级"),
        ExerciseLevel.VILLAGE: ("村级", "社区级"),
    },
)

CASE_KIND = CodeTable(
    "case_kind_unknown",
    {CaseKind.IMMEDIATE: "即办件", CaseKind.PROMISED: "承诺件", CaseKind.OTHER: "其他"},
)

TIME_UNIT = CodeTable(
    "time_unit_unknown",
    {TimeUnit.WORKING_DAY: "工作日", TimeUnit.NATURAL_DAY: "自然日", TimeUnit.MONTH: "月"},
    # "天" alone is deliberately not accepted: it does not say working or calendar days.
    {TimeUnit.NATURAL_DAY: ("日历日",), TimeUnit.MONTH: ("个月",)},
)

ONLINE_DEPTH = CodeTable(
    "online_depth_unknown",
    {str(level.value): str(level.value) for level in OnlineDepth},
    {
        "1": ("I", "I级"),
        "2": ("II", "II级"),
        "3": ("III", "III级"),
        "4": ("IV", "IV级", "全程网办"),
    },
)

YES_NO = CodeTable("yes_no_unknown", {"1": "是", "0": "否"}, {"1": ("TRUE", "Y"), "0": ("FALSE", "N")})

RESULT_KIND = CodeTable(
    "result_kind_unknown",
    {ResultKind.LICENSE: "证照", ResultKind.DOCUMENT: "批文", ResultKind.OTHER: "其他"},
    {ResultKind.LICENSE: ("证件", "证书"), ResultKind.DOCUMENT: ("批准文书", "审批文件")},
)

HANDLING_SCOPE = CodeTable(
    "handling_scope_unknown",
    {
        HandlingScope.CITY: "全市通办",
        HandlingScope.CROSS_DISTRICT: "跨区通办",
        HandlingScope.CROSS_PROVINCE: "跨省通办",
    },
    {
        HandlingScope.CITY: ("全市",),
        HandlingScope.CROSS_DISTRICT: ("跨区",),
        HandlingScope.CROSS_PROVINCE: ("跨省",),
    },
)

# 办理渠道 ↔ GB/T 39046 A.5 办理形式 (1 窗口办理, 2 电脑端网上办理, 3 移动端网上申请, 4 快递申请).
CHANNEL = CodeTable(
    "channel_unknown",
    {
        Channel.WINDOW: "窗口办理",
        Channel.PC: "电脑端网上办理",
        Channel.MOBILE: "移动端网上申请",
        Channel.MAIL: "快递申请",
    },
    {
        Channel.WINDOW: ("1", "窗口"),
        Channel.PC: ("2", "电脑端", "网站", "PC"),
        Channel.MOBILE: ("3", "移动端", "APP"),
        Channel.MAIL: ("4", "快递", "邮寄"),
    },
)

# 服务对象. GB/T 39046 A.4 numbers are not accepted: platforms number the legal-person kinds
# differently (standards.md §3.3); every kind other than 自然人 is a legal person or organisation here.
NATURAL, LEGAL = "natural", "legal"
AUDIENCE = CodeTable(
    "audience_unknown",
    {NATURAL: "自然人", LEGAL: "法人"},
    {LEGAL: ("企业法人", "事业法人", "社会组织法人", "行政机关", "非法人企业", "其他组织")},
)

MATERIAL_FORM = CodeTable(
    "material_form_unknown",
    {MaterialForm.ORIGINAL: "原件", MaterialForm.COPY: "复印件", MaterialForm.ELECTRONIC: "电子"},
    {
        MaterialForm.ORIGINAL: ("纸质原件",),
        MaterialForm.ELECTRONIC: ("电子件", "电子版", "电子材料"),
    },
)

REQUIREMENT = CodeTable(
    "requirement_unknown",
    {Requirement.REQUIRED: "必需", Requirement.CONDITIONAL: "按情形"},
    {
        Requirement.REQUIRED: ("必须", "必要", "是"),
        Requirement.CONDITIONAL: ("非必需", "非必要", "情形", "否"),
    },
)
