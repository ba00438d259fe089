import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trialsieve.cli import app
from trialsieve.eval.logic import (
    COUNTS,
    MEASURES,
    GoldLine,
    concepts,
    read,
    read_predictions,
    score,
    score_parts,
    words,
)

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "lct_tiny.jsonl"
DEV = ROOT / "data" / "lct" / "criteria_entities.dev.jsonl"
SCRIPT = Path(__file__).parents[2].parent / "shared" / "tools" / "score_logic.py"


def _span(text: str, word: str) -> list[int]:
    start = text.index(word)
    return [start, start + len(word)]


def _gold(trial: str, index: int, text: str, entities: list[str], relations: list[str]) -> dict:
    """An LCT row: entities as "ID TYPE WORDS", relations as "TYPE HEAD TAIL"."""
    ents = []
    for entity in entities:
        ident, kind, word = entity.split(" ", 2)
        start, end = _span(text, word)
        ents.append({"id": ident, "type": kind, "start": start, "end": end, "text": word})
    rels = [dict(zip(("type", "head", "tail"), relation.split(), strict=True)) for relation in relations]
    return {"trial_id": trial, "line_index": index, "text": text, "entities": ents, "relations": rels}


def _presence(text: str, word: str, negated: bool = False) -> dict:
    span = _span(text, word)
    concept = {"text": word, "kind": "condition", "span": span}
    return {"type": "presence", "concept": concept, "negated": negated, "span": span}


def _node(kind: str, *args: dict) -> dict:
    return {"type": kind, "args": list(args)}


def _cases() -> tuple[list[dict], dict[str, dict]]:
    """Seven gold lines and predictions for six of them; the expected figures are worked out below."""
    gold, rules = [], {}

    t = "HIV or hepatitis, e.g. HBV"  # OR pair right; HBV dropped (its Example-Of pair is then not scored)
    entities = ["C1 Condition HIV", "C2 Condition hepatitis", "C3 Condition HBV"]
    gold.append(_gold("T1", 0, t, entities, ["Or C1 C2", "Example-Of C3 C2"]))
    rules["T1:0"] = _node("any", _presence(t, "HIV"), _presence(t, "hepatitis"))

    t = "No asthma or eczema; no rhinitis; smoker"  # negation by `not`, by the flag, both (cancelling), wrongly
    entities = ["N1 Negation No", "C1 Condition asthma", "C2 Condition eczema", "N2 Negation no rhinitis"]
    entities += ["C3 Condition rhinitis", "C4 Observation smoker"]
    gold.append(_gold("T1", 1, t, entities, ["Negates N1 C1", "Negates N1 C2", "Negates2 N2 C3", "Or C1 C2"]))
    rules["T1:1"] = _node(
        "all",
        _node("not", _node("any", _presence(t, "asthma"), _presence(t, "eczema"))),
        _node("not", _presence(t, "rhinitis", negated=True)),
        _presence(t, "smoker", negated=True),
    )

    t = "Diabetes and hypertension; cough or fever"  # AND pair right; OR pair inside one leaf: wrong
    entities = ["C1 Condition Diabetes", "C2 Condition hypertension", "C3 Condition cough", "C4 Condition fever"]
    gold.append(_gold("T2", 0, t, entities, ["And C1 C2", "Or C3 C4"]))
    rules["T2:0"] = _node("all", _presence(t, "Diabetes"), _presence(t, "hypertension"), _presence(t, "cough or fever"))

    t = "Heart disease other than PDA or PFO; prior"  # one exception right, one not; a junk leaf
    entities = ["C1 Condition Heart disease", "X1 Exception other than", "C2 Condition PDA", "C3 Condition PFO"]
    gold.append(_gold("T3", 0, t, entities, ["From X1 C1", "Except X1 C2", "Except2 X1 C3", "Or C2 C3"]))
    rules["T3:0"] = _node(
        "all",
        _presence(t, "Heart disease"),
        _node("not", _presence(t, "PDA")),
        _presence(t, "PFO"),
        _presence(t, "prior"),
    )

    t = "Uncontrolled fever and cough"  # the concept's words are its name, "fever"; AND pair under any: wrong
    entities = ["C1 Condition Uncontrolled fever", "C1n Condition-Name fever", "C2 Condition cough"]
    gold.append(_gold("T4", 0, t, entities, ["Name C1 C1n", "And C1 C2"]))
    rules["T4:0"] = _node("any", _presence(t, "fever"), _presence(t, "cough"))

    gold.append(_gold("T5", 0, "Asthma", ["C1 Condition Asthma"], []))  # no prediction at all

    t = "HbA1c > 7 %"  # a comparison is about its variable's words
    gold.append(_gold("T5", 1, t, ["C1 Observation HbA1c", "E1 Eq-Comparison > 7 %"], []))
    rules["T5:1"] = {"type": "comparison", "variable": "HbA1c", "kind": "measurement", "operator": ">", "value": 7}
    rules["T5:1"] |= {"span": [0, 11], "variable_span": [0, 5]}
    return gold, {ident: {"id": ident, "rule": rule} for ident, rule in rules.items()}


#: By hand, line by line (T1:0, T1:1, T2:0, T3:0, T4:0, T5:0, T5:1):
EXPECTED_COUNTS = {
    "concepts": 3 + 4 + 4 + 3 + 2 + 1 + 1,  # 18
    "covered": 2 + 4 + 4 + 3 + 2 + 0 + 1,  # 16: HBV and the unpredicted Asthma dropped
    "content_leaves": 2 + 4 + 3 + 4 + 2 + 0 + 1,  # 16
    "content_leaves_ok": 2 + 4 + 3 + 3 + 2 + 0 + 1,  # 15: "prior" is junk
    "neg_n": 16,
    "neg_ok": 2 + 2 + 4 + 2 + 2 + 0 + 1,  # 13: rhinitis (flag and not cancel), smoker, PDA wrong
    "neg_tp": 2,  # asthma and eczema, negated by the `not` above their `any`
    "neg_gold": 3,
    "neg_pred": 4,  # asthma, eczema, smoker, PDA
    "or_n": 4,  # HIV/hepatitis, asthma/eczema, cough/fever, PDA/PFO
    "or_ok": 2,  # cough/fever share a leaf; PDA/PFO meet under all
    "and_n": 2,
    "and_ok": 1,  # fever/cough meet under any
    "except_n": 2,
    "except_ok": 1,  # PDA differs from heart disease; PFO does not
}


def test_score_counts_each_measure_by_hand():
    gold, predictions = _cases()
    result = score([GoldLine.model_validate(row) for row in gold], predictions)
    assert result.as_dict()["counts"] == EXPECTED_COUNTS
    assert result.as_dict() | {"counts": None} == {
        "lines": 7,
        "missing_predictions": 1,
        "coverage": 0.8889,  # 16 / 18
        "leaf_precision": 0.9375,  # 15 / 16
        "negation_accuracy": 0.8125,  # 13 / 16
        "negation_f1": 0.5714,  # P 2/4, R 2/3: 2PR / (P + R) = 4/7
        "or_pairs": 0.5,
        "and_pairs": 0.5,
        "except": 0.5,
        "counts": None,
    }
    assert [(e.kind, e.id, e.detail) for e in result.errors] == [
        ("dropped", "T1:0", "HBV"),
        ("negation", "T1:1", "rhinitis: gold negated=True"),
        ("negation", "T1:1", "smoker: gold negated=False"),
        ("or_pair", "T2:0", "cough / fever"),
        ("junk", "T3:0", "prior"),
        ("negation", "T3:0", "PDA: gold negated=False"),
        ("or_pair", "T3:0", "PDA / PFO"),
        ("except", "T3:0", "PFO"),
        ("and_pair", "T4:0", "fever / cough"),
        ("dropped", "T5:0", "Asthma"),
    ]


def test_a_concept_is_its_name_and_a_leaf_its_concept_words():
    gold, _ = _cases()
    assert concepts(GoldLine.model_validate(gold[4]))["C1"] == (13, 18, "fever")
    assert words({"type": "presence", "concept": {"span": [4, 9]}, "span": [0, 9]}) == (4, 9)
    assert words({"type": "comparison", "variable_span": [0, 5], "span": [0, 11]}) == (0, 5)
    assert words({"type": "unstructured", "span": [2, 8]}) == (2, 8)
    assert words({"type": "unstructured"}) is None


def test_nothing_to_score_is_none_and_empty_rules_count_as_predicted():
    line = GoldLine.model_validate(_gold("T9", 0, "Asthma", ["C1 Condition Asthma"], []))
    result = score([line], {"T9:0": {"id": "T9:0", "rule": {"type": "all", "args": []}}})
    assert result.missing_predictions == 0 and result.as_dict()["coverage"] == 0.0
    assert result.as_dict()["or_pairs"] is None and result.as_dict()["negation_f1"] == 0.0


def test_parts_add_up_to_all():
    gold, predictions = _cases()
    scores = score_parts([GoldLine.model_validate(row) for row in gold], predictions)
    assert next(iter(scores)) == "all" and set(scores) <= {"all", "train", "valid", "test"}
    for name in COUNTS:
        assert sum(s.counts[name] for part, s in scores.items() if part != "all") == scores["all"].counts[name]


def _script():
    if not SCRIPT.is_file():
        pytest.skip(f"the reference scorer is not here: {SCRIPT}")
    spec = importlib.util.spec_from_file_location("score_logic", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    return path


def _assert_agrees(gold: Path, predictions: Path) -> dict:
    """Every figure, count and error of this module equals the reference script's on the same files."""
    theirs, their_errors = _script().score(str(gold), str(predictions), 10**9)
    ours = score(read(gold), read_predictions(predictions))
    mine = ours.as_dict()
    assert {k: v for k, v in mine.items() if k != "counts"} == {k: v for k, v in theirs.items() if k != "counts"}
    assert mine["counts"] == {name: theirs["counts"].get(name, 0) for name in COUNTS}
    assert set(theirs["counts"]) <= set(COUNTS)
    assert [tuple(e) for e in ours.errors] == [tuple(e) for e in their_errors]
    return mine


def test_agrees_with_the_script_on_the_hand_made_cases(tmp_path):
    gold, predictions = _cases()
    mine = _assert_agrees(_write(tmp_path / "gold.jsonl", gold), _write(tmp_path / "pred.jsonl", predictions.values()))
    assert mine["counts"] == EXPECTED_COUNTS


@pytest.mark.parametrize("lines", ["tiny", "dev"])
def test_agrees_with_the_script_on_what_the_pipeline_predicts(tmp_path, lines):
    """The tiny fixture (given line indices, which the script needs), then real LCT lines with every relation kind."""
    if lines == "tiny":
        rows = [json.loads(line) | {"line_index": n} for n, line in enumerate(TINY.read_text().splitlines(), 1)]
    else:
        if not DEV.is_file():
            pytest.skip(f"no LCT dev file: {DEV}")
        rows = [json.loads(line) for line in DEV.read_text("utf-8").splitlines()[:400]]
    gold, predictions = _write(tmp_path / "gold.jsonl", rows), tmp_path / "pred.jsonl"
    args = ["eval", "logic", "--data", str(gold), "--no-model", "--no-progress", "--predictions-out", str(predictions)]
    result = CliRunner().invoke(app, [*args, "--json", str(tmp_path / "scores.json")])
    assert result.exit_code == 0, result.output
    mine = _assert_agrees(gold, predictions)
    assert json.loads((tmp_path / "scores.json").read_text()) | {"parts": None} == mine | {"parts": None}
    if lines == "dev":  # the sample does exercise every measure
        assert all(mine["counts"][n] for n in ("concepts", "content_leaves", "neg_gold", "or_n", "and_n", "except_n"))


def test_cli_writes_scores_per_part_and_predictions(tmp_path):
    report, predictions = tmp_path / "scores.json", tmp_path / "pred.jsonl"
    args = ["eval", "logic", "--data", str(TINY), "--no-model", "--no-progress", "--errors", "3"]
    result = CliRunner().invoke(app, [*args, "--json", str(report), "--predictions-out", str(predictions)])
    assert result.exit_code == 0, result.output
    assert "leaf_precision" in result.output and "first 3 errors" in result.output
    scores = json.loads(report.read_text())
    keys = {"lines", "missing_predictions", "counts", *MEASURES}
    assert set(scores) == keys | {"parts"} and scores["lines"] == 3
    assert set(scores["parts"]) <= {"train", "valid", "test"} and sum(p["lines"] for p in scores["parts"].values()) == 3
    assert all(set(p) == keys for p in scores["parts"].values())
    lines = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["NCT00000001:1", "NCT00000001:2", "NCT00000002:3"]  # no line_index
    assert {"id", "text", "section", "rule", "status", "entities", "constraints"} <= set(lines[0])


def test_cli_part_scores_one_part(tmp_path):
    report = tmp_path / "scores.json"
    args = ["eval", "logic", "--data", str(TINY), "--no-model", "--no-progress", "--json", str(report)]
    for part in ("train", "valid", "test"):
        result = CliRunner().invoke(app, [*args, "--part", part])
        assert result.exit_code == 0, result.output
        scores = json.loads(report.read_text())
        assert list(scores["parts"]) == [part] and scores["parts"][part]["lines"] == scores["lines"]
    assert CliRunner().invoke(app, [*args, "--part", "dev"]).exit_code != 0


@pytest.mark.parametrize(
    ("content", "message"),
    [("{oops\n", "bad.jsonl:1"), ('{"text": "x", "trial_id": "T", "entities": []}\n', "relations")],
)
def test_cli_names_a_bad_line(tmp_path, content, message):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content)
    result = CliRunner().invoke(app, ["eval", "logic", "--data", str(bad), "--no-model"])
    assert result.exit_code != 0 and message in result.output


def test_cli_names_a_missing_file(tmp_path):
    result = CliRunner().invoke(app, ["eval", "logic", "--data", str(tmp_path / "none.jsonl"), "--no-model"])
    assert result.exit_code != 0 and "no such file" in result.output
