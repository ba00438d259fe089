"""``trialsieve eval extraction``: run the structuring pipeline on LCT-format lines and score it.

Entities are scored per type, strict and relaxed (``eval.entities``); numeric limits as the LCT
benchmark scores them (``eval.constraints``), with unit agreement among the matched ones.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tqdm import tqdm

from trialsieve.batch import section_of
from trialsieve.eval.constraints import VIEWS, Score, score
from trialsieve.eval.entities import EntityScore, entity_table, score_entities
from trialsieve.extract import lct
from trialsieve.extract.flat import constraints
from trialsieve.extract.structure import Extraction, structure_texts
from trialsieve.rules import status_of

if TYPE_CHECKING:
    from trialsieve.extract.tagger import EntityTagger
    from trialsieve.llm.backends import LLM

#: Published entity F1 on criteria, for context (different corpora and type sets).
PUBLISHED = [
    ("Criteria2Query (Yuan et al., JAMIA 2019)", "entity F1", "0.795"),
    ("EliIE (Kang et al., JAMIA 2017)", "entity F1", "0.79"),
    ("Best transformer on Chia (strict / relaxed)", "entity F1", "0.658 / 0.798"),
]


@dataclass
class ExtractionResult:
    rows: list[dict]
    extractions: list[Extraction]
    entities: EntityScore
    numeric: Score

    def as_dict(self) -> dict:
        n = self.numeric
        return {
            "lines": len(self.rows),
            "entities": self.entities.rows(),
            "numeric_constraints": {
                "precision": n.precision,
                "recall": n.recall,
                "f1": n.f1,
                "gold": n.gold,
                "predicted": n.predicted,
                "matched": n.true_positives,
                "unit_agreement": n.unit_agreement,
                "units_checked": n.units_checked,
            },
        }


def evaluate(
    rows: list[dict], tagger: EntityTagger | None, progress: bool = True, llm: LLM | None = None
) -> ExtractionResult:
    """Structure every row's text (tagging in batches when there is a model) and score it.

    ``llm`` also reads each line the pipeline leaves partly unstructured (``llm/leftovers.py``).
    """
    extractions: list[Extraction] = []
    chunk = 256  # lines tagged per batched call: a bar that moves, little memory
    for start in tqdm(range(0, len(rows), chunk), file=sys.stderr, disable=not progress, desc="structuring"):
        part = rows[start : start + chunk]
        extractions += structure_texts([r["text"] for r in part], [section_of(r) for r in part], tagger)
    if llm is not None:
        from trialsieve.llm.leftovers import refine_rule

        for row, extraction in zip(rows, extractions, strict=True):
            if status_of(extraction.rule) != "structured":
                extraction.rule, _ = refine_rule(extraction.rule, row["text"], section_of(row), llm)
    kinds, relations = VIEWS["numeric limits"]
    return ExtractionResult(
        rows,
        extractions,
        score_entities([lct.gold_entities(r) for r in rows], [lct.scored(e.entities) for e in extractions]),
        score(rows, [constraints(e.rule) for e in extractions], kinds, relations),
    )


def table(result: ExtractionResult) -> str:
    """The report as aligned text: entities per type and micro, numeric limits, published figures."""
    n = result.as_dict()["numeric_constraints"]
    out = [
        f"{len(result.rows)} lines",
        "",
        entity_table(result.entities),
        "",
        f"numeric constraints  precision {n['precision']:.3f}  recall {n['recall']:.3f}  F1 {n['f1']:.3f}"
        f"  (gold {n['gold']}, predicted {n['predicted']}, matched {n['matched']})",
        f"unit agreement among matched  {n['unit_agreement']:.3f}  ({n['units_checked']} with a known gold unit)",
        "",
        "published, for context (other corpora and type sets):",
    ]
    out += [f"  {name:<46}{metric:<11}{value}" for name, metric, value in PUBLISHED]
    return "\n".join(out)
