"""Bundle savings on a hand-made catalogue: every number below is worked out by hand."""

import pytest

from tongban.bundles.merge import fee_total_cents, merge
from tongban.items.constants import MaterialSource, OnlineDepth, TimeUnit
from tongban.items.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def restaurant():
    samr, fire, signs = (
        f.department(name="市场监管"),
        f.department(name="消防"),
        f.department(name="绿化市容"),
    )
    licence = f.license_type(samr, "营业执照", electronic=True)
    k_licence = f.material_kind("yyzz", MaterialSource.E_LICENSE, license_type=licence)
    k_id = f.material_kind("sfz", MaterialSource.CITY_ISSUED, issuing_department=samr)
    k_plan = f.material_kind("pmt")  # floor plan: the applicant's own
    k_lease = f.material_kind("zlht")  # lease: the applicant's own
    food = f.published_item(
        samr,
        materials=[k_licence, k_id, k_plan],
        fields=["company_name", "uscc", "address"],
        promised_time_limit=5,
        legal_time_limit=20,
    )
    fire_check = f.published_item(
        fire,
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
        materials=[k_licence, k_lease],
        fields=["company_name", "sign_size"],
        promised_time_limit=14,
        promised_time_unit=TimeUnit.NATURAL_DAY,  # 14 calendar days ≈ 10 working days
        legal_time_limit=20,
        legal_time_unit=TimeUnit.NATURAL_DAY,
        fees=[{"name": "审查费", "standard": "每件100元", "amount_cents": 10000, "basis": "测试依据"}],
    )
    b = f.bundle(samr, [food, fire_check], optional={"signboard": [sign]})
    return b, food, fire_check, sign


def test_savings_without_the_optional_item(restaurant):
    b, food, fire_check, _sign = restaurant
    guide = merge(b)
    s = guide.savings
    # materials: 3 + 3 handed in separately; merged kinds {yyzz, sfz, pmt, zlht}, two of them exempt
    assert (s.materials_before, s.materials_after, s.materials_exempt) == (6, 2, 2)
    # fields: 3 + 3 asked separately; {company_name, uscc, address, area} asked once
    assert (s.fields_before, s.fields_after) == (6, 4)
    assert (s.visits_before, s.visits_after) == (1, 1)
    assert (s.departments_before, s.departments_after) == (2, 1)
    # promised time: 5 + 10 in sequence vs the longest parallel branch
    assert (s.days_before, s.days_after) == (15, 10)
    assert [i.code for i in guide.items] == [food.code, fire_check.code]
    assert guide.missing_codes == []


def test_situation_brings_in_the_optional_item(restaurant):
    b, *_ = restaurant
    s = merge(b, situations={"signboard"}).savings
    assert (s.materials_before, s.materials_after, s.materials_exempt) == (8, 2, 2)
    assert (s.fields_before, s.fields_after) == (8, 5)
    assert s.departments_before == 3
    assert (s.days_before, s.days_after) == (25, 10)  # 14 calendar days count as 10 working days
    assert fee_total_cents(merge(b, situations={"signboard"})) == 10000


def test_merged_materials_say_which_are_exempt_and_who_needs_them(restaurant):
    b, food, fire_check, _ = restaurant
    by_code = {m.kind.code: m for m in merge(b).materials}
    assert by_code["yyzz"].exemption.exempt and by_code["yyzz"].needed_by == [food.code, fire_check.code]
    assert not by_code["pmt"].exemption.exempt
    assert by_code["zlht"].needed_by == [fire_check.code]


def test_unpublished_items_are_reported_not_dropped(restaurant):
    from tongban.items import services

    b, food, *_ = restaurant
    services.retire(code=food.code, principal=None, reason="调整")
    guide = merge(b)
    assert guide.missing_codes == [food.code]
    assert guide.savings.departments_before == 1
