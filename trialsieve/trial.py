"""The typed trial record every reader produces and every later stage consumes."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from trialsieve.rules import SCHEMA_VERSION, StructuredCriterion


class RecordError(ValueError):
    """An input record that cannot be read as a trial; the message says why."""


#: A trial id names files, index entries and URLs downstream, so it must be a plain name: letters,
#: digits, '.', '-' and '_', starting with a letter or digit, at most 100 characters, never '..'.
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def is_safe_id(value: object) -> bool:
    """Whether ``value`` can be a trial id (see ``_SAFE_ID``)."""
    return isinstance(value, str) and _SAFE_ID.fullmatch(value) is not None and ".." not in value


def safe_id(text: str) -> str:
    """``text`` (say a file name) made into a trial id: unsafe characters become '_'."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", text).replace("..", "_").lstrip("._-")[:100]
    return name or "trial"


class Age(BaseModel):
    """An age limit as a number and a UCUM unit (a, mo, wk, d, h, min)."""

    model_config = ConfigDict(extra="forbid")
    value: float
    unit: str
    text: str


class Trial(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="NCT id where known, else another registry id or a file-derived id")
    secondary_ids: list[str] = Field(default_factory=list)
    title: str | None = None
    acronym: str | None = None
    summary: str | None = None
    conditions: list[str] = Field(default_factory=list)
    interventions: list[str] = Field(default_factory=list)
    phases: list[str] = Field(default_factory=list)
    status: str | None = None
    sex: str | None = Field(None, description="all, female or male")
    minimum_age: Age | None = None
    maximum_age: Age | None = None
    healthy_volunteers: bool | None = None
    enrollment: int | None = Field(None, ge=0, description="participants enrolled (actual) or planned (estimated)")
    criteria_text: str = Field("", description="eligibility criteria as written, headers included")
    source: str = Field(description="where the record was read from: path and format")


class StructuredTrial(BaseModel):
    """A trial with its criteria structured: one line of `trialsieve structure` output."""

    model_config = ConfigDict(extra="forbid")
    schema_version: str = SCHEMA_VERSION
    trial: Trial
    criteria: list[StructuredCriterion]
