"""Settings of the cases benchmark: the test settings (development keys, no semantic search), with SQLite,
the task queue and the cache configured as ``tongban.conf.base`` configures them for a deployment.

The test settings drop WAL (an in-memory database has none), run tasks inline and cache in memory; a
submission in production instead opens a WAL connection with ``synchronous=NORMAL`` per request, queues
its notifications as rows for the worker and counts the rate limit in the database cache table.
"""

import os

# The rate limit is counted (its cost is part of a request) but set out of reach of a benchmark.
os.environ.setdefault("TONGBAN_API_RATE_AUTH", "1000000/m")

from tongban.conf.test import *  # noqa: E402,F403  (first: it sets the development keys base needs)

# isort: split
from tongban.conf import base  # noqa: E402
from tongban.conf.test import ALLOWED_HOSTS, DATABASES  # noqa: E402

# As tongban.conf.base sets it for SQLite (tongban.conf.test replaces it with foreign keys only).
SQLITE_INIT = base.DATABASES["default"]["OPTIONS"].get("init_command", "")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"]["init_command"] = SQLITE_INIT
TASKS = base.TASKS
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # django.test.Client's host
CACHES = base.CACHES
