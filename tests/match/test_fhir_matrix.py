"""Real Synthea FHIR R4 bundles against 20 real ClinicalTrials.gov trials: every bundle reads, every
check runs, and no criterion rules a patient out on what the record says is over, on a test taken
for a diagnosis, or on a value from outside the criterion's window.

The three bundles in data/fhir/synthea always run; the 20 of ../shared/data/fhir/synthea join when
that folder sits beside the checkout.
"""

import datetime as dt

import pytest

from tests.conftest import ROOT
from trialsieve.extract.ingest import read_file
from trialsieve.extract.quantities import convert
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.records import read_patient
from trialsieve.match.verdicts import Judge
from trialsieve.rules import leaves

AS_OF = dt.date(2026, 11, 29)
SHARED = ROOT.parent / "shared" / "data" / "fhir" / "synthea"
BUNDLES = sorted(
    {p.name: p for folder in (ROOT / "data" / "fhir" / "synthea", SHARED) for p in folder.glob("p*.json")}.values()
)
TESTS = ("test", "screening", "examination", "auscultation", "assessment")


@pytest.fixture(scope="module")
def ctgov(tagger):
    return [structure_trial(t, tagger) for t in read_file(ROOT / "data" / "trials" / "ctgov20.jsonl")]


def test_the_matrix_has_twenty_real_trials_and_real_bundles(ctgov):
    assert len(ctgov) == 20 and len(BUNDLES) >= 3


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: p.stem)
def test_no_verdict_rules_out_on_history_a_test_or_a_stale_value(bundle, ctgov):
    patient = read_patient(bundle)
    facts = {f.source: f for f in patient.facts}
    judge = Judge(patient, AS_OF, ConceptMatcher(), presume=True)
    for trial in ctgov:
        report = check(trial, patient, AS_OF, ConceptMatcher(), presume=True)
        for criterion in report.criteria:
            if not criterion.against:
                continue
            for evidence in criterion.evidence:
                fact = facts.get(evidence.source or "")
                if evidence.verdict != criterion.verdict or fact is None or not fact.present:
                    continue
                said = f"{trial.trial.id} {criterion.id} {evidence.text!r} <- {fact.text!r}"
                if fact.ended and evidence.verdict == "met":  # over: it meets only history or a window
                    assert "now over" in evidence.reason, said
                assert not (fact.kind == "procedure" and any(w in fact.text.lower() for w in TESTS)), said
        for criterion in trial.criteria:  # a limit with a window reads only values from inside it
            for leaf in leaves(criterion.rule):
                bound = _days(leaf.temporal) if leaf.type == "comparison" and leaf.temporal else None
                if bound is None:
                    continue
                evidence = judge.comparison(leaf, criterion.text, criterion.section)
                if evidence.date is not None:
                    assert (AS_OF - evidence.date).days <= bound + 1, f"{trial.trial.id} {criterion.id} {leaf}"


def _days(window) -> float | None:
    """How many days back a "within the last N" window reaches."""
    if window.measure != "window" or window.direction != "past" or window.operator not in ("<", "<=", "between"):
        return None
    return convert(window.value2 if window.operator == "between" else window.value, window.unit, "d")


def test_every_resource_type_is_read():
    read = {}
    for bundle in BUNDLES:
        for fact in read_patient(bundle).facts:
            read.setdefault(fact.source.split("/")[0], fact)
    kinds = {"Condition", "Observation", "MedicationRequest", "Procedure", "AllergyIntolerance", "Immunization"}
    assert kinds | {"Encounter", "DiagnosticReport"} <= set(read)
    assert read["DiagnosticReport"].kind == "procedure"  # a panel done: a test, which answers no diagnosis


def test_a_blood_pressure_panel_gives_systolic_and_diastolic():
    patient = read_patient(ROOT / "data" / "fhir" / "synthea" / "p22.json")
    names = {f.text for f in patient.facts if f.value is not None}
    assert {"Systolic Blood Pressure", "Diastolic Blood Pressure"} <= names


def test_what_is_over_stays_history():
    # p17: rheumatoid arthritis resolved in 2014, methotrexate stopped
    patient = read_patient(ROOT / "data" / "fhir" / "synthea" / "p17.json")
    ra = [f for f in patient.facts if "rheumatoid arthritis" in f.text.lower()]
    assert ra and all(f.ended for f in ra)
    from trialsieve.extract.structure import structure_text
    from trialsieve.match.verdicts import Judge

    judge = Judge(patient, AS_OF, ConceptMatcher())
    for text, verdict in (("Active rheumatoid arthritis", "not_met"), ("History of rheumatoid arthritis", "met")):
        assert judge.rule(structure_text(text, "exclusion").rule, text, "exclusion")[0] == verdict, text


def test_an_allergy_record_meets_a_hypersensitivity_criterion():
    patient = read_patient(ROOT / "data" / "fhir" / "synthea" / "p32.json")
    assert any(f.source.startswith("AllergyIntolerance") and "peanut" in f.text.lower() for f in patient.facts)
    from trialsieve.extract.structure import structure_text
    from trialsieve.match.verdicts import Judge

    text = "Known hypersensitivity to lecithin (soya) or peanuts"
    judge = Judge(patient, AS_OF, ConceptMatcher())
    assert judge.rule(structure_text(text, "exclusion").rule, text, "exclusion")[0] == "met"


def test_a_lab_named_in_a_limit_is_read_by_its_loinc_code():
    # p22 has haemoglobin (718-7) and HbA1c (4548-4): "Hb" is the one, "HbA1c level" the other
    from trialsieve.extract.structure import structure_text

    patient = read_patient(ROOT / "data" / "fhir" / "synthea" / "p22.json")
    coded = {f.source: {c.code for c in f.codes} for f in patient.facts}
    judge = Judge(patient, AS_OF, ConceptMatcher(), look_back=None)
    for text, code in (("Hb < 12.5 g/dL", "718-7"), ("HbA1c level >= 6.5%", "4548-4")):
        verdict, evidence = judge.rule(structure_text(text, "inclusion").rule, text, "inclusion")
        assert verdict in ("met", "not_met") and code in coded[evidence[0].source], text
        assert evidence[0].match == "code"
