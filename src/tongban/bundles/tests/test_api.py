"""The public bundle API on the hand-made restaurant bundle of ``test_merge`` (same numbers)."""

from dataclasses import asdict

import pytest

from tongban.bundles.merge import merge
from tongban.bundles.models import Bundle
from tongban.items import services
from tongban.items.constants import MaterialSource, OnlineDepth, TimeUnit
from tongban.items.models import Topic
from tongban.items.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def restaurant():
    samr, fire, signs = (
        f.department(slug="samr", name="市场监管"),
        f.department(slug="fire", name="消防"),
        f.department(slug="signs", name="绿化市容"),
    )
    licence = f.license_type(samr, "营业执照", electronic=True)
    k_licence = f.material_kind("yyzz", MaterialSource.E_LICENSE, license_type=licence, name="营业执照")
    k_id = f.material_kind("sfz", MaterialSource.CITY_ISSUED, issuing_department=samr)
    k_plan = f.material_kind("pmt")
    k_lease = f.material_kind("zlht")
    food = f.published_item(
        samr,
        materials=[k_licence, k_id, k_plan],
        fields=["company_name", "uscc", "address"],
        promised_time_limit=5,
        legal_time_limit=20,
    )
    fire_check = f.published_item(
        fire,
        materials=[k_licence, k_plan, (k_lease, {"requirement": "conditional", "condition": "租赁场地的"})],
        fields=["company_name", "address", "area"],
        promised_time_limit=10,
        legal_time_limit=10,
        visits=1,
        online_depth=OnlineDepth.SUBMISSION,
        onsite_reason="现场检查",
    )
    sign = f.published_item(
        signs,
        materials=[k_licence, k_lease],
        fields=["company_name", "sign_size"],
        promised_time_limit=14,
        promised_time_unit=TimeUnit.NATURAL_DAY,
        legal_time_limit=20,
        legal_time_unit=TimeUnit.NATURAL_DAY,
        fees=[{"name": "审查费", "standard": "每件100元", "amount_cents": 10000, "basis": "测试依据"}],
    )
    b = f.bundle(samr, [food, fire_check], optional={"signboard": [sign]})
    b.topic = Topic.objects.create(code="kaiban", name="开办企业", kind="business_event", audience="legal")
    b.save()
    return b, food, fire_check, sign


def _bundle(client, bundle, situations=None):
    params = {"situations": situations} if situations is not None else {}
    resp = client.get(f"/api/v1/bundles/{bundle.code}", params)
    assert resp.status_code == 200, resp.content
    return resp.json()


def test_savings_match_merge_without_the_optional_item(client, restaurant):
    b, food, fire_check, sign = restaurant
    body = _bundle(client, b)
    assert body["savings"] == {
        "materials_before": 6,
        "materials_after": 2,
        "materials_exempt": 2,
        "fields_before": 6,
        "fields_after": 4,
        "visits_before": 1,
        "visits_after": 1,
        "departments_before": 2,
        "departments_after": 1,
        "days_before": 15,
        "days_after": 10,
    }
    assert body["savings"] == asdict(merge(b).savings)
    assert (body["code"], body["kind"], body["audience"]) == (b.code, "business_event", "legal")
    assert body["lead_department"] == {"slug": "samr", "name": "市场监管"}
    assert body["topic"] == {"code": "kaiban", "name": "开办企业"}
    assert body["selected_situations"] == []
    assert body["situations"] == [
        {
            "code": "signboard",
            "question": "signboard?",
            "question_en": "",
            "selected": False,
            "item_codes": [sign.code],
        }
    ]
    assert [(i["code"], i["optional"], i["situation"]) for i in body["items"]] == [
        (food.code, False, None),
        (fire_check.code, False, None),
    ]
    assert body["items"][1]["promised_time"]["working_days"] == 10
    assert body["missing_items"] == []
    materials = {m["kind_code"]: m for m in body["materials"]}
    assert list(materials) == ["pmt", "zlht", "sfz", "yyzz"]  # still needed first, then exempt
    assert materials["yyzz"]["needed_by"] == [food.code, fire_check.code]
    assert (
        materials["yyzz"]["exemption"]["basis"] == "e_license"
        and materials["yyzz"]["kind_name"] == "营业执照"
    )
    assert materials["sfz"]["exemption"]["basis"] == "city_issued"
    assert (materials["zlht"]["required"], materials["zlht"]["conditions"]) == (False, ["租赁场地的"])
    assert materials["pmt"]["required"] and not materials["pmt"]["exemption"]["exempt"]
    # each field once, in the order first asked
    assert [x["key"] for x in body["form_fields"]] == ["company_name", "uscc", "address", "area"]
    assert body["fees"] == {"items": [], "fixed_total_cents": 0, "fixed_total_yuan": 0.0}


def test_a_situation_brings_in_the_optional_item(client, restaurant):
    b, food, fire_check, sign = restaurant
    body = _bundle(client, b, "signboard")
    s = body["savings"]
    assert (s["materials_before"], s["materials_after"], s["materials_exempt"]) == (8, 2, 2)
    assert (s["fields_before"], s["fields_after"]) == (8, 5)
    assert (s["departments_before"], s["departments_after"]) == (3, 1)
    assert (s["days_before"], s["days_after"]) == (25, 10)  # 14 calendar days count as 10 working days
    assert s == asdict(merge(b, situations={"signboard"}).savings)
    assert body["selected_situations"] == ["signboard"] and body["situations"][0]["selected"] is True
    assert [(i["code"], i["optional"], i["situation"]) for i in body["items"]] == [
        (food.code, False, None),
        (fire_check.code, False, None),
        (sign.code, True, "signboard"),
    ]
    assert body["fees"] == {
        "items": [
            {
                "item_code": sign.code,
                "name": "审查费",
                "standard": "每件100元",
                "amount_cents": 10000,
                "basis": "测试依据",
                "waivable": False,
                "waiver_note": "",
            }
        ],
        "fixed_total_cents": 10000,
        "fixed_total_yuan": 100.0,
    }
    # Spaces and repeats in the parameter are forgiven.
    assert _bundle(client, b, " signboard,,signboard ")["savings"] == s


def test_unknown_situations_are_refused_with_a_stable_code(client, restaurant):
    b, *_ = restaurant
    resp = client.get(f"/api/v1/bundles/{b.code}", {"situations": "signboard,pets,garden"})
    assert resp.status_code == 422
    [error] = resp.json()["errors"]
    assert (error["code"], error["field"], error["params"]) == (
        "unknown_situation",
        "situations",
        {"codes": ["pets", "garden"]},
    )


def test_unpublished_items_are_reported_as_missing(client, restaurant):
    b, food, fire_check, sign = restaurant
    services.retire(code=food.code, principal=None, reason="调整")
    services.retire(code=sign.code, principal=None, reason="调整")
    body = _bundle(client, b, "signboard")
    assert body["missing_items"] == [
        {"code": food.code, "optional": False, "situation": None},
        {"code": sign.code, "optional": True, "situation": "signboard"},
    ]
    assert [i["code"] for i in body["items"]] == [fire_check.code]
    assert body["savings"]["departments_before"] == 1


def test_unknown_and_unpublished_bundles_are_404(client, restaurant):
    b, *_ = restaurant
    assert client.get("/api/v1/bundles/nope").json()["code"] == "bundle_not_found"
    Bundle.objects.filter(pk=b.pk).update(state="draft")
    resp = client.get(f"/api/v1/bundles/{b.code}")
    assert (resp.status_code, resp.json()["code"]) == (404, "bundle_not_found")


@pytest.fixture
def bundles(restaurant):
    b, food, *_ = restaurant
    birth = f.bundle(f.department(slug="health"), [food])
    Bundle.objects.filter(pk=birth.pk).update(kind="life_event", audience="natural")
    draft = f.bundle(f.department(), [food])
    Bundle.objects.filter(pk=draft.pk).update(state="draft")
    return b, Bundle.objects.get(pk=birth.pk)


def _codes(client, query=""):
    resp = client.get(f"/api/v1/bundles?{query}")
    assert resp.status_code == 200, resp.content
    return [x["code"] for x in resp.json()["items"]]


def test_list_filters_and_pagination(client, bundles):
    restaurant, birth = bundles
    both = sorted([restaurant.code, birth.code])
    assert _codes(client) == both  # the draft is not listed
    assert _codes(client, "audience=legal") == [restaurant.code]
    assert _codes(client, "audience=natural") == [birth.code]
    assert _codes(client, "kind=life_event") == [birth.code]
    assert _codes(client, "topic=kaiban") == [restaurant.code]
    assert _codes(client, "topic=kaiban&audience=natural") == []
    page = client.get("/api/v1/bundles?limit=1&offset=1").json()
    assert page["count"] == 2 and [x["code"] for x in page["items"]] == both[1:]
    entry = client.get("/api/v1/bundles?topic=kaiban").json()["items"][0]
    assert entry["lead_department"] == {"slug": "samr", "name": "市场监管"}
    assert entry["topic"] == {"code": "kaiban", "name": "开办企业"}


@pytest.mark.parametrize(
    ("query", "code"), [("audience=aliens", "unknown_audience"), ("kind=party", "unknown_bundle_kind")]
)
def test_invalid_list_filters(client, query, code):
    resp = client.get(f"/api/v1/bundles?{query}")
    assert resp.status_code == 422 and [e["code"] for e in resp.json()["errors"]] == [code]


def test_the_list_does_not_query_per_bundle(client, bundles, django_assert_max_num_queries):
    restaurant, _birth = bundles
    items = [f.published_item(f.department(), materials=[f.material_kind(f"k{n}")]) for n in range(5)]
    for _ in range(8):
        f.bundle(f.department(), items)
    with django_assert_max_num_queries(2):  # the count and one page, topic and lead department joined
        page = client.get("/api/v1/bundles").json()
    assert page["count"] == 10
