import datetime as dt

import pytest

from tests.conftest import ROOT
from trialsieve.index.search import TrialIndex
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Fact, Patient, PatientError
from trialsieve.match.records import read_patient
from trialsieve.match.screen import patient_query, screen

PATIENTS = ROOT / "data" / "patients"
AS_OF = dt.date(2026, 1, 1)


def test_the_query_is_the_note_else_the_findings():
    assert patient_query(Patient(note="67-year-old woman with a cool right foot")).startswith("67-year-old")
    facts = [
        Fact(kind="drug", text="hydroxychloroquine"),
        Fact(kind="condition", text="Sjogren syndrome"),
        Fact(kind="condition", text="diabetes", present=False),
    ]
    assert patient_query(Patient(facts=facts)) == "Sjogren syndrome; hydroxychloroquine"
    with pytest.raises(PatientError, match="no note and no recorded findings"):
        patient_query(Patient(facts=facts[2:]))


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
    assert [c.rank for c in checked] == [1, 2, 3, 4, 5]
