import json
from pathlib import Path

import pytest

from trialsieve.extract import lct

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_names_are_kept_and_generic_heads_dropped():
    row = {
        "text": "Known disease: multiple myeloma",
        "entities": [
            {"type": "Condition", "start": 6, "end": 13},
            {"type": "Condition", "start": 15, "end": 31},
            {"type": "Condition-Name", "start": 15, "end": 31},
            {"type": "Modifier", "start": 0, "end": 5},
        ],
    }
    assert [(e.type, e.text) for e in lct.gold_entities(row)] == [("condition", "multiple myeloma")]


def test_overlaps_are_settled_by_priority():
    row = {
        "text": "18 years or older",
        "entities": [
            {"type": "Eq-Temporal-Unit", "start": 3, "end": 8},
            {"type": "Age", "start": 3, "end": 8},
            {"type": "Eq-Value", "start": 0, "end": 2},
        ],
    }
    assert [(e.type, e.text) for e in lct.gold_entities(row)] == [("value", "18"), ("age", "years")]


def test_the_split_is_by_trial_and_stable():
    rows = [{"trial_id": f"NCT{i:08d}", "text": "x"} for i in range(2000)]
    parts = lct.split(rows)
    assert sum(len(p) for p in parts.values()) == 2000
    assert 0.12 < len(parts["test"]) / 2000 < 0.18 and 0.07 < len(parts["valid"]) / 2000 < 0.13
    assert lct.part("NCT00000001") == lct.part("NCT00000001")
    assert not {r["trial_id"] for r in parts["test"]} & {r["trial_id"] for r in parts["train"]}


def test_a_bad_line_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "ok"}) + "\n{not json\n")
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        lct.read(path)
