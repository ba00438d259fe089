import json
import math

import pytest

from tests.conftest import FIXTURES
from trialsieve.eval.retrieval import METRICS, evaluate, metrics, read, table
from trialsieve.index.build import build
from trialsieve.index.search import METHODS, TrialIndex

TINY = FIXTURES / "trialgpt_trials_tiny.jsonl"


def test_metrics_of_a_hand_checked_ranking():
    labels = {"a": 2, "b": 0, "c": 1}
    got = metrics(["b", "a", "x", "c", "y"], labels, collection=5)
    dcg = 2 / math.log2(3) + 1 / math.log2(5)
    ideal = 2 / math.log2(2) + 1 / math.log2(3)
    assert got["ndcg@10"] == pytest.approx(dcg / ideal)
    assert got["p@10"] == pytest.approx(0.2)
    assert got["mrr"] == pytest.approx(0.5)
    assert got["recall@10"] == got["recall@50"] == 1.0
    assert got["share@90"] == pytest.approx(4 / 5)  # both relevant trials are read by rank 4


def test_a_perfect_ranking_scores_one():
    got = metrics(["a", "c", "b"], {"a": 2, "c": 1, "b": 0}, collection=3)
    assert got["ndcg@10"] == got["mrr"] == got["recall@10"] == 1.0
    assert got["share@90"] == pytest.approx(2 / 3)


def test_read_gathers_trials_patients_and_labels():
    judged = read(TINY)
    assert len(judged.trials) == 8 and len(judged.notes) == 4
    assert judged.labels["sigir-201410"] == {"NCT02097186": 2, "NCT02264964": 1}
    trial = next(t for t in judged.trials if t.id == "NCT02097186")
    assert trial.title == "Preconditioning Shields Against Vascular Events in Surgery"
    assert "Inclusion criteria" in trial.criteria_text


def test_read_names_the_bad_line(tmp_path):
    row = json.loads(TINY.read_text().splitlines()[0])
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(row) + "\n" + json.dumps(row | {"label": 3}) + "\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:2: .*label 3 is not 0, 1 or 2"):
        read(bad)
    del row["trial_id"]
    bad.write_text(json.dumps(row) + "\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:1: .*lacks trial_id"):
        read(bad)


def test_evaluate_ranks_every_trial_for_every_patient(tmp_path, embedder):
    judged = read(TINY)
    build(tmp_path / "ix", judged.trials, embedder, progress=False)
    result = evaluate(TrialIndex(tmp_path / "ix", embedder), judged, progress=False)
    assert set(result.scores) == set(METHODS)
    for method in METHODS:
        assert set(result.scores[method]) == set(METRICS)
        assert all(0 <= value <= 1 for value in result.scores[method].values())
        assert all(sorted(r) == sorted(t.id for t in judged.trials) for r in result.rankings[method].values())
    assert result.patients == 4 and result.skipped == 0
    assert "hybrid" in table(result) and "ndcg@10" in table(result)
