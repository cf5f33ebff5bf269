"""Playwright configuration for the browser tests (``@pytest.mark.browser``).

They drive Debian's ``chromium`` (never ``playwright install``): one browser for the whole session, a
fresh context (cookies) per test, Chinese as the browser language. Without chromium they are skipped,
loudly.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium")
SKIP_REASON = "chromium not installed: browser tests skipped — run `make test` as root to install it"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
]

# Playwright's sync API keeps an event loop alive in the main thread once the browser has started, which
# makes Django refuse ORM calls from that thread (fixtures, assertions) for the rest of the session.
# The live server runs in its own thread; tests touch the database only between page actions.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not CHROMIUM and terminalreporter.stats.get("skipped"):
        terminalreporter.write_sep("!", SKIP_REASON, yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM:
        pytest.skip(SKIP_REASON)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Chromium would otherwise send Accept-Language: en-US and Django would answer in English.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}
