"""Patients as the app receives them: a form, FHIR JSON (pasted or uploaded), or a note.

Every way in ends in the same ``Patient`` the command line reads, and every bad input raises
``PatientError`` with a message fit to show the user. Sizes are capped so that one paste cannot
tie up the server, and uploaded JSON or YAML is parsed in a child process (``work.in_child``) that
is stopped at the time limit, since a hostile file can keep a parser busy for ever.
"""

from __future__ import annotations

import math
from pathlib import Path

from trialsieve.app import work
from trialsieve.extract.tagger import EntityTagger
from trialsieve.extract.units import ucum
from trialsieve.match.patient import MAX_AGE, MAX_VALUE, Fact, Patient, PatientError
from trialsieve.match.records import parse_patient, read_patient

MAX_NOTE = 50_000  # characters: a long discharge summary is about 20,000
MAX_JSON = 16_000_000  # bytes of FHIR or patient JSON: a Synthea bundle of a long life is 2-3 MB
MAX_LIST = 10_000  # characters of the form's conditions or medications: a long history is about 2,000
MAX_ROWS = 200  # measurement rows in the form
FILE_FORMATS = (".json", ".yaml", ".yml")  # uploads read as records; anything else is a note
EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "patients"


def from_form(
    age: float | str | None,
    sex: str | None,
    conditions: str,
    medications: str,
    measurements: list[list] | None,
) -> Patient:
    """A patient from the form: conditions and medications one per line, measurements as rows. A blank
    age is an age not recorded, never 0: a newborn would fail every adult trial's minimum age."""
    age = _age(age)
    for what, text in (("conditions", conditions), ("medications", medications)):
        if len(text or "") > MAX_LIST:
            raise PatientError(f"the {what} are over {MAX_LIST:,} characters; list the relevant ones")
    if len(measurements or []) > MAX_ROWS:
        raise PatientError(f"the form has over {MAX_ROWS} measurement rows; keep the relevant ones")
    facts = [Fact(kind="condition", text=line, source="form") for line in _lines(conditions)]
    facts += [Fact(kind="drug", text=line, source="form") for line in _lines(medications)]
    for number, row in enumerate(measurements or [], 1):
        name, value, unit = ([*row, "", "", ""])[:3]
        if not str(name or "").strip() and str(value or "").strip() in ("", "nan"):
            continue
        facts.append(_measurement(number, str(name or "").strip(), value, str(unit or "").strip()))
    sex = (sex or "").lower() or None
    return Patient(id="form", age=age, sex=sex, facts=facts, source="form")


def from_text(text: str, kind: str, tagger: EntityTagger | None) -> Patient:
    """A patient from pasted text: ``kind`` "json" (FHIR or a patient file) or "note"."""
    if not text or not text.strip():
        raise PatientError("nothing was pasted")
    if kind == "json":
        if len(text.encode()) > MAX_JSON:
            raise PatientError(f"the JSON is over {MAX_JSON // 1_000_000} MB; trim it or upload a smaller bundle")
        return parse_patient(text, ".json", "pasted JSON")
    if len(text) > MAX_NOTE:
        raise PatientError(f"the note is over {MAX_NOTE:,} characters; paste the relevant part")
    return parse_patient(text, ".txt", "pasted note", tagger, "note")


def from_upload(path: str | None, tagger: EntityTagger | None) -> Patient:
    """A patient from a file Gradio saved in its upload folder (JSON, YAML or a text note)."""
    if not path:
        raise PatientError("no file was uploaded")
    upload = Path(path)
    size = upload.stat().st_size
    if size > MAX_JSON:
        raise PatientError(f"the file is over {MAX_JSON // 1_000_000} MB")
    if upload.suffix.lower() in FILE_FORMATS:
        try:
            return work.in_child(read_patient, upload, None, upload.name)
        except MemoryError:
            raise PatientError(f"{upload.name}: reading it needs too much memory") from None
    if size > 4 * MAX_NOTE:  # bytes: at most four to a character
        raise PatientError(f"the note is over {MAX_NOTE:,} characters; upload the relevant part")
    return read_patient(upload, tagger, source=upload.name)


def examples() -> dict[str, Path]:
    """The bundled example patients by name (``data/patients``)."""
    return {p.stem: p for p in sorted(EXAMPLES.glob("*.json"))} if EXAMPLES.is_dir() else {}


def _age(given: float | str | None) -> float | None:
    """The form's age in years: a number, or None when the box was left blank."""
    text = str(given if given is not None else "").strip()
    if not text:
        return None
    try:
        age = float(text.replace(",", "."))
    except ValueError:
        raise PatientError(f"age {text[:20]!r} is not a number of years") from None
    if not 0 <= age <= MAX_AGE:  # NaN too
        raise PatientError(f"age {text[:20]} is not between 0 and {MAX_AGE:g} years")
    return age


def _lines(text: str | None) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def _measurement(number: int, name: str, value, unit: str) -> Fact:
    if not name:
        raise PatientError(f"measurement row {number} has a value but no name")
    try:
        number_value = float(value)
    except (TypeError, ValueError):
        raise PatientError(f"measurement row {number} ({name}): {value!r} is not a number") from None
    if math.isnan(number_value):
        raise PatientError(f"measurement row {number} ({name}) has no value")
    if not math.isfinite(number_value) or abs(number_value) > MAX_VALUE:
        raise PatientError(f"measurement row {number} ({name}): {value} is not a value a test gives")
    code = ucum(unit) if unit else None
    if unit and code is None:
        raise PatientError(f"measurement row {number} ({name}): unknown unit {unit!r}; try e.g. g/dL, 10^9/L, %")
    return Fact(kind="measurement", text=name, value=number_value, unit=code, source="form")
