"""Structuring leftovers: what the grammar and the entity model left unstructured, read by an LLM.

Only criteria with ``unstructured`` leaves are sent. The model returns numeric limits and
concepts (``Reading``). Every item is checked against the criterion's text before it is used:
- its variable or concept words must appear in the text;
- its numbers must appear in the text;
- its unit must appear in the text and be a unit trialsieve knows.

Accepted items become leaves with ``source: "llm"``, and they replace only the ``unstructured``
leaf whose text they come from: what the grammar parsed exactly is never touched. Rejected
items and failed replies are recorded in ``Refinement``, and the criterion keeps its rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from trialsieve.extract.units import ucum
from trialsieve.llm.backends import LLM, LLMError, instructed
from trialsieve.rules import (
    All,
    Comparison,
    Concept,
    Leaf,
    Operator,
    Presence,
    Rule,
    StructuredCriterion,
    Unstructured,
    status_of,
)
from trialsieve.trial import StructuredTrial

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
PROMPT = (
    "You read one clinical-trial eligibility criterion and return its computable parts as JSON: "
    "numeric limits (the variable, operator, value and unit exactly as written) and concepts "
    "(conditions, drugs, procedures, measurements, observations, devices) the patient must have, "
    "or must not have (negated). Copy words and numbers exactly from the criterion. Return empty "
    "lists when nothing in it is computable, such as consent or the investigator's judgment."
)


class LimitReading(BaseModel):
    variable: str = Field(max_length=80)
    operator: Operator
    value: float
    value2: float | None = None
    unit: str | None = Field(None, max_length=20)


class ConceptReading(BaseModel):
    text: str = Field(max_length=80)
    kind: Literal["condition", "drug", "procedure", "measurement", "observation", "device"]
    negated: bool = False


class Reading(BaseModel):
    """What the model is asked to return for one criterion."""

    limits: list[LimitReading] = Field(default_factory=list, max_length=4)
    concepts: list[ConceptReading] = Field(default_factory=list, max_length=4)


@dataclass
class Refinement:
    """What the LLM did to one criterion."""

    criterion_id: str
    accepted: int = 0
    rejected: list[str] = field(default_factory=list)
    error: str | None = None


def refine(structured: StructuredTrial, llm: LLM) -> tuple[StructuredTrial, list[Refinement]]:
    """The trial with its unstructured leaves read by ``llm`` where the reading checks out."""
    criteria, log = [], []
    for criterion in structured.criteria:
        if criterion.status == "structured":
            criteria.append(criterion)
            continue
        refined, note = refine_criterion(criterion, llm)
        criteria.append(refined)
        log.append(note)
    return structured.model_copy(update={"criteria": criteria}), log


def refine_criterion(criterion: StructuredCriterion, llm: LLM) -> tuple[StructuredCriterion, Refinement]:
    note = Refinement(criterion.id)
    try:
        reading = llm.reply(instructed(PROMPT, f"{criterion.section} criterion: {criterion.text}"), Reading)
    except LLMError as error:
        note.error = str(error)
        return criterion, note
    leaves = []
    for leaf in _checked(reading, criterion.text, note):
        if _inside_any_unstructured(leaf, criterion.rule):
            leaves.append(leaf)
        else:
            note.rejected.append(f"{_words(criterion.text, leaf)!r} lies in text the grammar already parsed")
    note.accepted = len(leaves)
    rule = _replace_unstructured(criterion.rule, leaves)
    if rule == criterion.rule:
        return criterion, note
    return criterion.model_copy(update={"rule": rule, "status": status_of(rule)}), note


def _checked(reading: Reading, text: str, note: Refinement) -> list[Leaf]:
    numbers = {float(n.replace(",", ".")) for n in _NUMBER.findall(text)}
    lower = text.lower()
    leaves: list[Leaf] = []
    for limit in reading.limits:
        start = lower.find(limit.variable.lower().strip())
        values = [v for v in (limit.value, limit.value2) if v is not None]
        code = ucum(limit.unit) if limit.unit else None
        if not limit.variable.strip() or start < 0:
            note.rejected.append(f"limit variable {limit.variable!r} is not in the criterion")
        elif any(v not in numbers for v in values):
            note.rejected.append(f"limit value {values} is not a number in the criterion")
        elif limit.unit and (code is None or limit.unit.lower().replace(" ", "") not in lower.replace(" ", "")):
            note.rejected.append(f"unit {limit.unit!r} is not in the criterion or not a known unit")
        else:
            span = (start, start + len(limit.variable.strip()))
            leaves.append(
                Comparison(
                    variable=text[span[0] : span[1]],
                    kind="measurement",
                    operator=limit.operator,
                    value=limit.value,
                    value2=limit.value2 if limit.operator == "between" else None,
                    unit=code,
                    unit_text=limit.unit,
                    span=span,
                    variable_span=span,
                    source="llm",
                )
            )
    for concept in reading.concepts:
        start = lower.find(concept.text.lower().strip())
        if not concept.text.strip() or start < 0:
            note.rejected.append(f"concept {concept.text!r} is not in the criterion")
            continue
        span = (start, start + len(concept.text.strip()))
        found = Concept(text=text[span[0] : span[1]], kind=concept.kind, span=span)
        leaves.append(Presence(concept=found, negated=concept.negated, span=span, source="llm"))
    return leaves


def _replace_unstructured(rule: Rule, leaves: list[Leaf]) -> Rule:
    """Each unstructured leaf replaced by the new leaves whose text lies inside it."""
    if isinstance(rule, Unstructured):
        inside = [leaf for leaf in leaves if rule.span[0] <= leaf.span[0] and leaf.span[1] <= rule.span[1]]
        if not inside:
            return rule
        return inside[0] if len(inside) == 1 else All(args=inside)
    if hasattr(rule, "args"):
        return rule.model_copy(update={"args": [_replace_unstructured(arg, leaves) for arg in rule.args]})
    return rule


def _words(text: str, leaf: Leaf) -> str:
    return text[leaf.span[0] : leaf.span[1]]


def _inside_any_unstructured(leaf: Leaf, rule: Rule) -> bool:
    if isinstance(rule, Unstructured):
        return rule.span[0] <= leaf.span[0] and leaf.span[1] <= rule.span[1]
    return any(_inside_any_unstructured(leaf, arg) for arg in getattr(rule, "args", []))
