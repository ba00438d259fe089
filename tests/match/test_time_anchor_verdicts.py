"""Verdicts on criteria timed by events (issue 18, NCT06501144): a patient who had the therapy and none
of the surgeries is not excluded; one who had a surgery is left to a person, who knows when it was."""

from tests.extract.reading import verdict_of

SURGERY = (  # NCT06501144 E7
    "Underwent major surgery in the small pelvis with probable impairment of the neurovascular supply (e.g. rectum "
    "resection, urinary bladder removal) during the therapy or between the end of your last therapy cycle and "
    "inclusion into this study"
)


def test_the_therapy_alone_does_not_exclude(tagger):
    treated = [{"kind": "procedure", "text": "therapy", "date": "2026-05-01"}]
    assert verdict_of(tagger, "Exclusion", SURGERY, treated, presume=True) == "not_met"


def test_a_surgery_in_the_window_is_for_a_person_to_place(tagger):
    resected = [{"kind": "procedure", "text": "rectum resection", "date": "2026-05-01"}]
    assert verdict_of(tagger, "Exclusion", SURGERY, resected, presume=True) == "needs_review"
