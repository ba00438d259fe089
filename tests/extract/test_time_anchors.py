"""A time anchor is a window on its neighbours, no item of their list (issue 18, NCT06501144): "...
during the therapy or between the end of your last therapy cycle and inclusion into this study" made a
bare "therapy" leaf beside the surgeries it times, so every treated patient was excluded. The anchor
clause makes no leaf; the window, set by events no record date places, is a review beside what it times."""

import pytest

from tests.extract.reading import presences, rule_of
from trialsieve.extract.time_anchors import WINDOW
from trialsieve.rules import leaves

ANCHOR = "during the therapy or between the end of your last therapy cycle and inclusion into this study"
SURGERY = (  # NCT06501144 E7
    "Underwent major surgery in the small pelvis with probable impairment of the neurovascular supply (e.g. rectum "
    f"resection, urinary bladder removal) {ANCHOR}"
)


@pytest.mark.parametrize(
    "text",
    [
        SURGERY,
        f"Obtained a penile implant {ANCHOR}",  # NCT06501144 E6
        f"Start of PDE-5 inhibitor treatment {ANCHOR}",  # E3
    ],
)
def test_the_window_is_a_review_beside_what_it_times(tagger, text):
    rule = rule_of(tagger, text)
    assert rule.type == "all" and rule.args[-1].type == "unstructured" and rule.args[-1].reason == WINDOW, rule
    assert not any("cycle" in name or name == "therapy" for name in presences(rule.args[0])), rule


def test_a_window_alone_times_the_new_therapy(tagger):
    text = "Started a new therapy with the intervention between the end of the last therapy cycle and inclusion"
    rule = rule_of(tagger, text)  # NCT06501144 E2: the new therapy, in the window; not all(therapy, therapy)
    assert rule.type == "all" and rule.args[-1].reason == WINDOW, rule
    assert "therapy" in presences(rule) and not any("cycle" in name for name in presences(rule)), rule


def test_a_window_read_from_a_number_only_stretches(tagger):
    text = (  # NCT05850520 E6
        "History of cerebrovascular accident or myocardial infarction within 24 weeks (168 days) before the "
        "screening visit or between screening and baseline visits."
    )
    rule = rule_of(tagger, text)
    assert all(leaf.type == "presence" and leaf.temporal for leaf in leaves(rule)), rule


@pytest.mark.parametrize(
    "text",
    [
        "Hypoglycemia during insulin therapy",  # a condition while on a treatment: both are asked
        "Male subjects between the ages 40-70.",
        "Use of sildenafil during the study",
    ],
)
def test_other_during_and_between_are_read_as_before(tagger, text):
    assert not any(getattr(leaf, "reason", None) == WINDOW for leaf in leaves(rule_of(tagger, text)))


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("Age >= 18 years at the time of signing informed consent", "inclusion"),
        ("Participant is ≥ 18 years of age at the time of signing the ICF.", "inclusion"),  # NCT04789655 I1.3
        # NCT04886388 I1: a consent review "inclusive at the time of signing the informed consent" beside the age
        ("Between 18 and 75 years old, inclusive at the time of signing the informed consent;", "inclusion"),
    ],
)
def test_at_the_time_of_a_study_step_is_no_requirement(tagger, text, section):
    rule = rule_of(tagger, text, section)
    assert rule.type == "demographic" and rule.attribute == "age", rule


def test_a_review_ends_before_the_time_of_a_study_step(tagger):
    text = "Receiving on-site (in hospital) palliative care services at the time of recruitment."  # NCT04224974 E3
    rule = rule_of(tagger, text)
    assert rule.type == "unstructured" and rule.text.endswith("palliative care services"), rule
    text = "the couple must have been married or living together at the time of screening."  # NCT00644631 I3
    texts = [leaf.text for leaf in leaves(rule_of(tagger, text, "inclusion"))]
    assert not any("time" in words or "screening" in words for words in texts), texts


def test_pregnant_at_the_time_of_enrollment_is_pregnant(tagger):
    rule = rule_of(tagger, "Female patient who is pregnant or lactating at the time of enrollment")
    assert set(presences(rule)) == {"pregnant", "lactating"} and len(leaves(rule)) == 2, rule


def test_the_time_of_an_event_that_is_no_study_step_is_read_as_before(tagger):
    rule = rule_of(tagger, "Less than 50 years of age at the time of migraine onset", "inclusion")
    assert rule.type == "demographic" and rule.at_event == "onset" and rule.event.text == "migraine", rule
