"""The dense index of a collection too large to hold: FAISS IVF with its inverted lists on disk.

Flat and HNSW indexes are built and searched whole in memory (HNSW: 1.8 kB a chunk at 384
dimensions, about 17 GiB for the registry's 10 million chunks). Above ``dense.IVF_LIMIT`` chunks the
build makes an ``IndexIVFFlat`` instead: a k-means quantizer of ``lists(n)`` centroids, trained on a
fixed-size sample, and inverted lists holding each vector (uncompressed, so scores are exact
cosines) and its row. The lists are a file beside the index, ``dense.ivfdata``, in the layout of
FAISS's ``OnDiskInvertedLists`` (list after list, each its vectors then its rows' ids), which FAISS
memory-maps to search: a query reads the ``NPROBE`` lists nearest to it, not the collection.

The file is written here with plain positioned writes from the build's vectors file, not through
FAISS's memory map (``merge_ondisk``): pages written through a map stay in the process's resident
set until it is unmapped, so a build would hold as much as the file. What memory the build holds
is the training sample (``TRAIN_BYTES``), one block of vectors, the centroids, and each new
chunk's list (4 bytes a chunk) until the lists are written.

Filtered search reads the passing rows' vectors where they lie, as it does in a flat or HNSW
index (``dense._exact``): each list starts on a whole vector's boundary in the file (its rows'
ids padded to one), so the file is an array of vectors, and ``dense.rows`` (8 bytes a chunk,
also memory-mapped) gives each row's place in it.

An ``add`` to such an index keeps its quantizer and rewrites the lists: each old list is copied
(``copy_file_range``, no copy through memory), then the new chunks are appended to their lists.
"""

from __future__ import annotations

import math
import os
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import faiss

#: The training sample's size in bytes (65,536 vectors at 384 dimensions): fixed, so the build's
#: memory does not grow with the collection.
TRAIN_BYTES = 96 * 2**20
#: FAISS asks for 39 training points a centroid by default (and prints a warning on stderr below
#: that); 16 lets the sample train up to 4,096 lists at 384 dimensions.
MIN_POINTS = 16
#: Lists searched a query. On 32,388 real passages (MiniLM) and 284 real queries, recall@10 against
#: exact search was 0.965, 0.952 and 0.944 at 32 of 512, 1,024 and 2,048 lists, and 0.984, 0.981
#: and 0.970 at 64 (docs/scale.md): 64 keeps it above 0.95 as the lists multiply with the collection.
NPROBE = 64
BLOCK = 16_384  # vectors read from the vectors file at a time
SEED = 0

#: An index ``attach`` opened -> its lists' file as an array of vectors, and each row's place in it
#: (FAISS's objects take no attributes of ours; the maps go when the index does).
_MAPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def lists(chunks: int, dimension: int) -> int:
    """Centroids for ``chunks`` vectors: the power of two nearest 4 sqrt(chunks) (FAISS's guideline
    is 4 to 16 sqrt), at most what the training sample can train with ``MIN_POINTS`` each."""
    sample = min(chunks, TRAIN_BYTES // (4 * dimension))
    wanted = 2 ** round(math.log2(max(1.0, 4 * math.sqrt(chunks))))
    return max(1, min(wanted, 2 ** int(math.log2(max(1, sample // MIN_POINTS)))))


def build(index_path: Path, vectors: Path, count: int, dimension: int, base: faiss.IndexIVFFlat | None = None) -> None:
    """Write an IVF index of ``base``'s vectors (if any) and the ``count`` vectors of the float32 file
    ``vectors`` (rows ``base.ntotal`` on) to ``index_path`` and its lists' and rows' files beside it."""
    import faiss

    first = base.ntotal if base is not None else 0
    index = _trained(vectors, count, dimension) if base is None else _empty_like(base)
    nlist, code_size = index.nlist, index.code_size
    assigned = np.empty(count, dtype=np.int32)
    for start, block in _blocks(vectors, count, dimension):
        assigned[start : start + len(block)] = index.quantizer.assign(block, 1).reshape(-1)
    old = np.zeros(nlist, dtype=np.int64) if base is None else _sizes(base)
    sizes = old + np.bincount(assigned, minlength=nlist)
    starts = _starts(sizes, code_size)
    out = os.open(data_path(index_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.ftruncate(out, int(starts[-1]) * code_size)
        with rows_path(index_path).open("wb") as rows:
            if base is not None:
                _copy_lists(base, old, sizes, starts, out, rows)
            filled = old.copy()
            for start, block in _blocks(vectors, count, dimension):
                rows.write(
                    _append(block, first + start, assigned[start : start + len(block)], filled, sizes, starts, out)
                )
    finally:
        os.close(out)
    table = faiss.OnDiskOneListVector()
    for number in range(nlist):
        entry = faiss.OnDiskOneList()
        entry.size = entry.capacity = int(sizes[number])
        entry.offset = int(starts[number]) * code_size
        table.push_back(entry)
    invlists = faiss.OnDiskInvertedLists(nlist, code_size, data_path(index_path).name)
    invlists.lists = table
    invlists.totsize = int(starts[-1]) * code_size
    index.replace_invlists(invlists, True)
    invlists.this.disown()
    index.ntotal = first + count
    faiss.write_index(index, str(index_path))


def data_path(index_path: Path) -> Path:
    """The inverted lists' file of the index at ``index_path`` (``dense.faiss`` -> ``dense.ivfdata``)."""
    return index_path.with_suffix(".ivfdata")


def rows_path(index_path: Path) -> Path:
    """Each row's place in the lists' file, in vectors (int64): ``dense.rows``."""
    return index_path.with_suffix(".rows")


def attach(index: faiss.Index, index_path: Path) -> faiss.Index:
    """``index``, read without its lists (``IO_FLAG_SKIP_IVF_DATA``), with its lists' file beside
    ``index_path`` mapped read-only for FAISS, and for exact search as an array of vectors with
    each row's place in it (``dense.rows``). The index file names the lists' file by its bare name,
    not a path, so a generation can be renamed (``store.commit``)."""
    import faiss

    invlists = faiss.downcast_InvertedLists(faiss.extract_index_ivf(index).invlists)
    invlists.filename = str(data_path(index_path))
    invlists.read_only = True
    invlists.prefetch_nthread = 0  # the lists are read where they lie; no threads started per query
    invlists.do_mmap()
    stored = np.memmap(data_path(index_path), dtype=np.float32, mode="r").reshape(-1, index.d)
    places = np.memmap(rows_path(index_path), dtype=np.int64, mode="r")
    if len(places) != index.ntotal:
        raise ValueError(f"{rows_path(index_path)} does not hold {index.ntotal} rows")
    _MAPS[index] = stored, places
    return index


def params(
    index: faiss.Index, k: int, selector: faiss.IDSelector | None = None, every: bool = False
) -> faiss.SearchParametersIVF:
    """Search parameters: ``NPROBE`` lists, or enough to hold twice ``k`` rows on average (as HNSW's
    efSearch grows with k), or ``every`` list; only rows ``selector`` passes if given."""
    import faiss

    nlist = faiss.extract_index_ivf(index).nlist
    nprobe = nlist if every else min(nlist, max(NPROBE, math.ceil(2 * k * nlist / max(1, index.ntotal))))
    if selector is None:
        return faiss.SearchParametersIVF(nprobe=nprobe)
    return faiss.SearchParametersIVF(nprobe=nprobe, sel=selector)


def exact(index: faiss.Index, query: np.ndarray, k: int, rows: np.ndarray) -> list[tuple[int, float]]:
    """Exact top ``k`` among ``rows``, reading their vectors in place in the lists' file (FAISS's
    ``knn_inner_products_by_idx``, as for a flat or HNSW index); best first, ties by row."""
    import faiss

    stored, where = _MAPS[index]
    places = np.ascontiguousarray(where[rows])
    scores = np.empty(k, dtype=np.float32)
    found = np.empty(k, dtype=np.int64)
    faiss.knn_inner_products_by_idx(
        faiss.swig_ptr(query),
        faiss.swig_ptr(stored),
        faiss.swig_ptr(places),
        index.d,
        1,
        len(stored),
        len(places),
        k,
        faiss.swig_ptr(scores),
        faiss.swig_ptr(found),
    )
    picked = np.isin(places, found)  # the k found, among the passing rows (a pass, not a sort)
    row_of = dict(zip(places[picked].tolist(), rows[picked].tolist(), strict=True))
    hits = [(row_of[int(p)], float(s)) for p, s in zip(found, scores, strict=True)]
    return sorted(hits, key=lambda hit: (-hit[1], hit[0]))


def vectors_of(index: faiss.Index, rows: np.ndarray) -> np.ndarray:
    """The stored vectors of ``rows`` of an index ``attach`` opened."""
    stored, where = _MAPS[index]
    return np.asarray(stored[where[rows]])


def _starts(sizes: np.ndarray, code_size: int) -> np.ndarray:
    """Where each list starts in the file, in vectors, and (last) the file's length: a list is its
    vectors then its rows' ids (8 bytes each), padded to a whole vector."""
    room = sizes + -(-(sizes * 8) // code_size)
    return np.concatenate([[0], np.cumsum(room)]).astype(np.int64)


def _trained(vectors: Path, count: int, dimension: int) -> faiss.IndexIVFFlat:
    """An empty IVF index, its quantizer trained (FAISS's spherical k-means for inner product) on a
    sample of at most ``TRAIN_BYTES`` of the vectors, drawn with a fixed seed."""
    import faiss

    nlist = lists(count, dimension)
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimension), dimension, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.min_points_per_centroid = MIN_POINTS
    index.nprobe = min(NPROBE, nlist)
    size = min(count, TRAIN_BYTES // (4 * dimension))
    chosen = np.sort(np.random.default_rng(SEED).choice(count, size, replace=False))
    sample = np.empty((size, dimension), dtype=np.float32)
    taken = 0
    for start, block in _blocks(vectors, count, dimension):
        mine = chosen[(chosen >= start) & (chosen < start + len(block))] - start
        sample[taken : taken + len(mine)] = block[mine]
        taken += len(mine)
    index.train(sample)
    return index


def _empty_like(base: faiss.IndexIVFFlat) -> faiss.IndexIVFFlat:
    """An empty IVF index with ``base``'s quantizer (its centroids copied)."""
    import faiss

    quantizer = faiss.IndexFlatIP(base.d)
    quantizer.add(base.quantizer.reconstruct_n(0, base.nlist))
    index = faiss.IndexIVFFlat(quantizer, base.d, base.nlist, faiss.METRIC_INNER_PRODUCT)
    index.nprobe = base.nprobe
    index.is_trained = True
    return index


def _sizes(index: faiss.IndexIVFFlat) -> np.ndarray:
    invlists = index.invlists
    return np.array([invlists.list_size(i) for i in range(index.nlist)], dtype=np.int64)


def _copy_lists(
    base: faiss.IndexIVFFlat, old: np.ndarray, sizes: np.ndarray, starts: np.ndarray, out: int, rows
) -> None:
    """Each of ``base``'s lists into its place in ``out`` (``copy_file_range``: through no buffer of
    ours), and ``base``'s rows' places, moved with their lists, to ``rows``, a block at a time."""
    import faiss

    code_size = base.code_size
    was = _starts(old, code_size)
    invlists = faiss.downcast_InvertedLists(base.invlists)
    if int(was[-1]) * code_size != invlists.totsize:
        raise ValueError(f"{invlists.filename}: the lists are not laid out as ondisk.build lays them out")
    source = os.open(invlists.filename, os.O_RDONLY)
    try:
        for number in np.flatnonzero(old):
            _copy(source, out, old[number] * code_size, was[number] * code_size, starts[number] * code_size)
            ids_at = (was[number] + old[number]) * code_size
            _copy(source, out, old[number] * 8, ids_at, (starts[number] + sizes[number]) * code_size)
    finally:
        os.close(source)
    where = _MAPS[base][1]
    for begin in range(0, base.ntotal, BLOCK):
        place = np.asarray(where[begin : begin + BLOCK])
        number = np.searchsorted(was, place, side="right") - 1  # an empty list starts where the next does
        rows.write((place - was[number] + starts[number]).astype(np.int64).tobytes())


def _copy(source: int, out: int, size: int, at: int, to: int) -> None:
    size, at, to = int(size), int(at), int(to)
    while size:
        done = os.copy_file_range(source, out, size, at, to)
        if not done:
            raise OSError(f"copying inverted lists: nothing copied at {at}")
        size, at, to = size - done, at + done, to + done


def _append(
    block: np.ndarray,
    first: int,
    mine: np.ndarray,
    filled: np.ndarray,
    sizes: np.ndarray,
    starts: np.ndarray,
    out: int,
) -> bytes:
    """The vectors of ``block`` (rows ``first`` on, in lists ``mine``) written at the ends of their
    lists, a list's run at a time, in row order within each list; their places, in row order."""
    code_size = block.shape[1] * 4
    order = np.argsort(mine, kind="stable")
    numbers, begins = np.unique(mine[order], return_index=True)
    places = np.empty(len(block), dtype=np.int64)
    for number, begin, end in zip(numbers, begins, [*begins[1:], len(order)], strict=True):
        picked = order[begin:end]
        at = int(filled[number])
        os.pwrite(out, block[picked].tobytes(), int(starts[number] + at) * code_size)
        ids = (picked + first).astype(np.int64)
        os.pwrite(out, ids.tobytes(), int(starts[number] + sizes[number]) * code_size + at * 8)
        places[picked] = starts[number] + at + np.arange(len(picked))
        filled[number] += len(picked)
    return places.tobytes()


def _blocks(vectors: Path, count: int, dimension: int):
    """(first row, vectors) of the file, ``BLOCK`` rows at a time."""
    with vectors.open("rb") as stream:
        for start in range(0, count, BLOCK):
            size = min(BLOCK, count - start)
            block = np.fromfile(stream, dtype=np.float32, count=size * dimension)
            yield start, block.reshape(size, dimension)
