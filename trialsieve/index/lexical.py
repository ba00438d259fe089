"""The BM25 part of the index (bm25s): English stop words removed, Snowball-stemmed.

BM25 statistics depend on the whole collection, so adding trials rebuilds it from the stored
chunk texts; no vector is re-embedded.

bm25s builds its score matrix in memory from every document's token ids at once: about 0.45 kB a
passage at its peak here (the ids, the matrix, and a copy while it sorts it into columns), 4 GiB
for the registry's ten million passages. So ``write`` builds the same matrix a shard at a time, in
two passes, with memory bounded by a shard and the vocabulary rather than by the collection:

1. The texts are tokenized (bm25s's own tokenizer) ``SHARD`` passages at a time, rows
   [k SHARD, (k+1) SHARD), the build's embedding slices eight at a time. Each shard's (term,
   passage, term frequency, passage length) entries, sorted by term then passage, are appended to
   files in ``SHARDS`` inside the BM25 folder; only the vocabulary, each term's document frequency
   and the token count are kept in memory.
2. A score needs the whole collection's statistics (document frequencies, mean length), known
   now. The matrix is written column (term) by column, ``MERGE_BLOCK`` entries at a time: each
   shard's entries for those terms are read back, scored with bm25s's Lucene BM25 formulas, put in
   (term, shard, passage) order, which is the order of bm25s's matrix, and appended.

The files are bm25s's: ``bm25s.BM25.load`` reads them, and every array is the one bm25s would
build from the same texts (a test compares them), so the scores are bm25s's. The vocabulary is
numbered in order of first use (bm25s numbers it in set order, which changes from run to run).
Searching maps the matrix (``mmap``) rather than loading it: a query reads its terms' columns and
scores only the passages in them (``Lexical.search``).
"""

from __future__ import annotations

import json
import math
import shutil
from array import array
from collections.abc import Iterable
from functools import cache
from itertools import islice
from pathlib import Path
from typing import BinaryIO

import numpy as np

STOPWORDS = "en"
STEMMER = "english"
TOKENIZE_BATCH = 4096  # texts tokenized at a time while building
SHARD = 32_768  # passages counted at a time (pass 1): eight of the build's embedding slices
DENSE_SHARE = 8  # searching: a score for every passage once the query's columns hold over 1/8 of them
MERGE_BLOCK = 1 << 18  # entries of the matrix scored and written at a time (pass 2)
SHARDS = "shards.partial"  # pass 1's files, inside the BM25 folder until the matrix is written
FIELDS = ("cols", "rows", "tf", "lengths")  # an entry: term, passage (row), term frequency, passage length
# bm25s's file names (``BM25.save``), which ``BM25.load`` reads
DATA, INDICES, INDPTR = "data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy"
VOCAB, PARAMS = "vocab.index.json", "params.index.json"


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
    def load(cls, directory: Path) -> Lexical:
        """The index in ``directory``, its matrix mapped, not read: a query reads its terms' columns."""
        import bm25s

        return cls(bm25s.BM25.load(str(directory), mmap=True, show_progress=False))

    def search(self, query: str, k: int, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Up to ``k`` rows sharing a term with ``query`` (and in ``rows``, ascending, when given) as
        (row, BM25 score), best first, ties by row.

        Only the columns of the query's terms are read and only the rows in them scored, so a query
        costs the entries of its terms' columns, not the collection's size (past ``DENSE_SHARE``, the
        columns are added up in a vector of every passage, as bm25s does, which is then cheaper). The
        scores are bm25s's ``get_scores``: each query term's column added once per occurrence of the
        term, in the query's order, in float32, so the same float32 sums. Every entry is positive
        (Lucene's idf and term weight are), so the rows scored are those ``get_scores`` scores above 0."""
        vocab = self.retriever.vocab_dict
        matrix = self.retriever.scores
        indptr, indices, data = matrix["indptr"], matrix["indices"], matrix["data"]
        columns = len(indptr) - 1  # bm25s's empty token is numbered after the columns: it has none
        terms = [vocab[t] for t in _tokens([query], ids=False)[0] if t in vocab and vocab[t] < columns]
        if not terms or k <= 0:
            return []
        spans = [(int(indptr[t]), int(indptr[t + 1])) for t in terms]
        hits = np.concatenate([indices[lo:hi] for lo, hi in spans])
        if len(hits) * DENSE_SHARE < matrix["num_docs"]:  # few passages: score only them
            found, slots = _union(hits)
            scores = np.zeros(len(found), dtype=data.dtype)
        else:  # terms in a large share of the passages: a score a passage is cheaper than the sort
            found, slots = None, hits
            scores = np.zeros(matrix["num_docs"], dtype=data.dtype)
        at = 0
        for lo, hi in spans:  # a column holds a row once, so ``+=`` adds each of its entries
            scores[slots[at : at + hi - lo]] += data[lo:hi]
            at += hi - lo
        if found is None:
            found = np.flatnonzero(scores)
            scores = scores[found]
        if rows is not None:
            kept = np.isin(found, rows)
            found, scores = found[kept], scores[kept]
        best = _best(scores, k)
        return list(zip(found[best].tolist(), scores[best].tolist(), strict=True))


def _union(hits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``hits`` (columns one after the other, each ascending), ascending, and the
    position of each hit among them (numpy's stable sort makes use of the columns' ascending runs)."""
    order = np.argsort(hits, kind="stable")
    ordered = hits[order]
    first = np.ones(len(hits), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    slots = np.empty(len(hits), dtype=np.intp)
    slots[order] = np.cumsum(first) - 1
    return ordered[first], slots


def _best(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest ``scores``, highest first, equal scores in position order (the
    rows are ascending, so ties go by row): all scores above the k-th, then as many equal to it as
    fit, lowest positions first, so which tied rows make the cut does not depend on the sort."""
    if len(scores) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        above = np.flatnonzero(scores > kth)
        level = np.flatnonzero(scores == kth)[: k - len(above)]
        picked = np.concatenate([above, level])
    else:
        picked = np.arange(len(scores))
    return picked[np.lexsort((picked, -scores[picked]))]


def write(texts: Iterable[str], directory: Path) -> int:
    """BM25 over ``texts`` (document i is text i), written to ``directory`` as bm25s saves an index,
    a shard at a time (module docstring); the number of documents. Pass 1's files are removed
    whatever happens; the caller publishes ``directory`` whole or not at all (``store.commit``)."""
    import bm25s

    defaults = bm25s.BM25()  # the index's parameters are bm25s's defaults, as when bm25s built it
    if (defaults.method, defaults.idf_method) != ("lucene", "lucene"):
        raise RuntimeError(f"bm25s's default BM25 is {defaults.method!r}; this build scores Lucene's")
    directory.mkdir(parents=True, exist_ok=True)
    scratch = directory / SHARDS
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        counts = _Counts(scratch)
        with counts:
            stream = iter(texts)
            shard = _Ragged()
            while batch := list(islice(stream, min(TOKENIZE_BATCH, SHARD - len(shard)))):
                for tokens in _tokens(batch, ids=False):
                    shard.append([counts.vocab.setdefault(token, len(counts.vocab)) for token in tokens])
                if len(shard) == SHARD:
                    counts.add(shard)
                    shard = _Ragged()
            counts.add(shard)
        _write_matrix(counts, directory, defaults.k1, defaults.b)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    vocab = counts.vocab
    vocab.setdefault("", len(vocab))  # bm25s's empty token, numbered after the rest, as it does
    (directory / VOCAB).write_text(json.dumps(vocab, ensure_ascii=False, separators=(",", ":")), "utf-8")
    params = {name: getattr(defaults, name) for name in ("k1", "b", "delta", "method", "idf_method")}
    params |= {"dtype": defaults.dtype, "int_dtype": defaults.int_dtype, "num_docs": counts.docs}
    params |= {"version": bm25s.__version__, "backend": defaults.backend}
    (directory / PARAMS).write_text(json.dumps(params, indent=4), "utf-8")
    return counts.docs


class _Counts:
    """Pass 1: each shard's entries (``FIELDS``), sorted by term then passage, appended to one file
    a field; kept in memory, each term's document frequency, the token count and the vocabulary."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files = {name: (folder / name).open("wb") for name in FIELDS}
        self.starts = [0]  # entries before each shard, and in all at the end
        self.vocab: dict[str, int] = {}
        self.df = np.zeros(0, dtype=np.int64)
        self.docs = self.tokens = 0

    def __enter__(self) -> _Counts:
        return self

    def __exit__(self, *exc) -> None:
        for stream in self.files.values():
            stream.close()

    def add(self, shard: _Ragged) -> None:
        if not len(shard):
            return
        ends = np.frombuffer(shard.ends, dtype=np.int64)
        lengths = np.diff(ends, prepend=0)
        ids = np.frombuffer(shard.ids, dtype=np.int32).astype(np.int64)
        passage = np.repeat(np.arange(len(shard), dtype=np.int64), lengths)
        keys, tf = np.unique((ids << 32) | passage, return_counts=True)  # one per (term, passage), sorted
        cols, passage = keys >> 32, keys & 0xFFFFFFFF
        self.df = np.concatenate([self.df, np.zeros(len(self.vocab) - len(self.df), dtype=np.int64)])
        self.df += np.bincount(cols, minlength=len(self.df))
        entry = {"cols": cols, "rows": passage + self.docs, "tf": tf, "lengths": lengths[passage]}
        for name in FIELDS:
            entry[name].astype(np.int32).tofile(self.files[name])
        self.starts.append(self.starts[-1] + len(keys))
        self.docs += len(shard)
        self.tokens += int(ends[-1])


def _write_matrix(counts: _Counts, directory: Path, k1: float, b: float) -> None:
    """Pass 2: bm25s's score matrix (CSC: a column a term, its passages in order) from pass 1's files,
    ``MERGE_BLOCK`` entries at a time; a term with more entries than that is written a shard at a time."""
    n = counts.docs
    average = np.float64(counts.tokens) / n if n else np.float64(0)  # as numpy's mean of the lengths
    # bm25s's Lucene idf, a term at a time in Python floats, as bm25s computes it
    idf = np.array([math.log(1 + (n - df + 0.5) / (df + 0.5)) for df in counts.df.tolist()], dtype=np.float32)
    indptr = np.zeros(len(counts.df) + 1, dtype=np.int64)
    np.cumsum(counts.df, out=indptr[1:])
    np.save(directory / INDPTR, indptr)
    starts = _blocks(indptr)
    offsets = _offsets(counts, starts)

    def scored(entry: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """bm25s's Lucene score of each entry (``_score_tfc_lucene`` times idf, the same operations
        in the same order, so the same float32)."""
        tf = entry["tf"].astype(np.float32)
        tfc = tf / (k1 * ((1 - b) + b * entry["lengths"] / average) + tf)
        return (idf[entry["cols"]] * tfc).astype(np.float32), entry["rows"]

    sources = {name: (counts.folder / name).open("rb") for name in FIELDS}
    written = 0
    try:
        with (
            _npy(directory / DATA, np.float32, int(indptr[-1])) as data,
            _npy(directory / INDICES, np.int32, int(indptr[-1])) as indices,
        ):
            for block in range(len(starts) - 1):
                pieces = [_read(sources, lo, hi) for lo, hi in offsets[:, block : block + 2].tolist() if hi > lo]
                if starts[block + 1] - starts[block] > 1 and pieces:  # several terms: into term order
                    entry = {name: np.concatenate([p[name] for p in pieces]) for name in FIELDS}
                    order = np.argsort(entry["cols"], kind="stable")  # stable: shards, so passages, stay in order
                    pieces = [{name: column[order] for name, column in entry.items()}]
                for piece in pieces:  # one term: its shards' entries are already in passage order
                    scores, rows = scored(piece)
                    scores.tofile(data)
                    rows.tofile(indices)
                    written += len(rows)
    finally:
        for stream in sources.values():
            stream.close()
    if written != indptr[-1]:
        raise RuntimeError(f"BM25 wrote {written} of {indptr[-1]} entries")


def _blocks(indptr: np.ndarray) -> np.ndarray:
    """The first term of each block of terms holding at most ``MERGE_BLOCK`` entries (or one term),
    and the number of terms at the end."""
    starts = [0]
    while starts[-1] < len(indptr) - 1:
        first = starts[-1]
        end = int(np.searchsorted(indptr, indptr[first] + MERGE_BLOCK, side="right")) - 1
        starts.append(min(len(indptr) - 1, max(end, first + 1)))
    return np.array(starts, dtype=np.int64)


def _offsets(counts: _Counts, starts: np.ndarray) -> np.ndarray:
    """Where each block's entries begin in each shard (shards x blocks + 1): the shard's start plus its
    entries of earlier terms, counted from its sorted ``cols`` read ``MERGE_BLOCK`` at a time."""
    offsets = np.empty((len(counts.starts) - 1, len(starts)), dtype=np.int64)
    with (counts.folder / "cols").open("rb") as cols:
        for shard, (lo, hi) in enumerate(zip(counts.starts, counts.starts[1:], strict=False)):
            below = np.zeros(len(starts), dtype=np.int64)
            cols.seek(lo * 4)
            for at in range(lo, hi, MERGE_BLOCK):
                below += np.searchsorted(np.fromfile(cols, np.int32, min(MERGE_BLOCK, hi - at)), starts)
            offsets[shard] = lo + below
    return offsets


def _read(sources: dict[str, BinaryIO], lo: int, hi: int) -> dict[str, np.ndarray]:
    """Entries ``lo`` to ``hi`` of pass 1's files (read, not mapped: pages read through a map would stay
    in the process's resident set)."""
    entry = {}
    for name, stream in sources.items():
        stream.seek(lo * 4)
        entry[name] = np.fromfile(stream, np.int32, hi - lo)
    return entry


def _npy(path: Path, dtype, length: int) -> BinaryIO:
    """``path`` opened for writing a one-dimensional ``.npy`` array of ``length``, its header written:
    the array is then appended as raw bytes, a block at a time."""
    from numpy.lib import format as npy

    stream = path.open("wb")
    npy.write_array_header_1_0(
        stream, {"descr": npy.dtype_to_descr(np.dtype(dtype)), "fortran_order": False, "shape": (length,)}
    )
    return stream


class _Ragged:
    """A shard's token ids in one int32 array, with offsets: 4 bytes a token rather than about 36 in a
    list of lists of Python ints (what bm25s's tokenizer returns)."""

    def __init__(self) -> None:
        self.ids = array("i")
        self.ends = array("q")

    def append(self, ids: list[int]) -> None:
        self.ids.extend(ids)
        self.ends.append(len(self.ids))

    def __len__(self) -> int:
        return len(self.ends)
