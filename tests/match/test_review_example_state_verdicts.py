"""The examples of a criterion left to a person keep the states written before them: "Medical
comorbidities that would limit the benefit of ICI such as uncontrolled diabetes mellitus, significant
cardiovascular disease ..., unstable psychiatric conditions" (NCT06044883) names uncontrolled diabetes
as such a comorbidity, not diabetes. The bare "diabetes mellitus" was met by any recorded diabetes,
and a Synthea patient with diabetes was ruled out."""

import datetime as dt

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.match.patient import Fact

CRITERION = (
    "Medical comorbidities that would limit the benefit of ICI such as uncontrolled diabetes mellitus, "
    "significant cardiovascular disease interfering with sexual activity, unstable psychiatric conditions"
)
AT_RISK = (
    "Any condition that, in the opinion of the investigator, would place the subject at risk "
    "(e.g., uncontrolled hypertension, active infection)"
)


def test_the_examples_keep_their_states(tagger):
    leaves = presences(rule_of(tagger, CRITERION))
    assert leaves["diabetes mellitus"].qualifiers == ["uncontrolled"]
    assert leaves["psychiatric conditions"].qualifiers == ["unstable"]
    assert presences(rule_of(tagger, AT_RISK))["hypertension"].qualifiers == ["uncontrolled"]


def test_a_recorded_diabetes_is_not_an_uncontrolled_one(tagger):
    diabetes = Fact(text="Diabetes", kind="condition", date=dt.date(2015, 1, 1))
    assert verdict_of(tagger, "Exclusion", CRITERION, [diabetes], age=60, sex="male") != "met"
