"""Rule trees that mean what the criterion says (issue 18), on real ClinicalTrials.gov and LCT text."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.rules import leaves

# --- a test that finds a concept is how it is found, not a second requirement (nor a drug) ---------


def test_a_heading_naming_how_a_cause_is_found_asks_for_no_drug(tagger):
    rule = rule_of(tagger, "Primarily organic cause diagnosed by Doppler:", "inclusion")
    assert not any(leaf.type == "presence" for leaf in leaves(rule)), rule


@pytest.mark.parametrize(
    ("text", "concept", "test"),
    [
        ("Intracardiac thrombi diagnosed by echocardiography.", "Intracardiac thrombi", "echocardiography"),
        ("hyperplasia diagnosed by endometrial biopsy,", "hyperplasia", "endometrial biopsy"),
    ],
)
def test_the_test_after_diagnosed_by_is_the_concepts_method(tagger, text, concept, test):
    rule = rule_of(tagger, text)
    found = presences(rule)
    assert found[concept].role is None and found[test].role == "method", rule
    assert rule.type == "all", rule  # beside its concept, never an alternative any record of it would meet


def test_a_record_of_the_test_alone_does_not_exclude(tagger):
    facts = [{"kind": "procedure", "text": "echocardiography", "date": "2026-11-01"}]
    assert verdict_of(tagger, "Exclusion", "Intracardiac thrombi diagnosed by echocardiography.", facts) != "met"


# --- unstable angina is unstable, not "uncontrolled" -------------------------------------------------


def test_unstable_angina_keeps_its_own_state(tagger):
    text = (
        "Patients with unstable angina, history of myocardial infarction or coronary artery bypass graft surgery"
        " or percutaneous coronary intervention (eg, angioplasty or stent placement) within 90 days before screening."
    )
    angina = presences(rule_of(tagger, text))["angina"]
    assert "unstable" in angina.qualifiers and "uncontrolled" not in angina.qualifiers, angina


# --- the examples of a category are in its state -----------------------------------------------------


def test_the_examples_of_a_poorly_controlled_category_are_poorly_controlled(tagger):
    found = presences(rule_of(tagger, "Poorly controlled endocrine disorders, such as diabetes, thyroid dysfunction"))
    assert "uncontrolled" in found["diabetes"].qualifiers and "uncontrolled" in found["thyroid dysfunction"].qualifiers


def test_controlled_diabetes_is_not_an_example_of_a_poorly_controlled_disorder(tagger):
    facts = [{"kind": "condition", "text": "well controlled type 2 diabetes mellitus"}]
    criterion = "Poorly controlled endocrine disorders, such as diabetes, thyroid dysfunction"
    assert verdict_of(tagger, "Exclusion", criterion, facts) != "met"


def test_the_examples_of_a_history_are_history(tagger):
    text = (
        "History of or predisposition to priapism (such as sickle cell disease, blood dyscrasias, or multiple myeloma)."
    )
    found = presences(rule_of(tagger, text))
    assert all("history of" in found[name].qualifiers for name in ("sickle cell disease", "multiple myeloma")), found


def test_the_examples_of_a_serious_category_show_what_is_serious(tagger):
    text = (
        "Individuals with serious mental illnesses eg. dementia, schizophrenia disorders, bipolar disorders,"
        " major depression, etc."
    )
    found = presences(rule_of(tagger, text))
    assert not found["dementia"].qualifiers and not found["bipolar disorders"].qualifiers, found


# --- bare modifiers share the head noun of the item they run into ------------------------------------


def test_a_list_of_adjectives_shares_its_head_before_a_clause(tagger):
    text = (
        "Active bacterial, fungal or viral infection not controlled by standard of care anti-microbial or"
        " anti-viral treatment."
    )
    found = presences(rule_of(tagger, text))
    for name in ("bacterial infection", "fungal infection", "viral infection"):
        assert {"current", "uncontrolled"} <= set(found[name].qualifiers), (name, found)


def test_a_list_of_adjectives_unsplit_in_a_sentence_for_a_person_shares_its_head_and_state(tagger):
    text = (
        "Patients with serious neurological, psychological or psychiatric disorders which may affect erectile function."
    )
    found = presences(rule_of(tagger, text))
    assert "severe" in found["neurological disorders"].qualifiers, found
    assert "severe" in found["psychological disorders"].qualifiers, found


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        ("Hepatic or renal impairment.", {"Hepatic impairment", "renal impairment"}),
        ("No serious heart, lung, liver, or kidney disease", {"heart disease", "kidney disease"}),
    ],
)
def test_the_last_item_of_a_list_holds_its_head(tagger, text, concepts):
    assert concepts <= set(presences(rule_of(tagger, text)))


# --- a prolonged use is not any use --------------------------------------------------------------------


def test_a_prolonged_use_keeps_its_length(tagger):
    drug = presences(rule_of(tagger, "Prolonged use of systemic corticosteroids"))["systemic corticosteroids"]
    assert "prolonged" in drug.qualifiers, drug


def test_a_drug_of_unknown_length_does_not_exclude_for_prolonged_use(tagger):
    criterion = "Prolonged use of systemic corticosteroids"
    facts = [{"kind": "drug", "text": "prednisone", "date": "2026-11-01"}]
    assert verdict_of(tagger, "Exclusion", criterion, facts) == "unknown"
    facts = [{"kind": "drug", "text": "long-term prednisone therapy", "date": "2026-11-01"}]
    assert verdict_of(tagger, "Exclusion", criterion, facts) == "met"


# --- a definition in words restates its concept, it adds no leaves -------------------------------------


def test_a_definition_in_words_keeps_only_the_concept_it_defines(tagger):
    text = (
        "Erectile dysfunction, defined as inability to achieve or maintain an erection sufficient for"
        " satisfactory sexual performance"
    )
    rule = rule_of(tagger, text, "inclusion")
    assert set(presences(rule)) == {"Erectile dysfunction"}, rule  # no "erection" a patient would meet it with


def test_a_definition_with_a_limit_is_still_read(tagger):
    text = (
        "Patient must have no discernable preoperative erectile dysfunction, defined as the ability to have"
        " successful penetration on at least 75% of attempts."
    )
    assert any(leaf.type == "comparison" for leaf in leaves(rule_of(tagger, text, "inclusion")))


# --- a site after a concept is part of it, not a second item of the list ------------------------------


def test_a_list_item_with_its_site_stays_one_alternative(tagger):
    text = (
        "History of infertility, vasectomy, testicular mass, testicular trauma, testicular abnormality (including"
        " size), radiation to the testis, previous pelvic surgery, cryotherapy of the prostate, known sperm defect,"
        " or retrograde ejaculation, or cryptorchidism;"
    )
    rule = rule_of(tagger, text)
    assert rule.type == "any" and all(arg.type == "presence" for arg in rule.args), rule
    assert {"radiation to the testis", "cryotherapy of the prostate", "testicular abnormality"} <= set(presences(rule))


# --- a wash-out period is a window on the drugs it is for ----------------------------------------------


@pytest.mark.parametrize(
    ("section", "taken", "verdict"),
    [
        ("Inclusion", "2026-11-20", "not_met"),  # taken 10 days ago: the wash-out is not done
        ("Inclusion", "2026-08-01", "met"),
        ("Exclusion", "2026-11-20", "met"),
        ("Exclusion", "2026-08-01", "not_met"),
    ],
)
def test_a_washout_period_asks_when_the_drug_was_last_taken(tagger, section, taken, verdict):
    facts = [{"kind": "drug", "text": "sertraline", "date": taken}]
    assert verdict_of(tagger, section, "Washout period of 4 weeks for antidepressants", facts) == verdict


def test_a_washout_period_is_no_observation(tagger):
    rule = rule_of(tagger, "Washout period of 4 weeks for antidepressants", "inclusion")
    drug = presences(rule)["antidepressants"]
    assert set(presences(rule)) == {"antidepressants"} and drug.negated, rule
    assert (drug.temporal.operator, drug.temporal.value, drug.temporal.unit) == ("<=", 4.0, "wk")
