"""A concept written after "with or without" decides nothing: "Inadequately controlled hypertension with
or without current antihypertensive medications" excludes the hypertensive patient, treated or not,
and no one else. Read as NOT: antihypertensive medications, the criterion excluded (or left in doubt)
every patient not on them. Criteria are real ones, structured as `check` structures them."""

import datetime as dt

import pytest

from tests.conftest import ROOT
from trialsieve.extract.ingest import read_text
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Fact, Patient
from trialsieve.match.records import read_patient

AS_OF = dt.date(2026, 11, 29)
HYPERTENSION = "Inadequately controlled hypertension with or without current antihypertensive medications;"
TREATED = [("uncontrolled hypertension", "condition", True), ("lisinopril 10 MG Oral Tablet", "drug", True)]


def _criterion(tagger, section: str, text: str, patient: Patient):
    heading = "Inclusion" if section == "inclusion" else "Exclusion"
    trial = structure_trial(read_text(f"{heading} Criteria:\n- {text}", "test", "T1"), tagger)
    (criterion,) = check(trial, patient, AS_OF, ConceptMatcher()).criteria
    return criterion


def _patient(facts: list[tuple[str, str, bool]]) -> Patient:
    recorded = [Fact(text=name, kind=kind, present=present) for name, kind, present in facts]
    return Patient(id="p", age=50, sex="female", facts=recorded)


@pytest.mark.parametrize(
    ("section", "text", "facts", "verdict"),
    [
        ("exclusion", HYPERTENSION, TREATED, "met"),  # the treated hypertensive patient is excluded
        ("exclusion", HYPERTENSION, TREATED[:1], "met"),  # so is the untreated one
        ("exclusion", HYPERTENSION, [("hypertension", "condition", False)], "not_met"),  # was unknown
        (
            "exclusion",
            "History of cancer with or without metastatic disease",
            [("malignant neoplasm", "condition", False)],
            "not_met",
        ),
        (
            "exclusion",
            "Bilateral salpingectomy (with or without oophorectomy)",
            [("salpingectomy", "procedure", False)],
            "not_met",
        ),
        (
            "exclusion",
            "Previous trauma/fractures of the pelvis whether or not surgery was required",
            [("fracture of pelvis", "condition", False), ("trauma", "condition", False)],
            "not_met",
        ),
    ],
)
def test_what_is_optional_decides_nothing(tagger, section, text, facts, verdict):
    criterion = _criterion(tagger, section, text, _patient(facts))
    assert criterion.verdict == verdict
    optional = [e for e in criterion.evidence if e.reason.startswith("with or without")]
    assert optional and all(e.verdict == "met" for e in optional)


def test_a_synthea_patient_on_a_diuretic_is_excluded_by_hypertension_with_or_without_treatment(tagger):
    patient = read_patient(ROOT / "data" / "fhir" / "synthea" / "p22.json")  # Hypertension, hydrochlorothiazide
    assert any(f.text == "Hypertension" and f.present for f in patient.facts)
    text = "Hypertension and or history of hypertension with or without medical treatment."
    assert _criterion(tagger, "exclusion", text, patient).verdict == "met"
