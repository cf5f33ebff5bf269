"""``manage.py env_reference``: the configuration reference generated from the ``config()`` calls.

Every ``tongban.conf.env.config`` call registers its variable when the settings module is imported,
so the registry is complete once Django has started. ``make env-docs`` writes the result to
``docs/configuration.md``; ``make test`` runs this command with ``--check`` so the file cannot drift.
"""

from __future__ import annotations

from typing import Any

from tongban.conf.env import render_reference
from tongban.utils.generated import GeneratedFileCommand


class Command(GeneratedFileCommand):
    help = "Print the environment-variable reference (Markdown), write it to a file, or check a file."
    what = "reference"
    fix_hint = "run `make env-docs` and commit the result"

    def render(self, **options: Any) -> str:
        return render_reference().rstrip("\n") + "\n"
