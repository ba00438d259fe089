"""A contraindication to a drug or a test is no use of it: "Contraindication to the use of Insulin
glargine" (ctgov) was a leaf for insulin glargine, which ruled out every patient taking it, and in
"Intolerance or contraindication to aspirin or both clopidogrel and ticlopidine" clopidogrel became a
drug leaf of its own, which ruled out a Synthea patient on clopidogrel. A contraindication is for a
person to judge (review reason ``contraindication``), with its examples read as alternatives; what
follows the cue is what is contraindicated. A state that makes another disease ("Decompensated
diabetes mellitus", "untreated hypertension") stays on the concept, where a recorded diabetes met it."""

import datetime as dt

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.match.patient import Fact
from trialsieve.rules import leaves

AS_OF = dt.date(2026, 11, 29)
CLOPIDOGREL = Fact(text="Clopidogrel 75 MG Oral Tablet", kind="drug", date=dt.date(2024, 1, 1))
GLARGINE = Fact(text="insulin glargine 100 UNT/ML Injectable Solution", kind="drug", date=dt.date(2024, 1, 1))
DIABETES = Fact(text="Diabetes", kind="condition", date=dt.date(2015, 1, 1))
HYPERTENSION = Fact(text="Hypertension", kind="condition", date=dt.date(2015, 1, 1))


@pytest.mark.parametrize(
    "text",
    [
        "Intolerance or contraindication to aspirin or both clopidogrel and ticlopidine;",
        "Contraindication to the use of Insulin glargine",
        "Contraindications to undergo a MRI",
    ],
)
def test_what_is_contraindicated_is_no_leaf_of_its_own(tagger, text):
    rule = rule_of(tagger, text)
    objects = [leaf for leaf in leaves(rule) if leaf.type == "presence" and leaf.concept.kind in ("drug", "procedure")]
    assert objects and all(leaf.role == "contraindicated" for leaf in objects)  # kept, asking nothing
    assert any(leaf.type == "unstructured" and leaf.reason == "contraindication" for leaf in leaves(rule))


def test_the_examples_of_a_contraindication_are_read(tagger):
    found = presences(rule_of(tagger, "Contraindication to sildenafil (e.g. nitrates, hypersensitivity)"))
    assert {"nitrates", "hypersensitivity"} <= set(found)


@pytest.mark.parametrize(
    ("text", "fact", "presumed"),
    [
        ("Intolerance or contraindication to aspirin or both clopidogrel and ticlopidine;", CLOPIDOGREL, "not_met"),
        ("Contraindication to the use of Insulin glargine", GLARGINE, "not_met"),
        ("Decompensated diabetes mellitus", DIABETES, "not_met"),  # a severity the record would state
        # the record says neither whether it is controlled nor whether it is treated
        ("Subject has uncontrolled hypertension or untreated hypertension.", HYPERTENSION, "unknown"),
    ],
)
def test_taking_the_drug_or_having_the_disease_does_not_meet_it(tagger, text, fact, presumed):
    assert verdict_of(tagger, "Exclusion", text, [fact], age=60, as_of=AS_OF) != "met"
    assert verdict_of(tagger, "Exclusion", text, [fact], age=60, as_of=AS_OF, presume=True) == presumed


def test_a_decompensated_disease_keeps_its_state(tagger):
    assert "Decompensated diabetes mellitus" in presences(rule_of(tagger, "Decompensated diabetes mellitus"))


@pytest.mark.parametrize(
    "text",
    [
        "not presenting any contraindications to the practice of adapted physical activity",
        "No significant cardiopulmonary disease, or other contraindication to EGD",
    ],
)
def test_an_inclusion_asking_for_no_contraindication_is_presumed_met(tagger, text):
    """A record silent about contraindications gives no reason to exclude, whether the inclusion
    denies one in its own words or under a `not` (TrialGPT annotation 341)."""
    assert verdict_of(tagger, "Inclusion", text, [DIABETES], age=60, as_of=AS_OF, presume=True) == "met"
    assert verdict_of(tagger, "Inclusion", text, [DIABETES], age=60, as_of=AS_OF) != "met"
