"""The public catalogue pages (办事服务, 办事指南, 一件事) on a small hand-made catalogue.

Every figure asserted here can be worked out by hand from the ``catalogue`` fixture; nothing depends on
the demo data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

import pytest

from tongban.bundles.merge import merge
from tongban.bundles.models import Bundle
from tongban.items import services
from tongban.items.constants import CaseKind, MaterialForm, MaterialSource, OnlineDepth, Requirement, TimeUnit
from tongban.items.models import FAQ, ItemLocation, ServiceItem, Topic
from tongban.items.tests import factories as f
from tongban.organizations.constants import RegionLevel
from tongban.organizations.models import Department, Region
from tongban.portal import catalog_views
from tongban.portal.tests.test_pages import assert_accessible_page

pytestmark = pytest.mark.django_db


@dataclass
class Catalogue:
    samr: Department
    police: Department
    fire: Department
    huangpu: Region
    pudong: Region
    food: ServiceItem  # legal persons, fully online, v2 published (v1 superseded)
    idcard: ServiceItem  # individuals, one visit, fee, 即办件
    fire_check: ServiceItem  # legal persons, one visit
    sign: ServiceItem  # optional item of the bundle
    draft: ServiceItem  # never published
    bundle: Bundle
    birth: Topic
    opening: Topic


def build_catalogue() -> Catalogue:
    """Four published services, a draft, two districts, two topics and a bundle with one situation."""
    city = Region.objects.get_or_create(code="310000", defaults={"name": "上海市", "level": "province"})[0]
    huangpu = Region.objects.create(code="310101", name="黄浦区", level=RegionLevel.DISTRICT, parent=city)
    pudong = Region.objects.create(code="310115", name="浦东新区", level=RegionLevel.DISTRICT, parent=city)
    samr = f.department(slug="samr", name="市场监管局")
    samr.name_en = "Market Regulation"
    samr.save()
    police = f.department(slug="police", name="公安局")
    fire = f.department(slug="fire", name="消防救援总队")
    signs = f.department(slug="signs", name="绿化市容局")
    birth = Topic.objects.create(
        code="birth", name="出生", name_en="Having a baby", kind="life_event", audience="natural"
    )
    opening = Topic.objects.create(
        code="opening", name="开办企业", name_en="Opening a business", kind="business_event", audience="legal"
    )

    licence = f.license_type(samr, "营业执照", electronic=True)
    k_licence = f.material_kind("yyzz", MaterialSource.E_LICENSE, license_type=licence, name="营业执照")
    k_id = f.material_kind("sfz", MaterialSource.CITY_ISSUED, issuing_department=police, name="居民身份证")
    k_plan = f.material_kind("pmt", name="经营场所平面图", name_en="Floor plan of the premises")
    k_lease = f.material_kind("zlht", name="租赁合同")
    k_photo = f.material_kind("photo", name="证件照片")

    food_v1 = f.published_item(
        samr,
        name="食品经营许可",
        name_en="Food business licence",
        summary="开餐馆、小吃店等经营食品前，需要取得食品经营许可。",
        keywords="开饭店 餐馆",
        materials=[
            k_licence,
            k_id,
            (k_plan, {"form": MaterialForm.COPY, "original_count": 0, "copy_count": 2}),
            (k_lease, {"requirement": Requirement.CONDITIONAL, "condition": "经营场所为租赁的"}),
        ],
        fields=["company_name", "uscc", "address"],
        procedure="网上提交申请\n部门审查\n领取许可证",
        promised_time_limit=5,
        legal_time_limit=20,
        consultation_phone="021-12345678",
    )
    food_v1.topics.add(opening)
    draft = services.start_revision(code=food_v1.code, principal=None)
    draft.promised_time_limit = 3
    draft.save()
    food = services.publish(item=draft, principal=None, change_note="承诺时限由5个工作日压缩为3个工作日")
    FAQ.objects.create(item=food, question="可以网上办理吗？", answer="可以，全程网办。")
    ItemLocation.objects.create(
        item_code=food.code,
        district=huangpu,
        address="黄浦区测试路1号",
        hours="周一至周五 9:00-17:00",
        phone="021-1111",
    )
    ItemLocation.objects.create(
        item_code=food.code,
        district=pudong,
        address="浦东新区测试大道2号",
        hours="周一至周六 9:00-17:00",
        phone="021-2222",
    )

    idcard = f.published_item(
        police,
        name="居民身份证换领",
        for_natural_persons=True,
        for_legal_persons=False,
        materials=[k_photo],
        visits=1,
        online_depth=OnlineDepth.SUBMISSION,
        onsite_reason="采集指纹和人像",
        case_kind=CaseKind.IMMEDIATE,
        promised_time_limit=None,
        legal_time_limit=60,
        legal_time_unit=TimeUnit.NATURAL_DAY,
        fees=[
            {"name": "证件工本费", "standard": "每证20元", "amount_cents": 2000, "basis": "价格主管部门文件"}
        ],
    )
    idcard.topics.add(birth)
    ItemLocation.objects.create(
        item_code=idcard.code, district=pudong, address="浦东新区户政大厅", hours="每天 9:00-17:00"
    )

    fire_check = f.published_item(
        fire,
        name="公众聚集场所投入使用前消防安全检查",
        materials=[k_licence, k_plan, k_lease],
        fields=["company_name", "address", "area"],
        promised_time_limit=10,
        legal_time_limit=10,
        visits=1,
        online_depth=OnlineDepth.SUBMISSION,
        onsite_reason="现场检查",
    )
    sign = f.published_item(
        signs,
        name="户外招牌设置",
        materials=[k_licence, k_lease],
        fields=["company_name", "sign_size"],
        promised_time_limit=14,
        promised_time_unit=TimeUnit.NATURAL_DAY,
        legal_time_limit=20,
        legal_time_unit=TimeUnit.NATURAL_DAY,
        fees=[{"name": "审查费", "standard": "每件100元", "amount_cents": 10000, "basis": "测试依据"}],
    )
    unpublished = services.create_draft(
        principal=None,
        fields=f.item_fields(samr, name="尚未发布的事项"),
        legal_bases=[{"law": "测试法"}],
        materials=[{"kind": k_photo}],
    )
    bundle = f.bundle(samr, [food, fire_check], optional={"signboard": [sign]})
    bundle.name_en = "Opening a restaurant"
    bundle.summary = "开餐馆涉及的许可、检查一次申请。"
    bundle.save()
    bundle.situations.update(question="需要设置户外招牌吗？", question_en="Will you put up a shop sign?")
    return Catalogue(
        samr,
        police,
        fire,
        huangpu,
        pudong,
        food,
        idcard,
        fire_check,
        sign,
        unpublished,
        bundle,
        birth,
        opening,
    )


@pytest.fixture
def catalogue() -> Catalogue:
    return build_catalogue()


def get(client: Client, url: str, lang: str = "zh-hans", **params: str | list[str]) -> str:
    if lang == "en":
        client.cookies["tb_lang"] = "en"
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert_accessible_page(html)
    return html


def result_names(html: str) -> list[str]:
    return [unescape(n) for n in re.findall(r'<h3 class="result-title"><a [^>]*>([^<]+)</a>', html)]


class _TextOf(HTMLParser):
    """Collects the text inside the first element carrying ``data-testid=<name>``."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.depth, self.done, self.parts = name, 0, False, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done or tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("data-testid") == self.name:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in self.VOID:
            self.depth -= 1
            self.done = self.done or self.depth == 0

    def handle_data(self, data: str) -> None:
        if self.depth and not self.done:
            self.parts.append(data)


def text_of(html: str, name: str) -> str:
    """Text of the first element with ``data-testid=name``, whitespace collapsed."""
    parser = _TextOf(name)
    parser.feed(html)
    assert parser.depth or parser.done, f"no element with data-testid={name}"
    return " ".join(" ".join(parser.parts).split())


# --------------------------------------------------------------------------- browse


def test_catalogue_lists_only_published_items(client: Client, catalogue: Catalogue) -> None:
    html = get(client, reverse("portal:catalog"))
    assert sorted(result_names(html)) == sorted(
        ["食品经营许可", "居民身份证换领", "公众聚集场所投入使用前消防安全检查", "户外招牌设置"]
    )
    assert "尚未发布的事项" not in html
    assert "共找到4项服务" in html
    assert 'data-testid="nav-catalog" aria-current="page"' in html


def test_catalogue_filters(client: Client, catalogue: Catalogue) -> None:
    url = reverse("portal:catalog")
    assert result_names(get(client, url, audience="natural")) == ["居民身份证换领"]
    assert "居民身份证换领" not in result_names(get(client, url, audience="legal"))
    assert result_names(get(client, url, department="police")) == ["居民身份证换领"]
    assert sorted(result_names(get(client, url, district="310115"))) == ["居民身份证换领", "食品经营许可"]
    assert result_names(get(client, url, district="310101")) == ["食品经营许可"]
    assert set(result_names(get(client, url, online="1"))) == {"食品经营许可", "户外招牌设置"}
    assert "食品经营许可" not in result_names(get(client, url, online="0"))
    assert result_names(get(client, url, q="餐馆")) == ["食品经营许可"]
    assert result_names(get(client, url, topic="birth")) == ["居民身份证换领"]
    # Filters combine, and each one in use can be removed on its own.
    html = get(client, url, audience="legal", department="samr")
    assert result_names(html) == ["食品经营许可"]
    chips = text_of(html, "active-filters")
    assert "办事对象 法人" in chips and "所属部门 市场监管局" in chips
    assert 'href="/services/?department=samr"' in html  # removing the audience keeps the department
    # An unknown value is reported on the form and ignored, not an error page.
    html = get(client, url, district="999999")
    assert len(result_names(html)) == 4


def test_catalogue_result_badges(client: Client, catalogue: Catalogue) -> None:
    html = get(client, reverse("portal:catalog"), department="police")
    assert "最多跑一次" in html and "当场办结" in html
    html = get(client, reverse("portal:catalog"), department="samr")
    assert "全程网办" in html and "承诺时限：3个工作日" in html
    assert "市场监管局" in html


def test_pagination_keeps_the_filters(client: Client, catalogue: Catalogue, monkeypatch) -> None:
    monkeypatch.setattr(catalog_views, "PAGE_SIZE", 1)
    url = reverse("portal:catalog")
    html = get(client, url, audience="legal", q="")
    assert "第1页，共3页" in html
    next_link = re.search(r'href="([^"]+)" rel="next"', html).group(1)
    assert unescape(next_link) == "?audience=legal&q=&page=2"
    html = get(client, url + unescape(next_link))
    assert "第2页，共3页" in html
    assert 'rel="prev"' in html and "?audience=legal&amp;q=&amp;page=1" in html
    assert len(result_names(html)) == 1 and "居民身份证换领" not in result_names(html)


def test_catalogue_title_follows_the_audience(client: Client, catalogue: Catalogue) -> None:
    assert "<h1>个人办事</h1>" in get(client, reverse("portal:catalog"), audience="natural")
    assert "<h1>法人办事</h1>" in get(client, reverse("portal:catalog"), audience="legal")


def test_departments_and_districts_with_counts(client: Client, catalogue: Catalogue) -> None:
    html = get(client, reverse("portal:catalog_departments"))
    departments = text_of(html, "department-counts")
    assert "市场监管局 1项服务" in departments and "公安局 1项服务" in departments
    assert "绿化市容局 1项服务" in departments
    districts = text_of(html, "district-counts")
    assert "黄浦区 1项服务" in districts and "浦东新区 2项服务" in districts
    assert 'href="/services/?district=310115"' in html


# --------------------------------------------------------------------------- item guide


def test_item_guide_separates_needed_and_exempt_materials(client: Client, catalogue: Catalogue) -> None:
    html = get(client, reverse("portal:item_guide", args=[catalogue.food.code]))
    assert '<h1 data-testid="guide-title">食品经营许可</h1>' in html
    needed = text_of(html, "needed-materials")
    exempt = text_of(html, "exempt-materials")
    assert "经营场所平面图" in needed and "租赁合同" in needed
    assert "营业执照" not in needed and "居民身份证" not in needed
    assert "复印件2份" in needed
    assert "仅特定情形需要" in needed and "经营场所为租赁的" in needed
    # Exempt, with the reason from material_exemption.
    assert "营业执照" in exempt and "电子证照库" in exempt
    assert "居民身份证" in exempt and "公安局" in exempt
    assert html.count('data-testid="exempt-reason"') == 2


def test_item_guide_facts_in_plain_words(client: Client, catalogue: Catalogue) -> None:
    html = get(client, reverse("portal:item_guide", args=[catalogue.food.code]))
    assert text_of(html, "visits-text") == "全程网办，无需到现场。"
    assert text_of(html, "fees-free").startswith("免费")
    assert text_of(html, "promised-time") == "3个工作日"
    assert text_of(html, "legal-time") == "20个工作日"
    assert "网上提交申请" in text_of(html, "procedure")
    assert "可以网上办理吗？" in html
    assert text_of(html, "consultation-phone") == "021-12345678"
    assert "第2版" in text_of(html, "guide-version")
    assert 'data-testid="nav-catalog" aria-current="true"' in html

    html = get(client, reverse("portal:item_guide", args=[catalogue.idcard.code]))
    assert text_of(html, "visits-text") == "需到现场1次：采集指纹和人像"
    assert text_of(html, "promised-time") == "当场办结"
    assert text_of(html, "legal-time") == "60个自然日"
    fees = text_of(html, "fees")
    assert "证件工本费" in fees and "每证20元" in fees
    assert text_of(html, "audiences") == "个人"


def test_item_guide_district_switch(client: Client, catalogue: Catalogue) -> None:
    url = reverse("portal:item_guide", args=[catalogue.food.code])
    html = get(client, url)
    location = text_of(html, "location")
    assert "黄浦区" in location and "黄浦区测试路1号" in location and "021-1111" in location
    assert '<select name="district"' in html and 'for="id_district"' in html

    html = get(client, url, district="310115")
    location = text_of(html, "location")
    assert "浦东新区测试大道2号" in location and "周一至周六" in location
    assert 'data-district="310115"' in html
    assert '<option value="310115" selected>' in html
    # The print link keeps the chosen district.
    assert f'href="{url}?print=1&amp;district=310115"' in html

    html = get(client, url, district="310104")  # no window there: say so, show another
    assert "您选择的区暂无该事项的办理窗口" in html and 'data-district="310101"' in html


def test_item_guide_print_view(client: Client, catalogue: Catalogue) -> None:
    html = get(client, reverse("portal:item_guide", args=[catalogue.food.code]), print="1")
    assert 'class="layout-portal print-view"' in html
    assert 'data-testid="print-bar"' in html


@pytest.mark.parametrize("which", ["unknown", "draft", "retired"])
def test_unknown_or_unpublished_item_is_404(client: Client, catalogue: Catalogue, which: str) -> None:
    if which == "retired":
        services.retire(code=catalogue.sign.code, principal=None, reason="取消")
    code = {"unknown": "no-such-item", "draft": catalogue.draft.code, "retired": catalogue.sign.code}[which]
    response = client.get(reverse("portal:item_guide", args=[code]), HTTP_ACCEPT_LANGUAGE="zh-CN")
    html = response.content.decode()
    assert response.status_code == 404
    assert_accessible_page(html)
    assert 'data-testid="error-code">not_found<' in html
    if which != "retired":
        assert client.get(reverse("portal:item_history", args=[code])).status_code == 404


def test_item_history_lists_versions_with_changes(client: Client, catalogue: Catalogue) -> None:
    html = get(client, reverse("portal:item_history", args=[catalogue.food.code]))
    assert re.findall(r'data-testid="version" data-version="(\d+)"', html) == ["2", "1"]
    assert "承诺时限由5个工作日压缩为3个工作日" in html
    assert "首次发布。" in html
    changes = text_of(html, "changes")
    assert "承诺办结时限 5 3" in changes
    assert "所属主题 — 开办企业" in changes  # codes in the snapshot are shown by name
    assert "当前版本" in html and "已被替代" in html
    assert f'href="{reverse("portal:item_guide", args=[catalogue.food.code])}"' in html


# --------------------------------------------------------------------------- bundles


def savings_on_page(html: str) -> dict[str, tuple[int, int]]:
    return {
        key: (int(before), int(after))
        for key, before, after in re.findall(
            r'data-testid="saving-(\w+)" data-before="(\d+)" data-after="(\d+)"', html
        )
    }


def test_bundle_savings_equal_the_merged_guide(client: Client, catalogue: Catalogue) -> None:
    html = get(client, reverse("portal:bundle", args=[catalogue.bundle.code]))
    s = merge(catalogue.bundle).savings
    assert savings_on_page(html) == {
        "materials": (s.materials_before, s.materials_after),
        "fields": (s.fields_before, s.fields_after),
        "visits": (s.visits_before, s.visits_after),
        "departments": (s.departments_before, s.departments_after),
        "days": (s.days_before, s.days_after),
    }
    # Worked out by hand: 4 + 3 documents → {yyzz, sfz, pmt, zlht}, two exempt; fields 3 + 3 → 4;
    # promised days 3 + 10 in sequence → 10 in parallel.
    assert savings_on_page(html) == {
        "materials": (7, 2),
        "fields": (6, 4),
        "visits": (1, 1),
        "departments": (2, 1),
        "days": (13, 10),
    }
    assert "另有2份由部门间共享获取" in html
    to_bring = text_of(html, "bundle-to-bring")
    assert "经营场所平面图" in to_bring and "租赁合同" in to_bring and "营业执照" not in to_bring
    exempt = text_of(html, "bundle-exempt")
    assert "营业执照" in exempt and "电子证照库" in exempt
    assert text_of(html, "lead-department") == "市场监管局"
    assert text_of(html, "bundle-fees-free").startswith("免费")
    fields = text_of(html, "bundle-fields")
    assert fields.split() == ["company_name", "uscc", "address", "area"]
    assert 'data-testid="nav-bundles" aria-current="true"' in html


def test_bundle_situation_adds_the_optional_item(client: Client, catalogue: Catalogue) -> None:
    url = reverse("portal:bundle", args=[catalogue.bundle.code])
    html = get(client, url)
    sign = re.search(rf'data-code="{catalogue.sign.code}" data-included="(\w+)"', html).group(1)
    assert sign == "no" and "仅当“需要设置户外招牌吗？”符合您的情况时办理" in html
    assert 'type="checkbox" name="situation" value="signboard"' in html

    html = get(client, url, situation="signboard")
    sign = re.search(rf'data-code="{catalogue.sign.code}" data-included="(\w+)"', html).group(1)
    assert sign == "yes" and "因为您勾选了“需要设置户外招牌吗？”" in html
    assert re.search(r'value="signboard"[^>]*checked', html)
    s = merge(catalogue.bundle, {"signboard"}).savings
    assert savings_on_page(html)["materials"] == (s.materials_before, s.materials_after) == (9, 2)
    assert savings_on_page(html)["days"] == (s.days_before, s.days_after) == (23, 10)
    assert "固定费用合计：¥100.00" in text_of(html, "bundle-fee-total")
    # An unknown situation is ignored.
    assert savings_on_page(get(client, url, situation="nonsense"))["materials"] == (7, 2)


def test_bundle_list_and_unknown_bundle(client: Client, catalogue: Catalogue) -> None:
    html = get(client, reverse("portal:bundles"))
    assert catalogue.bundle.name in html and "2项服务一次申请" in html and "另有1项视情形办理" in html
    assert client.get(reverse("portal:bundle", args=["no-such-bundle"])).status_code == 404
    Bundle.objects.filter(pk=catalogue.bundle.pk).update(state="draft")
    assert client.get(reverse("portal:bundle", args=[catalogue.bundle.code])).status_code == 404


# --------------------------------------------------------------------------- home and languages


def test_home_shows_entries_events_bundles_and_stats(client: Client, catalogue: Catalogue) -> None:
    html = get(client, "/")
    assert 'href="/services/?audience=natural"' in html and 'href="/services/?audience=legal"' in html
    assert "个人办事" in html and "法人办事" in html
    assert "出生" in text_of(html, "life-events") and "开办企业" in text_of(html, "business-events")
    assert catalogue.bundle.name in text_of(html, "home-bundles")
    # 4 services: 2 fully online (food, sign); 4 with at most one visit; 4 + 1 + 3 + 2 = 10 documents,
    # 4 of them exempt (the e-licence three times, the ID card once).
    assert text_of(html, "stat-online").startswith("全程网办 50%")
    assert text_of(html, "stat-one-visit").startswith("最多跑一次 100%")
    assert text_of(html, "stat-exempt").startswith("材料免交 40%")
    assert 'action="/search/"' in html and 'name="q"' in html


def test_home_without_a_catalogue(client: Client, department) -> None:
    html = get(client, "/")
    assert 'data-testid="catalog-stats"' not in html and 'data-testid="home-bundles"' not in html
    assert department.name in html


def test_english_pages_use_english_names(client: Client, catalogue: Catalogue) -> None:
    html = get(client, reverse("portal:catalog"), lang="en", department="samr")
    assert '<html lang="en"' in html
    assert result_names(html) == ["Food business licence"] and "Market Regulation" in html
    assert "Promised: 3 working days" in html

    html = get(client, reverse("portal:item_guide", args=[catalogue.food.code]), lang="en")
    assert '<h1 data-testid="guide-title">Food business licence</h1>' in html
    assert '<p class="guide-original" lang="zh-CN">食品经营许可</p>' in html
    assert "Floor plan of the premises" in text_of(html, "needed-materials")
    assert text_of(html, "visits-text") == "Fully online: no need to come in person."

    html = get(client, reverse("portal:item_guide", args=[catalogue.idcard.code]), lang="en")
    assert '<h1 data-testid="guide-title">居民身份证换领</h1>' in html  # no English name: Chinese

    html = get(client, reverse("portal:bundle", args=[catalogue.bundle.code]), lang="en")
    assert "Opening a restaurant" in html and "Will you put up a shop sign?" in html
    assert "What applying once saves you" in html

    html = get(client, "/", lang="en")
    assert "Having a baby" in html and "Opening a business" in html


def test_pages_do_not_query_per_item(
    client: Client, catalogue: Catalogue, django_assert_max_num_queries
) -> None:
    """The number of queries is fixed, however many services, documents and windows there are."""
    kind = f.material_kind("extra", MaterialSource.CITY_ISSUED, issuing_department=catalogue.police)
    for _ in range(6):
        item = f.published_item(catalogue.samr, materials=[kind, kind])
        ItemLocation.objects.create(
            item_code=item.code, district=catalogue.pudong, address="某路", hours="9-17"
        )
    pages = {
        "/": 6,
        reverse("portal:catalog"): 5,
        reverse("portal:catalog_departments"): 3,
        reverse("portal:item_guide", args=[catalogue.food.code]): 7,
        reverse("portal:item_history", args=[catalogue.food.code]): 3,
        reverse("portal:bundles"): 1,
        reverse("portal:bundle", args=[catalogue.bundle.code]) + "?situation=signboard": 12,
    }
    for url, most in pages.items():
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200
