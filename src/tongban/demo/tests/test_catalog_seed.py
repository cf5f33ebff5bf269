"""The seed service catalogue loaded by ``load_demo``: size, required items, bundles, idempotency.

The demo data set is loaded twice ONCE for this module (inside a transaction rolled back at the end);
each test then runs in its own savepoint and only reads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count

import pytest

from tongban.bundles.constants import BundleState
from tongban.bundles.merge import merge
from tongban.bundles.models import Bundle, BundleItem, Situation
from tongban.demo.catalog import bundles as bundle_specs
from tongban.demo.catalog.loader import placed_items
from tongban.demo.loader import LoadReport, load_demo
from tongban.items.constants import ItemState, ItemType, MaterialSource
from tongban.items.exemptions import could_be_exempted_by
from tongban.items.models import (
    FAQ,
    DataResource,
    FeeItem,
    FormField,
    ItemLocation,
    LegalBasis,
    Material,
    MaterialKind,
    ServiceItem,
    Topic,
)
from tongban.items.validators import check_publishable
from tongban.licenses.models import LicenseType
from tongban.organizations.constants import DepartmentKind
from tongban.organizations.models import Department, ServiceWindow
from tongban.utils.identifiers import validate_uscc

pytestmark = pytest.mark.django_db

COUNTED = [
    ServiceItem,
    LegalBasis,
    Material,
    FeeItem,
    FAQ,
    MaterialKind,
    DataResource,
    FormField,
    Topic,
    LicenseType,
    ItemLocation,
    Bundle,
    Situation,
    BundleItem,
]

# The items the catalogue must contain, by department (names exactly as required).
REQUIRED: dict[str, list[str]] = {
    "上海市市场监督管理局": [
        "企业设立登记",
        "企业变更登记",
        "企业注销登记",
        "个体工商户设立登记",
        "食品经营许可",
        "食品经营许可变更",
        "食品生产许可",
        "药品经营许可（零售）",
        "医疗器械经营许可",
        "特种设备使用登记",
    ],
    "上海市卫生健康委员会": [
        "公共场所卫生许可",
        "医疗机构执业登记",
        "出生医学证明办理",
        "护士执业注册",
        "生育登记",
    ],
    "上海市公安局": [
        "居民身份证申领",
        "出生户口登记",
        "户口迁移",
        "居住证办理",
        "普通护照签发",
        "机动车驾驶证换证",
        "养犬登记",
    ],
    "上海市消防救援总队": ["公众聚集场所投入使用、营业前消防安全检查", "建设工程消防验收"],
    "上海市绿化和市容管理局": ["户外招牌设置审批", "城市建筑垃圾处置核准"],
    "上海市水务局": ["城镇污水排入排水管网许可"],
    "上海市生态环境局": ["建设项目环境影响评价审批", "排污许可"],
    "上海市商务委员会": ["酒类商品零售许可"],
    "国家税务总局上海市税务局": ["新办纳税人涉税事项办理", "发票领用", "清税证明开具"],
    "上海市人力资源和社会保障局": [
        "单位社会保险登记",
        "就业登记",
        "基本养老保险待遇申领",
        "社会保障卡申领",
        "失业保险金申领",
        "生育津贴申领",
        "工伤认定",
        "丧葬补助金申领",
    ],
    "上海市医疗保障局": ["城乡居民基本医疗保险参保登记", "医疗费用零星报销"],
    "上海市住房公积金管理中心": ["住房公积金单位缴存登记", "住房公积金提取"],
    "上海市民政局": [
        "结婚登记",
        "离婚登记",
        "社会团体成立登记",
        "最低生活保障申请",
        "残疾人两项补贴申领",
        "遗体火化",
    ],
    "上海市残疾人联合会": ["残疾人证核发"],
    "上海市教育委员会": ["义务教育阶段入学登记"],
    "上海市交通委员会": ["道路货物运输经营许可", "道路运输车辆营运证核发", "出租汽车驾驶员从业资格证核发"],
    "上海市住房和城乡建设管理委员会": ["建筑工程施工许可", "商品房预售许可"],
    "上海市规划和自然资源局": ["不动产转移登记", "建设工程规划许可"],
    "上海市文化和旅游局": ["娱乐场所经营许可"],
    "上海市发展和改革委员会": ["信用修复"],
    "上海城投水务（集团）有限公司": ["用水报装", "水电气网过户"],
    "国网上海市电力公司": ["用电报装"],
    "上海燃气有限公司": ["用气报装"],
    "中国电信股份有限公司上海分公司": ["网络报装"],
}

BUNDLE_NAMES = [
    "开办餐饮店一件事",
    "开办超市一件事",
    "企业信息变更一件事",
    "开办运输企业一件事",
    "水电气网联合报装一件事",
    "信用修复一件事",
    "企业注销一件事",
    "员工录用一件事",
    "新生儿出生一件事",
    "教育入学一件事",
    "退休一件事",
    "残疾人服务一件事",
    "二手房转移登记及水电气网联动过户一件事",
    "公民身后一件事",
]


@dataclass
class Seeded:
    first: LoadReport
    second: LoadReport
    counts_first: dict[str, int]
    counts_second: dict[str, int]


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in COUNTED}


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[Seeded]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            first = load_demo()
            counts_first = _counts()
            second = load_demo()
            yield Seeded(first, second, counts_first, _counts())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def published() -> list[ServiceItem]:
    return list(ServiceItem.objects.published().select_related("department"))


def test_catalogue_size(seeded: Seeded) -> None:
    items = published()
    assert len(items) >= 150
    assert len({i.code for i in items}) == len(items)
    departments = Department.objects.filter(items__state=ItemState.PUBLISHED).distinct()
    assert departments.count() >= 15
    assert LicenseType.objects.count() >= 30
    assert MaterialKind.objects.count() >= 60
    assert Topic.objects.count() >= 16
    assert not ServiceItem.objects.exclude(state=ItemState.PUBLISHED).exists()


def test_required_items_are_published_under_their_department(seeded: Seeded) -> None:
    by_name = {i.name: i for i in published()}
    for department, names in REQUIRED.items():
        for name in names:
            assert name in by_name, name
            assert by_name[name].department.name == department, name
    gjj = Department.objects.get(slug="gjj")
    assert gjj.name == "上海市住房公积金管理中心"


def test_every_item_is_complete_and_coded_from_its_department(seeded: Seeded) -> None:
    for item in ServiceItem.objects.published().select_related("department").prefetch_related("topics"):
        assert check_publishable(item) == [], item.name
        dep_uscc = item.department.uscc
        assert item.code.startswith(dep_uscc), item.name
        assert len(item.code) == 31 and item.code[18] == "3" == item.exercise_level
        assert item.basic_code == item.code[19:] and len(item.basic_code) == 12
        assert item.item_type in ItemType.values
        assert item.summary and item.name_en and item.keywords, item.name
        assert item.consultation_phone == item.supervision_phone == "12345"
        assert item.topics.count() >= 1, item.name
        assert item.snapshot["code"] == item.code
        if item.online_depth == 4:
            assert item.visits == 0, item.name
        if item.visits:
            assert item.onsite_reason, item.name
        if item.case_kind == "2":
            assert item.promised_time_limit is not None and item.legal_time_limit is not None
    assert LegalBasis.objects.count() >= ServiceItem.objects.count()
    assert FAQ.objects.exists()


def test_item_types_fit_the_items(seeded: Seeded) -> None:
    types = dict(ServiceItem.objects.values_list("name", "item_type"))
    assert types["食品经营许可"] == ItemType.LICENSING
    assert types["结婚登记"] == ItemType.CONFIRMATION
    assert types["最低生活保障申请"] == ItemType.BENEFIT
    for name in ("用水报装", "用电报装", "用气报装", "网络报装", "水电气网过户"):
        assert types[name] == ItemType.PUBLIC_SERVICE


def test_fees_and_onsite_items(seeded: Seeded) -> None:
    passport = ServiceItem.objects.get(name="普通护照签发")
    assert passport.charges_fee and [f.amount_cents for f in passport.fees.all()] == [12000]
    licence = ServiceItem.objects.get(name="机动车驾驶证换证")
    assert [f.amount_cents for f in licence.fees.all()] == [1000]
    marriage = ServiceItem.objects.get(name="结婚登记")
    assert marriage.visits >= 1 and "双方" in marriage.onsite_reason
    assert not marriage.charges_fee
    food = ServiceItem.objects.get(name="食品经营许可")
    assert (food.legal_time_limit, food.promised_time_limit) == (20, 5)
    assert "开饭店" in food.keywords
    assert food.result_license_type is not None and food.result_license_type.name == "食品经营许可证"
    free_share = ServiceItem.objects.filter(charges_fee=False).count() / ServiceItem.objects.count()
    assert free_share > 0.9  # most items are free by national policy


def test_every_item_has_a_location_in_each_district(seeded: Seeded) -> None:
    windows = {w.district_id: w for w in ServiceWindow.objects.filter(is_comprehensive=True)}
    assert len(windows) == 16
    per_code = Counter(ItemLocation.objects.values_list("item_code", flat=True))
    for item in published():
        assert per_code[item.code] == 16, item.name
    for loc in ItemLocation.objects.all()[:200]:
        window = windows[loc.district_id]
        assert (loc.window_id, loc.address, loc.hours) == (window.pk, window.address, window.hours)


def test_reference_data_links(seeded: Seeded) -> None:
    for kind in MaterialKind.objects.all():
        if kind.source == MaterialSource.E_LICENSE:
            assert kind.license_type_id, kind.code
        elif kind.source == MaterialSource.SHARED_DATA:
            assert kind.data_resource_id, kind.code
        elif kind.source == MaterialSource.CITY_ISSUED:
            assert kind.issuing_department_id, kind.code
    used = Counter(Material.objects.values_list("kind__code", flat=True))
    assert used["business_license"] >= 10 and used["id_card"] >= 20 and used["household_register"] >= 5
    sources = set(Material.objects.values_list("kind__source", flat=True))
    assert sources == set(MaterialSource.values)
    # Analysts' question: which materials would become exempt if a licence type were shared?
    not_shared = [k for k in MaterialKind.objects.select_related("license_type") if could_be_exempted_by(k)]
    assert any(k.license_type and not k.license_type.available_electronically for k in not_shared)
    assert Material.objects.filter(kind__in=not_shared).exists()
    for lt in LicenseType.objects.all():
        assert len(lt.code) == 21 and lt.code[18:].isdigit()
        validate_uscc(lt.code[:18])
    assert LicenseType.objects.filter(available_electronically=False).count() >= 3


def test_public_utilities(seeded: Seeded) -> None:
    utilities = Department.objects.filter(kind=DepartmentKind.PUBLIC_UTILITY)
    assert utilities.count() == 4
    for dep in utilities:
        code = validate_uscc(dep.uscc)
        assert (code.registration_authority, code.organisation_category) == ("9", "1")


def test_bundles(seeded: Seeded) -> None:
    assert sorted(Bundle.objects.values_list("name", flat=True)) == sorted(BUNDLE_NAMES)
    published_codes = set(ServiceItem.objects.published().values_list("code", flat=True))
    for bundle in Bundle.objects.annotate(n=Count("entries")):
        assert bundle.state == BundleState.PUBLISHED and bundle.published_at is not None
        assert bundle.n >= 2, bundle.name
        assert bundle.summary and bundle.name_en and bundle.policy_basis and bundle.topic_id
        assert set(bundle.entries.values_list("item_code", flat=True)) <= published_codes
        everything = merge(bundle, situations=bundle.situations.values_list("code", flat=True))
        assert everything.missing_codes == [], bundle.name
        assert merge(bundle).items, bundle.name
    assert Situation.objects.count() >= 14


def test_restaurant_bundle_saves_materials_days_and_departments(seeded: Seeded) -> None:
    bundle = Bundle.objects.get(name="开办餐饮店一件事")
    assert bundle.lead_department.slug == "samr"
    assert set(bundle.situations.values_list("code", flat=True)) == {"signboard", "fire", "liquor"}
    for situations in ((), ("signboard", "fire", "liquor")):
        savings = merge(bundle, situations=situations).savings
        assert savings is not None
        assert savings.materials_after < savings.materials_before
        assert savings.days_after < savings.days_before
        assert savings.departments_before >= 3
        assert savings.fields_after < savings.fields_before
    names = {i.name for i in merge(bundle, situations=["liquor"]).items}
    assert "酒类商品零售许可" in names and "户外招牌设置审批" not in names


def test_second_run_creates_nothing(seeded: Seeded) -> None:
    assert seeded.first.counts["catalogue items"]["created"] == len(placed_items())
    assert seeded.second.total("created") == seeded.second.total("updated") == 0
    assert seeded.second.counts["catalogue items"]["found"] == len(placed_items())
    assert seeded.counts_second == seeded.counts_first


def test_seed_specs_are_consistent() -> None:
    items = placed_items()
    names = [p.spec.name for p in items]
    assert len(names) == len(set(names))
    keys = [(p.dept, p.basic_code) for p in items]
    assert len(keys) == len(set(keys))
    for spec in bundle_specs.BUNDLES:
        entries = [*spec.items, *(n for s in spec.situations for n in s.items)]
        assert len(entries) == len(set(entries)), spec.name  # an item joins a bundle once
        for name in entries:
            assert name in names, (spec.name, name)
