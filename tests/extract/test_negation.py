"""Negation in rule trees, on real criteria from LCT's train and valid trials (issue 18): what a cue
denies, how far it reaches, and cues that deny nothing. A leaf's polarity is its ``negated`` flag
flipped by each ``not`` above it."""

import datetime as dt

import pytest

from tests.extract.reading import presences, rule_of
from trialsieve.extract.relations import default_model
from trialsieve.extract.structure import structure_text
from trialsieve.rules import NO_CONCEPT, leaves


def _rule(tagger, text: str, section: str = "exclusion"):
    return structure_text(text, section, tagger.tag([text])[0], default_model()).rule


def _polarities(rule, nots: int = 0) -> dict[str, bool]:
    """Each presence leaf's concept words and whether the tree asks it absent."""
    if rule.type in ("all", "any", "not", "at_least"):
        found: dict[str, bool] = {}
        for arg in rule.args:
            found |= _polarities(arg, nots + (rule.type == "not"))
        return found
    return {rule.concept.text: rule.negated != (nots % 2 == 1)} if rule.type == "presence" else {}


@pytest.mark.parametrize(
    "text",
    [
        "  -  No systemic disease.",
        "  -  No medication",
        "  -  Free of chronic disease or",
        "  -  Free from drug treatment until 24 hours before the experiment session",
        "  -  Not receiving any drugs affecting the data obtained",
        "  -  Not registered for antenatal care at the local governmental clinic",
    ],
)
def test_a_review_leaf_keeps_the_polarity_its_words_state(tagger, text):
    rule = _rule(tagger, text, "inclusion")
    assert rule.type == "unstructured" and rule.reason == NO_CONCEPT
    assert rule.negated  # the words ask for the lack of what they name


def test_a_review_leafs_polarity_changes_no_verdict(tagger):
    from trialsieve.match.concepts import ConceptMatcher
    from trialsieve.match.patient import Patient
    from trialsieve.match.verdicts import Judge

    text = "  -  No systemic disease."
    rule = _rule(tagger, text, "inclusion")
    judge = Judge(Patient(id="p", age=40, sex="female"), dt.date(2026, 11, 30), ConceptMatcher(), presume=True)
    affirmed = rule.model_copy(update={"negated": False})
    assert judge.rule(rule, text, "inclusion")[0] == judge.rule(affirmed, text, "inclusion")[0]


@pytest.mark.parametrize(
    ("text", "section", "concept"),
    [
        ("  -  Non-smoking (assessed by Health History Questionnaire)", "inclusion", "smoking"),
        (
            "  -  Women will be either surgically sterilized or non-pregnant as determined by a urine pregnancy test",
            "inclusion",
            "pregnant",
        ),
        ("  -  Non-smokers.", "inclusion", "smokers"),
    ],
)
def test_non_denies_a_state_that_ends_its_phrase(tagger, text, section, concept):
    assert _polarities(_rule(tagger, text, section))[concept] is True


@pytest.mark.parametrize(
    "text",
    [
        "  -  Diagnosis of non-small cell lung cancer",
        "  -  Non-alcoholic fatty liver disease",
        "  -  Vascular lesions in diabetic and nondiabetic arterial occlusive disease",
        "  -  non-Hodgkin lymphoma",
    ],
)
def test_non_in_a_name_denies_nothing(tagger, text):
    assert not any(_polarities(_rule(tagger, text)).values())


def test_non_denies_its_own_word_in_a_list_and_a_category_its_examples(tagger):
    assert _polarities(_rule(tagger, "  -  Non-ambulatory or have severely impaired mobility,")) == {
        "ambulatory": True,
        "impaired mobility": False,
    }
    found = _polarities(
        _rule(tagger, "  -  Non-smoker (including the use of vaporisers and e-cigarettes)", "inclusion")
    )
    assert found["smoker"] and found["vaporisers"] and found["e-cigarettes"]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("  -  Failure to thrive", "Failure to thrive"),  # a condition's name
        ("  -  Failure to control seizures despite 2 or more anti-seizure medications", "seizures"),
        ("  -  Non-ambulatory, i.e., unable to walk without assistance of another person.", "unable to walk"),
    ],
)
def test_a_cue_that_names_or_fails_denies_nothing(tagger, text, concept):
    assert _polarities(_rule(tagger, text))[concept] is False


def test_a_negation_after_who_it_is_about_denies_the_list(tagger):
    rule = _rule(tagger, "  -  Subject without a major hearing or visual impairment;", "inclusion")
    assert rule.type == "not" and _polarities(rule) == {"visual impairment": True}
    (review,) = [leaf for leaf in leaves(rule) if leaf.type == "unstructured"]
    assert not review.negated  # the "without" is the one above the list


def test_a_negation_above_a_list_is_not_read_twice(tagger):
    text = (
        "  -  No neurological (including dementia diagnosis) or severe psychiatric (e.g., schizophrenia or "
        "bipolar disorder) disorders"
    )
    found = _polarities(_rule(tagger, text, "inclusion"))
    assert found and all(found.values())  # every concept, the examples too, is asked absent


def test_what_a_condition_prevents_is_marked_so_and_asks_nothing(tagger):
    rule = _rule(tagger, "  -  musculo-skeletal disability that would preclude exercise")
    (effect,) = [leaf for leaf in leaves(rule) if leaf.type == "presence"]
    assert effect.concept.text == "exercise" and effect.role == "effect" and effect.negated
    text = (
        "  -  History of psychiatric disease (schizophrenia) or communication barriers that prevent normal "
        "communication before childbirth;"
    )
    effects = {
        leaf.concept.text: leaf.negated for leaf in leaves(_rule(tagger, text)) if leaf.type == "presence" and leaf.role
    }
    assert effects == {"communication": True, "childbirth": False}  # the first thing after the cue


def test_words_that_exclude_deny_nothing(tagger):
    text = (
        "  -  Will be excluded from study subjects with history of cancer, unstable cardiovascular disease, "
        "uncontrolled hypertension"
    )
    found = _polarities(_rule(tagger, text))
    assert found and not any(found.values())


def test_a_naive_suffix_denies_the_concept_it_ends(tagger):
    text = (
        "  -  1.Histologically confirmed pancreatic adenocarcinoma 2.Locally advanced or metastatic PC "
        "3.Chemotherapy-naïve 4.ECOG performance status of 0 or 1"
    )
    assert _polarities(_rule(tagger, text, "inclusion"))["Chemotherapy"] is True


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("  -  Inability to provide consent because of severe mental disorders", "mental disorders"),
        ("  -  Unable to answer the questions due to a cognitive impairment", "cognitive impairment"),
    ],
)
def test_what_a_lack_is_put_down_to_is_asked_present(tagger, text, cause):
    rule = _rule(tagger, text)
    assert rule.type == "all" and _polarities(rule) == {cause: False}
    (review,) = [leaf for leaf in leaves(rule) if leaf.type == "unstructured"]
    assert review.negated  # the lack itself is still what the review leaf asks about


@pytest.mark.parametrize(
    ("text", "joined", "holders"),
    [
        (
            "  2. Mental condition rendering the patients unable to understand the nature and scope of the study.",
            "all",
            {"Mental condition"},
        ),
        (
            "  6. Patients diagnosed with mental abnormalities who are unable to complete the questionnaire.",
            "all",
            {"mental abnormalities"},
        ),
        ("  5. blind, deaf, unable to speak English, or", "any", {"blind", "deaf"}),  # one more item of a list
        (
            " 13. Patients with altered mental status/inability to provide informed consent",
            "any",
            {"altered mental status"},
        ),
    ],
)
def test_what_is_named_before_a_lack_is_there(tagger, text, joined, holders):
    rule = _rule(tagger, text)
    assert rule.type == joined and _polarities(rule) == dict.fromkeys(holders, False), rule
    (review,) = [leaf for leaf in leaves(rule) if leaf.type == "unstructured"]
    assert review.negated  # the lack itself is still what the review leaf asks about


@pytest.mark.parametrize(
    ("text", "section", "test", "finding"),
    [
        (
            "  -  Subjects who no radiographic evidence of lung nodules or who are unwilling/unable to provide "
            "informed consent",
            "exclusion",
            "radiographic",
            "lung nodules",
        ),
        (
            "            1. Absence of electrocardiographic signs of myocardial ischemia",
            "inclusion",
            "electrocardiographic",
            "myocardial ischemia",
        ),
    ],
)
def test_a_no_before_a_test_and_its_finding_denies_the_finding(tagger, text, section, test, finding):
    rule = _rule(tagger, text, section)
    found = {leaf.concept.text: leaf for leaf in leaves(rule) if leaf.type == "presence"}
    assert found[test].role == "method" and not found[test].negated, rule  # how it is found asks nothing
    assert _polarities(rule)[finding] is True


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        (
            "  4. Any non-cancer systemic therapy associated with molecularly targeted immune modulation, e.g., "
            "monoclonal antibodies.",
            "non-cancer systemic therapy",
        ),
        ("  2. Diagnosis of Non-AD Dementia", "Non-AD Dementia"),
    ],
)
def test_non_before_a_further_noun_names_a_kind(tagger, text, concept):
    found = _polarities(_rule(tagger, text))
    assert found.get(concept) is False and not any(found.values()), found


def test_non_before_a_person_denies_its_word(tagger):
    text = "  -  Dialysis or non-dialysis patients with chronic renal insufficiency with a GFR < 20ml / min"
    found = _polarities(_rule(tagger, text, "inclusion"))
    assert sorted(v for k, v in found.items() if "dialysis" in k.lower()) == [False, True], found


@pytest.mark.parametrize(
    ("text", "section", "concept"),
    [
        ("  -  HIV-negative", "inclusion", "HIV"),
        ("  -  Confirmed HIV-uninfected status", "inclusion", "HIV"),
        ("  -  Hepatitis B surface antigen negative", "inclusion", "Hepatitis B surface antigen"),
        ("  -  Seizure-free for at least 6 months", "inclusion", "Seizure"),
        ("  -  > 8 consecutive weeks of seizure freedom during the 12 weeks before screening", "exclusion", "seizure"),
        ("  -  Cancer free for at least 5 years", "inclusion", "Cancer"),
        ("  -  EGFR-negative, ALK-negative NSCLC", "inclusion", "EGFR"),
    ],
)
def test_a_denial_written_after_its_concept_denies_it(tagger, text, section, concept):
    assert _polarities(_rule(tagger, text, section))[concept] is True


@pytest.mark.parametrize(
    "text",
    [
        "  -  HER2-negative breast cancer",  # a kind of breast cancer
        "  -  Progression-free survival of at least 6 months",  # a measure
        "  -  Tumor-free margins",
        "  -  Patients with diabetes free of complications",  # the "free of" is the complications'
    ],
)
def test_a_denial_word_before_a_noun_or_what_it_governs_denies_no_concept_before_it(tagger, text):
    found = _polarities(_rule(tagger, text, "inclusion"))
    assert not any(polarity for name, polarity in found.items() if "complications" not in name)


def test_a_negative_test_is_still_read_as_the_state_it_tests_for(tagger):
    found = _polarities(_rule(tagger, "  -  Urine pregnancy test negative", "inclusion"))
    assert found == {"pregnancy": True, "Urine pregnancy test": False}


@pytest.mark.parametrize(
    ("text", "state"),
    [  # NCT03510338 E24, NCT06062823 E18: any record of the test, a negative one included, excluded
        ("Subject has a positive urine cotinine test at screening.", "tobacco use"),
        ("Females who are pregnant or breastfeeding or have a positive serum pregnancy test.", "pregnancy"),
    ],
)
def test_a_positive_test_is_the_state_it_tests_for(tagger, text, state):
    found = presences(rule_of(tagger, text))
    tests = [leaf for name, leaf in found.items() if "test" in name]
    assert found[state].negated is False and found[state].role is None, found
    assert tests and all(leaf.role == "method" for leaf in tests), found


@pytest.mark.parametrize(
    ("section", "text", "result"),
    [  # NCT01698684 E11, NCT02390960 E24, NCT06569069 I1: any record of the test, whatever its result, decided
        ("exclusion", "Positive urine drug screen", "positive result"),
        ("exclusion", "Positive alcohol breath test at screening.", "positive result"),
        ("exclusion", "Positive urine drug test or positive urine alcohol test", "positive result"),
        ("inclusion", "Positive Bragard test", "positive result"),
        ("inclusion", "Negative maximum exercise test", "negative result"),
    ],
)
def test_a_test_of_no_known_state_asks_for_its_result(tagger, section, text, result):
    tests = [leaf for leaf in leaves(_rule(tagger, text, section)) if leaf.type == "presence"]
    assert tests and all(result in leaf.qualifiers for leaf in tests)


def test_a_recorded_test_without_its_result_does_not_rule_out(tagger):
    from tests.extract.reading import verdict_of

    screen = [{"kind": "observation", "text": "Urine drug screen", "date": "2026-11-20"}]
    assert verdict_of(tagger, "Exclusion", "Positive urine drug screen", screen) == "unknown"
    assert verdict_of(tagger, "Exclusion", "Positive urine drug screen", [], presume=True) == "not_met"


def test_an_hiv_negative_inclusion_rules_out_the_patient_with_hiv(tagger):
    from tests.extract.reading import verdict_of

    hiv = [{"kind": "condition", "text": "HIV infection", "date": "2020-01-01"}]
    assert verdict_of(tagger, "Inclusion", "HIV-negative", hiv) == "not_met"
    assert verdict_of(tagger, "Inclusion", "HIV-negative", [], presume=True) == "met"


def test_not_limited_to_gives_examples_it_does_not_deny_them(tagger):
    """A criterion "(not limited to CTLA-4 inhibitors ...)" excludes a patient given a CTLA-4 inhibitor."""
    text = (
        "Any prior treatment of antibody/drug that targets T-cell coregulatory proteins "
        "(not limited to CTLA-4 inhibitors or other agents targeting T cells)."
    )
    found = presences(rule_of(tagger, text))
    assert not found["CTLA-4 inhibitors"].negated
    assert "not" not in {r.type for r in _walk(rule_of(tagger, text))}


def _walk(rule):
    yield rule
    for arg in getattr(rule, "args", []):
        yield from _walk(arg)


@pytest.mark.parametrize(
    "text",
    [
        "Not on beta-blockers, or on a stable dose of beta-blockers for at least 6 weeks",
        "not on metformin or on a stable dose of insulin",
    ],
)
def test_a_denial_stops_at_an_item_that_says_its_own_state(tagger, text):
    """NCT03566914 I8: "not on beta-blocker or on a stable dose of beta-blocker" had denied both, so a
    patient stable on metoprolol for years failed the inclusion."""
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "any" and rule.args[0].negated and not rule.args[1].negated


@pytest.mark.parametrize(("text", "drug"), [("on insulin", "insulin"), ("not on metformin or on insulin", "insulin")])
def test_on_a_drug_is_taking_it_not_how_something_is_measured(tagger, text, drug):
    """ "on" opens a how-measured phrase ("on MRI"); before a drug it says the drug is taken, and the
    insulin had been dropped."""
    assert drug in presences(rule_of(tagger, text, "inclusion"))


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        # ClinicalTrials.gov NCT05052879: the tagger read "predispose" as a cue, so every patient without
        # priapism was excluded
        ("Participants with conditions that may predispose them to priapism;", "priapism"),
        # ClinicalTrials.gov NCT03828656 / NCT04040387: "out of" denies nothing here
        ("Acting out of dreams prior to PTSD trauma", "dreams"),
        # the logic model denied the last drug of a long list with no word for a denial anywhere
        (
            "In all subjects, any individuals on oral, injected, inhaled or topical corticosteroids or insulin.",
            "insulin",
        ),
    ],
)
def test_no_denial_without_a_word_for_one(tagger, text, concept):
    assert _polarities(_rule(tagger, text))[concept] is False


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Patients free of cancer", "cancer"),
        ("Patients who have stopped smoking", "smoking"),
    ],
)
def test_a_word_for_a_denial_still_lets_it_stand(tagger, text, concept):
    polarities = _polarities(_rule(tagger, text, "inclusion"))
    assert any(denied for name, denied in polarities.items() if concept.lower() in name.lower()), polarities


def test_could_not_stop_using_is_no_denial_of_what_is_used(tagger):
    # NCT05976503: "could not stop using any tobacco products" was not(tobacco), and excluded every non-user
    text = (
        "Smokers who have smoked more than 5 cigarettes per day in the 3 months before screening or could not stop "
        "using any tobacco products during the test;"
    )
    polarity = _polarities(_rule(tagger, text))
    assert not any(denied for denied in polarity.values()), polarity
    assert any(leaf.type == "unstructured" and leaf.reason == "ability" for leaf in leaves(_rule(tagger, text)))


def test_failure_to_meet_the_criteria_for_a_disease_denies_it(tagger):
    """NCT05521061 E2 ("Failure to meet the diagnostic criteria for T1DM"): read as the disease's presence,
    the exclusion ruled out the very patients the trial is for. "Failure to thrive" still names a condition."""
    found = presences(rule_of(tagger, "Failure to meet the diagnostic criteria for type 1 diabetes"))
    assert found["type 1 diabetes"].negated, found
    assert not presences(rule_of(tagger, "Failure to thrive", "inclusion"))["Failure to thrive"].negated
