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

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from trialsieve.llm.backends import LLM, LLMError, instructed
from trialsieve.llm.grounding import find, numbers_in, unit_code
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
    rule, note = refine_rule(criterion.rule, criterion.text, criterion.section, llm, criterion.id)
    if rule == criterion.rule:
        return criterion, note
    return criterion.model_copy(update={"rule": rule, "status": status_of(rule)}), note


def refine_rule(rule: Rule, text: str, section: str, llm: LLM, ident: str = "") -> tuple[Rule, Refinement]:
    """``rule`` with its unstructured leaves replaced by the checked parts of the model's reading."""
    note = Refinement(ident)
    try:
        reading = llm.reply(instructed(PROMPT, f"{section} criterion: {text}"), Reading)
    except LLMError as error:
        note.error = str(error)
        return rule, note
    found = []
    for leaf in _checked(reading, text, note):
        if _inside_any_unstructured(leaf, rule):
            found.append(leaf)
        else:
            note.rejected.append(f"{_words(text, leaf)!r} lies in text the grammar already parsed")
    note.accepted = len(found)
    return _replace_unstructured(rule, found), note


def _checked(reading: Reading, text: str, note: Refinement) -> list[Leaf]:
    numbers = numbers_in(text)
    leaves: list[Leaf] = []
    for limit in reading.limits:
        start = find(text, limit.variable)
        values = [v for v in (limit.value, limit.value2) if v is not None]
        code = unit_code(text, limit.unit) if limit.unit else None
        if start < 0:
            note.rejected.append(f"limit variable {limit.variable!r} is not in the criterion")
        elif any(v not in numbers for v in values):
            note.rejected.append(f"limit value {values} is not a number in the criterion")
        elif limit.unit and code is None:
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
        start = find(text, concept.text)
        if start < 0:
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
