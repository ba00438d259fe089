"""Rule trees that mean what the criterion says: examples keep their category, a window or a lead
written once reaches the whole list, "None" asks nothing, a definition keeps what it defines, a bare
"for 3 months" is a duration, an undertaking is promised, and a bound written before its variable
counts. Each test failed before its fix (issue 18)."""

import datetime as dt
import json
import re
from importlib import resources

import pytest

from trialsieve.extract.grammar import find_limits
from trialsieve.extract.ingest import read_text
from trialsieve.extract.relations import default_model
from trialsieve.extract.structure import structure_text, structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Patient
from trialsieve.rules import NOTHING_ASKED, leaves, status_of


def _rule(tagger, text: str, section: str = "exclusion"):
    return structure_text(text, section, tagger.tag([text])[0], default_model()).rule


def _presences(rule) -> dict:
    return {leaf.concept.text: leaf for leaf in leaves(rule) if leaf.type == "presence"}


def test_the_scope_lexicon_is_well_formed():
    lexicon = json.loads(resources.files("trialsieve.extract").joinpath("lexicons", "scope.json").read_text("utf-8"))
    assert {"nothing_asked", "undertakings", "titles"} <= set(lexicon)
    assert {"_doc", "pattern"} <= set(lexicon["titles"]) and re.compile(lexicon["titles"]["pattern"]).groups == 1
    assert {"_doc", "pattern"} <= set(lexicon["nothing_asked"])
    assert {"_doc", "opens", "clauses"} <= set(lexicon["undertakings"])
    for pattern in (lexicon["nothing_asked"]["pattern"], lexicon["undertakings"]["opens"]):
        re.compile(pattern)


# --- 1. examples after a category keep the category ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "category", "examples"),
    [
        (
            "Hypersensitivity to any component of the study drug, including lactose, magnesium stearate",
            "allergy to any component of the study drug",
            {"allergy to lactose", "allergy to magnesium stearate"},
        ),
        (
            "Known hypersensitivity to any of the study drugs or excipients, including polysorbate 80",
            "allergy to any of the study drugs or excipients",
            {"allergy to polysorbate 80"},
        ),
    ],
)
def test_examples_of_an_allergy_keep_the_allergy_asked(tagger, text, category, examples):
    rule = _rule(tagger, text)
    concepts = {c.lower() for c in _presences(rule)}
    assert rule.type == "any" and category in concepts and examples <= concepts


def test_an_allergic_reaction_to_the_study_drug_names_what_it_is_to(tagger):
    rule = _rule(tagger, "History of severe hypersensitivity reactions to any ingredient of study drug(s)")
    assert rule.type == "presence" and "allergy to any ingredient of study drug" in rule.concept.text


# --- 2. what is written once for a list reaches every item -----------------------------------------


def test_a_history_lead_does_not_stop_the_window_reaching_the_first_item(tagger):
    rule = _rule(tagger, "History of myocardial infarction, stroke or unstable angina within 6 months")
    found = _presences(rule)
    assert rule.type == "any" and len(found) == 3
    assert all(leaf.temporal is not None and leaf.temporal.value == 6 for leaf in found.values())


def test_a_history_set_apart_by_a_comma_keeps_any_age(tagger):
    found = _presences(_rule(tagger, "History of stroke, or myocardial infarction within 6 months"))
    assert found["stroke"].temporal is None and found["myocardial infarction"].temporal is not None


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        (
            "Life-threatening arrhythmia, heart failure or stroke within the past 3 months",
            "Life-threatening arrhythmia",
        ),
        ("Central nervous system metastases", "Central nervous system metastases"),
        ("Use of strong CYP3A4 inhibitors", "strong CYP3A4 inhibitors"),
        ("No prior systemic therapy for advanced stage disease.", "systemic therapy"),
    ],
)
def test_words_that_make_another_concept_stay_on_it(tagger, text, concept):
    assert concept in _presences(_rule(tagger, text))


# --- 3. "None" asks nothing ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["None", "N/A", "Not applicable", "-N/A", "None.", "nil", "No exclusion criteria"])
def test_a_criterion_that_says_there_is_nothing_to_ask_is_vacuous(tagger, text):
    rule = _rule(tagger, text)
    assert (rule.type, rule.reason) == ("unstructured", NOTHING_ASKED) and status_of(rule) == "structured"


@pytest.mark.parametrize("text", ["No other tumors.", "no pregnancy", "None of the above medications"])
def test_a_real_criterion_starting_with_no_is_not_vacuous(tagger, text):
    assert getattr(_rule(tagger, text), "reason", None) != NOTHING_ASKED


def test_an_exclusion_of_none_rules_no_one_out(tagger):
    trial = read_text("Inclusion Criteria:\n* Type 2 diabetes\nExclusion Criteria:\n* None\n", "none.txt", "none")
    structured = structure_trial(trial, tagger)
    patient = Patient(facts=[{"kind": "condition", "text": "type 2 diabetes"}])
    report = check(structured, patient, dt.date(2026, 11, 30), ConceptMatcher())
    assert report.overall == "eligible", [(c.id, c.verdict) for c in report.criteria]


# --- 4. a definition keeps what it defines ----------------------------------------------------------


def test_a_definition_naming_only_its_yardstick_keeps_the_concept(tagger):
    rule = _rule(
        tagger, "mild TBI as defined by the American Congress of Rehabilitation Medicine criteria", "inclusion"
    )
    assert rule.type == "presence" and rule.concept.text == "TBI" and rule.role is None and "mild" in rule.qualifiers


def test_a_graded_concept_is_asked_beside_the_limit_that_grades_it(tagger):
    rule = _rule(tagger, "Mild traumatic brain injury as defined by a GCS of 13-15", "inclusion")
    assert rule.type == "all"
    concept = next(leaf for leaf in leaves(rule) if leaf.type == "presence")
    limit = next(leaf for leaf in leaves(rule) if leaf.type == "comparison")
    assert "traumatic brain injury" in concept.concept.text and concept.role is None
    assert (limit.variable, limit.operator, limit.value, limit.value2) == ("GCS", "between", 13, 15)


def test_a_defined_label_stays_over_its_definition_list(tagger):
    text = "Bone marrow insufficiency defined as neutropenia < 0.5 x 109 cell/L, thrombocytopenia < 30 x 109 cell/L"
    rule = _rule(tagger, text)
    assert rule.type == "all" and rule.args[0].type == "presence" and rule.args[0].role == "defined"
    assert rule.args[1].type == "any"  # either cytopenia, as the exclusion lists them


# --- 5. a bare "for 3 months" is a duration ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("stable weight for 3 months", 3, "mo"), ("Stable dose of metformin for 8 weeks", 8, "wk")],
)
def test_for_a_length_of_time_is_a_duration(tagger, text, value, unit):
    rule = _rule(tagger, text, "inclusion")
    assert rule.type == "presence" and rule.temporal is not None
    t = rule.temporal
    assert (t.measure, t.operator, t.value, t.unit) == ("duration", ">=", value, unit)


def test_for_counts_only_before_a_time_unit():
    assert find_limits("for 2 patients") == [] and find_limits("treated for 10 mg") == []


def test_a_window_after_a_duration_bounds_the_same_use(tagger):
    rule = _rule(tagger, "Use of corticosteroids for 14 days within the last 3 months")
    found = [leaf for leaf in leaves(rule) if leaf.type == "presence"]
    assert rule.type == "all" and all("corticosteroids" in leaf.concept.text for leaf in found)
    assert {leaf.temporal.measure for leaf in found} == {"duration", "window"}


# --- from 20 random ClinicalTrials.gov criteria (seed 2026) -----------------------------------------


def test_an_undertaking_is_promised_not_looked_up(tagger):
    text = (
        "Agree to attempt sexual intercourse at least 4 times per month for the duration of the study without being"
        " under the influence of alcohol or recreational drugs."
    )
    rule = _rule(tagger, text, "inclusion")
    assert rule.type == "unstructured" and rule.reason == "willingness"
    kept = _rule(tagger, "Willing and able to comply with study procedures", "inclusion")
    assert kept.reason == "compliance"  # the reason the lexicon gives stays


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("18 kg/m2 ≤ BMI ≤ 30 kg/m2", (">=", 18.0), ("<=", 30.0)),
        ("1.5 < INR < 3", (">", 1.5), ("<", 3.0)),
        ("30 > BMI > 18", ("<", 30.0), (">", 18.0)),
    ],
)
def test_a_bound_written_before_its_variable_counts(tagger, text, low, high):
    rule = _rule(tagger, text, "inclusion")
    limits = [leaf for leaf in leaves(rule) if leaf.type == "comparison"]
    assert rule.type == "all" and [(c.operator, c.value) for c in limits] == [low, high]
    assert len({c.variable for c in limits}) == 1


def test_a_thing_named_by_the_risk_it_poses_is_for_a_person_with_its_examples(tagger):
    text = (
        "A condition in which repeated blood draws poses more than minimal risk for the subject such as hemophilia,"
        " other severe coagulation disorders or significantly impaired venous access;"
    )
    rule = _rule(tagger, text)
    found = _presences(rule)
    assert found["blood draws"].role == "effect"  # no requirement of its own
    assert found["hemophilia"].role is None and any(leaf.type == "unstructured" for leaf in leaves(rule))


def test_how_long_a_person_cannot_do_something_stays_with_them(tagger):
    rule = _rule(tagger, "unable to sit in a chair without armrests for 2 hours")
    assert (rule.type, rule.reason, rule.negated) == ("unstructured", "ability", True)


def test_a_hyphened_number_of_days_is_an_adjective_not_a_duration():
    assert find_limits("high-risk for 30-day readmission") == []
    assert find_limits("on a stable dose for 30 days")[0].operator == ">="


def test_a_label_defined_by_things_is_asked_over_them(tagger):
    text = (
        "Exhibits dysregulation within the past six months as evidenced by 1) intentional self-injury and/or suicide"
        " attempt and/or 2) substance use disorder."
    )
    rule = _rule(tagger, text, "inclusion")
    assert rule.type == "all" and rule.args[0].type == "presence" and rule.args[0].role is None
    assert rule.args[1].type == "any" and len(rule.args[1].args) == 3


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        (
            "Patients with a history of more than two weeks treatment with immuno-suppressants (including systemic"
            " corticosteroids)",
            {"immuno-suppressants", "systemic corticosteroids"},
        ),
        ("History of at least 2 weeks of treatment with steroids", {"steroids"}),
    ],
)
def test_a_length_of_treatment_bounds_what_was_taken_not_the_history(tagger, text, concepts):
    found = _presences(_rule(tagger, text))
    assert set(found) == concepts  # no leaf named "history" or "treatment"
    assert all(leaf.temporal is not None and leaf.temporal.measure == "duration" for leaf in found.values())


def test_a_quoted_title_is_a_name_not_a_concept(tagger):
    text = (
        "Incompatible Mobile Device: Individuals using older mobile phones that are not compatible with the"
        ' "Value of Health" application will be excluded.'
    )
    rule = _rule(tagger, text)
    assert not [leaf for leaf in leaves(rule) if leaf.type == "presence"]  # no NOT Health
    kept = _rule(tagger, 'Meet criteria for "risky drinking" as defined by study staff', "inclusion")
    assert kept.type == "presence" and kept.concept.text == "risky drinking"  # a quoted term is no title


@pytest.mark.parametrize(
    "text",
    [
        "Any medical condition for which weight loss, dietary restriction, or physical activity is contraindicated",
        "Medications that affect appetite, weight, or sleep",
    ],
)
def test_every_object_of_what_a_thing_does_stays_in_the_phrase(tagger, text):
    rule = _rule(tagger, text)
    asked = [leaf for leaf in leaves(rule) if leaf.type == "presence" and leaf.role is None]
    assert not asked  # "physical activity" is what is contraindicated, not an exclusion of its own
    assert [leaf.reason for leaf in leaves(rule) if leaf.type == "unstructured"] == ["effect"]


def test_a_time_bound_after_an_undertaking_takes_only_its_own_item(tagger):
    text = (
        "Pregnant or lactating women, or for women of childbearing potential unwilling to use a highly-effective"
        " contraception during the study treatment and for at least 7 months after the last dose of study treatment."
    )
    rule = _rule(tagger, text)
    assert rule.type == "any" and "Pregnant" in _presences(rule)  # pregnancy still excludes on its own
