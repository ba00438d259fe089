"""Words around a phrase that say what it is: a thing named by what it does keeps that reading when
its examples hold a reason of their own, a concept modifier before a list of shared-head items holds
of every item, "duration" after a time names nothing, and "The male subjects who were" names the sex.
Each case is a real ClinicalTrials.gov criterion; each test failed before its fix (issue 18)."""

import datetime as dt

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.extract.ingest import read_text
from trialsieve.extract.structure import structure_trial
from trialsieve.match.patient import Fact
from trialsieve.rules import leaves, status_of


@pytest.mark.parametrize(
    "text",
    [
        # NCT04007835 E18: "inability to swallow" among the examples had made an ability of it, AND-ed
        # with "oral drug absorption" as a condition, so no patient with chronic diarrhea was excluded
        "There are obvious factors affecting oral drug absorption, such as inability to swallow, chronic diarrhea "
        "and intestinal obstruction;",
        # NCT03634059 E4: "influencing" names an effect as "affecting" does
        "A variety of factors influencing oral drugs (such as unable to swallow, nausea, vomiting, chronic diarrhea "
        "and intestinal obstruction, etc);",
    ],
)
def test_an_example_with_a_reason_of_its_own_leaves_the_effect_its_reading(tagger, text):
    rule = rule_of(tagger, text)
    asked = [leaf.concept.text for leaf in leaves(rule) if leaf.type == "presence" and leaf.role is None]
    assert "diarrhea" in asked and not any("oral drug" in concept for concept in asked)
    diarrhea = Fact(kind="condition", text="chronic diarrhea")
    assert verdict_of(tagger, "Exclusion", text, [diarrhea]) == "met"


def test_a_condition_that_may_have_an_impact_on_something_is_for_a_person(tagger):
    """NCT04600544 E3: any non-degenerative spinal condition had excluded, and "wellbeing" was a condition."""
    text = (
        "Other non-degenerative spinal conditions that may have an impact on subject safety, wellbeing or the "
        "intent and conduction of the study;"
    )
    rule = rule_of(tagger, text)
    assert not [leaf for leaf in leaves(rule) if leaf.type == "presence" and leaf.role is None]
    assert [leaf.reason for leaf in leaves(rule) if leaf.type == "unstructured"] == ["effect"]


def test_drugs_with_known_effects_on_a_function_are_listed_by_their_examples(tagger):
    """NCT06532149 E2.1.3: the examples' "and" had been all-required, so a patient on opiates alone was
    not excluded, and "male sexuality" was a condition."""
    text = (
        "Chronic use of drugs with known effect on male sexuality, including opiates, anxiolytics, "
        "antidepressants, mood stabilizers, beta blockers (e.g. atenolol) and high dose diuretics"
    )
    rule = rule_of(tagger, text)
    asked = {leaf.concept.text for leaf in leaves(rule) if leaf.type == "presence" and leaf.role is None}
    assert {"opiates", "antidepressants"} <= asked and any("diuretics" in concept for concept in asked)
    assert "sexuality" not in " ".join(asked)
    assert verdict_of(tagger, "Exclusion", text, [Fact(kind="drug", text="opiates")]) != "not_met"
    assert [leaf.reason for leaf in leaves(rule) if leaf.type == "unstructured"] == ["effect"]


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        # NCT03510338 E10 wrote it inside a sentence; read as "renal function" everyone has it
        ("Abnormal liver or renal function", {"Abnormal liver function", "Abnormal renal function"}),
        (
            "Abnormal hepatic, renal or cardiac function",
            {f"Abnormal {o} function" for o in ("hepatic", "renal", "cardiac")},
        ),
        # NCT03918993 E1
        (
            "Patients with systemic autoimmune and inflammatory disease,",
            {"systemic autoimmune disease", "systemic inflammatory disease"},
        ),
    ],
)
def test_a_concept_modifier_before_a_list_sharing_its_head_holds_of_every_item(tagger, text, concepts):
    assert set(presences(rule_of(tagger, text))) == concepts


def test_a_state_among_listed_states_is_not_lent_to_the_list(tagger):
    """NCT05814159 E4: "recurrent" is one of three states, not what every infection must be."""
    text = "Known presence or suspicion of active, chronic, or recurrent bacterial, fungal, or viral infections"
    found = presences(rule_of(tagger, text))
    assert {"bacterial infections", "fungal infections", "viral infections"} <= set(found)


@pytest.mark.parametrize(
    "text",
    [
        "History of Erectile Dysfunction (ED) of at least 3 months duration.",  # NCT01122264 I1
        "Sexually active in a stable, heterosexual relationship of more than three months duration.",  # NCT03518983
        "Radicular symptoms < 3 months duration",  # NCT00415220 E1
    ],
)
def test_duration_after_a_time_names_nothing(tagger, text):
    rule = rule_of(tagger, text, "inclusion")
    assert not [leaf for leaf in leaves(rule) if leaf.type == "unstructured"]  # no "duration" to review
    assert status_of(rule) == "structured"
    (leaf,) = [leaf for leaf in leaves(rule) if leaf.type == "presence"]
    assert leaf.temporal is not None and leaf.temporal.value in (3, 3.0)


def test_a_duration_of_a_disease_is_met_by_an_old_enough_onset(tagger):
    text = "History of Erectile Dysfunction (ED) of at least 3 months duration."
    onset = dt.date(2026, 11, 30) - dt.timedelta(days=400)
    ed = Fact(kind="condition", text="erectile dysfunction", date=onset)
    assert verdict_of(tagger, "Inclusion", text, [ed]) == "met"


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("The male subjects who were aged 19 ~ 70 with history of erectile dysfunction", "male"),  # NCT02477436
        ("Only Male patients who are 40 to 80 years old (both numbers inclusive).", "male"),  # NCT04424394
        ("All males between 35-70 years of age", "male"),  # NCT00313898
    ],
)
def test_a_sex_written_with_an_article_or_a_relative_clause_is_read(tagger, text, sex):
    rule = rule_of(tagger, text, "inclusion")
    sexes = [leaf.value_text for leaf in leaves(rule) if leaf.type == "demographic" and leaf.attribute == "sex"]
    assert sexes == [sex]
    assert verdict_of(tagger, "Inclusion", text, [], age=50, sex="female") == "not_met"


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        # NCT05587465 E17: any bladder dysfunction had excluded, and the syndrome itself was lost
        (
            "Cauda equina syndrome (defined as neural compression causing neurogenic bowel or bladder dysfunction).",
            "Cauda equina syndrome",
        ),
        # NCT01037244 I3: the window reached the erection and the intercourse, read as alternatives to ED
        (
            "History of ED (clinically defined as the inability to attain and maintain an erection of the penis "
            "sufficient to permit satisfactory sexual intercourse) of at least 3 months duration",
            "ED",
        ),
    ],
)
def test_a_bracketed_definition_in_words_restates_its_concept(tagger, text, concept):
    found = presences(rule_of(tagger, text))
    assert set(found) == {concept}
    bladder = Fact(kind="condition", text="bladder dysfunction")
    assert verdict_of(tagger, "Exclusion", text, [bladder]) != "met"


def test_a_bracketed_definition_that_lists_is_read(tagger):
    """NCT05896748 E18: the signs listed are what to look for; the label alone would miss ascites."""
    text = (
        "Unstable liver disease (as defined by any of the following: presence of ascites, encephalopathy, "
        "coagulopathy, hypoalbuminemia, esophageal or gastric varices, or persistent jaundice)"
    )
    rule = rule_of(tagger, text)
    read = [leaf.concept.text if leaf.type == "presence" else getattr(leaf, "text", "") for leaf in leaves(rule)]
    assert any("ascites" in words for words in read)


@pytest.mark.parametrize(
    ("section", "text", "facts"),
    [
        # read as NOT(stem cell transplant), every patient who never had one was excluded
        ("Exclusion", "Not eligible for autologous stem cell transplant", []),
        # read as the drug, every patient given cisplatin was excluded
        ("Exclusion", "Ineligible for cisplatin", [Fact(kind="drug", text="cisplatin")]),
        # NCT06620835 I2: read as chemoradiotherapy, a patient who had it was included
        (
            "Inclusion",
            "Stage 3 non eligible for chemoradiotherapy or stage 4 NSCLC",
            [Fact(kind="procedure", text="chemoradiotherapy")],
        ),
    ],
)
def test_eligibility_for_a_treatment_is_a_persons_call(tagger, section, text, facts):
    rule = rule_of(tagger, text, section.lower())
    assert [leaf.reason for leaf in leaves(rule) if leaf.type == "unstructured"] == ["eligibility"]
    assert verdict_of(tagger, section, text, facts) == "needs_review"


def test_eligibility_for_the_study_itself_is_no_such_call(tagger):
    """ "are not eligible for this study" bars its subject: the metastases exclude."""
    rule = rule_of(tagger, "Patients with brain metastases are not eligible for this study")
    assert set(presences(rule)) == {"brain metastases"}
    assert not [leaf for leaf in leaves(rule) if leaf.type == "unstructured"]


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        ("Hepatic/renal impairment", {"Hepatic impairment", "renal impairment"}),  # was renal impairment alone
        ("Liver/kidney transplant", {"Liver transplant", "kidney transplant"}),
        ("current back/neck pain", {"back pain", "neck pain"}),  # NCT05296200 E1
    ],
)
def test_a_slash_between_two_kinds_of_one_head_lists_both(tagger, text, concepts):
    assert set(presences(rule_of(tagger, text))) == concepts
    first = next(iter(sorted(concepts)))
    assert verdict_of(tagger, "Exclusion", text, [Fact(kind="condition", text=first)]) == "met"


def test_a_window_after_a_list_reaches_past_a_slash(tagger):
    """NCT06090136 E3: the window had stopped at "coronary/peripheral artery bypass grafting", and an
    infarction years ago excluded; "coronary" takes the whole name after the slash, not "bypass grafting"."""
    text = (
        "Myocardial infarction, severe/unstable angina, coronary/peripheral artery bypass grafting, congestive "
        "heart failure within 3 months"
    )
    found = presences(rule_of(tagger, text))
    assert "coronary artery bypass grafting" in found
    assert all(leaf.temporal is not None for leaf in found.values())
    old = Fact(kind="condition", text="myocardial infarction", date=dt.date(2020, 1, 1))
    assert verdict_of(tagger, "Exclusion", text, [old]) != "met"


def test_the_examples_of_a_graded_category_are_graded(tagger):
    """NCT06480136 E3: read bare, a grade 1 immune-related pneumonitis excluded."""
    text = (
        "Grade 3 or above immune-related adverse events occurred during previous immunotherapy, such as "
        "immune-related interstitial lung disease, immune-related myocarditis, immune hepatitis, etc."
    )
    found = presences(rule_of(tagger, text))
    assert "Grade 3 or above immune-related myocarditis" in found and "immune-related myocarditis" not in found
    myocarditis = Fact(kind="condition", text="immune-related myocarditis", date=dt.date(2025, 1, 1))
    assert verdict_of(tagger, "Exclusion", text, [myocarditis]) != "met"


def test_a_grade_does_not_reach_past_another_item(tagger):
    """NCT06944470 E3: the ulcer is an example of the factors judged to risk bleeding, not a graded bleeding."""
    text = (
        "Grade ≥3 bleeding event within 6 months prior to the first dose, or current ≥Grade 2 bleeding or factors "
        "that are judged by the investigator to be at high risk for bleeding (e.g., active peptic ulcer)"
    )
    assert not any("peptic ulcer" in c and "Grade" in c for c in presences(rule_of(tagger, text)))


@pytest.mark.parametrize(
    ("section", "text"),
    [
        # NCT05366504 E18, in an erectile dysfunction trial: every patient (sexual dysfunction) was excluded
        (
            "Exclusion",
            "Partners who are < 18 years of age, who are nursing, who are known to be pregnant at screening, who wish "
            "to become pregnant during the study period, who have any gynecologic problems, sexual dysfunction, or "
            "major medical conditions that would limit participation in sexual intercourse.",
        ),
        # NCT02495467 I7.3: the patient's own contraceptives had been asked
        ("Inclusion", "The female partner uses oral contraceptives, injectable progesterone or subdermal implants."),
    ],
)
def test_a_sentence_about_the_partner_asks_nothing_of_the_patient(tagger, section, text):
    rule = rule_of(tagger, text, section.lower())
    assert not [leaf for leaf in leaves(rule) if leaf.type in ("presence", "demographic")]
    facts = [Fact(kind="condition", text="erectile dysfunction"), Fact(kind="drug", text="oral contraceptives")]
    assert verdict_of(tagger, section, text, facts, age=17) == "needs_review"


def test_items_that_each_end_with_or_are_alternatives_under_a_heading(tagger):
    """NCT04318938 I12: "Female patients who:" and three items, each ending "OR", had asked all three."""
    criterion = (
        "Female patients who:\n"
        "    - are postmenopausal for at least 1 year before the screening visit, OR\n"
        "    - are surgically sterile, OR\n"
        "    - if they are of childbearing potential, agree to practice highly effective contraception."
    )
    trial = read_text(f"Inclusion Criteria:\n* {criterion}\n", "one.txt", "one")
    parent = structure_trial(trial, tagger).criteria[0]
    assert parent.rule.type == "any"
    menopause = Fact(kind="condition", text="postmenopausal", date=dt.date(2015, 1, 1))
    assert verdict_of(tagger, "Inclusion", criterion, [menopause], sex="female") == "met"


def test_a_window_after_an_and_list_bounds_every_item(tagger):
    """NCT05907980 E2: therapy stopped years ago had excluded; the window reached the last item only."""
    text = (
        "Treatment with investigational therapy and anti-cancer therapy within 28 days prior to initiation of the drug"
    )
    found = presences(rule_of(tagger, text))
    assert len(found) == 2 and all(leaf.temporal is not None for leaf in found.values())
    old = Fact(kind="procedure", text="investigational therapy", date=dt.date(2024, 1, 1))
    assert verdict_of(tagger, "Exclusion", text, [old]) != "met"


def test_a_duration_after_an_and_stays_with_its_own_item(tagger):
    """NCT00661115 I1: "normal libido and stable heterosexual relationship of at least 6 months": the
    libido need not have lasted."""
    text = (
        "Men 21 years or above with ED for more than 6 months with normal libido and stable heterosexual "
        "relationship of at least 6 months"
    )
    found = presences(rule_of(tagger, text, "inclusion"))
    assert found["normal libido"].temporal is None


@pytest.mark.parametrize(
    "text",
    [
        "Total bilirubin <= 1.5 x ULN or <= 3 x ULN in the presence of Gilbert's syndrome or liver metastases",
        # NCT02856893 I2.5.6: a gloss in brackets between the two conditions
        "Total bilirubin ≤1.5xULN if no liver metastases or ≤3xULN in the presence of documented Gilbert's Syndrome "
        "(unconjugated hyperbilirubinaemia) or liver metastases;",
    ],
)
def test_a_second_limit_for_either_of_two_conditions(tagger, text):
    """Read with the first condition alone, "liver metastases" was an alternative to the whole
    inclusion: a patient with them met it whatever the bilirubin."""
    high = Fact(
        kind="observation", text="Total bilirubin", value=5, unit="mg/dL", reference_high=1, date=dt.date(2026, 11, 20)
    )
    metastases = Fact(kind="condition", text="liver metastases")
    assert verdict_of(tagger, "Inclusion", text, [high, metastases]) == "not_met"
    two = high.model_copy(update={"value": 2.5})
    assert verdict_of(tagger, "Inclusion", text, [two, metastases]) == "met"


@pytest.mark.parametrize(
    "text",
    [
        # NCT04318938 I7.2: "Diet" and "Renal Disease" had been AND-ed to the limit, which no record meets
        "eGFR >= 60 mL/min calculated by the Modification of Diet in Renal Disease (MDRD) formula",
        # NCT05282459 I11.2: the heading "Renal function" and the formula had both been asked of the record
        "Renal function: creatinine clearance > 30 mL/minute, calculated by Cockcroft-Gault formula",
        "Estimated glomerular filtration rate ≥30 mL/minute/1.73 m2",
    ],
)
def test_how_a_value_is_computed_and_a_label_before_its_limits_ask_nothing(tagger, text):
    rule = rule_of(tagger, text, "inclusion")
    asked = [leaf for leaf in leaves(rule) if leaf.type != "comparison" and getattr(leaf, "role", None) is None]
    assert not asked and status_of(rule) == "structured"
    fine = Fact(kind="observation", text="Creatinine clearance", value=80, unit="mL/min", date=dt.date(2026, 11, 20))
    egfr = Fact(kind="observation", text="eGFR", value=80, unit="mL/min/{1.73_m2}", date=dt.date(2026, 11, 20))
    assert verdict_of(tagger, "Inclusion", text, [fine, egfr]) == "met"


def test_isolated_narrows_its_concept(tagger):
    """NCT04747912 E1 (a Ph+ ALL trial): read as any extramedullary disease, a patient with marrow
    disease and a CNS site as well was excluded by words about disease outside the marrow alone."""
    assert set(presences(rule_of(tagger, "Isolated extramedullary disease."))) == {"Isolated extramedullary disease"}


def test_an_exception_written_with_a_colon_waives_the_limit(tagger):
    """NCT05321940 I8: "(Exception: Unless cytopenias are secondary to leukemia)" had been dropped, and a
    leukemia patient with a platelet count of 20,000 failed the inclusion."""
    text = "Platelets (PLT) ≥ 50,000 cells/mm3 (Exception: Unless cytopenias are secondary to leukemia)."
    low = Fact(kind="observation", text="Platelets", value=20000, unit="/uL", date=dt.date(2026, 11, 20))
    facts = [low, Fact(kind="condition", text="cytopenias"), Fact(kind="condition", text="leukemia")]
    assert verdict_of(tagger, "Inclusion", text, facts) == "met"
    assert verdict_of(tagger, "Inclusion", text, [low]) != "met"
