"""Text handling shared by indexing and querying: normalisation, segmentation, pinyin, highlighting."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import rjieba
from pypinyin import Style, lazy_pinyin

_CJK = re.compile(r"[\u3400-\u9fff]+")
_LATIN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_SPLIT = re.compile(r"([\u3400-\u9fff]+|[a-z0-9' ]+)")


def normalize(text: str) -> str:
    """Full-width → half-width, lower case, punctuation → space, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = re.sub(r"[^\w\u3400-\u9fff]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def cjk_runs(text: str) -> list[str]:
    return _CJK.findall(text)


def latin_words(text: str) -> list[str]:
    return _LATIN.findall(text)


def add_words(words: Iterable[str]) -> None:
    """Teach the segmenter the catalogue's own terms (食品经营许可证 stays one word)."""
    for word in words:
        if len(word) >= 2 and _CJK.fullmatch(word):
            rjieba.add_word(word, None, None)


def segment(text: str) -> list[str]:
    """Words of the Chinese runs in ``text`` (search mode: long words and their parts)."""
    words: list[str] = []
    for run in cjk_runs(text):
        words.extend(w for w in rjieba.cut_for_search(run) if w.strip())
    return words


def is_dictionary_word(word: str) -> bool:
    """A word of the segmenter's general dictionary."""
    return bool(rjieba.has_word(word))


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


@lru_cache(maxsize=200_000)
def pinyin_of(word: str) -> str:
    """Toneless full pinyin without separators: 营业执照 → yingyezhizhao."""
    return "".join(lazy_pinyin(word))


@lru_cache(maxsize=200_000)
def initials_of(word: str) -> str:
    return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))


def stem_en(word: str) -> str:
    """A very light English stemmer: plurals and a few endings, enough for service names."""
    word = {"licence": "license", "licences": "license", "centre": "center"}.get(word, word)
    for suffix, repl in (("ies", "y"), ("ses", "s"), ("s", "")):
        if len(word) > 4 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def highlight(text: str, terms: Iterable[str]) -> str:
    """HTML-escaped ``text`` with every occurrence of ``terms`` wrapped in <mark>."""
    spans: list[tuple[int, int]] = []
    lowered = text.lower()
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        start = lowered.find(term.lower())
        while start != -1:
            end = start + len(term)
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = lowered.find(term.lower(), end)
    out, pos = [], 0
    for s, e in sorted(spans):
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)
