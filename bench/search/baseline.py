"""A plain Okapi BM25 baseline: what search would be without the engine's understanding of words.

Same segmentation as the engine is expected to start from (rjieba ``cut_for_search`` on NFKC-normalised,
lower-cased text, with the catalogue names added to the dictionary), one bag of words per document
(name, keywords, summary and body concatenated), and nothing else: no lexicon, no pinyin, no typo
handling, no English, no field weights. k1 = 1.2, b = 0.75, the Lucene form of the IDF (never negative).

Self-contained (rjieba, the standard library and ``tongban.search.types``) so a test can load it by
path. It keeps its own ``rjieba.Jieba`` instance: the words it adds never change the engine's
segmentation in the same process.
"""

from __future__ import annotations

import heapq
import html
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

import rjieba

from tongban.search.types import Hit, LexEntry, SearchDoc, SearchResult

K1 = 1.2
B = 0.75
_WORDLIKE = re.compile(r"\w")  # a token must hold a letter, digit or CJK character


def normalise(text: str) -> str:
    """Full-width → half-width (NFKC), lower case, collapsed spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


class BM25Baseline:
    def __init__(
        self,
        docs: list[SearchDoc],
        postings: dict[str, list[tuple[int, int]]],
        norms: list[float],
        idf: dict[str, float],
        segmenter: rjieba.Jieba,
    ) -> None:
        self.docs = docs
        self.postings = postings  # term → [(doc index, term frequency)]
        self.norms = norms  # per document: k1 · (1 − b + b · length / average length)
        self.idf = idf
        self.segmenter = segmenter

    @classmethod
    def build(cls, docs: Iterable[SearchDoc], lexicon: Iterable[LexEntry] = ()) -> BM25Baseline:
        """Index ``docs``; ``lexicon`` is accepted for the engine's signature and ignored."""
        docs = list(docs)
        segmenter = rjieba.Jieba()
        for name in {normalise(d.name) for d in docs}:
            if name:
                segmenter.add_word(name, None, None)
        postings: dict[str, list[tuple[int, int]]] = {}
        lengths: list[int] = []
        for index, doc in enumerate(docs):
            text = " ".join((doc.name, doc.keywords, doc.summary, doc.body))
            counts = Counter(tokens(segmenter, text))
            lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                postings.setdefault(term, []).append((index, tf))
        average = (sum(lengths) / len(lengths)) if lengths else 1.0
        norms = [K1 * (1 - B + B * length / (average or 1.0)) for length in lengths]
        n = len(docs)
        idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in postings.items()}
        return cls(docs, postings, norms, idf, segmenter)

    def score(self, query: str) -> dict[int, float]:
        """BM25 score of every document matching at least one query term (each term counted once)."""
        scores: dict[int, float] = {}
        norms = self.norms
        for term in dict.fromkeys(tokens(self.segmenter, query)):
            plist = self.postings.get(term)
            if not plist:
                continue
            weight = self.idf[term] * (K1 + 1)
            for index, tf in plist:
                scores[index] = scores.get(index, 0.0) + weight * tf / (tf + norms[index])
        return scores

    def search(self, query: str, limit: int = 10) -> SearchResult:
        scores = self.score(query)
        # Highest score first; equal scores in catalogue order, so the ranking is deterministic.
        best = heapq.nlargest(limit, scores.items(), key=lambda kv: (kv[1], -kv[0]))
        hits = [
            Hit(
                kind=self.docs[i].kind,
                code=self.docs[i].code,
                name=self.docs[i].name,
                department=self.docs[i].department,
                score=s,
                highlight=html.escape(self.docs[i].name),
                matched_by=["bm25"],
            )
            for i, s in best
        ]
        return SearchResult(query=query, results=hits, suggestion=None, total=len(scores))


def tokens(segmenter: rjieba.Jieba, text: str) -> list[str]:
    return [t for t in segmenter.cut_for_search(normalise(text)) if _WORDLIKE.search(t)]
