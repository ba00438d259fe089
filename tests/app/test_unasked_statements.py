"""Statements that a trial does not ask something, judged by whether its criteria speak of it
(``app/unasked_statements.py``)."""

import pytest

from trialsieve.app.unasked_statements import judge_unasked, unasked_claim
from trialsieve.extract.structure import structure_trial
from trialsieve.trial import Trial


def written(text: str):
    return structure_trial(Trial(id="NCT99999999", criteria_text=text, source="test"), None)


@pytest.mark.parametrize(
    ("statement", "topics"),
    [
        (
            "Candidates for the primary trial do not need to meet a specific life expectancy criteria.",
            ["life expectancy"],
        ),
        ("Patients of any ethnicity can participate in the primary trial.", ["race"]),
        ("Patients cannot be excluded from the primary trial on the basis of race or ethnicity.", ["race"]),
        (
            "Adequate Hematologic, Hepatic and renal function is not necessary for participating in the primary trial.",
            ["organ function"],
        ),
        (
            "Prior hormonal treatment(s) in the metastatic or adjuvant setting is not necessary for patients in the "
            "primary trial, neither is Adequate organ function or a particular racial or ethnic background.",
            ["prior hormonal treatment", "organ function", "race"],
        ),
        ("Patients do not need to have a known hormone receptor status to participate in the primary trial.", None),
        (
            "Potential participants will be considered regardless of the hormone receptivity of their breast cancer.",
            None,
        ),
    ],
)
def test_statements_that_a_topic_is_not_asked_are_read(statement, topics):
    claim = unasked_claim(statement)
    assert claim is not None
    if topics:
        assert [name for name, _ in claim.topics] == topics


@pytest.mark.parametrize(
    "statement",
    [
        # a topic the lexicon does not hold, or words beyond the topics: not read
        "Patients cannot be excluded from the primary trial on the basis of gender or ethnicity.",
        "Adequate renal function is not necessary for the primary trial. However, being pregnant is required.",
        "Potential participants will be considered regardless of the hormone receptivity of their breast cancer, "
        "except if they are overexpressing ERBB2.",
        "Informed consent is not necessary for participation in the primary trial.",
        "Patients with HIV are not eligible for the primary trial.",
    ],
)
def test_other_statements_are_not_read(statement):
    assert unasked_claim(statement) is None


def _verdict(statement: str, criteria: str, sexes: frozenset[str] = frozenset()) -> str:
    claim = unasked_claim(statement)
    assert claim is not None
    return judge_unasked(claim, written(criteria), set(sexes)).verdict


ETHNICITY = "Patients of any ethnicity can participate in the primary trial."


def test_a_trial_silent_on_the_topic_does_not_ask_it():
    assert _verdict(ETHNICITY, "Inclusion Criteria:\n* Breast cancer\n* ECOG 0-1") == "yes"


def test_a_criterion_admitting_every_value_does_not_ask_it():
    criteria = "Inclusion Criteria:\n* Women of all races and ethnic groups are eligible for this trial"
    assert _verdict(ETHNICITY, criteria) == "yes"


def test_an_inclusion_limiting_the_topic_asks_it():
    criteria = (
        "Inclusion Criteria:\n* Has 1 of the following racial or ethnic backgrounds:\n  * Hispanic\n  * Caucasian"
    )
    assert _verdict(ETHNICITY, criteria) == "no"
    life = "Candidates for the primary trial do not need to meet a specific life expectancy criteria."
    assert _verdict(life, "Exclusion Criteria:\n* Life expectancy < 6 months") == "no"  # an attribute's exclusion


def test_a_treatment_excluded_is_not_asked_but_not_said_unasked_either():
    hormonal = "Prior hormonal therapy is not necessary for participating in the primary trial."
    assert _verdict(hormonal, "Exclusion Criteria:\n* Prior hormonal therapy") == "cannot tell"
    assert _verdict(hormonal, "Inclusion Criteria:\n* Prior hormonal therapy for metastatic disease") == "no"


@pytest.mark.parametrize(
    "criteria",
    [
        "Inclusion Criteria:\n* No life expectancy limit unless the investigator decides",  # narrowed
        "DISEASE CHARACTERISTICS:\n* Life expectancy of at least 6 months",  # under no inclusion heading
        "Exclusion Criteria:\n* Patients expected to survive less than 3 months, if receiving hospice care",
    ],
)
def test_a_mention_that_settles_nothing_is_cannot_tell(criteria):
    life = "Candidates for the primary trial do not need to meet a specific life expectancy criteria."
    assert _verdict(life, criteria) == "cannot tell"


def test_life_expectancy_not_specified_is_not_asked():
    life = "Candidates for the primary trial do not need to meet a specific life expectancy criteria."
    assert _verdict(life, "PATIENT CHARACTERISTICS:\n* Life expectancy:\n  * Not specified") == "yes"


def test_one_topic_asked_makes_the_whole_false():
    statement = (
        "Prior hormonal treatment(s) is not necessary for patients in the primary trial, neither is adequate organ "
        "function."
    )
    assert _verdict(statement, "Inclusion Criteria:\n* Breast cancer\n* Bilirubin <= 1.5 x ULN") == "no"


def test_age_words_of_childbearing_are_not_an_age():
    statement = "Women of any age can participate in the primary trial."
    assert (
        _verdict(statement, "Exclusion Criteria:\n* Women of childbearing potential not using contraception") == "yes"
    )
    assert _verdict(statement, "Inclusion Criteria:\n* Age >= 18 years") == "no"
    assert _verdict(statement, "Inclusion Criteria:\n* Breast cancer", frozenset({"male"})) == "cannot tell"
