"""Score numeric constraints against LCT-style gold: variable spans overlap, same operator, same values.

Gold rows carry ``numeric_constraints`` (variable text, comparison text, operator, values) and
``entities``/``relations`` that locate the variable in the line. Only gold constraints with an
operator and a numeric value count; the rest ("stage 0-A", "B7 or more") are not numeric limits.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from trialsieve.extract.grammar import parse_number
from trialsieve.extract.units import ucum

_OPERATORS = {">=", ">", "<=", "<", "=", "between"}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass
class Gold:
    relation: str
    variable: str
    start: int
    end: int
    operator: str
    value: float
    value2: float | None
    unit: str | None = None  # UCUM, when the gold unit is one the units lexicon knows


@dataclass
class Score:
    """Counts by gold relation, and overall precision, recall and F1."""

    true_positives: int = 0
    predicted: int = 0
    gold: int = 0
    unscorable: int = 0
    units_checked: int = 0  # matched pairs whose gold unit has a UCUM code
    units_agreed: int = 0
    by_relation: Counter = field(default_factory=Counter)
    gold_by_relation: Counter = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def precision_scorable(self) -> float:
        """Precision leaving out predictions on comparisons the corpus never linked to a variable."""
        scorable = self.predicted - self.unscorable
        return self.true_positives / scorable if scorable else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def unit_agreement(self) -> float:
        """Share of matched constraints, among those with a known gold unit, whose unit is the same."""
        return self.units_agreed / self.units_checked if self.units_checked else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def gold_constraints(row: dict) -> list[Gold]:
    """The numeric gold constraints of one LCT row, with their variables located in ``text``."""
    found = []
    for c in row.get("numeric_constraints", []):
        operator = c.get("operator")
        value = parse_number(str(c.get("value", "")))
        if operator not in _OPERATORS or value is None:
            continue
        value2 = parse_number(str(c["value2"])) if c.get("value2") and operator == "between" else None
        if operator == "between" and value2 is None:  # known quirk: both numbers only in comparison_text
            numbers = [parse_number(n) for n in _NUMBER.findall(c.get("comparison_text", ""))]
            numbers = [n for n in numbers if n is not None]
            if len(numbers) >= 2:
                value, value2 = numbers[0], numbers[1]
        if value2 is not None and value2 < value:  # some gold ranges are written high to low
            value, value2 = value2, value
        span = _variable_span(row, c)
        if span:
            found.append(Gold(c["relation"], c["variable"], span[0], span[1], operator, value, value2, _unit(c)))
    return found


def _unit(c: dict) -> str | None:
    """The gold unit as a UCUM code: "μmol" per "L" is umol/L; a time unit when there is no other."""
    parts = [c[k] for k in ("unit", "per", "per2") if c.get(k)] or [c[k] for k in ("temporal_unit",) if c.get(k)]
    return ucum("/".join(parts)) if parts else None


def _variable_span(row: dict, c: dict) -> tuple[int, int] | None:
    by_id = {e["id"]: e for e in row.get("entities", [])}
    comparisons = [
        e["id"]
        for e in row.get("entities", [])
        if e["type"] == "Eq-Comparison" and e["text"] == c.get("comparison_text")
    ]
    for rel in row.get("relations", []):
        if rel["tail"] in comparisons and rel["type"] == c["relation"]:
            head = by_id.get(rel["head"])
            if head and head["text"] == c["variable"]:
                return head["start"], head["end"]
    for e in row.get("entities", []):
        if e["text"] == c["variable"] and not e["type"].startswith("Eq-"):
            return e["start"], e["end"]
    at = row["text"].find(c["variable"])
    return (at, at + len(c["variable"])) if at >= 0 else None


def matches(gold: Gold, predicted: dict) -> bool:
    if not (predicted["start"] < gold.end and gold.start < predicted["end"]):
        return False
    if predicted["operator"] != gold.operator or abs(predicted["value"] - gold.value) > 1e-9:
        return False
    if gold.value2 is not None:
        return predicted["value2"] is not None and abs(predicted["value2"] - gold.value2) <= 1e-9
    return True


#: How predicted kinds line up with LCT's relations: limits on values, and limits in time.
VIEWS = {
    "numeric limits": ({"comparison", "age"}, {"Numeric-Filter", "Minimum-Count", "Dose", "Stage"}),
    "temporal bounds": ({"temporal"}, {"Temporality", "Duration"}),
    "all": ({"comparison", "age", "temporal"}, None),
}


def unlinked_comparisons(row: dict) -> list[tuple[int, int]]:
    """Spans of comparisons annotated in the line (``Eq-Comparison``) but linked to no variable.

    The corpus derives no gold constraint from them ("INR >1.5" with its Numeric-Filter relation
    missing), so a prediction there can be neither confirmed nor refuted.
    """
    linked = {c.get("comparison_text") for c in row.get("numeric_constraints", [])}
    return [
        (e["start"], e["end"])
        for e in row.get("entities", [])
        if e["type"] == "Eq-Comparison" and e["text"] not in linked
    ]


def score(rows: list[dict], predictions: list[list[dict]], kinds=None, relations=None) -> Score:
    """Greedy one-to-one matching per line of predicted constraints to gold ones.

    ``kinds`` keeps only predictions of those kinds, ``relations`` only gold of those relations.
    Unmatched predictions whose limit lies on an unlinked comparison are counted as ``unscorable``.
    """
    result = Score()
    for row, predicted in zip(rows, predictions, strict=True):
        golds = [g for g in gold_constraints(row) if relations is None or g.relation in relations]
        predicted = [p for p in predicted if kinds is None or p["kind"] in kinds]
        result.gold += len(golds)
        result.predicted += len(predicted)
        unused = list(predicted)
        for g in golds:
            result.gold_by_relation[g.relation] += 1
            hit = next((p for p in unused if matches(g, p)), None)
            if hit is not None:
                unused.remove(hit)
                result.true_positives += 1
                result.by_relation[g.relation] += 1
                if g.unit is not None:
                    result.units_checked += 1
                    result.units_agreed += hit["unit"] == g.unit
        unlinked = unlinked_comparisons(row)
        result.unscorable += sum(
            any(p["limit_start"] < end and start < p["limit_end"] for start, end in unlinked) for p in unused
        )
    return result
