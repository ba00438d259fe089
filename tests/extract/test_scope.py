"""Rule trees that mean what the criterion says: examples keep their category, a window or a lead
written once reaches the whole list, "None" asks nothing, a definition keeps what it defines, a bare
"for 3 months" is a duration, an undertaking is promised, and a bound written before its variable
counts. Each test failed before its fix (issue 18)."""

import datetime as dt
import json
import re
from importlib import resources

import pytest

from tests.extract.reading import presences, rule_of
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
    assert {"attachments", "item_tail", "washouts", "purposes"} <= set(lexicon)
    attachments, washouts = lexicon["attachments"], lexicon["washouts"]
    for pattern in (
        *(attachments[k] for k in ("pattern", "not_after", "binds_list", "emphatic_and")),
        *(washouts[k] for k in ("operator", "after", "lasting")),
        lexicon["item_tail"]["pattern"],
        lexicon["purposes"]["pattern"],
    ):
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


@pytest.mark.parametrize(
    "text",
    [
        "History of heart attack, stroke or any life-threatening arrhythmia within the prior 6 months",
        "Have had a stroke or a significant injury to your brain or spinal cord within the last 6 months.",
    ],
)
def test_a_determiner_before_the_last_item_does_not_end_the_list(tagger, text):
    """A Synthea patient's stroke of years ago ruled them out: the window reached only the last item."""
    found = _presences(_rule(tagger, text))
    assert len(found) >= 2 and all(leaf.temporal is not None and leaf.temporal.value == 6 for leaf in found.values())


def test_a_window_in_an_items_own_bracket_stays_on_that_item(tagger):
    """NCT03899298 I4: "(at least 6 months out)" is the infarction's, not COPD's or the neuropathy's."""
    text = "Any of the following conditions: Neuropathy, COPD, Post myocardial infarction (at least 6 months out), "
    found = _presences(_rule(tagger, text + "Cardiomyopathy, Congestive Heart Failure.", "inclusion"))
    assert found["Neuropathy"].temporal is None and found["COPD"].temporal is None
    assert found["Post myocardial infarction"].temporal is not None
    assert {"Cardiomyopathy", "Congestive Heart Failure"} <= set(found)


def test_a_bracketed_window_at_the_end_of_a_list_bounds_the_list(tagger):
    found = _presences(_rule(tagger, "Stroke, or myocardial infarction (within the past 6 months)"))
    assert all(leaf.temporal is not None for leaf in found.values()) and len(found) == 2


def test_a_history_after_a_closed_list_opens_the_windowed_list(tagger):
    """NCT03566914: a Synthea patient's childhood ADD ruled him out: the window stopped at the history."""
    text = (
        "those who had penile implants, clinically noteworthy penile deformities, or a history of psychiatric "
        "disorders, stroke or spinal-cord trauma within 6 months of study onset"
    )
    found = _presences(_rule(tagger, text))
    assert found["psychiatric disorders"].temporal is not None and found["stroke"].temporal is not None
    assert found["penile implants"].temporal is None and found["penile deformities"].temporal is None


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
        ("No prior systemic therapy for advanced stage disease.", "systemic therapy for advanced stage disease"),
        ("Known high-risk hypertension", "high-risk hypertension"),  # NCT06924710: not any hypertension
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
    # NCT04050020 as registered: two undertakings in two sentences; recreational drugs were required
    both = text.replace("per month", "every 4 weeks,") + " Agree to document the outcome in the SEP diary, as needed."
    assert _rule(tagger, both, "inclusion").reason == "willingness"
    mixed = _rule(tagger, "Agree to use contraception. HbA1c > 7%", "inclusion")
    assert any(leaf.type == "comparison" for leaf in leaves(mixed))  # a sentence that asks a fact keeps its reading


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
        # NCT04762082 E5: read as tadalafil, it excluded every patient on it and no one on a nitrate
        "Currently taking any medicines known to conflict with tadalafil;",
        # NCT05037968 E9: read as "calcium metabolism", a condition no record names
        "Receiving treatment with medication interfering with calcium metabolism.",
    ],
)
def test_every_object_of_what_a_thing_does_stays_in_the_phrase(tagger, text):
    rule = _rule(tagger, text)
    asked = [leaf for leaf in leaves(rule) if leaf.type == "presence" and leaf.role is None]
    assert not asked  # "physical activity" is what is contraindicated, not an exclusion of its own
    assert [leaf.reason for leaf in leaves(rule) if leaf.type == "unstructured"] == ["effect"]


def test_a_drug_named_by_what_it_interacts_with_in_a_list_keeps_the_list(tagger):
    """NCT00631969 E11: an item after a comma stays an item of the list ("nitric oxide donors, androgens, ...")."""
    text = (
        "Subjects who are taking nitrates or nitric oxide donors, androgens, anti-androgens, alpha- blockers, "
        "medication known to prolong QT interval, itraconazole or ketoconazole"
    )
    found = _presences(_rule(tagger, text))
    assert {"nitric oxide donors", "androgens", "itraconazole", "ketoconazole"} <= set(found)


def test_a_time_bound_after_an_undertaking_takes_only_its_own_item(tagger):
    text = (
        "Pregnant or lactating women, or for women of childbearing potential unwilling to use a highly-effective"
        " contraception during the study treatment and for at least 7 months after the last dose of study treatment."
    )
    rule = _rule(tagger, text)
    assert rule.type == "any" and "Pregnant" in _presences(rule)  # pregnancy still excludes on its own


# --- what a criterion attaches, a list's own words, wash-outs, asides, purposes ---------------------


def test_an_or_after_with_joins_the_attached_part_not_the_concept(tagger):
    rule = _rule(
        tagger,
        "Patients with chronic suppurative otitis media with total or subtotal tympanic membrane perforation",
        "inclusion",
    )
    assert rule.type == "all", rule
    assert {"chronic suppurative otitis media", "subtotal tympanic membrane perforation"} <= set(_presences(rule))


def test_accompanied_by_attaches_the_whole_list(tagger):
    rule = _rule(tagger, "Acute systemic infection, accompanied by fever, body aches or swollen lymph glands")
    assert rule.type == "all" and rule.args[0].type == "presence", rule
    assert rule.args[0].concept.text == "Acute systemic infection"
    assert rule.args[1].type == "any" and len(rule.args[1].args) == 3


def test_after_a_plain_with_an_or_still_makes_alternatives(tagger):
    rule = _rule(tagger, "patients with uncontrollable oral leaks with MPV or episode of acute respiratory infection")
    assert rule.type == "any", rule


def test_an_and_in_capitals_asks_both_in_an_exclusion(tagger):
    rule = _rule(tagger, "Prior thrombolysis AND thrombectomy")
    assert rule.type == "all", rule
    # contraindications to both are for a person to judge: neither procedure is asked as done
    rule = _rule(tagger, "Absolute contraindications for thrombolysis AND thrombectomy")
    assert {leaf.role for leaf in leaves(rule) if leaf.type == "presence"} == {"contraindicated"}, rule


def test_an_item_with_words_of_its_own_stays_an_alternative_and_takes_the_window(tagger):
    text = "OMM from a licensed physician, chiropractic treatment, or massage therapy within 30 days"
    rule = _rule(tagger, text)
    found = _presences(rule)
    assert rule.type == "any" and set(found) == {"OMM", "chiropractic treatment", "massage therapy"}, rule
    assert all(leaf.temporal is not None and leaf.temporal.value == 30 for leaf in found.values())


def test_a_duration_after_a_list_bounds_every_item(tagger):
    rule = _rule(tagger, "Treatment with methotrexate or mycophenolate mofetil for at least 3 months", "inclusion")
    found = _presences(rule)
    assert rule.type == "any" and len(found) == 2, rule
    assert all(leaf.temporal.measure == "duration" and leaf.temporal.value == 3 for leaf in found.values())


@pytest.mark.parametrize(
    "text", ["Use of NSAIDs for 30 days prior to screening", "Corticosteroids for 14 days prior to the first dose"]
)
def test_for_a_length_of_time_before_the_study_is_a_washout_window(tagger, text):
    found = [leaf for leaf in leaves(_rule(tagger, text)) if leaf.type == "presence" and leaf.temporal]
    assert found, text
    t = found[0].temporal
    assert (t.measure, t.direction, t.operator) == ("window", "past", "<=")


def test_a_stable_dose_for_a_length_of_time_before_the_study_stays_a_duration(tagger):
    rule = _rule(tagger, "On a stable dose of metformin for 30 days prior to screening", "inclusion")
    assert rule.type == "presence" and rule.temporal.measure == "duration" and rule.temporal.operator == ">="


def test_what_the_site_does_if_so_asks_nothing(tagger):
    rule = _rule(tagger, "Current use of anticoagulants (if yes hold for 6 weeks)")
    assert not any(getattr(leaf, "temporal", None) for leaf in leaves(rule)), rule
    assert "anticoagulants" in _presences(rule)


def test_what_a_therapy_was_given_for_stays_on_it(tagger):
    rule = _rule(tagger, "Prior systemic therapy for advanced stage disease")
    assert rule.type == "presence" and rule.concept.text == "systemic therapy for advanced stage disease", rule


def _verdict(tagger, section: str, criterion: str, facts: list[dict]) -> str:
    trial = read_text(f"{section} Criteria:\n* {criterion}\n", "one.txt", "one")
    report = check(structure_trial(trial, tagger), Patient(facts=facts), dt.date(2026, 11, 30), ConceptMatcher())
    return report.criteria[0].verdict


def test_a_recent_first_alternative_alone_excludes(tagger):
    text = "OMM from a licensed physician, chiropractic treatment, or massage therapy within 30 days"
    assert _verdict(tagger, "Exclusion", text, [{"kind": "procedure", "text": "OMM", "date": "2026-11-20"}]) == "met"


def test_a_drug_taken_days_before_a_washout_excludes(tagger):
    facts = [{"kind": "drug", "text": "NSAIDs", "date": "2026-11-25"}]
    assert _verdict(tagger, "Exclusion", "Use of NSAIDs for 30 days prior to screening", facts) == "met"


def test_a_therapy_of_unknown_purpose_does_not_exclude_outright(tagger):
    facts = [{"kind": "procedure", "text": "systemic therapy", "date": "2020-01-01"}]
    assert _verdict(tagger, "Exclusion", "Prior systemic therapy for advanced stage disease", facts) == "unknown"


def test_alternatives_in_brackets_join_their_concept_before_what_follows(tagger):
    text = (
        "All patients with suspected newly diagnosed glioma (grade I, II, III or glioblastoma) with planned"
        " surgical intervention"
    )
    rule = _rule(tagger, text, "inclusion")
    assert rule.type == "all", rule
    assert rule.args[0].type == "any" and {a.concept.text for a in rule.args[0].args} == {"glioma", "glioblastoma"}


@pytest.mark.parametrize(
    "text",
    [
        "Severe pulmonary arterial hypertension and bidirectional or right-to-left shunting",
        "Knee osteoarthritis of the medial or lateral compartment and chronic knee pain",
    ],
)
def test_an_or_between_words_of_the_gap_leaves_the_written_and_to_join(tagger, text):
    rule = _rule(tagger, text, "inclusion")
    assert rule.type == "all" and len(_presences(rule)) == 2, rule


# --- issue 18, real criteria: a list's leading state, untagged categories, methods, the record ---------


def test_a_leading_state_reaches_every_item_of_the_list(tagger):
    rule = _rule(tagger, "Known active hepatitis B and/or hepatitis C infection")
    found = _presences(rule)
    assert rule.type == "any" and set(found) == {"hepatitis B", "hepatitis C infection"}, rule
    assert all("current" in leaf.qualifiers for leaf in found.values())  # a cured hepatitis C is not active


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("Type 1 diabetes or hypertension", "hypertension"),  # a word that makes the concept stays on it
        ("Any serious medical condition (e.g. severe asthma, cancer)", "cancer"),  # a later example's own state
        ("Subject has uncontrolled hypertension or untreated hypertension.", "untreated hypertension"),
        ("chronic lung disease, and thyroid dysfunction,", "thyroid dysfunction"),  # "chronic" names diseases
    ],
)
def test_what_is_not_a_leading_state_stays_on_its_item(tagger, text, own):
    found = _presences(_rule(tagger, text))
    assert own in found and not found[own].qualifiers, found


def test_a_history_written_once_reaches_a_resolved_item(tagger):
    facts = [
        {"kind": "condition", "text": "myocardial infarction", "date": "2015-01-01"},
        {"kind": "condition", "text": "myocardial infarction", "date": "2015-06-01", "present": False},
    ]
    assert _verdict(tagger, "Exclusion", "History of stroke or myocardial infarction", facts) == "met"


def test_an_untagged_category_stays_beside_its_examples(tagger):
    text = (
        "Any unstable systemic disease (eg, active infection, uncontrolled hypertension, unstable angina,"
        " congestive heart failure)"
    )
    rule = _rule(tagger, text)
    found = _presences(rule)
    assert rule.type == "any" and all(arg.type == "presence" for arg in rule.args), rule
    assert {"systemic disease", "infection", "hypertension", "angina", "congestive heart failure"} == set(found)
    assert found["systemic disease"].qualifiers == ["unstable"]
    assert "unstable" not in found["infection"].qualifiers  # no longer lent to the first example


def test_a_denied_category_denies_its_examples_too(tagger):
    rule = _rule(tagger, "No other serious diseases(autoimmune disease, immunodeficiency etc.).", "inclusion")
    assert rule.type == "not" and rule.args[0].type == "any", rule
    assert {"autoimmune disease", "immunodeficiency"} < set(_presences(rule))
    assert not any(leaf.negated for leaf in leaves(rule))


def test_tests_in_brackets_after_a_test_word_say_how_it_is_found(tagger):
    text = (
        "Imaging (CT or MRI) shows that the tumor focus is ≤ 5 mm from the large blood vessels, or there is a"
        " central type tumor"
    )
    rule = _rule(tagger, text)
    asked = [leaf for leaf in leaves(rule) if leaf.type != "presence" or leaf.role is None]
    assert sorted(leaf.type for leaf in asked) == ["comparison", "presence"], rule
    assert {leaf.concept.text for leaf in asked if leaf.type == "presence"} == {"central type tumor"}
    assert "MRI" in {leaf.concept.text for leaf in leaves(rule) if leaf.type == "presence" and leaf.role == "method"}


def test_a_statement_about_the_record_is_for_review(tagger):
    rule = _rule(tagger, "The relevant control imaging data and clinical data were not available")
    assert rule.type == "unstructured" and rule.reason == "record", rule


def test_a_procedure_on_an_organ_is_a_procedure_not_the_organ(tagger):
    found = _presences(_rule(tagger, "invasive treatment of prostate gland"))
    assert list(found) == ["invasive treatment of prostate gland"], found
    assert found["invasive treatment of prostate gland"].concept.kind == "procedure"


def test_a_state_in_a_relative_clause_qualifies_its_head_and_its_examples(tagger):
    text = "Active sleep disorder which is not treated (obstructive sleep apnea, obesity hypoventilation syndrome)"
    rule = _rule(tagger, text)
    assert rule.type == "any" and not any(leaf.negated for leaf in leaves(rule)), rule
    assert set(_presences(rule)) == {
        "untreated sleep disorder",
        "untreated obstructive sleep apnea",
        "untreated obesity hypoventilation syndrome",
    }


# --- from 15 random ClinicalTrials.gov criteria (seed 4177) -----------------------------------------


def test_a_window_without_the_bounds_the_history(tagger):
    rule = _rule(tagger, "Diabetic ketoacidosis (DKA) and/or recent history of DKA in last 3 months")
    assert all(leaf.temporal is not None and leaf.temporal.value == 3 for leaf in leaves(rule)), rule


def test_a_condition_exacerbated_by_a_procedure_is_for_review(tagger):
    text = (
        "Patients with pre-existing medical conditions that might be exacerbated by the procedure of obtaining"
        " bone marrow or blood"
    )
    rule = _rule(tagger, text)
    assert [leaf.reason for leaf in leaves(rule) if leaf.type == "unstructured"] == ["effect"], rule
    assert all(leaf.role == "effect" for leaf in leaves(rule) if leaf.type == "presence")


def test_lead_words_before_a_limit_make_no_review_leaf(tagger):
    rule = _rule(tagger, "Is currently treated with more than two antipsychotic medications.")
    assert not any(leaf.type == "unstructured" for leaf in leaves(rule)), rule


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Paget's disease at involved segment or metastasis to the vertebra", "metastasis to the vertebra"),
        ("Severe chronic liver disease or liver function abnormalities", "liver function abnormalities"),
    ],
)
def test_a_site_or_a_finding_head_stays_on_its_concept(tagger, text, concept):
    assert concept in _presences(_rule(tagger, text))


def test_a_minor_is_an_age(tagger):
    rule = _rule(tagger, "Minor")
    assert (rule.type, rule.attribute, rule.operator, rule.value, rule.unit) == ("demographic", "age", "<", 18, "a")


def test_the_therapy_that_links_a_drug_to_its_purpose_is_no_procedure(tagger):
    rule = _rule(tagger, "History of consistent treatment failure with PDE5 inhibitors for therapy of ED.")
    assert "therapy" not in _presences(rule), rule


def test_an_or_between_words_of_the_gap_leaves_the_and_to_join_the_items(tagger):
    rule = _rule(
        tagger, "  -  ASD with severe pulmonary arterial hypertension and bidirectional or right-to-left shunting."
    )
    assert rule.type == "all" and {"pulmonary arterial hypertension", "shunting"} <= set(_presences(rule)), rule


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("History of in last 6 months stroke, myocard infarction, cardiac insufficiency", 3),
        ("Within 6 months prior to screening, stroke or MI", 2),
        ("Within the past 6 months: myocardial infarction, stroke, or unstable angina", 3),
        ("Recent history (within 6 months) of myocardial infarction (MI), stenting, or cerebrovascular accident", 3),
    ],
)
def test_a_window_written_before_a_list_bounds_each_item(tagger, text, items):
    """A 1997 infarction met "History of in last 6 months stroke, myocard infarction, ..."."""
    found = presences(rule_of(tagger, text))
    assert len(found) == items and all(leaf.temporal is not None for leaf in found.values())


def test_a_window_before_a_list_stops_at_its_end(tagger):
    found = presences(rule_of(tagger, "In the last 3 months, use of antibiotics; diabetes"))
    assert found["antibiotics"].temporal is not None and found["diabetes"].temporal is None


def test_a_window_after_a_list_passes_over_an_items_exception(tagger):
    """A 1997 infarction met "History of MI, stroke, ... ischaemia (except stable angina), or ... within 6 months"."""
    text = (
        "History of myocardial infarction, stroke, electrocardiographic ischaemia (except stable angina), "
        "or life-threatening arrhythmia within the prior 6 months."
    )
    found = presences(rule_of(tagger, text))
    assert all(found[name].temporal is not None for name in ("myocardial infarction", "stroke"))
    assert found["angina"].temporal is None


def test_a_sentence_saying_what_information_to_send_asks_nothing(tagger):
    """NCT05896748 E17.2: a Synthea patient's fetal ultrasound met "results from any ... ultrasound"."""
    text = (
        "HCV is not advanced, and will not require treatment prior to the Week 48 visit. Additional information "
        "(where available) on participants with HCV co-infection at screening should include results from any liver "
        "biopsy, fibroscan, ultrasound, or other fibrosis evaluation."
    )
    names = set(_presences(_rule(tagger, text)))
    assert "HCV" in names and not {"ultrasound", "liver biopsy", "fibroscan"} & names


def test_a_sentence_saying_why_the_conditions_are_excluded_asks_nothing(tagger):
    """ClinicalTrials.gov NCT05578157: the reason became a requirement beside diabetes, and Synthea
    diabetics were no longer excluded."""
    text = (
        "(History of) sickle cell aneamia, atherosclerosis and diabetes type I or II. These conditions might "
        "influence penile blood circulation and therefore the accuracy of the study outcomes."
    )
    rule = _rule(tagger, text)
    assert rule.type == "any" and "penile blood circulation" not in set(_presences(rule)), rule


@pytest.mark.parametrize(
    ("text", "section", "kept", "gone"),
    [
        (  # NCT04544683 I4: "degenerative" became a requirement of every patient
            "MRI shows a one level cervical disc herniation or degenerative foraminal stenosis, with or without "
            "neurological deficits. MRI may show degenerative changes at other levels.",
            "inclusion",
            "cervical disc herniation",
            "degenerative",
        ),
        (  # NCT00769041 E6: the monitor's "Medical" was a procedure AND-ed over every disease listed
            "Subjects who have evidence or history of clinically significant allergic (except for untreated, "
            "asymptomatic, seasonal allergies at time of dosing), hematological, endocrine,pulmonary, "
            "gastrointestinal, cardiovascular, hepatic, psychiatric, or neurological disease. Exceptions to these "
            "criteria (eg, stable, mild joint disease) may be made following discussions with the Medical Monitor.",
            "exclusion",
            "hepatic disease",
            "Medical",
        ),
    ],
)
def test_a_sentence_that_allows_what_may_be_seen_or_waived_asks_nothing(tagger, text, section, kept, gone):
    rule = _rule(tagger, text, section)
    names = set(_presences(rule))
    assert kept in names and gone not in names, rule
    if section == "exclusion":  # each disease excludes on its own
        assert not [a for a in rule.args if a.type == "all" and "hepatic disease" in set(_presences(a))], rule


def test_a_preference_is_no_requirement(tagger):
    """NCT04170790 I6: "should preferably be non-smokers" was a hard NOT smoker."""
    text = (
        "The subjects should be without known history of alcohol or drug abuse problems and should preferably be "
        "non-smokers."
    )
    names = set(_presences(_rule(tagger, text, "inclusion")))
    assert "drug abuse problems" in names and not any("smok" in name for name in names)


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        # NCT03159546 E1: "disinfect" was an allergy AND-ed over both allergies
        ("Subject has known allergy to medical grade adhesive or isopropyl alcohol used to disinfect skin.", "disinf"),
        ("Known allergy to iodine or to the anaesthetics used during the procedure", "procedure"),
    ],
)
def test_what_a_thing_is_used_for_is_no_leaf(tagger, text, gone):
    rule = _rule(tagger, text)
    assert rule.type == "any" and not [name for name in _presences(rule) if gone in name.lower()], rule


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Recent change in dose of medications used to treat MASH (e.g., vitamin E)", "MASH"),
        # after a bare class word the purpose is all that names the thing
        ("Devices used to monitor glucose continuously", "glucose"),
    ],
)
def test_what_a_drug_is_used_to_treat_stays_read(tagger, text, kept):
    found = _presences(_rule(tagger, text))
    assert kept in " ".join(found), found


def test_how_often_a_finding_is_seen_in_words_is_no_leaf(tagger):
    """NCT03518983 E11: "once" became a review and "more times/week" a condition AND-ed to the limit."""
    text = (
        "Uncontrolled diabetes mellitus with glucose >200 mg/dL (once or more times/week during the last month "
        "prior to recruitment, or during screening blood test)."
    )
    rule = _rule(tagger, text)
    assert [leaf.type for leaf in leaves(rule)] == ["presence", "comparison"], rule
    assert next(leaf for leaf in leaves(rule) if leaf.type == "comparison").temporal is not None


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        (  # NCT05397184 E11: antifungal and antiviral therapy became requirements
            "Active bacterial, fungal or viral infection not controlled by standard of care treatment. Uncontrolled "
            "bacteraemia/ fungaemia is defined as the ongoing detection of bacteria/fungus on blood cultures despite "
            "antibiotic or antifungal therapy.",
            "bacterial infection",
            "antifungal therapy",
        ),
        (  # NCT05105490 E15: "expulsion" was AND-ed to the herniation, which no record holds
            "Patient has a significant disc herniation at the level to be treated. Significant is defined as a large "
            "extruded herniation that creates a risk for expulsion.",
            "disc herniation",
            "expulsion",
        ),
    ],
)
def test_a_later_sentence_that_defines_a_word_asks_nothing(tagger, text, kept, gone):
    names = set(_presences(_rule(tagger, text)))
    assert kept in names and gone not in names, names


def test_a_later_definition_with_a_limit_is_still_read(tagger):
    text = "Has uncontrolled diabetes. Uncontrolled diabetes is defined as hemoglobin A1c (HbA1c) >= 8%."
    assert any(leaf.type == "comparison" for leaf in leaves(_rule(tagger, text)))


def test_a_risk_a_patient_is_likely_to_run_is_no_finding_over_the_list(tagger):
    """NCT05240586 E6: "likely to be infected" was AND-ed over the anticoagulant, which then excluded no one."""
    text = "Hemorrhagic disease, taking anticoagulant drug, or severe diabetes patients who are likely to be infected"
    rule = _rule(tagger, text)
    gated = [a for a in rule.args if a.type == "all" and "anticoagulant drug" in set(_presences(a))]
    assert rule.type == "any" and "anticoagulant drug" in set(_presences(rule)) and not gated, rule
