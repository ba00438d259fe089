"""The NLI4CT scorer: gold lines mapped to criteria, citations and verdicts scored on hand-made answers,
the command end to end on two hand-made trials, and the mapping on the real statements when present."""

import json
from dataclasses import dataclass, field

import pytest

from tests.conftest import FIXTURES, ROOT
from tests.test_cli import run
from trialsieve.app.citations import Citation
from trialsieve.eval.nli4ct import criteria_of_line, evaluate, expected_verdict, read, table
from trialsieve.extract.ingest import read_inputs
from trialsieve.extract.segment import segment
from trialsieve.rules import Criterion

STATEMENTS = FIXTURES / "nli4ct_statements_tiny.jsonl"
TRIALS = FIXTURES / "nli4ct_trials_tiny.jsonl"
A, B = "NCT90000001", "NCT90000002"
REAL = ROOT.parent / "shared" / "data" / "nli4ct"


def criterion(cid: str, text: str) -> Criterion:
    return Criterion(id=cid, section="inclusion", text=text, start=0, end=len(text))


def test_a_line_maps_to_the_shortest_criterion_holding_its_words_whatever_bullets_and_symbols_it_lost():
    criteria = [
        criterion("I1", "No ascites requiring drainage"),
        criterion("I2", "Ascites"),
        criterion("I3", "ANC ≥ 1,500/mm³"),
    ]
    assert criteria_of_line("  Ascites", criteria) == ["I2"]
    assert criteria_of_line("  ANC  1,500/mm³", criteria) == ["I3"]
    assert criteria_of_line("Exclusion Criteria:", criteria) == []  # a header is no criterion's


def test_a_line_the_segmenter_cut_maps_to_each_piece_and_else_to_the_criterion_sharing_most_words():
    pieces = [
        criterion("I1", "Pregnant or nursing;"),
        criterion("I2", "not using contraception"),
        criterion("I3", "Age"),
    ]
    assert criteria_of_line("  Pregnant or nursing; not using contraception", pieces) == ["I1", "I2"]
    near = [criterion("E1", "Total bilirubin at most 1.5 times ULN"), criterion("E2", "Creatinine 1.5 mg/dL")]
    assert criteria_of_line("  Total bilirubin  1.5 x ULN", near) == ["E1"]  # 4 of 5 words, no criterion holds them all


def test_the_expected_verdict_is_whether_the_statement_holds_whatever_its_wording():
    s1, s2, _ = read(STATEMENTS)
    assert expected_verdict(s1) == "yes"  # Entailment, "are eligible"
    assert expected_verdict(s2) == "no"  # Contradiction, "are not excluded": the engine reads the negation itself
    excluded = s2.model_copy(update={"statement": "Patients with ascites are excluded.", "label": "Entailment"})
    assert expected_verdict(excluded) == "yes"


@dataclass
class Said:
    text: str
    citations: list[Citation] = field(default_factory=list)
    verdict: str | None = None


@dataclass
class Plain:
    """An answer from before verdicts: it has no verdict attribute at all."""

    text: str
    citations: list[Citation] = field(default_factory=list)


class Always:
    def __init__(self, answer: object) -> None:
        self.said = answer

    def answer(self, question: str, focus: str | None = None):
        return self.said


def c(trial: str, label: str, quote: str = "…") -> Citation:
    return Citation(trial, label, quote)


@pytest.fixture(scope="module")
def trials():
    found, failures = read_inputs([str(TRIALS)])
    assert not failures
    return {t.id: t for t in found}


def test_citations_and_verdicts_are_scored_per_statement_type(trials):
    filler = [c(A, "Inclusion 1")] * 4
    statements = read(STATEMENTS)

    class PerStatement:
        """Hand-made answers to the three statements, each asked with its trial in focus."""

        def __init__(self) -> None:
            self.asked: list[tuple[str, str | None]] = []

        def answer(self, question: str, focus: str | None = None):
            self.asked.append((question, focus))
            if question == statements[0].statement:
                return Said("Yes.", [c(A, "Inclusion 3"), *filler, c(A, "Inclusion 2")], "yes")
            if question == statements[1].statement:
                return Said("Cannot tell.", [c(A, "Exclusion 2", "No ascites requiring drainage")], "cannot tell")
            if focus == A:  # quoted whole under another label: still the criterion
                return Said(
                    "…", [c(A, "Criterion 9", "Women who are pregnant or nursing; women not using contraception")]
                )
            return Said("…", [c(B, "Exclusion 1", "Prior chemotherapy")])

    asker = PerStatement()
    result = evaluate(statements, asker, trials)
    assert asker.asked[-2:] == [(statements[2].statement, A), (statements[2].statement, B)]
    single, comparison = result.per_type["Single"], result.per_type["Comparison"]
    assert (single.statements, single.scored, single.gold_cited, single.gold_lines) == (2, 2, 1, 3)
    # recall@5 per trial asked, then averaged: (1/2 + 0/1) / 2; pooled over lines it would be 1/3
    assert single.gold_cited_rate == 0.5 and single.recall_at_5 == pytest.approx(0.25)
    assert single.line_recall_at_5 == pytest.approx(1 / 3) and single.asked == 2
    assert (single.verdicts, single.committed, single.committed_right) == (2, 1, 1)
    assert single.commit_rate == 0.5 and single.verdict_accuracy == 1.0
    assert (comparison.gold_cited, comparison.gold_lines, comparison.lines_in_top) == (1, 2, 1)
    assert comparison.verdicts == 0 and comparison.commit_rate is None
    first = result.predictions[0].trials[0]
    assert first.gold == {2: ["I2"], 3: ["I3"]} and first.cited_lines == [2, 3] and first.top_lines == [3]
    assert result.predictions[1].trials[0].gold == {5: ["E1"]}
    printed = table(result)
    assert (
        "gold line cited     50.0% (target >= 92%)" in printed and "recall@5          0.500 (target >= 0.70)" in printed
    )
    assert "1/1 committed right" in printed
    plain = evaluate(statements[:1], Always(Plain("…")), trials)
    assert plain.per_type["Single"].verdicts == 0 and "the answers carry no verdict" in table(plain)


def test_a_bad_statement_line_is_named(tmp_path):
    bad = tmp_path / "bad.jsonl"
    row = json.loads(STATEMENTS.read_text().splitlines()[0])
    row["trials"][0]["evidence_content"] = [99]
    bad.write_text(STATEMENTS.read_text() + json.dumps(row) + "\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:4: .*out of range"):
        read(bad)


def test_the_command_builds_an_index_asks_the_engine_and_reuses_the_index(tmp_path):
    index, scores, predictions = tmp_path / "index", tmp_path / "scores.json", tmp_path / "predictions.jsonl"
    args = ["eval", "nli4ct", "--statements", str(STATEMENTS), "--trials", str(TRIALS), "--index", str(index)]
    first = run(*args, "--json", str(scores), "--predictions-out", str(predictions), "--no-progress")
    assert first.returncode == 0, first.stderr
    assert "Single: 2 statements, 3 gold lines mapped" in first.stdout and "Comparison: 1 statements" in first.stdout
    written = json.loads(scores.read_text())
    assert written["Single"]["statements"] == 2 and written["targets"]["Single recall_at_5"] == ">= 0.80"
    lines = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert [p["id"] for p in lines] == ["s1", "s2", "c1"] and [t["nct"] for t in lines[2]["trials"]] == [A, B]
    manifest = (index / "manifest.json").read_text()
    again = run(*args, "--limit", "1", "--no-progress")
    assert again.returncode == 0, again.stderr
    assert "Single: 1 statements" in again.stdout and "Comparison" not in again.stdout
    assert (index / "manifest.json").read_text() == manifest  # the trials were indexed: nothing rebuilt


def test_the_command_names_a_missing_trials_file(tmp_path):
    result = run("eval", "nli4ct", "--statements", str(STATEMENTS), "--trials", str(tmp_path / "none.jsonl"))
    assert result.returncode != 0 and "no such file" in result.stderr


@pytest.mark.skipif(not (REAL / "statements.train.jsonl").is_file(), reason="NLI4CT data is not shipped")
def test_nearly_every_real_gold_line_maps_to_a_criterion_and_only_headers_do_not():
    found, _ = read_inputs([str(REAL / "trials.jsonl")])
    criteria = {t.id: [c for c in segment(t.criteria_text) if c.text.strip()] for t in found}
    unmapped, total = [], 0
    for statement in read(REAL / "statements.train.jsonl"):
        for evidence in statement.trials:
            for i in evidence.evidence_content:
                total += 1
                if not criteria_of_line(evidence.lines[i], criteria[evidence.nct]):
                    unmapped.append(evidence.lines[i].strip())
    assert total > 3000 and len(unmapped) < 0.01 * total
    assert all("criteria" in line.lower() or line.lower().rstrip(":").endswith("exclusion") for line in unmapped)


def test_statements_are_scored_apart_by_the_trial_split_so_the_held_out_part_is_one_no_one_studied(trials):
    """A statement falls in the part of its primary trial (``lct.part``): "held out" is the test part, "study" the
    rest; the parts add up to the whole, and the table prints both."""
    from trialsieve.extract.lct import part

    statements = read(STATEMENTS)
    held = statements[0].model_copy(
        update={"id": "s9", "trials": [statements[0].trials[0].model_copy(update={"nct": "NCT90000004"})]}
    )
    assert part("NCT90000004") == "test" and part(A) != "test"
    result = evaluate([*statements, held], Always(Said("Yes.", [c(A, "Inclusion 3")], "yes")), trials)
    parts = result.per_part["Single"]
    assert (parts["study"].statements, parts["held out"].statements) == (2, 1)
    assert parts["study"].committed + parts["held out"].committed == result.per_type["Single"].committed == 3
    assert [p.part for p in result.predictions] == ["study", "study", "study", "held out"]
    assert "held out: 1 statements" in table(result) and "held out" in result.as_dict()["parts"]["Single"]
