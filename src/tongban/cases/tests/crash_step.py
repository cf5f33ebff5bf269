"""Run one workbench step in a separate process against a SQLite file (used by test_crash).

``python -m tongban.cases.tests.crash_step <db> <task id> <user id> kill|run``: with ``kill`` the process
SIGKILLs itself after the process engine advanced and the new tasks were being written, i.e. in the
middle of the step's transaction; ``run`` completes the step normally. Prints a JSON line of the state.
"""

from __future__ import annotations

import json
import os
import signal
import sys


def main() -> None:
    db, task_id, user_id, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.conf.test")
    import django

    django.setup()
    from tongban.accounts.models import User
    from tongban.accounts.principal import Principal
    from tongban.cases.models import Case, Task
    from tongban.cases.services import flow, routing
    from tongban.cases.services.flow import Completion

    if mode == "kill":
        original = routing.sync_tasks

        def die(*args: object, **kwargs: object) -> object:
            original(*args, **kwargs)  # tasks written inside the open transaction ...
            os.kill(os.getpid(), signal.SIGKILL)  # ... and the process dies before the commit
            return None

        flow.sync_tasks = die  # type: ignore[assignment]
    if mode in ("kill", "run"):
        flow.complete_task(
            Principal(user=User.objects.get(pk=user_id)), task_id, Completion(decision="accepted")
        )
    task = Task.objects.get(pk=task_id)
    case = Case.objects.get(pk=task.case_id)
    state = {
        "task": task.status,
        "case": case.status,
        "rev": case.workflow_rev,
        "reviews": case.tasks.filter(kind="review").count(),
        "events": case.events.filter(kind="accepted").count(),
    }
    print(json.dumps(state))


if __name__ == "__main__":
    main()
