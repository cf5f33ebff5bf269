"""The search admin: the lexicon (expansions as text, every change re-indexes without a restart) and
the read-only query log with its two reports, on a handful of log rows with known counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

import pytest

from tongban.accounts.tests.factories import StaffProfileFactory
from tongban.audits.models import AuditEvent
from tongban.items.tests import factories as f
from tongban.search import index, reports, services
from tongban.search.admin import parse_expansions
from tongban.search.models import IndexGeneration, LexiconEntry, QueryLog

pytestmark = pytest.mark.django_db

LEXICON = "/admin/search/lexiconentry/"
LOG = "/admin/search/querylog/"
ZERO = "/admin/search/querylog/reports/zero-results/"
LOW = "/admin/search/querylog/reports/low-clicks/"


@pytest.fixture
def admin_client(client: Client, settings: Any) -> Client:
    settings.TONGBAN_STAFF_REQUIRE_OTP = False  # the second factor is covered in accounts/test_sign_in
    admin = StaffProfileFactory(user__is_staff=True, user__is_superuser=True, roles=["administrator"])
    client.force_login(admin.user)
    return client


@pytest.fixture
def stale_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(services, "mark_stale", lambda: calls.append(1))
    return calls


def page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def logged(
    query: str, *, results: int = 0, days_ago: float = 1, clicked: str = "", top: list[str] = ()
) -> QueryLog:  # type: ignore[assignment]
    row = QueryLog.objects.create(
        query=query,
        normalized=query.strip().lower(),
        result_count=results,
        top_codes=list(top),
        clicked_code=clicked,
        clicked_rank=1 if clicked else None,
    )
    QueryLog.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return row


@pytest.fixture
def log_rows() -> dict[str, Any]:
    """Zero results: 饭馆 ×3 (one typed " 饭馆 "), 办证 ×1, 老问题 ×2 but 40 days ago.
    With results: 餐饮 ×5 no click; 身份证 ×5 with 4 clicks; 公积金 ×2 no click; 结婚 ×6 with 1 click."""
    dept = f.department(slug="samr", name="市场监管局")
    food = f.published_item(dept, materials=[f.material_kind("a", name="申请书")], name="食品经营许可")
    for q in ("饭馆", "饭馆", " 饭馆 "):
        logged(q, days_ago=2)
    logged("办证", days_ago=5)
    for _ in range(2):
        logged("老问题", days_ago=40)
    for n in range(5):
        logged("餐饮", results=3, top=[food.code, "gone-code"], days_ago=n + 1)
    for n in range(5):
        logged("身份证", results=1, top=["id"], clicked="id" if n else "", days_ago=1)
    for _ in range(2):
        logged("公积金", results=1, top=["gjj"])
    for n in range(6):
        logged("结婚", results=1, top=["marry"], clicked="marry" if n == 0 else "")
    return {"food": food}


# --------------------------------------------------------------------------- reports (aggregations)


def test_zero_result_queries_grouped_and_windowed(log_rows: dict[str, Any]) -> None:
    LexiconEntry.objects.create(term="办证", kind="intent", expansions=["办理"])
    rows = reports.zero_result_queries(30)
    assert [(r.normalized, r.searches) for r in rows] == [("饭馆", 3), ("办证", 1)]
    assert [r.in_lexicon for r in rows] == [False, True]
    assert rows[0].example in ("饭馆", " 饭馆 ")
    assert rows[0].last_seen > timezone.now() - timedelta(days=3)
    assert [(r.normalized, r.searches) for r in reports.zero_result_queries(7)] == [("饭馆", 3), ("办证", 1)]
    assert [(r.normalized, r.searches) for r in reports.zero_result_queries(90)] == [
        ("饭馆", 3),
        ("老问题", 2),
        ("办证", 1),
    ]
    assert [r.normalized for r in reports.zero_result_queries(7, now=timezone.now() - timedelta(days=3))] == [
        "办证"
    ]


def test_low_click_queries(log_rows: dict[str, Any]) -> None:
    rows = reports.low_click_queries(30)
    assert [(r.normalized, r.searches, r.clicks) for r in rows] == [("餐饮", 5, 0), ("结婚", 6, 1)]
    assert [r.click_percent for r in rows] == [0, 17]
    food = log_rows["food"]
    assert [(ref.code, ref.name) for ref in rows[0].top] == [(food.code, "食品经营许可"), ("gone-code", "")]
    # Thresholds: fewer searches needed brings 公积金 in; a stricter rate leaves only 餐饮.
    assert [r.normalized for r in reports.low_click_queries(30, min_searches=2)] == ["餐饮", "公积金", "结婚"]
    assert [r.normalized for r in reports.low_click_queries(30, max_ctr=0.1)] == ["餐饮"]
    assert [r.normalized for r in reports.low_click_queries(30, max_ctr=0.5)] == ["餐饮", "结婚"]
    assert [r.normalized for r in reports.low_click_queries(30, max_ctr=1.0)] == ["餐饮", "结婚", "身份证"]
    assert [r.normalized for r in reports.low_click_queries(7, min_searches=3, max_ctr=0)] == ["餐饮"]
    # 餐饮 was searched 1 to 5 days ago: the last 3 days hold two of those searches.
    rows = reports.low_click_queries(3, min_searches=2, max_ctr=0)
    assert sorted((r.normalized, r.searches) for r in rows) == [("公积金", 2), ("餐饮", 2)]


def test_window_days() -> None:
    assert [reports.window_days(v) for v in ("7", "30", "90", 90, "", None, "365", "x")] == [
        7,
        30,
        90,
        90,
        30,
        30,
        30,
        30,
    ]


# --------------------------------------------------------------------------- report pages


def test_query_log_changelist_links_the_reports_and_is_read_only(admin_client: Client, log_rows: Any) -> None:
    html = page(admin_client.get(LOG))
    assert 'href="/admin/search/querylog/reports/zero-results/"' in html
    assert 'href="/admin/search/querylog/reports/low-clicks/"' in html
    assert "零结果搜索" in html and "低点击搜索" in html
    assert admin_client.get(LOG + "add/").status_code == 403
    row = QueryLog.objects.first()
    assert row is not None
    change = page(admin_client.get(f"{LOG}{row.pk}/change/"))
    assert 'name="_save"' not in change  # view only
    assert admin_client.post(f"{LOG}{row.pk}/delete/").status_code == 403
    assert page(admin_client.get(LOG, {"found": "no"})).count('class="field-query"') == 6


def test_zero_results_report_page(admin_client: Client, log_rows: Any) -> None:
    html = page(admin_client.get(ZERO))
    assert '<tr data-testid="zero-row" data-query="饭馆" data-searches="3">' in html
    assert 'data-query="老问题"' not in html
    assert (
        '<a class="button" href="/admin/search/lexiconentry/add/?term=%E9%A5%AD%E9%A6%86&amp;kind=colloquial"'
        in html
    )
    assert "加入词库" in html and "最近30天" in html
    html = page(admin_client.get(ZERO, {"days": "90"}))
    assert '<tr data-testid="zero-row" data-query="老问题" data-searches="2">' in html
    assert '<strong aria-current="true">最近90天</strong>' in html


def test_low_clicks_report_page(admin_client: Client, log_rows: Any) -> None:
    html = page(admin_client.get(LOW))
    assert '<tr data-testid="low-row" data-query="餐饮" data-searches="5" data-clicks="0">' in html
    assert 'data-query="结婚" data-searches="6" data-clicks="1"' in html
    assert 'data-query="身份证"' not in html
    assert f"<code>{log_rows['food'].code}</code> 食品经营许可" in html
    assert "已不再发布" in html
    html = page(admin_client.get(LOW, {"min": "2", "ctr": "0", "days": "7"}))
    assert 'data-query="公积金"' in html and 'data-query="结婚"' not in html
    assert 'href="?days=30&amp;min=2&amp;ctr=0"' in html  # the window links keep the thresholds
    html = page(admin_client.get(LOW, {"min": "abc", "ctr": "500"}))
    assert 'name="min" id="id_min" value="5"' in html and 'name="ctr" id="id_ctr" value="100"' in html


def test_reports_need_the_view_permission(client: Client, settings: Any, log_rows: Any) -> None:
    settings.TONGBAN_STAFF_REQUIRE_OTP = False
    staff = StaffProfileFactory(user__is_staff=True, roles=[])
    client.force_login(staff.user)
    assert client.get(ZERO).status_code == 403
    assert client.get(LOW).status_code == 403
    staff.user.user_permissions.add(Permission.objects.get(codename="view_querylog"))
    html = page(client.get(ZERO))
    assert 'data-testid="add-to-lexicon"' not in html  # may not add lexicon entries
    assert page(client.get(LOW))


# --------------------------------------------------------------------------- lexicon


def test_parse_expansions() -> None:
    assert parse_expansions("餐饮、食品经营许可, 开饭店，餐饮;  小  吃 \n") == [
        "餐饮",
        "食品经营许可",
        "开饭店",
        "小 吃",
    ]
    assert parse_expansions("") == [] and parse_expansions(" 、, ") == []


def test_lexicon_add_saves_a_list_and_marks_the_index_stale(
    admin_client: Client, stale_calls: list[int]
) -> None:
    form = page(admin_client.get(LEXICON + "add/", {"term": "饭馆"}))
    assert 'name="term" value="饭馆"' in form
    assert '<option value="colloquial" selected>' in form
    response = admin_client.post(
        LEXICON + "add/",
        {
            "term": " 饭馆 ",
            "kind": "colloquial",
            "expansions": "餐饮、食品经营许可, 开饭店",
            "weight": "0.8",
            "note": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    entry = LexiconEntry.objects.get()
    assert entry.term == "饭馆"
    assert entry.expansions == ["餐饮", "食品经营许可", "开饭店"]
    assert stale_calls == [1]
    assert AuditEvent.objects.filter(event="admin.created").exists()
    # The change form shows the list as one line again.
    html = page(admin_client.get(f"{LEXICON}{entry.pk}/change/"))
    assert 'value="餐饮、食品经营许可、开饭店"' in html
    listing = page(admin_client.get(LEXICON, {"kind__exact": "colloquial"}))
    assert "餐饮、食品经营许可、开饭店" in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "colloquial", "expansions": ""}, "请至少填写一个扩展词。"),
        ({"kind": "stopword", "expansions": "的"}, "停用词不扩展，请留空。"),
        ({"kind": "synonym", "expansions": "饭馆"}, "词语无需扩展为其本身。"),
        ({"kind": "synonym", "expansions": "餐饮", "weight": "5"}, "权重须大于0且不超过2。"),
        ({"kind": "synonym", "expansions": "餐" * 51}, "扩展词最多50个字符"),
    ],
)
def test_lexicon_form_refuses_bad_entries(
    admin_client: Client, stale_calls: list[int], data: dict[str, str], message: str
) -> None:
    post = {"term": "饭馆", "weight": "0.8", "note": "", "is_active": "on", **data}
    html = page(admin_client.post(LEXICON + "add/", post))
    assert message in html
    assert not LexiconEntry.objects.exists() and stale_calls == []


def test_lexicon_delete_and_actions_mark_the_index_stale(
    admin_client: Client, stale_calls: list[int]
) -> None:
    one = LexiconEntry.objects.create(term="饭馆", kind="colloquial", expansions=["餐饮"])
    two = LexiconEntry.objects.create(term="的", kind="stopword", expansions=[])
    response = admin_client.post(
        LEXICON, {"action": "deactivate_selected", "_selected_action": [one.pk, two.pk]}
    )
    assert response.status_code == 302
    assert not LexiconEntry.objects.filter(is_active=True).exists()
    assert stale_calls == [1]
    admin_client.post(LEXICON, {"action": "deactivate_selected", "_selected_action": [one.pk]})
    assert stale_calls == [1]  # nothing changed, nothing to rebuild
    admin_client.post(LEXICON, {"action": "activate_selected", "_selected_action": [one.pk]})
    assert stale_calls == [1, 1]
    response = admin_client.post(f"{LEXICON}{two.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert stale_calls == [1, 1, 1]


def test_a_lexicon_edit_changes_searches_without_a_restart(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    dept = f.department(slug="samr", name="市场监管局")
    item = f.published_item(dept, materials=[f.material_kind("a", name="申请书")], name="养犬登记")
    index.reset()
    result, _log = services.search("养狗", log=False)
    assert result.results == []  # the engine is built, in this process, without the word
    generation = IndexGeneration.objects.filter(id=1).values_list("generation", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            LEXICON + "add/",
            {
                "term": "养狗",
                "kind": "colloquial",
                "expansions": "养犬",
                "weight": "0.9",
                "note": "",
                "is_active": "on",
            },
        )
    assert response.status_code == 302
    assert IndexGeneration.objects.get(id=1).generation == generation + 1
    result, _log = services.search("养狗", log=False)
    assert [h.code for h in result.results] == [item.code]
