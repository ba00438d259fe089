"""Procedures with a list of prefixes and a body site (issue 18): "Pre or postoperative radiation
therapy to pelvic area" is preoperative or postoperative radiotherapy, each to the pelvic area, not
postoperative radiotherapy anywhere; "Hyper or hypotension" is hypertension or hypotension, never a
condition "Hyper". A site written after the last of a list of procedures is where each was done
("Prior surgery or radiotherapy in pelvic region"), unless an item names its own ("prior pelvic
surgery"). Real ClinicalTrials.gov criteria."""

import pytest

from tests.extract.reading import rule_of
from trialsieve.extract import prefixes
from trialsieve.rules import leaves


def _read(rule) -> tuple:
    """(the node's type, the concepts of its presence leaves, whether each is negated)."""
    found = list(leaves(rule))
    assert all(leaf.type == "presence" for leaf in found), rule
    return rule.type, [leaf.concept.text for leaf in found], {leaf.negated for leaf in found}


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        (  # NCT01660152
            "Pre or postoperative radiation therapy to pelvic area",
            (
                "any",
                ["Preoperative radiation therapy to pelvic area", "postoperative radiation therapy to pelvic area"],
                {False},
            ),
        ),
        (
            "Pre or postoperative androgen therapy",
            ("any", ["Preoperative androgen therapy", "postoperative androgen therapy"], {False}),
        ),  # NCT01660152
        ("Hyper or hypotension", ("any", ["Hypertension", "hypotension"], {False})),  # NCT00463957
        ("Uni- or bilateral nephrectomy", ("any", ["Unilateral nephrectomy", "bilateral nephrectomy"], {False})),
        # a denied list denies each: neither before nor after the operation
        (
            "No prior pre- or postoperative radiotherapy",
            ("all", ["preoperative radiotherapy", "postoperative radiotherapy"], {True}),
        ),
        # a review of words that end on the first prefix goes with it
        (
            "Prior treatment with pre- or post-operative chemotherapy within 6 months",
            ("any", ["preoperative chemotherapy", "postoperative chemotherapy"], {False}),
        ),
        # a shared site: each item of the list was done there
        (  # NCT01274949
            "Prior surgery or radiotherapy in pelvic region",
            ("any", ["surgery in pelvic region", "radiotherapy in pelvic region"], {False}),
        ),
        (  # NCT06167733
            "Surgery or radiotherapy of the pelvic region",
            ("any", ["Surgery of the pelvic region", "radiotherapy of the pelvic region"], {False}),
        ),
    ],
)
def test_prefix_lists_and_shared_sites(tagger, text, reading):
    assert _read(rule_of(tagger, text)) == reading


def test_a_prefix_list_inside_examples_gives_both_words(tagger):
    text = (  # NCT02845765
        "Subjects with ED secondary diagnosis to hormonal alterations "
        "(i.e. hypogonadism, hypo / hyperthyroidism, hyperprolactinemia);"
    )
    named = [leaf.concept.text for leaf in leaves(rule_of(tagger, text)) if leaf.type == "presence"]
    assert "hypothyroidism" in named and "hyperthyroidism" in named and "hypo" not in named


def test_an_item_with_a_site_of_its_own_keeps_it(tagger):
    text = (
        "ED due to radical prostatectomy, prior pelvic surgery, or radiation therapy to the pelvis "
        "within 12 months prior to enrollment"
    )
    named = [leaf.concept.text for leaf in leaves(rule_of(tagger, text)) if leaf.type == "presence"]
    assert "pelvic surgery" in named and "radical prostatectomy" in named


@pytest.mark.parametrize(
    "text",
    [
        # "in" is a word of its own, and "non-/unilateral-nerve-sparing" shares more than a stem
        "Participants who are currently participating in or anticipate to be selected for any other study.",
        "Prostatecancer patients undergoing a non-/unilateral-nerve-sparing radical prostatectomy (RARP)",
        "Post or current smokers",
    ],
)
def test_words_that_are_no_prefix_list_are_left_alone(text):
    assert prefixes.LIST.search(text) is None


def test_an_inclusion_asks_for_treatments_given_both_times(tagger):
    rule = rule_of(tagger, "Patients who received pre- and postoperative chemotherapy", "inclusion")
    assert _read(rule) == ("all", ["preoperative chemotherapy", "postoperative chemotherapy"], {False})
    rule = rule_of(tagger, "Pre- and post-menopausal women", "inclusion")
    assert _read(rule) == ("any", ["Premenopausal", "postmenopausal"], {False})
