"""The public catalogue API on a small hand-made catalogue whose answers are known."""

import pytest

from tongban.items import services
from tongban.items.constants import MaterialSource, OnlineDepth, ResultKind
from tongban.items.models import ItemLocation, Material, ServiceItem, Topic
from tongban.items.tests import factories as f
from tongban.organizations.constants import RegionLevel
from tongban.organizations.models import Region, ServiceWindow

pytestmark = pytest.mark.django_db


def _district(code, name):
    city = Region.objects.get(code="310000")
    return Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": RegionLevel.DISTRICT, "parent": city}
    )[0]


def _located(item, *districts):
    for d in districts:
        ItemLocation.objects.create(
            item_code=item.code, district=d, address=f"{d.name}行政服务中心", hours="9:00-17:00"
        )


@pytest.fixture
def catalogue():
    """Three published items, one draft; locations in two districts; one topic."""
    samr = f.department(slug="samr", name="市场监管局")
    gaj = f.department(slug="gaj", name="公安局")
    huangpu, xuhui = _district("310101", "黄浦区"), _district("310104", "徐汇区")
    own = f.material_kind("own")
    city = f.material_kind("city", MaterialSource.CITY_ISSUED, issuing_department=samr)
    food = f.published_item(
        samr, materials=[own, city], name="食品经营许可", keywords="开饭店 餐馆", summary="开餐馆要办的许可"
    )
    id_card = f.published_item(
        gaj,
        materials=[own],
        name="居民身份证申领",
        item_type="20",
        for_natural_persons=True,
        for_legal_persons=False,
        visits=1,
        online_depth=OnlineDepth.SUBMISSION,
        onsite_reason="采集指纹和人像",
    )
    dog = f.published_item(
        gaj,
        materials=[own],
        name="养犬登记",
        item_type="07",
        for_natural_persons=True,
        for_legal_persons=False,
        visits=2,
        online_depth=OnlineDepth.INFORMATION,
        onsite_reason="犬只免疫",
    )
    services.create_draft(
        principal=None, fields=f.item_fields(samr, name="草稿事项"), materials=[{"kind": own}]
    )
    topic = Topic.objects.create(code="kaiban", name="开办企业", kind="business_event", audience="legal")
    food.topics.add(topic)
    _located(food, huangpu)
    _located(id_card, huangpu, xuhui)
    _located(dog, xuhui)
    return {"food": food, "id_card": id_card, "dog": dog}


def _names(client, query=""):
    """The names listed, as a set: ordering by name differs between databases' collations."""
    resp = client.get(f"/api/v1/items?{query}")
    assert resp.status_code == 200, resp.content
    names = [i["name"] for i in resp.json()["items"]]
    assert len(names) == len(set(names))
    return set(names)


def test_every_filter_alone_and_combined(client, catalogue):
    everything = {"居民身份证申领", "养犬登记", "食品经营许可"}
    assert _names(client) == everything
    assert _names(client, "q=餐馆") == {"食品经营许可"}
    assert _names(client, "q=开饭店 餐馆") == {"食品经营许可"}  # every word must match
    assert _names(client, "q=开饭店 身份证") == set()
    assert _names(client, f"q={catalogue['dog'].code}") == {"养犬登记"}
    assert _names(client, "department=gaj") == {"居民身份证申领", "养犬登记"}
    assert _names(client, "type=20") == {"居民身份证申领"}
    assert _names(client, "type=01") == {"食品经营许可"}
    assert _names(client, "audience=natural") == {"居民身份证申领", "养犬登记"}
    assert _names(client, "audience=legal") == {"食品经营许可"}
    assert _names(client, "district=310104") == {"居民身份证申领", "养犬登记"}
    assert _names(client, "district=310101") == {"居民身份证申领", "食品经营许可"}
    assert _names(client, "online=true") == {"食品经营许可"}
    assert _names(client, "online=false") == {"居民身份证申领", "养犬登记"}
    assert _names(client, "topic=kaiban") == {"食品经营许可"}
    assert _names(client, "department=gaj&district=310101") == {"居民身份证申领"}
    assert _names(client, "audience=natural&online=false&type=07") == {"养犬登记"}
    assert _names(client, "department=samr&audience=natural") == set()
    assert _names(client, "department=nobody") == set()


def test_list_entries_carry_the_summary_fields(client, catalogue):
    food = catalogue["food"]
    entry = client.get("/api/v1/items?q=餐馆").json()["items"][0]
    assert entry == {
        "code": food.code,
        "basic_code": food.basic_code,
        "version": 1,
        "name": "食品经营许可",
        "name_en": "",
        "department": {"slug": "samr", "name": "市场监管局"},
        "item_type": "01",
        "for_natural_persons": False,
        "for_legal_persons": True,
        "online_depth": 4,
        "visits": 0,
        "case_kind": "2",
        "promised_time": {"value": 5, "unit": "working_day", "working_days": 5, "note": ""},
        "charges_fee": False,
        "summary": "开餐馆要办的许可",
    }


def test_pagination(client, catalogue):
    everything = client.get("/api/v1/items").json()
    assert everything["count"] == 3
    order = [i["code"] for i in everything["items"]]
    assert order[2] == catalogue["food"].code  # by department slug: gaj before samr
    first = client.get("/api/v1/items?limit=2").json()
    second = client.get("/api/v1/items?limit=2&offset=2").json()
    assert (first["count"], second["count"]) == (3, 3)
    assert [i["code"] for i in first["items"] + second["items"]] == order
    assert client.get("/api/v1/items?offset=3").json() == {"items": [], "count": 3}
    page = client.get("/api/v1/items?department=gaj&limit=1&offset=1").json()
    assert page["count"] == 2 and [i["code"] for i in page["items"]] == order[1:2]


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("type=99", "unknown_item_type", "type"),
        ("type=XK", "unknown_item_type", "type"),  # local letter codes are not national codes
        ("audience=robots", "unknown_audience", "audience"),
        ("district=3101", "invalid_district_code", "district"),
    ],
)
def test_invalid_filters_are_422_with_a_stable_code(client, query, code, field):
    resp = client.get(f"/api/v1/items?{query}")
    assert resp.status_code == 422
    body = resp.json()
    assert body["code"] == "validation_failed"
    assert [(e["code"], e["field"]) for e in body["errors"]] == [(code, field)]
    assert body["errors"][0]["message"]


def test_the_list_does_not_query_per_item(client, django_assert_max_num_queries):
    dept = f.department()
    own = f.material_kind("own")
    for _ in range(12):
        f.published_item(f.department(), materials=[own])
    f.published_item(dept, materials=[own])
    with django_assert_max_num_queries(2):  # the count and one page, departments joined in
        page = client.get("/api/v1/items?limit=50").json()
    assert page["count"] == 13 and len(page["items"]) == 13


@pytest.fixture
def guide():
    """An item with every kind of material, a fee, an FAQ, a licence as result, two locations."""
    samr = f.department(slug="samr", name="市场监管局")
    licence = f.license_type(samr, "营业执照", electronic=True)
    result = f.license_type(samr, "食品经营许可证", electronic=False)
    kinds = [
        f.material_kind("own", name="平面图"),
        f.material_kind("city", MaterialSource.CITY_ISSUED, issuing_department=samr),
        f.material_kind("yyzz", MaterialSource.E_LICENSE, license_type=licence, name="营业执照"),
        f.material_kind("yyzz-paper", MaterialSource.E_LICENSE, license_type=licence),
    ]
    item = f.published_item(
        samr,
        materials=[
            kinds[0],
            (kinds[1], {"requirement": "conditional", "condition": "委托办理的"}),
            kinds[2],
            (kinds[3], {"must_submit_reason": "须当场核验原件", "form": "original"}),
        ],
        fees=[{"name": "工本费", "standard": "每证10元", "amount_cents": 1000, "basis": "测试依据"}],
        name="食品经营许可",
        procedure="网上申请\n  \n审查\n发证",
        result_kind=ResultKind.LICENSE,
        result_license_type=result,
        consultation_phone="12345",
    )
    item.faqs.create(question="要多久？", answer="5个工作日。")
    huangpu, xuhui = _district("310101", "黄浦区"), _district("310104", "徐汇区")
    window = ServiceWindow.objects.create(
        code="hp-1",
        name="综合受理窗口",
        department=samr,
        district=huangpu,
        address="黄浦区某路1号",
        hours="9:00-17:00",
    )
    ItemLocation.objects.create(
        item_code=item.code, district=xuhui, address="徐汇区某路2号", hours="9:00-17:00", phone="021-1"
    )
    ItemLocation.objects.create(
        item_code=item.code, district=huangpu, window=window, address="黄浦区某路1号", hours="9:00-17:00"
    )
    return item


def test_item_detail_with_exemptions_and_locations(client, guide):
    resp = client.get(f"/api/v1/items/{guide.code}")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/json")
    assert "食品经营许可" in resp.content.decode("utf-8")  # UTF-8, not \u escapes
    body = resp.json()
    assert (body["code"], body["version"], body["state"]) == (guide.code, 1, "published")
    assert body["department"] == {"slug": "samr", "name": "市场监管局"}
    assert body["procedure"] == ["网上申请", "审查", "发证"]
    assert body["legal_bases"] == [{"law": "中华人民共和国行政许可法", "article": "第十二条", "excerpt": ""}]
    assert body["result"]["kind"] == "license" and body["result"]["license_type"]["name"] == "食品经营许可证"
    assert body["phones"] == {"consultation": "12345", "supervision": ""}
    assert body["legal_time"] == {"value": 20, "unit": "working_day", "working_days": 20, "note": ""}
    materials = {m["kind_code"]: m for m in body["materials"]}
    assert list(materials) == ["own", "city", "yyzz", "yyzz-paper"]
    assert materials["own"]["exemption"] == {"exempt": False, "basis": "", "reason": ""}
    assert materials["own"]["name"] == "平面图"
    assert materials["city"]["exemption"]["basis"] == "city_issued"
    assert (materials["city"]["requirement"], materials["city"]["condition"]) == ("conditional", "委托办理的")
    assert materials["yyzz"]["exemption"]["exempt"] and materials["yyzz"]["exemption"]["basis"] == "e_license"
    assert "营业执照" in materials["yyzz"]["exemption"]["reason"]
    # A recorded reason to hand in the paper overrides the e-licence.
    assert materials["yyzz-paper"]["exemption"]["exempt"] is False
    assert materials["yyzz-paper"]["must_submit_reason"] == "须当场核验原件"
    assert body["fees"] == [
        {
            "name": "工本费",
            "standard": "每证10元",
            "amount_cents": 1000,
            "basis": "测试依据",
            "waivable": False,
            "waiver_note": "",
        }
    ]
    assert body["faqs"] == [{"question": "要多久？", "answer": "5个工作日。"}]
    assert body["locations"] == [
        {
            "district_code": "310101",
            "district_name": "黄浦区",
            "window": {"code": "hp-1", "name": "综合受理窗口"},
            "address": "黄浦区某路1号",
            "hours": "9:00-17:00",
            "phone": "",
            "notes": "",
        },
        {
            "district_code": "310104",
            "district_name": "徐汇区",
            "window": None,
            "address": "徐汇区某路2号",
            "hours": "9:00-17:00",
            "phone": "021-1",
            "notes": "",
        },
    ]
    assert [v["version"] for v in body["versions"]] == [1] and body["published_at"]


def test_a_superseded_version_comes_from_its_snapshot(client, guide):
    draft = services.start_revision(code=guide.code, principal=None)
    draft.promised_time_limit = 3
    draft.name = "食品经营许可（新）"
    draft.save()
    Material.objects.filter(item=draft, kind__code="own").delete()
    services.publish(item=draft, principal=None, change_note="承诺时限压缩")
    # The snapshot is the record: even a tampered row would not change what version 1 said.
    ServiceItem.objects.filter(code=guide.code, version=1).update(name="被改动的名称")

    current = client.get(f"/api/v1/items/{guide.code}").json()
    assert (current["version"], current["name"], current["promised_time"]["value"]) == (
        2,
        "食品经营许可（新）",
        3,
    )
    assert [(v["version"], v["state"], v["change_note"]) for v in current["versions"]] == [
        (2, "published", "承诺时限压缩"),
        (1, "superseded", ""),
    ]
    assert [m["kind_code"] for m in current["materials"]] == ["city", "yyzz", "yyzz-paper"]

    old = client.get(f"/api/v1/items/{guide.code}?version=1").json()
    assert (old["version"], old["state"], old["name"]) == (1, "superseded", "食品经营许可")
    assert old["promised_time"] == {"value": 5, "unit": "working_day", "working_days": 5, "note": ""}
    assert [m["kind_code"] for m in old["materials"]] == ["own", "city", "yyzz", "yyzz-paper"]
    materials = {m["kind_code"]: m for m in old["materials"]}
    assert materials["yyzz"]["exemption"]["basis"] == "e_license"
    assert materials["yyzz-paper"]["exemption"]["exempt"] is False
    assert materials["city"]["condition"] == "委托办理的"
    assert old["department"] == {"slug": "samr", "name": "市场监管局"}
    assert old["result"]["license_type"]["name"] == "食品经营许可证"
    assert old["fees"][0]["amount_cents"] == 1000 and old["legal_bases"][0]["article"] == "第十二条"
    assert old["published_at"] == current["versions"][1]["published_at"]
    assert len(old["locations"]) == 2 and [v["version"] for v in old["versions"]] == [2, 1]
    assert client.get(f"/api/v1/items/{guide.code}?version=2").json()["name"] == "食品经营许可（新）"


def test_not_found(client, guide):
    def error(url):
        resp = client.get(url)
        assert resp.status_code == 404
        return resp.json()["code"]

    assert error("/api/v1/items/NOPE") == "item_not_found"
    assert error("/api/v1/items/NOPE?version=1") == "item_not_found"
    assert error(f"/api/v1/items/{guide.code}?version=7") == "item_version_not_found"
    services.start_revision(code=guide.code, principal=None)
    assert error(f"/api/v1/items/{guide.code}?version=2") == "item_version_not_found"  # a draft
    assert client.get(f"/api/v1/items?q={guide.code}").json()["count"] == 1
    services.retire(code=guide.code, principal=None, reason="事项取消")
    assert error(f"/api/v1/items/{guide.code}") == "item_not_found"
    assert client.get(f"/api/v1/items?q={guide.code}").json()["count"] == 0
    # A case that pinned the retired version can still read what it said.
    old = client.get(f"/api/v1/items/{guide.code}?version=1").json()
    assert (old["version"], old["state"]) == (1, "retired")


def test_catalogue_stats_with_departments(client, django_assert_max_num_queries):
    from tongban.items import graph

    samr = f.department(slug="samr", name="市场监管局")
    gaj = f.department(slug="gaj", name="公安局")
    own = f.material_kind("own")
    city = f.material_kind("city", MaterialSource.CITY_ISSUED, issuing_department=samr)
    f.published_item(samr, materials=[own, city])
    f.published_item(samr, materials=[(city, {"must_submit_reason": "须核验原件"})])
    f.published_item(
        gaj,
        materials=[own, city],
        visits=1,
        online_depth=OnlineDepth.SUBMISSION,
        onsite_reason="采集指纹",
        for_natural_persons=True,
    )
    f.published_item(
        gaj, materials=[own], visits=2, online_depth=OnlineDepth.INFORMATION, onsite_reason="犬只免疫"
    )
    body = client.get("/api/v1/catalog/stats").json()
    # 4 items: 2 fully online, 3 with at most one visit; 6 materials, 2 exempt (the forced one is not)
    assert {k: v for k, v in body.items() if k != "departments"} == {
        "items": 4,
        "fully_online": 2,
        "at_most_one_visit": 3,
        "materials": 6,
        "materials_exempt": 2,
        "fully_online_share": 0.5,
        "at_most_one_visit_share": 0.75,
        "materials_exempt_share": 0.3333,
    }
    assert body["departments"] == [
        {
            "department": {"slug": "gaj", "name": "公安局"},
            "items": 2,
            "fully_online": 0,
            "at_most_one_visit": 1,
            "materials": 3,
            "materials_exempt": 1,
            "fully_online_share": 0.0,
            "at_most_one_visit_share": 0.5,
            "materials_exempt_share": 0.3333,
        },
        {
            "department": {"slug": "samr", "name": "市场监管局"},
            "items": 2,
            "fully_online": 2,
            "at_most_one_visit": 2,
            "materials": 3,
            "materials_exempt": 1,
            "fully_online_share": 1.0,
            "at_most_one_visit_share": 1.0,
            "materials_exempt_share": 0.3333,
        },
    ]
    with django_assert_max_num_queries(4):  # however many items and departments there are
        graph.department_stats()
