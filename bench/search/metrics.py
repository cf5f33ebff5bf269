"""The evaluation set and the figures computed on it: top-1, top-5, MRR@10, per category, latency.

Self-contained on purpose (standard library and ``tongban.search.types`` only) so a test can load it by
path without the benchmark's Django set-up.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tongban.search.types import Hit, SearchDoc, SearchResult

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_EVAL_SET = ROOT / "src" / "tongban" / "search" / "data" / "eval_queries.tsv"
HEADER = ("query", "expected", "category")
HEADER_LINE = "\t".join(HEADER)
CATEGORIES = ("colloquial", "typo", "pinyin", "initials", "english", "question", "official", "event")
TARGET_KINDS = ("item", "bundle")
MRR_DEPTH = 10


class Searcher(Protocol):
    def search(self, query: str, limit: int = 10) -> SearchResult: ...


@dataclass(frozen=True)
class Target:
    kind: str  # "item" | "bundle"
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


@dataclass(frozen=True)
class EvalQuery:
    query: str
    targets: tuple[Target, ...]
    category: str
    line: int


def parse_target(text: str) -> Target:
    kind, sep, name = text.partition(":")
    if not sep or kind not in TARGET_KINDS or not name.strip() or name != name.strip():
        raise ValueError(f"bad target {text!r}: expected item:<name> or bundle:<name>")
    return Target(kind, name)


def load_eval_set(path: Path | str = DEFAULT_EVAL_SET) -> list[EvalQuery]:
    """Read and check the TSV (header ``query expected category``); raise ValueError naming the line."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    if not lines or tuple(lines[0].split("\t")) != HEADER:
        raise ValueError(f"{path}: the first line must be the header {HEADER_LINE!r}")
    queries: list[EvalQuery] = []
    seen: set[str] = set()
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != 3:
            raise ValueError(f"{path}:{number}: {len(cells)} columns, expected 3")
        query, expected, category = cells
        if not query.strip() or query != query.strip():
            raise ValueError(f"{path}:{number}: empty query or surrounding spaces")
        if category not in CATEGORIES:
            raise ValueError(f"{path}:{number}: unknown category {category!r}")
        if query in seen:
            raise ValueError(f"{path}:{number}: duplicate query {query!r}")
        seen.add(query)
        try:
            targets = tuple(parse_target(t) for t in expected.split("|"))
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: {exc}") from None
        queries.append(EvalQuery(query, targets, category, number))
    return queries


# --- Matching hits to expected targets -------------------------------------------------------------


@dataclass
class Catalogue:
    """Names → codes of the documents an engine was built on, and FAQ code → parent item code."""

    codes: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    faq_parent: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_docs(cls, docs: Iterable[SearchDoc]) -> Catalogue:
        cat = cls()
        for doc in docs:
            if doc.kind == "faq":
                cat.faq_parent[doc.code] = doc.code.split("#", 1)[0]
            else:
                cat.codes.setdefault((doc.kind, doc.name), set()).add(doc.code)
        return cat

    def wanted(self, targets: Iterable[Target]) -> set[tuple[str, str]]:
        return {(t.kind, code) for t in targets for code in self.codes.get((t.kind, t.name), ())}

    def key(self, hit: Hit) -> tuple[str, str]:
        """An FAQ hit counts as its item: the answer is on the item's page."""
        if hit.kind == "faq":
            return "item", self.faq_parent.get(hit.code, hit.code.split("#", 1)[0])
        return hit.kind, hit.code


# --- Evaluation ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    query: EvalQuery
    rank: int | None  # 1-based rank of the first expected target within the top MRR_DEPTH, else None
    top: list[str]  # "kind:name" of the first hits, for the failure listing
    seconds: float
    error: str = ""


@dataclass
class Scores:
    n: int
    top1: float
    top5: float
    mrr: float

    def as_dict(self) -> dict[str, float | int]:
        return {"n": self.n, "top1": self.top1, "top5": self.top5, "mrr": self.mrr}


@dataclass
class Latency:
    n: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "n": self.n,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "max_ms": self.max_ms,
            "mean_ms": self.mean_ms,
        }


@dataclass
class Report:
    outcomes: list[Outcome]
    unresolved: list[EvalQuery]  # no expected target exists in the documents searched

    @property
    def overall(self) -> Scores:
        return scores(self.outcomes)

    def by_category(self) -> dict[str, Scores]:
        groups: dict[str, list[Outcome]] = {}
        for outcome in self.outcomes:
            groups.setdefault(outcome.query.category, []).append(outcome)
        return {c: scores(groups[c]) for c in CATEGORIES if c in groups}

    def macro(self) -> Scores:
        """The mean over categories, so a large easy category does not carry the average."""
        cats = list(self.by_category().values())
        if not cats:
            return Scores(0, 0.0, 0.0, 0.0)
        return Scores(
            sum(c.n for c in cats),
            sum(c.top1 for c in cats) / len(cats),
            sum(c.top5 for c in cats) / len(cats),
            sum(c.mrr for c in cats) / len(cats),
        )

    @property
    def latency(self) -> Latency:
        return latency([o.seconds for o in self.outcomes])

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error]

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.rank != 1]


def scores(outcomes: Sequence[Outcome]) -> Scores:
    n = len(outcomes)
    if not n:
        return Scores(0, 0.0, 0.0, 0.0)
    ranks = [o.rank for o in outcomes]
    return Scores(
        n,
        sum(r == 1 for r in ranks) / n,
        sum(r is not None and r <= 5 for r in ranks) / n,
        sum(1 / r for r in ranks if r is not None and r <= MRR_DEPTH) / n,
    )


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    index = max(0, math.ceil(q / 100 * len(ordered)) - 1)
    return ordered[min(index, len(ordered) - 1)]


def latency(seconds: Sequence[float]) -> Latency:
    if not seconds:
        return Latency(0, 0.0, 0.0, 0.0, 0.0)
    ms = [s * 1000 for s in seconds]
    return Latency(len(ms), percentile(ms, 50), percentile(ms, 95), max(ms), sum(ms) / len(ms))


WARMUP_QUERIES = ("营业执照", "公积金提取", "passport", "sfz", "shenfenzheng", "我想开个店要办什么手续")


def evaluate(
    searcher: Searcher,
    queries: Sequence[EvalQuery],
    catalogue: Catalogue,
    *,
    limit: int = MRR_DEPTH,
    clock: Callable[[], float] = time.perf_counter,
) -> Report:
    """Run every query once, timed, after a short warm-up on queries outside the set (so the latency
    is that of a warm process, not of a result cache)."""
    for warm in WARMUP_QUERIES:
        with contextlib.suppress(Exception):  # a failing engine is reported per query below
            searcher.search(warm, limit=limit)
    outcomes: list[Outcome] = []
    unresolved: list[EvalQuery] = []
    for q in queries:
        wanted = catalogue.wanted(q.targets)
        if not wanted:
            unresolved.append(q)
        error = ""
        start = clock()
        try:
            hits = searcher.search(q.query, limit=limit).results
        except Exception as exc:  # one broken query must not stop the benchmark
            hits, error = [], f"{type(exc).__name__}: {exc}"
        elapsed = clock() - start
        rank = None
        for position, hit in enumerate(hits[:MRR_DEPTH], start=1):
            if catalogue.key(hit) in wanted:
                rank = position
                break
        top = [f"{h.kind}:{h.name}" for h in hits[:3]]
        outcomes.append(Outcome(q, rank, top, elapsed, error))
    return Report(outcomes, unresolved)
