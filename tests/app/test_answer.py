"""The Ask tab's answers, without an LLM, on a real index."""

import pytest

from trialsieve.app.answer import MAX_QUESTION, Answerer, intent_of

AMASS, CARE = "NCT04615455", "NCT04356287"


@pytest.fixture(scope="module")
def answerer(services):
    return Answerer(services.catalog)


def test_minimum_age_is_cited_and_follow_ups_keep_the_trial(answerer):
    first = answerer.answer("What is the minimum age for the AMASS trial?")
    assert "**18 years**" in first.text and first.focus == AMASS
    assert [(c.trial_id, c.label, c.quote) for c in first.citations] == [
        (AMASS, "Registry: minimum age", "18+ years old")
    ]
    assert f'[{AMASS} · Registry: minimum age](?trial={AMASS}) "18+ years old"' in first.text
    follow = answerer.answer("and the maximum age?", first.focus)
    assert follow.focus == AMASS and "no maximum age" in follow.text


def test_ages_stated_only_in_the_criteria_are_found_and_cited(answerer):
    answer = answerer.answer("What is the minimum age?", CARE)
    assert "**18 years**" in answer.text  # the registry says 18+
    exclusion_age = [c for c in answer.citations if c.label == "Exclusion 1"]
    assert exclusion_age and exclusion_age[0].quote == "Age < 18 years"


def test_criteria_lists_cite_every_criterion(answerer):
    answer = answerer.answer(f"What are the exclusion criteria of {CARE}?")
    labels = [c.label for c in answer.citations]
    assert labels[:3] == ["Exclusion 1", "Exclusion 2", "Exclusion 3"] and "Exclusion 3.1" in labels
    assert all(label.startswith("Exclusion") for label in labels)
    assert f'[{CARE} · Exclusion 2](?trial={CARE}) "Pregnancy or unwillingness to use adequate contraception"' in (
        answer.text
    )


def test_which_trials_exclude_pregnant_women(answerer):
    answer = answerer.answer("Which trials exclude pregnant women?")
    cited = {c.trial_id: c for c in answer.citations}
    assert {AMASS, CARE} <= set(cited)
    assert all(c.label.startswith("Exclusion") for c in answer.citations)
    assert "pregnan" in cited[AMASS].quote.lower()


def test_open_questions_get_the_best_passages(answerer):
    answer = answerer.answer("Schirmer test results needed")
    assert answer.found and answer.citations[0].trial_id == AMASS and "Schirmer" in answer.citations[0].quote


def test_nothing_relevant_is_said_plainly(answerer):
    answer = answerer.answer("What is the capital of France?")
    assert not answer.found and not answer.citations and "Nothing" in answer.text


@pytest.mark.parametrize(
    ("question", "focus", "says"),
    [
        ("", None, "Please type a question"),
        ("x" * (MAX_QUESTION + 1), None, "limited to"),
        ("What is the minimum age for NCT09999999?", None, "NCT09999999 is not in the index"),
        ("What is the minimum age?", None, "Which trial do you mean?"),
    ],
)
def test_unanswerable_questions_say_why(answerer, question, focus, says):
    answer = answerer.answer(question, focus)
    assert not answer.found and says in answer.text


def test_intents_are_read_from_the_lexicon():
    assert intent_of("and the maximum age?")[0] == "maximum_age"
    assert intent_of("Which studies require metformin?")[1]["topic"] == "metformin"
    assert intent_of("Tell me about dry eye")[0] is None
