"""A concept said as "other" is one besides what the trial is about: "Other malignancy within 5 years"
(NCT02349698 and most cancer trials of the ctgov records) in a lymphoma trial does not rule out the
patient for the lymphoma the trial studies, and "No other tumors." does not count it either. Before,
both read as "malignancy" and "tumors", so every patient with the trial's own cancer was ruled out."""

import datetime as dt

import pytest

from tests.extract.reading import presences, rule_of
from trialsieve.extract.ingest import read_text
from trialsieve.extract.others import OTHER
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Fact, Patient

AS_OF = dt.date(2026, 11, 29)
LYMPHOMA = "Diffuse large B-cell lymphoma"
TEXT = """Inclusion Criteria:
* Histologically confirmed diffuse large B-cell lymphoma
Exclusion Criteria:
* Other malignancy within 5 years
* History of another primary cancer
"""


def _verdicts(tagger, facts: list[str], text: str = TEXT, conditions: tuple[str, ...] = (), presume: bool = False):
    trial = read_text(text, "t.txt", "t").model_copy(update={"conditions": list(conditions)})
    patient = Patient(facts=[Fact(text=f, kind="condition", date=dt.date(2024, 3, 1)) for f in facts], age=60)
    report = check(structure_trial(trial, tagger), patient, AS_OF, ConceptMatcher(), presume)
    return {c.id: c.verdict for c in report.criteria}


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Other malignancy within 5 years", "malignancy"),
        ("History of another primary cancer", "primary cancer"),
        ("Has a known additional malignancy that is progressing", "malignancy"),
        ("No prior treatment with bevacizumab or other VEGF inhibitors", "VEGF inhibitors"),
        ("Other types of Diabetes", "Diabetes"),
    ],
)
def test_other_is_a_qualifier_of_the_concept(tagger, text, concept):
    assert OTHER in presences(rule_of(tagger, text))[concept].qualifiers


def test_other_than_is_an_exception_not_other(tagger):
    leaves = presences(rule_of(tagger, "Malignancy other than basal cell carcinoma"))
    assert all(OTHER not in leaf.qualifiers for leaf in leaves.values())


def test_the_trials_own_disease_is_not_another(tagger):
    verdicts = _verdicts(tagger, [LYMPHOMA])
    assert (verdicts["I1"], verdicts["E1"], verdicts["E2"]) == ("met", "unknown", "unknown")
    assert _verdicts(tagger, [LYMPHOMA], presume=True)["E1"] == "not_met"


def test_a_second_disease_is_another(tagger):
    verdicts = _verdicts(tagger, [LYMPHOMA, "Malignant neoplasm of prostate"])
    assert (verdicts["E1"], verdicts["E2"]) == ("met", "met")


def test_registry_conditions_name_the_trials_own_disease(tagger):
    text = "Exclusion Criteria:\n* Other malignancy within 5 years\n"
    assert _verdicts(tagger, ["Malignant neoplasm of breast"], text, ("Breast Cancer",))["E1"] == "unknown"
    assert _verdicts(tagger, ["Malignant neoplasm of breast"], text, ("Lymphoma",))["E1"] == "met"


def test_without_a_trial_disease_other_counts_every_fact(tagger):
    """A criterion alone names no disease of its own, so nothing is left out."""
    text = "Exclusion Criteria:\n* Other malignancy within 5 years\n"
    assert _verdicts(tagger, [LYMPHOMA], text)["E1"] == "met"
