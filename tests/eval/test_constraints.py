from trialsieve.eval.constraints import gold_constraints, score


def row(text, constraints, entities=(), relations=()):
    return {
        "text": text,
        "numeric_constraints": list(constraints),
        "entities": list(entities),
        "relations": list(relations),
    }


HB = row(
    "Hb < 10 g/dL",
    [{"relation": "Numeric-Filter", "variable": "Hb", "comparison_text": "< 10 g/dL", "operator": "<", "value": "10"}],
    [
        {"id": "T1", "type": "Observation", "text": "Hb", "start": 0, "end": 2},
        {"id": "T2", "type": "Eq-Comparison", "text": "< 10 g/dL", "start": 3, "end": 12},
    ],
    [{"type": "Numeric-Filter", "head": "T1", "tail": "T2"}],
)


def predicted(start, end, operator, value, value2=None):
    return {
        "kind": "comparison",
        "variable": "x",
        "operator": operator,
        "value": value,
        "value2": value2,
        "unit": None,
        "start": start,
        "end": end,
    }


def test_gold_locates_the_variable_through_its_relation():
    (gold,) = gold_constraints(HB)
    assert (gold.start, gold.end, gold.operator, gold.value) == (0, 2, "<", 10)


def test_match_needs_overlap_operator_and_value():
    assert score([HB], [[predicted(0, 2, "<", 10)]]).f1 == 1
    assert score([HB], [[predicted(3, 5, "<", 10)]]).true_positives == 0  # no overlap
    assert score([HB], [[predicted(0, 2, "<=", 10)]]).true_positives == 0
    assert score([HB], [[predicted(0, 2, "<", 11)]]).true_positives == 0
    result = score([HB], [[predicted(0, 2, "<", 10), predicted(0, 2, ">", 1)]])
    assert (result.precision, result.recall) == (0.5, 1.0)


def test_between_quirk_and_reversed_ranges():
    quirk = row(
        "age 18-65",
        [
            {
                "relation": "Numeric-Filter",
                "variable": "age",
                "comparison_text": "18-65",
                "operator": "between",
                "value": "65",
            }
        ],
    )
    (gold,) = gold_constraints(quirk)
    assert (gold.value, gold.value2) == (18, 65)
    assert score([quirk], [[predicted(0, 3, "between", 18, 65)]]).f1 == 1


def test_non_numeric_gold_is_not_counted():
    stage = row(
        "stage 0-A",
        [
            {
                "relation": "Stage",
                "variable": "stage",
                "comparison_text": "0-A",
                "operator": "between",
                "value": "0",
                "value2": "A",
            }
        ],
    )
    text_value = row(
        "B7 or more", [{"relation": "Stage", "variable": "B", "comparison_text": "B7", "operator": ">", "value": "B7"}]
    )
    assert len(gold_constraints(stage)) == 1 and gold_constraints(text_value) == []
