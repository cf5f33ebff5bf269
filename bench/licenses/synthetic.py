"""Synthetic licence library: departments, six seed licence types and rows for ``import_licenses``.

Every value is made up but valid: resident ID numbers and USCCs with correct check characters, face
fields that pass the types' schemas, validity by each type's rule. Holders are drawn from a population
(about one person per 2.5 licences, one company per 10), so a holder has several licences as in a real
library, and a person's 居民身份证 is unique. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tongban.utils.identifiers import id_check_digit, make_uscc

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强文博子涵浩然欣怡梓萱宇轩"
DISTRICTS = [
    ("310101", "黄浦区"), ("310104", "徐汇区"), ("310105", "长宁区"), ("310106", "静安区"),
    ("310107", "普陀区"), ("310109", "虹口区"), ("310110", "杨浦区"), ("310112", "闵行区"),
    ("310113", "宝山区"), ("310114", "嘉定区"), ("310115", "浦东新区"), ("310116", "金山区"),
]  # fmt: skip
STREETS = ["人民路", "淮海中路", "南京西路", "漕溪北路", "延安西路", "四川北路", "控江路", "莘庄路"]
COMPANY_WORDS = ["申城", "浦江", "东方", "新联", "华润", "锦程", "汇丰", "长风", "云海", "金桥"]
TRADES = [("餐饮管理", "餐饮服务经营者"), ("食品", "食品销售经营者"), ("商贸", "食品销售经营者")]
BREEDS = ["中华田园犬", "柯基犬", "泰迪犬", "金毛寻回犬", "比熊犬", "柴犬"]
COLOURS = ["黄色", "黑色", "白色", "棕色", "花色"]
# (seed type key, department slug, weight)
TYPES = [
    ("id_card", "bench-gaj", 30),
    ("social_security_card", "bench-rsj", 20),
    ("residence_permit", "bench-gaj", 15),
    ("business_license", "bench-scjg", 15),
    ("food_licence", "bench-scjg", 10),
    ("dog_cert", "bench-gaj", 10),
]
DEPARTMENTS = [
    ("bench-gaj", "基准测试市公安局", "MB910003"),
    ("bench-rsj", "基准测试市人力资源和社会保障局", "MB910006"),
    ("bench-scjg", "基准测试市市场监督管理局", "MB910001"),
]


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Person:
    id_number: str
    name: str
    birth: dt.date
    sex: str
    district: str
    address: str


@dataclass(frozen=True)
class Company:
    uscc: str
    name: str
    representative: str
    established: dt.date
    address: str
    trade: tuple[str, str]


class Population:
    """Holders: person ``k`` and company ``k`` are computed from ``k`` (no table of millions)."""

    def __init__(self, people: int, companies: int, seed: int) -> None:
        self.people, self.companies, self.seed = people, companies, seed

    def person(self, k: int) -> Person:
        rng = random.Random(self.seed * 1_000_003 + k)
        code, district = DISTRICTS[k % len(DISTRICTS)]
        q = k // len(DISTRICTS)  # (district, birth day, sequence) differs for every k below 262 million
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=(q * 7919) % 21_900)  # 1950 … 2009
        sequence = (q // 21_900) % 1000
        body = f"{code}{birth:%Y%m%d}{sequence:03d}"
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        address = f"上海市{district}{rng.choice(STREETS)}{rng.randint(1, 999)}号"
        return Person(
            body + id_check_digit(body), name, birth, "男" if sequence % 2 else "女", district, address
        )

    def company(self, k: int) -> Company:
        rng = random.Random(self.seed * 7_000_003 + k)
        code, district = DISTRICTS[k % len(DISTRICTS)]
        uscc = make_uscc(f"91{code}{k:08d}")  # 91 企业 + region + an 8-digit body from k (unique)
        trade = rng.choice(TRADES)
        name = f"上海{rng.choice(COMPANY_WORDS)}{trade[0]}有限公司{k}号"
        established = dt.date(2000, 1, 1) + dt.timedelta(days=(k * 104_729) % 8_000)
        representative = rng.choice(SURNAMES) + rng.choice(GIVEN)
        address = f"上海市{district}{rng.choice(STREETS)}{rng.randint(1, 999)}号"
        return Company(uscc, name, representative, established, address, trade)


class Generator:
    """Rows of ``count`` licences for the given type codes; ``rows(start, stop)`` is deterministic."""

    def __init__(
        self, type_codes: dict[str, str], *, count: int, seed: int = 20261127, today: dt.date
    ) -> None:
        self.codes = type_codes  # seed key -> type code in the database
        self.count, self.seed, self.today = count, seed, today
        people = max(1, count * 2 // 5)
        while math.gcd(people, 7 * 11 * 13) != 1:  # k -> (7k + c) mod people stays one-to-one
            people += 1
        self.population = Population(people, max(1, count * 3 // 20), seed)
        self.weights = {key: weight for key, _slug, weight in TYPES}
        wheel = [key for key, _slug, weight in TYPES for _ in range(weight)]
        random.Random(seed).shuffle(wheel)
        self.wheel = wheel  # 100 slots: row i has the type wheel[i % 100]
        self.rank = [wheel[:n].count(key) for n, key in enumerate(wheel)]

    def rows(self, start: int, stop: int) -> Iterator[dict[str, Any]]:
        for i in range(start, stop):
            yield self.row(i)

    def row(self, i: int) -> dict[str, Any]:
        key = self.wheel[i % 100]
        n = (i // 100) * self.weights[key] + self.rank[i % 100]  # the row's ordinal within its type
        rng = random.Random(self.seed ^ (i * 2_654_435_761))
        issued = self.today - dt.timedelta(days=rng.randint(1, 9 * 365))
        row, face = getattr(self, f"_{key}")(n, rng, issued)
        slug = next(s for k, s, _w in TYPES if k == key)
        return {"type": self.codes[key], "issuer": slug, "issued_on": issued.isoformat(), **row, "face": face}

    def _holder(self, k: int) -> Person:
        return self.population.person(k % self.population.people)

    def _id_card(self, i: int, rng: random.Random, issued: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
        p = self._holder(i)  # one id card per person
        term = rng.choice((5, 10, 20, 0))
        valid_to = add_years(issued, term).isoformat() if term else "长期"
        face = {
            "name": p.name,
            "sex": p.sex,
            "ethnicity": "汉",
            "birth_date": p.birth.isoformat(),
            "address": p.address,
            "id_number": p.id_number,
            "issuing_authority": f"上海市公安局{p.district}分局",
        }
        return self._natural(p, f"GA{i:014d}", valid_to), face

    def _natural(self, p: Person, number: str, valid_to: str) -> dict[str, Any]:
        return {"number": number, "holder_code": p.id_number, "holder_name": p.name, "valid_to": valid_to}

    def _social_security_card(
        self, i: int, rng: random.Random, issued: dt.date
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        p = self._holder(i * 7 + 1)
        card = f"S{i:08d}"[-9:].replace("S", "A")
        face = {
            "name": p.name,
            "id_number": p.id_number,
            "card_number": card,
            "issuing_region": "上海市",
            "issuing_authority": "上海市人力资源和社会保障局",
        }
        return self._natural(p, card, add_years(issued, 10).isoformat()), face

    def _residence_permit(
        self, i: int, rng: random.Random, issued: dt.date
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        p = self._holder(i * 11 + 2)
        number = f"JZ{i:012d}"
        face = {
            "name": p.name,
            "sex": p.sex,
            "id_number": p.id_number,
            "residence_address": p.address,
            "issuing_authority": f"上海市公安局{p.district}分局",
        }
        return self._natural(p, number, add_years(issued, 1).isoformat()), face

    def _dog_cert(self, i: int, rng: random.Random, issued: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
        p = self._holder(i * 13 + 3)
        number = f"QG{i:012d}"
        face = {
            "owner_name": p.name,
            "owner_id_number": p.id_number,
            "address": p.address,
            "breed": rng.choice(BREEDS),
            "coat_colour": rng.choice(COLOURS),
            "dog_sex": rng.choice(("雄", "雌")),
            "vaccination_number": f"MY{i:010d}",
            "chip_number": f"{i:015d}",
            "issuing_authority": f"上海市公安局{p.district}分局",
        }
        return self._natural(p, number, add_years(issued, 1).isoformat()), face

    def _company(self, i: int) -> Company:
        return self.population.company(i % self.population.companies)

    def _business_license(
        self, i: int, rng: random.Random, issued: dt.date
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        c = self._company(i)  # one business licence per company
        established = min(c.established, issued)
        face = {
            "uscc": c.uscc,
            "holder_name": c.name,
            "entity_type": "有限责任公司（自然人投资或控股）",
            "legal_representative": c.representative,
            "registered_capital": f"人民币{rng.randint(10, 500)}.0000万元整",
            "established_on": established.isoformat(),
            "term_to": "长期",
            "address": c.address,
            "business_scope": f"许可项目：{c.trade[0]}。一般项目：企业管理咨询。",
            "issuing_authority": "上海市市场监督管理局",
        }
        row = {"number": c.uscc, "holder_code": c.uscc, "holder_name": c.name, "valid_to": ""}
        return row, face

    def _food_licence(
        self, i: int, rng: random.Random, issued: dt.date
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        c = self._company(i * 17 + 5)
        number = f"JY1{i:013d}"
        face = {
            "holder_name": c.name,
            "uscc": c.uscc,
            "legal_representative": c.representative,
            "address": c.address,
            "premises": c.address,
            "business_form": c.trade[1],
            "business_items": "预包装食品（含冷藏冷冻食品）销售",
            "supervising_authority": "上海市市场监督管理局",
            "issuing_authority": "上海市市场监督管理局",
        }
        row = {"number": number, "holder_code": c.uscc, "holder_name": c.name}
        return row | {"valid_to": add_years(issued, 5).isoformat()}, face


def write_jsonl(path: Path, rows: Iterator[dict[str, Any]]) -> int:
    n = 0
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with path.open("w", encoding="utf-8") as out:
        buffer = []
        for row in rows:
            buffer.append(dumps(row))
            n += 1
            if len(buffer) >= 10_000:
                out.write("\n".join(buffer) + "\n")
                buffer = []
        if buffer:
            out.write("\n".join(buffer) + "\n")
    return n
