"""The seed lexicon (``tongban.search.data.lexicon``): well-formed, and it fits the seed catalogue.

The shape checks need no database. The catalogue checks load the demo data set ONCE for this module
(inside a transaction rolled back straight away) and keep only the text of the published items and
bundles: every expansion must occur in it, and every bundle and nearly every item must be reachable
from some everyday or English wording.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction

import pytest

from tongban.bundles.constants import BundleState
from tongban.bundles.models import Bundle
from tongban.demo.loader import load_demo
from tongban.items.models import ServiceItem
from tongban.search.constants import LexiconKind
from tongban.search.data.lexicon import LEXICON
from tongban.search.models import LexiconEntry
from tongban.search.text import normalize
from tongban.search.types import LexEntry

KIND = LexiconKind
REACHING_KINDS = {KIND.COLLOQUIAL, KIND.ENGLISH}
TERM_MAX = LexiconEntry._meta.get_field("term").max_length


def norm(text: str) -> str:
    """What the engine does to the query and the documents before matching: full → half width, lower
    case, punctuation → space (so "driver's license" is typed as "driver s license")."""
    return normalize(text)


def of_kind(kind: str) -> list[LexEntry]:
    return [e for e in LEXICON if e.kind == kind]


STOPWORDS = {e.term for e in of_kind(KIND.STOPWORD)}


# -- shape -------------------------------------------------------------------------------------------


def test_entries_are_lex_entries_with_tuple_expansions() -> None:
    assert LEXICON
    for entry in LEXICON:
        assert isinstance(entry, LexEntry)
        assert isinstance(entry.expansions, tuple), entry


def test_kinds_are_valid() -> None:
    assert {e.kind for e in LEXICON} == set(KIND.values)


def test_no_duplicate_term_and_kind() -> None:
    duplicates = [key for key, n in Counter((e.term, e.kind) for e in LEXICON).items() if n > 1]
    assert not duplicates


def test_terms_and_expansions_are_normalised() -> None:
    for entry in LEXICON:
        assert entry.term, entry
        assert entry.term == norm(entry.term), f"write {entry.term!r} as {norm(entry.term)!r}"
        assert len(entry.term) <= TERM_MAX, entry.term
        for expansion in entry.expansions:
            assert expansion and expansion == norm(expansion), (entry.term, expansion)


def test_stopwords_have_no_expansions_and_the_rest_have_some() -> None:
    for entry in LEXICON:
        if entry.kind == KIND.STOPWORD:
            assert entry.expansions == (), entry
        else:
            assert entry.expansions, entry


def test_expansions_are_distinct_and_differ_from_the_term() -> None:
    for entry in LEXICON:
        assert len(set(entry.expansions)) == len(entry.expansions), entry
        assert entry.term not in entry.expansions, entry


def test_weights() -> None:
    for entry in LEXICON:
        assert 0 < entry.weight <= 1, entry
    # Intent words only break ties: never as strong as what the person actually named.
    assert max(e.weight for e in of_kind(KIND.INTENT)) < min(e.weight for e in of_kind(KIND.COLLOQUIAL))


def test_stopwords_do_not_shadow_other_entries() -> None:
    """A stop word is dropped from the query, so it cannot also be a term to expand or an expansion."""
    shadowed = sorted({e.term for e in LEXICON if e.kind != KIND.STOPWORD} & STOPWORDS)
    assert not shadowed
    as_expansion = sorted({x for e in LEXICON for x in e.expansions} & STOPWORDS)
    assert not as_expansion


def test_everyday_terms_are_words_not_single_characters() -> None:
    """The engine looks for Chinese terms anywhere in the query: a one-character colloquial term would
    fire inside unrelated words (only intents may be one). English terms match whole words only."""
    assert not [e.term for e in of_kind(KIND.COLLOQUIAL) if len(e.term) < 2]
    assert not [e.term for e in of_kind(KIND.ENGLISH) if len(e.term) < 2]


def test_the_examples_from_the_brief_are_there() -> None:
    colloquial = {e.term: e.expansions for e in of_kind(KIND.COLLOQUIAL)}
    english = {e.term: e.expansions for e in of_kind(KIND.ENGLISH)}
    assert {"餐饮", "食品经营"} <= set(colloquial["饭馆"])
    assert {"企业设立登记", "个体工商户设立登记"} <= set(colloquial["营业执照"])
    assert "社会保险" in colloquial["社保"]
    assert "医疗保险" in colloquial["医保"]
    assert "环境影响评价" in colloquial["环评"]
    assert "最低生活保障" in colloquial["低保"]
    assert {"公民身后", "遗体火化", "丧葬补助金"} <= set(colloquial["老人走了"])
    assert {"用水报装", "用电报装", "用气报装"} <= set(colloquial["装水电煤"])
    assert "网络报装" in colloquial["宽带"]
    assert "机动车驾驶证" in english["driving license"]
    assert "居民身份证" in english["id card"]
    assert {"补领", "补办"} <= {x for e in of_kind(KIND.INTENT) if e.term == "丢了" for x in e.expansions}
    assert {"证", "怎么", "需要", "办理"} <= STOPWORDS


def test_counts() -> None:
    counts = Counter(e.kind for e in LEXICON)
    assert counts[KIND.COLLOQUIAL] >= 400
    assert counts[KIND.ENGLISH] >= 80
    assert counts[KIND.STOPWORD] >= 40
    assert counts[KIND.SYNONYM] >= 20
    assert counts[KIND.INTENT] >= 10


# -- against the seed catalogue ----------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    items: dict[str, str]  # item name → normalised name + keywords + summary
    bundles: dict[str, str]  # bundle name → normalised name + summary

    @property
    def text(self) -> str:
        return "\n".join([*self.items.values(), *self.bundles.values()])


@pytest.fixture(scope="module")
def catalogue(django_db_setup: None, django_db_blocker: Any) -> Catalogue:
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        items = {
            name: norm(f"{name}\n{keywords}\n{summary}")
            for name, keywords, summary in ServiceItem.objects.published().values_list(
                "name", "keywords", "summary"
            )
        }
        bundles = {
            name: norm(f"{name}\n{summary}")
            for name, summary in Bundle.objects.filter(state=BundleState.PUBLISHED).values_list(
                "name", "summary"
            )
        }
        transaction.set_rollback(True)
    assert len(items) > 100 and len(bundles) >= 14, "the seed catalogue did not load"
    return Catalogue(items, bundles)


def reaching_expansions() -> set[str]:
    return {x for e in LEXICON if e.kind in REACHING_KINDS for x in e.expansions}


def unreached(texts: dict[str, str]) -> list[str]:
    expansions = reaching_expansions()
    return sorted(name for name, text in texts.items() if not any(x in text for x in expansions))


@pytest.mark.django_db
def test_every_expansion_occurs_in_the_catalogue(catalogue: Catalogue) -> None:
    text = catalogue.text
    missing = sorted({(e.kind, e.term, x) for e in LEXICON for x in e.expansions if x not in text})
    assert not missing, f"expansions that match nothing in the catalogue: {missing}"


@pytest.mark.django_db
def test_every_bundle_is_reachable(catalogue: Catalogue) -> None:
    assert not unreached(catalogue.bundles)


@pytest.mark.django_db
def test_nearly_every_item_is_reachable(catalogue: Catalogue) -> None:
    missing = unreached(catalogue.items)
    assert len(missing) <= 0.1 * len(catalogue.items), f"items no wording leads to: {missing}"


@pytest.mark.django_db
def test_nearly_every_item_is_reachable_by_its_name(catalogue: Catalogue) -> None:
    """Stronger: some wording expands to a word of the item's own name, so the item itself comes up,
    not only items that mention it in passing. (All of the seed is; new items may lag a little.)"""
    names = {name: norm(name) for name in catalogue.items}
    missing = unreached(names)
    assert len(missing) <= 0.1 * len(names), f"items no wording names: {missing}"
