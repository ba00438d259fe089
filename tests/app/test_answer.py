"""The Ask tab's answers, without an LLM, on a real index."""

import json

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


# Trials of the bundled data/trials, beside the five test trials, for the kinds of question they raise:
# sex stated only in the criteria, ages in mixed units, acronyms only in titles, "A1C" for "HbA1c".
BUNDLED = {
    "NCT01994343": "Inclusion 'Women.'",
    "NCT01959048": "Inclusion 'Both genders are eligible for study'",
    "NCT00315042": "Age 6 months to less than 13 years of age",
    "NCT00841789": "Male Age 2 months to 20 years of age Female Age 2 months to 11 years of age",
    "NCT00282269": "Hypothermia in Traumatic Brain Injury in Children (HiTBIC)",
    "NCT00932425": "Long-term Cardiac Monitoring After Cryptogenic Stroke (CMACS)",
    "NCT01854723": "Current A1C > 8.5%",
    "NCT00844987": "... in Patients With Acute Coronary Syndrome (ACS): a term, not a trial name",
}


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, trials, embedder, tagger):
    """An Answerer over a real index of the test trials and the bundled trials above."""
    from trialsieve.app.catalog import Catalog
    from trialsieve.app.server import BUNDLED_TRIALS
    from trialsieve.extract.ingest import read_inputs
    from trialsieve.index.build import build
    from trialsieve.index.search import TrialIndex

    found, _ = read_inputs([str(BUNDLED_TRIALS)])
    chosen = [t for t in found if t.id in BUNDLED]
    assert len(chosen) == len(BUNDLED)
    directory = tmp_path_factory.mktemp("bundled") / "index"
    build(directory, [*trials, *chosen], embedder, progress=False)
    return Answerer(Catalog(TrialIndex(directory, embedder), tagger))


@pytest.mark.parametrize(
    ("question", "says", "quote"),
    [
        ("What sex does NCT01994343 enrol?", "**women only**", "Women."),
        ("Does NCT01959048 enrol men?", "**all sexes**", "Both genders are eligible for study"),
        ("Is NCT01994343 open to women?", "**women only**", "Women."),
        ("Can men take part in NCT01994343?", "**women only**", "Women."),
    ],
)
def test_sex_stated_only_in_the_criteria_is_found_and_cited(bundled, question, says, quote):
    answer = bundled.answer(question)
    assert says in answer.text and "does not state" not in answer.text
    assert [c.quote for c in answer.citations] == [quote] and answer.citations[0].label == "Inclusion 1"


def test_ages_in_mixed_units_keep_their_units_and_their_sexes(bundled):
    tonsillitis = bundled.answer("What is the minimum age for NCT00315042?")
    assert "**6 months**" in tonsillitis.text and "no minimum" not in tonsillitis.text
    kawasaki = bundled.answer("What are the age limits of NCT00841789?")
    assert "**2 months** (male: 2 months to 20 years)" in kawasaki.text
    assert "**11 years** (female: 2 months to 11 years)" in kawasaki.text
    assert "2 years" not in kawasaki.text and len(kawasaki.citations) == 1


@pytest.mark.parametrize(
    ("question", "label", "says"),
    [
        ("What phase is AMASS?", "Registry: phase", "**Phase 2**"),
        ("Is AMASS still recruiting?", "Registry: status", "**completed**"),
        ("What conditions does CARE-SSc study?", "Registry: conditions", "**Mesenchymal Stem Cells; Sclerosis"),
        ("What are the interventions in AMASS?", "Registry: interventions", "**Drug: Cryostor CS10; Drug: ASCs**"),
        ("Does DAPA-REF accept healthy volunteers?", "Registry: healthy volunteers", "**does not accept**"),
    ],
)
def test_registry_facts_are_answered_from_their_fields(answerer, question, label, says):
    answer = answerer.answer(question)
    assert says in answer.text and [c.label for c in answer.citations] == [label]


def test_acronyms_in_titles_name_trials(bundled):
    assert bundled.answer("What is the minimum age for HiTBIC?").focus == "NCT00282269"
    cmacs = bundled.answer("Who can join CMACS?")
    assert cmacs.focus == "NCT00932425" and cmacs.citations[0].label == "Inclusion 1"
    assert bundled.catalog.named("Is ACS common?") == (None, None)  # "Acute Coronary Syndrome (ACS)" is a term


def test_synonyms_widen_the_search(bundled):
    answer = bundled.answer("Is HbA1c required?", "NCT01854723")
    assert answer.focus == "NCT01854723" and "A1C" in answer.citations[0].quote


@pytest.mark.parametrize(
    "statement",
    [
        "Patients with age over 65 and heart failure are eligible for the primary trial",
        "Females with a history of breast cancer are excluded from the primary trial",
        "The eligibility of patients depends on their prior chemotherapy",
    ],
)
def test_a_word_inside_a_statement_does_not_decide_the_answer(answerer, statement):
    assert intent_of(statement) == (None, None)
    answer = answerer.answer(statement)
    assert "Which trial do you mean?" not in answer.text


def test_questions_of_a_kind_are_routed_whatever_their_wording():
    assert intent_of("Can men take part?")[0] == "sex"
    assert intent_of("Is it open to women?")[0] == "sex"
    assert intent_of("How old must participants be?")[0] == "age"
    assert intent_of("What are the eligibility criteria?")[0] == "all_criteria"


def test_a_cross_trial_question_is_not_narrowed_by_the_focus(answerer):
    answer = answerer.answer("Do any trials require HbA1c above 7%?", AMASS)
    assert answer.focus == AMASS and {c.trial_id for c in answer.citations} - {AMASS}
    assert all("hba1c" in c.quote.lower() for c in answer.citations)


def test_nothing_in_the_focused_trial_is_said_and_the_focus_stays(answerer):
    answer = answerer.answer("Schirmer test results needed", CARE)
    assert answer.focus == CARE and f"Nothing in CARE-SSc \\({CARE}\\) matches" in answer.text
    assert answer.citations[0].trial_id == AMASS


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("Is AMASS recruiting in Tokyo?", "does not hold trial locations"),
        ("Who is the sponsor contact for CARE-SSc?", "does not hold sponsors, investigators or contact details"),
        ("How many participants will AMASS enrol?", "does not hold enrolment numbers"),
    ],
)
def test_facts_the_registry_data_lacks_are_said_to_be_missing(answerer, question, says):
    answer = answerer.answer(question)
    assert not answer.found and not answer.citations and says in answer.text


def test_questions_naming_several_trials_are_answered_for_each(answerer):
    ages = answerer.answer("Which has the lower minimum age, AMASS or CARE-SSc?")
    assert {(c.trial_id, c.label) for c in ages.citations} >= {
        (AMASS, "Registry: minimum age"),
        (CARE, "Registry: minimum age"),
    }
    pregnancy = answerer.answer("Do both AMASS and CARE-SSc exclude pregnant women?")
    first = {c.trial_id: c for c in reversed(pregnancy.citations)}
    assert set(first) == {AMASS, CARE} and all("pregnan" in c.quote.lower() for c in first.values())


def test_the_ask_command_answers_with_the_app_engine(built):
    from typer.testing import CliRunner

    from trialsieve.cli import app

    result = CliRunner().invoke(
        app, ["ask", "and the maximum age?", "--index", str(built), "--trial", "AMASS", "--json"]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["focus"] == AMASS and answer["found"] and "no maximum age" in answer["text"]
    phase = CliRunner().invoke(app, ["ask", "What phase is CARE-SSc?", "--index", str(built)])
    assert phase.exit_code == 0 and "Registry: phase" in phase.output
