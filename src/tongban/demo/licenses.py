"""Demo electronic licences (电子证照): what each demo citizen and business holds (docs/demo-accounts.md).

Every licence is issued through :func:`tongban.licenses.services.issuing.issue_license`, so faces pass
their type's JSON Schema and every licence carries a real signed credential. Issuers are the seed
types' issuing departments, or the district branch that really registers the holder (黄浦区/浦东新区
市场监督管理局). The public-security and market-regulation departments sign with SM2, every other
department with Ed25519 (``SM2_DEPARTMENTS``): their keys are generated before their first licence.

A few licences are in a state worth demonstrating:

- 陈示范's 机动车驾驶证 is suspended (扣留);
- 王样例's 机动车驾驶证 has expired;
- 张示例's 居民身份证 carries a misspelt address (黄埔区 for 黄浦区), for the error-report (纠错) demo;
- 上海示例餐饮管理有限公司's 食品经营许可证 was corrected once, so its history has a superseded version.

Loading is idempotent: a licence whose (type, holder) is already in the library is reported as found.
People, numbers and addresses are fictional; dates of short-lived permits are relative to the day of
loading, so the demo never starts with them expired.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from tongban.demo import data
from tongban.demo.catalog.license_types import LICENSE_TYPES
from tongban.demo.loader import CREATED, FOUND, LoadReport, citizen_id_number, legal_person_uscc
from tongban.licenses.constants import (
    HOLDER_CODE_TYPE_FOR_KIND,
    LONG_TERM,
    LicenseSource,
    LicenseStatus,
    VersionReason,
)
from tongban.licenses.credentials.encoding import EDDSA, SM2
from tongban.licenses.faces import add_years
from tongban.licenses.holders import holder_hash
from tongban.licenses.models import License, LicenseType
from tongban.licenses.services import issuing, status
from tongban.licenses.signing import ensure_department_key
from tongban.organizations.models import Department
from tongban.utils.identifiers import make_resident_id

# Departments whose signing key is SM2 (国密); the others sign with Ed25519.
SM2_DEPARTMENTS = ("gaj", "samr", "huangpu-samr", "pudong-samr")
STANDARD = "standard"  # ``valid_to``: the type's standard term
ACTOR = "demo"

SUSPENDED, EXPIRED = LicenseStatus.SUSPENDED, LicenseStatus.EXPIRED


@dataclass(frozen=True)
class DemoLicence:
    """One licence: its type (``LICENSE_TYPES`` key), holder (citizen username or legal person name),
    the face fields not filled from the metadata, and what to do with it after issue."""

    type_key: str
    holder: str
    face: dict[str, Any]
    issued_on: dt.date
    number: str
    issuer: str = ""  # department slug; empty: the type's issuing department
    valid_from: dt.date | None = None
    valid_to: dt.date | str | None = STANDARD  # a date, LONG_TERM, or the type's standard term
    state: str = ""  # SUSPENDED or EXPIRED after issue
    state_reason: str = ""
    correction: dict[str, Any] = field(default_factory=dict)  # face changes of a corrected version 2
    correction_reason: str = ""


# --- The people's particulars -------------------------------------------------------------------------
CITIZENS = {c.username: c for c in data.CITIZENS}
LEGAL_PERSONS = {lp.name: lp for lp in data.LEGAL_PERSONS}

ADDRESSES = {
    "citizen_a": "上海市黄浦区示例路12弄3号601室",
    "citizen_b": "上海市浦东新区演示路200弄8号1102室",
    "citizen_c": "上海市徐汇区样例路100弄5号402室",
    "citizen_d": "上海市闵行区测试路66弄2号301室",
    "citizen_e": "上海市黄浦区示范路45号201室",  # born in 卢湾区, which merged into 黄浦区 in 2011
    "biz_owner": "上海市静安区演示路18弄7号502室",
}
# The district police branch that issued each ID card (上海市公安局XX分局).
POLICE_BRANCHES = {
    "citizen_a": "上海市公安局黄浦分局",
    "citizen_b": "上海市公安局浦东分局",
    "citizen_c": "上海市公安局徐汇分局",
    "citizen_d": "上海市公安局闵行分局",
    "citizen_e": "上海市公安局黄浦分局",
    "biz_owner": "上海市公安局静安分局",
}
# The error for the correction demo: 黄埔 (a district of 广州) written for 黄浦.
MISSPELT_ADDRESS = ADDRESSES["citizen_a"].replace("黄浦", "黄埔")

# Spouses and parents who are not demo accounts (fictional, valid ID numbers).
SPOUSE_OF_B = ("刘示例", make_resident_id("310115", dt.date(1983, 8, 17), 31))
SPOUSE_OF_E = ("林示范", make_resident_id("310103", dt.date(1974, 4, 12), 42))
MOTHER_OF_D = ("钱测试", make_resident_id("310112", dt.date(1976, 3, 18), 82))
FATHER_OF_D = ("赵示例", make_resident_id("310112", dt.date(1974, 1, 25), 71))


def _sex(id_number: str) -> str:
    return "男" if int(id_number[16]) % 2 else "女"


def _birth(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def id_card_term(birth: dt.date, valid_from: dt.date) -> int | None:
    """Years of validity of a 居民身份证 by age at issue (《居民身份证法》第五条); None: 长期."""
    age = _age(birth, valid_from)
    if age < 16:
        return 5
    if age <= 25:
        return 10
    if age <= 45:
        return 20
    return None


def _person(username: str) -> dict[str, str]:
    c = CITIZENS[username]
    number = citizen_id_number(c)
    return {"name": c.real_name, "sex": _sex(number), "birth_date": c.birth.isoformat()}


def _id_card(username: str, valid_from: dt.date, *, address: str = "") -> DemoLicence:
    c = CITIZENS[username]
    number = citizen_id_number(c)
    term = id_card_term(c.birth, valid_from)
    return DemoLicence(
        "id_card",
        username,
        {
            **_person(username),
            "ethnicity": "汉",
            "address": address or ADDRESSES[username],
            "id_number": number,
            "issuing_authority": POLICE_BRANCHES[username],
        },
        issued_on=valid_from,
        number=number,
        valid_to=LONG_TERM if term is None else add_years(valid_from, term),
    )


def _social_security_card(username: str, issued_on: dt.date, card_number: str) -> DemoLicence:
    c = CITIZENS[username]
    return DemoLicence(
        "social_security_card",
        username,
        {
            "name": c.real_name,
            "id_number": citizen_id_number(c),
            "card_number": card_number,
            "issuing_region": "上海市",
            "issuing_authority": "上海市人力资源和社会保障局",
        },
        issued_on=issued_on,
        number=card_number,
    )


def _driving_licence(
    username: str,
    first_issue: dt.date,
    valid_from: dt.date,
    term: int | None,
    file_number: str,
    *,
    state: str = "",
    state_reason: str = "",
) -> DemoLicence:
    number = citizen_id_number(CITIZENS[username])
    return DemoLicence(
        "driving_licence",
        username,
        {
            **_person(username),
            "nationality": "中国",
            "address": ADDRESSES[username],
            "first_issue_date": first_issue.isoformat(),
            "vehicle_classes": "C1",
            "issuing_authority": "上海市公安局交通警察总队",
            "file_number": file_number,
        },
        issued_on=valid_from,
        number=number,
        valid_to=LONG_TERM if term is None else add_years(valid_from, term),
        state=state,
        state_reason=state_reason,
    )


def _marriage(
    username: str, registered: dt.date, number: str, spouse: tuple[str, str], authority: str
) -> DemoLicence:
    """结婚证 of a demo citizen and a fictional spouse; 男方 is party a, 女方 party b."""
    c = CITIZENS[username]
    own = (c.real_name, citizen_id_number(c))
    husband, wife = (own, spouse) if _sex(own[1]) == "男" else (spouse, own)
    face: dict[str, Any] = {"holder_name": c.real_name, "registration_date": registered.isoformat()}
    for prefix, (name, id_number) in (("party_a", husband), ("party_b", wife)):
        face |= {
            f"{prefix}_name": name,
            f"{prefix}_sex": _sex(id_number),
            f"{prefix}_nationality": "中国",
            f"{prefix}_birth_date": _birth(id_number).isoformat(),
            f"{prefix}_id_number": id_number,
        }
    face["issuing_authority"] = authority
    return DemoLicence("marriage_cert", username, face, issued_on=registered, number=number)


# --- Businesses ---------------------------------------------------------------------------------------
RESTAURANT, SOLE_TRADER = data.RESTAURANT, data.SOLE_TRADER


def _entity(lp: data.DemoLegalPerson) -> dict[str, str]:
    return {
        "holder_name": lp.name,
        "uscc": legal_person_uscc(lp),
        "legal_representative": CITIZENS[lp.owner].real_name,
    }


def _years_ago(today: dt.date, years: int, month: int, day: int) -> dt.date:
    """A date in the year ``years`` before today's (``years`` ≥ 1 keeps it in the past)."""
    return dt.date(today.year - years, month, day)


def _business_licences(today: dt.date) -> list[DemoLicence]:
    restaurant, trader = _entity(RESTAURANT), _entity(SOLE_TRADER)
    huangpu_samr, pudong_samr = "上海市黄浦区市场监督管理局", "上海市浦东新区市场监督管理局"
    food_items = "预包装食品销售（含冷藏冷冻食品），热食类食品制售，冷食类食品制售（不含生食）"
    liquor_on, drainage_on = _years_ago(today, 1, 9, 1), _years_ago(today, 2, 3, 18)
    return [
        DemoLicence(
            "business_license",
            RESTAURANT.name,
            {
                "uscc": restaurant["uscc"],
                "holder_name": RESTAURANT.name,
                "entity_type": "有限责任公司（自然人投资或控股）",
                "legal_representative": restaurant["legal_representative"],
                "registered_capital": "人民币100.0000万元整",
                "established_on": RESTAURANT.established_on.isoformat(),
                "term_from": RESTAURANT.established_on.isoformat(),
                "term_to": "长期",
                "address": RESTAURANT.registered_address,
                "business_scope": "许可项目：餐饮服务；酒类经营。一般项目：餐饮管理；食品销售（仅销售预包装"
                "食品）。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
                "issuing_authority": huangpu_samr,
            },
            issued_on=RESTAURANT.established_on,
            number=restaurant["uscc"],
            issuer="huangpu-samr",
        ),
        DemoLicence(
            "food_licence",
            RESTAURANT.name,
            {
                **restaurant,
                "address": RESTAURANT.registered_address,
                "premises": "上海市黄浦区示例路1号",  # version 1 left out the floor: corrected below
                "business_form": "餐饮服务经营者",
                "business_items": food_items,
                "supervising_authority": huangpu_samr,
                "complaint_phone": "12315",
                "issuing_authority": huangpu_samr,
            },
            issued_on=_years_ago(today, 1, 7, 10),
            number="JY23101010001234",
            issuer="huangpu-samr",
            correction={"premises": RESTAURANT.registered_address},
            correction_reason="经营场所漏填楼层“一层”，经营者申请更正",
        ),
        DemoLicence(
            "liquor_licence",
            RESTAURANT.name,
            {
                **restaurant,
                "premises": RESTAURANT.registered_address,
                "business_scope": "酒类商品零售（含堂饮）",
                "issuing_authority": "上海市黄浦区商务委员会",
            },
            issued_on=liquor_on,
            number=f"沪酒零许字第{liquor_on.year}010123号",
        ),
        DemoLicence(
            "drainage_permit",
            RESTAURANT.name,
            {
                **restaurant,
                "address": RESTAURANT.registered_address,
                "discharger_type": "餐饮",
                "daily_volume_m3": 8.5,
                "outlet_count": 1,
                "pollutants": "化学需氧量、悬浮物、动植物油、氨氮；执行《污水排入城镇下水道水质标准》"
                "（GB/T 31962-2015）B级标准；经隔油设施预处理后排放",
                "receiving_network": "示例路市政污水管网",
                "issuing_authority": "上海市水务局",
            },
            issued_on=drainage_on,
            number=f"沪水务排证字第{drainage_on.year}010056号",
        ),
        DemoLicence(
            "business_license",
            SOLE_TRADER.name,
            {
                "uscc": trader["uscc"],
                "holder_name": SOLE_TRADER.name,
                "entity_type": "个体工商户",
                "legal_representative": trader["legal_representative"],
                "established_on": SOLE_TRADER.established_on.isoformat(),
                "address": SOLE_TRADER.registered_address,
                "business_scope": "许可项目：餐饮服务（不含凉菜、不含裱花蛋糕、不含生食）。"
                "（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
                "issuing_authority": pudong_samr,
            },
            issued_on=SOLE_TRADER.established_on,
            number=trader["uscc"],
            issuer="pudong-samr",
        ),
        DemoLicence(
            "food_licence",
            SOLE_TRADER.name,
            {
                **trader,
                "address": SOLE_TRADER.registered_address,
                "premises": SOLE_TRADER.registered_address,
                "business_form": "餐饮服务经营者",
                "business_items": "热食类食品制售",
                "supervising_authority": pudong_samr,
                "complaint_phone": "12315",
                "issuing_authority": pudong_samr,
            },
            issued_on=_years_ago(today, 1, 4, 20),
            number="JY23101150004567",
            issuer="pudong-samr",
        ),
    ]


def _citizen_licences() -> list[DemoLicence]:
    d = CITIZENS["citizen_d"]
    mother, father = MOTHER_OF_D, FATHER_OF_D
    birth_cert = DemoLicence(
        "birth_medical_cert",
        "citizen_d",
        {
            "baby_name": d.real_name,
            "sex": _sex(citizen_id_number(d)),
            "birth_date": d.birth.isoformat(),
            "birth_time": "07:42",
            "gestational_weeks": 39,
            "birth_weight_g": 3250,
            "birth_length_cm": 50,
            "birth_place": "上海市闵行区",
            "hospital": "上海市闵行区中心医院",
            "mother_name": mother[0],
            "mother_age": _age(_birth(mother[1]), d.birth),
            "mother_nationality": "中国",
            "mother_ethnicity": "汉",
            "mother_id_number": mother[1],
            "father_name": father[0],
            "father_age": _age(_birth(father[1]), d.birth),
            "father_nationality": "中国",
            "father_ethnicity": "汉",
            "father_id_number": father[1],
            "issuing_authority": "上海市闵行区中心医院",
        },
        issued_on=d.birth + dt.timedelta(days=3),
        number="D310027514",
    )
    c = CITIZENS["citizen_c"]
    c_id = citizen_id_number(c)
    real_estate = DemoLicence(
        "real_estate_cert",
        "citizen_c",
        {
            "owner": c.real_name,
            "co_ownership": "单独所有",
            "location": "徐汇区样例路100弄5号402室",
            "unit_number": "310104003005GB00012F00040002",
            "right_type": "国有建设用地使用权/房屋所有权",
            "right_nature": "出让/市场化商品房",
            "usage": "城镇住宅用地/住宅",
            "area": "房屋建筑面积：89.52平方米",
            "term_of_use": "国有建设用地使用权 1995年03月01日起 2065年02月28日止",
            "issuing_authority": "上海市规划和自然资源局",
        },
        issued_on=dt.date(2017, 9, 26),
        number="沪（2017）徐字不动产权第0123456号",
    )
    disability = DemoLicence(
        "disability_card",
        "citizen_c",
        {
            **_person("citizen_c"),
            "ethnicity": "汉",
            "address": ADDRESSES["citizen_c"],
            "disability_kind": "听力残疾",  # 类别 2
            "disability_grade": "三级",  # 等级 3
            "issuing_authority": "上海市徐汇区残疾人联合会",
        },
        issued_on=dt.date(2021, 4, 15),
        number=f"{c_id}23",  # 残疾人证号 = 公民身份号码 + 残疾类别 + 残疾等级
    )
    return [
        # 张示例: ID card with the misspelt address, social security card, driving licence.
        _id_card("citizen_a", dt.date(2016, 6, 20), address=MISSPELT_ADDRESS),
        _social_security_card("citizen_a", dt.date(2019, 9, 10), "M31045127"),
        _driving_licence("citizen_a", dt.date(2012, 8, 15), dt.date(2018, 8, 15), 10, "310008451273"),
        # 李演示: ID card, social security card, marriage certificate.
        _id_card("citizen_b", dt.date(2011, 12, 5)),
        _social_security_card("citizen_b", dt.date(2020, 4, 16), "M31062218"),
        _marriage(
            "citizen_b", dt.date(2013, 5, 20), "J310115-2013-004512", SPOUSE_OF_B, "上海市浦东新区民政局"
        ),
        # 王样例 (over 65): long-term ID card, social security card, title deed, disability card and a
        # driving licence he let expire.
        _id_card("citizen_c", dt.date(2006, 3, 10)),
        _social_security_card("citizen_c", dt.date(2021, 3, 15), "M31018336"),
        real_estate,
        disability,
        _driving_licence(
            "citizen_c",
            dt.date(1998, 7, 1),
            dt.date(2014, 7, 1),
            10,
            "310002716349",
            state=EXPIRED,
            state_reason="有效期届满未换证",
        ),
        # 赵测试 (not verified: the wallet asks for verification first): ID card, birth certificate.
        _id_card("citizen_d", dt.date(2019, 10, 8)),
        birth_cert,
        # 陈示范: ID card, social security card, suspended driving licence, marriage certificate.
        _id_card("citizen_e", dt.date(2012, 8, 14)),
        _social_security_card("citizen_e", dt.date(2020, 6, 8), "M31073405"),
        _driving_licence(
            "citizen_e",
            dt.date(1996, 10, 10),
            dt.date(2012, 10, 10),
            None,
            "310001938265",
            state=SUSPENDED,
            state_reason="一个记分周期内累积记分满12分，依法扣留，参加学习并考试合格后返还",
        ),
        _marriage(
            "citizen_e", dt.date(2001, 10, 2), "J310103-2001-002318", SPOUSE_OF_E, "上海市卢湾区民政局"
        ),
        # 周演示: ID card, social security card, long-term driving licence.
        _id_card("biz_owner", dt.date(2010, 4, 22)),
        _social_security_card("biz_owner", dt.date(2019, 12, 12), "M31029751"),
        _driving_licence("biz_owner", dt.date(2003, 5, 20), dt.date(2019, 5, 20), None, "310003627184"),
    ]


def demo_licences(today: dt.date | None = None) -> list[DemoLicence]:
    """Every demo licence; dates of short-lived permits are relative to ``today``."""
    return [*_citizen_licences(), *_business_licences(today or timezone.localdate())]


# --- Loading ------------------------------------------------------------------------------------------
def _holder(spec: DemoLicence) -> tuple[str, str]:
    """(holder code, holder name) of a demo licence."""
    if spec.holder in CITIZENS:
        c = CITIZENS[spec.holder]
        return citizen_id_number(c), c.real_name
    lp = LEGAL_PERSONS[spec.holder]
    return legal_person_uscc(lp), lp.name


def _ensure_keys(report: LoadReport, departments: dict[str, Department]) -> None:
    for slug, department in sorted(departments.items()):
        _record, created = ensure_department_key(
            department, SM2 if slug in SM2_DEPARTMENTS else EDDSA, actor_label=ACTOR
        )
        report.add("licence signing keys", CREATED if created else FOUND)


def _after_issue(license: License, spec: DemoLicence) -> License:
    if spec.correction:
        license = issuing.new_version(
            license,
            changes=spec.correction,
            reason=spec.correction_reason,
            version_reason=VersionReason.CORRECTION,
        )
    if spec.state == SUSPENDED:
        license = status.suspend(license, reason=spec.state_reason)
    elif spec.state == EXPIRED:
        # What the nightly ``expire_due`` does, for this licence only.
        License.objects.filter(pk=license.pk).update(
            status=LicenseStatus.EXPIRED, status_reason=spec.state_reason, status_changed_at=timezone.now()
        )
    return license


def load_demo_licenses(report: LoadReport) -> None:
    """Issue the demo licences that are missing (by type and holder). Needs the seed catalogue."""
    specs = demo_licences()
    names = {spec.key: spec.name for spec in LICENSE_TYPES}
    types = {
        t.name: t
        for t in LicenseType.objects.select_related("issuing_department").filter(
            name__in=[names[s.type_key] for s in specs]
        )
    }
    slugs = {s.issuer for s in specs if s.issuer} | {settings.TONGBAN_PLATFORM_DEPARTMENT}
    departments = {d.slug: d for d in Department.objects.filter(slug__in=slugs)}
    departments |= {t.issuing_department.slug: t.issuing_department for t in types.values()}
    _ensure_keys(report, departments)
    for spec in specs:
        license_type = types.get(names[spec.type_key])
        if license_type is None:
            report.warnings.append(f"licence type {names[spec.type_key]} is missing; demo licence skipped.")
            continue
        code, name = _holder(spec)
        code_type = HOLDER_CODE_TYPE_FOR_KIND[license_type.holder_kind]
        if License.objects.filter(
            license_type=license_type, holder_hash=holder_hash(code_type, code)
        ).exists():
            report.add("licences", FOUND)
            continue
        license = issuing.issue_license(
            license_type=license_type,
            issuer=departments[spec.issuer] if spec.issuer else license_type.issuing_department,
            holder_code=code,
            holder_name=name,
            face=spec.face,
            number=spec.number,
            issued_on=spec.issued_on,
            valid_from=spec.valid_from,
            valid_to=issuing.UNSET if spec.valid_to == STANDARD else spec.valid_to,
            source=LicenseSource.DEMO,
        )
        _after_issue(license, spec)
        report.add("licences", CREATED)
