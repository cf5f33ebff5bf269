"""站内搜索: the results page behind the header search box, and the click-through redirect.

Public pages, no sign-in. The engine and the anonymous query log live in ``tongban.search.services``;
this module turns its hits into small rows (localised title, kind badge, department, a plain-language
"why it matched" from ``matched_by`` and the link), so the template only lays out.

Links to results go through ``/search/go/?log=<id>&code=<code>&rank=<n>``, which records the first click
on that search and redirects to the result. The target is never taken from the request: the code must be
one of the codes that search returned (``QueryLog.top_codes``), and the URL is built here from it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tongban.bundles.constants import BundleState
from tongban.bundles.models import Bundle
from tongban.items.constants import Audience
from tongban.items.models import ServiceItem
from tongban.portal.catalog_views import Badge, access_badge, is_english, localized
from tongban.search import services
from tongban.search.constants import DocKind
from tongban.search.models import QueryLog
from tongban.search.schemas import LIMIT_MAX, QUERY_MAX
from tongban.search.types import Hit

PAGE_LIMIT = 20  # results shown at first; "show more" asks for LIMIT_MAX

KIND_LABELS = {
    DocKind.ITEM: pgettext_lazy("search result kind", "Service"),
    DocKind.BUNDLE: gettext_lazy("One-thing service"),
    DocKind.FAQ: gettext_lazy("FAQ"),
}
KIND_TONES = {DocKind.ITEM: "info", DocKind.BUNDLE: "ok", DocKind.FAQ: ""}


class SearchPageForm(forms.Form):
    """The form on the results page (GET): the words, who it is for, and which kind of result."""

    q = forms.CharField(
        label=gettext_lazy("What are you looking for?"),
        help_text=gettext_lazy("Everyday words work, e.g. 开饭店 or 身份证丢了; so do pinyin and English."),
        required=False,
        max_length=QUERY_MAX,
        widget=forms.SearchInput(attrs={"autocomplete": "off", "data-search-suggest": ""}),
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("For"),
        required=False,
        choices=[("", gettext_lazy("Everyone")), *Audience.choices],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of result"),
        required=False,
        choices=[
            ("", gettext_lazy("All kinds")),
            (DocKind.ITEM, pgettext_lazy("search filter", "Services")),
            (DocKind.BUNDLE, gettext_lazy("One-thing services")),
            (DocKind.FAQ, gettext_lazy("Frequently asked questions")),
        ],
    )

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs["data-suggest-url"] = reverse("api-v1:search_suggest")

    def values(self) -> tuple[str, str, str]:
        """``(q, audience, kind)``; a filter with an unknown value is ignored, a long query cut."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        q = (data.get("q") or self.data.get("q") or "").strip()[:QUERY_MAX]
        return q, data.get("audience") or "", data.get("kind") or ""


# --------------------------------------------------------------------------- why it matched


def _chinese() -> bool:
    return (translation.get_language() or "").startswith("zh")


def _joined(words: list[str]) -> str:
    # Punctuation, not words: chosen by language here (a translation must contain Chinese characters).
    return ("、" if _chinese() else ", ").join(words)


def _quoted(words: list[str]) -> str:
    return _joined([f"“{w}”" for w in words])


_LEXICON_HINTS = {
    "typo": gettext_lazy("Read “%(from)s” as “%(to)s”"),
    "synonym": gettext_lazy("Matched by the synonym “%(from)s→%(to)s”"),
    "colloquial": gettext_lazy("Matched by the everyday wording “%(from)s→%(to)s”"),
    "intent": gettext_lazy("Matched by what you want to do: “%(from)s→%(to)s”"),
    "english": gettext_lazy("Matched by the English word “%(from)s→%(to)s”"),
}
_READING_HINTS = {
    "pinyin": gettext_lazy("Matched by pinyin (read as %(words)s)"),
    "initials": gettext_lazy("Matched by pinyin initials (read as %(words)s)"),
    "english": gettext_lazy("Matched the English name (%(words)s)"),
    "word": gettext_lazy("Contains %(words)s"),
}


def match_hints(matched_by: list[str]) -> list[str]:
    """``matched_by`` of a hit in plain words, most telling first, at most three.

    The engine's vocabulary (``search.engine``): ``typo:营业执找→营业执照``; lexicon entries as
    ``<kind>:<term>→<expansion>`` with kind ``synonym``, ``colloquial``, ``intent`` or ``english``;
    ``pinyin:<word>`` and ``initials:<word>`` (the Chinese word the letters were read as);
    ``english:<word>`` (an English name matched); ``phrase:<word>`` and ``word:<word>`` (plain words).
    One hint per lexicon term ("饭店→餐馆、餐饮") and per way of reading; single characters only count
    when nothing else explains the match.
    """
    rewrites: dict[tuple[str, str], list[str]] = {}  # (kind, term) → what it became
    readings: dict[str, list[str]] = {}  # pinyin / initials / english / word → words
    for tag in matched_by:
        kind, _sep, value = tag.partition(":")
        before, arrow, after = value.partition("→")
        if arrow and kind in _LEXICON_HINTS:
            targets = rewrites.setdefault((kind, before), [])
            if after not in targets:
                targets.append(after)
        elif value and kind in ("pinyin", "initials", "english", "phrase", "word"):
            words = readings.setdefault("word" if kind == "phrase" else kind, [])
            if value not in words:
                words.append(value)
    hints = [
        str(_LEXICON_HINTS[kind]) % {"from": term, "to": _joined(targets)}
        for (kind, term), targets in rewrites.items()
    ]
    plain = readings.pop("word", [])
    for kind, words in readings.items():
        hints.append(str(_READING_HINTS[kind]) % {"words": _quoted(words[:3])})
    longer = [w for w in plain if len(w) > 1]
    if longer or (plain and not hints):
        hints.append(str(_READING_HINTS["word"]) % {"words": _quoted((longer or plain)[:3])})
    return hints[:3]


# --------------------------------------------------------------------------- result rows


@dataclass(frozen=True)
class ResultRow:
    kind: str
    kind_label: str
    tone: str
    code: str
    rank: int
    title: str  # plain text, escaped by the template
    title_html: str  # the engine's highlighted name (HTML), when the title is that name; else ""
    snippet_html: str  # the highlighted Chinese name or summary (HTML) shown under the title, or ""
    snippet_lang: str  # "zh-CN" when the page is in English and the snippet is Chinese
    department: str
    parent: str  # an FAQ: the service it belongs to
    access: Badge | None
    hints: list[str] = field(default_factory=list)
    url: str = ""

    @property
    def why(self) -> str:
        return ("；" if _chinese() else "; ").join(self.hints)


def target_url(code: str, bundle_codes: set[str]) -> str:
    """Where a result code leads: an FAQ to its item's guide (at the FAQ section), a bundle to its page,
    anything else to the item guide. Built from the code, never from user input."""
    if "#" in code:
        return reverse("portal:item_guide", args=[code.split("#", 1)[0]]) + "#faq-title"
    if code in bundle_codes:
        return reverse("portal:bundle", args=[code])
    return reverse("portal:item_guide", args=[code])


def go_url(log_id: int, code: str, rank: int) -> str:
    return f"{reverse('portal:search_go')}?{urlencode({'log': log_id, 'code': code, 'rank': rank})}"


def result_rows(hits: list[Hit], log_id: int | None) -> list[ResultRow]:
    """Rows for the hits that still name a published item or bundle (two queries whatever the count)."""
    # Both look-ups take every code, so the page costs the same queries whatever kinds were found.
    codes = {h.code.split("#", 1)[0] for h in hits}
    items = {
        i.code: i for i in ServiceItem.objects.published().filter(code__in=codes).select_related("department")
    }
    bundles = {
        b.code: b
        for b in Bundle.objects.filter(code__in=codes, state=BundleState.PUBLISHED).select_related(
            "lead_department"
        )
    }
    english = is_english()
    rows = []
    for rank, hit in enumerate(hits, start=1):
        parent = ""
        access = None
        obj: Any
        if hit.kind == DocKind.BUNDLE:
            obj = bundles.get(hit.code)
            if obj is None:
                continue
            title, department = localized(obj), localized(obj.lead_department)
        elif hit.kind == DocKind.FAQ:
            obj = items.get(hit.code.split("#", 1)[0])
            if obj is None:
                continue
            title, department, parent = hit.name, localized(obj.department), localized(obj)
        else:
            obj = items.get(hit.code)
            if obj is None:
                continue
            title, department, access = localized(obj), localized(obj.department), access_badge(obj)
        # Escaped by the engine (search.text.highlight): the text with <mark> around matched words; the
        # template renders only this with |safe.
        marked = hit.highlight
        is_name = html.unescape(strip_tags(hit.highlight)) == hit.name
        title_html = marked if is_name and title == hit.name else ""
        snippet = "" if title_html else marked
        rows.append(
            ResultRow(
                kind=hit.kind,
                kind_label=str(KIND_LABELS.get(DocKind(hit.kind), hit.kind)),
                tone=KIND_TONES.get(DocKind(hit.kind), ""),
                code=hit.code,
                rank=rank,
                title=title,
                title_html=title_html,
                snippet_html=snippet,
                snippet_lang="zh-CN" if english else "",
                department=department,
                parent=parent,
                access=access,
                hints=match_hints(hit.matched_by),
                url=go_url(log_id, hit.code, rank) if log_id else target_url(hit.code, set(bundles)),
            )
        )
    return rows


# --------------------------------------------------------------------------- views


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """搜索结果: what the header search box finds, with filters; every search is logged anonymously."""
    form = SearchPageForm(request.GET)
    q, audience, kind = form.values()
    more = request.GET.get("more") == "1"
    context: dict[str, Any] = {
        "form": form,
        "q": q,
        "audience": audience,
        "kind": kind,
        "filtered": bool(audience or kind),
        "searched": bool(q),
    }
    if q:
        result, log_id = services.search(
            q, limit=LIMIT_MAX if more else PAGE_LIMIT, kind=kind or None, audience=audience or None
        )
        rows = result_rows(result.results, log_id)
        suggestion = result.suggestion if result.suggestion and result.suggestion != q else None
        context.update(
            rows=rows,
            total=max(result.total, len(rows)),
            suggestion=suggestion,
            can_show_more=not more and result.total > len(result.results),
        )
    return render(request, "portal/search/results.html", context)


@never_cache
@require_GET
def search_go(request: HttpRequest) -> HttpResponse:
    """Record which result of a logged search was opened, then go there. Refuses (404) a log that does
    not exist and any code that search did not return, so it can never redirect anywhere else."""
    try:
        log_id = int(request.GET.get("log", ""))
    except ValueError:
        raise Http404 from None
    code = request.GET.get("code", "")
    log = QueryLog.objects.filter(pk=log_id).only("top_codes").first() if log_id > 0 else None
    codes = [str(c) for c in (log.top_codes or [])] if log else []
    if not code or code not in codes:
        raise Http404
    position = codes.index(code) + 1
    try:
        rank = int(request.GET.get("rank", ""))
    except ValueError:
        rank = position
    services.log_click(log_id, code, rank if rank == position else position)
    bundle_codes: set[str] = set()
    if "#" not in code:
        bundle_codes = set(
            Bundle.objects.filter(code=code, state=BundleState.PUBLISHED).values_list("code", flat=True)
        )
    return HttpResponseRedirect(target_url(code, bundle_codes))
