"""Verdicts on limits that mean more than a number: one sex's limit, an age at diagnosis, how long a
disease has lasted, a multiple of the lab's limit (trialsieve/match/verdicts.py)."""

import datetime as dt

import pytest

from trialsieve.extract.structure import structure_text
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Patient
from trialsieve.match.verdicts import Judge
from trialsieve.rules import Comparison, Concept, Demographic

AS_OF = dt.date(2026, 11, 29)


def verdict(text, section, conditions=(), **patient):
    rule = structure_text(text, section).rule
    judge = Judge(Patient(**patient), AS_OF, ConceptMatcher(), conditions=tuple(conditions))
    return judge.rule(rule, text, section)


def value(text, number, unit, date="2026-11-10", **more):
    return {"kind": "measurement", "text": text, "value": number, "unit": unit, "date": date, **more}


def condition(text, date=None, present=True):
    return {"kind": "condition", "text": text, "date": date, "present": present}


QTC = "QTcF > 450 ms in males or > 470 ms in females"


@pytest.mark.parametrize(
    ("sex", "ms", "expected"),
    [
        ("female", 460, "not_met"),  # her limit is 470
        ("male", 460, "met"),
        (None, 460, "unknown"),  # between the two limits: the sex decides
        (None, 480, "met"),  # above both: met whatever the sex
        (None, 440, "not_met"),  # below both
    ],
)
def test_a_patient_is_judged_by_the_limit_for_their_sex(sex, ms, expected):
    found, evidence = verdict(QTC, "exclusion", sex=sex, facts=[value("QTcF", ms, "ms")])
    assert found == expected
    if expected == "unknown":
        assert any(e.missing == "sex" for e in evidence)


def test_a_limit_for_the_other_sex_does_not_apply():
    anaemia = [value("hemoglobin", 11.5, "g/dL")]
    assert verdict("Hemoglobin < 12 g/dL in women", "exclusion", sex="male", facts=anaemia)[0] == "not_met"
    assert verdict("Hemoglobin < 12 g/dL in women", "exclusion", sex="female", facts=anaemia)[0] == "met"
    found, evidence = verdict("Hemoglobin ≥ 12 g/dL in women", "inclusion", sex="male", facts=anaemia)
    assert found == "met" and evidence[0].reason.startswith("does not apply")


def test_the_elided_limit_for_women_is_read_with_its_comparator():
    text = "Excessive drinking (more than 21 drinks per week for men or 14 drinks per week for women)"
    drinks = [value("alcohol intake", 16, "{drinks}/wk")]  # named otherwise: its unit counts drinks
    assert verdict(text, "exclusion", sex="female", facts=drinks)[0] == "met"
    assert verdict(text, "exclusion", sex="male", facts=drinks)[0] == "not_met"


@pytest.mark.parametrize(("sex", "expected"), [("female", "met"), ("male", "not_met"), (None, "unknown")])
def test_creatinine_clearance_is_computed_with_the_factor_for_women(sex, expected):
    # (140 - 76) x 62 / (72 x 1.1) = 50 mL/min for a man, 42.5 for a woman
    facts = [value("serum creatinine", 1.1, "mg/dL"), value("body weight", 62, "kg")]
    text = "Creatinine clearance < 45 mL/min (Cockcroft-Gault)"
    found, evidence = verdict(text, "exclusion", sex=sex, birth_date="1950-06-01", facts=facts)
    assert found == expected and "Cockcroft-Gault" in evidence[0].reason


ONSET = "Age at onset of Crohn's disease younger than 17 years"


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ([condition("Crohn's disease of ileum", "2004-03-01")], "met"),  # at 14, though 36 today
        ([condition("Crohn's disease", "2015-03-01")], "not_met"),  # at 25
        ([condition("Crohn's disease")], "unknown"),  # no date, no age at onset
        ([condition("Crohn's disease", "2024-01-01", present=False)], "not_met"),  # recorded absent
        ([condition("ulcerative colitis", "2004-03-01")], "unknown"),  # another disease: silence
    ],
)
def test_an_age_at_onset_comes_from_the_onset_date(facts, expected):
    found, evidence = verdict(ONSET, "inclusion", birth_date="1990-01-15", facts=facts)
    assert found == expected
    if expected == "met":
        assert evidence[0].value == pytest.approx(14.1, abs=0.1) and evidence[0].date == dt.date(2004, 3, 1)


def test_an_age_at_onset_without_a_birth_date_counts_back_from_the_age():
    facts = [condition("plaque psoriasis", "2016-11-29")]
    assert verdict("Onset of psoriasis before age 40 years", "inclusion", age=48, facts=facts)[0] == "met"  # 38
    assert verdict("Onset of psoriasis before age 40 years", "inclusion", age=52, facts=facts)[0] == "not_met"


def test_an_age_at_diagnosis_naming_no_disease_takes_the_trials():
    text = "Age at diagnosis at least 21 years"
    one = [condition("follicular lymphoma", "2010-05-01")]  # at 20
    assert verdict(text, "inclusion", birth_date="1990-01-01", facts=one)[0] == "not_met"
    two = [*one, condition("hypertension", "2020-01-01")]
    assert verdict(text, "inclusion", birth_date="1990-01-01", facts=two)[0] == "unknown"  # which one?
    found, _ = verdict(text, "inclusion", ["hypertension"], birth_date="1990-01-01", facts=two)
    assert found == "met"  # the trial's condition, diagnosed at 30


def test_an_age_at_event_leaf_built_by_hand_is_judged_the_same():
    leaf = Demographic(
        attribute="age",
        operator="<",
        value=30,
        at_event="diagnosis",
        event=Concept(text="type 1 diabetes", kind="condition"),
        span=(0, 10),
    )
    patient = Patient(birth_date="1980-01-01", facts=[condition("type 1 diabetes mellitus", "1995-05-01")])
    found, (evidence,) = Judge(patient, AS_OF, ConceptMatcher()).rule(leaf, "0123456789")
    assert found == "met" and evidence.fact == "type 1 diabetes mellitus"


@pytest.mark.parametrize(
    ("onset", "expected"), [("2024-06-01", "met"), ("2026-10-01", "not_met"), ("2020-01-01", "not_met")]
)
def test_a_disease_duration_runs_from_the_onset_to_the_evaluation_day(onset, expected):
    text = "Knee osteoarthritis for more than 1 year and less than 5 years"
    assert verdict(text, "inclusion", facts=[condition("osteoarthritis of knee", onset)])[0] == expected


def test_a_duration_of_a_disease_is_not_an_age():
    text = "Duration of type 2 diabetes ≥ 10 years"
    facts = [condition("type 2 diabetes mellitus", "2020-05-01")]
    found, evidence = verdict(text, "inclusion", birth_date="1950-01-01", facts=facts)
    assert found == "not_met" and evidence[0].fact == "type 2 diabetes mellitus"


@pytest.mark.parametrize(
    ("alt", "reference", "expected"),
    [
        (130, None, "unknown"),  # 3 x a usual limit (28-52 U/L) may or may not be exceeded
        (200, None, "met"),  # above 3 x any usual limit
        (60, None, "not_met"),
        (130, 35, "met"),  # the lab's own limit settles it: 3.7 x ULN
        (130, 50, "not_met"),  # 2.6 x ULN
    ],
)
def test_a_relative_limit_uses_the_labs_limit_or_a_clear_margin(alt, reference, expected):
    facts = [value("ALT", alt, "U/L", reference_high=reference)]
    text = "ALT greater than three times the upper limit of normal"
    assert verdict(text, "exclusion", facts=facts)[0] == expected


@pytest.mark.parametrize(
    ("text", "section", "expected"),
    [
        ("ALT/AST > 3 x ULN", "exclusion", "met"),  # either one above is enough
        ("AST or ALT more than 3 times the ULN", "exclusion", "met"),
        ("ALT/AST ≤ 2.5 x ULN", "inclusion", "not_met"),  # each must be below
    ],
)
def test_a_limit_on_several_analytes_reads_each(text, section, expected):
    facts = [value("AST", 36, "U/L", reference_high=40), value("ALT", 180, "U/L", reference_high=45)]
    assert verdict(text, section, facts=facts)[0] == expected


def test_a_population_leaf_built_by_hand_for_a_patient_of_no_recorded_sex():
    leaf = Comparison(
        variable="QTcF", kind="observation", operator=">", value=470, unit="ms", population="female", span=(0, 4)
    )
    patient = Patient(facts=[value("QTcF", 480, "ms")])
    assert Judge(patient, AS_OF, ConceptMatcher()).rule(leaf, "QTcF", "exclusion")[0] == "unknown"  # if a man: not his


@pytest.mark.parametrize(("sex", "expected"), [("female", "met"), ("male", "not_met")])
def test_a_count_per_day_is_read_against_a_weekly_count(sex, expected):
    text = "Alcohol consumption of more than 2 drinks/day for men or 1 drink/day for women"
    facts = [value("alcohol intake", 10, "{drinks}/wk")]  # 1.4 a day
    assert verdict(text, "exclusion", sex=sex, facts=facts)[0] == expected


@pytest.mark.parametrize(
    ("condition_text", "expected"), [("type 1 diabetes mellitus", "met"), ("type 2 diabetes", "not_met")]
)
def test_a_duration_keeps_the_type_of_the_disease(condition_text, expected):
    # type 2 rules type 1 out: the type written before the timed concept stays with it
    text = "Type 1 diabetes for at least 5 years"
    assert verdict(text, "inclusion", facts=[condition(condition_text, "2015-01-01")])[0] == expected


@pytest.mark.parametrize(
    ("ast", "expected"),
    [
        (220, "not_met"),  # AST 5.5 x and ALT 4.2 x their limits: neither above 10 x
        (500, "met"),  # AST 12.5 x its limit: one transaminase is enough
    ],
)
def test_a_class_of_analytes_reads_each_member(ast, expected):
    facts = [value("AST", ast, "U/L", reference_high=40), value("ALT", 190, "U/L", reference_high=45)]
    assert verdict("transaminases > ten times ULN", "exclusion", facts=facts)[0] == expected


def test_a_fragment_that_only_says_when_does_not_undo_a_limit(tagger):
    """ "at the screening assessment" names no requirement: presumed absent beside "HbA1c >= 11%" in an
    exclusion, it would let a patient with 12% in."""
    text = "Has a current HbA1c level ≥11%, at the screening assessment;"
    rule = structure_text(text, "exclusion", tagger.tag([text])[0]).rule
    patient = Patient(facts=[value("HbA1c", 12, "%")])
    judge = Judge(patient, AS_OF, ConceptMatcher(), presume=True)
    assert judge.rule(rule, text, "exclusion")[0] == "met"


def test_a_fragment_that_asks_something_still_needs_review(tagger):
    text = "Women aged 15-45 years resident in the predefined study area"
    rule = structure_text(text, "inclusion", tagger.tag([text])[0]).rule
    judge = Judge(Patient(sex="female", age=27), AS_OF, ConceptMatcher())
    assert judge.rule(rule, text, "inclusion")[0] != "met"


PLATELETS = "Platelets [#/volume] in Blood by Automated count"


@pytest.mark.parametrize(
    ("text", "fact", "expected"),
    [
        # Synthea reports platelets in 10*3/uL: 50,000 is per microlitre, not 50,000 x 10^3/uL
        ("Platelet count < 50,000", value(PLATELETS, 281, "10*3/uL"), "not_met"),
        ("Platelet count < 50,000", value(PLATELETS, 42, "10*3/uL"), "met"),
        ("Platelets < 100", value(PLATELETS, 281, "10*3/uL"), "not_met"),  # fits the value's own unit
        ("Absolute neutrophil count < 1500", value("Neutrophils", 2.1, "10*9/L"), "not_met"),
        ("Hemoglobin < 90", value("Hemoglobin", 13.2, "g/dL"), "not_met"),  # g/L
        ("Hemoglobin < 90", value("Hemoglobin", 8.1, "g/dL"), "met"),
        ("Serum creatinine > 1.5", value("Creatinine", 110, "umol/L"), "not_met"),  # mg/dL: 1.24
        ("Serum creatinine > 1.5", value("Creatinine", 160, "umol/L"), "met"),
        ("Total bilirubin > 3", value("Total bilirubin", 12, "umol/L"), "unknown"),  # 3 umol/L or 3 mg/dL
    ],
)
def test_a_limit_with_no_unit_is_read_in_the_unit_its_number_fits(text, fact, expected):
    got, evidence = verdict(text, "exclusion", facts=[fact])
    assert got == expected, evidence
