import itertools

import pytest

from trialsieve.match.logic import VERDICTS, all_of, any_of, at_least, negate

M, N, U, R = "met", "not_met", "unknown", "needs_review"


@pytest.mark.parametrize(
    ("a", "b", "conj", "disj"),
    [
        (M, M, M, M),
        (M, N, N, M),
        (M, U, U, M),
        (N, N, N, N),
        (N, U, N, U),
        (U, U, U, U),
        (M, R, R, M),
        (N, R, N, R),
        (U, R, U, U),
    ],
)
def test_kleene_truth_tables(a, b, conj, disj):
    assert all_of([a, b]) == all_of([b, a]) == conj
    assert any_of([a, b]) == any_of([b, a]) == disj


def test_negation_keeps_the_undecided():
    assert [negate(v) for v in VERDICTS] == [N, M, U, R]


@pytest.mark.parametrize("a,b", list(itertools.product(VERDICTS, repeat=2)))
def test_de_morgan(a, b):
    assert negate(all_of([a, b])) == any_of([negate(a), negate(b)])


@pytest.mark.parametrize(
    ("n", "verdicts", "expected"),
    [
        (1, [N, N, M], M),
        (2, [M, U, N], U),
        (2, [M, N, N], N),
        (2, [M, M, U], M),
        (3, [M, R, M], R),
    ],
)
def test_at_least(n, verdicts, expected):
    assert at_least(n, verdicts) == expected
