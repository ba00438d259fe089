"""Readings of real registry text (issue 18, seed 2611): Chinese punctuation reads as its ASCII
counterpart, and two limits on one variable that no value meets together are alternatives."""

import datetime as dt

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.extract.ingest import read_text
from trialsieve.extract.segment import readable
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Patient
from trialsieve.rules import leaves


def _rule(tagger, section: str, criterion: str):
    """The rule ``structure_trial`` gives the only criterion of a ``section`` ("Inclusion"/"Exclusion")."""
    trial = read_text(f"{section} Criteria:\n* {criterion}\n", "one.txt", "one")
    return structure_trial(trial, tagger).criteria[0].rule


# --- 1. Chinese punctuation ("，", "；", "（ECOG）") reads as ",", ";", "(ECOG)" ---------------------------


def test_ideographic_punctuation_is_read_character_for_character():
    written = "ALT or AST \\>10\\*ULN，HGB\\<60g/L，AFP \\>100ng/ml；ECOG（PS）：0-2、"
    read = readable(written)
    assert len(read) == len(written)
    assert read == "ALT or AST  >10 *ULN,HGB <60g/L,AFP  >100ng/ml;ECOG(PS):0-2,"


def test_a_fullwidth_comma_before_or_lists_alternatives(tagger):
    # NCT05185011 E5: with "，" read as a word, the two were all(...): drug abuse alone did not exclude
    criterion = "Drug abuse within 3 months prior to screening，or the long-term use of benzodiazepine medications；"
    rule = _rule(tagger, "Exclusion", criterion)
    assert rule.type == "any", rule
    abuse = [{"kind": "condition", "text": "Drug abuse", "date": "2026-10-30"}]
    assert verdict_of(tagger, "Exclusion", criterion, abuse) == "met"


def test_fullwidth_brackets_gloss_the_scale_they_follow(tagger):
    # NCT04007835 I8: "（ECOG）" was two presence leaves beside the limit, "Eastern Cooperative Oncology
    # Group" and "ECOG", asked of every patient
    rule = _rule(tagger, "Inclusion", "Eastern Cooperative Oncology Group（ECOG）Performance Status（PS）:0-2.;")
    assert rule.type == "comparison" and (rule.operator, rule.value, rule.value2) == ("between", 0, 2), rule
    # NCT05306028 I5: the unit given again in brackets was a review leaf that left the limit unknown
    rule = _rule(tagger, "Inclusion", "Fasting blood glucose ≥ 7.0 mmol/L（126 mg/dl）")
    assert rule.type == "comparison" and rule.value == 7, rule


# --- 2. limits no value meets together are alternatives --------------------------------------------------


def _age_verdict(tagger, criterion: str, age: float) -> str:
    trial = read_text(f"Exclusion Criteria:\n* {criterion}\n", "one.txt", "one")
    report = check(structure_trial(trial, tagger), Patient(age=age), dt.date(2026, 11, 30), ConceptMatcher())
    return report.criteria[0].verdict


def test_ages_no_one_has_together_are_either(tagger):
    # NCT05679999 E1: all(age < 40, age > 70) excluded no one
    criterion = "Patients under 40 years of age and over 70 years old"
    rule = rule_of(tagger, criterion)
    assert rule.type == "any" and [leaf.operator for leaf in leaves(rule)] == ["<", ">"], rule
    assert _age_verdict(tagger, criterion, 30) == "met"
    assert _age_verdict(tagger, criterion, 75) == "met"
    assert _age_verdict(tagger, criterion, 55) == "not_met"


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("Systolic blood pressure > 160 mmHg and < 90 mmHg", "any"),  # no pressure is both
        ("Age >= 18 and <= 65", "all"),  # a range: both hold
        ("Hemoglobin < 9 g/dL and platelets < 100,000/mm3", "all"),  # two variables: left to the logic
    ],
)
def test_only_limits_that_cannot_both_hold_become_either(tagger, text, joined):
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == joined, rule
    assert not presences(rule), rule


# --- 3. a negative test denies what it tests for; a requirement set on a group applies to it only ----------


def _verdicts(tagger, criterion: str) -> dict[str, str]:
    """The inclusion's verdict for a man, a woman of 30 who is not pregnant, and one who is."""
    trial = structure_trial(read_text(f"Inclusion Criteria:\n* {criterion}\n", "one.txt", "one"), tagger)
    patients = {
        "man": Patient(sex="male", age=50),
        "not pregnant": Patient(sex="female", age=30, pregnant=False),
        "pregnant": Patient(sex="female", age=30, pregnant=True),
    }
    when, matcher = dt.date(2026, 11, 30), ConceptMatcher()
    return {who: check(trial, p, when, matcher).criteria[0].verdict for who, p in patients.items()}


@pytest.mark.parametrize(
    "criterion",
    [
        # NCT04318938 I11, NCT05925803 I9, NCT06062823 I10, NCT05282459 I13 (last updated 2021-2025)
        "Women of childbearing potential (WOCBP) must have a negative pregnancy test within 7 days prior to "
        "randomization. Women must not be breastfeeding.",
        "Women of childbearing potential with a negative urine pregnancy test",
        "For female patients of childbearing potential, have a negative pregnancy test documented ≤ 14 days prior "
        "to start of study medication.",
        "Women of childbearing potential must have negative urine or serum pregnancy test",
    ],
)
def test_a_negative_pregnancy_test_for_women_of_childbearing_potential_turns_away_no_man(tagger, criterion):
    # all(childbearing potential, pregnancy test) turned away every man (the check knows he has none), and a
    # pregnant woman's positive test met it
    verdicts = _verdicts(tagger, criterion)
    assert verdicts["man"] == "met", verdicts
    assert verdicts["pregnant"] != "met", verdicts
    rule = _rule(tagger, "Inclusion", criterion)
    denied = [leaf for leaf in leaves(rule) if leaf.type == "presence" and leaf.negated]
    assert any(leaf.concept.text.lower() == "pregnancy" for leaf in denied), rule


def test_a_test_read_negative_after_its_name_is_the_state_denied(tagger):
    # NCT06029816 I11 (2024): "Blood pregnancy test is negative before enrollment"
    rule = _rule(
        tagger, "Inclusion", "Blood pregnancy test is negative before enrollment and patients must be non-lactating"
    )
    found = {leaf.concept.text: leaf for leaf in leaves(rule) if leaf.type == "presence"}
    assert found["pregnancy"].negated and found["Blood pregnancy test"].role == "method", rule
    assert _verdicts(tagger, "Blood pregnancy test is negative before enrollment")["not pregnant"] == "met"


@pytest.mark.parametrize(
    ("section", "criterion"),
    [
        # NCT04714372 E2: an exclusion that says a test must be negative; a denied pregnancy there would
        # exclude every woman who is not pregnant
        ("Exclusion", "Menstruating females of child-bearing potential must have a negative pregnancy test"),
        # NCT05915702 I4: a group's denial is no group ("nonchildbearing potential")
        ("Inclusion", "Woman of nonchildbearing potential (WONCBP) who must not be breastfeeding"),
    ],
)
def test_what_is_not_a_requirement_on_the_patients_group_is_read_as_before(tagger, section, criterion):
    rule = _rule(tagger, section, criterion)
    assert not any(
        leaf.type == "presence" and leaf.negated and "potential" in leaf.concept.text for leaf in leaves(rule)
    )
    if section == "Exclusion":
        assert not any(leaf.type == "presence" and leaf.concept.text == "pregnancy" for leaf in leaves(rule)), rule


def test_a_partners_childbearing_potential_sets_nothing_on_the_patient(tagger):
    # NCT03813992 I6 (2019): the group is the male subject's partner; "not of childbearing potential" would be
    # met by every man whatever his partner
    criterion = (
        "If the male subject's female partner is of childbearing potential, then the couple must have been using "
        "a medically acceptable form of contraception for at least 3 months"
    )
    rule = _rule(tagger, "Inclusion", criterion)
    assert not any(
        leaf.type == "presence" and leaf.negated and "potential" in leaf.concept.text for leaf in leaves(rule)
    )
