"""The patient record every reader produces (FHIR, simple file, note) and the checker consumes.

A patient is demographics plus a flat list of facts. A fact is something the record says: a
condition, drug, procedure or measured value, present or documented absent, with its date and
where it came from, so every verdict can cite the fact it used.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trialsieve.extract.lexicon import load
from trialsieve.rules import Code

FactKind = Literal["condition", "drug", "procedure", "measurement", "observation", "device"]
Sex = Literal["female", "male", "other"]


class PatientError(ValueError):
    """A patient file that cannot be read; the message names the bad part."""


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: FactKind
    text: str = Field(description="the concept as the record names it")
    codes: list[Code] = Field(default_factory=list)
    present: bool = Field(True, description="false when the record says it is absent (refuted, denied)")
    value: float | None = None
    unit: str | None = Field(None, description="UCUM code")
    reference_high: float | None = Field(None, description="the upper limit of normal given with the value")
    date: dt.date | None = Field(None, description="onset, effective or start date")
    days_before: float | None = Field(
        None,
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
    birth_date: dt.date | None = None
    age: float | None = Field(None, description="age in years on the evaluation date, when no birth date is known")
    sex: Sex | None = None
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    facts: list[Fact] = Field(default_factory=list)
    note: str | None = Field(None, description="free text kept with the record")
    source: str = ""
    warnings: list[str] = Field(default_factory=list, description="what the reader could not read and left out")

    def age_on(self, day: dt.date) -> float | None:
        """Age in years on ``day``: from the birth date when known, else the stated age."""
        if self.birth_date is None:
            return self.age
        return (day - self.birth_date).days / 365.25

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
