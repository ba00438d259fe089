"""Facts from a clinical note read by an LLM, added to what the rule-based note reader found.

The model lists conditions, drugs, procedures, measurements and observations with negation,
values, units and dates. Each fact is checked against the note before it is kept:
- its words must be in the note;
- its number must be a number in the note;
- its unit must be in the note and be a unit trialsieve knows;
- its date must be written in the note as YYYY-MM-DD.

Facts the reader already has are not added twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from trialsieve.llm.backends import LLM, LLMError, instructed
from trialsieve.llm.grounding import find, numbers_in, unit_code
from trialsieve.match.concepts import normalise
from trialsieve.match.patient import Fact, Patient

PROMPT = (
    "List the facts a clinical note states about the patient: conditions, drugs, procedures, "
    "measurements (with value and unit) and observations. Mark a fact present false when the note "
    "says the patient does not have it. Copy words, numbers, units and dates exactly from the note."
)


class FactReading(BaseModel):
    kind: Literal["condition", "drug", "procedure", "measurement", "observation"]
    text: str = Field(max_length=80)
    present: bool = True
    value: float | None = None
    unit: str | None = Field(None, max_length=20)
    date: str | None = Field(None, max_length=10)


class NoteReading(BaseModel):
    facts: list[FactReading] = Field(default_factory=list, max_length=12)


def note_facts(llm: LLM, note: str) -> tuple[list[Fact], list[str]]:
    """(the facts that check out against the note, why each other one was rejected)."""
    try:
        reading = llm.reply(instructed(PROMPT, note), NoteReading)
    except LLMError as error:
        return [], [str(error)]
    numbers = numbers_in(note)
    facts, rejected = [], []
    for item in reading.facts:
        code = unit_code(note, item.unit) if item.unit else None
        if find(note, item.text) < 0:
            rejected.append(f"{item.text!r} is not in the note")
        elif item.value is not None and item.value not in numbers:
            rejected.append(f"{item.text}: {item.value:g} is not a number in the note")
        elif item.unit and code is None:
            rejected.append(f"{item.text}: unit {item.unit!r} is not in the note or not a known unit")
        elif item.date and (item.date not in note or not _is_date(item.date)):
            rejected.append(f"{item.text}: date {item.date!r} is not written in the note")
        else:
            try:
                fact = Fact(
                    kind=item.kind,
                    text=item.text.strip(),
                    present=item.present,
                    value=item.value,
                    unit=code,
                    date=dt.date.fromisoformat(item.date) if item.date else None,
                    source=f"note ({llm.name})",
                )
            except ValidationError as error:  # a value no test gives, a date before 1850...
                rejected.append(f"{item.text}: {error.errors()[0]['msg']}")
                continue
            facts.append(fact)
    return facts, rejected


def with_note_facts(patient: Patient, llm: LLM | None) -> Patient:
    """``patient`` plus the checked facts ``llm`` reads in its note that it does not have yet."""
    if llm is None or not patient.note:
        return patient
    known = {(f.kind, normalise(f.text), f.value) for f in patient.facts}
    found, _ = note_facts(llm, patient.note)
    new = [f for f in found if (f.kind, normalise(f.text), f.value) not in known]
    return patient.model_copy(update={"facts": [*patient.facts, *new]}) if new else patient


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
