"""A kind named as "certain" of it leaves the list unstated: "History of certain heart problems" is
for a person (reason "unstated list"). Read as the kind, any heart problem ruled a patient out."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.extract.unstated import UNSTATED
from trialsieve.rules import leaves


@pytest.mark.parametrize(
    "text",
    [
        "Use of certain medications",
        "Use of certain antibiotics",
        "History of certain cancers",
        "History of certain heart problems",  # NCT00547092 E4
        "Has received certain types of psychotherapy within the last 6 months",  # NCT06028984 E2
        "Are using certain kinds of medicines, which are not allowed in this study.",  # NCT02224846 E5
    ],
)
def test_certain_kinds_are_an_unstated_list(tagger, text):
    rule = rule_of(tagger, text)
    assert (rule.type, rule.reason) == ("unstructured", UNSTATED), rule


def test_the_review_keeps_the_denial(tagger):
    rule = rule_of(tagger, "Do not meet certain lab value reference ranges")  # NCT00547092 E5
    assert (rule.type, rule.reason, rule.negated) == ("unstructured", UNSTATED, True), rule


def test_named_examples_stay_alternatives(tagger):
    rule = rule_of(tagger, "Prior use of certain medications (e.g. warfarin, heparin)")
    assert rule.type == "any" and {"warfarin", "heparin"} <= set(presences(rule)), rule
    assert [leaf.reason for leaf in leaves(rule) if leaf.type == "unstructured"] == [UNSTATED], rule


def test_a_list_sharing_the_head_is_unstated_throughout(tagger):
    rule = rule_of(tagger, "A history of certain endocrine or hormonal abnormalities")  # NCT00382135 E2
    assert all(leaf.type == "unstructured" and leaf.reason == UNSTATED for leaf in leaves(rule)), rule


def test_any_heart_problem_does_not_exclude(tagger):
    facts = [{"kind": "condition", "text": "Atrial fibrillation"}]
    assert verdict_of(tagger, "Exclusion", "History of certain heart problems", facts) != "met"
