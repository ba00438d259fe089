"""A class of drugs named by its target with the target's abbreviation in parentheses (issue 18):
"phosphodiesterase type 5 (PDE5) inhibitors" is one drug concept, not the enzyme with the head noun
dropped or AND-ed as a bare "inhibitors". Criteria are real ClinicalTrials.gov ones (NCT ids beside them)."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.extract import glossed_heads
from trialsieve.match.patient import Fact
from trialsieve.rules import Entity, leaves


@pytest.mark.parametrize(
    ("text", "section", "concept"),
    [
        # NCT01122264: the enzyme alone named no drug, so a sildenafil user was not excluded
        (
            "Previous or current treatment with tadalafil or any other phosphodiesterase type 5 (PDE5) inhibitor.",
            "exclusion",
            "phosphodiesterase type 5 (PDE5) inhibitor",
        ),
        # NCT03510338: a bare "inhibitors" was AND-ed to the enzyme
        (
            "Concomitant use of other phosphodiesterase 5 (PDE5) inhibitors, or other pulmonary arterial hypertension"
            " (PAH) treatments containing sildenafil (REVATIO), or other treatments for erectile dysfunction.",
            "exclusion",
            "phosphodiesterase 5 (PDE5) inhibitors",
        ),
        # NCT03510338: "angiotensin converting enzyme" AND "ACE) inhibitors"
        (
            "Concomitant use of antihypertensive medications (e.g. diuretics, angiotensin converting enzyme (ACE)"
            " inhibitors etc).",
            "exclusion",
            "angiotensin converting enzyme (ACE) inhibitors",
        ),
        # NCT05814159
        (
            "Previous or current treatment with anakinra, canakinumab,or any other Interleukin-1 (IL-1) inhibitor.",
            "exclusion",
            "Interleukin-1 (IL-1) inhibitor",
        ),
        # NCT05819398
        (
            "Prior exposure to Interleukin 36 receptor (IL-36R) inhibitors including spesolimab.",
            "exclusion",
            "Interleukin 36 receptor (IL-36R) inhibitors",
        ),
        # NCT01348880: the tagger cut "3A4" after its "3"
        (
            "Any drug known to inhibit CYP enzymes: specifically potent or moderate cytochrome P450 isoenzyme 3A4"
            " (CYP3A4) inhibitors such as HIV protease inhibitors (e.g. ritonavir, indinavir, saquinavir,"
            " atazanavir), ketoconazole, itraconazole, clarithromycin and erythromycin",
            "exclusion",
            "cytochrome P450 isoenzyme 3A4 (CYP3A4) inhibitors",
        ),
    ],
)
def test_the_class_head_after_a_gloss_stays_on_the_concept(tagger, text, section, concept):
    rule = rule_of(tagger, text, section)
    drugs = [leaf.concept for leaf in leaves(rule) if leaf.type == "presence" and leaf.concept.kind == "drug"]
    assert any(c.text.endswith(concept) for c in drugs), [c.text for c in drugs]
    names = [leaf.concept.text.lower() for leaf in leaves(rule) if leaf.type == "presence"]
    assert not any(n.split()[-1] in ("inhibitor", "inhibitors") and "(" not in n and "protease" not in n for n in names)


def test_the_enzyme_is_no_item_of_its_own(tagger):
    # NCT04762082: "phosphodiesterase type 5 (PDE5)" AND "history of inhibitors"
    rule = rule_of(
        tagger,
        "Have not taken finasteride or dutasteride therapy, any other lower urinary tract symptom (LUTS) therapy or"
        " phosphodiesterase type 5 (PDE5) inhibitors for specified duration of time prior to the study;",
        "inclusion",
    )
    names = set(presences(rule))
    assert any(n.endswith("phosphodiesterase type 5 (PDE5) inhibitors") for n in names), names
    assert not any(n.endswith("inhibitors") and "phosphodiesterase" not in n for n in names), names


@pytest.mark.parametrize(
    ("section", "criterion", "drug", "verdict"),
    [
        # NCT01122264: a sildenafil user is excluded (was unknown)
        (
            "Exclusion",
            "Previous or current treatment with tadalafil or any other phosphodiesterase type 5 (PDE5) inhibitor.",
            "sildenafil",
            "met",
        ),
        # NCT03510338: a tadalafil user is excluded (was unknown)
        (
            "Exclusion",
            "Concomitant use of other phosphodiesterase 5 (PDE5) inhibitors, or other pulmonary arterial hypertension"
            " (PAH) treatments containing sildenafil (REVATIO), or other treatments for erectile dysfunction.",
            "tadalafil",
            "met",
        ),
        # NCT04762082: a sildenafil user has taken a PDE5 inhibitor (was unknown)
        (
            "Inclusion",
            "Have not taken finasteride or dutasteride therapy, any other lower urinary tract symptom (LUTS) therapy"
            " or phosphodiesterase type 5 (PDE5) inhibitors for specified duration of time prior to the study;",
            "sildenafil",
            "not_met",
        ),
    ],
)
def test_a_member_of_the_class_answers_it(tagger, section, criterion, drug, verdict):
    facts = [Fact(kind="drug", text=drug)]
    assert verdict_of(tagger, section, criterion, facts, age=55, sex="male") == verdict


def _entity(kind: str, text: str, words: str) -> Entity:
    start = text.index(words)
    return Entity(type=kind, start=start, end=start + len(words), text=words)


def test_a_connective_before_the_gloss_keeps_the_items_apart():
    # "insulin or (GLP-1) agonists": the gloss is not insulin's; a lower-case word in parentheses is no gloss
    for text in ("Use of insulin or (GLP-1) receptor agonists", "Use of beta (daily) blockers"):
        spans = [_entity("drug", text, text.split()[2])]
        assert glossed_heads.joined(text, spans) == spans
