"""Criteria for someone other than the patient (real ClinicalTrials.gov layout, NCT05507827): "Donor
Inclusion Criteria" heads the donor's own criteria. Read as the patient's, "Age >= 18 and <= 75 years"
of the donor ruled an 80-year-old patient out."""

import datetime as dt

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.extract.ingest import read_text
from trialsieve.extract.segment import about_someone_else
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Patient
from trialsieve.rules import ANOTHER_PERSON, leaves

TEXT = """Inclusion Criteria:

* Age >= 18 years

Donor Inclusion Criteria

* Age ≥ 18 and ≤ 75 years at time of enrollment
* Karnofsky performance status of ≥ 70% defined by institutional standards

Exclusion Criteria:

* Pregnancy
"""


def test_a_heading_for_another_person_is_known():
    assert about_someone_else("Donor Inclusion Criteria")
    assert about_someone_else("Partner Exclusion Criteria:")
    assert not about_someone_else("Key Inclusion Criteria:")
    assert not about_someone_else("Intra-operative exclusion criteria:")


def test_the_donors_criteria_are_kept_but_not_asked_of_the_patient(tagger):
    trial = structure_trial(read_text(TEXT, "donor.txt", "donor"), tagger)
    heading = next(c for c in trial.criteria if c.text.startswith("Donor"))
    assert heading.rule.type == "unstructured" and heading.rule.reason == ANOTHER_PERSON
    kids = [c for c in trial.criteria if c.parent == heading.id]
    assert len(kids) == 2 and all(c.rule.type != "unstructured" for c in kids)  # still read, for the reader
    report = check(trial, Patient(facts=[], age=80, sex="male"), dt.date(2026, 11, 30), ConceptMatcher())
    verdicts = {r.id: r.verdict for r in report.criteria if r.parent is None}
    assert verdicts[heading.id] == "needs_review"  # the donor is checked by a person, the patient not ruled out
    assert verdicts == {"I1": "met", heading.id: "needs_review", "E1": "not_met"}  # nothing rules the patient out


PREGNANT = [{"kind": "condition", "text": "Pregnancy", "date": "2026-10-01"}]


@pytest.mark.parametrize(
    "criterion",
    [
        "Men with a pregnant partner",  # NCT02224846 E7
        "Subjects with known pregnant partners",  # NCT02495467 E10
        "Partners who wish to become pregnant during the course of the study",
        "Pregnancy of partner",
        "Partner's pregnancy",
        "Pregnant or lacting partner.",  # NCT05558007 E21: the list ends with the partner
    ],
)
def test_a_partners_state_is_reviewed_not_read_as_the_patients(tagger, criterion):
    rule = rule_of(tagger, criterion)
    assert not presences(rule), rule
    assert any(leaf.type == "unstructured" and leaf.reason == ANOTHER_PERSON for leaf in leaves(rule))
    assert verdict_of(tagger, "Exclusion", criterion, PREGNANT, sex="female") != "met"


def test_the_patients_own_state_beside_a_partners_is_still_read(tagger):
    rule = rule_of(tagger, "Pregnant or breastfeeding, or with a pregnant partner")
    assert {"Pregnant", "breastfeeding"} <= set(presences(rule))


def test_a_relatives_disease_is_family_history(tagger):
    assert presences(rule_of(tagger, "Sibling with type 1 diabetes"))["type 1 diabetes"].qualifiers == [
        "family history"
    ]


def test_a_drug_named_with_a_persons_word_stays_a_drug(tagger):
    """ "nitric oxide donors" ends with a person's word but is no one's state (38 ctgov criteria)."""
    rule = rule_of(tagger, "Patients who are taking nitrates or nitric oxide donors")
    assert "nitric oxide donors" in presences(rule)


def test_a_list_after_a_clause_about_the_partner_is_the_partners(tagger):
    """NCT01776320 E6: "Sexual partner is a pregnant or lactating female" had kept the lactation the
    patient's; a list after the person's own noun ("Pregnant partner, or breastfeeding") stays apart."""
    assert not presences(rule_of(tagger, "Sexual partner is a pregnant or lactating female"))
    assert "breastfeeding" in presences(rule_of(tagger, "Pregnant partner, or breastfeeding"))
    found = presences(rule_of(tagger, "Sibling with type 1 diabetes or asthma"))
    assert found["asthma"].qualifiers == ["family history"]


def test_a_sentence_about_the_partner_is_the_partners(tagger):
    """NCT03823014 I2: "sex" from the partner's sentence was a condition every patient had to have."""
    text = (
        "Primary study subject must be in a relationship with a partner. Partner must also be interested in "
        "having penetrative sex with primary subject."
    )
    rule = rule_of(tagger, text, "inclusion")
    assert "sex" not in presences(rule)
    assert any(leaf.type == "unstructured" and leaf.reason == ANOTHER_PERSON for leaf in leaves(rule))
    assert not presences(rule_of(tagger, "Male subjects. The partner must not be pregnant.", "inclusion"))
