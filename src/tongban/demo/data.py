"""Static tables for ``manage.py load_demo``: regions, departments, windows, roles and demo people.

Everything here is either public fact (region codes, department names) or obviously fictional
(people, companies, credit codes). Keep it data: the logic lives in :mod:`tongban.demo.loader`.

- Region codes follow GB/T 2260 as summarised in ``standards.md`` §8.
- Department names are the real names of Shanghai government bodies. Their 统一社会信用代码 are
  SYNTHETIC: we do not know the real ones, so each is built with ``make_uscc`` from registration
  authority ``1`` (机构编制), the fitting 机构类别 (1 机关, 2 事业单位, 3 群众团体), the region code and
  an ``MB`` + 6-digit body. They pass the check-character rules but belong to no real body. The
  public utilities are companies: authority ``9`` (市场监管), category ``1`` (企业), body ``MA7UT`` + 3.
- People, companies and mobile numbers (``13800138xxx``) are invented; ID numbers carry valid
  GB 11643 check digits built with ``make_resident_id``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# One documented password for every demo account (docs/demo-accounts.md). Never used in production:
# ``load_demo`` refuses there and the WSGI start-up check refuses while demo accounts are active.
DEMO_PASSWORD = "Tongban-Demo-2026"

# One documented TOTP secret (20 bytes, hex) for every demo staff device, so testers can compute codes.
# The bytes are the ASCII text "tongban-demo-totp-20"; DEMO_TOTP_KEY_BASE32 is the same secret for
# authenticator apps (RFC 4648 base32, as in otpauth:// URLs).
DEMO_TOTP_KEY_HEX = "746f6e6762616e2d64656d6f2d746f74702d3230"
DEMO_TOTP_KEY_BASE32 = "ORXW4Z3CMFXC2ZDFNVXS25DPORYC2MRQ"
DEMO_TOTP_DEVICE_NAME = "demo"

DEMO_URL = "http://127.0.0.1:8000"

# Public phone for city departments and windows: Shanghai's citizen hotline, never an invented number.
CITIZEN_HOTLINE = "12345"
WINDOW_HOURS = "周一至周五 9:00-17:00"

# --- Regions (GB/T 2260) ----------------------------------------------------------------------------
# 上海市 is a 直辖市: a province-level municipality. GB/T 2260 gives it the province-level code 310000
# (digits 1-2 = province), so it is stored with RegionLevel.PROVINCE; its districts hang directly
# under it (the 310100 市辖区 grouping code is not modelled).
SHANGHAI = {"code": "310000", "name": "上海市"}


@dataclass(frozen=True)
class District:
    code: str
    name: str
    pinyin: str  # used for stable slugs and window codes
    name_en: str
    valid_from: int | None = None
    valid_to: int | None = None


# The 16 current districts, exactly as in standards.md §8.
DISTRICTS: list[District] = [
    District("310101", "黄浦区", "huangpu", "Huangpu District"),
    District("310104", "徐汇区", "xuhui", "Xuhui District"),
    District("310105", "长宁区", "changning", "Changning District"),
    District("310106", "静安区", "jingan", "Jing'an District"),
    District("310107", "普陀区", "putuo", "Putuo District"),
    District("310109", "虹口区", "hongkou", "Hongkou District"),
    District("310110", "杨浦区", "yangpu", "Yangpu District"),
    District("310112", "闵行区", "minhang", "Minhang District", valid_from=1981),
    District("310113", "宝山区", "baoshan", "Baoshan District", valid_from=1988),
    District("310114", "嘉定区", "jiading", "Jiading District", valid_from=1992),
    District("310115", "浦东新区", "pudong", "Pudong New Area", valid_from=1992),
    District("310116", "金山区", "jinshan", "Jinshan District", valid_from=1997),
    District("310117", "松江区", "songjiang", "Songjiang District", valid_from=1998),
    District("310118", "青浦区", "qingpu", "Qingpu District", valid_from=1999),
    District("310120", "奉贤区", "fengxian", "Fengxian District", valid_from=2001),
    District("310151", "崇明区", "chongming", "Chongming District", valid_from=2016),
]

# Abolished codes, kept (with valid_to) because old ID numbers and USCCs embed them. Stored with
# RegionLevel.DISTRICT (崇明县 was a county; the model has no separate county level).
HISTORICAL_DISTRICTS: list[District] = [
    District("310102", "南市区", "nanshi", "Nanshi District", valid_to=2000),
    District("310103", "卢湾区", "luwan", "Luwan District", valid_to=2011),
    District("310108", "闸北区", "zhabei", "Zhabei District", valid_to=2015),
    District("310119", "南汇区", "nanhui", "Nanhui District", valid_from=2001, valid_to=2009),
    District("310230", "崇明县", "chongmingxian", "Chongming County", valid_from=1982, valid_to=2016),
]


# --- Departments --------------------------------------------------------------------------------------
# 机构类别 under registration authority 1 (机构编制), standards.md §1.3.
ORG_AGENCY = "1"  # 机关
ORG_INSTITUTION = "2"  # 事业单位
ORG_MASS_ORGANISATION = "3"  # 编办直接管理机构编制的群众团体

# 登记管理部门代码 (standards.md §1.3): 1 机构编制 for government bodies; 9 市场监管 (工商) for the
# public-utility companies, whose 机构类别 is then 1 企业.
AUTHORITY_ORG_ESTABLISHMENT = "1"
AUTHORITY_MARKET_REGULATION = "9"
ENTERPRISE = "1"  # 机构类别 under authority 9

# organizations.constants.DepartmentKind values.
KIND_GOVERNMENT = "government"
KIND_PUBLIC_UTILITY = "public_utility"


@dataclass(frozen=True)
class CityDepartment:
    slug: str
    name: str
    short_name: str
    name_en: str
    body: str  # 8-character 主体标识码 body (synthetic): "MB" + 6 digits ("MA" + 6 for utilities)
    category: str = ORG_AGENCY
    reviewer_name: str = ""  # the fictional reviewer created for this department
    authority: str = AUTHORITY_ORG_ESTABLISHMENT
    kind: str = KIND_GOVERNMENT


# Real Shanghai city-level bodies; the USCC bodies are synthetic (see module docstring).
CITY_DEPARTMENTS: list[CityDepartment] = [
    CityDepartment(
        "samr",
        "上海市市场监督管理局",
        "市市场监管局",
        "Shanghai Municipal Administration for Market Regulation",
        "MB100001",
        reviewer_name="钱审批",
    ),
    CityDepartment(
        "wsjkw",
        "上海市卫生健康委员会",
        "市卫生健康委",
        "Shanghai Municipal Health Commission",
        "MB100002",
        reviewer_name="孙审批",
    ),
    CityDepartment(
        "gaj",
        "上海市公安局",
        "市公安局",
        "Shanghai Municipal Public Security Bureau",
        "MB100003",
        reviewer_name="李审批",
    ),
    CityDepartment(
        "rsj",
        "上海市人力资源和社会保障局",
        "市人力资源社会保障局",
        "Shanghai Municipal Human Resources and Social Security Bureau",
        "MB100004",
        reviewer_name="周审批",
    ),
    CityDepartment(
        "tax",
        "国家税务总局上海市税务局",
        "市税务局",
        "Shanghai Municipal Tax Service, State Taxation Administration",
        "MB100005",
        reviewer_name="吴审批",
    ),
    CityDepartment(
        "fire",
        "上海市消防救援总队",
        "市消防救援总队",
        "Shanghai Fire and Rescue Corps",
        "MB100006",
        reviewer_name="郑审批",
    ),
    CityDepartment(
        "zjw",
        "上海市住房和城乡建设管理委员会",
        "市住房城乡建设管理委",
        "Shanghai Municipal Commission of Housing and Urban-Rural Development",
        "MB100007",
        reviewer_name="冯审批",
    ),
    CityDepartment(
        "ghzyj",
        "上海市规划和自然资源局",
        "市规划资源局",
        "Shanghai Municipal Bureau of Planning and Natural Resources",
        "MB100008",
        reviewer_name="陈审批",
    ),
    CityDepartment(
        "sthj",
        "上海市生态环境局",
        "市生态环境局",
        "Shanghai Municipal Bureau of Ecology and Environment",
        "MB100009",
        reviewer_name="褚审批",
    ),
    CityDepartment(
        "jtw",
        "上海市交通委员会",
        "市交通委",
        "Shanghai Municipal Transportation Commission",
        "MB100010",
        reviewer_name="卫审批",
    ),
    CityDepartment(
        "mzj",
        "上海市民政局",
        "市民政局",
        "Shanghai Municipal Civil Affairs Bureau",
        "MB100011",
        reviewer_name="蒋审批",
    ),
    CityDepartment(
        "edu",
        "上海市教育委员会",
        "市教委",
        "Shanghai Municipal Education Commission",
        "MB100012",
        reviewer_name="沈审批",
    ),
    CityDepartment(
        "ybj",
        "上海市医疗保障局",
        "市医保局",
        "Shanghai Municipal Healthcare Security Administration",
        "MB100013",
        reviewer_name="韩审批",
    ),
    CityDepartment(
        # Approves 户外招牌 (shop signs) and other city-appearance permits.
        "lhsr",
        "上海市绿化和市容管理局",
        "市绿化市容局",
        "Shanghai Municipal Landscaping and City Appearance Administrative Bureau",
        "MB100014",
        reviewer_name="杨审批",
    ),
    CityDepartment(
        "cgzf",
        "上海市城市管理行政执法局",
        "市城管执法局",
        "Shanghai Municipal Urban Management and Law Enforcement Bureau",
        "MB100015",
        reviewer_name="朱审批",
    ),
    CityDepartment(
        "sww",
        "上海市商务委员会",
        "市商务委",
        "Shanghai Municipal Commission of Commerce",
        "MB100016",
        reviewer_name="秦审批",
    ),
    CityDepartment(
        "sfj",
        "上海市司法局",
        "市司法局",
        "Shanghai Municipal Bureau of Justice",
        "MB100017",
        reviewer_name="尤审批",
    ),
    CityDepartment(
        "whlyj",
        "上海市文化和旅游局",
        "市文化旅游局",
        "Shanghai Municipal Administration of Culture and Tourism",
        "MB100018",
        reviewer_name="许审批",
    ),
    CityDepartment(
        "cjrlh",
        "上海市残疾人联合会",
        "市残联",
        "Shanghai Disabled Persons' Federation",
        "MB100019",
        category=ORG_MASS_ORGANISATION,
        reviewer_name="何审批",
    ),
    CityDepartment(
        # Shown as 上海市住房公积金管理中心 (the catalogue's 公积金 items name it so); the centre's own
        # name is 上海市公积金管理中心, since it also runs 补充公积金. Slug unchanged.
        "gjj",
        "上海市住房公积金管理中心",
        "市公积金中心",
        "Shanghai Housing Provident Fund Management Center",
        "MB100020",
        category=ORG_INSTITUTION,
        reviewer_name="吕审批",
    ),
    CityDepartment(
        # Runs the 一网通办 platform.
        "dsj",
        "上海市大数据中心",
        "市大数据中心",
        "Shanghai Big Data Center",
        "MB100021",
        category=ORG_INSTITUTION,
        reviewer_name="施审批",
    ),
    CityDepartment(
        "bgt",
        "上海市人民政府办公厅",
        "市政府办公厅",
        "General Office of Shanghai Municipal People's Government",
        "MB100022",
        reviewer_name="张审批",
    ),
    CityDepartment(
        "fgw",
        "上海市发展和改革委员会",
        "市发展改革委",
        "Shanghai Municipal Development and Reform Commission",
        "MB100023",
        reviewer_name="孔审批",
    ),
    CityDepartment(
        "fgj",
        "上海市房屋管理局",
        "市房屋管理局",
        "Shanghai Municipal Housing Administration Bureau",
        "MB100024",
        reviewer_name="曹审批",
    ),
    CityDepartment(
        "yjglj",
        "上海市应急管理局",
        "市应急局",
        "Shanghai Municipal Emergency Management Bureau",
        "MB100025",
        reviewer_name="严审批",
    ),
    CityDepartment(
        # Issues 城镇污水排入排水管网许可 (drainage permits) and other water permits.
        "swj",
        "上海市水务局",
        "市水务局",
        "Shanghai Water Authority",
        "MB100026",
        reviewer_name="华审批",
    ),
    # Public utilities (公用事业单位): companies, not government bodies. They take applications for
    # connections (报装) and transfers (过户) as 公共服务 items. Real names; the enterprise USCCs are
    # SYNTHETIC (authority 9 市场监管, category 1 企业, region 310000, body "MA7UT" + 3 digits).
    CityDepartment(
        "water",
        "上海城投水务（集团）有限公司",
        "城投水务",
        "Shanghai Chengtou Water Group Co., Ltd.",
        "MA7UT001",
        category=ENTERPRISE,
        reviewer_name="金审批",
        authority=AUTHORITY_MARKET_REGULATION,
        kind=KIND_PUBLIC_UTILITY,
    ),
    CityDepartment(
        "power",
        "国网上海市电力公司",
        "国网上海电力",
        "State Grid Shanghai Municipal Electric Power Company",
        "MA7UT002",
        category=ENTERPRISE,
        reviewer_name="魏审批",
        authority=AUTHORITY_MARKET_REGULATION,
        kind=KIND_PUBLIC_UTILITY,
    ),
    CityDepartment(
        "gas",
        "上海燃气有限公司",
        "上海燃气",
        "Shanghai Gas Co., Ltd.",
        "MA7UT003",
        category=ENTERPRISE,
        reviewer_name="陶审批",
        authority=AUTHORITY_MARKET_REGULATION,
        kind=KIND_PUBLIC_UTILITY,
    ),
    CityDepartment(
        "telecom",
        "中国电信股份有限公司上海分公司",
        "上海电信",
        "China Telecom Corporation Limited Shanghai Branch",
        "MA7UT004",
        category=ENTERPRISE,
        reviewer_name="姜审批",
        authority=AUTHORITY_MARKET_REGULATION,
        kind=KIND_PUBLIC_UTILITY,
    ),
]


@dataclass(frozen=True)
class DistrictDepartment:
    slug: str
    district_code: str
    name: str
    short_name: str
    name_en: str
    body: str
    category: str = ORG_AGENCY
    parent_slug: str | None = None


def _service_centre(d: District, number: int) -> DistrictDepartment:
    # Every district runs a 行政服务中心 (some under other local names); the generic name is used here.
    return DistrictDepartment(
        slug=f"{d.pinyin}-fwzx",
        district_code=d.code,
        name=f"{d.name}行政服务中心",
        short_name=f"{d.name.removesuffix('新区').removesuffix('区')}行政服务中心",
        name_en=f"{d.name_en} Administrative Service Center",
        body=f"MB{200000 + number:06d}",
        category=ORG_INSTITUTION,
    )


# One 行政服务中心 per current district: it owns that district's 综合受理窗口.
DISTRICT_SERVICE_CENTRES: list[DistrictDepartment] = [
    _service_centre(d, i) for i, d in enumerate(DISTRICTS, start=1)
]

# A few district branches of city departments, for district-level approval flows.
DISTRICT_BRANCHES: list[DistrictDepartment] = [
    DistrictDepartment(
        "pudong-samr",
        "310115",
        "浦东新区市场监督管理局",
        "浦东新区市场监管局",
        "Pudong New Area Administration for Market Regulation",
        "MB300001",
        parent_slug="samr",
    ),
    DistrictDepartment(
        "huangpu-samr",
        "310101",
        "黄浦区市场监督管理局",
        "黄浦区市场监管局",
        "Huangpu District Administration for Market Regulation",
        "MB300002",
        parent_slug="samr",
    ),
]


def window_code(d: District) -> str:
    return f"{d.pinyin}-zhsl"  # 综合受理


COMPREHENSIVE_WINDOW_NAME = "综合受理窗口"


def window_address(d: District) -> str:
    return f"{d.name}行政服务中心一楼综合受理区"


# --- Roles ----------------------------------------------------------------------------------------------
# Chinese names for every tongban.accounts.constants.StaffRole value.
ROLE_NAMES: dict[str, str] = {
    "window_clerk": "窗口受理",
    "reviewer": "审批",
    "section_chief": "科室负责人",
    "supervisor": "电子监察",
    "administrator": "管理员",
    "process_designer": "流程设计",
    "finance": "财务",
    "service_desk": "客服",
}


# --- People -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoCitizen:
    username: str
    real_name: str
    region: str  # GB/T 2260 code embedded in the ID number
    birth: dt.date
    sequence: int  # 顺序码: odd = male, even = female
    mobile: str
    verified: bool
    demonstrates: str


CITIZENS: list[DemoCitizen] = [
    DemoCitizen(
        "citizen_a",
        "张示例",
        "310101",
        dt.date(1990, 5, 12),
        11,
        "13800138001",
        True,
        "Verified citizen; authorised agent (经办人) of the demo restaurant.",
    ),
    DemoCitizen(
        "citizen_b",
        "李演示",
        "310115",
        dt.date(1985, 11, 3),
        22,
        "13800138002",
        True,
        "Verified citizen; runs the demo 个体工商户.",
    ),
    DemoCitizen(
        "citizen_c",
        "王样例",
        "310104",
        dt.date(1956, 2, 20),
        33,
        "13800138003",
        True,
        "Retired citizen (over 65) in 徐汇区: elderly-care and pension services.",
    ),
    DemoCitizen(
        "citizen_d",
        "赵测试",
        "310112",
        dt.date(2003, 9, 9),
        44,
        "13800138004",
        False,
        "Young citizen in 闵行区 who has NOT completed real-name verification.",
    ),
    DemoCitizen(
        "citizen_e",
        "陈示范",
        "310103",
        dt.date(1972, 7, 1),
        55,
        "13800138005",
        True,
        "ID number with the abolished 卢湾区 code 310103: historical region codes still resolve.",
    ),
    DemoCitizen(
        "biz_owner",
        "周演示",
        "310106",
        dt.date(1980, 3, 15),
        67,
        "13800138006",
        True,
        "Legal representative (法定代表人) of 上海示例餐饮管理有限公司.",
    ),
]


@dataclass(frozen=True)
class DemoLegalPerson:
    name: str
    authority: str  # 登记管理部门代码: 9 = 工商/市场监管
    category: str  # 机构类别: 1 企业, 2 个体工商户
    region: str
    body: str  # synthetic 8-character body
    kind: str  # LegalPersonKind value
    owner: str  # username of the legal representative / operator
    registered_address: str
    established_on: dt.date


RESTAURANT = DemoLegalPerson(
    name="上海示例餐饮管理有限公司",
    authority="9",
    category="1",
    region="310101",
    body="MA7DEM01",
    kind="enterprise",
    owner="biz_owner",
    registered_address="上海市黄浦区示例路1号一层",
    established_on=dt.date(2019, 6, 18),
)
SOLE_TRADER = DemoLegalPerson(
    name="上海市浦东新区演示小吃店",
    authority="9",
    category="2",
    region="310115",
    body="MA7DEM02",
    kind="individual_business",
    owner="citizen_b",
    registered_address="上海市浦东新区演示路88号",
    established_on=dt.date(2021, 4, 8),
)
LEGAL_PERSONS: list[DemoLegalPerson] = [RESTAURANT, SOLE_TRADER]


@dataclass(frozen=True)
class DemoAgent:
    username: str
    legal_person: DemoLegalPerson
    scopes: list[str] = field(default_factory=list)
    days: int = 365


AGENTS: list[DemoAgent] = [DemoAgent("citizen_a", RESTAURANT, ["apply", "view_cases"])]


@dataclass(frozen=True)
class DemoStaff:
    username: str
    real_name: str
    employee_no: str
    department_slug: str
    roles: list[str]
    window_district: str | None = None  # district code whose 综合受理窗口 the clerk staffs
    district_code: str | None = None
    is_admin: bool = False
    demonstrates: str = ""


def _reviewer(dep: CityDepartment, number: int) -> DemoStaff:
    roles = ["reviewer", "section_chief"] if dep.slug == "samr" else ["reviewer"]
    return DemoStaff(
        username=f"reviewer_{dep.slug}",
        real_name=dep.reviewer_name,
        employee_no=f"DEMO-R{number:03d}",
        department_slug=dep.slug,
        roles=roles,
        demonstrates=f"Reviews cases of {dep.name}"
        + ("; also 科室负责人 (final sign-off)." if dep.slug == "samr" else "."),
    )


STAFF: list[DemoStaff] = [
    DemoStaff(
        "window_staff",
        "郑受理",
        "DEMO-W001",
        "huangpu-fwzx",
        ["window_clerk"],
        window_district="310101",
        district_code="310101",
        demonstrates="Window clerk at 黄浦区行政服务中心 综合受理窗口: accepts in-person applications.",
    ),
    DemoStaff(
        "finance_staff",
        "钱财务",
        "DEMO-F001",
        "huangpu-fwzx",
        ["finance"],
        district_code="310101",
        demonstrates="财务 at 黄浦区行政服务中心: fee orders, refunds, bank transfers, reconciliation.",
    ),
    DemoStaff(
        "desk_staff",
        "许客服",
        "DEMO-K001",
        "bgt",
        ["service_desk"],
        demonstrates="统一总客服 (12345 hotline): questions, complaints, suggestions for all departments.",
    ),
    DemoStaff(
        "admin",
        "管示例",
        "DEMO-A001",
        "dsj",
        ["administrator"],
        is_admin=True,
        demonstrates="Platform administrator (superuser) at 上海市大数据中心; Django admin access.",
    ),
    DemoStaff(
        "supervisor",
        "监示例",
        "DEMO-S001",
        "bgt",
        ["supervisor"],
        demonstrates="电子监察: read-only oversight of deadlines and audit trail.",
    ),
    *[_reviewer(dep, i) for i, dep in enumerate(CITY_DEPARTMENTS, start=1)],
]
