"""A sentence that says who the trial does not take (real ClinicalTrials.gov text, issue 18).

Read as one more requirement, "Patients with active infection will not be included." in an inclusion
asked for an infection, and "Subjects who are or wish to become pregnant will not be included in the
study." (NCT03813992 I6) made a pregnancy one way to meet the inclusion."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.extract.barred import find

INFECTION = [{"kind": "condition", "text": "Acute bronchitis", "date": "2026-11-20"}]
CANCER = [{"kind": "condition", "text": "Prostate cancer", "date": "2020-01-01"}]


@pytest.mark.parametrize(
    ("text", "barred"),
    [
        ("Patients with active infection will not be included.", "Patients with active infection"),
        (
            "Histologically confirmed prostate cancer. Patients who received prior chemotherapy are not eligible.",
            "Patients who received prior chemotherapy",
        ),
        (
            "Previous radiotherapy is allowed. Patients who were irradiated to >= 40% of bone marrow are not "
            "eligible for the study.",  # NCT01852578 I7
            "Patients who were irradiated to >= 40% of bone marrow",
        ),
        ("Prior radiotherapy. Patients are excluded if they had surgery within 4 weeks.", "had surgery within 4 weeks"),
    ],
)
def test_the_barring_sentence_is_found(text, barred):
    bar = find(text)
    assert bar is not None and text[bar.start : bar.end] == barred


@pytest.mark.parametrize(
    "text",
    [
        "Patients >= 18 years of age who are not eligible to receive further intensive therapy",  # NCT05321940
        "Patients with active infection will not be included. Age >= 18 years",  # not the last sentence
        "Not eligible for curative surgery",
    ],
)
def test_no_bar_where_the_words_ask_something_else(text):
    assert find(text) is None


def test_an_inclusion_denies_what_it_bars(tagger):
    found = presences(
        rule_of(tagger, "Adults aged 18 or older. Patients with active infection will not be included.", "inclusion")
    )
    assert found["infection"].negated
    criterion = "Histologically confirmed prostate cancer. Patients who received prior chemotherapy are not eligible."
    assert verdict_of(tagger, "Inclusion", criterion, CANCER) != "not_met"
    chemo = [*CANCER, {"kind": "procedure", "text": "Chemotherapy", "date": "2021-01-01"}]
    assert verdict_of(tagger, "Inclusion", criterion, chemo) == "not_met"


def test_an_exclusion_excludes_for_either_sentence(tagger):
    rule = rule_of(tagger, "Prior radiotherapy. Patients are excluded if they had surgery within 4 weeks.")
    assert rule.type == "any" and {"radiotherapy", "surgery"} <= set(presences(rule))


def test_a_heading_before_the_barring_sentence_asks_nothing(tagger):
    """NCT05751044 E7.a: the lead-in "Additional specifications for SARS-CoV-2 (COVID-19): i." is no reason
    to exclude of its own; read as one, any COVID-19 record ever excluded."""
    text = (
        "Additional specifications for SARS-CoV-2 (COVID-19): i. Patients with a recent positive test for "
        "SARS-CoV-2 (COVID-19) and no follow-up negative PCR test are not eligible."
    )
    assert rule_of(tagger, text).type != "any"
