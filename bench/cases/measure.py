"""The measurements of the cases benchmark: API and service-layer submissions, workflow steps, profile.

Every function takes the :class:`~bench.cases.world.World` of ``world.load_world()`` and returns plain
figures (milliseconds, rates) for ``run.report`` and the JSON file.
"""

from __future__ import annotations

import cProfile
import functools
import importlib
import io
import json
import os
import pstats
import statistics
import sysconfig
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.cases import world as w

if TYPE_CHECKING:
    from tongban.cases.models import Case

JSON = "application/json"


def percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def summary(ms: Sequence[float]) -> dict[str, float]:
    """Mean, p50, p95 and max of milliseconds."""
    return {
        "n": len(ms),
        "mean_ms": statistics.fmean(ms),
        "p50_ms": percentile(ms, 0.50),
        "p95_ms": percentile(ms, 0.95),
        "max_ms": max(ms),
    }


class Clock:
    """Wall and CPU time of a stretch of work, and the milliseconds of each timed call in it."""

    def __init__(self) -> None:
        self.ms: list[float] = []
        self.wall = self.cpu = 0.0

    def __call__(self, call: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        took = time.perf_counter() - wall
        self.wall += took
        self.cpu += time.process_time() - cpu
        self.ms.append(took * 1000)
        return result

    def figures(self) -> dict[str, float]:
        n = len(self.ms)
        return {
            **summary(self.ms),
            "per_s": n / self.wall,
            "cpu_ms": self.cpu / n * 1000,  # CPU of this process a call: the figure a busy neighbour spares
            "seconds": self.wall,
        }


# --- through the API ------------------------------------------------------------------------------


def api_submissions(world: w.World, recipe: w.Recipe, n: int, warmup: int, label: str) -> dict[str, Any]:
    """Uploads (timed apart), then ``n`` timed ``POST /api/v1/cases``, each with its own Idempotency-Key.

    The applicant is signed in with a session and acts for the enterprise with ``X-Acting-For``.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client(headers={"X-Acting-For": world.enterprise.uscc})
    client.force_login(world.applicant)
    uploads = Clock()

    def upload(clock: Callable[[Callable[[], Any]], Any] = uploads) -> str:
        name, data = world.next_pdf()
        file = SimpleUploadedFile(name, data, content_type="application/pdf")
        resp = clock(lambda: client.post("/api/v1/cases/uploads", {"file": file}))
        assert resp.status_code == 201, resp.content
        return str(resp.json()["id"])

    upload(lambda call: call())  # the first upload of a series imports and connects: not timed
    bodies = [
        json.dumps(w.payload(recipe, [upload() for _ in recipe.uploads]), ensure_ascii=False)
        for _ in range(warmup + n)
    ]
    posts = Clock()
    cold_ms = 0.0
    for k, body in enumerate(bodies):
        key = f"bench-api-{label}-{k:06d}"
        post = functools.partial(
            client.post, "/api/v1/cases", body, content_type=JSON, headers={"Idempotency-Key": key}
        )
        if k < warmup:  # the first parses the process definition and fills the caches
            start = time.perf_counter()
            resp = post()
            cold_ms = cold_ms or (time.perf_counter() - start) * 1000
        else:
            resp = posts(post)
        assert resp.status_code == 201, resp.content
    return {
        "submissions": posts.figures(),
        "uploads": {**uploads.figures(), "per_submission": len(recipe.uploads)},
        "first_ms": cold_ms,
        "warmup": warmup,
    }


# --- through the service layer --------------------------------------------------------------------


def service_submissions(
    world: w.World, recipe: w.Recipe, n: int, warmup: int
) -> tuple[dict[str, Any], list[int]]:
    """``submission.submit`` ``n`` times (uploads stored beforehand); returns the figures and case ids."""
    from tongban.cases.services.submission import submit

    uploads = Clock()
    apps = [
        w.application(recipe, [str(uploads(world.store_upload).uid) for _ in recipe.uploads])
        for _ in range(warmup + n)
    ]
    clock = Clock()
    ids = []
    for k, app in enumerate(apps):
        key = f"bench-service-{k:06d}"
        if k < warmup:
            case = submit(world.principal, app, idempotency_key=key)
        else:
            case = clock(functools.partial(submit, world.principal, app, idempotency_key=key))
        ids.append(case.pk)
    return {"submissions": clock.figures(), "uploads": uploads.figures(), "warmup": warmup}, ids


def parallel_submissions(world: w.World, recipe: w.Recipe, n: int, processes: int) -> dict[str, Any]:
    """``n`` bundle submissions shared by ``processes`` forked processes (as web workers would be).

    A submission is one ``BEGIN IMMEDIATE`` transaction, so on SQLite the processes take turns holding
    the write lock; this shows how much a second core adds.
    """
    from django.db import connections

    from tongban.cases.services.submission import submit

    apps = [w.application(recipe, [str(world.store_upload().uid) for _ in recipe.uploads]) for _ in range(n)]
    connections.close_all()  # no SQLite handle may cross a fork
    start = time.perf_counter()
    children = []
    for p in range(processes):
        pid = os.fork()
        if pid == 0:  # the child: its share of the applications, then leave without atexit handlers
            code = 0
            try:
                for k in range(p, n, processes):
                    submit(world.principal, apps[k], idempotency_key=f"bench-parallel-{k:06d}")
                connections.close_all()
            except BaseException:  # noqa: BLE001  (reported by the parent through the exit status)
                traceback.print_exc()
                code = 1
            os._exit(code)
        children.append(pid)
    failed = sum(1 for pid in children if os.waitpid(pid, 0)[1] != 0)
    seconds = time.perf_counter() - start
    if failed:
        raise SystemExit(f"{failed} of {processes} submitting processes failed (see above)")
    return {"processes": processes, "submissions": n, "per_s": n / seconds, "seconds": seconds}


def idempotency_lookup(world: w.World, rounds: int = 20) -> dict[str, Any]:
    """The Idempotency-Key look-up ``submit`` (and ``POST /api/v1/cases``) makes before anything else,
    against all the cases this applicant has by now; and the same query naming the condition of the
    partial unique index ``case_idempotency_key_once``, which lets SQLite use that index."""
    from tongban.cases.models import Case

    mine = Case.objects.filter(applicant=world.applicant)

    def as_submitted() -> Case | None:
        return mine.filter(idempotency_key="bench-absent").first()

    def with_condition() -> Case | None:
        return mine.filter(idempotency_key="bench-absent").exclude(idempotency_key="").first()

    out: dict[str, Any] = {"cases_of_applicant": mine.count()}
    for label, call in (("ms", as_submitted), ("ms_with_index_condition", with_condition)):
        clock = Clock()
        for _ in range(rounds):
            clock(call)
        out[label] = statistics.median(clock.ms)
    return out


def queries_per_submission(world: w.World, recipe: w.Recipe, n: int = 5) -> dict[str, float]:
    """SQL statements a bundle submission runs, by kind (averaged over ``n``)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongban.cases.services.submission import submit

    apps = [w.application(recipe, [str(world.store_upload().uid) for _ in recipe.uploads]) for _ in range(n)]
    kinds: dict[str, int] = {}
    with CaptureQueriesContext(connection) as captured:
        for k, app in enumerate(apps):
            submit(world.principal, app, idempotency_key=f"bench-queries-{k:06d}")
    for q in captured.captured_queries:
        verb = q["sql"].lstrip().split(" ", 1)[0].upper()
        kinds[verb] = kinds.get(verb, 0) + 1
    return {"total": len(captured.captured_queries) / n, **{k: v / n for k, v in sorted(kinds.items())}}


# --- one workflow step ----------------------------------------------------------------------------


def _ready_task(case: Case, kind: str) -> str:
    """The process task id of the case's first open task of ``kind``."""
    task = case.tasks.filter(status="open", kind=kind).order_by("pk").first()
    assert task is not None, f"case {case.case_no} has no open {kind} task"
    return task.spiff_id


def workflow_steps(case_ids: Sequence[int], kind: str, n: int) -> dict[str, Any]:
    """``n`` rounds of load → advance → save over the stored states of ``case_ids`` (cycled).

    ``save`` is ``common.save_workflow`` (``engine.dump`` + the conditional UPDATE) in a transaction that
    is rolled back, so that every round starts from the same stored state; the dump inside it is timed
    by wrapping ``engine.dump``, which splits ``save`` into dump and UPDATE.
    """
    from django.db import transaction

    from tongban.cases.models import Case
    from tongban.cases.services.common import save_workflow
    from tongban.workflows import engine

    data = {"acceptance": "accepted"} if kind == "accept" else {"decision": "approve"}
    cases = list(Case.objects.filter(pk__in=case_ids).order_by("pk"))
    ready = {c.pk: _ready_task(c, kind) for c in cases}
    states = {c.pk: c.workflow_state for c in cases}
    revs = {c.pk: c.workflow_rev for c in cases}
    load, advance, save, dump, sizes = [], [], [], [], []
    for k in range(n):
        case = cases[k % len(cases)]
        t0 = time.perf_counter()
        wf = engine.load(states[case.pk])
        t1 = time.perf_counter()
        wf.complete(ready[case.pk], data)
        t2 = time.perf_counter()
        case.workflow_rev = revs[case.pk]
        with timed_names([("dump", "tongban.workflows.engine", "dump")]) as spent, transaction.atomic():
            t3 = time.perf_counter()
            save_workflow(case, wf, "status")
            t4 = time.perf_counter()
            transaction.set_rollback(True)
        load.append((t1 - t0) * 1000)
        advance.append((t2 - t1) * 1000)
        save.append((t4 - t3) * 1000)
        dump.append(spent["dump"][0] * 1000)
        sizes.append(len(case.workflow_state.encode()))
    return {
        "kind": kind,
        "rounds": n,
        "cases": len(cases),
        "state_bytes_before": statistics.fmean(len(s.encode()) for s in states.values()),
        "state_bytes_after": statistics.fmean(sizes),
        "load": summary(load),
        "advance": summary(advance),
        "save": summary(save),
        "dump": summary(dump),
        "update": summary([s - d for s, d in zip(save, dump, strict=True)]),
    }


def complete_tasks(case_ids: Sequence[int], kind: str) -> dict[str, Any]:
    """One ``flow.complete_task`` per case: accept (受理) or approve its first open review task."""
    from tongban.cases.models import Task
    from tongban.cases.services import flow
    from tongban.cases.services.flow import Completion

    decision = "accepted" if kind == "accept" else "approve"
    tasks = [
        Task.objects.filter(case_id=pk, status="open", kind=kind).order_by("pk").first() for pk in case_ids
    ]
    staff: dict[tuple[int | None, str], Any] = {}
    calls = []
    for task in tasks:
        assert task is not None
        who = staff.get((task.department_id, task.role))
        if who is None:
            who = staff[(task.department_id, task.role)] = w.staff_for(task)
        calls.append((who, task.pk))
    clock = Clock()
    for who, task_id in calls:
        clock(functools.partial(flow.complete_task, who, task_id, Completion(decision=decision)))
    return {"kind": kind, **clock.figures()}


# --- where a submission's time goes ----------------------------------------------------------------

# (label, module, attribute): the functions a bundle submission calls, timed by wrapping the name the
# caller looks up (``submission`` imports ``resolve``, ``sync_tasks``… by name; the others are module
# attributes). Inclusive times; an indented row is part of the row above it. ACROSS rows are called from
# several of the phases.
PHASES = [
    ("targets.resolve (bundle, items, materials, fields)", "tongban.cases.services.submission", "resolve"),
    ("forms_schema.validate_form", "tongban.cases.forms_schema", "validate_form"),
    ("find_uploads (find the uploads)", "tongban.cases.services.submission", "find_uploads"),
    ("numbers.next_case_no", "tongban.cases.numbers", "next_case_no"),
    ("fetch_licences (consents, licence fetch)", "tongban.cases.services.submission", "fetch_licences"),
    ("  reuse.grant_consent", "tongban.licenses.services.reuse", "grant_consent"),
    ("  reuse.fetch_under_consent", "tongban.licenses.services.reuse", "fetch_under_consent"),
    ("    reuse.verified_face (SM2 signature check)", "tongban.licenses.services.reuse", "verified_face"),
    ("store_materials", "tongban.cases.services.submission", "store_materials"),
    ("engine.start (process to its first task)", "tongban.workflows.engine", "start"),
    ("  engine.resolve (which definition)", "tongban.workflows.engine", "resolve"),
    ("engine.dump", "tongban.workflows.engine", "dump"),
    ("routing.sync_tasks (task rows)", "tongban.cases.services.submission", "sync_tasks"),
    ("common.event (timeline rows)", "tongban.cases.services.submission", "event"),
    ("audit_case", "tongban.cases.services.submission", "audit_case"),
    ("notify_applicant (3 notifications)", "tongban.cases.services.submission", "notify_applicant"),
]
ACROSS = [
    ("audits.record (audit events, hash chain)", "tongban.audits.services", "record"),
    ("Model.save (INSERT or UPDATE of one row)", "django.db.models.base", "Model.save"),
    ("cursor.execute (the SQL itself, in SQLite)", "django.db.backends.utils", "CursorWrapper.execute"),
    (
        "COMMIT (WAL append, now and then a checkpoint)",
        "django.db.backends.base.base",
        "BaseDatabaseWrapper._commit",
    ),
    ("tasks queued after the commit (SMS, e-mail)", "django_tasks_db.backend", "DatabaseBackend.enqueue"),
]


@contextmanager
def timed_names(names: Sequence[tuple[str, str, str]]) -> Iterator[dict[str, list[float]]]:
    """Wrap ``module.attribute`` (or ``module.Class.attribute``) for each name: ``{label: [wall
    seconds, CPU seconds, calls]}`` while inside."""
    spent: dict[str, list[float]] = {}
    originals = []

    def wrap(label: str, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                entry = spent.setdefault(label, [0.0, 0.0, 0])
                entry[0] += time.perf_counter() - wall
                entry[1] += time.process_time() - cpu
                entry[2] += 1

        return timed

    for label, module_name, dotted in names:
        owner: Any = importlib.import_module(module_name)
        *path, attribute = dotted.split(".")
        for part in path:
            owner = getattr(owner, part)
        func = getattr(owner, attribute, None)
        if callable(func):  # a renamed function drops out of the table rather than failing the run
            originals.append((owner, attribute, func))
            setattr(owner, attribute, wrap(label, func))
    try:
        yield spent
    finally:
        for owner, attribute, func in reversed(originals):
            setattr(owner, attribute, func)


def phase_timings(world: w.World, recipe: w.Recipe, n: int) -> dict[str, Any]:
    """Wall and CPU milliseconds a bundle submission spends in each of ``PHASES`` (wrappers, no
    profiler). CPU time is the steadier figure on a shared machine; wall time adds waits (disk, a busy
    neighbour)."""
    from tongban.cases.services import submission

    apps = [w.application(recipe, [str(world.store_upload().uid) for _ in recipe.uploads]) for _ in range(n)]
    with timed_names([*PHASES, *ACROSS]) as spent:
        wall, cpu = time.perf_counter(), time.process_time()
        for k, app in enumerate(apps):
            submission.submit(world.principal, app, idempotency_key=f"bench-phases-{k:06d}")
        total = {
            "ms": (time.perf_counter() - wall) / n * 1000,
            "cpu_ms": (time.process_time() - cpu) / n * 1000,
        }

    def rows(names: Sequence[tuple[str, str, str]]) -> list[dict[str, Any]]:
        return [
            {
                "phase": label,
                "ms": spent[label][0] / n * 1000,
                "cpu_ms": spent[label][1] / n * 1000,
                "calls": spent[label][2] / n,
            }
            for label, _module, _attribute in names
            if label in spent
        ]

    phases = rows(PHASES)
    top = [r for r in phases if not r["phase"].startswith(" ")]
    phases.append(
        {
            "phase": "rest: Case and CaseItem rows, idempotency look-up, commit, queued tasks",
            "ms": total["ms"] - sum(r["ms"] for r in top),
            "cpu_ms": total["cpu_ms"] - sum(r["cpu_ms"] for r in top),
            "calls": 1,
        }
    )
    return {"submissions": n, "total": total, "phases": phases, "across": rows(ACROSS)}


# --- profile --------------------------------------------------------------------------------------


def profile_submissions(world: w.World, recipe: w.Recipe, n: int, out: Path) -> dict[str, Any]:
    """cProfile of ``n`` bundle submissions (service layer, uploads beforehand): the top 25 by cumulative
    time, also written to ``out`` with the top 25 by own time, and the raw stats to ``*.pstats``."""
    from tongban.cases.services.submission import submit

    apps = [w.application(recipe, [str(world.store_upload().uid) for _ in recipe.uploads]) for _ in range(n)]
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for k, app in enumerate(apps):
        submit(world.principal, app, idempotency_key=f"bench-profile-{k:06d}")
    profiler.disable()
    seconds = time.perf_counter() - start
    tables = {}
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(25)
        tables[order] = _short_paths(text.getvalue().strip("\n"))
    out.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(out.with_suffix(".pstats"))
    out.write_text(
        f"cProfile of {n} bundle submissions (submission.submit, uploads made beforehand)\n\n"
        f"Top 25 by cumulative time\n{tables['cumulative']}\n\nTop 25 by own time\n{tables['tottime']}\n",
        encoding="utf-8",
    )
    return {
        "submissions": n,
        "per_s_profiled": n / seconds,
        "top25_cumulative": tables["cumulative"],
        "file": str(out),
    }


def _short_paths(text: str) -> str:
    """Paths relative to site-packages, ``src`` or the standard library, as in ``django/db/…``."""
    paths = sysconfig.get_paths()
    for prefix in (paths["purelib"], paths["platlib"], str(w.ROOT / "src"), paths["stdlib"]):
        text = text.replace(prefix.rstrip("/") + "/", "")
    return text
