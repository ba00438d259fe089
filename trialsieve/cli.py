"""The ``trialsieve`` command. Heavy modules are imported inside commands so --help stays fast."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Turn clinical-trial eligibility criteria into computable rules, locally.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def structure(
    inputs: Annotated[
        list[str] | None, typer.Argument(help="Files, folders or glob patterns of trial records.")
    ] = None,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="JSONL output: one trial (or criterion) a line.")
    ] = Path("out/trials.jsonl"),
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Processes to structure with.")] = 1,
    resume: Annotated[bool, typer.Option(help="Skip trials already in the output.")] = True,
    criteria_jsonl: Annotated[
        Path | None, typer.Option("--criteria-jsonl", help='One criterion a line: {"id", "text", "section"?}.')
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar on stderr.")] = True,
) -> None:
    """Structure trial records (ClinicalTrials.gov API v2 JSON/JSONL, trial pages, criteria text) into rule trees."""
    from trialsieve.batch import structure_criteria_lines, structure_files

    if criteria_jsonl is not None:
        if inputs:
            raise typer.BadParameter("give either INPUTS or --criteria-jsonl, not both")
        if not criteria_jsonl.is_file():
            raise typer.BadParameter(f"no such file: {criteria_jsonl}", param_hint="--criteria-jsonl")
        summary = structure_criteria_lines(criteria_jsonl, output, progress)
    else:
        if not inputs:
            raise typer.BadParameter("give at least one input file, folder or pattern")
        summary = structure_files(inputs, output, workers, resume, progress)
    for line in summary.lines():
        typer.echo(line, err=line.startswith("FAILED"))
    typer.echo(f"wrote {output}")
    if summary.failures:
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


if __name__ == "__main__":
    app()
