"""The patient record every reader produces (FHIR, simple file, note) and the checker consumes.

A patient is demographics plus a flat list of facts. A fact is something the record says: a
condition, drug, procedure or measured value, present or documented absent, with its date and
where it came from, so every verdict can cite the fact it used.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from trialsieve.extract.lexicon import load
from trialsieve.rules import Code

FactKind = Literal["condition", "drug", "procedure", "measurement", "observation", "device"]
Sex = Literal["female", "male", "other"]
Precision = Literal["day", "month", "year"]

#: The oldest age a record can hold (the oldest person on record lived to 122): a larger one is an error.
MAX_AGE = 130.0
#: The largest magnitude a measured value can have in any unit (red cells per litre are about 5e12):
#: a larger one (1e308) is a typo or a fault, and judged on it would settle limits at random.
MAX_VALUE = 1e15
#: How long ago a note or file may say something happened: a lifetime.
MAX_DAYS = MAX_AGE * 365.25
#: The earliest birth date a living patient's record can hold.
EARLIEST_BIRTH = dt.date(1850, 1, 1)
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


class PatientError(ValueError):
    """A patient file that cannot be read; the message names the bad part."""


def plausible(value: float | None) -> bool:
    """Whether a measured value is a number a record can hold: finite and below ``MAX_VALUE``."""
    return value is None or (math.isfinite(value) and abs(value) <= MAX_VALUE)


def describe(error: ValidationError, most: int = 5) -> str:
    """A validation error in a few lines: where and what, for at most ``most`` errors. pydantic's own
    text repeats each bad input, and a file with thousands of bad (or aliased) parts makes it huge."""
    found = error.errors(include_url=False, include_input=False)
    parts = [f"{'.'.join(map(str, e.get('loc', ()))) or 'file'}: {e.get('msg', '')}"[:200] for e in found[:most]]
    more = f" (and {len(found) - most} more)" if len(found) > most else ""
    return "; ".join(parts) + more


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: FactKind
    text: str = Field(description="the concept as the record names it")
    codes: list[Code] = Field(default_factory=list)
    present: bool = Field(True, description="false when the record says it is absent (refuted, denied)")
    value: float | None = Field(None, ge=-MAX_VALUE, le=MAX_VALUE, allow_inf_nan=False)
    unit: str | None = Field(None, description="UCUM code")
    bound: Literal["<", "<=", ">", ">=", "between"] | None = Field(
        None,
        description='the value is a bound, not a reading: "ANC < 1,700" is any value below 1,700 ("between": from'
        " value to value2); a limit is settled only when every such value agrees",
    )
    value2: float | None = Field(None, ge=-MAX_VALUE, le=MAX_VALUE, allow_inf_nan=False, description="a between's top")
    reference_high: float | None = Field(
        None,
        ge=-MAX_VALUE,
        le=MAX_VALUE,
        allow_inf_nan=False,
        description="the upper limit of normal given with the value",
    )
    date: dt.date | None = Field(None, description="onset, effective or start date")
    days_before: float | None = Field(
        None,
        ge=0,
        le=MAX_DAYS,
        allow_inf_nan=False,
        description='with no date: how many days before the record was written it happened or began ("two weeks'
        ' ago", "cough for 2 days" in a note); read as days before the evaluation date',
    )
    ended: bool = Field(
        False, description="the record says it is over: a condition resolved or in remission, a drug stopped"
    )
    end: dt.date | None = Field(None, description="when it resolved, stopped or ended, when the record says")
    source: str = Field("", description="where in the record: a FHIR entry, a field, a note sentence")
    family: bool = Field(False, description="a relative's, from a family history: never the patient's own")


class Patient(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = "patient"
    birth_date: dt.date | None = Field(
        None,
        description='YYYY-MM-DD; a year ("1975") or a month ("1975-01") is read as its middle day, with its precision',
    )
    birth_precision: Precision = Field("day", description="how much of the birth date the record gives")
    age: float | None = Field(
        None,
        ge=0,
        le=MAX_AGE,
        allow_inf_nan=False,
        description="age in years on the evaluation date, when no birth date is known",
    )
    sex: Sex | None = None
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    facts: list[Fact] = Field(default_factory=list)
    note: str | None = Field(None, description="free text kept with the record")
    source: str = ""
    warnings: list[str] = Field(default_factory=list, description="what the reader could not read and left out")

    @model_validator(mode="before")
    @classmethod
    def _partial_birth_date(cls, data):
        """A FHIR birth date may be a year or a month (``1975``, ``1975-01``): it is kept as the middle
        of that period, and ``birth_precision`` says so, so an age near a limit is not settled on a
        guess. A bare number is refused: pydantic would read it as seconds since 1970."""
        if not isinstance(data, dict):
            return data
        written = data.get("birth_date")
        if isinstance(written, (int, float)) and not isinstance(written, bool):
            raise ValueError(f"birth_date {written!r}: write a date as YYYY-MM-DD (or a year as text: '1975')")
        if isinstance(written, str) and (partial := _PARTIAL.match(written.strip())):
            year, month = int(partial[1]), partial[2]
            if month is None:
                middle, precision = dt.date(year, 7, 2), "year"
            elif 1 <= int(month) <= 12:
                middle, precision = dt.date(year, int(month), 15), "month"
            else:
                raise ValueError(f"birth_date {written!r}: no month {month}")
            data = {**data, "birth_date": middle, "birth_precision": precision}
        return data

    @model_validator(mode="after")
    def _possible_birth(self) -> Patient:
        """A birth date before anyone now alive, or after today, is a fault in the record."""
        born = self.birth_range()
        if born is not None and (born[1] < EARLIEST_BIRTH or born[0] > dt.date.today()):
            raise ValueError(f"{self.birth_date} is not a possible birth date (before {EARLIEST_BIRTH} or after today)")
        return self

    def birth_range(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day the patient can have been born on, at the birth date's precision."""
        day = self.birth_date
        if day is None:
            return None
        if self.birth_precision == "year":
            return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
        if self.birth_precision == "month":
            following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
            return dt.date(day.year, day.month, 1), following - dt.timedelta(days=1)
        return day, day

    def age_on(self, day: dt.date) -> float | None:
        """Age in years on ``day``: from the birth date when known (its middle, when only a year or a
        month is), else the stated age."""
        if self.birth_date is None:
            return self.age
        return (day - self.birth_date).days / 365.25

    def age_range(self, day: dt.date) -> tuple[float, float] | None:
        """The youngest and oldest the patient can be on ``day``: one age unless the birth date is partial."""
        if (born := self.birth_range()) is None:
            return None if self.age is None else (self.age, self.age)
        return (day - born[1]).days / 365.25, (day - born[0]).days / 365.25

    def age_problem(self, day: dt.date) -> str | None:
        """Why the age on ``day`` cannot be used (a birth date after ``day``, an age over ``MAX_AGE``), or None."""
        ages = self.age_range(day)
        if ages is None:
            return None
        if ages[1] < 0:
            return f"the birth date {self.birth_date} is after the evaluation date {day}"
        if ages[0] > MAX_AGE:
            return f"an age of {ages[0]:.0f} years on {day} is impossible (birth date {self.birth_date})"
        return None

    def all_facts(self) -> list[Fact]:
        """The record's facts plus those its demographics imply: pregnancy status, and none for a male."""
        derived = []
        for concept, state in (("pregnancy", self.pregnant), ("breastfeeding", self.breastfeeding)):
            if state is None and self.sex == "male":
                state = False
            if state is not None:
                derived.append(Fact(kind="condition", text=concept, present=state, source=f"patient.{concept}"))
        if (potential := self._childbearing_potential()) is not None:
            derived.append(potential)
        return self.facts + derived

    def _childbearing_potential(self) -> Fact | None:
        """Not of childbearing potential: a man, or a woman whose record names menopause or
        sterilisation (``lexicons/derived.json``). None when the record does not say."""
        spec = load("derived", "trialsieve.match")["childbearing_potential"]
        if self.sex == "male":
            return Fact(kind="condition", text=spec["concept"], present=False, source="patient.sex")
        if self.sex != "female":
            return None
        ended = next(
            (
                f
                for f in self.facts
                if f.present and not f.family and any(word in f.text.lower() for word in spec["ends_by"])
            ),
            None,
        )
        if ended is None:
            return None
        return Fact(kind="condition", text=spec["concept"], present=False, source=f"derived from: {ended.text}")
