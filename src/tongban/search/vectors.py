"""Document vectors in the database, so every web process and worker shares them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tongban.search.models import DocumentVector


class DatabaseVectorStore:
    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            for key, blob in DocumentVector.objects.filter(key__in=unique[start : start + 500]).values_list(
                "key", "vector"
            ):
                found[key] = np.frombuffer(bytes(blob), dtype=np.float32)
        return found

    def put_many(self, vectors: dict[str, np.ndarray]) -> None:
        DocumentVector.objects.bulk_create(
            [
                DocumentVector(key=k, vector=np.asarray(v, dtype=np.float32).tobytes())
                for k, v in vectors.items()
            ],
            ignore_conflicts=True,  # another worker embedded the same text meanwhile: same vector
        )
