import pytest

from trialsieve.extract.units import match_unit, ucum
from trialsieve.rules import leaves


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("mL/min", "mL/min"),
        ("ml/min", "mL/min"),
        ("g/dL", "g/dL"),
        ("mmHg", "mm[Hg]"),
        ("mm Hg", "mm[Hg]"),
        ("kg/m2", "kg/m2"),
        ("kg/m²", "kg/m2"),
        ("%", "%"),
        ("cm3", "cm3"),
        ("sec", "s"),
        ("years", "a"),
        ("months", "mo"),
        ("G/L", "10*9/L"),
        ("g/L", "g/L"),
        ("mmol/l", "mmol/L"),
        ("µmol/L", "umol/L"),
        ("mL/min/1.73 m2", "mL/min/{1.73_m2}"),
        ("mIU/mL", "m[iU]/mL"),
        ("beats/minute", "/min"),
        ("℃", "Cel"),
        ("Celsius degree", "Cel"),
        ("ug/min", "ug/min"),
        ("G / L", "10*9/L"),
        ("decibel", "dB"),
        ("standard deviations", "{SD}"),
    ],
)
def test_ucum_codes(written, code):
    assert ucum(written) == code


def test_unknown_unit_is_none():
    assert ucum("furlongs") is None


def test_power_of_ten_with_lost_superscript():
    found = match_unit(" x 109 cell/L", 0)
    assert (found.code, found.text) == ("10*9/L", "x 109 cell/L")


def test_unit_must_end_on_a_word_boundary():
    assert match_unit("mmol/L", 0).code == "mmol/L"
    assert match_unit("md", 0) is None


def test_a_unit_glossed_in_parentheses_is_one_unit():
    found = match_unit(" standard deviations (SD) below the mean", 0)
    assert (found.code, found.text) == ("{SD}", "standard deviations (SD)")
    assert match_unit(" mg/dL (177 umol/L)", 0).text == "mg/dL"  # a conversion is not a gloss


@pytest.mark.parametrize(
    ("written", "code"),
    [("ml per day", "mL/d"), ("mL per minute", "mL/min"), ("mg a day", "mg/d"), ("km each week", "km/wk")],
)
def test_an_amount_per_unit_of_time_is_a_rate(written, code):
    assert ucum(written) == code


def test_an_amount_a_year_ago_is_no_rate():
    assert match_unit("5 kg a year ago", 1).code == "kg"


@pytest.mark.parametrize(("written", "code"), [("6 consecutive weeks", "wk"), ("2 previous years", "a")])
def test_a_word_between_a_number_and_its_time_unit_keeps_the_unit(written, code):
    found = match_unit(written, 1)
    assert found.code == code and found.end == len(written)


def test_only_time_units_are_read_past_a_word():
    assert match_unit("2 prior regimens", 1) is None
    assert match_unit("4 past weeks", 1) is None  # "pain >= 4 past week" is a score, then when


def test_a_time_per_another_unit_of_time_is_a_rate():
    assert ucum("hours per week") == "h/wk"
    assert ucum("days per month") == "d/mo"


def test_cells_per_high_power_field_are_a_urine_count_not_a_blood_count(tagger):
    """NCT05868668 I2.1.2: "<10 WBC per HPF in mid-stream urine" had been "WBC < 10", which a blood
    leukocyte count of 10.07 x 10^3/uL failed: a wrong rule-out of a Synthea patient."""
    from tests.extract.reading import rule_of, verdict_of

    rule = rule_of(tagger, "<10 WBC per HPF in mid-stream urine", "inclusion")
    assert (rule.type, rule.variable, rule.unit) == ("comparison", "urine white blood cells", "{WBC}/[HPF]")
    blood = [
        {
            "kind": "measurement",
            "text": "Leukocytes [#/volume] in Blood by Automated count",
            "value": 10.07,
            "unit": "10*3/uL",
            "date": "2026-11-01",
        }
    ]
    assert verdict_of(tagger, "Inclusion", "<10 WBC per HPF in mid-stream urine", blood) != "not_met"


def test_a_count_per_volume_written_with_per_names_what_it_counts(tagger):
    """NCT03937544 I4: "without clinically evident neurological symptoms (CNS-2; with <5 WBC per uL ...)"
    had bounded the symptoms in cells per uL; the cells the unit counts are the variable."""
    from tests.extract.reading import presences, rule_of

    assert match_unit("WBC per μL", 0).code == "{wbc}/uL"
    assert match_unit("medications per day", 0) is None  # per day counts only what is consumed
    text = "CNS leukaemia without clinically evident neurological symptoms (CNS-2; with <5 WBC per μL)"
    rule = rule_of(tagger, text, "inclusion")
    limits = [leaf for leaf in leaves(rule) if leaf.type == "comparison"]
    assert [(c.variable, c.unit) for c in limits] == [("WBC", "{wbc}/uL")], rule
    assert all(leaf.negated for name, leaf in presences(rule).items() if "neurological" in name), rule
