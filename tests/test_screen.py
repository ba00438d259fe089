import datetime as dt

import pytest

from tests.conftest import ROOT
from trialsieve.index.metadata import Filters
from trialsieve.index.search import TrialIndex
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Fact, Patient, PatientError
from trialsieve.match.records import read_patient
from trialsieve.screen import patient_filters, patient_query, screen

PATIENTS = ROOT / "data" / "patients"
AS_OF = dt.date(2026, 11, 22)  # after the records' dates: a check reads what was known then


def test_the_query_is_the_note_else_the_active_problems():
    assert patient_query(Patient(note="67-year-old woman with a cool right foot")).startswith("67-year-old")
    facts = [
        Fact(kind="drug", text="hydroxychloroquine"),
        Fact(kind="condition", text="Sjogren syndrome"),
        Fact(kind="condition", text="acute bronchitis", ended=True),  # over: not what to search for
        Fact(kind="measurement", text="Hemoglobin [Mass/volume] in Blood", value=13.0, unit="g/dL"),
        Fact(kind="condition", text="diabetes", present=False),
    ]
    assert patient_query(Patient(facts=facts)) == "Sjogren syndrome"
    with pytest.raises(PatientError, match="no note and no recorded conditions"):
        patient_query(Patient(facts=facts[4:]))


def test_a_patients_age_and_sex_filter_the_trials():
    child = Patient(birth_date=dt.date(2015, 6, 1), sex="male", facts=[Fact(kind="condition", text="asthma")])
    filters = patient_filters(child, AS_OF)
    assert (filters.sex, round(filters.age)) == ("male", 11)
    given = patient_filters(child, AS_OF, Filters(age=40.0))
    assert given.age == 40.0  # what the user asked for stands


def test_a_ruled_out_trial_moves_below_the_open_ones(built, embedder, tagger):
    index = TrialIndex(built, embedder)
    patient = read_patient(PATIENTS / "amass-ruled-out-schirmer.json", tagger)
    plain = screen(index, patient, k=5, check_eligibility=False)
    assert plain[0].trial_id == "NCT04615455" and plain[0].overall is None
    checked = screen(index, patient, k=5, tagger=tagger, matcher=ConceptMatcher(embedder), as_of=AS_OF)
    amass = next(c for c in checked if c.trial_id == "NCT04615455")
    assert amass.overall == "ineligible" and "I3" in amass.ruled_out_by
    assert amass.retrieval_rank == 1 and amass.rank > 1
    order = {"eligible": 0, "needs_review": 1, "ineligible": 2}
    assert [order[c.overall] for c in checked] == sorted(order[c.overall] for c in checked)
    assert [c.rank for c in checked] == list(
        range(1, len(checked) + 1)
    )  # trials closed to her age or sex are not shown
    assert all(c.why for c in checked)  # each says what it was found for


def test_a_ruled_out_trial_quotes_its_ruling_criterion_and_groups_go_by_relevance(built, embedder, tagger):
    index = TrialIndex(built, embedder)
    patient = read_patient(PATIENTS / "amass-ruled-out-schirmer.json", tagger)
    checked = screen(index, patient, k=5, tagger=tagger, matcher=ConceptMatcher(embedder), as_of=AS_OF)
    amass = next(c for c in checked if c.trial_id == "NCT04615455")
    assert amass.ruled_out_by == ["I3"] and amass.ruled_out_text == ["Schirmer's test 1-5 mm/5 minutes"]
    assert amass.relevance == 0  # about her disease, though she is ruled out
    order = {"eligible": 0, "needs_review": 1, "ineligible": 2}
    keys = [(order[c.overall], c.relevance, c.retrieval_rank) for c in checked]
    assert keys == sorted(keys)


def test_one_shared_word_does_not_make_a_trial_found_for_a_problem(built, embedder, tagger):
    """ "Polycystic kidney disease" shares one word with "Polycystic Ovary Syndrome": the trial was not
    found for it, and it is no more relevant than any other trial the search brought."""
    index = TrialIndex(built, embedder)
    patient = Patient(age=30, sex="female", facts=[Fact(kind="condition", text="polycystic kidney disease")])
    found = screen(index, patient, k=5, tagger=tagger, matcher=ConceptMatcher(embedder), as_of=AS_OF)
    pcos = next(c for c in found if c.trial_id == "NCT05000002")
    assert pcos.why[0].startswith("passage:") and pcos.relevance == 2
