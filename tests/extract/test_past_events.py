"""What an inclusion says happened "after" something is a past event: "Locally recurrent HNSCC after
chemoradiotherapy" describes a patient whose chemoradiotherapy is over. Read as a treatment asked
for now, the record of the finished treatment failed the very patients the inclusion describes.
Each case is a real ClinicalTrials.gov criterion (issue 18)."""

import datetime as dt

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.match.patient import Fact

_AS_OF = dt.date(2026, 11, 30)


def _done(text: str, kind: str, days_ago: int) -> Fact:
    when = _AS_OF - dt.timedelta(days=days_ago)
    return Fact(kind=kind, text=text, date=when, ended=True, end=when)


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        (  # NCT05883007 I5.1
            "Locally Recurrent Head and Neck Squamous Cell Carcinoma after chemo radiotherapy or radiation therapy.",
            [
                Fact(kind="condition", text="Squamous cell carcinoma of head and neck", date=_AS_OF),
                _done("Radiation therapy", "procedure", 400),
            ],
        ),
        (  # NCT00576225 I4.1
            "Recurrent disease following completion of radiation or surgery,",
            [
                Fact(kind="condition", text="Recurrent disease", date=_AS_OF),
                _done("Radiation therapy", "procedure", 300),
            ],
        ),
    ],
)
def test_a_treatment_after_the_cue_is_met_by_a_finished_one(tagger, text, facts):
    assert verdict_of(tagger, "Inclusion", text, facts, as_of=_AS_OF) == "met"


def test_each_item_of_the_list_after_the_cue_is_past(tagger):
    """NCT00576225 I4.1."""
    found = presences(rule_of(tagger, "Recurrent disease following completion of radiation or surgery,", "inclusion"))
    assert "history of" in found["radiation"].qualifiers and "history of" in found["surgery"].qualifiers


@pytest.mark.parametrize(
    "text",
    [
        # "Following" opening a sentence is "the following" (NCT02344823 I3)
        "Following beta-blocker therapy will be allowed: carvedilol (up to the max. dose of 25 mg)",
        # under a denial a wider surgery rules more patients out (NCT04144452 I5)
        "Patients who will be without adverse events or complications 4 weeks post surgery",
    ],
)
def test_no_past_event_where_the_cue_is_none_or_the_reading_would_rule_patients_out(tagger, text):
    rule = rule_of(tagger, text, "inclusion")
    assert not any("history of" in leaf.qualifiers for leaf in presences(rule).values())


def test_an_exclusion_keeps_its_reading(tagger):
    """Guard: in an exclusion the wider reading rules patients out, where a list read wrong it excluded
    every patient who ever had surgery (NCT06520839 E1)."""
    rule = rule_of(tagger, "Patients after injury, surgery and radiation in the pelvic area", "exclusion")
    assert not any("history of" in leaf.qualifiers for leaf in presences(rule).values())
