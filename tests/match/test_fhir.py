import copy
import json

import pytest

from tests.conftest import ROOT
from trialsieve.match.fhir import read_fhir
from trialsieve.match.patient import PatientError
from trialsieve.match.records import read_patient

PATIENTS = ROOT / "data" / "patients"


def _bundle(name: str) -> dict:
    return json.loads((PATIENTS / f"{name}.json").read_text())


def test_reads_demographics_conditions_and_values():
    patient = read_patient(PATIENTS / "care-ssc-branch-i.json")
    assert (patient.sex, str(patient.birth_date), patient.pregnant) == ("female", "1975-01-20", False)
    ssc = next(f for f in patient.facts if f.text == "Systemic sclerosis")
    assert ssc.codes[0].code == "89155008" and str(ssc.date) == "2025-06-01"
    alt = next(f for f in patient.facts if f.text == "ALT")
    assert (alt.value, alt.unit, alt.reference_high) == (35, "U/L", 40)


def test_a_refuted_condition_is_a_fact_of_absence():
    bundle = _bundle("care-ssc-missing-data")
    condition = copy.deepcopy(bundle["entry"][1])
    condition["resource"]["id"] = "refuted"
    condition["resource"]["code"] = {"text": "Pulmonary hypertension"}
    condition["resource"]["verificationStatus"]["coding"][0]["code"] = "refuted"
    bundle["entry"].append(condition)
    facts = {f.text: f.present for f in read_fhir(bundle).facts}
    assert facts == {"Systemic sclerosis": True, "Pulmonary hypertension": False}


def test_a_malformed_entry_is_named():
    bundle = _bundle("amass-eligible")
    bundle["entry"][3]["resource"]["valueQuantity"]["value"] = "three"
    with pytest.raises(PatientError, match=r"entry 3 \(Observation/amass-eligible-3\): invalid"):
        read_fhir(bundle, "x.json")


def test_a_bundle_without_a_patient_and_a_non_fhir_object_are_refused(tmp_path):
    bundle = _bundle("amass-eligible")
    bundle["entry"] = bundle["entry"][1:]
    with pytest.raises(PatientError, match="no Patient resource"):
        read_fhir(bundle)
    with pytest.raises(PatientError, match="not a FHIR Bundle"):
        read_fhir({"resourceType": "Observation"})
    broken = tmp_path / "p.json"
    broken.write_text("{not json")
    with pytest.raises(PatientError, match="not valid JSON"):
        read_patient(broken)


def test_the_simple_patient_file(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(
        "id: p1\nage: 54\nsex: female\nfacts:\n"
        "  - {kind: measurement, text: hemoglobin, value: 10.5, unit: g/dL, date: 2026-10-01}\n"
    )
    patient = read_patient(path)
    assert (patient.id, patient.age, patient.facts[0].value) == ("p1", 54, 10.5)
    path.write_text("id: p1\nsex: maybe\n")
    with pytest.raises(PatientError, match="not a valid patient file"):
        read_patient(path)


@pytest.mark.parametrize(
    ("edit", "version"),
    [
        (
            lambda r: (
                r.update(name=[{"family": ["Abbott"], "given": ["Ann"]}]) if r["resourceType"] == "Patient" else None
            ),
            "DSTU2",
        ),
        (lambda r: r.update(clinicalStatus="active") if r["resourceType"] == "Condition" else None, "STU3"),
    ],
)
def test_an_older_fhir_version_is_named(edit, version):
    bundle = _bundle("care-ssc-missing-data")
    for entry in bundle["entry"]:
        edit(entry["resource"])
    with pytest.raises(PatientError, match=f"this is FHIR {version}; trialsieve reads FHIR R4"):
        read_fhir(bundle, "old.json")


def test_a_bad_field_the_check_never_reads_is_left_out_with_a_warning():
    bundle = _bundle("care-ssc-missing-data")
    person = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    person["name"] = [{"family": 123}]
    patient = read_fhir(bundle, "p.json")
    assert patient.sex is not None and patient.facts  # the rest is read
    assert len(patient.warnings) == 1 and "left out the invalid name" in patient.warnings[0]
    person["gender"] = 7  # a field the check reads: the record is refused, naming the entry
    with pytest.raises(PatientError, match="invalid"):
        read_fhir(bundle, "p.json")


def test_a_diagnostic_report_is_a_test_done_and_the_diagnoses_it_concludes():
    bundle = _bundle("care-ssc-missing-data")
    report = {
        "resourceType": "DiagnosticReport",
        "id": "biopsy",
        "status": "final",
        "code": {"text": "Skin biopsy pathology report"},
        "effectiveDateTime": "2025-03-04",
        "conclusionCode": [{"coding": [{"system": "http://snomed.info/sct", "code": "254701007"}], "text": "Morphea"}],
    }
    bundle["entry"].append({"resource": report})
    facts = {f.text: f for f in read_fhir(bundle).facts if f.source == "DiagnosticReport/biopsy"}
    assert {name: f.kind for name, f in facts.items()} == {
        "Skin biopsy pathology report": "procedure",
        "Morphea": "condition",
    }
    assert str(facts["Morphea"].date) == "2025-03-04" and facts["Morphea"].codes[0].code == "254701007"
    report["status"] = "entered-in-error"
    facts = [f for f in read_fhir(bundle).facts if f.source == "DiagnosticReport/biopsy"]
    assert [(f.kind, f.present) for f in facts] == [("procedure", False)]  # a report in error concludes nothing


@pytest.mark.parametrize(
    ("coding", "text", "named"),
    [
        (
            {"system": "http://snomed.info/sct", "code": "44054006", "display": "Diabetes"},
            "Diabetes",
            "Diabetes mellitus type 2",
        ),
        (
            {"system": "http://snomed.info/sct", "code": "44054006", "display": "Diabetes"},
            "Type 2 diabetes with nephropathy",
            "Type 2 diabetes with nephropathy",
        ),
        ({"system": "http://snomed.info/sct", "code": "73211009", "display": "Diabetes"}, "Diabetes", "Diabetes"),
    ],
)
def test_a_code_names_a_condition_its_display_shortens(coding, text, named):
    """Synthea writes SNOMED CT 44054006 (type 2 diabetes) as "Diabetes": 'type 1 diabetes' could not rule it out."""
    bundle = _bundle("care-ssc-missing-data")
    condition = copy.deepcopy(bundle["entry"][1])
    condition["resource"]["code"] = {"coding": [coding], "text": text}
    bundle["entry"] = [bundle["entry"][0], condition]
    assert [f.text for f in read_fhir(bundle).facts] == [named]
