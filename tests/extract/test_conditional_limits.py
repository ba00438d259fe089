"""A second limit for the patients with a condition (issue 18): "ALT <= 2.5 x ULN (<= 5 x ULN for
participants with liver metastases)" holds the second limit for those patients instead of the first,
where it was read as two limits and a required condition."""

import pytest

from tests.extract.reading import bilirubin_verdict, rule_of


@pytest.mark.parametrize(
    "text",
    [
        "ALT <= 2.5 x ULN (<= 5 x ULN for participants with liver metastases)",
        "ALT <= 2.5 x ULN or <= 5 x ULN in case of liver metastases",
        "ALT <= 3 x ULN; if liver metastases are present, then <= 5 x ULN is allowed",
    ],
)
def test_the_second_limit_is_for_the_patients_with_the_condition(tagger, text):
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "any" and rule.args[0].type == "comparison"
    condition, second = rule.args[1].args
    assert (condition.concept.text, condition.concept.kind) == ("liver metastases", "condition")
    assert (second.variable, second.value) == ("ALT", 5.0)


@pytest.mark.parametrize(
    "text",
    [
        "Total bilirubin <= 1.5 x ULN (<= 3 x ULN for patients with Gilbert's syndrome)",
        "Total bilirubin <= 1.5 x ULN or <= 3 x ULN in case of Gilbert's syndrome",
    ],
)
def test_an_inclusion_holds_the_second_limit_for_them(tagger, text):
    assert bilirubin_verdict(tagger, "Inclusion", text, 1.2, gilbert=False) == "met"  # no Gilbert's asked for
    assert bilirubin_verdict(tagger, "Inclusion", text, 2.5, gilbert=True) == "met"
    assert bilirubin_verdict(tagger, "Inclusion", text, 4.0, gilbert=True) == "not_met"


def test_an_exclusion_rules_out_by_the_limit_its_patients_have(tagger):
    text = "Total bilirubin > 1.5 x ULN, or > 3 x ULN if Gilbert's syndrome is present"
    assert bilirubin_verdict(tagger, "Exclusion", text, 2.5, gilbert=True) == "not_met"
    assert bilirubin_verdict(tagger, "Exclusion", text, 4.0, gilbert=True) == "met"


def test_a_limit_with_a_variable_of_its_own_stays_apart(tagger):
    rule = rule_of(tagger, "ALT <= 2.5 x ULN and AST <= 2.5 x ULN", "inclusion")
    assert rule.type == "all" and [a.type for a in rule.args] == ["comparison", "comparison"]


@pytest.mark.parametrize(
    "text",
    [
        "AST ≤2.5xULN if no demonstrable liver metastases or ≤5xULN in the presence of liver metastases;",
        "AST ≤2.5 x ULN if no liver metastases or ≤5 x ULN in the presence of liver metastases",
    ],
)
def test_the_first_limit_s_condition_written_absent_leaves_the_second_limit_bare(tagger, text):
    # NCT02856893: "liver metastases or" was read as the second limit's variable, and no patient had it
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "any" and rule.args[0].type == "comparison", rule
    condition, second = rule.args[1].args
    assert condition.concept.text == "liver metastases" and (second.variable, second.value) == ("AST", 5.0)


@pytest.mark.parametrize(
    "text",
    [
        # NCT04007835 I9.2.ii: the second limit writes its values again
        "alanine aminotransferase (ALT) and aspartate aminotransferase (AST)≤2.5 ULN, if liver metastasis occurred, "
        "ALT and AST ≤5 ULN;",
        # the condition after "in patients with", right before the bare second limit
        "AST and ALT ≤2.5 x ULN, in patients with liver metastases ≤5 x ULN",
    ],
)
def test_a_second_limit_that_restates_its_values_is_still_for_the_condition(tagger, text):
    """The metastases had been a requirement AND-ed with both limits: every patient without them failed."""
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "any"
    condition, second = rule.args[1].args
    assert "metastas" in condition.concept.text
    assert sorted(leaf.value for leaf in second.args) == [5.0, 5.0]


def test_a_second_limit_on_the_same_value_the_other_way_is_no_second_limit(tagger):
    """Guard: "HbA1c >= 7%, HbA1c <= 10% if treated with insulin" bounds one value from both sides."""
    rule = rule_of(tagger, "HbA1c ≥ 7%, HbA1c ≤ 10% if treated with insulin", "inclusion")
    assert rule.type == "all"
