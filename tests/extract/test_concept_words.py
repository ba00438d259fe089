"""Words that belong to the concept, and clauses that do not deny it (issue 18): a "non-" in a
disease's name, "major" before surgery, a treatment a condition persisted despite, and a refused
undertaking. Each criterion is real registry text; each test failed before its fix."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.extract.relations import default_model
from trialsieve.extract.structure import structure_text
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Fact
from trialsieve.rules import leaves

# --- 1. a "non-" that is part of a disease's name ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Diagnosis of non-small cell lung cancer", "non-small cell lung cancer"),
        ("Non-alcoholic fatty liver disease", "Non-alcoholic fatty liver disease"),
        ("History of non-Hodgkin lymphoma", "non-Hodgkin lymphoma"),
        ("Non-melanoma skin cancer", "Non-melanoma skin cancer"),
        ("non muscle invasive bladder cancer", "non muscle invasive bladder cancer"),
    ],
)
def test_a_non_in_a_disease_name_stays_in_the_concept(tagger, text, concept):
    rule = rule_of(tagger, text)
    assert rule.type == "presence" and rule.concept.text == concept and not rule.negated, rule


def test_a_non_that_denies_still_denies(tagger):
    found = presences(rule_of(tagger, "Non-smokers with asthma"))
    assert found["smokers"].negated and not found["asthma"].negated


def test_a_small_cell_lung_cancer_does_not_meet_a_non_small_cell_one(tagger):
    facts = [{"kind": "condition", "text": "Small cell carcinoma of lung"}]
    assert verdict_of(tagger, "Inclusion", "Diagnosis of non-small cell lung cancer", facts) != "met"


# --- 2. "major" before surgery is the kind of surgery -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Major surgery within 4 weeks", "Major surgery"),
        ("Major surgical procedure within 28 days prior to randomization", "Major surgical procedure"),
        ("History of major depressive disorder", "major depressive disorder"),
    ],
)
def test_major_stays_in_the_concept(tagger, text, concept):
    rule = rule_of(tagger, text)
    assert rule.type == "presence" and rule.concept.text == concept and "severe" not in rule.qualifiers, rule


def test_a_major_surgery_is_met_only_by_a_major_one():
    matcher = ConceptMatcher()
    facts = [Fact(kind="procedure", text=t) for t in ("Major surgery", "Minor surgery", "Appendectomy", "MRI of brain")]
    assert [m.fact.text for m in matcher.find("Major surgery", facts)] == ["Major surgery"]
    assert [m.fact.text for m in matcher.contradicts("Major surgery", facts)] == ["Minor surgery"]
    assert [m.fact.text for m in matcher.undetermined("Major surgery", facts)] == ["Appendectomy"]


def test_a_recent_operation_of_unsaid_size_leaves_major_surgery_unknown(tagger):
    criterion = "Major surgery within 4 weeks"
    operated = [{"kind": "procedure", "text": "Appendectomy", "date": "2026-11-20"}]
    assert verdict_of(tagger, "Exclusion", criterion, operated) == "unknown"
    minor = [{"kind": "procedure", "text": "Minor surgery", "date": "2026-11-20"}]
    assert verdict_of(tagger, "Exclusion", criterion, minor) == "not_met"


# --- 4. a condition "not cured by" a treatment persists despite it -----------------------------------


def test_a_treatment_a_condition_was_not_cured_by_is_received(tagger):
    text = "patients with spinal cord compression that has not been cured or relieved by surgery and/or radiotherapy"
    rule = rule_of(tagger, text)
    assert rule.type == "all", rule
    found = presences(rule)
    assert "uncured" in found["uncured spinal cord compression"].qualifiers
    assert not any(leaf.negated for leaf in found.values())
    assert {"surgery", "radiotherapy"} <= set(found) and rule.args[1].type == "any"


def test_each_treatment_of_a_list_after_not_controlled_by_is_received(tagger):
    rule = rule_of(tagger, "Active serious infection not controlled by oral or intravenous antibiotics;")
    found = presences(rule)
    assert rule.type == "all" and {"oral antibiotics", "intravenous antibiotics", "infection"} <= set(found), rule
    assert not any(leaf.negated for leaf in found.values())
    assert "uncontrolled" not in found["intravenous antibiotics"].qualifiers


def test_the_treatment_takes_no_state_from_the_clause(tagger):
    rule = rule_of(tagger, "Epilepsy not controlled with two antiepileptic drugs")
    assert "uncontrolled" not in presences(rule)["antiepileptic drugs"].qualifiers


# --- 5. a refused undertaking is one review leaf ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Unwilling to use contraception (oral contraceptives, intrauterine device) or tubal ligation if of "
        "childbearing potential",
        "Female patients with child-bearing potential who do not agree to use a medically acceptable contraceptive "
        "method * for up to 24 weeks",
        "Patients who are unwilling or unable to comply with study procedures",
        "Women of childbearing potential must agree to use adequate contraception or abstinence",
    ],
)
def test_a_refused_or_promised_undertaking_is_one_review_leaf(tagger, text):
    rule = rule_of(tagger, text)
    assert rule.type == "unstructured" and rule.reason in ("willingness", "compliance"), rule


# --- 3. a list whose last item went to a limit ------------------------------------------------------


@pytest.mark.parametrize("logic", [True, False])
def test_every_item_of_a_history_list_keeps_its_window(tagger, logic):
    text = "History of myocardial infarction, stroke or life-threatening arrhythmia within prior 6 month"
    rule = structure_text(text, "exclusion", tagger.tag([text])[0], default_model() if logic else None).rule
    found = presences(rule)
    assert {"myocardial infarction", "stroke", "life-threatening arrhythmia"} == set(found), rule
    assert all(leaf.temporal is not None and leaf.temporal.value == 6 for leaf in found.values()), rule


def test_an_old_infarction_does_not_meet_a_window_written_without_the(tagger):
    criterion = "History of myocardial infarction, stroke or life-threatening arrhythmia within prior 6 month"
    old = [{"kind": "condition", "text": "Myocardial infarction", "date": "2015-10-01"}]
    assert verdict_of(tagger, "Exclusion", criterion, old) != "met"


# --- further classes from a random sample of real records (seed 5309) -------------------------------


def test_a_markdown_escaped_times_is_a_multiple_of_the_reference(tagger):
    rule = rule_of(tagger, r"serum AST/ALT \>3\*upper limit of normal or creatinine \>1.5\*upper limit of normal;")
    found = [leaf for leaf in leaves(rule) if leaf.type == "comparison"]
    assert rule.type == "any" and len(leaves(rule)) == 2, rule
    assert [(leaf.value, leaf.multiplier_of) for leaf in found] == [(3, "ULN"), (1.5, "ULN")]


def test_a_bracketed_list_after_a_drug_class_gives_its_examples(tagger):
    text = "Persistent mild to moderate ED on PDE5 inhibitors (Viagra, Cialis, Levitra, Stendra)"
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "all", rule  # ED, and the class or one of its examples: never Viagra alone
    ed, drugs = rule.args
    assert ed.type == "presence" and ed.concept.kind == "observation"
    assert {"PDE5 inhibitors", "Viagra", "Cialis"} <= set(presences(drugs))


def test_a_hyphenated_window_period_is_the_window(tagger):
    text = (
        "History of myocardial infarction, stroke or life-threatening arrhythmia within the 6-month period prior"
        " to Visit 1"
    )
    rule = rule_of(tagger, text)
    assert rule.type == "any" and all(leaf.type == "presence" for leaf in leaves(rule)), rule
    assert all(leaf.temporal is not None and leaf.temporal.value == 6 for leaf in leaves(rule))


def test_a_cell_type_names_the_cancer_an_exception_leaves_out(tagger):
    # excepting "basal cell carcinoma" must not except every carcinoma (the tagger names only "carcinoma")
    rule = rule_of(tagger, "Any malignancy except basal cell carcinoma and cervical carcinoma in situ")
    base = next(leaf for leaf in leaves(rule) if leaf.type == "presence" and leaf.role is None)
    assert "basal cell carcinoma" in [c.text for c in base.excepted]
    named = presences(rule_of(tagger, "History of squamous cell carcinoma of the skin"))
    assert any("squamous cell carcinoma" in name for name in named)


def test_unstable_stays_with_angina(tagger):
    # "unstable angina" is a disease's name: the myocardial infarction after it is any infarction
    named = presences(rule_of(tagger, "Unstable angina or myocardial infarction within 6 months"))
    infarction = next(p for name, p in named.items() if "myocardial infarction" in name)
    assert not {"uncontrolled", "unstable"} & set(infarction.qualifiers)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # NCT04022993: a plural scale word with its numbers is the concept's qualifier, not a limit, so the
        # second exception stays an exception
        (
            "History of autoimmune disease, except vitiligo and controlled autoimmune polyglandular syndrome "
            "(APS) types 1-3",
            "autoimmune polyglandular syndrome (APS) types 1-3",
        ),
        ("Grades 3-4 neuropathy", "Grades 3-4 neuropathy"),
    ],
)
def test_a_plural_scale_word_qualifies_its_concept(tagger, text, named):
    rule = rule_of(tagger, text)
    assert not [leaf for leaf in leaves(rule) if leaf.type == "comparison"]
    words = [leaf.concept.text for leaf in leaves(rule) if leaf.type == "presence"]
    words += [c.text for leaf in leaves(rule) if leaf.type == "presence" for c in leaf.excepted]
    assert any(named in w for w in words)


# --- a risk group or a histologic type names the kind of cancer -------------------------------------


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Patients high risk prostate cancer", "high risk prostate cancer"),
        ("Low risk papillary thyroid cancer", "Low risk papillary thyroid cancer"),
    ],
)
def test_a_risk_group_or_histology_stays_in_the_cancer(tagger, text, concept):
    rule = rule_of(tagger, text)
    assert rule.type == "presence" and rule.concept.text == concept, rule


def test_a_cancer_of_unsaid_risk_leaves_a_high_risk_exclusion_unknown(tagger):
    # "prostate cancer" alone must not rule a patient out of a trial that excludes the high-risk kind
    facts = [{"kind": "condition", "text": "Neoplasm of prostate"}]
    assert verdict_of(tagger, "Exclusion", "Patients high risk prostate cancer", facts) != "met"


# --- 3. an organ's adjective before a disease is part of its name -----------------------------------


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Symptomatic postural hypotension within the six months of Visit 1.", "Symptomatic postural hypotension"),
        ("severe valvular heart disease", "severe valvular heart disease"),
        ("Newly diagnosed testicular cancer", "testicular cancer"),
        ("prostatic cancer or suspected", "prostatic cancer"),
    ],
)
def test_an_organs_adjective_stays_in_the_concept(tagger, text, concept):
    assert concept in presences(rule_of(tagger, text, "inclusion")), presences(rule_of(tagger, text, "inclusion"))


def test_testicular_cancer_is_not_met_by_another_cancer(tagger):
    facts = [{"kind": "condition", "text": "Malignant neoplasm of prostate"}]
    assert verdict_of(tagger, "Inclusion", "Newly diagnosed testicular cancer", facts) != "met"


# --- a generic head keeps the word that makes its kind -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Investigational therapy within 4 weeks before randomization", "Investigational therapy"),
        ("Prior investigational therapy within 4 weeks", "investigational therapy"),
    ],
)
def test_a_generic_head_keeps_its_kind_word(tagger, text, concept):
    """The tagger names "therapy" alone: any therapy on record then met an investigational-therapy exclusion."""
    assert concept in presences(rule_of(tagger, text))
    physio = {"text": "physical therapy", "kind": "procedure", "present": True}
    assert verdict_of(tagger, "Exclusion", text, [physio]) != "met"


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Documented HER2 exon 20 insertion mutation", "HER2 exon 20 insertion mutation"),  # NCT03318939 I4.2
        ("HER2 mutation", "HER2 mutation"),
        ("Known MET amplification", "MET amplification"),
    ],
)
def test_a_genes_alteration_keeps_its_gene(tagger, text, concept):
    """Without its gene, "exon 20 insertion mutation" was met by any gene's exon 20 insertion."""
    assert concept in presences(rule_of(tagger, text, "inclusion"))


def test_a_gene_listed_before_an_alteration_is_no_drug(tagger):
    rule = rule_of(tagger, "Documented EGFR or HER2 exon 20 insertion mutations", "inclusion")
    assert not any(leaf.concept.kind == "drug" for leaf in presences(rule).values())


def test_other_before_a_compound_adjective_still_marks_the_concept(tagger):
    """NCT06465238 E1: "or other benefit-limiting tumor components" had been any tumor, the trial's own
    lung cancer included."""
    found = presences(rule_of(tagger, "Small-cell lung cancer or other benefit-limiting tumor components"))
    assert "other" in found["tumor"].qualifiers


def test_resting_makes_another_concept(tagger):
    # ClinicalTrials.gov NCT03987438: "resting angina" read as any angina excluded every stable angina
    assert "resting angina" in presences(rule_of(tagger, "Unstable angina or resting angina"))


def test_objective_makes_another_concept(tagger):
    # ClinicalTrials.gov NCT06889259: an exclusion of objective tinnitus excluded every tinnitus
    assert set(presences(rule_of(tagger, "Objective tinnitus"))) == {"Objective tinnitus"}


def test_a_cause_the_tagger_named_nothing_in_stays_on_the_concept(tagger):
    # ClinicalTrials.gov NCT02412345, in an erectile dysfunction trial: every patient was excluded
    criterion = "ED due to structural abnormality of the penis"
    assert set(presences(rule_of(tagger, criterion))) == {"ED due to structural abnormality of the penis"}
    facts = [{"kind": "condition", "text": "Erectile dysfunction", "date": "2024-01-10"}]
    assert verdict_of(tagger, "Exclusion", criterion, facts) != "met"


def test_a_named_cause_keeps_its_own_leaf(tagger):
    assert {"ED", "spinal cord injury"} <= set(presences(rule_of(tagger, "ED due to spinal cord injury")))


def test_a_specimen_shares_the_test_after_it(tagger):
    # "serum" alone was an alternative to the urine test: any serum lab met the exclusion
    found = presences(rule_of(tagger, "Positive serum or urine pregnancy test"))
    assert set(found) == {"pregnancy", "serum pregnancy test", "urine pregnancy test"}, found
    assert found["urine pregnancy test"].role == "method"  # a positive test: the pregnancy, found by either


def test_a_bare_head_takes_the_word_before_it(tagger):
    """NCT02943356 E11: "Major psychiatric or personality disorder" was any disorder."""
    found = presences(rule_of(tagger, "Major psychiatric or personality disorder"))
    assert {"psychiatric disorder", "personality disorder"} <= set(found) and "disorder" not in found, found
    assert set(presences(rule_of(tagger, "Patients with any disorder"))) == {"disorder"}
