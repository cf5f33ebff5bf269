"""站内搜索 pages without a browser: the header search box, the results page (filters, highlight, why it
matched, did you mean, nothing found, English) and the click-through redirect that never goes anywhere
but a result of that search.

The catalogue is hand-made here (``build_search_catalogue``), with one lexicon entry; nothing depends on
the demo data or the seed lexicon. The in-memory index is forgotten before every test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

import pytest

from tongban.bundles.models import Bundle
from tongban.items.constants import OnlineDepth
from tongban.items.models import FAQ, ServiceItem
from tongban.items.tests import factories as f
from tongban.portal.search_views import match_hints
from tongban.portal.tests.test_pages import assert_accessible_page
from tongban.search import index
from tongban.search.models import LexiconEntry, QueryLog

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


@dataclass
class SearchCatalogue:
    food: ServiceItem  # legal persons; has an FAQ
    fire: ServiceItem  # legal persons
    idcard: ServiceItem  # individuals
    bundle: Bundle  # 开餐馆一件事: food + fire
    lexicon: LexiconEntry  # 饭店 → 餐馆、餐饮 (colloquial)


def build_search_catalogue() -> SearchCatalogue:
    """Three published services, an FAQ, a one-thing bundle and one colloquial lexicon entry."""
    samr = f.department(slug="samr", name="市场监管局")
    samr.name_en = "Market Regulation"
    samr.save()
    police = f.department(slug="police", name="公安局")
    fire_dept = f.department(slug="fire", name="消防救援总队")
    food = f.published_item(
        samr,
        materials=[f.material_kind("yyzz", name="营业执照")],
        name="食品经营许可",
        name_en="Food business licence",
        summary="经营餐饮、销售食品，先办食品经营许可证。",
        keywords="餐饮",
    )
    FAQ.objects.create(item=food, question="食品经营许可可以网上办理吗？", answer="可以，全程网办。")
    fire = f.published_item(
        fire_dept,
        materials=[f.material_kind("pmt", name="经营场所平面图")],
        name="公众聚集场所投入使用前消防安全检查",
        visits=1,
        online_depth=OnlineDepth.SUBMISSION,
        onsite_reason="现场检查",
    )
    idcard = f.published_item(
        police,
        materials=[f.material_kind("photo", name="证件照片")],
        name="居民身份证换领",
        keywords="身份证 换证",
        for_natural_persons=True,
        for_legal_persons=False,
    )
    bundle = f.bundle(samr, [food, fire])
    bundle.name = "开餐馆一件事"
    bundle.name_en = "Opening a restaurant"
    bundle.summary = "开餐馆涉及的许可、检查一次申请。"
    bundle.save()
    lexicon = LexiconEntry.objects.create(
        term="饭店", kind="colloquial", expansions=["餐馆", "餐饮"], weight=0.9
    )
    index.reset()  # the engine is built at the first search, from what is above
    return SearchCatalogue(food, fire, idcard, bundle, lexicon)


@pytest.fixture
def catalogue() -> SearchCatalogue:
    return build_search_catalogue()


def get(client: Client, url: str, lang: str = "zh-hans", **params: str) -> str:
    if lang == "en":
        client.cookies["tb_lang"] = "en"
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert_accessible_page(html)
    return html


def results(html: str) -> list[tuple[str, str]]:
    """``(kind, code)`` of every result, in order."""
    return re.findall(r'data-testid="search-result" data-kind="([^"]+)" data-code="([^"]+)"', html)


def links(html: str) -> list[str]:
    return [
        unescape(u)
        for u in re.findall(r'<a href="([^"]+)" rel="nofollow" data-testid="search-result-link"', html)
    ]


# --------------------------------------------------------------------------- the header search box


@pytest.mark.parametrize("url", ["/", "/services/", "/bundles/", SEARCH])
def test_every_portal_page_has_the_header_search_box(client: Client, url: str) -> None:
    html = get(client, url)
    form = re.search(r'<form class="site-search"[^>]*>', html)
    assert form, "the header search form"
    assert 'role="search"' in form.group(0) and 'action="/search/"' in form.group(0)
    assert 'method="get"' in form.group(0)
    assert '<label class="visually-hidden" for="site-search-q">搜索事项、一件事和常见问题</label>' in html
    assert 'id="site-search-q" name="q"' in html
    assert 'data-suggest-url="/api/v1/search/suggest"' in html
    assert re.search(r'<script src="/static/tongban/js/search\.js[^"]*" defer></script>', html)
    # Without JavaScript it is a plain search box: the combobox roles are added by search.js only.
    assert 'role="combobox"' not in html and 'role="listbox"' not in html


def test_header_search_box_in_english(client: Client) -> None:
    html = get(client, "/", lang="en")
    assert 'aria-label="Site search"' in html
    assert "Search services, one-thing services and FAQs" in html


# --------------------------------------------------------------------------- the results page


def test_results_page_finds_services_and_records_the_search(
    client: Client, catalogue: SearchCatalogue
) -> None:
    html = get(client, SEARCH, q="食品经营许可")
    found = results(html)
    assert found[0] == ("item", catalogue.food.code)
    assert '<h1 data-testid="search-title">“食品经营许可”的搜索结果</h1>' in html
    assert 'data-testid="result-count"' in html
    # The name is highlighted by the engine; the kind badge and department are shown.
    assert "<mark>食品经营许可</mark>" in html
    assert '<span class="badge search-kind badge-info">事项</span>' in html
    assert "市场监管局" in html
    assert "全程网办" in html  # the access badge of an item
    log = QueryLog.objects.get()
    assert log.query == "食品经营许可" and log.result_count >= 1
    assert [c for _k, c in found] == log.top_codes[: len(found)]
    # Every result links through the click recorder with that search's log id and its rank.
    first = urlsplit(links(html)[0])
    assert first.path == reverse("portal:search_go")
    assert parse_qs(first.query) == {"log": [str(log.pk)], "code": [catalogue.food.code], "rank": ["1"]}


def test_colloquial_words_find_the_bundle_and_say_why(client: Client, catalogue: SearchCatalogue) -> None:
    html = get(client, SEARCH, q="开饭店")
    found = results(html)
    assert ("bundle", catalogue.bundle.code) in found
    assert '<span class="badge search-kind badge-ok">一件事</span>' in html
    assert "按生活用语“饭店→餐馆、餐饮”匹配" in html
    assert 'data-testid="match-hint"' in html


def test_filters_by_audience_and_kind(client: Client, catalogue: SearchCatalogue) -> None:
    html = get(client, SEARCH, q="身份证 食品经营许可")
    codes = {c for _k, c in results(html)}
    assert {catalogue.idcard.code, catalogue.food.code} <= codes

    html = get(client, SEARCH, q="身份证 食品经营许可", audience="natural")
    codes = {c for _k, c in results(html)}
    assert catalogue.idcard.code in codes and catalogue.food.code not in codes
    assert '<option value="natural" selected>个人</option>' in html
    assert "清除筛选条件" in html

    html = get(client, SEARCH, q="食品经营许可", kind="faq")
    found = results(html)
    assert found and all(kind == "faq" for kind, _c in found)
    assert '<span class="badge search-kind">常见问题</span>' in html
    assert "关于“食品经营许可”的问题" in html
    assert QueryLog.objects.filter(kind_filter="faq").count() == 1

    # An unknown filter value is ignored rather than refused.
    html = get(client, SEARCH, q="食品经营许可", kind="everything", audience="martians")
    assert results(html)[0] == ("item", catalogue.food.code)


def test_did_you_mean(client: Client, catalogue: SearchCatalogue) -> None:
    html = get(client, SEARCH, q="食品经营徐可", kind="item")
    assert 'data-testid="did-you-mean"' in html
    link = re.search(r'您是不是要找： <a href="([^"]+)" lang="zh-CN">食品经营许可</a>', html)
    assert link, "a link to the corrected search"
    assert parse_qs(urlsplit(unescape(link.group(1))).query) == {"q": ["食品经营许可"], "kind": ["item"]}
    assert "已将“食品经营徐可”纠正为“食品经营许可”" in html


def test_nothing_found_offers_ways_on(client: Client, catalogue: SearchCatalogue) -> None:
    html = get(client, SEARCH, q="火星移民签证", audience="legal")
    assert results(html) == []
    assert 'data-testid="no-results"' in html
    assert "没有找到与“火星移民签证”相关的结果。" in html
    assert 'href="/services/" data-testid="browse-catalog"' in html
    assert 'href="/bundles/" data-testid="browse-bundles"' in html
    assert 'data-testid="search-unfiltered"' in html
    assert "12345" in html
    assert QueryLog.objects.get().result_count == 0


def test_empty_query_shows_the_form_and_logs_nothing(client: Client, catalogue: SearchCatalogue) -> None:
    html = get(client, SEARCH)
    assert 'data-testid="search-start"' in html and 'data-testid="result-count"' not in html
    html = get(client, SEARCH, q="   ")
    assert 'data-testid="search-start"' in html
    assert not QueryLog.objects.exists()


def test_query_with_markup_is_escaped(client: Client, catalogue: SearchCatalogue) -> None:
    html = get(client, SEARCH, q='<script>alert("x")</script>食品经营许可')
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;食品经营许可" in html
    assert results(html)[0] == ("item", catalogue.food.code)
    # The only markup from the engine is <mark>; the rest of a highlight is escaped text.
    for fragment in re.findall(r'data-testid="search-result-link">(.*?)</a>', html):
        assert re.sub(r"</?mark>", "", fragment).count("<") == 0


def test_names_with_markup_are_escaped_in_the_highlight(client: Client, catalogue: SearchCatalogue) -> None:
    dept = f.department(slug="test", name="测试局")
    item = f.published_item(dept, materials=[f.material_kind("x", name="申请书")], name="<b>粗体</b>事项登记")
    index.reset()
    html = get(client, SEARCH, q="粗体事项登记")
    assert ("item", item.code) in results(html)
    assert "<b>粗体</b>" not in html
    assert "&lt;b&gt;" in html


def test_a_long_query_is_cut_not_refused(client: Client, catalogue: SearchCatalogue) -> None:
    get(client, SEARCH, q="食品经营许可" + "啊" * 200)
    assert len(QueryLog.objects.get().query) <= 100


def test_english_page_shows_english_names_and_the_chinese_match(
    client: Client, catalogue: SearchCatalogue
) -> None:
    html = get(client, SEARCH, lang="en", q="食品经营许可")
    assert '<html lang="en"' in html
    assert '<span class="badge search-kind badge-info">Service</span>' in html
    assert 'data-testid="search-result-link">Food business licence</a>' in html
    assert '<p class="search-snippet" lang="zh-CN"><mark>食品经营许可</mark></p>' in html
    assert "Market Regulation" in html
    assert "Why it is shown" in html


def test_show_more_asks_for_more_results(client: Client, catalogue: SearchCatalogue) -> None:
    dept = f.department(slug="many", name="测试局")
    for n in range(22):
        f.published_item(dept, materials=[f.material_kind(f"m{n}", name="申请书")], name=f"测试登记{n}号")
    index.reset()
    html = get(client, SEARCH, q="测试登记")
    assert len(results(html)) == 20
    assert 'data-testid="show-more"' in html
    html = get(client, SEARCH, q="测试登记", more="1")
    assert len(results(html)) == 22
    assert 'data-testid="show-more"' not in html


def test_fixed_number_of_queries(client: Client, catalogue: SearchCatalogue) -> None:
    """The page costs the same whatever the number of results (the index itself is in memory)."""
    get(client, SEARCH, q="身份证")  # builds the index
    seen = []
    for q in ("开餐馆一件事", "开饭店 食品经营许可 消防安全检查 身份证"):
        with CaptureQueriesContext(connection) as queries:
            html = get(client, SEARCH, q=q)
        seen.append((len(results(html)), len(queries.captured_queries)))
    assert seen[0][0] < seen[1][0]
    assert seen[0][1] == seen[1][1], seen


@pytest.mark.parametrize(
    ("matched_by", "hints"),
    [
        (["colloquial:饭店→餐馆", "colloquial:饭店→餐饮", "word:开"], ["按生活用语“饭店→餐馆、餐饮”匹配"]),
        (
            ["synonym:饭馆→餐饮", "phrase:食品经营许可", "word:许可"],
            ["按同义词“饭馆→餐饮”匹配", "包含“食品经营许可”、“许可”"],
        ),
        (["typo:营业执找→营业执照", "word:营业执照"], ["已将“营业执找”纠正为“营业执照”", "包含“营业执照”"]),
        (["pinyin:食品", "pinyin:经营"], ["按拼音匹配（识别为“食品”、“经营”）"]),
        (["initials:公积金"], ["按拼音首字母匹配（识别为“公积金”）"]),
        (["english:licence"], ["按英文名称匹配（“licence”）"]),
        (
            ["intent:开→设立", "english:business licence→营业执照"],
            ["按办事意图“开→设立”匹配", "按英文“business licence→营业执照”匹配"],
        ),
        (["word:开"], ["包含“开”"]),
        (["semantic", "something:new"], []),
    ],
)
def test_why_it_matched_in_plain_words(matched_by: list[str], hints: list[str]) -> None:
    with translation.override("zh-hans"):
        assert match_hints(matched_by) == hints


def test_why_it_matched_in_english() -> None:
    with translation.override("en"):
        assert match_hints(["synonym:饭馆→餐饮", "word:餐饮", "word:食品"]) == [
            "Matched by the synonym “饭馆→餐饮”",
            "Contains “餐饮”, “食品”",
        ]


# --------------------------------------------------------------------------- the click-through redirect


def _search(client: Client, q: str, **params: str) -> tuple[QueryLog, list[str]]:
    html = get(client, SEARCH, q=q, **params)
    return QueryLog.objects.latest("pk"), links(html)


def test_go_records_the_click_and_redirects_to_the_result(client: Client, catalogue: SearchCatalogue) -> None:
    log, urls = _search(client, "开饭店")
    rank = log.top_codes.index(catalogue.bundle.code) + 1
    response = client.get(urls[rank - 1])
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:bundle", args=[catalogue.bundle.code])
    log.refresh_from_db()
    assert (log.clicked_code, log.clicked_rank) == (catalogue.bundle.code, rank)
    # The first click counts; a second one still goes there but is not recorded.
    other = log.top_codes[0] if log.top_codes[0] != catalogue.bundle.code else log.top_codes[1]
    response = client.get(reverse("portal:search_go"), {"log": log.pk, "code": other, "rank": 1})
    assert response.status_code == 302
    log.refresh_from_db()
    assert log.clicked_code == catalogue.bundle.code


def test_go_to_an_item_and_an_faq(client: Client, catalogue: SearchCatalogue) -> None:
    log, urls = _search(client, "食品经营许可")
    response = client.get(urls[0])
    assert response["Location"] == reverse("portal:item_guide", args=[catalogue.food.code])
    log, _urls = _search(client, "食品经营许可")  # a new search: only its first click counts
    faq_code = next(c for c in log.top_codes if "#faq" in c)
    response = client.get(reverse("portal:search_go"), {"log": log.pk, "code": faq_code, "rank": 99})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:item_guide", args=[catalogue.food.code]) + "#faq-title"
    log.refresh_from_db()
    assert log.clicked_code == faq_code
    assert log.clicked_rank == log.top_codes.index(faq_code) + 1  # the true position, not the one sent


@pytest.mark.parametrize(
    "params",
    [
        {"code": "https://evil.example/"},
        {"code": "//evil.example"},
        {"code": "/admin/"},
        {"code": ""},
        {},
    ],
)
def test_go_refuses_codes_that_search_did_not_return(
    client: Client, catalogue: SearchCatalogue, params: dict[str, str]
) -> None:
    log, _urls = _search(client, "食品经营许可")
    response = client.get(reverse("portal:search_go"), {"log": log.pk, "rank": 1, **params})
    assert response.status_code == 404
    log.refresh_from_db()
    assert log.clicked_code == ""


def test_go_refuses_a_code_of_another_search(client: Client, catalogue: SearchCatalogue) -> None:
    food_log, _urls = _search(client, "开饭店", kind="bundle")
    id_log, _urls = _search(client, "居民身份证换领", kind="item")
    assert catalogue.idcard.code not in food_log.top_codes
    response = client.get(reverse("portal:search_go"), {"log": food_log.pk, "code": catalogue.idcard.code})
    assert response.status_code == 404
    for log in ("", "abc", "-1", "0", str(id_log.pk + 100)):
        response = client.get(reverse("portal:search_go"), {"log": log, "code": catalogue.idcard.code})
        assert response.status_code == 404, log
    assert not QueryLog.objects.exclude(clicked_code="").exists()
