"""The BM25 part of the index (bm25s): English stop words removed, Snowball-stemmed.

BM25 statistics depend on the whole collection, so adding trials rebuilds it from the stored
chunk texts; that is seconds for a hundred thousand chunks, and no vector is re-embedded.

bm25s builds its score matrix from every document's token ids at once (three passes over them),
and its own ``tokenize`` wants every text in a list and returns a Python list of ints per text:
about 36 bytes a token (a pointer and an int object), 0.7 kB a passage, plus the texts. So the
texts are tokenized here a batch at a time, with bm25s's own tokenizer, and the ids kept in one
int32 array (4 bytes a token); bm25s reads them through ``_Ragged``, one document's list at a
time. What bm25s then holds is its score matrix (12 bytes per distinct term of a passage, and a
transient copy while it sorts it into columns): that is the index itself, and grows with it.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import islice
from pathlib import Path

import numpy as np

STOPWORDS = "en"
STEMMER = "english"
TOKENIZE_BATCH = 4096  # texts tokenized at a time while building


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
        """BM25 over ``texts`` (document i is text i), read a batch at a time.

        The scores are bm25s's own over the same tokens; only the vocabulary's numbering differs
        (first use here, where bm25s numbers terms in set order, which changes from run to run).
        """
        import bm25s

        vocab: dict[str, int] = {}
        corpus = _Ragged()
        stream = iter(texts)
        while batch := list(islice(stream, TOKENIZE_BATCH)):
            for tokens in _tokens(batch, ids=False):
                corpus.append([vocab.setdefault(token, len(vocab)) for token in tokens])
        retriever = bm25s.BM25()
        retriever.index(bm25s.tokenization.Tokenized(ids=corpus, vocab=vocab), show_progress=False)
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


class _Ragged:
    """Token ids of every document in one int32 array, with offsets: a list of lists to bm25s,
    which only takes ``len`` and iterates, at 4 bytes a token rather than about 36."""

    def __init__(self) -> None:
        self.ids = array("i")
        self.ends = array("q")

    def append(self, ids: list[int]) -> None:
        self.ids.extend(ids)
        self.ends.append(len(self.ids))

    def __len__(self) -> int:
        return len(self.ends)

    def __iter__(self) -> Iterator[list[int]]:
        start = 0
        for end in self.ends:
            yield self.ids[start:end].tolist()
            start = end
