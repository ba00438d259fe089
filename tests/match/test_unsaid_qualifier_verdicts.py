"""A qualifier the record cannot show leaves a recorded disease or drug unknown (issue 18): Synthea
patients with hypertension were excluded by "untreated hypertension" (NCT02390960), with heart failure
by "symptomatic congestive heart failure" (NCT05321940), and on a low-dose fluticasone inhaler by
"high-dose ... inhaled steroids" (NCT04012996). A record names the disease or the drug, not that it
goes untreated, gives symptoms or is taken at a high dose; no such disease at all still denies it."""

import pytest

from tests.extract.reading import verdict_of
from trialsieve.match.concepts import _qualified

INHALER = "120 ACTUAT Fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler"


@pytest.mark.parametrize(
    ("written", "axis", "value"),
    [
        ("untreated hypertension", "treated", "untreated"),
        ("symptomatic congestive heart failure", "symptoms", "symptomatic"),
        ("asymptomatic brain metastases", "symptoms", "asymptomatic"),
        ("high-dose corticosteroids", "dose", "high"),
    ],
)
def test_the_qualifier_is_read_on_its_axis(written, axis, value):
    assert _qualified(written)[0][axis] == frozenset({value})


@pytest.mark.parametrize(
    ("criterion", "record", "kind", "verdict"),
    [
        ("Subject has uncontrolled hypertension or untreated hypertension.", "Hypertension", "condition", "unknown"),
        ("Untreated hypertension", "Hypertension", "condition", "unknown"),
        ("Symptomatic congestive heart failure", "Chronic congestive heart failure (disorder)", "condition", "unknown"),
        ("Treatment with high dose corticosteroids", "Prednisone 5 MG Oral Tablet", "drug", "unknown"),
        ("Current use of inhaled steroids", INHALER, "drug", "met"),  # said without a dose: any dose
        ("Hypertension", "Hypertension", "condition", "met"),
    ],
)
def test_a_recorded_disease_or_drug_does_not_show_the_qualifier(tagger, criterion, record, kind, verdict):
    facts = [{"text": record, "kind": kind, "present": True}]
    assert verdict_of(tagger, "Exclusion", criterion, facts) == verdict


def test_no_disease_denies_its_untreated_or_symptomatic_form(tagger):
    facts = [{"text": "Heart failure", "kind": "condition", "present": False}]
    assert verdict_of(tagger, "Exclusion", "Symptomatic congestive heart failure", facts) == "not_met"
