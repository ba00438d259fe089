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
