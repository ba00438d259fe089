"""Property tests of the patient readers: random structures in place of a record's fields never raise
anything but PatientError, and a check over what is read never raises (trialsieve/match/records.py,
fhir.py, patient.py, check.py)."""

import datetime as dt
import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.match.test_bad_patients import TRIAL
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import MAX_AGE, PatientError, plausible
from trialsieve.match.records import parse_patient

SYNTHEA = Path("/work/shared/data/fhir/synthea/p17.json")
MATCHER = ConceptMatcher()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _base() -> dict:
    """A real Synthea R4 bundle cut to one resource of each kind the reader reads (and an Observation
    with a value and one with components), so each example is quick."""
    entries = json.loads(SYNTHEA.read_text())["entry"]
    kept, seen = [], set()
    for entry in entries:
        resource = entry["resource"]
        kind = resource["resourceType"]
        if kind == "Observation":
            kind += " component" if "component" in resource else " value" if "valueQuantity" in resource else ""
        if kind not in seen:
            seen.add(kind)
            kept.append(entry)
    return {"resourceType": "Bundle", "type": "collection", "entry": kept}


BASE = _base()


def _paths(value, path=()) -> list[tuple]:
    """Every place in a JSON value: each key of a mapping, each item of a list."""
    found = [path]
    if isinstance(value, dict):
        found += [p for key, item in value.items() for p in _paths(item, (*path, key))]
    elif isinstance(value, list):
        found += [p for number, item in enumerate(value) for p in _paths(item, (*path, number))]
    return found


PATHS = [p for p in _paths(BASE) if p]
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats()  # NaN and the infinities too: json writes them
    | st.text(max_size=12)
    | st.sampled_from(["1975", "1975-01", "0001-01-01", "2999-01-01", "banana", "Patient", "/uL", "2026-13-45"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31))


def _replaced(data: dict, path: tuple, value) -> dict:
    copy = json.loads(json.dumps(data))
    place = copy
    for step in path[:-1]:
        place = place[step]
    place[path[-1]] = value
    return copy


def _read_and_check(text: str, suffix: str, day: dt.date) -> None:
    """Read, then check: a PatientError is the only refusal, and what is read is possible (an empty
    file is no patient; no age beyond a lifetime; no value beyond any measurement)."""
    try:
        patient = parse_patient(text, suffix, f"random{suffix}")
    except PatientError:
        return
    assert text.strip()
    assert patient.age is None or 0 <= patient.age <= MAX_AGE
    assert all(plausible(f.value) and plausible(f.reference_high) for f in patient.facts)
    check(TRIAL, patient, day, MATCHER)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(PATHS), JSON), min_size=1, max_size=3), DAYS)
def test_any_field_of_a_fhir_bundle_replaced_raises_only_patient_error(changes, day):
    data = BASE
    for path, value in changes:
        try:
            data = _replaced(data, path, value)
        except (KeyError, IndexError, TypeError):  # an earlier change removed the place
            continue
    _read_and_check(json.dumps(data), ".json", day)


FIELDS = ["id", "birth_date", "age", "sex", "pregnant", "breastfeeding", "facts", "note", "warnings", "birth_precision"]
FACT_FIELDS = ["kind", "text", "codes", "present", "value", "unit", "reference_high", "date", "days_before", "ended"]
VALUES = JSON | st.sampled_from(["female", "male", "measurement", "condition", "10*9/L", "{score}", "2026-01-01"])
FACT = st.dictionaries(st.sampled_from(FACT_FIELDS), VALUES, max_size=6)
PATIENT = st.dictionaries(st.sampled_from(FIELDS), VALUES | st.lists(FACT, max_size=3), max_size=6)


@SETTINGS
@given(PATIENT, st.sampled_from([".json", ".yaml"]), DAYS)
def test_any_simple_patient_file_raises_only_patient_error(data, suffix, day):
    text = json.dumps(data) if suffix == ".json" else yaml.safe_dump(data)
    _read_and_check(text, suffix, day)


@SETTINGS
@given(st.text(max_size=300), DAYS)
def test_any_text_in_any_form_raises_only_patient_error(text, day):
    for suffix in (".json", ".yaml", ".txt"):
        _read_and_check(text, suffix, day)
