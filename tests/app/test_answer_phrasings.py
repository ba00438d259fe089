"""Ask's question classes that a held-out set of coordinator questions found missing, on real bundled trials:
pronouns and plans in a question of a known kind, limits asked as "below which X ...", "how high may X be",
limits asked across trials, and "which trials are about X" not listing trials that only exclude X."""

import pytest

from trialsieve.app.answer import Answerer, _measure_names, intent_of

# Bundled trials (data/trials) with what each is here for.
CHOSEN = {
    "NCT02918682": "Inclusion 'volunteers above the age of 65 ...': the age only in the criteria",
    "NCT04601363": "PSSG: enrollment 1000 (estimated)",
    "NCT06490887": "SUIT: enrollment 20 (estimated)",
    "NCT00843063": "Exclusion 'renal failure with estimated creatinine clearance less than 10 ml / min'",
    "NCT00236912": "Exclusion 'APACHE II (health) score > 25'",
    "NCT01854723": "Inclusion 'Current A1C > 8.5%'",
    "NCT04886388": "Inclusion 'HbA1c level >7%'; Exclusion 'HbA1c level >=11%'",
    "NCT01519271": "Title 'Mild Cognitive Impairment in Parkinson's Disease'",
    "NCT03955484": "Exclusion 'Patients with neurological diseases (Parkinson's, Multiple Sclerosis etc ...)'",
}
CARE = "NCT04356287"  # a test trial with hemoglobin limits (hemoglobin < 11 g/dL, anemia < 8 g/dL), no HbA1c


@pytest.fixture(scope="module")
def answerer(tmp_path_factory, trials, embedder, tagger):
    """An Answerer over a real index of the test trials and the bundled trials above."""
    from trialsieve.app.catalog import Catalog
    from trialsieve.app.server import BUNDLED_TRIALS
    from trialsieve.extract.ingest import read_inputs
    from trialsieve.index.build import build
    from trialsieve.index.search import TrialIndex

    found, _ = read_inputs([str(BUNDLED_TRIALS)])
    chosen = [t for t in found if t.id in CHOSEN]
    assert len(chosen) == len(CHOSEN)
    directory = tmp_path_factory.mktemp("phrasings") / "index"
    build(directory, [*trials, *chosen], embedder, progress=False)
    return Answerer(Catalog(TrialIndex(directory, embedder), tagger))


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("how old do they have to be?", "age"),
        ("Which plans to enrol more people?", "enrollment"),
        ("What is the planned enrollment?", "enrollment"),
        ("Are they still recruiting?", "status"),
        # a longer sentence with other words stays out of the known kinds
        ("Do they exclude patients with a history of epilepsy?", None),
    ],
)
def test_pronouns_and_plans_do_not_hide_the_kind_of_question(question, intent):
    assert intent_of(question)[0] == intent


def test_how_old_must_they_be_answers_from_the_criteria_of_the_focused_trial(answerer):
    answer = answerer.answer("how old do they have to be?", "NCT02918682")
    assert "65" in answer.text and answer.focus == "NCT02918682"
    assert [c.label for c in answer.citations] == ["Inclusion 1"]


def test_planned_enrolment_is_compared_from_the_registry(answerer):
    answer = answerer.answer("Which plans to enrol more people, PSSG or SUIT?")
    assert answer.text.startswith("**PSSG \\(NCT04601363\\)** enrols more participants.")
    assert {(c.trial_id, c.label) for c in answer.citations} == {
        ("NCT04601363", "Registry: enrollment"),
        ("NCT06490887", "Registry: enrollment"),
    }


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("Below which creatinine clearance are patients excluded from X?", "creatinine clearance"),
        ("Above what ALT level is a patient excluded?", "ALT level"),
        ("How high may the APACHE II score be for X?", "APACHE II score"),
        ("What is the lowest serum glucose allowed in X?", "serum glucose"),
        ("Is there a body weight limit in X?", "body weight"),
        ("What WBC count qualifies for X?", "WBC count"),
        ("Which trials have an A1c requirement?", "A1c"),
    ],
)
def test_limit_questions_in_other_words_find_the_measure(question, measure):
    intent, match = intent_of(question)
    assert intent == "value_limit" and match["measure"] == measure


@pytest.mark.parametrize(
    ("question", "trial_id", "label", "limit"),
    [
        (
            "Below which creatinine clearance are patients excluded from NCT00843063?",
            "NCT00843063",
            "Exclusion 5",
            "creatinine clearance less than 10 ml / min",
        ),
        ("How high may the APACHE II score be for NCT00236912?", "NCT00236912", "Exclusion 3", "score \\> 25"),
    ],
)
def test_limits_asked_in_other_words_are_read_from_the_rules(answerer, question, trial_id, label, limit):
    answer = answerer.answer(question)
    assert answer.text.startswith("Limits on ") and limit in answer.text
    assert [(c.trial_id, c.label) for c in answer.citations] == [(trial_id, label)]


def test_a_limit_asked_across_trials_lists_each_trial_that_sets_one(answerer):
    answer = answerer.answer("Which trials have an A1c requirement?")
    cited = {(c.trial_id, c.label) for c in answer.citations}
    assert {("NCT01854723", "Inclusion 4"), ("NCT04886388", "Inclusion 6"), ("NCT04886388", "Exclusion 4")} <= cited
    assert "A1C \\\\\\> 8.5%" in answer.text
    assert CARE not in {trial_id for trial_id, _ in cited}  # hemoglobin and anemia limits are not HbA1c limits


def test_a_measure_that_contains_another_is_not_that_measure():
    assert frozenset({"anemia"}) not in _measure_names("glycated hemoglobin")
    assert frozenset({"anemia"}) in _measure_names("hemoglobin level")


def test_which_trials_are_about_a_disease_leaves_out_trials_that_only_exclude_it(answerer):
    answer = answerer.answer("Which trials are about Parkinson's disease?")
    cited = {c.trial_id for c in answer.citations}
    assert "NCT01519271" in cited and "NCT03955484" not in cited
    listed = answerer.answer("Which trials mention Parkinson's disease?")  # a mention is a mention
    assert "NCT03955484" in {c.trial_id for c in listed.citations}
