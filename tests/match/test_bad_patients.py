"""Bad patient records and bad dates: each is refused with a clear message (PatientError, ValueError) or
read with the bad part marked, and a verdict on what cannot be read is an honest ``unknown`` with the
reason, never a number read in another unit or an age that cannot be (trialsieve/match/)."""

import datetime as dt
import json
import time

import pytest
from typer.testing import CliRunner

from trialsieve.cli import app
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check, evaluation_day
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Patient, PatientError
from trialsieve.match.records import MAX_NOTE_BYTES, parse_patient, read_patient
from trialsieve.trial import Trial

AS_OF = dt.date(2026, 11, 29)
CRITERIA = """Inclusion Criteria:
- Age >= 18 years
- INR <= 1.5

Exclusion Criteria:
- Absolute neutrophil count < 1.5 x 10^9/L
- ECOG performance status > 2
"""
TRIAL = structure_trial(Trial(id="T1", source="test", sex="female", criteria_text=CRITERIA))
ANC = "Absolute neutrophil count"


def verdicts(patient: Patient, as_of: dt.date = AS_OF) -> dict[str, tuple[str, list[str]]]:
    report = check(TRIAL, patient, as_of, ConceptMatcher())
    return {c.id: (c.verdict, [e.reason for e in c.evidence]) for c in report.criteria}


def bundle(*resources: dict, birth: str | None = "1970-05-01", gender: str | None = "female") -> dict:
    person = {"resourceType": "Patient", "id": "p"} | ({"birthDate": birth} if birth else {})
    person |= {"gender": gender} if gender else {}
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in (person, *resources)]}


def observation(text: str, quantity: dict, when: str = "2026-11-01", number: int = 1) -> dict:
    return {
        "resourceType": "Observation",
        "id": f"o{number}",
        "status": "final",
        "code": {"text": text},
        "effectiveDateTime": when,
        "valueQuantity": quantity,
    }


def fhir(data: dict) -> Patient:
    return parse_patient(json.dumps(data), ".json", "test.json")


def simple(**fields) -> str:
    return json.dumps({"id": "s", "birth_date": "1970-05-01", "sex": "female"} | fields)


def lab(text: str, value, unit, date: str = "2026-11-01") -> dict:
    return {"kind": "measurement", "text": text, "value": value, "unit": unit, "date": date}


# --- a value whose unit is missing or unreadable -------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        ({"value": 300, "unit": "/uL"}, "met"),  # 0.3 x 10^9/L: excluded
        ({"value": 300, "unit": "cells per microlitre"}, "unknown"),
        ({"value": 300}, "unknown"),
    ],
)
def test_a_fhir_value_without_a_readable_unit_is_unknown_not_read_in_the_limits_unit(quantity, expected):
    patient = fhir(bundle(observation(ANC, quantity)))
    verdict, reasons = verdicts(patient)["E1"]
    assert verdict == expected
    if expected == "unknown":
        assert str(quantity.get("unit", "without a unit")) in reasons[0] and "10*9/L" in reasons[0]


def test_a_simple_file_value_without_a_unit_is_unknown_and_a_plain_number_still_compares():
    for unit in (None, "cells per microlitre"):
        patient = parse_patient(simple(facts=[lab(ANC, 300, unit)]), ".json", "s.json")
        verdict, reasons = verdicts(patient)["E1"]
        assert verdict == "unknown" and "10*9/L" in reasons[0]
    # a ratio or a score has no unit to miss: INR 2.0 and ECOG 3 are read against limits with none
    facts = [lab("INR", 2.0, None), lab("ECOG performance status", 3, None)]
    found = verdicts(parse_patient(simple(facts=facts), ".json", "s.json"))
    assert (found["I2"][0], found["E2"][0]) == ("not_met", "met")
    scored = [lab("ECOG performance status", 1, "{score}")]
    assert verdicts(parse_patient(simple(facts=scored), ".json", "s.json"))["E2"][0] == "not_met"


# --- impossible data ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"age": -5}',
        '{"age": NaN}',
        '{"age": 1e308}',
        "age: .nan",
        '{"birth_date": "0001-01-01"}',
        '{"birth_date": "2999-01-01"}',
        '{"birth_date": 86400}',
        '{"facts": [{"kind": "measurement", "text": "INR", "value": -Infinity}]}',
        '{"facts": [{"kind": "measurement", "text": "INR", "value": 1e308}]}',
        '{"facts": [{"kind": "condition", "text": "cough", "days_before": 1e308}]}',
    ],
)
def test_an_impossible_simple_patient_file_is_refused(text):
    suffix = ".yaml" if text.startswith("age:") else ".json"
    with pytest.raises(PatientError, match=r"s\.json|s\.yaml"):
        parse_patient(text, suffix, f"s{suffix}")


@pytest.mark.parametrize("birth", ["0001-01-01", "2999-01-01"])
def test_an_impossible_fhir_birth_date_is_refused(birth):
    with pytest.raises(PatientError, match="not a possible birth date"):
        fhir(bundle(birth=birth))


def test_an_impossible_fhir_value_is_refused():
    for value in ("1e308", "-1e308", "-Infinity"):
        written = json.dumps(bundle(observation(ANC, {"value": 1, "unit": "/uL"})))
        text = written.replace('"value": 1,', f'"value": {value},')
        with pytest.raises(PatientError, match="Observation/o1"):
            parse_patient(text, ".json", "test.json")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_an_impossible_evaluation_date_is_refused(day):
    with pytest.raises(ValueError, match="outside the dates"):
        evaluation_day(day)
    with pytest.raises(ValueError, match="outside the dates"):
        check(TRIAL, Patient(age=40), dt.date.fromisoformat(day), ConceptMatcher())


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_cli_refuses_an_impossible_as_of(tmp_path, day):
    patient = tmp_path / "p.json"
    patient.write_text(simple())
    for command in ("check", "match"):
        other = ("--trial", str(patient)) if command == "check" else ("--index", str(tmp_path))
        result = CliRunner().invoke(app, [command, "--patient", str(patient), *other, "--as-of", day])
        assert result.exit_code == 2 and "outside the dates" in result.output, result.output


def test_a_birth_date_after_the_evaluation_date_is_unknown_with_the_reason():
    found = verdicts(Patient(birth_date="2000-01-01", sex="female"), dt.date(1990, 1, 1))
    verdict, reasons = found["I1"]
    assert verdict == "unknown" and reasons == ["the birth date 2000-01-01 is after the evaluation date 1990-01-01"]


def test_an_age_over_any_lifetime_is_unknown_with_the_reason():
    found = verdicts(Patient(birth_date="1850-01-01", sex="female"), dt.date(2026, 1, 1))
    assert found["I1"][0] == "unknown" and "impossible" in found["I1"][1][0]


def test_an_observation_dated_in_the_future_is_not_used_and_says_so():
    future = observation(ANC, {"value": 300, "unit": "/uL"}, when="2999-01-01")
    verdict, reasons = verdicts(fhir(bundle(future)))["E1"]
    assert verdict == "unknown" and "after today" in reasons[0] and "2999-01-01" in reasons[0]
    earlier = observation(ANC, {"value": 3000, "unit": "/uL"}, when="2026-10-01", number=2)
    verdict, reasons = verdicts(fhir(bundle(future, earlier)))["E1"]
    assert verdict == "not_met" and "3000 /uL" in reasons[0]  # the latest value as of the check


def test_a_gender_that_is_no_gender_is_unknown_and_said():
    patient = fhir(bundle(gender="banana"))
    assert patient.sex is None and any("banana" in w for w in patient.warnings)
    assert verdicts(patient)["registry.sex"][0] == "unknown"


def test_two_patient_resources_are_refused():
    two = bundle()
    two["entry"].append({"resource": {"resourceType": "Patient", "id": "q", "gender": "male"}})
    with pytest.raises(PatientError, match="2 Patient resources"):
        fhir(two)


def test_an_empty_file_is_refused():
    for text, suffix in (("", ".txt"), ("  \n\t", ".txt"), ("", ".json"), ("\n", ".yaml")):
        with pytest.raises(PatientError, match="empty"):
            parse_patient(text, suffix, "empty")


def test_a_note_with_impossible_numbers_reads_without_them():
    text = "A 999-year-old woman. Creatinine 10,000,000,000,000,000,000 mg/dL. Cough for 99999999 years."
    patient = parse_patient(text, ".txt", "note")
    assert patient.age is None and not [f for f in patient.facts if f.value is not None]
    check(TRIAL, patient, AS_OF, ConceptMatcher())


# --- a trial with no criteria ------------------------------------------------------------------------


@pytest.mark.parametrize("criteria", ["Inclusion Criteria:", "", "Inclusion Criteria:\n\nExclusion Criteria:\n"])
def test_a_trial_with_no_criteria_read_needs_review(criteria):
    empty = structure_trial(Trial(id="T0", source="test", criteria_text=criteria))
    report = check(empty, Patient(age=40, sex="female"), AS_OF, ConceptMatcher())
    assert (report.overall, report.review) == ("needs_review", ["criteria.none"])
    assert "no criteria were read" in report.criteria[-1].evidence[0].reason


# --- partial birth dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(("birth", "precision"), [("1975", "year"), ("1975-01", "month")])
def test_a_partial_fhir_birth_date_is_read_at_its_precision(birth, precision):
    patient = fhir(bundle(birth=birth))
    assert patient.birth_precision == precision and any("gives only the" in w for w in patient.warnings)
    assert verdicts(patient)["I1"][0] == "met"  # 50 or 51 is over 18 either way


def test_an_age_a_birth_year_cannot_settle_is_unknown():
    patient = Patient(birth_date="2008", sex="female")
    verdict, reasons = verdicts(patient, dt.date(2026, 6, 1))["I1"]  # 17.4 to 18.4 years old
    assert verdict == "unknown" and reasons == ["age 17.4 to 18.4 years on 2026-06-01: born in 2008, no day recorded"]
    assert verdicts(patient, dt.date(2027, 1, 1))["I1"][0] == "met"


@pytest.mark.parametrize(("criteria", "ages"), [(CRITERIA, ["met"]), ("Inclusion Criteria:", [])])
def test_the_cli_checks_a_partial_birth_date(tmp_path, criteria, ages):
    patient, trial = tmp_path / "p.json", tmp_path / "t.txt"
    patient.write_text(json.dumps(bundle(birth="1975", gender="male")))
    trial.write_text(criteria)
    args = ["check", "--patient", str(patient), "--trial", str(trial), "--as-of", "2026-11-29", "--no-embeddings"]
    result = CliRunner().invoke(app, [*args, "--no-model", "--json"])
    assert result.exit_code == 0, result.output
    assert "gives only the year" in result.output
    report = json.loads(result.output[result.output.index("{") :])
    assert report["overall"] == "needs_review"  # no INR; or no criteria at all
    assert [c["verdict"] for c in report["criteria"] if c["id"] == "I1"] == ages


# --- files that cost too much to read ------------------------------------------------------------------


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for name, previous in zip("bcdefgh", "abcdefg", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]")
    lines.append(f"facts: [{','.join(['*h'] * 9)}]")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines))
    started = time.monotonic()
    with pytest.raises(PatientError, match="aliases"):
        read_patient(bomb)
    assert time.monotonic() - started < 2


def test_a_validation_error_message_is_bounded():
    facts = [{"kind": "nonsense", "text": "x" * 1000}] * 5000
    with pytest.raises(PatientError) as caught:
        parse_patient(json.dumps({"facts": facts}), ".json", "s.json")
    assert len(str(caught.value)) < 2000 and "more" in str(caught.value)


def test_a_note_over_the_limit_is_refused(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Cough. " * (MAX_NOTE_BYTES // 7 + 1))
    with pytest.raises(PatientError, match="over the"):
        read_patient(note)
