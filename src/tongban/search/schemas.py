"""Schemas of the public search API: the query parameters (validated with stable error codes) and the
answers.

Every problem with a parameter answers 422 ``validation_failed`` with one entry per problem in
``errors``, each with its own stable ``code``: ``query_required``, ``query_too_long``, ``invalid_limit``,
``unknown_kind``, ``unknown_audience``, ``invalid_district_code``, ``invalid_department``.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from ninja import Field, Schema
from pydantic import field_validator

from tongban.items.constants import Audience
from tongban.items.schemas import audience_value, invalid
from tongban.search.constants import DocKind

QUERY_MAX = 100  # characters; longer text is not a search but a paste (and would be masked anyway)
LIMIT_MAX = 50
SUGGEST_LIMIT_MAX = 10
_DISTRICT_CODE = re.compile(r"^\d{6}$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")


def query_text(value: Any, *, required: bool = True) -> str:
    """The query with surrounding blanks removed: required (``query_required``), ≤ 100 characters."""
    text = str(value or "").strip()
    if required and not text:
        raise invalid("query_required", _("Type what you are looking for."))
    if len(text) > QUERY_MAX:
        raise invalid(
            "query_too_long", _("A search can be at most %(max)s characters long.") % {"max": QUERY_MAX}
        )
    return text


def limit_value(value: Any, maximum: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= maximum:
        raise invalid("invalid_limit", _("The limit is a whole number from 1 to %(max)s.") % {"max": maximum})
    return number


# --- input ------------------------------------------------------------------------------------------


class SearchParams(Schema):
    """Query parameters of ``GET /search``."""

    q: str = Field(
        "",
        description="Required: what the reader typed, in everyday words (开饭店, 身份证丢了), pinyin or "
        f"English; 1–{QUERY_MAX} characters (`query_required`, `query_too_long`).",
        json_schema_extra={"maxLength": QUERY_MAX},
        validate_default=True,
    )
    limit: int = Field(
        10,
        description=f"How many results, 1–{LIMIT_MAX}.",
        json_schema_extra={"minimum": 1, "maximum": LIMIT_MAX},
    )
    kind: str = Field(
        "",
        description="Only this kind: `item` (service), `bundle` (one-thing service) or `faq`.",
        json_schema_extra={"enum": ["", *DocKind.values]},
    )
    audience: str = Field(
        "",
        description="`natural` (individuals) or `legal` (businesses and organisations).",
        json_schema_extra={"enum": ["", *Audience.values]},
    )
    department: str = Field("", description="Department slug, as in `/organizations/departments`.")
    district: str = Field("", description="6-digit GB/T 2260 district code: services handled there.")

    @field_validator("q", mode="before")
    @classmethod
    def _query(cls, value: Any) -> str:
        return query_text(value)

    @field_validator("limit", mode="before")
    @classmethod
    def _limit(cls, value: Any) -> int:
        return limit_value(value, LIMIT_MAX)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value and value not in DocKind.values:
            raise invalid("unknown_kind", _('Unknown kind: use "item", "bundle" or "faq".'))
        return value

    @field_validator("audience")
    @classmethod
    def _audience(cls, value: str) -> str:
        return audience_value(value)

    @field_validator("department")
    @classmethod
    def _department(cls, value: str) -> str:
        if value and not _SLUG.match(value):
            raise invalid("invalid_department", _("A department is named by its slug (letters, digits, -)."))
        return value

    @field_validator("district")
    @classmethod
    def _district(cls, value: str) -> str:
        if value and not _DISTRICT_CODE.match(value):
            raise invalid("invalid_district_code", _("A district code has 6 digits."))
        return value


class SuggestParams(Schema):
    """Query parameters of ``GET /search/suggest``: an empty prefix simply suggests nothing."""

    q: str = Field(
        "",
        description=f"What the reader has typed so far (at most {QUERY_MAX} characters).",
        json_schema_extra={"maxLength": QUERY_MAX},
    )
    limit: int = Field(
        8,
        description=f"How many suggestions, 1–{SUGGEST_LIMIT_MAX}.",
        json_schema_extra={"minimum": 1, "maximum": SUGGEST_LIMIT_MAX},
    )

    @field_validator("q", mode="before")
    @classmethod
    def _prefix(cls, value: Any) -> str:
        return query_text(value, required=False)

    @field_validator("limit", mode="before")
    @classmethod
    def _limit(cls, value: Any) -> int:
        return limit_value(value, SUGGEST_LIMIT_MAX)


class ClickIn(Schema):
    """Which result of a search the reader opened (anonymous: only the search's ``log_id`` ties it)."""

    log_id: int = Field(..., ge=1, description="`log_id` of the search answer.")
    code: str = Field(..., min_length=1, max_length=80, description="`code` of the result opened.")
    rank: int = Field(..., ge=1, le=LIMIT_MAX, description="Its position in the results, from 1.")


# --- output -----------------------------------------------------------------------------------------


class HitOut(Schema):
    kind: str = Field(..., description="`item`, `bundle` or `faq`.")
    code: str = Field(..., description="Item implementation code, bundle code, or `<item code>#faq<n>`.")
    name: str
    department: str = Field(..., description="Name of the department (a bundle: its lead department).")
    score: float
    highlight: str = Field(
        ...,
        description="The name or a snippet as HTML: the text is escaped and matched words are wrapped in "
        "`<mark>…</mark>`; safe to insert as HTML.",
    )
    matched_by: list[str] = Field(
        ..., description='Why it matched, e.g. `"name:餐饮"`, `"synonym:饭馆→餐饮"`, `"pinyin"`.'
    )


class SearchOut(Schema):
    results: list[HitOut]
    suggestion: str | None = Field(None, description="“Did you mean”: a corrected query, when there is one.")
    total: int = Field(..., description="How many documents matched (``results`` holds at most ``limit``).")
    log_id: int | None = Field(
        None, description="Id of the anonymous search log; send it back with `POST /search/click`."
    )


class SuggestOut(Schema):
    suggestions: list[str]
