"""A disease-free time bounds how long ago a disease was last there, not how long it lasted. Read by
its "for at least" alone it was a duration: "malignancy unless disease free for 3 years" excluded a
patient cured ten years ago and let in one diagnosed last month. Each case is a real
ClinicalTrials.gov criterion (issue 18)."""

import datetime as dt

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.match.patient import Fact

_AS_OF = dt.date(2026, 11, 30)


def _cancer(text: str, began_days_ago: int, ended_days_ago: int | None = None) -> Fact:
    end = None if ended_days_ago is None else _AS_OF - dt.timedelta(days=ended_days_ago)
    return Fact(
        kind="condition", text=text, date=_AS_OF - dt.timedelta(days=began_days_ago), ended=end is not None, end=end
    )


@pytest.mark.parametrize(
    "text",
    [
        "History of other malignancy unless disease free for at least 3 years.",  # NCT05507827 E1.1
        "Prior history of malignancies, other than MM, unless the participant has been free of the disease for "
        "≥ 3 years",  # NCT05827016 E4, with 3 years for 5
        "Other malignancies, except those in complete remission for at least 3 years;",  # as NCT03039504 E1
    ],
)
def test_an_exception_for_a_disease_free_time_excludes_a_disease_there_within_it(tagger, text):
    cured_long_ago = [_cancer("Malignant neoplasm of breast", 3650, 2900)]
    cured_last_year = [_cancer("Malignant neoplasm of breast", 1900, 365)]
    found_last_month = [_cancer("Malignant neoplasm of breast", 30)]
    assert verdict_of(tagger, "Exclusion", text, cured_long_ago, as_of=_AS_OF) == "not_met"
    assert verdict_of(tagger, "Exclusion", text, cured_last_year, as_of=_AS_OF) == "met"
    assert verdict_of(tagger, "Exclusion", text, found_last_month, as_of=_AS_OF) == "met"


def test_a_remission_shorter_than_the_bound_is_the_disease_within_it(tagger):
    """NCT06223893 E4: "remission" had been a concept of its own AND-ed with the HCC, which no record holds."""
    text = (
        "Participants with active hepatocellular carcinoma (HCC) or history of HCC that is in remission for less "
        "than six months"
    )
    assert "remission" not in presences(rule_of(tagger, text))
    recent = [_cancer("Hepatocellular carcinoma", 900, 60)]
    old = [_cancer("Hepatocellular carcinoma", 1500, 700)]
    assert verdict_of(tagger, "Exclusion", text, recent, as_of=_AS_OF) == "met"
    assert verdict_of(tagger, "Exclusion", text, old, as_of=_AS_OF) == "not_met"


def test_a_record_that_does_not_say_a_remission_cannot_fail_one(tagger):
    """A chronic disease in remission is often still listed as active: the record cannot prove the
    remission missing, so an inclusion asking for one is left open rather than failed."""
    text = "Crohn's disease in remission for at least 3 months"
    facts = [_cancer("Crohn's disease", 2000)]
    assert verdict_of(tagger, "Inclusion", text, facts, as_of=_AS_OF) == "unknown"
    ended = [_cancer("Crohn's disease", 2000, 200)]
    assert verdict_of(tagger, "Inclusion", text, ended, as_of=_AS_OF) == "met"


def test_a_time_without_a_disease_free_word_is_still_a_duration(tagger):
    """Guard: "for at least 3 years" after the disease itself says how long it has lasted."""
    leaf = presences(rule_of(tagger, "Type 2 diabetes for at least 3 years", "inclusion"))["Type 2 diabetes"]
    assert leaf.temporal is not None and leaf.temporal.measure == "duration"


def test_a_remission_a_conjunction_sets_apart_keeps_its_own_duration(tagger):
    """Guard (LCT NCT03869905): "... by histology and endoscopy AND in stable remission for 3 months" is not
    an endoscopy last done 3 months ago: the remission is a concept of its own and lasts 3 months."""
    text = "Ulcerative colitis with confirmed diagnosis by histology and endoscopy AND in stable remission for 3 months"
    found = presences(rule_of(tagger, text, "inclusion"))
    assert found["endoscopy"].temporal is None
    remission = next(leaf for name, leaf in found.items() if "remission" in name)
    assert remission.temporal is not None and remission.temporal.measure == "duration"


def test_an_excepted_cure_of_the_disease_itself_excepts_no_disease(tagger):
    """NCT02598232 E11: the excepted "cured tumor" had been read as every tumor, so no tumor excluded."""
    text = (
        "Patients with a history of malignant tumor (except those with a cured tumor and no re- occurrence for the "
        "last five years)"
    )
    active = [_cancer("Malignant tumor of colon", 400)]
    cured_long_ago = [_cancer("Malignant tumor of colon", 4000, 3000)]
    assert verdict_of(tagger, "Exclusion", text, active, as_of=_AS_OF) == "met"
    assert verdict_of(tagger, "Exclusion", text, cured_long_ago, as_of=_AS_OF) == "not_met"
