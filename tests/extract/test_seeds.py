"""The two seed trials must come out complete and exact: the issue's list of every numeric limit."""

import pytest

from trialsieve.rules import leaves


def comparisons(trial):
    found = []
    for criterion in trial.criteria:
        if criterion.parent is None:
            found += [
                (criterion.id, leaf) for leaf in leaves(criterion.rule) if leaf.type in ("comparison", "demographic")
            ]
    return found


def find(trial, criterion_id, variable_part):
    hits = [
        leaf
        for cid, leaf in comparisons(trial)
        if cid == criterion_id and leaf.type == "comparison" and variable_part.lower() in leaf.variable.lower()
    ]
    assert hits, f"no comparison on {variable_part!r} in {criterion_id}"
    return hits


@pytest.mark.parametrize(
    ("criterion", "variable", "operator", "value", "value2", "unit"),
    [
        ("I2", "OSDI", ">=", 33, None, None),
        ("I3", "Schirmer", "between", 1, 5, "mm/(5.min)"),
        ("I4", "NIKBUT", "<", 10, None, "s"),
        ("E1", "LG volume", "<", 0.2, None, "cm3"),
    ],
)
def test_amass_limits(amass, criterion, variable, operator, value, value2, unit):
    (leaf,) = find(amass, criterion, variable)
    assert (leaf.operator, leaf.value, leaf.value2, leaf.unit) == (operator, value, value2, unit)


@pytest.mark.parametrize(
    ("criterion", "variable", "operator", "value", "value2", "unit"),
    [
        ("I2", "mRss", ">", 20, None, None),
        ("I2", "mRss", ">", 15, None, None),
        ("I2", "ESR", ">", 25, None, "mm"),
        ("I2", "hemoglobin", "<", 11, None, "g/dL"),
        ("I2", "DLCO", "<", 80, None, "%"),
        ("I2", "FVC", "<", 80, None, "%"),
        ("I2", "glomerular filtration rate", "between", 30, 89, "mL/min"),
        ("E3", "FVC", "<", 45, None, "%"),
        ("E3", "DLCO", "<", 30, None, "%"),
        ("E3", "ejection fraction", "<", 40, None, "%"),
        ("E3", "systolic pulmonary arterial pressure", ">", 50, None, "mm[Hg]"),
        ("E3", "mean pulmonary artery pressure", ">", 25, None, "mm[Hg]"),
        ("E3", "wedge pressure", "<", 15, None, "mm[Hg]"),
        ("E3", "glomerular filtration rate", "<", 30, None, "mL/min"),
        ("E8", "BMI", "<", 18, None, "kg/m2"),
        ("E10", "neutropenia", "<", 0.5, None, "10*9/L"),
        ("E10", "thrombocytopenia", "<", 30, None, "10*9/L"),
        ("E10", "anemia", "<", 8, None, "g/dL"),
        ("E10", "CD4", "<", 200, None, "10*6/L"),
    ],
)
def test_care_ssc_limits(care_ssc, criterion, variable, operator, value, value2, unit):
    hits = find(care_ssc, criterion, variable)
    assert any((h.operator, h.value, h.value2, h.unit) == (operator, value, value2, unit) for h in hits), hits


def test_transaminases_are_relative_to_uln(care_ssc):
    for name in ("ASAT", "ALAT"):
        (leaf,) = find(care_ssc, "E4", name)
        assert (leaf.operator, leaf.value, leaf.multiplier_of, leaf.unit) == (">", 3, "ULN", None)


def test_ages(amass, care_ssc):
    assert amass.trial.minimum_age.value == 18 and amass.trial.minimum_age.unit == "a"
    (age,) = [leaf for cid, leaf in comparisons(care_ssc) if cid == "E1"]
    assert (age.type, age.attribute, age.operator, age.value, age.unit) == ("demographic", "age", "<", 18, "a")


def test_inclusion_2_keeps_its_shape(care_ssc):
    """An OR of (i) and (ii); (ii) needs mRSS > 15 and at least one of a), b), c)."""
    rule = next(c for c in care_ssc.criteria if c.id == "I2").rule
    assert rule.type == "any" and len(rule.args) == 2
    first, second = rule.args
    assert {leaf.value for leaf in leaves(first) if leaf.type == "comparison"} >= {20, 25, 11}
    assert second.type == "all"
    (mrss,) = [a for a in second.args if a.type == "comparison"]
    assert (mrss.variable, mrss.operator, mrss.value) == ("mRss", ">", 15)
    (group,) = [a for a in second.args if a.type == "at_least"]
    assert group.n == 1 and len(group.args) == 3


def test_nested_ids_and_parents(care_ssc):
    ids = {c.id: c.parent for c in care_ssc.criteria}
    assert ids["I2.i"] == "I2" and ids["I2.ii"] == "I2"
    assert [ids[f"I2.ii.{x}"] for x in "abc"] == ["I2.ii"] * 3
    assert [ids[f"E3.{n}"] for n in "1234"] == ["E3"] * 4


def test_offsets_are_exact(amass, care_ssc):
    for trial in (amass, care_ssc):
        for criterion in trial.criteria:
            assert trial.trial.criteria_text[criterion.start : criterion.end] == criterion.text


def test_nothing_is_dropped(care_ssc):
    """Judgment, consent and compliance criteria stay, flagged for review."""
    by_id = {c.id: c for c in care_ssc.criteria}
    assert by_id["E13"].status == "needs_review" and by_id["E13"].rule.type == "unstructured"
    assert by_id["E11"].status == "needs_review"
    assert sum(c.section == "exclusion" and c.parent is None for c in care_ssc.criteria) == 13
    assert sum(c.section == "inclusion" and c.parent is None for c in care_ssc.criteria) == 4


def test_pregnancy_window(amass):
    rule = next(c for c in amass.criteria if c.id == "E4").rule
    assert rule.type == "any"
    planned = [leaf for leaf in leaves(rule) if leaf.temporal]
    assert len(planned) == 1
    window = planned[0].temporal
    assert (window.direction, window.operator, window.value, window.unit) == ("future", "<=", 2, "a")
    assert "planned" in planned[0].qualifiers


def _criterion(trial, criterion_id):
    return next(c for c in trial.criteria if c.id == criterion_id)


def test_amass_keeps_its_example_and_its_exception(amass):
    # E3 "Reduced immune response (e.g. HIV positive)": HIV is an example of the category, an alternative
    e3 = _criterion(amass, "E3").rule
    assert e3.type == "any" and any(leaf.concept.text.startswith("HIV") for leaf in leaves(e3))
    # E6 "Topical treatment with eye drops other than to treat dry eye disease (DED)"
    e6 = _criterion(amass, "E6").rule
    drops = next(leaf for leaf in leaves(e6) if leaf.type == "presence" and leaf.role is None)
    assert drops.concept.text == "eye drops" and [c.text for c in drops.excepted] == ["dry eye disease (DED)"]
    assert any(leaf.type == "presence" and leaf.role == "exception" and leaf.negated for leaf in leaves(e6))


def test_care_ssc_lists_infections_as_alternatives(care_ssc):
    # E7 "Uncontrolled acute or chronic infection (HIV, HTLV-1/2 (...), hepatitis B surface Ag positive, ...)"
    e7 = _criterion(care_ssc, "E7").rule
    names = [leaf.concept.text for leaf in leaves(e7) if leaf.type == "presence"]
    assert {"HIV", "hepatitis C", "hepatitis B surface Ag"} <= set(names)
    assert e7.type == "any"
    infections = next(arg for arg in e7.args if arg.type == "any")
    assert all(node.type == "any" for node in _logic_nodes(infections))  # alternatives, nothing AND-ed
    assert any(leaf.type == "unstructured" for leaf in e7.args)  # "or high risk thereof": for review


def test_care_ssc_ckd_stage_is_defined_by_its_gfr(care_ssc):
    # E3 4. "stage 4 or more chronic kidney disease (glomerular filtration rate < 30 mL/min)"
    e3 = _criterion(care_ssc, "E3").rule
    ckd = next(leaf for leaf in leaves(e3) if leaf.type == "presence" and "kidney" in leaf.concept.text)
    assert ckd.concept.text == "stage 4 or more chronic kidney disease" and ckd.role == "defined"
    gfr = [leaf for leaf in leaves(e3) if leaf.type == "comparison" and "glomerular" in leaf.variable]
    assert [(leaf.operator, leaf.value) for leaf in gfr] == [("<", 30)]
    assert not any(leaf.type == "unstructured" for leaf in leaves(e3))  # no stray "stage" leaf


def test_care_ssc_cardiac_involvement_is_a_list_of_alternatives(care_ssc):
    # I2 c) "atrial or ventricular rhythm disturbances such as recurrent episodes of atrial fibrillation or
    # flutter, recurrent atrial paroxysmal tachycardia, conduction abnormalities (...)": any one of them
    i2 = _criterion(care_ssc, "I2").rule
    cardiac = next(
        node
        for node in _logic_nodes(i2)
        if any(getattr(a, "concept", None) and "flutter" in a.concept.text for a in node.args)
    )
    assert cardiac.type == "any"


def _logic_nodes(rule):
    if rule.type in ("all", "any", "not", "at_least"):
        yield rule
        for arg in rule.args:
            yield from _logic_nodes(arg)


def test_a_parents_tree_quotes_its_childrens_words(care_ssc):
    # I2 embeds the rules of i), ii), a), b), c): each leaf's span quotes the criteria text from I2's start
    i2 = _criterion(care_ssc, "I2")
    text = care_ssc.trial.criteria_text[i2.start :]
    limits = [leaf for leaf in leaves(i2.rule) if leaf.type == "comparison"]
    assert len(limits) >= 6
    for leaf in limits:
        quoted = text[leaf.variable_span[0] : leaf.variable_span[1]]
        assert quoted == leaf.variable or leaf.variable.endswith(quoted) or quoted in leaf.variable, (quoted, leaf)
