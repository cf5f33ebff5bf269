"""The data the search engine works on and answers with (no Django here: the engine is pure Python so
the benchmark can run it on synthetic catalogues)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchDoc:
    kind: str  # "item" | "bundle" | "faq"
    code: str  # item implementation code, bundle code, or "<item code>#faq<n>" (an FAQ names its item)
    name: str
    department: str = ""
    department_slug: str = ""
    name_en: str = ""
    keywords: str = ""  # colloquial words staff attached to the item
    summary: str = ""
    body: str = ""  # further text: FAQ answer, material names, procedure …
    audiences: frozenset[str] = frozenset()  # {"natural", "legal"}
    districts: frozenset[str] = frozenset()  # region codes where it is handled; empty = everywhere
    members: tuple[str, ...] = ()  # for a bundle: the codes of its items


@dataclass(frozen=True)
class LexEntry:
    term: str
    kind: str  # see search.constants.LexiconKind
    expansions: tuple[str, ...] = ()
    weight: float = 0.8


@dataclass
class Hit:
    kind: str
    code: str
    name: str
    department: str
    score: float
    highlight: str  # the name or a snippet, matched words wrapped in <mark>…</mark> (HTML-escaped)
    matched_by: list[str] = field(default_factory=list)  # e.g. ["name:餐饮", "synonym:饭馆→餐饮", "pinyin"]


@dataclass
class SearchResult:
    query: str
    results: list[Hit]
    suggestion: str | None = None  # "did you mean", when the query was corrected
    total: int = 0
