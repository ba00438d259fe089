"""The BM25 part of the index (bm25s): English stop words removed, Snowball-stemmed.

BM25 statistics depend on the whole collection, so adding trials rebuilds it from the stored
chunk texts; that is seconds for a hundred thousand chunks, and no vector is re-embedded.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import numpy as np

STOPWORDS = "en"
STEMMER = "english"


@cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer(STEMMER)


def _tokens(texts: list[str], ids: bool):
    import bm25s

    return bm25s.tokenize(texts, stopwords=STOPWORDS, stemmer=_stemmer(), return_ids=ids, show_progress=False)


class Lexical:
    def __init__(self, retriever) -> None:
        self.retriever = retriever

    @classmethod
    def build(cls, texts: Iterable[str]) -> Lexical:
        import bm25s

        retriever = bm25s.BM25()
        retriever.index(_tokens(list(texts), ids=True), show_progress=False)
        return cls(retriever)

    @classmethod
    def load(cls, directory: Path) -> Lexical:
        import bm25s

        return cls(bm25s.BM25.load(str(directory), show_progress=False))

    def save(self, directory: Path) -> None:
        self.retriever.save(str(directory), show_progress=False)

    def search(self, query: str, k: int, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Up to ``k`` rows sharing a term with ``query`` as (row, BM25 score), best first."""
        vocab = self.retriever.vocab_dict
        terms = [t for t in _tokens([query], ids=False)[0] if t in vocab]
        if not terms:
            return []
        scores = self.retriever.get_scores(terms)
        if rows is not None:
            mask = np.zeros_like(scores)
            mask[rows] = 1
            scores = scores * mask
        k = min(k, int(np.count_nonzero(scores)))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top]
