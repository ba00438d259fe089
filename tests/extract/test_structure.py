"""One criterion's text to its rule: variables, ages, windows, logic, and what stays for review."""

import pytest

from trialsieve.extract.flat import constraints
from trialsieve.extract.structure import structure_text
from trialsieve.rules import Entity, leaves


def bounds(text):
    return bounds_of(structure_text(text), text)


def bounds_of(extraction, text):
    return [
        (b["kind"], text[b["start"] : b["end"]], b["operator"], b["value"], b["value2"])
        for b in constraints(extraction.rule)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Age ≥ 21 and ≤ 60 years", [("age", "Age", ">=", 21, None), ("age", "Age", "<=", 60, None)]),
        ("Patients ≥18 years old requiring PCI", [("age", "≥18 years old", ">=", 18, None)]),
        ("Infants > 1 month of age", [("age", "> 1 month of age", ">", 1, None)]),
        (
            "Patients under 40 or over 60 years of age",
            [("age", "age", "<", 40, None), ("age", "age", ">", 60, None)],  # both bound the age
        ),
        ("≥ 3 and ≤ 18 years of age", [("age", "age", ">=", 3, None), ("age", "age", "<=", 18, None)]),
        (
            "Pain (> 3 on a 0-10 pain intensity numeric scale)",
            [("comparison", "pain intensity numeric scale", ">", 3, None)],
        ),
        ("Pain > 4 on a visual analogue scale", [("comparison", "Pain", ">", 4, None)]),
        ("resistance training more than 2 times weekly", [("comparison", "resistance training", ">", 2, None)]),
        ("Smoking within 60 days prior to dosing", [("temporal", "Smoking", "<=", 60, None)]),
        ("life expectancy within 12 months", [("comparison", "life expectancy", "<=", 12, None)]),
        ("Pain intensity of at least 4 on a scale of 0 to 10", [("comparison", "Pain intensity", ">=", 4, None)]),
        (
            "BMI of ≥ 18.5 and ≤ 27.0 kg/m2",
            [("comparison", "BMI", ">=", 18.5, None), ("comparison", "BMI", "<=", 27, None)],
        ),
        ("History of at least 5 attacks of migraine", [("comparison", "attacks of migraine", ">=", 5, None)]),
        (
            "a score of 24 or above on the Folstein Mini-Mental State Exam",
            [("comparison", "Folstein Mini-Mental State Exam", ">=", 24, None)],
        ),
        ("Hypertension (≥140 mmHg systolic)", [("comparison", "systolic", ">=", 140, None)]),
        ("gestational age < 36 weeks", [("comparison", "gestational age", "<", 36, None)]),
        ("Prior chemotherapy within 6 months", [("temporal", "Prior chemotherapy", "<=", 6, None)]),
        ("Life expectancy < 3 months", [("comparison", "Life expectancy", "<", 3, None)]),
        ("All patients that older than 18 treated for cancer", [("age", "older than 18", ">", 18, None)]),
        ("Woman ≥ 18 years old", [("age", "≥ 18 years old", ">=", 18, None)]),
        ("Age of both genders from 18 to 75 years", [("age", "Age", "between", 18, 75)]),
        ("a child at least 6 months old", [("age", "at least 6 months old", ">=", 6, None)]),
        ("full-term (≥ 37 weeks of gestation)", [("comparison", "gestation", ">=", 37, None)]),
        ("(1) gestational age 35 to 39 weeks", [("comparison", "gestational age", "between", 35, 39)]),
        (
            "teratozoospermia: < 4% normal forms",
            [("comparison", "normal forms", "<", 4, None)],
        ),  # a share of what follows
        ("ISS (Injury Severity Score) > 16", [("comparison", "ISS (Injury Severity Score)", ">", 16, None)]),
        ("At least 100 ml per day of residual diuresis", [("comparison", "residual diuresis", ">=", 100, None)]),
        ("Any patient ≥18 who presents for a colonoscopy", [("age", "≥18", ">=", 18, None)]),
        (
            "a score > 1 or < -1 on the Richmond Agitation and Sedation Scale",
            [
                ("comparison", "Richmond Agitation and Sedation Scale", ">", 1, None),
                ("comparison", "Richmond Agitation and Sedation Scale", "<", -1, None),
            ],
        ),
        (
            "Have at least one child ≤6 years of age",
            [("comparison", "child", ">=", 1, None), ("age", "≤6 years of age", "<=", 6, None)],
        ),
        (
            "low mood as indicated by a 5 or greater on the Geriatric Depression Scale",
            [("comparison", "Geriatric Depression Scale", ">=", 5, None)],
        ),
        ("PaO2:FIO2 > 150", [("comparison", "PaO2:FIO2", ">", 150, None)]),  # a ratio is one name
        (
            "shortening <5mm, <2mm intraarticular stepoff",
            [("comparison", "shortening", "<", 5, None), ("comparison", "intraarticular stepoff", "<", 2, None)],
        ),  # a limit with its own name after it does not inherit the one before
        ("BP persistently > 160 mmHg", [("comparison", "BP", ">", 160, None)]),
        ("Type 1 diabetes of at least 5 years duration", [("temporal", "Type 1 diabetes", ">=", 5, None)]),
        ("at least 1 month's duration of symptoms", [("temporal", "symptoms", ">=", 1, None)]),
        ("Age between 30-70 years of old", [("age", "Age", "between", 30, 70)]),
        ("Menstrual cycle length 21-35 days", [("comparison", "Menstrual cycle length", "between", 21, 35)]),
        (
            "Prednisone or steroid use currently or within the past 1 month",
            [("temporal", "Prednisone", "<=", 1, None), ("temporal", "steroid use currently", "<=", 1, None)],
        ),  # a window that names nothing of its own bounds the phrase before it
        ("BMI ≥30 or <25 kg /m2", [("comparison", "BMI", ">=", 30, None), ("comparison", "BMI", "<", 25, None)]),
    ],
)
def test_variables_and_bounds(text, expected):
    assert bounds(text) == expected


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("stage 4 or more chronic kidney disease", "stage 4 or more chronic kidney disease"),
        ("Stage 1-3 Parkinson's disease", "Stage 1-3 Parkinson's disease"),
        ("CKD stage 3-5", "CKD stage 3-5"),
    ],
)
def test_a_stage_or_class_is_part_of_the_concept_not_a_limit(text, concept):
    # a stage bounds which disease is meant (match/lexicons/qualifiers.json reads it), it is no value
    rule = structure_text(text, "inclusion").rule
    assert rule.type == "presence" and rule.concept.text == concept
    assert not constraints(rule)


@pytest.mark.parametrize(
    ("text", "logic", "variables"),
    [
        ("BP < 140/90 mmHg", "all", ["systolic BP", "diastolic BP"]),  # both below
        ("blood pressure > 140/90", "any", ["systolic blood pressure", "diastolic blood pressure"]),  # either above
        ("severe hypertension (> 140/90 mmHg)", "any", ["systolic blood pressure", "diastolic blood pressure"]),
    ],
)
def test_a_pressure_pair_bounds_both_pressures(text, logic, variables):
    rule = structure_text(text).rule
    assert rule.type == logic and [leaf.variable for leaf in rule.args] == variables
    assert [leaf.value for leaf in rule.args] == [140, 90]


def test_coordinated_variables_share_a_limit():
    rule = structure_text("DLCO and/or FVC < 80% predicted").rule
    assert rule.type == "any" and [leaf.variable for leaf in rule.args] == ["DLCO", "FVC"]
    # a condition does not take a measurement's value
    rule = structure_text("diabetes and HbA1c > 7%").rule
    assert [leaf.type for leaf in leaves(rule)] == ["presence", "comparison"]


def test_parentheses_group_and_or_binds_looser():
    rule = structure_text("mRss > 20 and (ESR > 25 mm and/or hemoglobin < 11 g/dL)").rule
    assert rule.type == "all"
    assert rule.args[0].variable == "mRss" and rule.args[1].type == "any"


def test_negation_qualifiers_and_windows():
    (leaf,) = leaves(structure_text("No history of myocardial infarction within the last 6 months").rule)
    assert leaf.negated and "history of" in leaf.qualifiers and leaf.concept.text == "myocardial infarction"
    assert (leaf.temporal.measure, leaf.temporal.direction, leaf.temporal.value, leaf.temporal.unit) == (
        "window",
        "past",
        6,
        "mo",
    )
    (leaf,) = leaves(structure_text("Symptomatic heart failure for at least 3 months").rule)
    assert (leaf.temporal.measure, leaf.temporal.operator, leaf.temporal.value) == ("duration", ">=", 3)


def test_a_window_after_a_measurement_says_when_it_was_measured():
    (leaf,) = leaves(structure_text("LVEF ≤ 40% within the last 12 months").rule)
    assert (leaf.variable, leaf.value, leaf.unit, leaf.temporal.value, leaf.temporal.unit) == (
        "LVEF",
        40,
        "%",
        12,
        "mo",
    )


@pytest.mark.parametrize(
    ("text", "reason", "negated"),
    [
        ("Inability to provide informed consent", "consent", True),
        ("Any condition that, in the opinion of the investigator, would interfere", "investigator judgment", False),
        ("Participation in another interventional trial within 30 days", "study participation", False),
        ("Unable to swallow tablets", "ability", True),
        ("Unwilling to use a novel pillbox", "willingness", True),
        ("Willing to use contraception", "willingness", False),
        ("Willing to comply with study visits and not pregnant", "compliance", False),  # the "not" is later
    ],
)
def test_what_needs_a_person_is_kept_with_its_polarity(text, reason, negated):
    found = [leaf for leaf in leaves(structure_text(text).rule) if leaf.type == "unstructured"]
    assert [(leaf.reason, leaf.negated) for leaf in found[:1]] == [(reason, negated)]


def test_lists_and_sex():
    rule = structure_text("HIV, hepatitis B or hepatitis C infection").rule
    assert rule.type == "any" and len(rule.args) == 3
    (leaf,) = leaves(structure_text("Women only").rule)
    assert (leaf.type, leaf.attribute, leaf.value_text) == ("demographic", "sex", "female")
    for anyone in ("Patients of both sexes.", "male and female", "either sex"):
        (leaf,) = leaves(structure_text(anyone).rule)
        assert (leaf.type, leaf.attribute, leaf.value_text) == ("demographic", "sex", "all")
    (leaf,) = leaves(structure_text("Female sex").rule)
    assert leaf.value_text == "female"


def test_both_sexes_named_together_admit_both():
    sex, age = structure_text("Men and women aged 18 to 65").rule.args
    assert (sex.value_text, age.value, age.value2, age.span) == ("all", 18, 65, (14, 27))  # "aged 18 to 65"
    rule = structure_text("Male and non-pregnant females").rule
    male, female = rule.args
    assert (rule.type, male.value_text, female.type) == ("any", "male", "all")
    sex, pregnant = female.args
    assert (sex.value_text, pregnant.concept.text, pregnant.negated) == ("female", "pregnant", True)
    rule = structure_text("Healthy male or non-pregnant, non-lactating female volunteers").rule
    assert [leaf.concept.text for leaf in leaves(rule) if leaf.type == "presence"] == ["pregnant", "lactating"]


def test_a_unit_said_twice_asks_nothing_more():
    (leaf,) = leaves(structure_text("temperature is higher than 38℃ Celsius degree").rule)
    assert (leaf.type, leaf.operator, leaf.value, leaf.unit) == ("comparison", ">", 38, "Cel")
    (leaf,) = leaves(structure_text("systolic blood pressure more than 2 standard deviations (SD) below the mean").rule)
    assert (leaf.value, leaf.unit) == (2, "{SD}")  # relative to a mean: never compared with mm[Hg]


def test_inclusive_qualifies_a_range_and_asks_nothing():
    (leaf,) = leaves(structure_text("Children 0-15 years inclusive").rule)
    assert (leaf.type, leaf.operator, leaf.value, leaf.value2) == ("demographic", "between", 0, 15)


def test_entities_are_typed_spans():
    text = "Hemoglobin < 11 g/dL"
    extraction = structure_text(text)
    found = {(e.type, e.text) for e in extraction.entities}
    assert {("measurement", "Hemoglobin"), ("value", "11"), ("unit", "g/dL"), ("operator", "<")} <= found


def test_non_negates_only_an_agent_noun():
    (smokers,) = leaves(structure_text("Non-smokers").rule)
    assert smokers.negated and smokers.concept.text == "smokers"
    for text in ("non-small cell lung cancer", "non-healing ulcers", "non Hodgkin lymphoma"):
        (leaf,) = leaves(structure_text(text).rule)
        assert not leaf.negated and leaf.concept.text == text


def test_family_history_is_a_qualifier():
    (leaf,) = leaves(structure_text("Family history of type II diabetes").rule)
    assert "family history" in leaf.qualifiers and leaf.concept.text == "type II diabetes"


@pytest.mark.parametrize(
    ("text", "concept", "negated", "operator", "value", "unit"),
    [
        ("At least 4 weeks since prior chemotherapy", "chemotherapy", True, "<", 4, "wk"),  # a wash-out
        ("Minimum of two weeks since any major surgery", "major surgery", True, "<", 2, "wk"),
        ("Less than 4 weeks since prior chemotherapy", "chemotherapy", False, "<", 4, "wk"),
        ("more than 6 months since stroke onset", "stroke onset", False, ">", 6, "mo"),  # the stroke is asked for
    ],
)
def test_a_time_since_an_event_bounds_when_it_was(text, concept, negated, operator, value, unit):
    (leaf,) = leaves(structure_text(text).rule)
    window = leaf.temporal
    assert (leaf.concept.text, leaf.negated) == (concept, negated)
    assert (window.measure, window.direction, window.operator, window.value, window.unit) == (
        "window",
        "past",
        operator,
        value,
        unit,
    )


@pytest.mark.parametrize(
    ("text", "section", "concept", "negated"),
    [
        # a wash-out the criterion requires: among exclusions it excludes the event within the window
        (
            "At least 42 days must have elapsed after the completion of any type of immunotherapy",
            "exclusion",
            "immunotherapy",
            False,
        ),
        ("At least 4 weeks must have elapsed since prior radiotherapy", "exclusion", "radiotherapy", False),
        ("At least 4 weeks must have elapsed since prior radiotherapy", "inclusion", "radiotherapy", True),
        (
            "At least 7 days should have elapsed from the end of cytotoxic therapy",
            "inclusion",
            "cytotoxic therapy",
            True,
        ),
        # "elapsed" without "must" describes the patient: no event within the window, in either section
        ("Survivors with at least 3 years elapsed since the end of chemotherapy", "exclusion", "chemotherapy", True),
    ],
)
def test_a_time_that_must_have_elapsed_is_a_window_on_the_event(text, section, concept, negated):
    (leaf,) = [x for x in leaves(structure_text(text, section).rule) if x.temporal is not None]
    window = leaf.temporal
    assert (leaf.concept.text, leaf.negated) == (concept, negated)
    assert (window.measure, window.direction, window.operator) == ("window", "past", "<")


def test_an_event_named_after_a_time_since_it_stops_at_its_exception():
    text = "At least 42 days must have elapsed after any immunotherapy other than monoclonal antibodies"
    (leaf,) = [x for x in leaves(structure_text(text, "exclusion").rule) if x.temporal is not None]
    assert (leaf.concept.text, [c.text for c in leaf.excepted]) == ("immunotherapy", ["monoclonal antibodies"])


def test_a_tagged_concept_before_an_age_does_not_take_it():
    text = "Healthy volunteers: subjects must be aged 50 and over"
    healthy = Entity(type="observation", start=0, end=7, text="Healthy")
    assert bounds_of(structure_text(text, tagged=[healthy]), text) == [("age", "aged", ">=", 50, None)]
    text = "Smokers (> 20 cigarettes per week)"  # a tagged concept still names a limit that is no age
    smokers = Entity(type="observation", start=0, end=7, text="Smokers")
    assert bounds_of(structure_text(text, tagged=[smokers]), text)[0][1] == "Smokers"


def test_a_name_read_after_a_generic_limit_outranks_a_tagged_concept_before_it():
    text = "Are experiencing delusions (A score of ≥3 on PANSS item P1, P5 or P6)"
    delusions = Entity(type="condition", start=17, end=26, text="delusions")
    assert bounds_of(structure_text(text, tagged=[delusions]), text)[0][1] == "PANSS item P1"
