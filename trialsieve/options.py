"""Command-line options shared by several ``trialsieve`` commands, declared once.

Typer reads each from a type annotation: ``progress: ProgressOption = True``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ProgressOption = Annotated[bool, typer.Option(help="Show progress bars on stderr.")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="Evaluation date, YYYY-MM-DD (default: today).")]
ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="Entity-model directory (default: the shipped model).", show_default=False),
]
NoModelOption = Annotated[bool, typer.Option("--no-model", help="Structure with the grammar alone (faster).")]
LookBackOption = Annotated[
    int | None,
    typer.Option(
        "--look-back",
        min=0,
        help="Days a value may be old for a limit that asks for a current one and gives no window "
        "('current HbA1c >= 7%'); 0: any age.  [default: 90]",
        show_default=False,
    ),
]
PresumeOption = Annotated[
    bool, typer.Option(help="Read silence in the patient's favour: unmentioned exclusions absent, consent given.")
]
EmbeddingsOption = Annotated[bool, typer.Option(help="Also match concepts by MiniLM embedding similarity.")]
LLMOption = Annotated[
    str | None,
    typer.Option(
        "--llm",
        help="A local LLM: transformers:PATH or openai:BASE_URL (default: $TRIALSIEVE_LLM, else none).",
        show_default=False,
    ),
]
LLMModelOption = Annotated[
    str | None, typer.Option("--llm-model", help="Model name for an openai: server.", show_default=False)
]
IndexOption = Annotated[Path, typer.Option("--index", help="Index directory (`trialsieve index build`).")]
EmbeddingModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model",
        help="Local sentence-transformers model directory (default: the bundled all-MiniLM-L6-v2).",
        show_default=False,
    ),
]
BatchOption = Annotated[int, typer.Option("--batch-size", min=1, help="Texts embedded per forward pass.")]
MethodOption = Annotated[str, typer.Option("--method", help="hybrid (BM25 + dense by RRF), dense or bm25.")]
InputsArgument = Annotated[
    list[str], typer.Argument(help="Files, folders or glob patterns of trial records.", metavar="INPUT")
]
