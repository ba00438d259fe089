"""Markdown reports with PNG charts, for ``trialsieve eval ... --report DIR``.

Charts are drawn with matplotlib's file-only backend, so no screen is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trialsieve.eval.extraction import ExtractionResult

EXAMPLES = 15


def bar_chart(path: Path, title: str, labels: list[str], series: dict[str, list[float]]) -> Path:
    """Grouped horizontal bars, one group a label and one bar a series, values in [0, 1]."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.45 * len(labels) * len(series) + 1.2))
    height = 0.8 / len(series)
    for i, (name, values) in enumerate(series.items()):
        ax.barh([y + i * height for y in range(len(labels))], values, height=height, label=name)
    ax.set_yticks([y + height * (len(series) - 1) / 2 for y in range(len(labels))], labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def extraction_report(result: ExtractionResult, directory: Path) -> Path:
    """``extraction.md`` and its chart in ``directory``: scores, then the errors that matter most."""
    from trialsieve.eval.constraints import gold_constraints, matches
    from trialsieve.eval.extraction import table
    from trialsieve.extract import lct
    from trialsieve.extract.flat import constraints

    directory.mkdir(parents=True, exist_ok=True)
    rows = result.entities.rows()
    types = [t for t in rows if not t.startswith("micro")]
    bar_chart(
        directory / "entity_f1.png",
        "Entity F1 by type",
        types,
        {mode: [rows[t][mode]["f1"] for t in types] for mode in ("strict", "relaxed")},
    )
    lines = ["# Extraction report", "", "```", table(result), "```", "", "![Entity F1 by type](entity_f1.png)", ""]
    lines += ["## Core entities missed or invented", ""]
    core = set(lct.core())
    shown = 0
    for row, extraction in zip(result.rows, result.extractions, strict=True):
        gold = {(e.type, e.start, e.end) for e in lct.gold_entities(row) if e.type in core}
        found = {(e.type, e.start, e.end) for e in extraction.entities if e.type in core}
        if gold != found and shown < EXAMPLES:
            shown += 1
            text = row["text"].strip()
            missed = ", ".join(f"{t} `{row['text'][s:e]}`" for t, s, e in sorted(gold - found, key=lambda x: x[1]))
            extra = ", ".join(f"{t} `{row['text'][s:e]}`" for t, s, e in sorted(found - gold, key=lambda x: x[1]))
            lines += [f"- {text}", f"  - missed: {missed or 'none'}", f"  - invented: {extra or 'none'}"]
    lines += ["", "## Numeric constraints missed or invented", ""]
    shown = 0
    for row, extraction in zip(result.rows, result.extractions, strict=True):
        golds, predicted = gold_constraints(row), constraints(extraction.rule)
        missed = [g for g in golds if not any(matches(g, p) for p in predicted)]
        extra = [p for p in predicted if p["kind"] != "temporal" and not any(matches(g, p) for g in golds)]
        if (missed or extra) and shown < EXAMPLES:
            shown += 1
            lines.append(f"- {row['text'].strip()}")
            lines += [f"  - missed: `{g.variable}` {g.operator} {g.value} {g.value2 or ''}" for g in missed]
            lines += [f"  - invented: `{p['variable']}` {p['operator']} {p['value']} {p['unit'] or ''}" for p in extra]
    path = directory / "extraction.md"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path
