"""The QA scorer's checks on hand-made answers, the question file's loader, and real runs of the Ask engine."""

import json

import pytest

from tests.conftest import ROOT
from tests.test_cli import run
from trialsieve.eval.qa import Cited, Question, contains, evaluate, hallucinated, read, score, table, verdict_of
from trialsieve.trial import Age, Trial

AMASS, CARE = "NCT04615455", "NCT04356287"
TRIALS = {
    CARE: Trial(id=CARE, acronym="CARE-SSc", minimum_age=Age(value=18, unit="a", text="18+ years old"), source="t"),
}
E10 = Cited(trial_id=CARE, label="Exclusion 10", quote="Bone marrow insufficiency defined as ... anemia < 8g/dL")
I2 = Cited(trial_id=CARE, label="Inclusion 2", quote="... hemoglobin < 11 g/dL, not explained by other causes")


def question(**gold) -> Question:
    return Question.model_validate(
        {"id": "q", "question": "What is the hemoglobin limit in CARE-SSc?", "kind": "value_limit"} | gold
    )


def test_a_right_answer_passes_every_check():
    gold = question(answer_contains=["11 g/dL", ["8 g/dL", "8.0 g/dL"]], answer_excludes=["12 g/dL"], trials=[CARE])
    text = "CARE-SSc: hemoglobin **< 11 g/dL** counts toward severe disease; anemia \\< 8g/dL excludes."
    scored = score(gold, text, [I2, E10], True, TRIALS)
    assert scored.right and scored.failed == [] and scored.hallucinated == []


def test_a_missing_value_an_excluded_value_and_an_uncited_trial_each_fail():
    gold = question(answer_contains=["8 g/dL"], answer_excludes=["12 g/dL"], trials=[CARE], trials_exclude=[AMASS])
    scored = score(gold, f"The limit is 18 g/dL or 12 g/dL, see {AMASS}.", [], True, TRIALS)
    assert not scored.right
    assert scored.failed == ["lacks '8 g/dL'", "says '12 g/dL'", f"misses {CARE}", f"names {AMASS}"]


def test_a_number_with_a_unit_that_no_source_holds_is_hallucinated():
    gold = question(answer_contains=["11 g/dL"])
    scored = score(gold, "Hemoglobin under 11 g/dL or 9.5 g/dL, from age 18 years.", [I2], True, TRIALS)
    assert scored.right  # rightness and hallucination are scored apart
    assert scored.hallucinated == ["9.5 g/dL"]  # 18 years is CARE-SSc's registry age; 11 g/dL is cited
    assert hallucinated("at most 7%", ["HbA1c \\>7%"]) == [] and hallucinated("over 70 years", ["Age 7"]) == [
        "70 years"
    ]


def test_matching_is_by_whole_words_and_numbers():
    assert contains("enrols **men only**", "men") and not contains("enrols women only", "men")
    assert not contains("18 g/dL", "8 g/dL") and contains("anemia < 8g/dL", "8 G/DL")
    assert contains("NOT_YET_RECRUITING", "not yet recruiting") and contains("BMI < 18 kg/m²", "18 kg/m2")
    assert not contains("8.5%", "8") and contains("100,000/mm3", "100,000")


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("No: NCT01348880 excludes HbA1c > 8%.", "no"),
        ("She would not be eligible: the trial is for men.", "no"),
        ("We cannot tell: her BMI is not given, though she is not excluded by age.", "cannot tell"),
        ("Yes, she would be eligible.", "yes"),
        ("The passages that best match your question:", None),
    ],
)
def test_the_verdict_is_the_first_verdict_phrase(text, verdict):
    assert verdict_of(text) == verdict


def test_verdicts_and_unanswerable_questions_are_checked():
    patient = question(verdict="no")
    assert score(patient, "No, she is under 18.", [], True, TRIALS).right
    assert score(patient, "Cannot tell.", [], True, TRIALS).failed == ["verdict cannot tell, not no"]
    assert score(patient, "Inclusion 2 says ...", [], True, TRIALS).failed == ["verdict none, not no"]
    contact = question(unanswerable=True)
    assert score(contact, "Nothing in CARE-SSc matches that question.", [], False, TRIALS).right
    assert score(contact, "The record does not give a phone number.", [], True, TRIALS).right
    assert not score(contact, "The passages that best match your question: ...", [I2], True, TRIALS).right


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("not json", ":2: not a QA question"),
        ('{"id": "a", "question": "Q?", "kind": "age"}', "no gold"),
        (
            '{"id": "a", "question": "Q?", "kind": "mood", "trials": ["NCT1"]}',
            ":2: not a QA question: kind: Input should be",
        ),
        ('{"id": "a", "question": "Q?", "kind": "age", "answer_contains": ["x"], "gold": 1}', "gold"),
        ('{"id": "a", "question": "Q?", "kind": "age", "answer_contains": [""]}', "matches every answer"),
        ('{"id": "first", "question": "Q?", "kind": "age", "trials": ["NCT1"]}', ":2: not a QA question: id 'first'"),
    ],
)
def test_a_bad_line_is_an_error_naming_it(tmp_path, line, says):
    path = tmp_path / "questions.jsonl"
    path.write_text('{"id": "first", "question": "Q?", "kind": "age", "verdict": "yes"}\n' + line + "\n")
    with pytest.raises(ValueError) as error:
        read(path)
    assert says in str(error.value)


def test_the_bundled_question_set_reads_and_covers_every_kind():
    from trialsieve.eval.qa import KINDS

    questions = read(ROOT / "data" / "qa" / "questions.jsonl")
    assert len(questions) >= 80
    assert all(sum(q.kind == kind for q in questions) >= 5 for kind in KINDS)


@pytest.fixture(scope="module")
def catalog(built, embedder, tagger):
    from trialsieve.app.catalog import Catalog
    from trialsieve.index.search import TrialIndex

    return Catalog(TrialIndex(built, embedder), tagger)


def test_a_real_run_through_the_answerer(catalog):
    from trialsieve.app.answer import Answerer

    questions = [
        question(id="age", question="What is the minimum age for AMASS?", kind="age", answer_contains=["18 years"]),
        question(id="follow", question="What is the minimum age?", focus=CARE, kind="follow_up", trials=[CARE]),
        question(id="wrong", question="What is the minimum age for AMASS?", kind="age", answer_contains=["21 years"]),
        question(id="absent", question="What is the capital of France?", kind="unanswerable", unanswerable=True),
    ]
    result = evaluate(questions, Answerer(catalog), catalog.trials)
    right = {p.id: p.right for p in result.predictions}
    assert right == {"age": True, "follow": True, "wrong": False, "absent": True}
    assert result.per_kind["age"].questions == 2 and result.per_kind["age"].right == 1
    assert result.overall.right == 3 and result.hallucinated_values == 0
    assert result.predictions[0].citations[0].label == "Registry: minimum age"
    assert "overall" in table(result) and result.as_dict()["overall"]["accuracy"] == 0.75


def test_the_command_scores_a_file_and_writes_its_outputs(tmp_path, built):
    data = tmp_path / "questions.jsonl"
    rows = [
        {"id": "a", "question": "What is the minimum age for AMASS?", "kind": "age", "answer_contains": ["18 years"]},
        {"id": "b", "question": "and the maximum age?", "focus": AMASS, "kind": "follow_up", "answer_contains": ["99"]},
    ]
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    report, predictions = tmp_path / "r.json", tmp_path / "p.jsonl"
    args = ["--data", str(data), "--index", str(built), "--json", str(report), "--predictions-out", str(predictions)]
    done = run("eval", "qa", *args, "--no-progress")
    assert done.returncode == 0, done.stderr
    assert "overall" in done.stdout and json.loads(report.read_text())["overall"]["right"] == 1
    lines = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert [(line["id"], line["right"]) for line in lines] == [("a", True), ("b", False)]


def test_the_command_names_a_bad_line(tmp_path):
    data = tmp_path / "questions.jsonl"
    data.write_text('{"id": "a"}\n')
    done = run("eval", "qa", "--data", data.name, cwd=tmp_path)
    message = " ".join(done.stderr.replace("│", " ").split())  # the error box wraps lines
    assert (
        done.returncode == 2
        and "questions.jsonl:1: not a QA question: question: Field required; kind: Field required" in message
    )
