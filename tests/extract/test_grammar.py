import pytest

from trialsieve.extract.grammar import find_limits, parse_number


def only(text):
    (limit,) = find_limits(text)
    return limit.operator, limit.value, limit.value2, limit.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OSDI ≥ 33", (">=", 33, None, None)),
        ("OSDI => 33", (">=", 33, None, None)),
        ("OSDI >= 33", (">=", 33, None, None)),
        ("at least 18 years", (">=", 18, None, "a")),
        ("18 years or more", (">=", 18, None, "a")),
        ("18 years of age or older", (">=", 18, None, "a")),
        ("greater than 5 mg/dL", (">", 5, None, "mg/dL")),
        ("less than 3 months", ("<", 3, None, "mo")),
        ("no more than 2 drinks per day", ("<=", 2, None, "{drinks}/d")),
        ("up to 65 years", ("<=", 65, None, "a")),
        ("not exceeding 1.5 mg/dL", ("<=", 1.5, None, "mg/dL")),
        ("between 30 and 89 mL/min", ("between", 30, 89, "mL/min")),
        ("18 to 75 years", ("between", 18, 75, "a")),
        ("30-89 mL/min", ("between", 30, 89, "mL/min")),
        ("1-5 mm/5 minutes", ("between", 1, 5, "mm/(5.min)")),
        ("< 0,2 cm3", ("<", 0.2, None, "cm3")),
        ("> 12,000/mm^3", (">", 12000, None, "/uL")),
        ("< 80% predicted", ("<", 80, None, "%")),
        ("> 50 mmHg", (">", 50, None, "mm[Hg]")),
        ("< 18 kg/m2", ("<", 18, None, "kg/m2")),
        ("< 0.5 x 109 cell/L", ("<", 0.5, None, "10*9/L")),
        ("< 200 x 106 cell/L", ("<", 200, None, "10*6/L")),
        ("≥ 1.5 × 10^9/L", (">=", 1.5, None, "10*9/L")),
        ("< 8g/dL", ("<", 8, None, "g/dL")),
        ("< 10 sec", ("<", 10, None, "s")),
        ("at least one", (">=", 1, None, None)),
        ("< -1", ("<", -1, None, None)),
        ("greater than100 g/L", (">", 100, None, "g/L")),  # no space after the comparator
        ("pH˂5.8", ("<", 5.8, None, None)),  # a modifier letter for '<'
        ("Qp/Qs < 1.5:1", ("<", 1.5, None, None)),  # a ratio to one
        ("≥ 5 out of 10", (">=", 5, None, None)),  # the top of the scale is no second value
        ("≥6 consecutive weeks", (">=", 6, None, "wk")),
        ("the 6 previous months", None),
    ],
)
def test_comparators_ranges_units(text, expected):
    if expected is None:
        assert find_limits(text) == []  # no comparator, no range: not a limit
    else:
        assert only(text) == expected


@pytest.mark.parametrize(
    ("text", "value", "reference"),
    [
        ("> 3 normal", 3, "ULN"),
        ("≤ 2.5 x ULN", 2.5, "ULN"),
        ("≤ 1.5 times the upper limit of normal", 1.5, "ULN"),
        ("> 2 x LLN", 2, "LLN"),
        ("> 2.5X IULN", 2.5, "ULN"),  # NCT00576225 E4: the institution's ULN
        ("< 0.8 x institutional LLN", 0.8, "LLN"),
    ],
)
def test_relative_limits(text, value, reference):
    limits = find_limits("ALT " + text)
    assert limits and limits[0].value == value and limits[0].multiplier_of == reference and limits[0].unit is None


@pytest.mark.parametrize(
    "text",
    [
        "stage 2 or 3 chronic kidney disease",
        "2nd or 3rd degree atrioventricular block",
        "HTLV-1/2",
        "ACR/EULAR 2103",
        "blood pressure 140/90",
        "one of the following",
        "between 2008 and 2017",
        "a 0-10 scale",
        "on a 0-10 pain intensity numeric scale",
        "on a scale of 0 to 10",
        "NRS (0-10)",
        "(1 serving = 1 glass of wine)",
        "(Circulation 2001 103 335-336)",
        "CD4+ T cells",
    ],
)
def test_numbers_that_are_not_limits(text):
    assert find_limits(text) == []


def test_a_comparator_before_the_number_outranks_one_after_it():
    limits = find_limits("Minimum Age: 18 Years Maximum Age: 99 Years")
    assert [(x.operator, x.value, x.unit) for x in limits] == [(">=", 18, "a"), ("<=", 99, "a")]


def test_post_comparator_before_a_number_opens_the_next_limit():
    limits = find_limits("below 18 and above 45 years")
    assert [(x.operator, x.value) for x in limits] == [("<", 18), (">", 45)]


def test_spans_cover_the_written_limit():
    text = "Hemoglobin < 11 g/dL, not explained"
    (limit,) = find_limits(text)
    assert text[limit.start : limit.end] == "< 11 g/dL"
    assert text[slice(*limit.value_span)] == "11" and text[slice(*limit.unit_span)] == "g/dL"


@pytest.mark.parametrize(
    ("written", "value"), [("0,2", 0.2), ("12,000", 12000), ("1.5", 1.5), ("five", 5), ("x", None)]
)
def test_parse_number(written, value):
    assert parse_number(written) == value


def test_a_unitless_limit_shares_the_unit_of_the_next():
    assert [(x.operator, x.value, x.unit) for x in find_limits("under 40 or over 60 years of age")] == [
        ("<", 40, "a"),
        (">", 60, "a"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CRAFFT = 2 or higher", (">=", 2, None, None)),  # the written "or higher" qualifies "="
        ("age less than 18 years old or under guardianship", ("<", 18, None, "a")),
        ("EFW < 10th percentile", ("<", 10, None, "{percentile}")),
        ("anisometropia > 1.5 D", (">", 1.5, None, "[diop]")),
        ("within the past 12-month period", ("<=", 12, None, "mo")),
        ("Age＜18 years", ("<", 18, None, "a")),
        ("no older than 17 years", ("<=", 17, None, "a")),
        ("not younger than 65 years", (">=", 65, None, "a")),
        ("LVEF superior to 50%", (">", 50, None, "%")),
        ("less then 60 years", ("<", 60, None, "a")),
        ("pain > 4/10 on the NRS", (">", 4, None, None)),  # 4 on a scale whose top is 10
        ("18 and 65 years old for healthy volunteers", ("between", 18, 65, "a")),
        ("BMI of 17.1～25.8", ("between", 17.1, 25.8, None)),
        ("weighing between 50kg (inclusive) and 90kg (exclusive)", ("between", 50, 90, "kg")),
        ("aged 18 (inclusive) or older", (">=", 18, None, None)),
    ],
)
def test_more_spellings(text, expected):
    assert only(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ClinicalTrials.gov NCT01660152: the pack a day was lost and every smoker was excluded
        ("1 pack per day or more", (">=", 1, None, "{pack}/d")),
        ("more than 3 drinks a day", (">", 3, None, "{drinks}/d")),
        ("more than 14 drinks per week", (">", 14, None, "{drinks}/wk")),
    ],
)
def test_a_counted_thing_per_time_in_words(text, expected):
    assert only(text) == expected


def test_a_frequency_without_a_comparator_is_no_limit():
    assert find_limits("3 times a day") == []


def test_sample_sizes_are_not_limits():
    assert find_limits("scoliosis (n=20) with pain") == []


def test_counts_per_volume_and_temperatures_in_two_units():
    assert only("parasitemia between 1000 -100,000 parasites/mL") == ("between", 1000, 100000, "{parasites}/mL")
    limit = find_limits("fever (>= 38.5 C/101.2 F rectal)")
    assert [(x.operator, x.value, x.unit) for x in limit] == [(">=", 38.5, "Cel")]
    assert find_limits("hepatitis C") == []


@pytest.mark.parametrize(
    ("text", "systolic", "diastolic"),
    [
        ("BP > 140/90 mmHg", 140, 90),
        ("a resting blood pressure of > 140/90.", 140, 90),  # a pressure word before, no unit
        ("hypertension (≥ 180 / 110mmHg)", 180, 110),
    ],
)
def test_a_blood_pressure_pair_is_one_limit(text, systolic, diastolic):
    (limit,) = find_limits(text)
    assert (limit.value, limit.diastolic) == (systolic, diastolic)


@pytest.mark.parametrize("text", ["dose > 100/50 mg", "more than 1/3 of the lesions", "after > 4/10/2020"])
def test_other_slashes_stay_no_limit(text):
    assert find_limits(text) == []


def test_a_unit_is_shared_across_a_connective_only():
    first, window = find_limits("asthma control test inferior to 20 within the 4 weeks preceding the study")
    assert (first.unit, window.unit) == (None, "wk")


@pytest.mark.parametrize("text", ["with one or more of the following:", "2 or more of:", "two or more of these"])
def test_a_count_of_a_list_is_logic_not_a_limit(text):
    assert find_limits(text) == []


def test_a_small_number_with_a_plus_is_a_grade_not_a_bound():
    assert find_limits("HER2/neu negative (IHC 0, 1+ or 2+ FISH negative)") == []
    assert only("proteinuria ≥ 2+") == (">=", 2, None, None)  # a bound on the grade
    assert only("Age 18+ years") == (">=", 18, None, "a")


@pytest.mark.parametrize(
    ("text", "operator", "value", "reference"),
    [
        ("bilirubin 2 times higher than the upper limit of normal", ">", 2, "ULN"),
        ("GGT three times greater than the ULN", ">", 3, "ULN"),
        ("lipase ≤ 1.5 times greater than the upper limit of normal", "<=", 1.5, "ULN"),  # the written one rules
        ("amylase > 2.5 X maximum normal value", ">", 2.5, "ULN"),
        ("fasting glucose over 1.5 fold of normal value", ">", 1.5, "ULN"),
        ("CK exceeds 5 times more than normal upper range", ">", 5, "ULN"),
        ("creatinine > twice the institutional upper limit of normal", ">", 2, "ULN"),
        ("INR > ten times ULN", ">", 10, "ULN"),
        ("platelets 2 times lower than the lower limit of normal", "<", 2, "LLN"),
    ],
)
def test_relative_limits_in_words(text, operator, value, reference):
    (limit,) = find_limits(text)
    assert (limit.operator, limit.value, limit.multiplier_of, limit.unit) == (operator, value, reference, None)


@pytest.mark.parametrize(
    ("text", "operator", "value", "reference"),
    [
        ("free testosterone 30% below the lower limit of normal", "<", 0.7, "LLN"),
        ("IGF-1 more than 20% below the age-adjusted lower limit of normal", "<", 0.8, "LLN"),
        ("IGF-1 less than 20% below the lower limit of normal", ">", 0.8, "LLN"),
        ("ferritin 50% above the upper limit of normal", ">", 1.5, "ULN"),
        ("sodium 10% below normal", "<", 0.9, "LLN"),  # below a bare "normal" is below its lower limit
    ],
)
def test_a_percentage_off_a_reference_is_a_fraction_of_it(text, operator, value, reference):
    (limit,) = find_limits(text)
    assert (limit.operator, limit.value, limit.multiplier_of) == (operator, value, reference)


def test_a_times_said_before_its_reference_shares_it():
    first, second = find_limits("AST > 2.5 times and total bilirubin > 1.5 times the ULN")
    assert (first.value, first.multiplier_of, second.multiplier_of) == (2.5, "ULN", "ULN")
    assert [(x.multiplier_of, x.unit) for x in find_limits("taken > 2 times a day")] == [(None, "/d")]


def test_twice_needs_a_reference():
    assert find_limits("metformin twice daily") == []
    assert only("bilirubin twice the upper limit of normal or more") == (">=", 2, None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("troponin \\> 0.04 ng/mL", (">", 0.04, None, "ng/mL")),  # a registry's markdown escape
        ("eGFR \\<= 45 mL/min", ("<=", 45, None, "mL/min")),
        ("QTcF greater than (>) 480 ms", (">", 480, None, "ms")),  # the comparator in words, then in symbols
        ("Grade less than or equal to (<=) 1", ("<=", 1, None, None)),
        ("prior to 40 years of age", ("<", 40, None, "a")),  # "prior to" bounds an age only
        ("before the age of 16", ("<", 16, None, None)),
    ],
)
def test_escaped_glossed_and_age_only_comparators(text, expected):
    assert only(text) == expected


def test_an_escaped_comparator_starts_the_limit():
    text = "albumin \\> 3 g/dL"
    (limit,) = find_limits(text)
    assert text[limit.start : limit.end] == "\\> 3 g/dL"
    assert find_limits("chemotherapy prior to 3 months") == []  # no age: "prior to" says when
