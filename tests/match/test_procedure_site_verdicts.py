"""Where a procedure was done reaches the verdict: "Prior radiotherapy to the neck" is not met by
radiotherapy to the breast, and a record that names the radiotherapy without its site (as Synthea's
"Teleradiotherapy procedure" does) leaves it unknown, never a quiet exclusion. The same holds for a
list of prefixes ("Pre or postoperative radiation therapy to pelvic area") and for a site shared by
a list of procedures ("Prior surgery or radiotherapy in pelvic region"). Criteria are real ones,
structured as `check` structures them."""

import datetime as dt
import json

import pytest

from tests.conftest import ROOT
from trialsieve.extract.ingest import read_text
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.fhir import read_fhir
from trialsieve.match.patient import Fact, Patient

AS_OF = dt.date(2026, 11, 29)
NECK = "Prior radiotherapy to the neck"
PELVIS = "Pre or postoperative radiation therapy to pelvic area"  # NCT dev record, ED trial
SHARED = "Prior surgery or radiotherapy in pelvic region"


def _verdict(tagger, text: str, procedures: list[str]) -> str:
    trial = structure_trial(read_text(f"Exclusion Criteria:\n- {text}", "test", "T1"), tagger)
    facts = [Fact(text=name, kind="procedure", date=dt.date(2020, 5, 1)) for name in procedures]
    patient = Patient(id="p", age=60, sex="male", facts=facts)
    (criterion,) = check(trial, patient, AS_OF, ConceptMatcher(), True).criteria
    return criterion.verdict


@pytest.mark.parametrize(
    ("text", "procedures", "verdict"),
    [
        (NECK, ["Radiotherapy to neck"], "met"),
        # another site: the exclusion does not apply
        (NECK, ["Radiation therapy to breast"], "not_met"),
        (NECK, ["Brachytherapy of breast (procedure)"], "not_met"),
        # Synthea's names give no site: the record cannot say
        (NECK, ["Teleradiotherapy procedure (procedure)"], "unknown"),
        (NECK, ["Radiation oncology AND/OR radiotherapy (procedure)"], "unknown"),
        (PELVIS, ["Postoperative radiotherapy to pelvis"], "met"),
        (PELVIS, ["Preoperative radiotherapy to prostate"], "met"),
        # pelvic radiotherapy given at an unknown time around an operation
        (PELVIS, ["Radiotherapy to prostate"], "unknown"),
        (PELVIS, ["Radiation therapy to breast"], "not_met"),
        (SHARED, ["Radiotherapy to prostate"], "met"),
        (SHARED, ["Radiation therapy to breast"], "not_met"),
        # an operation the record names without its site may or may not have been pelvic
        (SHARED, ["Surgery"], "unknown"),
    ],
)
def test_procedure_sites(tagger, text, procedures, verdict):
    assert _verdict(tagger, text, procedures) == verdict


def _with_procedure(site: str | None) -> Patient:
    bundle = json.loads((ROOT / "data" / "patients" / "care-ssc-missing-data.json").read_text())
    procedure = {
        "resourceType": "Procedure",
        "id": "rt",
        "status": "completed",
        "subject": {"reference": "Patient/p"},
        "code": {
            "coding": [{"system": "http://snomed.info/sct", "code": "33195004"}],
            "text": "Teleradiotherapy procedure",
        },
        "performedDateTime": "2020-05-01",
    }
    if site is not None:
        procedure["bodySite"] = [{"coding": [{"system": "http://snomed.info/sct", "display": site}]}]
    bundle["entry"].append({"resource": procedure})
    return read_fhir(bundle)


@pytest.mark.parametrize(
    ("site", "verdict"), [("Neck structure", "met"), ("Breast structure", "not_met"), (None, "unknown")]
)
def test_a_fhir_procedure_body_site_is_read(tagger, site, verdict):
    trial = structure_trial(read_text(f"Exclusion Criteria:\n- {NECK}", "test", "T1"), tagger)
    (criterion,) = check(trial, _with_procedure(site), AS_OF, ConceptMatcher(), True).criteria
    assert criterion.verdict == verdict
