"""Three-valued (Kleene) logic over verdicts, so missing data stays missing.

``met`` and ``not_met`` are true and false. ``unknown`` (the record does not say) and
``needs_review`` (a person must judge) are both the third value; when they meet, ``unknown``
wins, since collecting the data may settle what review cannot.
"""

from __future__ import annotations

from typing import Literal

Verdict = Literal["met", "not_met", "unknown", "needs_review"]
VERDICTS: tuple[Verdict, ...] = ("met", "not_met", "unknown", "needs_review")


def _undecided(verdicts: list[Verdict]) -> Verdict:
    return "unknown" if "unknown" in verdicts else "needs_review"


def all_of(verdicts: list[Verdict]) -> Verdict:
    """AND: false if any is false, true if all are true, else undecided."""
    if "not_met" in verdicts:
        return "not_met"
    if all(v == "met" for v in verdicts):
        return "met"
    return _undecided(verdicts)


def any_of(verdicts: list[Verdict]) -> Verdict:
    """OR: true if any is true, false if all are false, else undecided."""
    if "met" in verdicts:
        return "met"
    if all(v == "not_met" for v in verdicts):
        return "not_met"
    return _undecided(verdicts)


def negate(verdict: Verdict) -> Verdict:
    """NOT: swaps met and not_met; the undecided stay undecided."""
    return {"met": "not_met", "not_met": "met"}.get(verdict, verdict)


def at_least(n: int, verdicts: list[Verdict]) -> Verdict:
    """At least ``n`` true: settled once n are met, or once too few can still be."""
    if verdicts.count("met") >= n:
        return "met"
    if len(verdicts) - verdicts.count("not_met") < n:
        return "not_met"
    return _undecided(verdicts)
