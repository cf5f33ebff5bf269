"""The public search API: ``GET /search``, ``GET /search/suggest`` and ``POST /search/click``.

Anonymous (no token, no session, no CSRF token), on the small catalogue of the portal's search tests:
食品经营许可 (with an FAQ), a fire check, 居民身份证换领, the 开餐馆一件事 bundle, and 饭店 → 餐馆、餐饮.
"""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

import pytest

from tongban.portal.tests.test_search_pages import SearchCatalogue, build_search_catalogue
from tongban.search.models import QueryLog

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/search"
SUGGEST = "/api/v1/search/suggest"
CLICK = "/api/v1/search/click"


@pytest.fixture
def catalogue() -> SearchCatalogue:
    return build_search_catalogue()


@pytest.fixture
def api() -> Client:
    return Client(enforce_csrf_checks=True)  # what an anonymous script or app gets


def get(api: Client, url: str, status: int = 200, **params: Any) -> dict[str, Any]:
    response = api.get(url, params)
    assert response.status_code == status, response.content.decode()
    return response.json()


def error_codes(body: dict[str, Any]) -> list[str]:
    assert body["code"] == "validation_failed"
    return [e["code"] for e in body["errors"]]


def click(api: Client, **payload: Any) -> Any:
    return api.post(CLICK, json.dumps(payload), content_type="application/json")


# --------------------------------------------------------------------------- GET /search


def test_search_answers_hits_and_logs_anonymously(api: Client, catalogue: SearchCatalogue) -> None:
    body = get(api, SEARCH, q="开饭店")
    assert set(body) == {"results", "suggestion", "total", "log_id"}
    kinds = {(h["kind"], h["code"]) for h in body["results"]}
    assert ("bundle", catalogue.bundle.code) in kinds
    bundle = next(h for h in body["results"] if h["kind"] == "bundle")
    assert set(bundle) == {"kind", "code", "name", "department", "score", "highlight", "matched_by"}
    assert bundle["name"] == "开餐馆一件事"
    assert bundle["department"] == "市场监管局"
    assert "<mark>餐馆</mark>" in bundle["highlight"]
    assert "colloquial:饭店→餐馆" in bundle["matched_by"]
    assert body["total"] >= len(body["results"])
    assert body["suggestion"] is None
    log = QueryLog.objects.get(pk=body["log_id"])
    assert log.query == "开饭店" and log.result_count == body["total"]
    assert log.top_codes == [h["code"] for h in body["results"]]


def test_search_filters(api: Client, catalogue: SearchCatalogue) -> None:
    both = get(api, SEARCH, q="身份证 食品经营许可")
    assert {catalogue.idcard.code, catalogue.food.code} <= {h["code"] for h in both["results"]}
    natural = get(api, SEARCH, q="身份证 食品经营许可", audience="natural")
    codes = {h["code"] for h in natural["results"]}
    assert catalogue.idcard.code in codes and catalogue.food.code not in codes
    faqs = get(api, SEARCH, q="食品经营许可", kind="faq")
    assert faqs["results"] and {h["kind"] for h in faqs["results"]} == {"faq"}
    assert faqs["results"][0]["code"] == f"{catalogue.food.code}#faq1"
    police = get(api, SEARCH, q="身份证 食品经营许可", department="police")
    assert [h["code"] for h in police["results"]] == [catalogue.idcard.code]
    limited = get(api, SEARCH, q="食品经营许可", limit=1)
    assert len(limited["results"]) == 1 and limited["total"] > 1
    assert QueryLog.objects.filter(kind_filter="faq").count() == 1
    assert QueryLog.objects.filter(audience_filter="natural").count() == 1


def test_search_did_you_mean_and_nothing_found(api: Client, catalogue: SearchCatalogue) -> None:
    typo = get(api, SEARCH, q="食品经营徐可")
    assert typo["suggestion"] == "食品经营许可"
    assert typo["results"][0]["code"] == catalogue.food.code
    nothing = get(api, SEARCH, q="火星移民签证")
    assert nothing["results"] == [] and nothing["total"] == 0 and nothing["suggestion"] is None
    assert QueryLog.objects.get(pk=nothing["log_id"]).result_count == 0


def test_search_highlight_escapes_markup(api: Client, catalogue: SearchCatalogue) -> None:
    body = get(api, SEARCH, q="<script>食品经营许可</script>")
    assert body["results"][0]["highlight"] == "<mark>食品经营许可</mark>"
    assert "<script>" not in json.dumps(body["results"], ensure_ascii=False)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "query_required"),
        ({"q": ""}, "query_required"),
        ({"q": "   "}, "query_required"),
        ({"q": "啊" * 101}, "query_too_long"),
        ({"q": "餐饮", "limit": 0}, "invalid_limit"),
        ({"q": "餐饮", "limit": 51}, "invalid_limit"),
        ({"q": "餐饮", "limit": "ten"}, "invalid_limit"),
        ({"q": "餐饮", "kind": "service"}, "unknown_kind"),
        ({"q": "餐饮", "audience": "everyone"}, "unknown_audience"),
        ({"q": "餐饮", "district": "3101"}, "invalid_district_code"),
        ({"q": "餐饮", "department": "../admin"}, "invalid_department"),
    ],
)
def test_search_parameters_are_validated(api: Client, params: dict[str, Any], code: str) -> None:
    body = get(api, SEARCH, status=422, **params)
    assert error_codes(body) == [code]
    field = ([k for k in params if k != "q"] or ["q"])[0]
    assert body["errors"][0]["field"] == field
    assert not QueryLog.objects.exists()


def test_search_reports_every_bad_parameter_at_once(api: Client) -> None:
    body = get(api, SEARCH, status=422, q="", limit=99, kind="x")
    assert sorted(error_codes(body)) == ["invalid_limit", "query_required", "unknown_kind"]


def test_search_limits_accept_the_bounds(api: Client, catalogue: SearchCatalogue) -> None:
    assert len(get(api, SEARCH, q="许可", limit=50)["results"]) <= 50
    assert len(get(api, SEARCH, q="许可", limit=1)["results"]) == 1
    assert len(get(api, SEARCH, q="啊" * 100)["results"]) == 0


def test_search_without_logging_nothing_is_written(
    api: Client, catalogue: SearchCatalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log id is null when the service did not log (``log=False``): the schema allows it."""
    from tongban.search import services

    real = services.search
    monkeypatch.setattr(services, "search", lambda q, **kw: real(q, **{**kw, "log": False}))
    body = get(api, SEARCH, q="食品经营许可")
    assert body["log_id"] is None and body["results"]
    assert not QueryLog.objects.exists()


# --------------------------------------------------------------------------- GET /search/suggest


def test_suggest(api: Client, catalogue: SearchCatalogue) -> None:
    assert get(api, SUGGEST, q="食品")["suggestions"] == ["食品经营许可"]
    assert "开餐馆一件事" in get(api, SUGGEST, q="kai")["suggestions"]
    assert get(api, SUGGEST, q="")["suggestions"] == []
    assert get(api, SUGGEST)["suggestions"] == []
    assert get(api, SUGGEST, q="火星")["suggestions"] == []
    assert len(get(api, SUGGEST, q="许", limit=1)["suggestions"]) <= 1
    assert not QueryLog.objects.exists()  # suggestions are not searches


@pytest.mark.parametrize(
    ("params", "code"),
    [({"q": "啊" * 101}, "query_too_long"), ({"q": "食", "limit": 11}, "invalid_limit")],
)
def test_suggest_parameters_are_validated(api: Client, params: dict[str, Any], code: str) -> None:
    assert error_codes(get(api, SUGGEST, status=422, **params)) == [code]


# --------------------------------------------------------------------------- POST /search/click


def test_click_records_the_first_click(api: Client, catalogue: SearchCatalogue) -> None:
    body = get(api, SEARCH, q="开饭店")
    codes = [h["code"] for h in body["results"]]
    rank = codes.index(catalogue.bundle.code) + 1
    response = click(api, log_id=body["log_id"], code=catalogue.bundle.code, rank=rank)
    assert response.status_code == 204 and response.content == b""
    log = QueryLog.objects.get(pk=body["log_id"])
    assert (log.clicked_code, log.clicked_rank) == (catalogue.bundle.code, rank)
    # Idempotent-ish: a second click is accepted but the first one stays.
    other = next(c for c in codes if c != catalogue.bundle.code)
    assert click(api, log_id=body["log_id"], code=other, rank=1).status_code == 204
    log.refresh_from_db()
    assert log.clicked_code == catalogue.bundle.code


def test_click_refuses_unknown_searches_and_foreign_codes(api: Client, catalogue: SearchCatalogue) -> None:
    body = get(api, SEARCH, q="开饭店", kind="bundle")
    response = click(api, log_id=body["log_id"] + 1000, code=catalogue.bundle.code, rank=1)
    assert response.status_code == 404 and response.json()["code"] == "search_log_not_found"
    response = click(api, log_id=body["log_id"], code=catalogue.idcard.code, rank=1)
    assert response.status_code == 422
    assert error_codes(response.json()) == ["code_not_in_results"]
    assert not QueryLog.objects.exclude(clicked_code="").exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"code": "x", "rank": 1},
        {"log_id": 1, "rank": 1},
        {"log_id": 1, "code": "x"},
        {"log_id": 0, "code": "x", "rank": 1},
        {"log_id": 1, "code": "", "rank": 1},
        {"log_id": 1, "code": "x", "rank": 0},
        {"log_id": 1, "code": "x", "rank": 51},
    ],
)
def test_click_payload_is_validated(api: Client, payload: dict[str, Any]) -> None:
    response = click(api, **payload)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


def test_search_is_in_the_openapi_document(api: Client) -> None:
    schema = get(api, "/api/v1/openapi.json")
    assert {"/api/v1/search", "/api/v1/search/suggest", "/api/v1/search/click"} <= set(schema["paths"])
    operation = schema["paths"]["/api/v1/search"]["get"]
    assert operation.get("security", []) == []  # public
    assert {p["name"] for p in operation["parameters"]} == {
        "q",
        "limit",
        "kind",
        "audience",
        "department",
        "district",
    }
