"""Tests listed after a limit say how its value is measured (issue 21): "LVEF >= 50% as measured by
echocardiogram or MUGA scan" asks for the LVEF, measured by either test. The "or" had made the tests after
the first an alternative to the limit, any(LVEF >= 50%, MUGA scan), met by any MUGA on record; as an
exclusion, "LVEF < 50% by MUGA or echocardiogram" ruled out every patient who had an echocardiogram. The
tests are method leaves beside the limit, asking nothing. Criteria are real NLI4CT and ClinicalTrials.gov ones."""

import copy

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.extract import methods
from trialsieve.extract.lexicon import load
from trialsieve.rules import Comparison, leaves


@pytest.mark.parametrize(
    ("text", "section", "tests"),
    [
        ("LVEF >= 50% as measured by echocardiogram or MUGA scan", "inclusion", 1),  # the issue
        ("LVEF > 45% by echocardiogram or MUGA", "inclusion", 1),
        ("LVEF < 50% by MUGA or echocardiogram", "exclusion", 1),
        (
            "Left ventricular ejection fraction (LVEF) >= 50% by echocardiogram or multiple gated acquisition (MUGA)",
            "inclusion",
            1,
        ),
        ("LVEF >= 50% by echo, MUGA or cardiac MRI", "inclusion", 2),  # the list goes on: ``listed`` takes the rest
    ],
)
def test_tests_after_a_limit_say_how_it_is_measured(tagger, text, section, tests):
    rule = rule_of(tagger, text, section)
    limits = [leaf for leaf in leaves(rule) if isinstance(leaf, Comparison)]
    assert len(limits) == 1 and rule.type == "all" and limits[0] in rule.args, rule  # never any(limit, test)
    found = [leaf for leaf in presences(rule).values() if leaf.concept.kind == "procedure"]
    assert len(found) == tests and all(leaf.role == "method" for leaf in found), rule


@pytest.mark.parametrize(
    "text",
    [
        "LVEF >= 50% by echo or prior cardiac surgery",  # an operation is no test: an alternative, as written
        "Hemoglobin >= 9 g/dL or transfusion",  # no cue: the transfusion is what it asks
    ],
)
def test_what_is_no_test_after_a_limit_stays_asked(tagger, text):
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "any" and all(leaf.role is None for leaf in presences(rule).values()), rule


def test_the_lexicon_is_checked_when_it_loads():
    lexicon = copy.deepcopy(load("cues")["measured_by"])
    gap, test = methods._measured_by(lexicon)
    assert gap.fullmatch(" as measured by echocardiogram or ") and test.search("MUGA scan")
    assert not gap.fullmatch(" by echocardiogram and no history of ")
    lexicon["tests"] = []
    with pytest.raises(ValueError):
        methods._measured_by(lexicon)


def test_a_patient_who_had_the_test_is_not_excluded_by_it(tagger):
    """The exclusion was any(LVEF < 50%, echocardiogram): an echocardiogram on record met it, whatever it showed."""
    facts = [
        {"kind": "procedure", "text": "echocardiogram"},
        {"kind": "measurement", "text": "LVEF", "value": 60, "unit": "%"},
    ]
    assert verdict_of(tagger, "Exclusion", "LVEF < 50% by MUGA or echocardiogram", facts) == "not_met"
