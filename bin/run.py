#!/usr/bin/env python3
"""Run tongban locally: prepare the database, then supervise the web server, task worker and scheduler.

Normally started by ``make run``. Steps:

1. ``migrate``, ``createcachetable``, ``compilemessages`` (only when a ``.po`` is newer than its
   ``.mo``) and ``load_demo`` (idempotent), all through ``manage.py`` with the development settings;
2. the web server (gunicorn serving ``tongban.wsgi``, or ``runserver`` with ``--server runserver``),
   the task worker (``manage.py db_worker`` from django-tasks-db) and the scheduler of periodic jobs
   (``manage.py run_scheduler``, which only enqueues tasks for the worker), side by side;
3. once ``/healthz`` answers, the URL and the demo accounts are printed.

Supervision: each child runs in its own process group and its output is prefixed with its name.
Ctrl-C or SIGTERM stops them all (SIGTERM, then SIGKILL after a grace period; a second Ctrl-C kills
at once) and exits 0. If any child exits on its own, the others are stopped and this script exits
non-zero. On Linux the children also get SIGTERM if this script is killed outright.

Standard library only, so it runs before anything else is known to work.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "tongban"
MANAGE = str(ROOT / "manage.py")
LOAD_DEMO = SRC / "demo" / "management" / "commands" / "load_demo.py"
GRACE_SECONDS = 15
DEMO_PASSWORD = "Tongban-Demo-2026"
DEMO_ACCOUNTS = [
    ("citizen_a", "citizen, real-name verified; agent (经办人) of a demo company"),
    ("citizen_b", "citizen, real-name verified"),
    ("biz_owner", "citizen, legal representative (法定代表人) of a demo company"),
    ("window_staff", "staff: window clerk (second factor required)"),
    ("admin", "staff: platform administrator, Django admin (second factor required)"),
    ("reviewer_<dept>", "staff: a reviewer per department, e.g. reviewer_samr"),
]


def say(message: str) -> None:
    sys.stdout.write(f"[run] {message}\n")
    sys.stdout.flush()


# --- Preparation ----------------------------------------------------------------------------------


def manage(*args: str, cwd: Path = ROOT, required: bool = True) -> None:
    say("manage.py " + " ".join(args))
    result = subprocess.run([sys.executable, MANAGE, *args], cwd=cwd, check=False)  # noqa: S603
    if result.returncode == 0:
        return
    if not required:
        say(f"manage.py {args[0]} failed (exit code {result.returncode}); carrying on without it.")
        return
    raise SystemExit(f"[run] manage.py {args[0]} failed with exit code {result.returncode}; not starting.")


def messages_need_compiling() -> bool:
    """A .mo is missing, or its .po was edited after it (a fresh checkout writes both at once)."""
    for po in SRC.rglob("locale/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or po.stat().st_mtime - mo.stat().st_mtime > 2:
            return True
    return False


def prepare() -> bool:
    """Bring the local database up to date; True when demo data was loaded."""
    (ROOT / "var").mkdir(exist_ok=True)
    manage("migrate", "--noinput")
    manage("createcachetable")
    if messages_need_compiling():
        # From src/tongban, so it never walks into .venv. Not fatal: the committed .mo files still work.
        manage("compilemessages", cwd=SRC, required=False)
    else:
        say("translations are compiled (.mo up to date); skipping compilemessages")
    if LOAD_DEMO.exists():
        manage("load_demo")
        return True
    say("NOTE: the load_demo command does not exist yet, so there is no demo data or demo account.")
    return False


# --- Children -------------------------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to send SIGTERM when the supervisor dies."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Child:
    def __init__(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.name, self.argv, self.env = name, argv, env
        self.prefix = f"{name:<6}| ".encode()
        self.pending = b""
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, selector: selectors.BaseSelector) -> None:
        self.proc = subprocess.Popen(  # noqa: S603
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            process_group=0,  # Ctrl-C reaches only the supervisor, which stops children in order
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        assert self.proc.stdout is not None
        os.set_blocking(self.proc.stdout.fileno(), False)
        selector.register(self.proc.stdout, selectors.EVENT_READ, self)
        say(f"started {self.name} (pid {self.proc.pid}): {' '.join(self.argv[1:])}")

    def pump(self, selector: selectors.BaseSelector) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        try:
            chunk = os.read(self.proc.stdout.fileno(), 65536)
        except BlockingIOError:
            return
        if not chunk:
            selector.unregister(self.proc.stdout)
            self.flush()
            return
        *lines, self.pending = (self.pending + chunk).split(b"\n")
        if lines:
            sys.stdout.buffer.write(b"".join(self.prefix + line + b"\n" for line in lines))
            sys.stdout.flush()

    def flush(self) -> None:
        if self.pending:
            sys.stdout.buffer.write(self.prefix + self.pending + b"\n")
            sys.stdout.flush()
            self.pending = b""

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, signum: int) -> None:
        if self.running():
            assert self.proc is not None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signum)


# --- Supervisor -----------------------------------------------------------------------------------


class Stop(Exception):
    pass


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - our own local URL
            return bool(response.status == 200)
    except OSError:
        return False


def banner(base_url: str, demo: bool) -> None:
    rule = "─" * 78
    lines = [
        rule,
        f" tongban 通办 is running:  {base_url}/",
        f"   API (Swagger UI)  {base_url}/api/v1/docs",
        f"   admin             {base_url}/admin/",
        f"   health            {base_url}/healthz   {base_url}/readyz",
        "   task worker       manage.py db_worker (django-tasks-db), all queues",
        "   scheduler         manage.py run_scheduler (periodic jobs, docs/operations.md)",
    ]
    if demo:
        lines += ["", f" Demo accounts, password {DEMO_PASSWORD}  (all of them: docs/demo-accounts.md)"]
        lines += [f"   {name:<16}{what}" for name, what in DEMO_ACCOUNTS]
        lines += [" Staff second factor (TOTP):  .venv/bin/python manage.py demo_totp <username>"]
    lines += ["", " Stop with Ctrl-C.", rule]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def supervise(children: list[Child], health_url: str, on_ready: Callable[[], None]) -> int:
    selector = selectors.DefaultSelector()
    stop_signal: list[int] = []

    def request_stop(signum: int, _frame: object) -> None:
        if stop_signal:  # second Ctrl-C: no more patience
            for child in children:
                child.signal(signal.SIGKILL)
        stop_signal.append(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, request_stop)

    exit_code = 0
    ready = False
    next_probe = time.monotonic() + 0.5
    try:
        for child in children:
            child.start(selector)
        while not stop_signal:
            for key, _mask in selector.select(timeout=0.2):
                key.data.pump(selector)
            dead = [c for c in children if not c.running()]
            if dead:
                child = dead[0]
                assert child.proc is not None
                code = child.proc.returncode
                say(f"{child.name} exited with code {code}; stopping the rest.")
                exit_code = code if code and code > 0 else 1
                break
            if not ready and time.monotonic() >= next_probe:
                ready = is_up(health_url)
                next_probe = time.monotonic() + 0.5
                if ready:
                    on_ready()
        else:
            say(f"received {signal.Signals(stop_signal[0]).name}; stopping web server, worker and scheduler.")
    finally:
        for child in children:
            child.signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        while any(c.running() for c in children) and time.monotonic() < deadline:
            for key, _mask in selector.select(timeout=0.2):
                key.data.pump(selector)
        for child in children:
            if child.running():
                say(f"{child.name} did not stop within {GRACE_SECONDS}s; killing it.")
                child.signal(signal.SIGKILL)
        for child in children:
            if child.proc is not None:
                child.proc.wait()
        drain_until = time.monotonic() + 2
        while selector.get_map() and time.monotonic() < drain_until:
            for key, _mask in selector.select(timeout=0.2):
                key.data.pump(selector)
        for child in children:
            child.flush()
        selector.close()
    say("stopped.")
    return exit_code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--server",
        choices=("gunicorn", "runserver"),
        default="gunicorn",
        help="gunicorn (default, as in production) or Django's runserver (auto-reload, debug pages).",
    )
    parser.add_argument("--skip-setup", action="store_true", help="Do not migrate or load demo data first.")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.conf.dev")
    local = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host  # noqa: S104
    base_url = f"http://{local}:{args.port}"
    os.environ.setdefault("TONGBAN_SITE_URL", base_url)
    os.chdir(ROOT)

    if not port_is_free(args.host, args.port):
        say(f"{args.host}:{args.port} is already in use: stop the other server, or run `make run PORT=8001`.")
        return 1
    say(f"settings: {os.environ['DJANGO_SETTINGS_MODULE']}")
    demo = LOAD_DEMO.exists() if args.skip_setup else prepare()

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if args.server == "gunicorn":
        web_argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:tongban.conf.gunicorn",
            "tongban.wsgi:application",
            "--pythonpath",
            str(ROOT / "src"),
            "--bind",
            f"{args.host}:{args.port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--no-control-socket",
        ]
    else:
        web_argv = [sys.executable, MANAGE, "runserver", f"{args.host}:{args.port}"]
    worker_argv = [sys.executable, MANAGE, "db_worker", "--no-reload", "--queue-name", "*", "--interval", "1"]
    scheduler_argv = [sys.executable, MANAGE, "run_scheduler"]
    children = [
        Child("web", web_argv, env),
        Child("worker", worker_argv, env),
        Child("sched", scheduler_argv, env),
    ]
    return supervise(children, f"{base_url}/healthz", lambda: banner(base_url, demo))


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C while preparing, before the supervisor took over signals
        sys.exit(130)
