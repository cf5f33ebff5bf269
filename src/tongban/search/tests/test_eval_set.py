"""The search evaluation set (``data/eval_queries.tsv``) and the benchmark's parts under ``bench/search``.

The set must stay usable: well formed, naming only published items and bundles of the seed catalogue,
covering every bundle and most items. How well the engine does on it is the benchmark's business
(``make bench-search``), not a test's.
"""

from __future__ import annotations

import importlib.util
import io
import math
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

from django.core.management import call_command

import pytest

from tongban.bundles.constants import BundleState
from tongban.bundles.models import Bundle
from tongban.items.models import ServiceItem
from tongban.search.types import Hit, SearchDoc, SearchResult

ROOT = Path(__file__).resolve().parents[4]
EVAL_SET = ROOT / "src" / "tongban" / "search" / "data" / "eval_queries.tsv"
BENCH = ROOT / "bench" / "search"
CATEGORIES = {"colloquial", "typo", "pinyin", "initials", "english", "question", "official", "event"}
TARGET = re.compile(r"^(item|bundle):(\S(?:.*\S)?)$")


def _rows() -> list[tuple[int, str, str, str]]:
    lines = EVAL_SET.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "query\texpected\tcategory"
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        assert len(cells) == 3, f"line {number}: {len(cells)} columns: {line!r}"
        rows.append((number, *cells))
    return rows


def _targets(expected: str) -> list[tuple[str, str]]:
    out = []
    for target in expected.split("|"):
        match = TARGET.match(target)
        assert match, f"bad target {target!r}"
        out.append((match[1], match[2]))
    return out


def _load_bench(name: str) -> ModuleType:
    """A module of bench/search, loaded by path (``bench`` is not on the test path)."""
    spec = importlib.util.spec_from_file_location(f"_bench_search_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# --- The evaluation set ----------------------------------------------------------------------------


def test_eval_set_is_well_formed() -> None:
    rows = _rows()
    assert len(rows) >= 350
    queries = [q for _, q, _, _ in rows]
    duplicates = [q for q, n in Counter(queries).items() if n > 1]
    assert not duplicates
    for number, query, expected, category in rows:
        assert query and query == query.strip(), f"line {number}"
        assert category in CATEGORIES, f"line {number}: category {category!r}"
        _targets(expected)
    assert {c for _, _, _, c in rows} == CATEGORIES


def test_eval_set_parses_with_the_benchmark_reader() -> None:
    metrics = _load_bench("metrics")
    queries = metrics.load_eval_set(EVAL_SET)
    assert len(queries) == len(_rows())
    assert set(metrics.CATEGORIES) == CATEGORIES


@pytest.mark.django_db
def test_eval_set_names_the_seed_catalogue_and_covers_it() -> None:
    call_command("load_demo", stdout=io.StringIO())
    items = set(ServiceItem.objects.published().values_list("name", flat=True))
    bundles = set(Bundle.objects.filter(state=BundleState.PUBLISHED).values_list("name", flat=True))
    assert len(items) > 100 and len(bundles) > 10, "the seed catalogue did not load"

    unknown = []
    item_hits: Counter[str] = Counter()
    bundle_queries: Counter[str] = Counter()
    for number, query, expected, _ in _rows():
        for kind, name in _targets(expected):
            known = items if kind == "item" else bundles
            if name not in known:
                unknown.append(f"line {number} {query}: {kind}:{name}")
            (item_hits if kind == "item" else bundle_queries)[name] += 1
    assert not unknown, "targets that are not published in the seed catalogue:\n" + "\n".join(unknown)

    thin = {b: bundle_queries[b] for b in bundles if bundle_queries[b] < 3}
    assert not thin, f"bundles with fewer than 3 queries: {thin}"
    covered = len(items & set(item_hits)) / len(items)
    assert covered >= 0.8, f"only {covered:.0%} of published items are expected by some query"


# --- The BM25 baseline -----------------------------------------------------------------------------


def _doc(code: str, name: str, keywords: str = "", summary: str = "", kind: str = "item") -> SearchDoc:
    return SearchDoc(kind=kind, code=code, name=name, keywords=keywords, summary=summary)


def test_baseline_bm25_scores_match_the_formula() -> None:
    baseline = _load_bench("baseline")
    docs = [
        _doc("a", "apple apple banana"),
        _doc("b", "banana cherry"),
        _doc("c", "cherry cherry cherry durian"),
    ]
    engine = baseline.BM25Baseline.build(docs)
    lengths, avgdl, n = [3, 2, 4], 3.0, 3

    def bm25(tf: int, df: int, length: int) -> float:
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return idf * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * length / avgdl))

    result = engine.search("cherry")
    assert [h.code for h in result.results] == ["c", "b"]
    assert result.results[0].score == pytest.approx(bm25(3, 2, lengths[2]))
    assert result.results[1].score == pytest.approx(bm25(1, 2, lengths[1]))
    assert result.total == 2

    both = engine.search("Apple  CHERRY")  # normalised: lower case, spaces collapsed
    scores = {h.code: h.score for h in both.results}
    assert scores["a"] == pytest.approx(bm25(2, 1, 3))
    assert scores["c"] == pytest.approx(bm25(3, 2, 4))
    assert [h.code for h in engine.search("banana", limit=1).results] == ["b"]  # the shorter document
    twins = baseline.BM25Baseline.build([_doc("x1", "kiwi lime"), _doc("x2", "kiwi lime")])
    assert [h.code for h in twins.search("kiwi").results] == ["x1", "x2"]  # a tie: catalogue order
    assert engine.search("elderberry").results == []


def test_baseline_ranks_a_tiny_chinese_catalogue() -> None:
    baseline = _load_bench("baseline")
    docs = [
        _doc("marry", "结婚登记", "领证 结婚证", "要结婚的两个人一起到婚姻登记处领结婚证。"),
        _doc("divorce", "离婚登记", "离婚证 协议离婚", "双方自愿离婚的，一起到婚姻登记处申请。"),
        _doc("passport", "普通护照签发", "办护照 出国", "出国旅游、留学要办护照。"),
        _doc("newborn", "新生儿出生一件事", "", "宝宝出生后一次申请。", kind="bundle"),
    ]
    engine = baseline.BM25Baseline.build(docs, lexicon=["ignored"])
    assert [h.code for h in engine.search("领结婚证").results][:1] == ["marry"]
    assert [h.code for h in engine.search("协议离婚").results][:1] == ["divorce"]
    assert [h.code for h in engine.search("出国办护照").results] == ["passport"]
    hit = engine.search("宝宝出生").results[0]
    assert (hit.kind, hit.code, hit.name) == ("bundle", "newborn", "新生儿出生一件事")
    assert {h.code for h in engine.search("婚姻登记处").results} == {"marry", "divorce"}
    assert engine.search("passport").results == []  # no English, by design
    assert engine.search("jiehun").results == []  # no pinyin, by design


# --- Scoring and the synthetic catalogue -----------------------------------------------------------


def _hit(kind: str, code: str, name: str = "") -> Hit:
    return Hit(kind=kind, code=code, name=name or code, department="", score=1.0, highlight=name)


class FakeEngine:
    """Answers from a fixed table; raises for one query to check that the benchmark carries on."""

    def __init__(self, answers: dict[str, list[Hit]]) -> None:
        self.answers = answers

    def search(self, query: str, limit: int = 10) -> SearchResult:
        if query == "boom":
            raise RuntimeError("engine bug")
        return SearchResult(query=query, results=self.answers.get(query, [])[:limit])


def test_metrics_on_a_fake_engine(tmp_path: Path) -> None:
    metrics = _load_bench("metrics")
    tsv = tmp_path / "eval.tsv"
    tsv.write_text(
        "query\texpected\tcategory\n"
        "a\titem:甲\tcolloquial\n"
        "b\titem:乙|bundle:丙\tcolloquial\n"
        "c\titem:甲\ttypo\n"
        "d\titem:甲\ttypo\n"
        "boom\titem:甲\tenglish\n"
        "e\titem:不存在\tenglish\n",
        encoding="utf-8",
    )
    queries = metrics.load_eval_set(tsv)
    docs = [
        SearchDoc(kind="item", code="I1", name="甲"),
        SearchDoc(kind="item", code="I2", name="乙"),
        SearchDoc(kind="bundle", code="B1", name="丙"),
        SearchDoc(kind="faq", code="I1#faq1", name="甲要钱吗？"),
    ]
    engine = FakeEngine(
        {
            "a": [_hit("item", "I1")],  # rank 1
            "b": [_hit("item", "I1"), _hit("item", "X"), _hit("bundle", "B1")],  # rank 3, via the bundle
            "c": [_hit("item", "I2"), _hit("faq", "I1#faq1")],  # rank 2: an FAQ counts as its item
            "d": [_hit("item", "I2")] * 6 + [_hit("item", "I1")],  # rank 7: beyond top-5, in MRR@10
        }
    )
    report = metrics.evaluate(engine, queries, metrics.Catalogue.from_docs(docs))
    assert [o.rank for o in report.outcomes] == [1, 3, 2, 7, None, None]
    overall = report.overall
    assert overall.n == 6
    assert overall.top1 == pytest.approx(1 / 6)
    assert overall.top5 == pytest.approx(3 / 6)
    assert overall.mrr == pytest.approx((1 + 1 / 3 + 1 / 2 + 1 / 7) / 6)
    assert report.by_category()["typo"].mrr == pytest.approx((1 / 2 + 1 / 7) / 2)
    assert [o.query.query for o in report.errors] == ["boom"]
    assert [q.query for q in report.unresolved] == ["e"]
    assert report.latency.n == 6
    assert metrics.percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert metrics.percentile(list(range(1, 101)), 95) == 95


def test_load_eval_set_rejects_bad_rows(tmp_path: Path) -> None:
    metrics = _load_bench("metrics")
    bad = tmp_path / "bad.tsv"
    for body in (
        "x\titem:甲\tslang\n",
        "x\tservice:甲\ttypo\n",
        "x\titem:甲\n",
        "x\titem:甲\ttypo\nx\titem:乙\ttypo\n",
    ):
        bad.write_text("query\texpected\tcategory\n" + body, encoding="utf-8")
        with pytest.raises(ValueError, match="bad.tsv:"):
            metrics.load_eval_set(bad)


def test_synthetic_catalogue_is_deterministic_and_keeps_the_seed() -> None:
    synthetic = _load_bench("synthetic")
    seed = [_doc("I1", "企业设立登记"), _doc("I2", "食品经营许可")]
    first = synthetic.synthetic_catalogue(seed, size=600, seed=7)
    assert len(first) == 600
    assert first[:2] == seed
    assert first == synthetic.synthetic_catalogue(seed, size=600, seed=7)
    assert first != synthetic.synthetic_catalogue(seed, size=600, seed=8)
    names = [d.name for d in first]
    assert len(set(names)) == len(names)
    assert len({d.code for d in first}) == 600
    assert synthetic.synthetic_catalogue(seed, size=1) == seed
