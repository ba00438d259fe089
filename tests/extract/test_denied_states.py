"""A state word under a negation names the opposite state and denies no concept: "Diabetes not well
controlled" is uncontrolled diabetes, never controlled diabetes (as an exclusion, that read turned
away the well-controlled diabetic the criterion lets in). Criteria are real ones (ClinicalTrials.gov,
LCT) or the issue's own (issue 18)."""

import copy

import pytest

from trialsieve.extract import denied_states
from trialsieve.extract.lexicon import load
from trialsieve.extract.relations import default_model
from trialsieve.extract.structure import structure_text
from trialsieve.rules import leaves


def _rule(tagger, text: str, section: str = "exclusion"):
    return structure_text(text, section, tagger.tag([text])[0], default_model()).rule


def _denied(rule, below: bool = False) -> list[str]:
    """The concepts a `not` above them or their own flag denies."""
    if rule.type in ("all", "any", "at_least", "not"):
        return [c for arg in rule.args for c in _denied(arg, below != (rule.type == "not"))]
    return [rule.concept.text] if rule.type == "presence" and (rule.negated != below) else []


def _states(rule, words: str) -> set[str]:
    """The qualifiers of the presence leaf whose concept holds ``words``, and the state words of its concept."""
    (leaf,) = [leaf for leaf in leaves(rule) if leaf.type == "presence" and words in leaf.concept.text]
    return {*leaf.qualifiers, *leaf.concept.text.lower().split()}


@pytest.mark.parametrize(
    ("text", "concept", "state", "not_state"),
    [
        ("Diabetes not well controlled", "Diabetes", "uncontrolled", "controlled"),  # issue 18
        ("Asthma which is not stable", "Asthma", "unstable", "stable"),  # issue 18
        ("Epilepsy not adequately controlled by treatment;", "Epilepsy", "uncontrolled", "controlled"),  # NCT00244023
        ("9. Blood pressure is not well controlled", "Blood pressure", "uncontrolled", "controlled"),  # NCT05832827
        (  # LCT NCT03925285
            "Inadequately controlled hypertension with or without current antihypertensive medications;",
            "hypertension",
            "uncontrolled",
            "controlled",
        ),
        ("Sub-optimally controlled diabetes", "diabetes", "uncontrolled", "controlled"),
        ("Any unstable or not well-controlled cardiac disease", "cardiac disease", "uncontrolled", "controlled"),
        ("blood/lymphatic system tumors are not remission.", "tumors", "current", "remission"),  # LCT
        ("Non-controlled diabetes", "diabetes", "uncontrolled", "controlled"),
        (  # NCT05879653
            "24. Has not adequately recovered from major surgery or has ongoing surgical complications.",
            "major surgery",
            "unrecovered",
            "recovered",
        ),
    ],
)
def test_a_denied_state_is_its_opposite(tagger, text, concept, state, not_state):
    rule = _rule(tagger, text)
    states = _states(rule, concept)
    assert state in states and not_state not in states, states
    assert _denied(rule) == []  # the "not" denies the state, not the concept


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Hepatitis B not in remission", "Hepatitis B"),
        ("Lymphoma not in complete remission", "Lymphoma"),
        ("Crohn's disease no longer in remission", "Crohn's disease"),
    ],
)
def test_a_state_word_under_a_negation_is_no_concept(tagger, text, concept):
    """ "remission", tagged a concept and denied, asked for a patient with no remission: no record says so."""
    rule = _rule(tagger, text)
    assert [leaf.concept.text for leaf in leaves(rule)] == [concept]
    assert "current" in rule.qualifiers and not rule.negated


def test_a_non_before_a_state_is_its_opposite(tagger):
    text = (
        "conditions other than T1D known to affect bone health (i.e., non-compensated hypothyroidism, hyperthyroidism)"
    )
    assert "unstable" in _states(_rule(tagger, text), "hypothyroidism")  # LCT NCT03869281


def test_a_negation_before_the_state_denies_no_concept(tagger):
    assert _denied(_rule(tagger, "Not well controlled diabetes")) == []
    assert _states(_rule(tagger, "Not well controlled diabetes"), "diabetes") >= {"uncontrolled"}


def test_a_state_not_denied_keeps_its_polarity(tagger):
    assert "controlled" in _states(_rule(tagger, "Well controlled diabetes", "inclusion"), "diabetes")
    assert "uncontrolled" in _states(_rule(tagger, "Poorly controlled type 1 or type 2 diabetes;"), "diabetes")
    # a negation of its own before the denied state still denies the concept
    assert _denied(_rule(tagger, "No poorly controlled diabetes")) == ["diabetes"]


def test_the_lexicon_is_checked_when_it_loads():
    lexicon = load("denied_states")
    assert denied_states.opposite("not well controlled") == "uncontrolled"
    assert denied_states.opposite("no longer in remission") == "current"
    assert denied_states.opposite("well controlled") is None
    misspelt = {**copy.deepcopy(lexicon), "negator": ["not"]}
    with pytest.raises(ValueError, match="keys"):
        denied_states._checked(misspelt)
    no_qualifier = copy.deepcopy(lexicon)
    no_qualifier["states"]["controlled"] = "uncontroled"
    with pytest.raises(ValueError, match="no qualifier"):
        denied_states._checked(no_qualifier)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("* Dose of an alpha blocker that has not been stable for at least 14 days;", "alpha blocker"),  # NCT01698684
        ("* Androgen replacement therapy that has not been stable for at least 3 months.", "therapy"),  # NCT02503306
    ],
)
def test_a_denied_state_over_a_length_of_time_is_no_duration_of_the_concept(tagger, text, concept):
    """The time is how long the stability lasted: "therapy for at least 3 months" asked the opposite."""
    (leaf,) = [leaf for leaf in leaves(_rule(tagger, text)) if leaf.type == "presence" and concept in leaf.concept.text]
    assert "unstable" in leaf.qualifiers and leaf.temporal is None and not leaf.negated
