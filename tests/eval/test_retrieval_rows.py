"""TrialGPT patient/trial rows become trials: a row with an unsafe trial id or wrongly typed text is
a clear error naming its line, never a traceback or an index entry named '../x'."""

import json

import pytest

from tests.conftest import FIXTURES
from trialsieve.eval.retrieval import read

ROW = json.loads((FIXTURES / "trialgpt_trials_tiny.jsonl").read_text().splitlines()[0])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("trial_id", "../x", "trial_id '../x' is not a plain name"),
        ("trial_id", 7, "trial_id '7' is not a plain name"),
        ("trial_criteria_text", ["a"], "trial_criteria_text is not a string"),
        ("patient_text", None, "patient_text is not a string"),
        ("trial_title", 5, "trial_title is not a string"),
    ],
)
def test_bad_rows_are_errors_naming_the_line(tmp_path, field, value, message):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps(ROW) + "\n" + json.dumps({**ROW, field: value}) + "\n")
    with pytest.raises(ValueError, match=f"{path}:2: .*{message}"):
        read(path)
