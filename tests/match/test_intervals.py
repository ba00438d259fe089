import pytest

from trialsieve.match.intervals import Interval, settles


@pytest.mark.parametrize(
    ("known", "limit", "verdict"),
    [
        ((">", 100), (">=", 90), "met"),
        ((">", 100), (">", 100), "met"),
        ((">=", 100), (">", 100), "unknown"),  # 100 itself is not above 100
        ((">", 100), ("<=", 100), "not_met"),
        ((">", 100), ("<", 120), "unknown"),
        (("<", 90), ("<", 90), "met"),
        (("<", 90), (">=", 90), "not_met"),
        (("between", 150, 450), ("<", 100), "not_met"),
        (("between", 150, 450), ("<", 200), "unknown"),
        (("between", 150, 450), ("between", 100, 500), "met"),
        (("=", 5), ("between", 5, 10), "met"),
    ],
)
def test_settles(known, limit, verdict):
    assert settles(Interval.of(*known), Interval.of(*limit)) == verdict


def test_open_ends_touching_are_apart():
    assert Interval.of("<", 5).apart(Interval.of(">=", 5))
    assert not Interval.of("<=", 5).apart(Interval.of(">=", 5))
