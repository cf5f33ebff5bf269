"""Graph queries on a hand-made catalogue whose answers are worked out by hand.

    市场监管 (samr) issues 营业执照 (shared e-licence) and 食品经营许可证 (NOT shared yet)
    消防 (fire) issues the material kind 消防意见 (city-issued)

    A 消防检查   (fire)     needs 营业执照, 食品经营许可证, 平面图
    B 娱乐许可   (culture)  needs 食品经营许可证 (only when serving food), 营业执照
    C 食品经营许可 (samr)    needs 营业执照, 平面图, 消防意见; issues 食品经营许可证
    D 演出备案   (culture)  needs 食品经营许可证, with a legal reason to see the paper
    E (a draft)  (culture)  needs 食品经营许可证: drafts are not part of the graph

Sharing 食品经营许可证 would exempt it for A and B: two submissions saved (D keeps its paper).
"""

import pytest

from tongban.items import graph, services
from tongban.items.constants import MaterialSource, ResultKind
from tongban.items.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def g():
    samr = f.department(slug="samr", name="市场监管")
    fire = f.department(slug="fire", name="消防")
    culture = f.department(slug="culture", name="文旅")
    yyzz = f.license_type(samr, "营业执照", electronic=True)
    spxk = f.license_type(samr, "食品经营许可证", electronic=False)
    k_yyzz = f.material_kind("yyzz", MaterialSource.E_LICENSE, license_type=yyzz, name="营业执照")
    k_spxk = f.material_kind("spxk", MaterialSource.E_LICENSE, license_type=spxk, name="食品经营许可证")
    k_plan = f.material_kind("plan", name="平面图")
    k_fire = f.material_kind("xfyj", MaterialSource.CITY_ISSUED, issuing_department=fire, name="消防意见")
    a = f.published_item(fire, materials=[k_yyzz, k_spxk, k_plan], name="消防检查")
    b = f.published_item(
        culture,
        materials=[(k_spxk, {"requirement": "conditional", "condition": "提供餐饮的"}), k_yyzz],
        name="娱乐许可",
    )
    c = f.published_item(
        samr,
        materials=[k_yyzz, k_plan, k_fire],
        name="食品经营许可",
        result_kind=ResultKind.LICENSE,
        result_license_type=spxk,
    )
    d = f.published_item(culture, materials=[(k_spxk, {"must_submit_reason": "须核验原件"})], name="演出备案")
    services.create_draft(principal=None, fields=f.item_fields(culture), materials=[{"kind": k_spxk}])
    return {
        "samr": samr,
        "fire": fire,
        "culture": culture,
        "yyzz": yyzz,
        "spxk": spxk,
        "a": a,
        "b": b,
        "c": c,
        "d": d,
    }


def test_items_needing_a_material_kind(g, client):
    usage = graph.items_needing("spxk")
    assert [u.item.department.slug for u in usage.uses] == ["culture", "culture", "fire"]
    assert {u.item.code for u in usage.uses} == {g["a"].code, g["b"].code, g["d"].code}
    assert not usage.exemption.exempt and usage.submissions == 3
    body = client.get("/api/v1/graph/materials/spxk/items").json()
    assert body["kind"]["license_type"]["name"] == "食品经营许可证"
    assert body["kind"]["exemption"]["exempt"] is False and body["submissions"] == 3
    rows = {r["item"]["code"]: r for r in body["items"]}
    assert set(rows) == {g["a"].code, g["b"].code, g["d"].code}  # not the draft
    assert (rows[g["b"].code]["requirement"], rows[g["b"].code]["condition"]) == ("conditional", "提供餐饮的")
    assert rows[g["a"].code]["item"]["department"] == {"slug": "fire", "name": "消防"}

    shared = client.get("/api/v1/graph/materials/yyzz/items").json()
    assert {r["item"]["code"] for r in shared["items"]} == {g["a"].code, g["b"].code, g["c"].code}
    assert shared["kind"]["exemption"]["basis"] == "e_license" and shared["submissions"] == 0
    assert all(r["exemption"]["exempt"] for r in shared["items"])


def test_if_a_licence_type_were_shared(g, client):
    answer = graph.if_license_shared(g["spxk"].code)
    assert [k.kind.code for k in answer.kinds] == ["spxk"]
    assert answer.submissions_saved == 2
    assert answer.items_affected == sorted([g["a"].code, g["b"].code])
    assert [i.code for i in answer.issuing_items] == [g["c"].code]
    # Asking changed nothing.
    g["spxk"].refresh_from_db()
    assert not g["spxk"].available_electronically
    assert graph.items_needing("spxk").submissions == 3

    body = client.get(f"/api/v1/graph/license-types/{g['spxk'].code}/if-shared").json()
    assert body["license_type"]["issuing_department"] == {"slug": "samr", "name": "市场监管"}
    assert body["already_shared"] is False and body["submissions_saved"] == 2
    assert body["items_affected"] == answer.items_affected
    [kind] = body["material_kinds"]
    assert (kind["code"], kind["submissions_saved"]) == ("spxk", 2)
    assert {r["item"]["code"]: r["becomes_exempt"] for r in kind["items"]} == {
        g["a"].code: True,
        g["b"].code: True,
        g["d"].code: False,  # its legal reason to see the paper stays
    }
    assert [i["code"] for i in body["issuing_items"]] == [g["c"].code]


def test_an_already_shared_licence_type_saves_nothing_more(g, client):
    body = client.get(f"/api/v1/graph/license-types/{g['yyzz'].code}/if-shared").json()
    assert body["already_shared"] is True
    assert (body["material_kinds"], body["submissions_saved"], body["issuing_items"]) == ([], 0, [])


def test_kinds_exempt_another_way_are_not_counted(g):
    # A kind of the unshared licence that is also shared data is exempt already.
    provider = f.department()
    kind = f.material_kind(
        "spxk-data",
        MaterialSource.SHARED_DATA,
        license_type=g["spxk"],
        data_resource=f.data_resource("food-licences", provider),
    )
    f.published_item(provider, materials=[kind])
    answer = graph.if_license_shared(g["spxk"].code)
    assert [k.kind.code for k in answer.kinds] == ["spxk"] and answer.submissions_saved == 2


def test_department_graph(g, client):
    samr = graph.department_graph("samr")
    assert [i.code for i in samr.items] == [g["c"].code]
    assert {lt.name for lt in samr.license_types} == {"营业执照", "食品经营许可证"}
    assert samr.material_kinds == []
    # Consumers of samr's licences: culture (B: 2, D: 1), fire (A: 2), samr itself (C: 1).
    assert [(c.department.slug, c.items, c.submissions, c.kind_codes) for c in samr.consumers] == [
        ("culture", 2, 3, ["spxk", "yyzz"]),
        ("fire", 1, 2, ["spxk", "yyzz"]),
        ("samr", 1, 1, ["yyzz"]),
    ]
    body = client.get("/api/v1/graph/departments/fire").json()
    assert [i["code"] for i in body["items"]] == [g["a"].code]
    assert body["license_types"] == []
    assert body["material_kinds"] == [
        {"code": "xfyj", "name": "消防意见", "source": "city_issued", "exempt": True}
    ]
    assert body["consumers"] == [
        {
            "department": {"slug": "samr", "name": "市场监管"},
            "items": 1,
            "submissions": 1,
            "material_kinds": ["xfyj"],
        }
    ]
    samr_body = client.get("/api/v1/graph/departments/samr").json()
    assert [c["department"]["slug"] for c in samr_body["consumers"]] == ["culture", "fire", "samr"]
    assert {lt["name"]: lt["available_electronically"] for lt in samr_body["license_types"]} == {
        "营业执照": True,
        "食品经营许可证": False,
    }


def _neighbours(client, node):
    resp = client.get("/api/v1/graph/neighbours", {"node": node})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["center"] == node and body["nodes"][0]["id"] == node
    return {n["id"] for n in body["nodes"][1:]}, {
        (e["source"], e["relation"], e["target"]) for e in body["edges"]
    }


def test_neighbours_of_each_node_type(g, client):
    a, b, c, d = (f"item:{g[k].code}" for k in "abcd")
    spxk, yyzz = f"license:{g['spxk'].code}", f"license:{g['yyzz'].code}"

    nodes, edges = _neighbours(client, a)
    assert nodes == {"material:yyzz", "material:spxk", "material:plan", "department:fire"}
    assert edges == {
        (a, "needs", "material:yyzz"),
        (a, "needs", "material:spxk"),
        (a, "needs", "material:plan"),
        (a, "handled_by", "department:fire"),
    }

    nodes, edges = _neighbours(client, c)
    assert (c, "issues", spxk) in edges and spxk in nodes

    nodes, edges = _neighbours(client, "material:spxk")
    assert nodes == {a, b, d, spxk}  # the draft is not in the graph
    assert edges == {
        (a, "needs", "material:spxk"),
        (b, "needs", "material:spxk"),
        (d, "needs", "material:spxk"),
        ("material:spxk", "is", spxk),
    }

    nodes, edges = _neighbours(client, "material:xfyj")
    assert edges == {(c, "needs", "material:xfyj"), ("material:xfyj", "issued_by", "department:fire")}

    nodes, edges = _neighbours(client, spxk)
    assert nodes == {"material:spxk", "department:samr", c}
    assert edges == {
        ("material:spxk", "is", spxk),
        (spxk, "issued_by", "department:samr"),
        (c, "issues", spxk),
    }

    nodes, edges = _neighbours(client, "department:samr")
    assert nodes == {c, spxk, yyzz}
    assert edges == {
        (c, "handled_by", "department:samr"),
        (spxk, "issued_by", "department:samr"),
        (yyzz, "issued_by", "department:samr"),
    }

    nodes, edges = _neighbours(client, "department:fire")
    assert nodes == {a, "material:xfyj"}

    body = client.get("/api/v1/graph/neighbours", {"node": "material:spxk"}).json()
    labels = {n["id"]: (n["type"], n["label"]) for n in body["nodes"]}
    assert labels["material:spxk"] == ("material", "食品经营许可证") and labels[a] == ("item", "消防检查")


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/graph/neighbours?node=nonsense", 422, "validation_failed"),
        ("/api/v1/graph/neighbours?node=case:1", 422, "validation_failed"),
        ("/api/v1/graph/neighbours?node=item:", 422, "validation_failed"),
        ("/api/v1/graph/neighbours", 422, "validation_failed"),
        ("/api/v1/graph/neighbours?node=item:NOPE", 404, "node_not_found"),
        ("/api/v1/graph/neighbours?node=department:nobody", 404, "node_not_found"),
        ("/api/v1/graph/materials/nope/items", 404, "material_kind_not_found"),
        ("/api/v1/graph/license-types/nope/if-shared", 404, "license_type_not_found"),
        ("/api/v1/graph/departments/nobody", 404, "department_not_found"),
    ],
)
def test_graph_errors(g, client, url, status, code):
    resp = client.get(url)
    assert (resp.status_code, resp.json()["code"]) == (status, code)


def test_an_unknown_node_type_names_the_stable_code(client, db):
    body = client.get("/api/v1/graph/neighbours?node=case:1").json()
    assert [(e["code"], e["field"]) for e in body["errors"]] == [("invalid_node", "node")]


def test_unpublished_items_are_not_nodes(g, client):
    services.retire(code=g["a"].code, principal=None, reason="调整")
    assert client.get("/api/v1/graph/neighbours", {"node": f"item:{g['a'].code}"}).status_code == 404
    assert graph.if_license_shared(g["spxk"].code).submissions_saved == 1  # only B now


def test_graph_queries_do_not_query_per_row(g, django_assert_max_num_queries):
    more = f.department(slug="more")
    for _ in range(6):
        f.published_item(more, materials=[graph.kinds().get(code="spxk"), graph.kinds().get(code="yyzz")])
    with django_assert_max_num_queries(4):  # licence type, kinds, uses, issuing items
        assert graph.if_license_shared(g["spxk"].code).submissions_saved == 8
    with django_assert_max_num_queries(2):
        assert graph.items_needing("yyzz").submissions == 0
    with django_assert_max_num_queries(6):
        assert len(graph.department_graph("samr").consumers) == 4
    with django_assert_max_num_queries(3):
        graph.neighbours("material", "spxk")
