"""What is written after "with or without" (or "regardless of", "whether or not") may be there or
not: it is kept as a leaf with ``role: optional``, never denied or required. Criteria are real ones
(LCT and ClinicalTrials.gov)."""

import json
import re
from importlib import resources

import pytest

from trialsieve.app.tree import leaf_text, tree
from trialsieve.extract.relations import default_model
from trialsieve.extract.structure import structure_text
from trialsieve.rules import PERMISSION, leaves, status_of


def _rule(tagger, text: str, section: str):
    return structure_text(text, section, tagger.tag([text])[0], default_model()).rule


def _leaf(rule, words: str):
    """The presence leaf whose concept holds ``words``."""
    return next(leaf for leaf in leaves(rule) if leaf.type == "presence" and words in leaf.concept.text)


def _denied(rule, below: bool = False) -> list[str]:
    """The concepts a `not` above them or their own flag denies."""
    if rule.type in ("all", "any", "at_least", "not"):
        return [c for arg in rule.args for c in _denied(arg, below != (rule.type == "not"))]
    return [rule.concept.text] if rule.type == "presence" and (rule.negated != below) else []


def test_the_lexicon_is_well_formed():
    lexicon = json.loads(resources.files("trialsieve.extract").joinpath("lexicons", "optional.json").read_text("utf-8"))
    assert set(lexicon) == {"_doc", "cues", "ends"}
    assert {"with or without", "regardless of", "irrespective of", "whether or not"} <= set(lexicon["cues"])
    re.compile(lexicon["ends"])


@pytest.mark.parametrize(
    ("section", "text", "asked", "optional"),
    [
        (
            "exclusion",
            "Inadequately controlled hypertension with or without current antihypertensive medications;",
            "hypertension",
            "antihypertensive medications",
        ),
        ("inclusion", "metastatic disease with or without measurable lesions", "metastatic disease", "lesions"),
        ("inclusion", "severe non-PDR in either eyes with/without diabetic macular edema;", "PDR", "macular edema"),
        ("inclusion", "Premature labor with/without ruptured membrane", "Premature labor", "ruptured membrane"),
        ("exclusion", "History of cancer with or without metastatic disease", "cancer", "metastatic disease"),
        ("exclusion", "Bilateral salpingectomy (with or without oophorectomy)", "salpingectomy", "oophorectomy"),
        (
            "exclusion",
            "Previous trauma/fractures of the pelvis whether or not surgery was required",
            "fractures of the pelvis",
            "surgery",
        ),
        (
            "exclusion",
            "Loss of vision in one eye due to non-arteritic ischemic optic neuropathy (NAION) regardless of whether "
            "or not this event was temporally associated with the use of a PDE5 inhibitor.",
            "optic neuropathy",
            "PDE5 inhibitor",
        ),
        ("exclusion", "Patients with or without diabetes who are on insulin", "insulin", "diabetes"),
    ],
)
def test_what_follows_with_or_without_is_optional(tagger, section, text, asked, optional):
    rule = _rule(tagger, text, section)
    kept = _leaf(rule, optional)
    assert kept.role == "optional" and not kept.negated
    assert _leaf(rule, asked).role is None
    assert not _denied(rule), tree(rule)  # "without" denies nothing here
    shown = leaf_text(kept)
    assert shown.startswith("(with or without: ") and shown.endswith(f"{kept.concept.text})") and shown in tree(rule)


def test_an_optional_item_joins_the_item_before_it(tagger):
    text = "Patient undergoing coronary artery bypass surgery with CEC, with or without valve surgery, by sternotomy."
    rule = _rule(tagger, text, "inclusion")
    assert _leaf(rule, "valve surgery").role == "optional"
    assert _leaf(rule, "sternotomy").role is None  # the comma ends the optional phrase
    # the "or" of "with or without" makes no alternatives: the sternotomy is asked beside the rest
    assert rule.type == "all" and {"CEC", "valve surgery", "sternotomy"} <= {leaf.concept.text for leaf in leaves(rule)}


def test_a_new_clause_ends_the_optional_phrase(tagger):
    text = (
        "Progressive disease or clinical relapse following ASCT with or without consolidation or is not "
        "responsive to primary therapy"
    )
    rule = _rule(tagger, text, "inclusion")
    assert _leaf(rule, "consolidation").role == "optional"
    assert _leaf(rule, "primary therapy").role is None


def test_an_exception_no_longer_leaves_out_what_it_allows(tagger):
    text = (
        "Craniofacial dysmorphology (other than non-syndromic CP with or without cleft lip in the CP cohort) "
        "or other syndrome"
    )
    rule = _rule(tagger, text, "exclusion")
    base = _leaf(rule, "Craniofacial dysmorphology")
    assert [c.text for c in base.excepted] == ["non-syndromic CP"]  # was also "without cleft lip" and "CP"
    assert _leaf(rule, "cleft lip").role == "optional"


def test_a_criterion_that_is_only_an_optional_phrase_asks_nothing(tagger):
    rule = _rule(tagger, "With or without contained disc herniations of <3 mm protrusion", "inclusion")
    assert rule.type == "unstructured" and rule.reason == PERMISSION and status_of(rule) == "structured"
