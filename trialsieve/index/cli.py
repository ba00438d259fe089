"""``trialsieve index ...``: build, grow, describe and search a trial index."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from trialsieve.options import (
    BatchOption,
    EmbeddingModelOption,
    IndexOption,
    InputsArgument,
    MethodOption,
    ProgressOption,
)

if TYPE_CHECKING:
    from trialsieve.extract.ingest import Failure
    from trialsieve.trial import Trial

app = typer.Typer(
    help="Build and search a trial index (FAISS + BM25 + SQLite).", no_args_is_help=True, rich_markup_mode=None
)

WaitOption = Annotated[
    float,
    typer.Option(
        "--wait",
        min=0,
        help="Seconds to wait while another process writes to the index; then exit 1 saying it is busy.",
    ),
]


def embedder(model: Path | None = None, batch_size: int = 64):
    """The embedding model, or a usage error naming what is wrong with ``--model``."""
    from trialsieve.index.embeddings import Embedder

    try:
        return Embedder(model, batch_size=batch_size)
    except FileNotFoundError as error:
        raise typer.BadParameter(str(error), param_hint="--model") from error


def method_of(method: str) -> str:
    from trialsieve.index.search import METHODS

    if method not in METHODS:
        raise typer.BadParameter(f"{method!r} is not one of {', '.join(METHODS)}", param_hint="--method")
    return method


def open_index(index: Path, model: Path | None = None):
    """An opened index, or a clean error naming what is wrong with it."""
    from trialsieve.index.search import TrialIndex
    from trialsieve.index.store import StoreError

    try:
        return TrialIndex(index, embedder(model) if model else None)
    except StoreError as error:
        raise typer.BadParameter(str(error), param_hint="--index") from error


@app.command()
def build(
    inputs: InputsArgument,
    index: IndexOption,
    model: EmbeddingModelOption = None,
    batch_size: BatchOption = 64,
    index_type: Annotated[
        str | None,
        typer.Option(
            "--index-type",
            help="flat (exact), hnsw or ivf (approximate; ivf keeps its lists on disk); default by size.",
            show_default=False,
        ),
    ] = None,
    progress: ProgressOption = True,
    wait: WaitOption = 60.0,
    engine: Annotated[
        str, typer.Option(help="local, or ray: embed on Ray actors kept for the build (pip install 'trialsieve[ray]').")
    ] = "local",
    address: Annotated[
        str | None, typer.Option(help="With --engine ray: the Ray cluster to join; default a local Ray instance.")
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="With --engine ray: actors to embed with.")
    ] = 1,
) -> None:
    """Index trial records, replacing any index in the directory (atomically)."""
    from trialsieve.index import build as builder

    if index_type not in (None, "flat", "hnsw", "ivf"):
        raise typer.BadParameter(f"{index_type!r} is not flat, hnsw or ivf", param_hint="--index-type")
    if engine not in ("local", "ray"):
        raise typer.BadParameter(f"{engine!r} is not local or ray", param_hint="--engine")
    if engine == "local" and (address or workers > 1):  # refused, not ignored: they only mean something on Ray
        raise typer.BadParameter("--address and --workers are for --engine ray", param_hint="--engine")
    from importlib.util import find_spec

    if engine == "ray" and find_spec("ray") is None:
        raise typer.BadParameter("Ray is not installed: pip install 'trialsieve[ray]'", param_hint="--engine")

    def action(trials, e):
        if engine == "local":
            return builder.build(index, trials, e, index_type, progress, wait)
        from trialsieve.ray_engine import RayEmbedder

        on_ray = RayEmbedder(e, workers, address)  # the same vectors, embedded by Ray actors
        try:
            return builder.build(index, trials, on_ray, index_type, progress, wait)
        finally:
            on_ray.close()

    _write(action, inputs, model, batch_size)


@app.command()
def add(
    inputs: InputsArgument,
    index: IndexOption,
    model: EmbeddingModelOption = None,
    batch_size: BatchOption = 64,
    progress: ProgressOption = True,
    wait: WaitOption = 60.0,
) -> None:
    """Add trial records to an index; trials already in it are not embedded again."""
    from trialsieve.index import build as builder

    _write(lambda trials, e: builder.add(index, trials, e, progress, wait), inputs, model, batch_size)


def _write(action, inputs: list[str], model: Path | None, batch_size: int) -> None:
    """Run ``action`` (build or add) on the trials of ``inputs``, read as a stream; then the summary,
    and a throughput line on stderr."""
    import time

    from trialsieve.index.lock import IndexBusy
    from trialsieve.index.store import StoreError

    started = time.perf_counter()
    failures: list[Failure] = []
    trials = _stream(inputs, failures)
    first = next(trials, None)
    if first is None:
        typer.echo("no trials read from the inputs; the index is unchanged", err=True)
        raise typer.Exit(1)
    try:
        outcome = action(chain([first], trials), embedder(model, batch_size))
    except IndexBusy as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    except StoreError as error:
        raise typer.BadParameter(str(error), param_hint="--index") from error
    seconds = time.perf_counter() - started
    manifest = outcome.manifest
    typer.echo(f"added {len(outcome.added)} trials ({outcome.chunks} chunks)")
    if outcome.unchanged:
        typer.echo(f"already indexed, unchanged: {len(outcome.unchanged)}")
    for trial_id in outcome.changed:
        typer.echo(f"NOT UPDATED {trial_id}: already indexed with other content; rebuild to update it", err=True)
    typer.echo(f"index: {manifest.trials} trials, {manifest.chunks} chunks, {manifest.index_type}, {manifest.model}")
    typer.echo(throughput(len(outcome.added), outcome.chunks, seconds), err=True)
    if failures:
        raise typer.Exit(1)


def throughput(trials: int, passages: int, seconds: float) -> str:
    """The end-of-run rate line: what a run of the registry's size can be planned on."""
    seconds = max(seconds, 1e-9)
    return (
        f"indexed {trials:,} trials, {passages:,} passages in {seconds:.1f} s: "
        f"{trials / seconds:,.1f} trials/s, {passages / seconds:,.1f} passages/s"
    )


def _stream(inputs: list[str], failures: list[Failure]) -> Iterator[Trial]:
    """The trials of ``inputs`` one at a time (``ingest.stream_inputs``), without holding them; each
    failure is printed on stderr as it is met, and kept in ``failures``."""
    from trialsieve.extract.ingest import Failure, stream_inputs

    for item in stream_inputs(inputs):
        if isinstance(item, Failure):
            failures.append(item)
            typer.echo(f"FAILED {item.source}: {item.reason}", err=True)
        else:
            yield item


@app.command()
def info(index: IndexOption, json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Counts, model, dimensions, index type and size on disk; the index is checked as `search` checks it."""
    from trialsieve.index.store import generation_dir

    opened = open_index(index)
    opened.close()
    manifest = opened.manifest
    size = sum(p.stat().st_size for p in generation_dir(index, manifest).rglob("*") if p.is_file())
    facts = manifest.model_dump(mode="json", exclude={"files"}) | {"bytes": size, "path": str(index)}
    if json_out:
        typer.echo(json.dumps(facts, indent=2))
        return
    for key, value in facts.items():
        typer.echo(f"{key:15} {value}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in words.")],
    index: IndexOption,
    k: Annotated[int, typer.Option("-k", min=1, help="How many results.")] = 10,
    method: MethodOption = "hybrid",
    trials: Annotated[bool, typer.Option("--trials", help="Rank trials (by best passage), not passages.")] = False,
    status: Annotated[list[str] | None, typer.Option(help="Overall status, e.g. recruiting; repeatable.")] = None,
    phase: Annotated[list[str] | None, typer.Option(help="Phase, e.g. 2; repeatable.")] = None,
    sex: Annotated[str | None, typer.Option(help="Trials open to female or male patients.")] = None,
    age: Annotated[float | None, typer.Option(help="Trials whose age limits admit this age (years).")] = None,
    condition: Annotated[str | None, typer.Option(help="Text in one of the trial's conditions.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON lines instead of a table.")] = False,
    model: EmbeddingModelOption = None,
) -> None:
    """Search passages (or trials) by BM25, dense similarity, or both."""
    from pydantic import ValidationError

    from trialsieve.index.metadata import Filters

    try:
        filters = Filters(status=status or [], phase=phase or [], sex=sex, age=age, condition=condition)
    except ValidationError as error:
        raise typer.BadParameter(error.errors()[0]["msg"], param_hint="--sex") from error
    opened = open_index(index, model)
    ranked = opened.rank_trials if trials else opened.search
    hits = ranked(query, k, filters or None, method_of(method))
    if json_out:
        for hit in hits:
            typer.echo(hit.model_dump_json())
        return
    if not hits:
        typer.echo("no results")
        return
    # raw scores mean nothing to a reader (RRF gives ~0.03, BM25 any size): each hit's score as a share of
    # the best one's, under a header; --json keeps the raw score
    best = hits[0].score or 1.0
    typer.echo(f"{'rank':>4}  {'match':>5}  {'trial':12} {'where':9} {'best passage' if trials else 'passage'}")
    for hit in hits:
        chunk = hit.best if trials else hit.chunk
        where = chunk.criterion_id or chunk.kind
        share = f"{hit.score / best:.0%}"
        typer.echo(f"{hit.rank:>4}  {share:>5}  {chunk.trial_id:12} {where:9} {_clip(chunk.text, 80)}")
    typer.echo(f"match: the {method} score as a share of the first result's ({_METHOD_SCORE.get(method, method)})")


_METHOD_SCORE = {
    "hybrid": "reciprocal rank fusion of BM25 and dense ranks",
    "dense": "cosine similarity",
    "bm25": "BM25",
}


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
