"""``manage.py export_openapi``: the OpenAPI document of ``/api/v1``, byte-for-byte reproducible.

Keys are sorted, the indent is 2, Chinese stays readable (no ``\\u`` escapes) and the file ends with a
newline. Descriptions are rendered untranslated (English msgids), so the active language cannot change
the committed contract. ``make openapi`` writes ``docs/api/openapi.json``; ``make test`` checks it.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.module_loading import import_string

from ninja import NinjaAPI
from ninja.responses import NinjaJSONEncoder

from tongban.utils.generated import GeneratedFileCommand

DEFAULT_API = "tongban.api.main.api"


def render_schema(api_path: str = DEFAULT_API) -> str:
    api = import_string(api_path)
    if not isinstance(api, NinjaAPI):
        raise CommandError(f"{api_path} is not a NinjaAPI instance")
    with translation.override(None):
        schema = api.get_openapi_schema()
        text = json.dumps(schema, cls=NinjaJSONEncoder, indent=2, sort_keys=True, ensure_ascii=False)
    return text + "\n"


class Command(GeneratedFileCommand):
    help = "Print the OpenAPI schema of the public API, write it to a file, or check a committed file."
    what = "schema"
    fix_hint = "run `make openapi`, review the diff (it is the public contract) and commit it"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--api", default=DEFAULT_API, help=f"Dotted path of the NinjaAPI ({DEFAULT_API})."
        )
        super().add_arguments(parser)

    def render(self, **options: Any) -> str:
        return render_schema(options["api"])
