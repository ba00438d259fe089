"""ClinicalTrials.gov API v2 study records -> ``Trial``.

Each record is validated against a typed model of the fields we read before anything is taken
from it: a field of the wrong type (``conditions: "Diabetes"``, ``minimumAge: 18``) is an error
naming the field, never a silent misreading (eight one-letter conditions, or no age at all).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from trialsieve.extract.units import SPELLINGS
from trialsieve.trial import Age, RecordError, Trial

_SEX = {"ALL": "all", "FEMALE": "female", "MALE": "male"}

#: The API's age form: a non-negative number and a time unit ("18 Years", "6 Months").
_AGE = re.compile(r"\s*(\d{1,4}(?:\.\d{1,4})?)\s*(years?|months?|weeks?|days?|hours?|minutes?)\s*", re.IGNORECASE)
#: Years per unit, to bound an age to a human lifetime.
_YEARS = {"a": 1.0, "mo": 1 / 12, "wk": 1 / 52, "d": 1 / 365, "h": 1 / 8760, "min": 1 / 525600}
_MAX_YEARS = 150


class _Module(BaseModel):
    """A part of the record: unknown fields are ignored, known ones must have their API type."""

    model_config = ConfigDict(extra="ignore", strict=True)


class _IdInfo(_Module):
    id: str | None = None


class _Identification(_Module):
    nctId: str | None = None
    orgStudyIdInfo: _IdInfo | None = None
    secondaryIdInfos: list[_IdInfo] | None = None
    briefTitle: str | None = None
    officialTitle: str | None = None
    acronym: str | None = None


class _Status(_Module):
    overallStatus: str | None = None


class _Description(_Module):
    briefSummary: str | None = None


class _Conditions(_Module):
    conditions: list[str] | None = None


class _Enrollment(_Module):
    count: int | None = None


class _Design(_Module):
    phases: list[str] | None = None
    enrollmentInfo: _Enrollment | None = None


class _Intervention(_Module):
    type: str | None = None
    name: str | None = None


class _ArmsInterventions(_Module):
    interventions: list[_Intervention] | None = None


class _Eligibility(_Module):
    eligibilityCriteria: str | None = None
    sex: Literal["ALL", "FEMALE", "MALE"] | None = None
    minimumAge: str | None = None
    maximumAge: str | None = None
    healthyVolunteers: bool | None = None


class _Protocol(_Module):
    identificationModule: _Identification | None = None
    statusModule: _Status | None = None
    descriptionModule: _Description | None = None
    conditionsModule: _Conditions | None = None
    designModule: _Design | None = None
    armsInterventionsModule: _ArmsInterventions | None = None
    eligibilityModule: _Eligibility | None = None


class _Study(_Module):
    protocolSection: _Protocol


def is_study(obj: Any) -> bool:
    return isinstance(obj, dict) and "protocolSection" in obj


def studies(obj: Any) -> Iterator[Any]:
    """The study records in a parsed JSON document: one study, a list, or an API page."""
    if isinstance(obj, dict) and isinstance(obj.get("studies"), list):
        yield from obj["studies"]
    elif isinstance(obj, list):
        yield from obj
    else:
        yield obj


def read_study(study: Any, source: str) -> Trial:
    """One API v2 study as a ``Trial``; raises ``RecordError`` (and nothing else) saying what is wrong."""
    if not isinstance(study, dict):
        raise RecordError(f"record is {_kind(study)}, expected a ClinicalTrials.gov API v2 study (an object)")
    if "protocolSection" not in study:
        raise RecordError("not a ClinicalTrials.gov API v2 study: no protocolSection")
    try:
        protocol = _Study.model_validate(study).protocolSection
    except ValidationError as error:
        raise RecordError(_describe(error)) from None
    ident = protocol.identificationModule or _Identification()
    if not ident.nctId:
        raise RecordError("study has no identificationModule.nctId")
    eligibility = protocol.eligibilityModule or _Eligibility()
    secondary = [s.id for s in ident.secondaryIdInfos or [] if s.id]
    org_id = (ident.orgStudyIdInfo or _IdInfo()).id
    interventions = (protocol.armsInterventionsModule or _ArmsInterventions()).interventions or []
    design = protocol.designModule or _Design()
    return Trial(
        id=ident.nctId,
        secondary_ids=[org_id, *secondary] if org_id else secondary,
        title=ident.officialTitle or ident.briefTitle,
        acronym=ident.acronym,
        summary=(protocol.descriptionModule or _Description()).briefSummary,
        conditions=(protocol.conditionsModule or _Conditions()).conditions or [],
        interventions=[_intervention(i) for i in interventions],
        phases=design.phases or [],
        status=(protocol.statusModule or _Status()).overallStatus,
        sex=_SEX[eligibility.sex] if eligibility.sex else None,
        minimum_age=_age(eligibility.minimumAge, "minimumAge"),
        maximum_age=_age(eligibility.maximumAge, "maximumAge"),
        healthy_volunteers=eligibility.healthyVolunteers,
        enrollment=_enrollment(design.enrollmentInfo),
        criteria_text=eligibility.eligibilityCriteria or "",
        source=source,
    )


def _intervention(item: _Intervention) -> str:
    kind = (item.type or "").replace("_", " ").title()
    return f"{kind}: {item.name or ''}" if kind else item.name or ""


def _age(text: str | None, field: str) -> Age | None:
    """ "18 Years" -> 18 a; "N/A" or none -> None; anything else (-5, 1e308, "old") is an error."""
    if text is None or text.strip().upper() in ("", "N/A"):
        return None
    found = _AGE.fullmatch(text)
    if found:
        unit = SPELLINGS.get(found[2].lower(), "")
        value = float(found[1])
        if unit in _YEARS and math.isfinite(value) and value * _YEARS[unit] <= _MAX_YEARS:
            return Age(value=value, unit=unit, text=text.strip())
    raise RecordError(f"protocolSection.eligibilityModule.{field} {text[:40]!r} is not an age like '18 Years'")


def _enrollment(info: _Enrollment | None) -> int | None:
    """The enrolment count; a negative one is an error, since no trial enrols fewer than nobody."""
    if info is None or info.count is None:
        return None
    if info.count < 0:
        raise RecordError(f"protocolSection.designModule.enrollmentInfo.count is {info.count}, expected a count >= 0")
    return info.count


def _describe(error: ValidationError) -> str:
    """The first problem, short: 'protocolSection.conditionsModule.conditions is a string, expected a list'."""
    first = error.errors(include_url=False)[0]
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"]).lstrip(".")
    expected = {
        "model_type": "an object",
        "model_attributes_type": "an object",
        "dict_type": "an object",
        "list_type": "a list",
        "string_type": "a string",
        "bool_type": "true or false",
        "int_type": "an integer",
        "literal_error": "one of " + first.get("ctx", {}).get("expected", ""),
    }.get(first["type"], first["msg"])
    if first["type"] == "literal_error" and isinstance(first["input"], str):
        return f"{path} is {first['input'][:40]!r}, expected {expected}"
    return f"{path} is {_kind(first['input'])}, expected {expected}"


def _kind(value: Any) -> str:
    """A JSON value's type in words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
