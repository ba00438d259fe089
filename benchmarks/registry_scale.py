"""How long the whole registry takes: ``trialsieve structure`` on N real trials, one machine against Ray.

    python benchmarks/registry_scale.py --trials 2000 5000                     # grammar path (--no-model)
    python benchmarks/registry_scale.py --trials 300 --model                  # with the entity model
    python benchmarks/registry_scale.py --trials 2000 --runs workers:2 ray:1 ray:2
    python benchmarks/registry_scale.py --index --trials 150 300 --runs local ray:2   # index build
    python benchmarks/registry_scale.py --index --embedder hash --trials 5000 20000 --runs local
    python benchmarks/registry_scale.py --index --embedder hash --trials 5000 --runs local ray:2  # Ray's overhead

The input is the registry's own bulk format, a zip of one API v2 JSON file per study, made from the
real ClinicalTrials.gov dev records (``shared/data/ctgov/studies.dev.jsonl``, 656 studies) repeated
under new ids. Each run is the real command in a subprocess (a fresh Ray instance for ``ray:N``), and
prints:

- wall time, trials/s and criteria/s (criteria from the command's own summary line);
- CPU seconds of the command and all its descendants (user + system, every process's last reading in
  ``/proc/PID/stat``, sampled every 0.2 s), and trials per CPU-second: unlike wall time, this does
  not depend on how busy the machine is with other work;
- peak memory of the command and all its descendants (its ``--workers`` processes, or Ray's daemons
  and actors), from ``/proc/PID/smaps_rollup``: RSS summed over the processes (pages they share,
  such as Ray's object store and libraries, counted once a process: an upper bound) and PSS
  (proportional set size: shared pages split between the processes that map them, so the sum is
  what the processes really hold);
- with ``--index``, ``index build`` of the same archive instead (``local``, or ``ray:N`` actors
  embedding): passages/s and the index's size on disk per million passages, with the same memory,
  split into the FAISS index held in memory (its file's size: a flat or HNSW index is built whole in
  memory, 4 bytes x 384 a passage plus HNSW's graph, and search holds it too; an IVF index holds
  only its centroids and direct map, its lists being on disk, ``dense.ivfdata``, whose size is
  printed apart) and the rest, which streaming keeps flat; then the built index searched in a fresh
  process (``SEARCH_QUERIES`` of its own passages, real criteria, as queries; one query first, not
  timed): milliseconds a query, p50 and p95, for BM25, dense and hybrid ``search`` (k=10) and hybrid
  ``rank_trials`` (k=20, as the app ranks trials), and that process's peak memory; and BM25 the way it
  was searched before it read only its terms' columns (every passage scored), for comparison;
- with ``--index --embedder hash``, the same ``index build`` command (reading, chunking, SQLite,
  BM25, FAISS: all the real code) with the sentence model swapped for ``HashEmbedder``, a stand-in
  that makes 384-dimensional unit vectors from a hash of each text at about 50,000 texts/s. The
  model embeds 60 to 190 passages/s on this machine, as loaded, so 20,000 trials (360,000 passages)
  would take it half an hour to an hour and a half; the stand-in measures everything else at that size, with vectors
  of the model's size, so memory and disk are the real build's. Its passages/s are not the model's:
  add the model's embedding cost, measured on a smaller run with ``--embedder model``. With ``ray:N``
  the actors embed with the stand-in too (``HashEncoder``), so the run measures what Ray adds;
- then the projection for the whole registry (``REGISTRY`` studies), per run kind, linear in the
  number of trials at the marginal costs between the smallest and the largest N, (T2 - T1) / (N2 - N1)
  for wall time and the same for CPU time, so fixed costs (interpreter and Ray start, model loads)
  cancel out; with one N, the overall costs, fixed costs included. It gives hours on this machine as
  loaded, and CPU-hours: the hours of one worker with a core of its own, and about the hours of a
  dedicated C-core machine times C. The per-trial cost is the dev records' mean, taken as the
  registry's; memory does not grow with N (streamed input, bounded windows), as the peaks show.

The machine is shared: other work on it slows any run, so compare runs made one after the other, and
read the figures as this machine's, not a cluster's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CTGOV = ROOT.parent / "shared" / "data" / "ctgov" / "studies.dev.jsonl"
REGISTRY = 550_000  # studies in ClinicalTrials.gov, about, in 2026
HASH_CLI = "--run-cli-with-hash-embedder"  # internal: run `trialsieve ...` with HashEmbedder as the model
SEARCH = "--run-search"  # internal: time searches of an index (``_search_latency``)
SEARCH_QUERIES = 100


class HashEmbedder:
    """What ``index.build`` needs of an ``Embedder`` (name, path, dimension, ``encode``), without a
    model: each text's vector is drawn from a generator seeded by a hash of the text, so the same
    text gets the same unit vector in any run, at the model's dimension (384)."""

    name = "hash-384 (benchmark stand-in, not a model)"
    path = ROOT / "benchmarks"
    dimension = 384
    batch_size = 64

    def encode(self, texts: list[str]):
        import hashlib

        import numpy as np

        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
            vector = np.random.default_rng(seed).standard_normal(self.dimension)
            out[i] = vector / np.linalg.norm(vector)
        return out

    def embed(self, texts: list[str]):
        return self.encode(texts)


class HashEncoder:
    """``ray_engine.Encoder`` (the actor of ``index build --engine ray``) with ``HashEmbedder`` in place
    of the model. Defined in this script, run as ``__main__``, so Ray pickles the class by value and
    its actors need not import this file."""

    def __init__(self, model: str, batch_size: int) -> None:
        self.embedder = HashEmbedder()

    def encode(self, texts: list[str]):
        return self.embedder.encode(texts)


def _cli_with_hash_embedder(argv: list[str]) -> None:
    """``trialsieve ARGV`` with ``HashEmbedder`` in place of the sentence model, in this process and,
    with ``--engine ray``, in Ray's actors (``HashEncoder``)."""
    from importlib.util import find_spec

    import trialsieve.index.cli
    from trialsieve.cli import app

    trialsieve.index.cli.embedder = lambda model=None, batch_size=64: HashEmbedder()
    if find_spec("ray") is not None:
        import trialsieve.ray_engine

        trialsieve.ray_engine.Encoder = HashEncoder
    app(argv, prog_name="trialsieve")


def main() -> None:
    if sys.argv[1:2] == [HASH_CLI]:
        _cli_with_hash_embedder(sys.argv[2:])
        return
    if sys.argv[1:2] == [SEARCH]:
        _search_latency(Path(sys.argv[2]), sys.argv[3] == "hash")
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, nargs="+", default=[2000], metavar="N")
    parser.add_argument("--runs", nargs="+", default=["workers:2", "ray:2"], help="engine:workers, e.g. ray:1")
    parser.add_argument("--model", action="store_true", help="with the entity model (default: grammar path)")
    parser.add_argument(
        "--index", action="store_true", help="time `index build` (runs: local, ray:N) instead of `structure`"
    )
    parser.add_argument(
        "--embedder",
        choices=["model", "hash"],
        default="model",
        help="with --index: the sentence model, or HashEmbedder, a stand-in for runs too large to embed here",
    )
    parser.add_argument("--records", type=Path, default=CTGOV, help="ClinicalTrials.gov JSONL to repeat")
    args = parser.parse_args()
    studies = [line for line in args.records.read_text("utf-8").splitlines() if line.strip()]
    path = "structure, " + ("model" if args.model else "grammar path")
    if args.index:
        path = "index build" + (", HashEmbedder in place of the model" if args.embedder == "hash" else "")
    print(f"{os.cpu_count()} CPUs; {path}; input: the registry's zip layout from {len(studies)} real records")
    timings: dict[str, list[tuple[int, float, float]]] = {}  # run kind -> (trials, wall s, CPU s)
    with tempfile.TemporaryDirectory(prefix="registry-scale-") as scratch:
        for n in args.trials:
            archive = _archive(Path(scratch) / f"registry-{n}.zip", studies, n)
            for spec in args.runs:
                engine, _, workers = spec.partition(":")
                if args.index:
                    measured = _index(archive, n, engine, int(workers or 1), args.embedder == "hash", Path(scratch))
                else:
                    measured = _run(archive, n, engine, int(workers or 1), args.model, Path(scratch))
                if measured is not None:
                    timings.setdefault(spec, []).append((n, *measured))
            archive.unlink()
    _projection(timings)


def _projection(timings: dict[str, list[tuple[int, float, float]]]) -> None:
    """The registry's time per run kind, from the marginal costs between the smallest and largest run
    (fixed costs, such as starting Ray, cancel out), else from the one run's overall costs.

    Two figures: wall hours on this machine as loaded while measuring, and CPU-hours, which is the
    time one worker with a core of its own would take, and does not depend on how busy the machine
    was; a dedicated machine of C cores takes about CPU-hours / C."""
    print(f"projection for the whole registry ({REGISTRY:,} studies), linear in the number of trials:")
    for spec, runs in timings.items():
        (n1, t1, c1), (n2, t2, c2) = runs[0], runs[-1]
        if n2 > n1 and t2 > t1 and c2 > c1:
            how = f"marginal, {n1:,} to {n2:,} trials"
            rate, cpu_per_trial = (n2 - n1) / (t2 - t1), (c2 - c1) / (n2 - n1)
        else:
            how = f"overall, the {n2:,}-trial run, fixed costs included"
            rate, cpu_per_trial = n2 / t2, c2 / n2
        cpu_hours = REGISTRY * cpu_per_trial / 3600
        print(
            f"  {spec:10} ({how}): {rate:5.1f} trials/s -> {REGISTRY / rate / 3600:5.1f} h on this machine as loaded; "
            f"{cpu_per_trial * 1000:.0f} CPU-ms a trial -> {cpu_hours:5.1f} CPU-hours = one worker's hours, "
            f"{cpu_hours / (os.cpu_count() or 1):5.1f} h on a dedicated {os.cpu_count()}-core machine"
        )


def _archive(path: Path, studies: list[str], n: int) -> Path:
    """``n`` studies in the registry's layout: one JSON file per study, named by its NCT id."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(n):
            study = json.loads(studies[i % len(studies)])
            ident = study["protocolSection"]["identificationModule"]
            ident["nctId"] = f"NCT9{i:07d}"
            archive.writestr(f"{ident['nctId']}.json", json.dumps(study, indent=2))
    return path


def _run(archive: Path, n: int, engine: str, workers: int, model: bool, scratch: Path) -> tuple[float, float] | None:
    """One run of the real command; its wall time and CPU time in seconds, None when it failed."""
    out = scratch / f"out-{n}-{engine}-{workers}.jsonl"
    argv = [str(Path(sys.executable).with_name("trialsieve")), "structure", str(archive), "-o", str(out)]
    argv += ["--no-progress", "--workers", str(workers), "--engine", "ray" if engine == "ray" else "local"]
    argv += [] if model else ["--no-model"]
    seconds, peak, stdout, stderr, code = _measure(argv)
    found = re.search(r"trials (\d+),.*?criteria (\d+)", stdout)
    if code or not found:
        print(f"{engine}:{workers} on {n} trials FAILED (exit {code}): {stderr[-2000:]}")
        return None
    trials, criteria = int(found.group(1)), int(found.group(2))
    print(
        f"{n:>6} trials  {engine}:{workers:<2} {seconds:7.1f} s  {trials / seconds:6.1f} trials/s  "
        f"{criteria / seconds:6.0f} criteria/s  peak RSS {peak[0]:5.0f} MiB (PSS {peak[1]:5.0f} MiB), all processes; "
        f"CPU {peak[2]:.0f} s = {trials / peak[2]:.1f} trials per CPU-second; load average {os.getloadavg()[1]:.1f}",
        flush=True,
    )
    out.unlink(missing_ok=True)
    return seconds, peak[2]


def _index(archive: Path, n: int, engine: str, workers: int, hashed: bool, scratch: Path) -> tuple[float, float] | None:
    """One ``index build`` of the archive (with ``HashEmbedder`` when ``hashed``): passages/s, peak
    memory, and the index's size on disk per million passages; its wall time and CPU time in seconds,
    None when it failed."""
    index = scratch / f"idx-{n}-{engine}-{workers}"
    command = [sys.executable, __file__, HASH_CLI] if hashed else [str(Path(sys.executable).with_name("trialsieve"))]
    argv = [*command, "index", "build", str(archive), "--index", str(index)]
    argv += ["--no-progress"] + (["--engine", "ray", "--workers", str(workers)] if engine == "ray" else [])
    seconds, peak, stdout, stderr, code = _measure(argv)
    found = re.search(r"added (\d+) trials \((\d+) chunks\)", stdout)
    if code or not found:
        print(f"index build {engine}:{workers} on {n} trials FAILED (exit {code}): {stderr[-2000:]}")
        return None
    trials, passages = int(found.group(1)), int(found.group(2))
    kind = found.group(1) if (found := re.search(r"chunks, (\w+),", stdout)) else "?"
    size = sum(p.stat().st_size for p in index.rglob("*") if p.is_file())
    # FAISS holds a flat or HNSW index whole in memory to build it (and to search it); the file is that
    # index. An IVF index's file is its centroids and direct map; its lists are on disk (dense.ivfdata)
    vectors = sum(p.stat().st_size for p in index.rglob("dense.faiss")) / 2**20
    lists = sum(p.stat().st_size for p in index.rglob("dense.ivfdata")) / 2**20
    print(
        f"{n:>6} trials  index {engine}:{workers:<2} ({kind}) {seconds:7.1f} s  {trials / seconds:6.1f} trials/s  "
        f"{passages / seconds:6.0f} passages/s ({passages:,} passages)  peak RSS {peak[0]:5.0f} MiB "
        f"(PSS {peak[1]:5.0f} MiB; of the RSS, the FAISS index {vectors:.0f} MiB, "
        f"the rest {peak[0] - vectors:.0f} MiB; IVF lists on disk {lists:.0f} MiB)  "
        f"disk {size / passages * 1e6 / 2**30:.2f} GiB per million passages; "
        f"CPU {peak[2]:.0f} s = {passages / peak[2]:.0f} passages per CPU-second; "
        f"load average {os.getloadavg()[1]:.1f}",
        flush=True,
    )
    _search(index, hashed)
    shutil.rmtree(index, ignore_errors=True)
    return seconds, peak[2]


def _search(index: Path, hashed: bool) -> None:
    """Search latency of the built ``index``, timed in a fresh process, with that process's peak memory."""
    argv = [sys.executable, __file__, SEARCH, str(index), "hash" if hashed else "model"]
    _, peak, stdout, stderr, code = _measure(argv)
    if code:
        print(f"  search FAILED (exit {code}): {stderr[-2000:]}")
        return
    print(f"  search ({SEARCH_QUERIES} queries, ms p50/p95): {stdout.strip()}; peak RSS {peak[0]:.0f} MiB", flush=True)


def _search_latency(index: Path, hashed: bool) -> None:
    """Milliseconds a query (p50/p95) per kind of search, over ``SEARCH_QUERIES`` of the index's own
    passages spread over it; the index opened (and verified) first, one query run untimed."""
    import numpy as np

    from trialsieve.index.search import TrialIndex

    started = time.perf_counter()
    opened = TrialIndex(index, HashEmbedder() if hashed else None)
    opening = time.perf_counter() - started
    total = opened.manifest.chunks
    rows = [total * i // SEARCH_QUERIES for i in range(SEARCH_QUERIES)]
    queries = [opened.metadata.chunks([row])[row].text for row in rows]
    opened.search(queries[-1], 10, method="hybrid")  # the model (if any) loaded, not timed
    kinds = {
        "bm25": lambda q: opened.search(q, 10, method="bm25"),
        "bm25 every passage scored": lambda q: _bm25_every_passage(opened.lexical, q, 10),
        "dense": lambda q: opened.search(q, 10, method="dense"),
        "hybrid": lambda q: opened.search(q, 10, method="hybrid"),
        "rank_trials": lambda q: opened.rank_trials(q, 20, method="hybrid"),
    }
    parts = [f"opened in {opening:.1f} s"]
    for kind, search in kinds.items():
        times = []
        for query in queries:
            started = time.perf_counter()
            search(query)
            times.append((time.perf_counter() - started) * 1000)
        parts.append(f"{kind} {np.percentile(times, 50):.1f}/{np.percentile(times, 95):.1f}")
    print(", ".join(parts))


def _bm25_every_passage(lexical, query: str, k: int) -> list[tuple[int, float]]:
    """BM25 as searched before it read only its terms' columns, for comparison in the same minute:
    bm25s scores every passage (``get_scores``), then ``argpartition`` picks the best ``k``."""
    import numpy as np

    from trialsieve.index.lexical import _tokens

    terms = [t for t in _tokens([query], ids=False)[0] if t in lexical.retriever.vocab_dict]
    if not terms:
        return []
    scores = lexical.retriever.get_scores(terms)
    k = min(k, int(np.count_nonzero(scores)))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(i), float(scores[i])) for i in top]


def _measure(argv: list[str]) -> tuple[float, list[float], str, str, int]:
    """Run ``argv``, watching it and its descendants: seconds, [peak RSS MiB, peak PSS MiB,
    CPU seconds], output, exit code."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    started = time.perf_counter()
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    child = subprocess.Popen(argv, env=env, **pipes)
    peak = [0.0, 0.0, 0.0]
    watcher = threading.Thread(target=_watch, args=(child.pid, peak), daemon=True)
    watcher.start()
    stdout, stderr = child.communicate()
    seconds = time.perf_counter() - started
    watcher.join()
    return seconds, peak, stdout, stderr, child.returncode


def _watch(pid: int, peak: list[float]) -> None:
    """Every 0.2 s until ``pid`` is gone: the highest summed RSS and PSS (MiB) of ``pid`` and all its
    descendants, and the CPU seconds they used (each process's last reading; up to 0.2 s of a
    process's last moments is missed). Descendants, not the process group: Ray's actors make their own."""
    cpu: dict[int, int] = {}  # pid -> utime + stime, clock ticks
    while Path(f"/proc/{pid}").exists():
        rss, pss = _tree(pid, cpu)
        peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
        peak[2] = sum(cpu.values()) / os.sysconf("SC_CLK_TCK")
        time.sleep(0.2)


def _tree(root: int, cpu: dict[int, int]) -> tuple[float, float]:
    """Summed RSS (pages a process shares counted in each) and PSS (shared pages split) of ``root`` and
    its descendants, in MiB; each one's CPU ticks so far into ``cpu``."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "(comm)": field 3 onwards
        children.setdefault(int(fields[1]), []).append(int(proc.name))  # field 4: the parent
        ticks[int(proc.name)] = int(fields[11]) + int(fields[12])  # fields 14 and 15: utime, stime
    total = {"Rss:": 0, "Pss:": 0}
    todo = [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        cpu[pid] = ticks.get(pid, cpu.get(pid, 0))
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                key = line.split(maxsplit=1)[0] if line else ""
                if key in total:
                    total[key] += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total["Rss:"] / 1024, total["Pss:"] / 1024


if __name__ == "__main__":
    main()
