"""The values a limit admits, as an interval, and how two such sets relate.

A criterion's limit ("heart rate >= 90") and what the record says without a number (a normal
range, "tachycardic": heart rate > 100) are both sets of values. When every value the record
allows meets the limit, the limit is met; when none does, it is not; otherwise the record
cannot say.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from trialsieve.match.logic import Verdict


@dataclass(frozen=True)
class Interval:
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    @classmethod
    def of(cls, operator: str, value: float, value2: float | None = None) -> Interval:
        """The values that satisfy ``x operator value`` (``between`` value and value2, inclusive)."""
        return {
            "<": cls(high=value, high_open=True),
            "<=": cls(high=value),
            ">": cls(low=value, low_open=True),
            ">=": cls(low=value),
            "=": cls(value, value),
            "between": cls(value, value if value2 is None else value2),
        }[operator]

    def within(self, other: Interval) -> bool:
        """Every value of ``self`` is in ``other``."""
        low_ok = self.low > other.low or (self.low == other.low and (self.low_open or not other.low_open))
        high_ok = self.high < other.high or (self.high == other.high and (self.high_open or not other.high_open))
        return low_ok and high_ok

    def apart(self, other: Interval) -> bool:
        """No value is in both."""

        def before(a: Interval, b: Interval) -> bool:
            return a.high < b.low or (a.high == b.low and (a.high_open or b.low_open))

        return before(self, other) or before(other, self)


def settles(known: Interval, limit: Interval) -> Verdict:
    """``met`` when every value still possible meets the limit, ``not_met`` when none does."""
    if known.within(limit):
        return "met"
    return "not_met" if known.apart(limit) else "unknown"
