"""The search engine: fielded BM25 over segmented text, with query understanding in front.

Pure Python + numpy, no Django, so the benchmark can run it on synthetic catalogues. A query goes
through: normalisation → typo/homophone correction (by toneless pinyin against the index vocabulary)
→ lexicon expansion (colloquial, synonym, intent, English; stop words dropped) → segmentation →
pinyin and initials read as Chinese → scoring → boosts (whole-name matches; bundles when the query
describes a life or business event) → an optional semantic re-rank of the head of the list.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tongban.search import text
from tongban.search.types import Hit, LexEntry, SearchDoc, SearchResult

# Field weights and length normalisation of BM25F. Names say what a service is; keywords are the
# words staff attached for people's phrasing; summaries and bodies only support.
FIELDS: dict[str, tuple[float, float]] = {
    "name": (3.0, 0.5),
    "keywords": (2.0, 0.3),
    "name_en": (2.0, 0.5),
    "summary": (1.0, 0.75),
    "body": (0.4, 0.75),
    "name_bigram": (0.5, 0.5),
}
K1 = 1.2
BIGRAM_WEIGHT = 0.25  # query bigrams: recall for words the segmenter splits differently
EVENT_WORDS = ("一件事", "哪些", "什么手续", "要办什么", "要办啥", "全部", "流程", "开个", "开家", "开一个")
BUNDLE_EVENT_BOOST = 1.6
HEAD = 60  # candidates looked at after scoring
SEMANTIC_WEIGHT = 0.3  # share of the best lexical score that meaning can add
MIN_LEXICAL = 5  # fewer lexical matches than this: add the semantically nearest documents
SEMANTIC_RECALL = 20


@dataclass
class QueryPlan:
    """What the engine understood; kept for ``matched_by`` and "did you mean"."""

    normalized: str
    corrected: str
    terms: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # term → why it is in the query
    corrections: list[tuple[str, str]] = field(default_factory=list)
    event_intent: bool = False
    pinyin_text: str = ""  # the Chinese reading of a pinyin query, for "did you mean"

    def add(self, term: str, weight: float, reason: str) -> None:
        if not term:
            return
        if weight > self.terms.get(term, 0.0):
            self.terms[term] = weight
            self.reasons[term] = reason


class SearchEngine:
    def __init__(self) -> None:
        self.docs: list[SearchDoc] = []
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.df: dict[str, int] = {}
        self.doc_terms: list[frozenset[str]] = []
        self.lexicon: dict[str, list[LexEntry]] = defaultdict(list)
        self.stopwords: set[str] = set()
        self.max_lex_len = 1
        self.by_pinyin: dict[str, list[str]] = defaultdict(list)
        self.by_initials: dict[str, list[str]] = defaultdict(list)
        # Corrections only ever go to words of names, keywords and the lexicon, never to incidental
        # words of long texts (办什 must not become 半身 from "半身免冠照片").
        self.strong_by_pinyin: dict[str, list[str]] = defaultdict(list)
        self.name_norm: list[str] = []
        self.bundle_members: dict[int, list[int]] = {}
        self.suggest_keys: list[tuple[str, str]] = []  # (sort key, display) for prefix search
        self.semantic: Any = None  # search.semantic.Semantic: (query, candidates) → similarities

    # --- building ------------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        docs: Iterable[SearchDoc],
        lexicon: Iterable[LexEntry] = (),
        *,
        semantic: Any = None,
    ) -> SearchEngine:
        engine = cls()
        engine.docs = list(docs)
        engine.semantic = semantic
        lex = [e for e in lexicon if e.term]
        text.add_words(
            [d.name for d in engine.docs]
            + [k for d in engine.docs for k in _keywords(d.keywords)]
            + [e.term for e in lex]
            + [x for e in lex for x in e.expansions]
        )
        for entry in lex:
            term = text.normalize(entry.term)
            if entry.kind == "stopword":
                engine.stopwords.add(term)
            else:
                engine.lexicon[term].append(LexEntry(term, entry.kind, tuple(entry.expansions), entry.weight))
                engine.max_lex_len = max(engine.max_lex_len, len(term))
        engine._index()
        engine._pinyin_maps(lex)
        engine._suggestions(lex)
        return engine

    def _index(self) -> None:
        field_tfs: list[dict[str, Counter[str]]] = []
        lengths: dict[str, list[int]] = {f: [] for f in FIELDS}
        for doc in self.docs:
            fields = _doc_fields(doc)
            field_tfs.append(fields)
            for f in FIELDS:
                lengths[f].append(sum(fields[f].values()))
        avg = {f: (sum(v) / len(v) if v and sum(v) else 1.0) for f, v in lengths.items()}
        n = len(self.docs)
        df: Counter[str] = Counter()
        self.doc_terms = []
        for fields in field_tfs:
            terms = frozenset(t for c in fields.values() for t in c)
            self.doc_terms.append(terms)
            df.update(terms)
        self.df = dict(df)
        rows: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        for i, fields in enumerate(field_tfs):
            eff: dict[str, float] = defaultdict(float)
            for f, (weight, b) in FIELDS.items():
                norm = 1 - b + b * lengths[f][i] / avg[f]
                for term, tf in fields[f].items():
                    eff[term] += weight * tf / norm
            for term, tf_eff in eff.items():
                idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
                ids, scores = rows[term]
                ids.append(i)
                scores.append(idf * tf_eff * (K1 + 1) / (K1 + tf_eff))
        self.postings = {
            t: (np.asarray(ids, dtype=np.int32), np.asarray(sc, dtype=np.float32))
            for t, (ids, sc) in rows.items()
        }
        self.name_norm = [text.normalize(d.name) for d in self.docs]
        position = {(d.kind, d.code): i for i, d in enumerate(self.docs)}
        self.bundle_members = {
            i: [position[("item", c)] for c in d.members if ("item", c) in position]
            for i, d in enumerate(self.docs)
            if d.kind == "bundle" and d.members
        }

    def _pinyin_maps(self, lex: list[LexEntry]) -> None:
        """Chinese words people might type in pinyin or as initials, most frequent first."""
        words: Counter[str] = Counter()
        strong: set[str] = set()

        def count(word: str, weight: int) -> None:
            if 2 <= len(word) <= 8 and text.cjk_runs(word) == [word]:
                words[word] += weight
                if weight > 1:
                    strong.add(word)

        for doc in self.docs:
            for word in [doc.name, *text.segment(doc.name), *_keywords(doc.keywords)]:
                count(word, 3)
            for word in text.segment(doc.summary) + text.segment(doc.body):
                count(word, 1)
        for entry in lex:
            if entry.kind != "stopword":
                for word in (entry.term, *entry.expansions):
                    count(word, 3)
        for word, _count in words.most_common():
            self.by_pinyin[text.pinyin_of(word)].append(word)
            if word in strong:
                self.strong_by_pinyin[text.pinyin_of(word)].append(word)
            if 2 <= len(word) <= 6:
                self.by_initials[text.initials_of(word)].append(word)

    def _suggestions(self, lex: list[LexEntry]) -> None:
        keys = set()
        for doc in self.docs:
            if doc.kind in ("item", "bundle"):
                keys.add((text.normalize(doc.name), doc.name))
                keys.add((text.pinyin_of(doc.name), doc.name))
        for entry in lex:
            if entry.kind == "colloquial" and text.cjk_runs(entry.term) == [entry.term]:
                keys.add((entry.term, entry.term))
        self.suggest_keys = sorted(keys)

    # --- querying ------------------------------------------------------------------------------------

    def plan(self, query: str) -> QueryPlan:
        normalized = text.normalize(query)
        plan = QueryPlan(normalized=normalized, corrected=normalized)
        if not normalized:
            return plan
        plan.corrected = self._correct(normalized, plan)
        q = plan.corrected
        plan.event_intent = any(w in q for w in EVENT_WORDS)
        consumed = self._expand_lexicon(q, plan)
        for run in text.cjk_runs(q):
            if run in self.df and run not in self.stopwords:
                plan.add(run, 1.2, "phrase")
            for word in text.segment(run):
                if word in self.stopwords or (len(word) == 1 and word in consumed):
                    continue
                plan.add(word, 1.0 if len(word) > 1 else 0.5, "word")
            for bg in text.bigrams(run):
                if bg not in self.stopwords and bg in self.df:
                    plan.add(bg, BIGRAM_WEIGHT, "bigram")
        self._latin(q, plan)
        return plan

    def _correct(self, q: str, plan: QueryPlan) -> str:
        """Fix homophone typos (营业执找 → 营业执照, 公积今 → 公积金) against known words."""
        for run in text.cjk_runs(q):
            fixed = run
            protected = self._known_spans(run)
            for size in range(min(6, len(run)), 1, -1):
                for start in range(0, len(run) - size + 1):
                    if any(s <= start and start + size <= e and e - s > size for s, e in protected):
                        continue  # inside a longer known word (车证 inside 叉车证) is not a typo
                    window = fixed[start : start + size]
                    if window in self.df or window in self.lexicon or window in self.stopwords:
                        continue
                    if size == 2 and text.is_dictionary_word(window):
                        continue  # an ordinary two-character word (什么, 孩子) is not a typo
                    candidates = [
                        c for c in self.strong_by_pinyin.get(text.pinyin_of(window), []) if len(c) == size
                    ]
                    if candidates and candidates[0] != window:
                        plan.corrections.append((window, candidates[0]))
                        fixed = fixed[:start] + candidates[0] + fixed[start + size :]
            if fixed != run:
                q = q.replace(run, fixed, 1)
        return q

    def _known_spans(self, run: str) -> list[tuple[int, int]]:
        spans = []
        for size in range(3, min(10, len(run)) + 1):
            for start in range(0, len(run) - size + 1):
                piece = run[start : start + size]
                if piece in self.df or piece in self.lexicon:
                    spans.append((start, start + size))
        return spans

    def _expand_lexicon(self, q: str, plan: QueryPlan) -> set[str]:
        """Find lexicon terms anywhere in the query (longest first) and add what they stand for.
        Returns the characters covered, so single characters inside them are not searched alone."""
        covered: set[str] = set()
        i = 0
        while i < len(q):
            for size in range(min(self.max_lex_len, len(q) - i), 0, -1):
                term = q[i : i + size]
                entries = self.lexicon.get(term)
                if not entries or not _boundary_ok(q, i, size):
                    continue
                for entry in entries:
                    for target in entry.expansions:
                        target = text.normalize(target)
                        reason = f"{entry.kind}:{entry.term}→{target}"
                        plan.add(target, entry.weight, reason)
                        for part in text.segment(target):
                            if part not in self.stopwords and len(part) > 1:
                                plan.add(part, entry.weight * 0.5, reason)
                    if entry.kind == "intent" and any(t in ("开办", "设立") for t in entry.expansions):
                        plan.event_intent = plan.event_intent or len(text.cjk_runs(q)) > 0
                covered.update(term)
                i += size - 1  # longest match wins: 狗狗上户口 is not also 上户口
                break
            i += 1
        return covered

    def _latin(self, q: str, plan: QueryPlan) -> None:
        for chunk in re.findall(r"[a-z0-9][a-z0-9 ']*", q):
            chunk = chunk.strip()
            words = text.latin_words(chunk)
            for word in words:
                stem = text.stem_en(word)
                if stem in self.df and word not in self.stopwords:
                    plan.add(stem, 0.8, "english")
            readings = self._pinyin_reading(chunk.replace(" ", ""), words)
            for word, weight, reason in readings:
                plan.add(word, weight, reason)
                for part in text.segment(word):
                    if len(part) > 1:
                        plan.add(part, weight * 0.6, reason)
            if readings and not plan.pinyin_text:
                plan.pinyin_text = "".join(w for w, _wt, _r in readings if _r == "pinyin") or readings[0][0]

    def _pinyin_reading(self, letters: str, words: list[str]) -> list[tuple[str, float, str]]:
        if not letters.isalpha() or len(letters) < 2:
            return []
        whole = self.by_pinyin.get(letters)
        if whole:
            return [(whole[0], 1.0, "pinyin")]
        pieces = _split_pinyin(letters, self.by_pinyin) if len(words) <= 1 else None
        if pieces is None and len(words) > 1:
            pieces = [w for w in words if w in self.by_pinyin] or None
            if pieces and len(pieces) != len(words):
                pieces = None
        if pieces:
            return [(self.by_pinyin[p][0], 0.9, "pinyin") for p in pieces]
        initials = self.by_initials.get(letters)
        if initials and len(letters) <= 6:
            return [(w, 0.8 / (k + 1), "initials") for k, w in enumerate(initials[:2])]
        return []

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        kind: str | None = None,
        audience: str | None = None,
        department: str | None = None,
        district: str | None = None,
    ) -> SearchResult:
        plan = self.plan(query)
        if not self.docs or not (plan.terms or (self.semantic is not None and plan.corrected)):
            return SearchResult(query=query, results=[], suggestion=None, total=0)
        scores = np.zeros(len(self.docs), dtype=np.float32)
        for term, weight in plan.terms.items():
            posting = self.postings.get(term)
            if posting is not None:
                scores[posting[0]] += weight * posting[1]
        if plan.event_intent and self.bundle_members:
            # A whole life or business event: a bundle is as relevant as the best service inside it.
            for b, members in self.bundle_members.items():
                best = max((scores[m] for m in members), default=0.0)
                scores[b] = max(scores[b], 0.5 * scores[b] + best)
        matched = np.flatnonzero(scores > 0)
        head = matched[np.argsort(-scores[matched], kind="stable")[: HEAD * 4]] if len(matched) else matched
        pool = head.tolist()
        if self.semantic is not None and len(pool) < MIN_LEXICAL:
            # Few or no words matched: let meaning find candidates the words missed.
            pool += [i for i in self.semantic.nearest(plan.corrected, SEMANTIC_RECALL) if i not in set(pool)]
        candidates = []
        for i in pool:
            doc = self.docs[i]
            if kind and doc.kind != kind:
                continue
            if audience and doc.audiences and audience not in doc.audiences:
                continue
            if department and doc.department_slug != department:
                continue
            if district and doc.districts and district not in doc.districts:
                continue
            candidates.append(i)
            if len(candidates) >= HEAD:
                break
        if not candidates:
            return SearchResult(query=query, results=[], suggestion=self._suggestion(plan, []), total=0)
        final = {i: float(scores[i]) * self._boost(i, plan) for i in candidates}
        if self.semantic is not None:
            sims = self.semantic(plan.corrected, candidates)
            top = max(final.values()) or 1.0
            final = {
                i: final[i] + SEMANTIC_WEIGHT * top * sim for i, sim in zip(candidates, sims, strict=True)
            }
        filtered = bool(kind or audience or department or district)
        total = len(candidates) if filtered or len(matched) < len(candidates) else int(len(matched))
        ranked = sorted(final, key=lambda i: -final[i])[:limit]
        hits = [self._hit(i, final[i], plan) for i in ranked]
        return SearchResult(query=query, results=hits, suggestion=self._suggestion(plan, hits), total=total)

    @staticmethod
    def _suggestion(plan: QueryPlan, hits: list[Hit]) -> str | None:
        if plan.corrections:
            return plan.corrected
        if plan.pinyin_text and hits:
            return plan.pinyin_text
        return None

    def _boost(self, i: int, plan: QueryPlan) -> float:
        doc, name = self.docs[i], self.name_norm[i]
        boost = 1.0
        if name == plan.corrected:
            boost *= 2.0
        elif len(name) >= 3 and name in plan.corrected:
            boost *= 1.4
        elif name in plan.terms:
            boost *= 1.25
        if doc.kind == "bundle" and plan.event_intent:
            boost *= BUNDLE_EVENT_BOOST
        if doc.kind == "faq":
            boost *= 0.7  # an answer helps, but the service itself comes first
        return boost

    def _hit(self, i: int, score: float, plan: QueryPlan) -> Hit:
        doc = self.docs[i]
        terms = self.doc_terms[i]
        reasons: list[str] = []
        shown: list[str] = []
        for term in plan.terms:
            if term in terms:
                reason = plan.reasons[term]
                shown.append(term)
                if reason == "bigram":
                    continue  # partial-word overlap: helps recall, explains nothing
                label = reason if ":" in reason else f"{reason}:{term}"
                if label not in reasons:
                    reasons.append(label)
        if not reasons:
            reasons.append("partial" if shown else "semantic")
        for wrong, right in plan.corrections:
            reasons.insert(0, f"typo:{wrong}→{right}")
        marked = text.highlight(doc.name, shown)
        if "<mark>" not in marked and doc.summary:
            marked = text.highlight(_snippet(doc.summary, shown), shown)
        return Hit(
            kind=doc.kind,
            code=doc.code,
            name=doc.name,
            department=doc.department,
            score=round(score, 4),
            highlight=marked,
            matched_by=reasons[:6],
        )

    def suggest(self, prefix: str, *, limit: int = 8) -> list[str]:
        """Names and everyday terms that start with ``prefix`` (Chinese or pinyin), then that contain it."""
        p = text.normalize(prefix)
        if not p:
            return []
        out: list[str] = []
        start = bisect.bisect_left(self.suggest_keys, (p, ""))
        for key, display in self.suggest_keys[start:]:
            if not key.startswith(p):
                break
            if display not in out:
                out.append(display)
            if len(out) >= limit:
                return out
        if text.cjk_runs(p):
            for key, display in self.suggest_keys:
                if p in key and display not in out:
                    out.append(display)
                    if len(out) >= limit:
                        break
        return out


def _keywords(raw: str) -> list[str]:
    return [k for k in re.split(r"[\s,，、;；]+", raw or "") if k]


def _doc_fields(doc: SearchDoc) -> dict[str, Counter[str]]:
    name_words = text.segment(doc.name)
    name_runs = text.cjk_runs(doc.name)
    keywords = _keywords(doc.keywords)
    return {
        "name": Counter(name_words + [r for r in name_runs if len(r) > 1]),
        "keywords": Counter(keywords + [w for k in keywords for w in text.segment(k)]),
        "name_en": Counter(text.stem_en(w) for w in text.latin_words(text.normalize(doc.name_en))),
        "summary": Counter(text.segment(doc.summary)),
        "body": Counter(text.segment(doc.body)),
        "name_bigram": Counter(bg for r in name_runs for bg in text.bigrams(r)),
    }


def _boundary_ok(q: str, start: int, size: int) -> bool:
    """Latin lexicon terms must match whole words ("id" is not inside "valid")."""
    if not q[start].isascii():
        return True
    before = q[start - 1] if start else " "
    after = q[start + size] if start + size < len(q) else " "
    return not (before.isalnum() and before.isascii()) and not (after.isalnum() and after.isascii())


def _split_pinyin(letters: str, known: dict[str, list[str]]) -> list[str] | None:
    """Split run-together pinyin into known words with the fewest pieces (dynamic programming)."""
    n = len(letters)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - 30), end):
            prev = best[start]
            piece = letters[start:end]
            current = best[end]
            if prev is not None and piece in known and (current is None or len(prev) + 1 < len(current)):
                best[end] = [*prev, piece]
    result = best[n]
    return result if result and len(result) <= 4 else None


def _snippet(summary: str, terms: list[str], width: int = 60) -> str:
    for term in terms:
        pos = summary.find(term)
        if pos >= 0:
            start = max(0, pos - 20)
            return ("…" if start else "") + summary[start : start + width]
    return summary[:width]
