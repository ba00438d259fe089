"""Index speed and size: embedding throughput, build time, search latency, memory per million chunks.

python benchmarks/index_speed.py [--sizes 10000,100000,1000000] [--hnsw-up-to 1000000] [--parts filtered]

Targets on 2 cores: FAISS search alone p50 under 5 ms at 100k chunks; an end-to-end hybrid query
(query embedding, BM25, FAISS, fusion, metadata) p50 under 50 ms.

1. Real: the bundled trials (data/trials) are indexed with all-MiniLM-L6-v2.
2. FAISS alone, on synthetic clustered unit vectors (384 dimensions) at each size, flat, HNSW and
   IVF with its lists on disk (what a build makes above ``dense.IVF_LIMIT`` chunks), with recall@10
   against the exact answer.
3. End to end at 100k chunks: the bundled trials copied under new ids until the index holds
   100k chunks. Their texts repeat, so each distinct text is embedded once and its vector reused
   (embedding speed is part 1's business); queries are the TrialGPT patient notes, each embedded
   afresh.
4. Filtered FAISS at 100k chunks (HNSW, and IVF with its lists on disk, which a build makes at this
   size; the synthetic vectors of part 2): filters passing 1 to 60,000 chunks, as runs of
   consecutive rows (a trial's chunks) and scattered (status, phase): results per query against
   min(k, passing), and latency (target p50 under 5 ms; and the CPU time of the searching thread,
   which depends less on other work on the machine). "filter alone" is FAISS's filtered search
   (HNSW's graph, IVF's probed lists) without the exact fallback, as the HNSW index searched before.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from trialsieve.extract.ingest import read_inputs
from trialsieve.index import dense, ondisk
from trialsieve.index.build import build
from trialsieve.index.chunks import chunk_trial
from trialsieve.index.embeddings import Embedder
from trialsieve.index.search import TrialIndex

ROOT = Path(__file__).resolve().parent.parent
DIMENSION = 384
PARTS = ("real", "end-to-end", "faiss", "filtered")


def percentiles(seconds: list[float]) -> str:
    p50, p95 = np.percentile(np.array(seconds) * 1000, [50, 95])
    return f"p50 {p50:.2f} ms, p95 {p95:.2f} ms"


def real_build(embedder: Embedder, scratch: Path) -> None:
    trials, _ = read_inputs([str(ROOT / "data" / "trials")])
    chunks = sum(len(chunk_trial(t)) for t in trials)
    start = time.perf_counter()
    build(scratch / "real", trials, embedder, progress=False)
    took = time.perf_counter() - start
    print(f"bundled trials: {len(trials)} trials, {chunks} chunks, build {took:.1f} s ({chunks / took:.0f} chunks/s)")


def sampler(rng: np.random.Generator):
    """Unit vectors around 2,000 topics (a centre plus noise as large): text embeddings cluster too.

    Uniform random vectors would make every neighbour a near-tie and recall meaningless.
    """
    centres = rng.standard_normal((2000, DIMENSION), dtype=np.float32)

    def sample(count: int) -> np.ndarray:
        x = centres[rng.integers(0, len(centres), count)] + rng.standard_normal((count, DIMENSION), dtype=np.float32)
        return x / np.linalg.norm(x, axis=1, keepdims=True)

    return sample


def on_disk(vectors: np.ndarray, scratch: Path) -> tuple:
    """An IVF index of ``vectors`` with its lists on disk, built as ``index build`` builds one; and
    its size on disk in bytes (index file and lists)."""
    vectors.tofile(scratch / "vectors.f32")
    ondisk.build(scratch / "dense.faiss", scratch / "vectors.f32", len(vectors), vectors.shape[1])
    (scratch / "vectors.f32").unlink()
    size = sum(p.stat().st_size for p in (scratch / "dense.faiss", ondisk.data_path(scratch / "dense.faiss")))
    return dense.read(scratch / "dense.faiss"), size


def faiss_alone(sizes: list[int], hnsw_up_to: int, scratch: Path) -> None:
    import faiss

    sample = sampler(np.random.default_rng(0))
    queries = sample(200)
    for size in sizes:
        vectors = sample(size)
        kinds = ["flat"] + (["hnsw"] if size <= hnsw_up_to else []) + ["ivf"]
        exact: list[set[int]] = []
        for kind in kinds:
            start = time.perf_counter()
            if kind == "ivf":
                index, stored = on_disk(vectors, scratch)
            else:
                index = dense.create(DIMENSION, kind)
                index.add(vectors)
                stored = faiss.serialize_index(index).nbytes
            built = time.perf_counter() - start
            times, found = [], []
            for query in queries:
                start = time.perf_counter()
                hits = dense.search(index, query, 10)
                times.append(time.perf_counter() - start)
                found.append({row for row, _ in hits})
            exact = exact or found
            recall = np.mean([len(f & e) / 10 for f, e in zip(found, exact, strict=True)])
            per_million = stored / size * 1e6 / 2**30
            print(
                f"FAISS {kind:4} {size:>9,} chunks: add {built:6.1f} s, search {percentiles(times)}, "
                f"recall@10 vs exact {recall:.3f}, {per_million:.2f} GiB per million chunks"
            )
        del vectors


class _Reuse:
    """An embedder that embeds each distinct text once (texts repeat in the copied trials)."""

    def __init__(self, real: Embedder) -> None:
        self.real, self.name, self.dimension, self.path = real, real.name, real.dimension, real.path

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.real.embed(texts)


def end_to_end(embedder: Embedder, scratch: Path, target: int) -> None:
    trials, _ = read_inputs([str(ROOT / "data" / "trials")])
    per_round = sum(len(chunk_trial(t)) for t in trials)
    copies = [t.model_copy(update={"id": f"{t.id}-{n}"}) for n in range(-(-target // per_round)) for t in trials]
    start = time.perf_counter()
    build(scratch / "big", copies, _Reuse(embedder), progress=False)
    index = TrialIndex(scratch / "big", Embedder())  # a fresh embedder: no query is cached
    size = sum(p.stat().st_size for p in (scratch / "big").rglob("*") if p.is_file())
    chunks = index.manifest.chunks
    print(
        f"end to end: {chunks:,} chunks indexed in {time.perf_counter() - start:.1f} s, {size / 2**20:.0f} MiB on disk "
        f"({size / chunks * 1e6 / 2**30:.2f} GiB per million chunks: vectors, BM25, SQLite)"
    )
    notes = [json.loads(line)["patient_text"] for line in (ROOT / "data/trialgpt/patient_trial.dev.jsonl").open()]
    notes = list(dict.fromkeys(notes))
    index.search("warm up", 10)
    parts: dict[str, list[float]] = {
        "query embedding": [],
        "BM25": [],
        "FAISS": [],
        "hybrid query, end to end": [],
        "hybrid, query vector cached": [],
    }
    for note in notes:
        start = time.perf_counter()
        vector = index.embedder.encode([note])[0]
        parts["query embedding"].append(time.perf_counter() - start)
        start = time.perf_counter()
        index.lexical.search(note, 10)
        parts["BM25"].append(time.perf_counter() - start)
        start = time.perf_counter()
        dense.search(index.vectors, vector, 10)
        parts["FAISS"].append(time.perf_counter() - start)
        start = time.perf_counter()
        index.search(note, 10)
        parts["hybrid query, end to end"].append(time.perf_counter() - start)
        start = time.perf_counter()
        index.search(note, 10)  # the embedder remembers this note's vector now
        parts["hybrid, query vector cached"].append(time.perf_counter() - start)
    for name, times in parts.items():
        print(f"  {name:25} {percentiles(times)}  ({len(times)} patient notes as queries)")


def filtered(scratch: Path, size: int = 100_000, k: int = 10) -> None:
    for kind in ("hnsw", "ivf"):
        filtered_one(kind, scratch, size, k)


def filtered_one(kind: str, scratch: Path, size: int, k: int) -> None:
    import faiss

    rng = np.random.default_rng(0)
    sample = sampler(rng)
    start = time.perf_counter()
    if kind == "ivf":
        index, _ = on_disk(sample(size), scratch)
    else:
        index = dense.create(DIMENSION, kind)
        index.add(sample(size))
    print(f"filtered FAISS, {kind} of {size:,} chunks (built in {time.perf_counter() - start:.1f} s), k={k}:")
    queries = sample(200)
    for passing in (1, 5, 50, 500, 5_000, 20_000, 60_000):
        for shape in ("runs", "scattered"):
            times, cpu, found, alone = [], [], [], []
            for query in queries:
                if shape == "runs":
                    first = rng.integers(0, size - passing + 1)
                    rows = np.arange(first, first + passing, dtype=np.int64)
                else:
                    rows = np.sort(rng.choice(size, passing, replace=False))
                start, started = time.perf_counter(), time.thread_time()
                hits = dense.search(index, query, k, rows)
                times.append(time.perf_counter() - start)
                cpu.append(time.thread_time() - started)
                found.append(len(hits))
                if kind == "ivf":
                    params = ondisk.params(index, k, faiss.IDSelectorBatch(rows))
                else:
                    params = faiss.SearchParametersHNSW(sel=faiss.IDSelectorBatch(rows), efSearch=dense.EF_SEARCH)
                alone.append(int((index.search(query.reshape(1, -1), k, params=params)[1] >= 0).sum()))
            want = min(k, passing)
            print(
                f"  {passing:>6,} passing, {shape:9}: {percentiles(times)} (CPU p50 {np.median(cpu) * 1000:.2f} ms), "
                f"results {np.mean(found):.2f}/{want} "
                f"(short {np.mean(np.array(found) < want):.0%}); {kind} filter alone {np.mean(alone):.2f}/{want} "
                f"(short {np.mean(np.array(alone) < want):.0%}, none {np.mean(np.array(alone) == 0):.0%})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="FAISS sizes, comma-separated")
    parser.add_argument("--hnsw-up-to", type=int, default=1_000_000, help="largest size to build HNSW at")
    parser.add_argument("--end-to-end", type=int, default=100_000, help="chunks in the end-to-end index")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"which parts to run, comma-separated: {PARTS}")
    args = parser.parse_args()
    parts = args.parts.split(",")
    import faiss

    print(f"FAISS {faiss.__version__}, {faiss.omp_get_max_threads()} threads")
    if "real" in parts or "end-to-end" in parts:
        embedder = Embedder()
        with tempfile.TemporaryDirectory() as scratch:
            if "real" in parts:
                real_build(embedder, Path(scratch))
            if "end-to-end" in parts:
                end_to_end(embedder, Path(scratch), args.end_to_end)
    with tempfile.TemporaryDirectory() as scratch:
        if "faiss" in parts:
            faiss_alone([int(s) for s in args.sizes.split(",")], args.hnsw_up_to, Path(scratch))
        if "filtered" in parts:
            filtered(Path(scratch))


if __name__ == "__main__":
    main()
