"""Verdicts on what held before the operation the study is about (issue 18): "before surgery" says when,
so a patient awaiting the operation, who has had none, is judged on the rest. Criteria are real ones."""

import datetime as dt

import pytest

from tests.extract.reading import verdict_of
from trialsieve.match.patient import Fact

AS_OF = dt.date(2026, 11, 30)


def _fact(text: str, kind: str, present: bool = True) -> dict:
    return Fact(text=text, kind=kind, present=present, date=AS_OF - dt.timedelta(days=100)).model_dump()


@pytest.mark.parametrize(
    ("text", "facts", "verdict"),
    [
        # NCT01742962: was unknown, "history of surgery" asked of a man still awaiting his
        ("Anorgasmia Prior to surgery", [_fact("anorgasmia", "condition")], "met"),
        ("Anorgasmia Prior to surgery", [_fact("anorgasmia", "condition", present=False)], "not_met"),
        # NCT06126874: was unknown, the TURP was AND-ed with the prostatectomy the study is about
        ("Bladder or other prostate surgery prior to prostatectomy,", [_fact("prostate surgery", "procedure")], "met"),
    ],
)
def test_the_operation_the_study_is_about_is_no_requirement(tagger, text, facts, verdict):
    assert verdict_of(tagger, "Exclusion", text, facts) == verdict
