"""Read a free-text clinical note into a ``Patient`` with the machinery that reads criteria.

The entity tagger finds conditions, drugs, procedures and observations; a negation cue from the
``cues`` lexicon ("denies", "no", "without", "negative for") earlier in the same clause marks a
concept absent. Measured values are a name, a number and a unit the units lexicon knows
("hemoglobin of 9.5 g/dL", "BP 150/95 mmHg"). Age and sex come from phrases like "A 58-year-old
woman". Notes carry no dates, so their facts are undated.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, get_args

from trialsieve.extract.grammar import parse_number
from trialsieve.extract.lexicon import alternation, load
from trialsieve.extract.units import TIME_UNITS, match_unit
from trialsieve.match.patient import Fact, FactKind, Patient

if TYPE_CHECKING:
    from trialsieve.extract.tagger import EntityTagger

_CUES = load("cues")
_AGE = re.compile(
    r"\b(\d{1,3}(?:\.\d+)?)\s*(?:-|\s)?\s*(year|yr|month|mo|week|wk|day)s?(?:\s*|-)old\b|\baged?\s+(\d{1,3})\b|"
    r"\b(\d{1,3})\s*(?:yo|y/o|y\.o\.)\b",
    re.IGNORECASE,
)
_AGE_UNIT = {"year": 1.0, "yr": 1.0, "month": 1 / 12, "mo": 1 / 12, "week": 7 / 365.25, "wk": 7 / 365.25}
_FEMALE = re.compile(rf"(?:{alternation(_CUES['sex_in_notes']['female'])})", re.IGNORECASE)
_MALE = re.compile(rf"(?:{alternation(_CUES['sex_in_notes']['male'])})", re.IGNORECASE)
_NEGATED_BEFORE = re.compile(rf"(?:{alternation(_CUES['negation'])})", re.IGNORECASE)
_PSEUDO = re.compile(rf"(?:{alternation(_CUES['pseudo_negation'])})", re.IGNORECASE)
# NegEx's terminations: a negation does not reach past these.
_CLAUSE_END = re.compile(
    r"[;:]|\b(?:but|however|although|except|aside from|apart from|which|who|presents?|presented|presenting|"
    r"complains?|reports?|due to|secondary to|because)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r".+?(?:[.!?](?=\s|$)|$)", re.MULTILINE)
_VALUE = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)*)(?:\s*/\s*(\d+(?:\.\d+)?))?")
_NAME = re.compile(r"([A-Za-z][A-Za-z0-9\-+ ]{0,40}?)\s*(?:\(\w+\))?\s*(?:of|is|was|were|at|:|=|level|count)?\s*$")
_NAME_STOP = frozenset(_CUES["stopwords"])
_FAMILY = re.compile(rf"(?:{alternation(_CUES['qualifiers']['family history'])})", re.IGNORECASE)
_PRESSURE = re.compile(r"\b(?:bp|blood pressure)\b", re.IGNORECASE)
_FACT_KINDS = frozenset(get_args(FactKind))


def read_note(text: str, tagger: EntityTagger | None = None, patient_id: str = "patient", source: str = "") -> Patient:
    """A patient from a clinical note; ``tagger`` None reads only age, sex and values."""
    patient = Patient(id=patient_id, note=text, source=source, age=_age(text), sex=_sex(text))
    sentences = [(m.start(), m[0]) for m in _SENTENCE.finditer(text) if m[0].strip()]
    tagged = tagger.tag([s for _, s in sentences]) if tagger else [[] for _ in sentences]
    for number, ((_, sentence), entities) in enumerate(zip(sentences, tagged, strict=True)):
        where = f"note sentence {number}"
        for entity in entities:
            if entity.type in _FACT_KINDS:
                present = not _negated(sentence, entity.start)
                family = bool(_FAMILY.search(sentence, _clause_start(sentence, entity.start), entity.start))
                fact = Fact(kind=entity.type, text=entity.text, present=present, source=where, family=family)
                patient.facts.append(fact)
        patient.facts.extend(_measurements(sentence, entities, where))
    pregnancy = [f for f in patient.facts if re.search(r"\bpregnan", f.text, re.IGNORECASE)]
    if pregnancy:
        patient.pregnant = any(f.present for f in pregnancy)
    return patient


def sentences(text: str) -> list[str]:
    """The note's sentences, in order: what "note sentence N" in evidence counts."""
    return [m[0].strip() for m in _SENTENCE.finditer(text) if m[0].strip()]


def _age(text: str) -> float | None:
    match = _AGE.search(text)
    if not match:
        return None
    if match[1]:
        return float(match[1]) * _AGE_UNIT.get(match[2].lower(), 1 / 365.25)
    return float(match[3] or match[4])


def _sex(text: str) -> str | None:
    female, male = len(_FEMALE.findall(text)), len(_MALE.findall(text))
    return "female" if female > male else "male" if male > female else None


def _clause_start(sentence: str, start: int) -> int:
    return max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, start)), default=0)


def _negated(sentence: str, start: int) -> bool:
    """A negation cue before ``start`` in the same clause."""
    cues = _NEGATED_BEFORE.finditer(sentence, _clause_start(sentence, start), start)
    return any(not _PSEUDO.match(sentence, cue.start()) for cue in cues)


def _measurements(sentence: str, entities: list, where: str) -> list[Fact]:
    """Values with a unit and the name just before them: "creatinine of 2.1 mg/dL".

    The name is the tagged concept that ends closest before the number, with no other number
    between; else the last words before it. Durations ("for 2 days") are not measurements.
    """
    facts = []
    previous_end = 0
    for match in _VALUE.finditer(sentence):
        unit = match_unit(sentence, match.end())
        floor, previous_end = previous_end, match.end()
        if unit is None or unit.code is None or unit.code in TIME_UNITS:
            continue
        named = [e for e in entities if e.type in _FACT_KINDS and floor <= e.start and e.end <= match.start()]
        if named and match.start() - named[-1].end <= 25:
            label = named[-1].text
        else:
            name = _NAME.search(sentence, floor, match.start())
            words = [w for w in name[1].split() if w.lower() not in _NAME_STOP] if name else []
            label = " ".join(words[-3:])
        value = parse_number(match[1])
        if not label or value is None:
            continue
        if match[2] and _PRESSURE.search(label):  # "BP 150/95 mmHg"
            for part, number in (("systolic blood pressure", value), ("diastolic blood pressure", float(match[2]))):
                facts.append(Fact(kind="measurement", text=part, value=number, unit=unit.code, source=where))
            continue
        facts.append(Fact(kind="measurement", text=label, value=value, unit=unit.code, source=where))
    return facts
