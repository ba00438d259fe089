"""Tests named as adverbs before a confirming verb (issue 18): "Histologically or cytologically confirmed
diagnosis of breast cancer" asks for the cancer, found by histology or cytology. The adverbs are method
leaves beside the concept after them, never alternatives to it ("any histology record meets it") nor
requirements of their own. Criteria are real ClinicalTrials.gov ones and the issue's own."""

import copy

import pytest

from tests.extract.reading import presences, rule_of
from trialsieve.extract import methods
from trialsieve.extract.lexicon import load
from trialsieve.rules import leaves


@pytest.mark.parametrize(
    ("text", "finding", "tests"),
    [
        ("Histologically or cytologically confirmed diagnosis of breast cancer", "breast cancer", 2),  # the issue
        ("Histologically confirmed adenocarcinoma of the prostate", "adenocarcinoma of the prostate", 1),
        ("Pathologically confirmed glioblastoma", "glioblastoma", 1),
        ("Cytologically or histologically documented NSCLC", "NSCLC", 2),
        ("Patients with histologically proven prostate cancer.", "prostate cancer", 1),
        ("Biopsy proven prostate adenocarcinoma,", "prostate adenocarcinoma", 1),
        ("Histologically- or cytologically-confirmed diagnosis of NSCLC.", "NSCLC", 2),
        ("Histological or cytologically confirmed NSCLC.", "NSCLC", 2),  # an adjective before the verb
        # an "or" later in the words made the tests an alternative to the cancer
        (
            "Participant has histologically or cytologically confirmed locally advanced or metastatic non-small"
            " cell lung cancer (NSCLC) that is not amenable to treatment with curative intent",
            "non-small cell lung cancer",
            2,
        ),
    ],
)
def test_an_adverb_test_says_how_the_concept_is_found(tagger, text, finding, tests):
    rule = rule_of(tagger, text, "inclusion")
    found = presences(rule)
    named = [leaf for name, leaf in found.items() if name.startswith(finding)]
    assert len(named) == 1 and named[0].role is None, found
    methods_ = [leaf for leaf in found.values() if leaf.role == "method"]
    assert len(methods_) == tests, found
    assert all(not leaf.qualifiers for leaf in methods_)
    assert rule.type == "all" and named[0] in rule.args, rule  # all(finding, methods): never any(test, ...)
    assert all(leaf.type != "unstructured" for leaf in leaves(rule))


def test_a_test_with_no_adverb_stays_asked(tagger):
    rule = rule_of(tagger, "Prior biopsy of the prostate", "exclusion")
    assert all(leaf.role is None for leaf in presences(rule).values())


def test_the_lexicon_is_checked_when_it_loads():
    lexicon = copy.deepcopy(load("cues")["found_by_adverbs"])
    assert methods._adverbs(lexicon).fullmatch("histologically and/or cytologically confirmed")
    assert methods._adverbs(lexicon).fullmatch("biopsy-proven")
    lexicon["verbs"] = []
    with pytest.raises(ValueError):
        methods._adverbs(lexicon)
