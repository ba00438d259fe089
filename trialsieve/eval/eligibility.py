"""``trialsieve eval eligibility``: criterion-level verdicts for patient notes, scored against TrialGPT labels.

Each row pairs a patient note with one criterion. The note becomes a ``Patient`` (``match.note``),
the criterion a rule (the structuring pipeline), and the rule's verdict one of TrialGPT's labels:

- inclusion: met -> included, not_met -> not included;
- exclusion: met -> excluded, not_met -> not excluded;
- unknown or needs_review -> not enough information;
- not applicable: a criterion only about women (pregnancy, breastfeeding, childbearing potential,
  contraception, "female subjects"), for a male patient.

TrialGPT's annotators read a note as the whole story for exclusions: a condition it does not
mention is "not excluded", consent is taken as given, while an inclusion needs positive
evidence. ``presume`` (on by default here) applies that reading; every verdict reached so says so.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from trialsieve.extract.structure import structure_texts
from trialsieve.jsonl import read_rows, require, require_text
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.note import read_note
from trialsieve.match.verdicts import Evidence, Judge

if TYPE_CHECKING:
    import datetime as dt

    from trialsieve.extract.tagger import EntityTagger
    from trialsieve.llm.backends import LLM

LABELS = ("included", "not included", "excluded", "not excluded", "not enough information", "not applicable")
_LABEL = {
    ("inclusion", "met"): "included",
    ("inclusion", "not_met"): "not included",
    ("exclusion", "met"): "excluded",
    ("exclusion", "not_met"): "not excluded",
}
#: A criterion whose subject is women only, and words that let men in too ("men and women").
_FOR_WOMEN = re.compile(
    r"\b(?:wom[ae]n|females?|girls?|child-?bearing|pregnan\w*|lactat\w*|breast-?\s?feeding|nursing mothers?|"
    r"contracept\w*|birth control|menopaus\w*)\b",
    re.IGNORECASE,
)
_FOR_MEN = re.compile(r"\b(?:m[ae]n|males?|boys?|both sexes|either sex|any sex)\b", re.IGNORECASE)
_FIELDS = frozenset({"patient_text", "criterion_text", "section", "label"})
#: Anchors printed beside our figures.
PUBLISHED = [
    ("TrialGPT with GPT-4 (Jin et al., Nat. Commun. 2024), 1,015 criteria", "87.3%"),
    ("Majority label per section, on the TrialGPT dev file", "62.7%"),
]


@dataclass
class Prediction:
    label: str
    verdict: str
    evidence: list[Evidence]


@dataclass
class EligibilityResult:
    rows: list[dict]
    predictions: list[Prediction]
    confusion: Counter = field(default_factory=Counter)  # (gold, predicted) -> count

    def accuracy(self, section: str | None = None) -> float:
        pairs = [
            (r["label"], p.label)
            for r, p in zip(self.rows, self.predictions, strict=True)
            if section is None or r["section"] == section
        ]
        return sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0

    def majority(self) -> float:
        """Accuracy of always answering each section's most frequent gold label."""
        right = 0
        for section in {r["section"] for r in self.rows}:
            right += Counter(r["label"] for r in self.rows if r["section"] == section).most_common(1)[0][1]
        return right / len(self.rows) if self.rows else 0.0

    def as_dict(self) -> dict:
        return {
            "rows": len(self.rows),
            "accuracy": self.accuracy(),
            "accuracy_inclusion": self.accuracy("inclusion"),
            "accuracy_exclusion": self.accuracy("exclusion"),
            "majority_baseline": self.majority(),
            "confusion": [{"gold": g, "predicted": p, "count": n} for (g, p), n in sorted(self.confusion.items())],
        }


def read(path: Path) -> list[dict]:
    """The rows of a TrialGPT criterion-level JSONL file; a bad line is an error naming its line number."""
    return read_rows(path, "a TrialGPT criterion row", _check)


def _check(row: dict) -> None:
    require(row, _FIELDS)
    require_text(row, ("patient_text", "criterion_text"))  # public rows hold a null criterion_text
    if row["section"] not in ("inclusion", "exclusion") or row["label"] not in LABELS:
        raise ValueError(f"section {row['section']!r} or label {row['label']!r} is not one of TrialGPT's")


def evaluate(
    rows: list[dict],
    tagger: EntityTagger | None,
    matcher: ConceptMatcher,
    as_of: dt.date,
    presume: bool = True,
    progress: bool = True,
    llm: LLM | None = None,
) -> EligibilityResult:
    """Read each distinct note once, structure every criterion, judge and label each row.

    ``llm`` settles verdicts the rules leave unknown from the note (``llm/verdicts.py``).
    """
    from trialsieve.llm.notes import with_note_facts
    from trialsieve.llm.verdicts import settle

    notes = {}
    for row in tqdm(rows, desc="notes", unit="row", disable=not progress, file=sys.stderr):
        key = row.get("patient_id") or row["patient_text"]
        if key not in notes:
            notes[key] = with_note_facts(read_note(row["patient_text"], tagger, str(key), "note"), llm)
    extractions = structure_texts([r["criterion_text"] for r in rows], [r["section"] for r in rows], tagger)
    result = EligibilityResult(rows, [])
    # judging is most of the run (minutes on the dev file with embeddings): a bar of its own, so the
    # run does not look stuck after the notes bar ends; the criteria stay tagged in one batched call
    judged = tqdm(rows, desc="criteria", unit="row", disable=not progress, file=sys.stderr)
    for row, extraction in zip(judged, extractions, strict=True):
        patient = notes[row.get("patient_id") or row["patient_text"]]
        judge = Judge(patient, as_of, matcher, presume)
        verdict, evidence = judge.rule(extraction.rule, row["criterion_text"], row["section"])
        verdict, evidence = settle(llm, verdict, evidence, row["criterion_text"], row["section"], row["patient_text"])
        label = _label(row["section"], verdict, row["criterion_text"], patient.sex)
        result.predictions.append(Prediction(label, verdict, evidence))
        result.confusion[row["label"], label] += 1
    return result


def _label(section: str, verdict: str, text: str, sex: str | None) -> str:
    if sex == "male" and _FOR_WOMEN.search(text) and not _FOR_MEN.search(text):
        return "not applicable"
    return _LABEL.get((section, verdict), "not enough information")


def table(result: EligibilityResult) -> str:
    """Accuracy overall and per section, the anchors, and the confusion matrix."""
    out = [
        f"criteria {len(result.rows)}",
        f"accuracy {result.accuracy():.1%}  (inclusion {result.accuracy('inclusion'):.1%}, "
        f"exclusion {result.accuracy('exclusion'):.1%})",
        f"majority label per section on this data: {result.majority():.1%}",
        "",
        "for context:",
        *[f"  {name:<72}{value}" for name, value in PUBLISHED],
        "",
        "confusion (rows: gold, columns: predicted)",
    ]
    short = {label: label.replace("not enough information", "not enough info") for label in LABELS}
    out.append(" " * 24 + "".join(f"{short[p]:>16}" for p in LABELS))
    for gold in LABELS:
        out.append(f"{short[gold]:<24}" + "".join(f"{result.confusion[gold, p]:>16}" for p in LABELS))
    return "\n".join(out)
