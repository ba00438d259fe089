"""LLM readings of unstructured criteria: checked against the text, merged with provenance, logged."""

import json

import pytest

from trialsieve.extract.structure import structure_text
from trialsieve.llm.backends import OpenAICompatible
from trialsieve.llm.leftovers import refine_criterion
from trialsieve.rules import StructuredCriterion, leaves, status_of


def criterion(text: str, section: str = "inclusion") -> StructuredCriterion:
    extraction = structure_text(text, section)
    return StructuredCriterion(
        id="I1",
        section=section,
        text=text,
        start=0,
        end=len(text),
        rule=extraction.rule,
        status=status_of(extraction.rule),
    )


def reading(limits=(), concepts=()) -> str:
    return json.dumps({"limits": list(limits), "concepts": list(concepts)})


@pytest.fixture
def llm(server):
    return OpenAICompatible(server.url, "tiny", retries=1)


def test_a_checked_reading_replaces_the_unstructured_leaf(server, llm):
    walk = criterion("Able to walk 1 mile")
    assert walk.status == "needs_review"
    server.content(reading(limits=[{"variable": "walk", "operator": ">=", "value": 1, "unit": None}]))
    refined, note = refine_criterion(walk, llm)
    (leaf,) = leaves(refined.rule)
    assert (leaf.type, leaf.variable, leaf.operator, leaf.value, leaf.source) == ("comparison", "walk", ">=", 1, "llm")
    assert refined.status == "structured" and note.accepted == 1 and not note.rejected


@pytest.mark.parametrize(
    ("limit", "why"),
    [
        ({"variable": "walk", "operator": ">=", "value": 2}, "not a number in the criterion"),
        ({"variable": "run", "operator": ">=", "value": 1}, "not in the criterion"),
        ({"variable": "walk", "operator": ">=", "value": 1, "unit": "km"}, "unit 'km'"),
    ],
)
def test_a_reading_the_text_does_not_bear_out_is_rejected_and_logged(server, llm, limit, why):
    walk = criterion("Able to walk 1 mile")
    server.content(reading(limits=[limit]))
    refined, note = refine_criterion(walk, llm)
    assert refined == walk and note.accepted == 0 and why in note.rejected[0]


def test_what_the_grammar_parsed_is_never_overridden(server, llm):
    allergy = criterion(
        "Known allergy to penicillin or inability to tolerate the study drug as judged by the investigator", "exclusion"
    )
    assert allergy.status == "partial"
    server.content(
        reading(concepts=[{"text": "penicillin", "kind": "drug"}, {"text": "the study drug", "kind": "drug"}])
    )
    refined, note = refine_criterion(allergy, llm)
    assert note.accepted == 1 and "already parsed" in note.rejected[0]
    kept = [leaf for leaf in leaves(refined.rule) if leaf.source == "grammar"]
    assert kept == [leaf for leaf in leaves(allergy.rule) if leaf.type != "unstructured"]
    added = [leaf for leaf in leaves(refined.rule) if leaf.source == "llm"]
    assert [leaf.concept.text for leaf in added] == ["the study drug"]
    assert refined.status == "structured"


def test_a_failed_reply_keeps_the_criterion(server, llm):
    walk = criterion("Able to walk 1 mile")
    server.content("{broken")
    refined, note = refine_criterion(walk, llm)
    assert refined == walk and note.error and "does not fit" in note.error
