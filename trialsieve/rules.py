"""The rule model: the contract between structuring and everything that consumes it.

A criterion's ``rule`` is a tree. Logic nodes (``all``, ``any``, ``not``, ``at_least``) combine
leaves (``comparison``, ``presence``, ``demographic``, ``unstructured``). Every leaf keeps the
character ``span`` of the criterion text it came from, so a verdict can always quote its source.
``trialsieve schema`` prints this model as JSON Schema; docs/rules.md explains it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.6"

Operator = Literal["<", "<=", ">", ">=", "=", "between"]
#: the operator of the values a one-sided limit leaves out: what an exclusion's "< 18" admits is ">= 18"
ADMITTED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}
Kind = Literal["condition", "drug", "procedure", "measurement", "observation", "device", "demographic"]
Section = Literal["inclusion", "exclusion", "unknown"]
Status = Literal["structured", "partial", "needs_review"]
Source = Literal["grammar", "model", "llm"]
Span = tuple[int, int]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Code(_Model):
    """A coded concept, e.g. SNOMED CT or ICD-10; absent until a coder fills it."""

    system: str
    code: str
    display: str | None = None


class Temporal(_Model):
    """When a concept must hold, relative to the evaluation date.

    ``window``: the event happened (``past``) or will happen (``future``) within the bound,
    e.g. "within the last 6 months" is ``past <= 6 mo``. ``duration``: it has lasted, e.g.
    "for at least 3 months" is ``duration >= 3 mo``. ``active``: the time since it was last there
    (today when the record does not say it is over), e.g. "unless disease free for at least 3 years" is
    ``active < 3 a`` and "in remission for at least 5 years" ``active >= 5 a``.
    """

    measure: Literal["window", "duration", "active"]
    direction: Literal["past", "future", "current"] = "past"
    operator: Operator
    value: float
    value2: float | None = None
    unit: str = Field(description="UCUM time unit: min, h, d, wk, mo, a")
    text: str
    span: Span


class Comparison(_Model):
    """A numeric limit on a variable: ``variable operator value [unit]``."""

    type: Literal["comparison"] = "comparison"
    variable: str = Field(description="the variable as written")
    kind: Kind
    operator: Operator
    value: float
    value2: float | None = Field(None, description="upper bound, for between")
    unit: str | None = Field(None, description="UCUM code where one exists")
    unit_text: str | None = Field(None, description="the unit as written")
    multiplier_of: str | None = Field(None, description="relative limit: value x ULN, LLN...")
    temporal: Temporal | None = None
    qualifiers: list[str] = Field(
        default_factory=list,
        description='"current": the latest value must be recent ("current HbA1c >= 7%"); a check reads '
        "values within its look-back only",
    )
    population: Literal["female", "male"] | None = Field(
        None,
        description='the sex the limit is written for ("> 450 ms (men)", "< 11 g/dL in females"); '
        "it does not apply to a patient of the other sex",
    )
    span: Span
    variable_span: Span | None = None
    source: Source = "grammar"


class Concept(_Model):
    text: str
    kind: Kind
    code: Code | None = None
    span: Span | None = Field(None, description="where the concept is written in the criterion text")


class Presence(_Model):
    """A concept asserted present, or absent when ``negated``."""

    type: Literal["presence"] = "presence"
    concept: Concept
    negated: bool = False
    temporal: Temporal | None = None
    qualifiers: list[str] = Field(default_factory=list, description='e.g. "history of", "uncontrolled"')
    excepted: list[Concept] = Field(
        default_factory=list,
        description='what does not count as this concept: "malignancy other than basal cell carcinoma"',
    )
    role: Literal["exception", "defined", "method", "effect", "optional", "risk", "contraindicated"] | None = Field(
        None,
        description="exception: the leaf names what a sibling's `excepted` leaves out; defined: the limits in "
        "brackets right after it define it ('Uncontrolled diabetes (HbA1c > 12%)'); method: it says how a "
        "sibling is found ('ILD (chest X-ray or HRCT)'); effect: what the thing a sibling names does "
        "('medications that affect appetite'); optional: it may be there or not ('hypertension with or "
        "without antihypertensive medications'); risk: what a sibling's risk is of ('at high risk for "
        "cardiovascular disease'); contraindicated: what a sibling's contraindication is to ('contraindication "
        "to insulin glargine'). In each case it asks nothing of its own",
    )
    span: Span
    source: Source = "grammar"


class Demographic(_Model):
    """Age (``operator value [value2] unit``), today or at an event (``at_event``), or sex (``value_text``:
    female, male)."""

    type: Literal["demographic"] = "demographic"
    attribute: Literal["age", "sex"]
    operator: Operator = "="
    value: float | None = None
    value2: float | None = None
    unit: str | None = Field(None, description="UCUM: a, mo, wk, d")
    value_text: str | None = None
    at_event: Literal["onset", "diagnosis"] | None = Field(
        None,
        description='an age at an event, not today: "age at onset of migraine", "age at diagnosis" '
        "(computed from the birth date and the onset or diagnosis date)",
    )
    event: Concept | None = Field(
        None, description="the condition whose onset or diagnosis ``at_event`` names; null: the trial's own condition"
    )
    span: Span
    variable_span: Span | None = Field(None, description='the words naming the attribute: "age", "aged"')
    source: Source = "grammar"


#: The reason of an unstructured leaf whose words name no condition, drug, procedure or observation.
NO_CONCEPT = "no clinical concept recognised"
#: the reason of a heading over criteria for someone else ("Donor Inclusion Criteria"): a person checks them
ANOTHER_PERSON = "criteria for another person (a donor, a partner)"
#: The reason of a criterion that only allows something ("Prior radiotherapy allowed"): it asks nothing.
PERMISSION = "permission"
#: The reason of a criterion that says there is nothing to ask ("None", "N/A"): vacuous, it rules no one out.
NOTHING_ASKED = "nothing asked"
#: Reasons of unstructured leaves that ask nothing of the patient: computable, and never against anyone.
ASKS_NOTHING = frozenset({PERMISSION, NOTHING_ASKED})


class Unstructured(_Model):
    """Text that is not computable (judgment, consent, compliance): kept for review."""

    type: Literal["unstructured"] = "unstructured"
    text: str
    reason: str
    negated: bool = Field(
        False, description="the words ask for the lack of what they name: 'unable to swallow tablets', 'unwilling to'"
    )
    span: Span


_CONFIDENCE = Field(
    None, ge=0, le=1, description="at a criterion's root: the logic model's probability for the weakest join"
)


class All(_Model):
    type: Literal["all"] = "all"
    args: list[Rule]
    confidence: float | None = _CONFIDENCE


class Any(_Model):
    type: Literal["any"] = "any"
    args: list[Rule]
    confidence: float | None = _CONFIDENCE


class Not(_Model):
    type: Literal["not"] = "not"
    args: list[Rule] = Field(min_length=1, max_length=1)


class AtLeast(_Model):
    type: Literal["at_least"] = "at_least"
    n: int = Field(ge=1)
    args: list[Rule]


Leaf = Comparison | Presence | Demographic | Unstructured
Rule = Annotated[
    All | Any | Not | AtLeast | Comparison | Presence | Demographic | Unstructured, Field(discriminator="type")
]
LOGIC_TYPES = ("all", "any", "not", "at_least")

for _model in (All, Any, Not, AtLeast):
    _model.model_rebuild()


class Criterion(_Model):
    """One criterion as segmentation finds it; offsets index the trial's criteria text."""

    id: str
    section: Section
    parent: str | None = None
    marker: str | None = None
    text: str
    start: int
    end: int


class StructuredCriterion(Criterion):
    rule: Rule
    status: Status


def leaves(rule: Rule) -> list[Leaf]:
    """All leaves of a rule tree, depth first."""
    if rule.type in LOGIC_TYPES:
        return [leaf for arg in rule.args for leaf in leaves(arg)]
    return [rule]


def shifted(model: BaseModel, offset: int) -> BaseModel:
    """``model`` with every span moved by ``offset``: a child criterion's rule, embedded in its
    parent's, then indexes the criteria text from the parent's start, as the parent's own leaves do."""
    updates = {}
    for name, value in model:
        if name in ("span", "variable_span") and value is not None:
            updates[name] = (value[0] + offset, value[1] + offset)
        elif isinstance(value, BaseModel):
            updates[name] = shifted(value, offset)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            updates[name] = [shifted(v, offset) for v in value]
    return model.model_copy(update=updates)


#: A tree whose weakest join the logic model read with less than this probability is not `structured`.
CONFIDENT = 0.5


def status_of(rule: Rule) -> Status:
    """structured: every leaf is computable and every join read with confidence; needs_review: no
    leaf is computable; partial: the rest."""
    kinds = {leaf.type == "unstructured" and leaf.reason not in ASKS_NOTHING for leaf in leaves(rule)}
    if kinds == {False}:
        unsure = getattr(rule, "confidence", None) is not None and rule.confidence < CONFIDENT
        return "partial" if unsure else "structured"
    return "needs_review" if kinds == {True} else "partial"


class Entity(_Model):
    """A typed character span in a criterion's text (condition, drug, value, unit, negation...)."""

    type: str
    start: int
    end: int
    text: str
