import pytest

from trialsieve.eval.entities import score_entities
from trialsieve.rules import Entity


def e(kind: str, start: int, end: int) -> Entity:
    return Entity(type=kind, start=start, end=end, text="x" * (end - start))


def test_counts_strict_and_relaxed():
    gold = [[e("condition", 0, 10), e("drug", 20, 25)], [e("condition", 3, 8)]]
    predicted = [[e("condition", 0, 10), e("drug", 18, 25), e("procedure", 30, 35)], [e("condition", 0, 2)]]
    score = score_entities(gold, predicted)
    assert score.strict.matched == {"condition": 1}
    assert score.relaxed.matched == {"condition": 1, "drug": 1}
    assert score.strict.gold == {"condition": 2, "drug": 1}
    assert score.strict.predicted == {"condition": 2, "drug": 1, "procedure": 1}
    p, r, f = score.relaxed.prf(["condition", "drug", "procedure"])
    assert (p, r) == (pytest.approx(2 / 4), pytest.approx(2 / 3))
    assert f == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_one_long_prediction_matches_one_gold_span_only():
    score = score_entities([[e("condition", 0, 5), e("condition", 6, 10)]], [[e("condition", 0, 10)]])
    assert score.relaxed.matched["condition"] == 1
    assert score.relaxed.prf(["condition"])[:2] == (1.0, 0.5)
