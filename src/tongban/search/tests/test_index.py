"""Search over the database: refresh on publish without a restart, anonymous logging, degraded mode."""

import pytest

from tongban.items import services as item_services
from tongban.items.tests import factories as f
from tongban.search import index, semantic, services
from tongban.search.models import IndexGeneration, LexiconEntry, QueryLog

pytestmark = pytest.mark.django_db(transaction=True)


def _names(query, **kw):
    result, _log = services.search(query, log=False, **kw)
    return [h.name for h in result.results]


def test_publishing_reindexes_without_a_restart():
    dept = f.department()
    f.published_item(dept, materials=[f.material_kind("a")], name="食品经营许可")
    assert _names("食品经营许可") == ["食品经营许可"]
    generation = IndexGeneration.objects.get(id=1).generation
    f.published_item(dept, materials=[f.material_kind("b")], name="酒类商品零售许可")
    assert IndexGeneration.objects.get(id=1).generation == generation + 1
    assert _names("酒类") == ["酒类商品零售许可"]  # same process, new content
    item = f.published_item(dept, materials=[f.material_kind("c")], name="娱乐场所经营许可")
    item_services.retire(code=item.code, principal=None, reason="调整")
    assert _names("娱乐场所") == []


def test_lexicon_edits_take_effect_after_mark_stale():
    dept = f.department()
    f.published_item(dept, materials=[f.material_kind("a")], name="养犬登记")
    assert _names("养狗") == []
    LexiconEntry.objects.create(term="养狗", kind="colloquial", expansions=["养犬"], weight=0.9)
    services.mark_stale()
    assert _names("养狗") == ["养犬登记"]


def test_queries_are_logged_anonymously_with_their_result_count():
    dept = f.department()
    f.published_item(dept, materials=[f.material_kind("a")], name="结婚登记")
    result, log_id = services.search("结婚登记")
    _none, zero_id = services.search("我的身份证号是310101199001011234找不到")
    hit = QueryLog.objects.get(pk=log_id)
    assert hit.result_count == 1 and hit.top_codes == [result.results[0].code]
    zero = QueryLog.objects.get(pk=zero_id)
    assert zero.result_count == 0
    assert "310101199001011234" not in zero.query and "3101**********1234" in zero.query
    assert not hasattr(zero, "user_id")
    # A click counts once, and only for a code that search returned.
    assert services.log_click(log_id, result.results[0].code, 1)
    assert not services.log_click(log_id, result.results[0].code, 1)
    assert not services.log_click(zero_id, "anything", 1)


def test_without_the_embedding_model_search_still_works(monkeypatch, settings):
    settings.TONGBAN_SEARCH_SEMANTIC = True
    monkeypatch.setattr(semantic, "_model", None)
    monkeypatch.setattr(semantic, "_model_failed", True)  # as if the package were not installed
    dept = f.department()
    f.published_item(dept, materials=[f.material_kind("a")], name="住房公积金提取")
    index.reset()
    engine = index.current_engine()
    assert engine.semantic is None
    assert _names("公积金") == ["住房公积金提取"]
