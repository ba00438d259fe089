import datetime as dt
import json

import pytest

from tests.conftest import FIXTURES
from trialsieve.eval.eligibility import evaluate, read, table
from trialsieve.match.concepts import ConceptMatcher

ROWS = [json.loads(line) for line in (FIXTURES / "trialgpt_tiny.jsonl").read_text().splitlines()]


def test_labels_accuracy_and_confusion(tagger):
    result = evaluate(ROWS, tagger, ConceptMatcher(), dt.date(2026, 11, 22), progress=False)
    predicted = [p.label for p in result.predictions]
    # the last row is wrong on purpose: the note does not mention a stroke, so it is presumed absent
    assert predicted == [r["label"] for r in ROWS[:-1]] + ["not excluded"]
    assert result.accuracy() == 7 / 8
    assert (result.accuracy("inclusion"), result.accuracy("exclusion")) == (1.0, 3 / 4)
    assert result.confusion["excluded", "not excluded"] == 1
    assert result.majority() == 4 / 8  # "included" is 2 of 4 inclusions, "excluded" 2 of 4 exclusions
    assert "accuracy 87.5%" in table(result)


def test_without_presumptions_silence_is_not_enough_information(tagger):
    result = evaluate(ROWS, tagger, ConceptMatcher(), dt.date(2026, 11, 22), presume=False, progress=False)
    labels = {r["criterion_text"]: p.label for r, p in zip(ROWS, result.predictions, strict=True)}
    assert labels["History of stroke"] == labels["Signed informed consent"] == "not enough information"


def test_read_names_a_bad_line(tmp_path):
    assert read(FIXTURES / "trialgpt_tiny.jsonl") == ROWS
    good = json.dumps(ROWS[0])
    for bad, reason in [
        ("{not json", "not a TrialGPT criterion row"),
        ("[1, 2]", "not a JSON object"),
        (json.dumps({"label": "included"}), "lacks criterion_text, patient_text, section"),
        (json.dumps({**ROWS[0], "label": "eligible"}), "label 'eligible' is not one of TrialGPT's"),
        (json.dumps({**ROWS[0], "section": "other"}), "section 'other'"),
    ]:
        path = tmp_path / "rows.jsonl"
        path.write_text(f"{good}\n\n{bad}\n")
        with pytest.raises(ValueError, match=rf"rows.jsonl:3: .*{reason}"):
            read(path)


def test_criteria_only_about_women_do_not_apply_to_a_man():
    from trialsieve.eval.eligibility import _label

    for text in ("Pregnant or lactating women", "Women of childbearing potential not using contraception"):
        assert _label("exclusion", "not_met", text, "male") == "not applicable"
        assert _label("exclusion", "not_met", text, "female") == "not excluded"
    assert _label("inclusion", "met", "Men and women aged 18 to 65", "male") == "included"
    assert _label("inclusion", "met", "Female or male patients", "male") == "included"
