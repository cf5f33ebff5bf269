"""Catalogue rules on small hand-made catalogues whose answers are known."""

import pytest

from tongban.items import services
from tongban.items.constants import ItemState, MaterialSource, OnlineDepth
from tongban.items.exemptions import material_exemption
from tongban.items.models import Material, ServiceItem
from tongban.items.query import catalog_stats, filter_items
from tongban.items.tests import factories as f
from tongban.items.validators import check_publishable
from tongban.utils.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db


def _codes(problems):
    return sorted(p.code for p in problems)


def _draft(dept, materials=(), legal_basis=True, **overrides):
    return services.create_draft(
        principal=None,
        fields=f.item_fields(dept, **overrides),
        legal_bases=[{"law": "中华人民共和国行政许可法", "article": "第十二条"}] if legal_basis else [],
        materials=[{"kind": k} for k in materials],
    )


def test_fully_online_item_may_not_require_a_visit():
    dept = f.department()
    kind = f.material_kind("app-form")
    draft = _draft(dept, [kind], visits=1, online_depth=OnlineDepth.FULLY_ONLINE, onsite_reason="核验原件")
    assert _codes(check_publishable(draft)) == ["fully_online_with_visits"]


def test_a_visit_needs_a_stated_reason():
    dept = f.department()
    draft = _draft(dept, [f.material_kind("app-form")], visits=1, online_depth=OnlineDepth.SUBMISSION)
    assert _codes(check_publishable(draft)) == ["onsite_reason_required"]
    draft.onsite_reason = "需双方当事人到场签字"
    draft.save()
    assert check_publishable(draft) == []


def test_incomplete_items_cannot_be_published_and_every_problem_is_reported():
    dept = f.department()
    draft = _draft(
        dept,
        legal_basis=False,
        acceptance_conditions="",
        legal_time_limit=5,
        promised_time_limit=10,
        result_kind="license",
        channels=[],
    )
    with pytest.raises(ValidationFailed) as exc:
        services.publish(item=draft, principal=None)
    assert _codes(exc.value.errors) == [
        "channels_invalid",
        "conditions_required",
        "legal_basis_required",
        "materials_required",
        "promised_exceeds_legal",
        "result_license_type_required",
    ]
    draft.refresh_from_db()
    assert draft.state == ItemState.DRAFT


def test_fees_must_match_the_charging_flag():
    dept = f.department()
    draft = _draft(dept, [f.material_kind("a")], charges_fee=True)
    assert _codes(check_publishable(draft)) == ["fee_items_required"]


def test_publishing_freezes_and_revisions_supersede():
    dept = f.department()
    kind = f.material_kind("app")
    v1 = f.published_item(dept, materials=[kind], name="食品经营许可")
    assert v1.state == ItemState.PUBLISHED and v1.snapshot["materials"][0]["kind_code"] == "app"
    with pytest.raises(Conflict):
        services.ensure_editable(v1)
    draft = services.start_revision(code=v1.code, principal=None)
    assert (draft.version, draft.state, draft.materials.count()) == (2, ItemState.DRAFT, 1)
    assert services.start_revision(code=v1.code, principal=None) == draft  # one draft at a time
    draft.promised_time_limit = 3
    draft.save()
    v2 = services.publish(item=draft, principal=None, change_note="承诺时限压缩")
    v1.refresh_from_db()
    assert (v1.state, v2.state) == (ItemState.SUPERSEDED, ItemState.PUBLISHED)
    assert ServiceItem.objects.published().filter(code=v1.code).get() == v2
    # The superseded version still describes exactly what it said (cases pin it).
    assert v1.promised_time_limit == 5 and v1.snapshot["promised_time_limit"] == 5
    services.retire(code=v1.code, principal=None, reason="事项取消")
    assert not ServiceItem.objects.published().filter(code=v1.code).exists()


def test_exemption_reasons():
    issuer = f.department(name="上海市市场监督管理局")
    shared_license = f.license_type(issuer, "营业执照", electronic=True)
    paper_license = f.license_type(issuer, "旧式许可证", electronic=False)
    kinds = {
        "own": f.material_kind("own"),
        "city": f.material_kind("city", MaterialSource.CITY_ISSUED, issuing_department=issuer),
        "elic": f.material_kind("elic", MaterialSource.E_LICENSE, license_type=shared_license),
        "paper": f.material_kind("paper", MaterialSource.E_LICENSE, license_type=paper_license),
        "data": f.material_kind(
            "data", MaterialSource.SHARED_DATA, data_resource=f.data_resource("hukou", issuer)
        ),
        "closed": f.material_kind(
            "closed",
            MaterialSource.SHARED_DATA,
            data_resource=f.data_resource("closed", issuer, shared=False),
        ),
    }
    item = f.published_item(issuer, materials=list(kinds.values()))
    verdict = {m.kind.code: material_exemption(m) for m in item.materials.all()}
    assert {k for k, v in verdict.items() if v.exempt} == {"city", "elic", "data"}
    assert verdict["elic"].basis == "e_license" and "营业执照" in verdict["elic"].reason
    assert verdict["city"].basis == "city_issued" and "上海市市场监督管理局" in verdict["city"].reason
    assert verdict["data"].basis == "shared_data"
    # A recorded legal reason to hand in the paper overrides the exemption.
    m = Material.objects.get(item=item, kind=kinds["elic"])
    m.must_submit_reason = "须当场核验原件"
    assert not material_exemption(m).exempt


def test_filters_and_stats():
    a = f.department(slug="samr")
    b = f.department(slug="gaj")
    own, city = (
        f.material_kind("own"),
        f.material_kind("city", MaterialSource.CITY_ISSUED, issuing_department=a),
    )
    f.published_item(a, materials=[own, city], name="食品经营许可", keywords="开饭店 餐馆")
    f.published_item(
        b,
        materials=[own],
        name="居民身份证申领",
        for_natural_persons=True,
        for_legal_persons=False,
        visits=1,
        online_depth=OnlineDepth.SUBMISSION,
        onsite_reason="采集指纹和人像",
    )
    f.published_item(
        b,
        materials=[own],
        name="养犬登记",
        for_natural_persons=True,
        for_legal_persons=False,
        visits=2,
        online_depth=OnlineDepth.INFORMATION,
        onsite_reason="犬只免疫",
    )
    assert [i.name for i in filter_items(q="餐馆")] == ["食品经营许可"]
    assert {i.name for i in filter_items(department="gaj")} == {"居民身份证申领", "养犬登记"}
    assert [i.name for i in filter_items(audience="legal")] == ["食品经营许可"]
    assert [i.name for i in filter_items(online=True)] == ["食品经营许可"]
    stats = catalog_stats()
    assert (stats.items, stats.fully_online, stats.at_most_one_visit) == (3, 1, 2)
    assert (stats.materials, stats.materials_exempt) == (4, 1)
    assert stats.materials_exempt_share == 0.25
