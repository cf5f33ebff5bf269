"""The engine as deployed: with the offline embedding model blended in (``tongban.search.semantic``).

Seed documents are embedded for real (vectors cached under ``var/search/`` so repeated runs are warm;
the first build reports the cold cost). Synthetic documents of the scale test get the vector of the seed
document they imitate plus a little noise: the matrix then has the real size and the real cost per
query, without spending minutes embedding text that exists only for the benchmark.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from tongban.search import semantic
from tongban.search.engine import SearchEngine
from tongban.search.types import LexEntry, SearchDoc

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "var" / "search" / "bench-e5-vectors.npz"


def available() -> bool:
    return semantic.load_model() is not None


class SemanticEngine:
    @staticmethod
    def build(docs: Iterable[SearchDoc], lexicon: Iterable[LexEntry]) -> SearchEngine:
        docs = list(docs)
        model = semantic.load_model()
        real = [d for d in docs if not d.code.startswith("SYN")]
        store = semantic.VectorCache(CACHE)
        semantic.embed_missing(model, real, store)
        vectors, _missing = semantic.matrix_for(real, store, int(model.dim))
        by_code = {d.code: v for d, v in zip(real, vectors, strict=True)}
        if len(real) == len(docs):
            matrix = vectors
        else:
            rng = np.random.default_rng(7)
            pool = np.stack(list(by_code.values()))
            matrix = np.empty((len(docs), pool.shape[1]), dtype=np.float32)
            for i, doc in enumerate(docs):
                vector = by_code.get(doc.code)
                if vector is None:
                    vector = pool[i % len(pool)] + rng.normal(0, 0.02, pool.shape[1]).astype(np.float32)
                    vector /= np.linalg.norm(vector)
                matrix[i] = vector
        return SearchEngine.build(docs, lexicon, semantic=semantic.Semantic(model, matrix))
