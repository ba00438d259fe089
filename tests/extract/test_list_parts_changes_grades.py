"""How a list's parts bind, and words that change what a leaf asks: a lead announcing a list names
the category of its items, a semicolon parts the items an inclusion asks each of, a change of a
treatment is not the treatment, and a comparator before a grade or class bounds it. Each case is a
real ClinicalTrials.gov criterion; each test failed before its fix (issue 18)."""

import datetime as dt

import pytest

from tests.extract.reading import rule_of, verdict_of
from trialsieve.match.patient import Fact
from trialsieve.rules import leaves

_AS_OF = dt.date(2026, 11, 30)


def _on(text: str, kind: str, days_ago: int, **more) -> Fact:
    return Fact(kind=kind, text=text, date=_AS_OF - dt.timedelta(days=days_ago), **more)


def test_the_window_of_an_announced_list_dates_every_item(tagger):
    """NCT01419236 E13: the category and the infarction had been AND-ed, and the window stopped at the
    category, so a bypass graft ten years ago excluded."""
    text = (
        "History of any of the following coronary conditions within 90 days of screening: myocardial infarction, "
        "coronary artery bypass graft surgery, percutaneous coronary intervention (for example, angioplasty or "
        "stent placement)"
    )
    items = [leaf for leaf in leaves(rule_of(tagger, text)) if leaf.type == "presence"]
    assert items and all(leaf.temporal is not None for leaf in items)
    old = [_on("Coronary artery bypass graft", "procedure", 3650)]
    recent = [_on("Coronary artery bypass graft", "procedure", 30)]
    assert verdict_of(tagger, "Exclusion", text, old, as_of=_AS_OF) != "met"
    assert verdict_of(tagger, "Exclusion", text, recent, as_of=_AS_OF) == "met"


def test_each_item_of_an_announced_list_meets_it_alone(tagger):
    """NCT01419236 I2: "delayed ejaculation" had been AND-ed with the category "ejaculatory dysfunction"."""
    text = (
        "Presents with 1 or more of the following symptom(s) of ejaculatory dysfunction: delayed ejaculation, "
        "anejaculation, decreased force of ejaculation"
    )
    assert verdict_of(tagger, "Inclusion", text, [Fact(kind="condition", text="Delayed ejaculation")]) == "met"


def test_an_or_inside_a_semicolon_part_joins_that_part_only(tagger):
    """The "or" between the two kidney limits had bound loosest: a normal clearance met the whole
    inclusion whatever the bilirubin (NCT02650414 I4.iii, NCT04691388 I5: lab lists parted by ";")."""
    text = "Total bilirubin <= 1.5 x ULN; ALT <= 3 x ULN; creatinine <= 1.5 mg/dL or creatinine clearance >= 60 mL/min"

    def patient(bilirubin: float, creatinine: float) -> list[Fact]:
        return [
            _on("Total bilirubin", "observation", 1, value=bilirubin, unit="mg/dL", reference_high=1),
            _on("ALT", "observation", 1, value=20, unit="U/L", reference_high=40),
            _on("Creatinine", "observation", 1, value=creatinine, unit="mg/dL"),
            _on("Creatinine clearance", "observation", 1, value=80, unit="mL/min"),
        ]

    assert verdict_of(tagger, "Inclusion", text, patient(3.0, 1.0), as_of=_AS_OF) == "not_met"
    assert verdict_of(tagger, "Inclusion", text, patient(0.8, 2.0), as_of=_AS_OF) == "met"


def test_an_or_between_parts_still_lists_alternatives(tagger):
    """Guard: a semicolon and "or" after it ("...; or ...") offers the part after as an alternative."""
    text = "Negative serum pregnancy test; or female patients must be of non-child-bearing potential"
    assert rule_of(tagger, text, "inclusion").type == "any"


def test_a_change_of_a_treatment_is_not_the_treatment(tagger):
    """NCT02713789 E5: read as the drugs, the exclusion ruled out every patient on a diabetes or
    blood-pressure drug in the last two months."""
    text = "Change in medication for diabetes or hypertension within 2 months of study enrollment;"
    found = leaves(rule_of(tagger, text))
    assert [leaf.reason for leaf in found if leaf.type == "unstructured"] == ["change", "change"]
    on_metformin = [_on("Metformin", "drug", 20)]
    assert verdict_of(tagger, "Exclusion", text, on_metformin, as_of=_AS_OF) != "met"


def test_a_steady_regimen_is_not_the_lack_of_the_drug(tagger):
    """NCT05887817 I5: "have not changed their medications for type 2 diabetes" had been NOT(the
    medications), which failed every patient taking them."""
    text = (
        "Patients who have not changed their medications for type 2 diabetes and chronic kidney disease in the "
        "past 4 weeks prior to obtaining consent"
    )
    facts = [_on("Metformin", "drug", 10), _on("Chronic kidney disease", "condition", 400)]
    assert verdict_of(tagger, "Inclusion", text, facts, as_of=_AS_OF) != "not_met"


def test_a_change_of_dose_in_the_leaf_words_is_a_change(tagger):
    """NCT06273592 I3 and NCT05351866 E2: the tagger put "change in" into the drug's words."""
    rule = rule_of(tagger, "Change in psychotropic medication (initiation or change in dose) within the past 30 days")
    assert [leaf.type for leaf in leaves(rule)] == ["unstructured"]


def test_a_kind_named_by_a_participle_is_no_change(tagger):
    """Guard: "modified radical mastectomy" and "CAR-modified T cell therapy" name kinds."""
    for text in ("Prior modified radical mastectomy", "Any marrow relapse after CAR-modified T cell therapy"):
        assert not [leaf for leaf in leaves(rule_of(tagger, text)) if leaf.type == "unstructured"]


def test_a_comparator_before_a_grade_bounds_it(tagger):
    """NCT05309213 E5: "GVHD >= grade 2" had lost its grade, and a grade 1 GVHD excluded."""
    text = (
        "Patients have graft-versus-host response（GVHD） and need to use immunosuppressants; Or GVHD ≥ grade 2 or "
        "being treated with anti GVHD; Or suffering from autoimmune diseases;"
    )
    mild = [Fact(kind="condition", text="GVHD grade 1")]
    severe = [Fact(kind="condition", text="GVHD grade 3")]
    assert verdict_of(tagger, "Exclusion", text, mild) != "met"
    assert verdict_of(tagger, "Exclusion", text, severe) == "met"


def test_a_class_after_a_comparator_is_part_of_its_disease(tagger):
    """NCT01698684 E6: "> NYHA Class II" was a limit not read beside a bare heart failure, or a leaf
    "NYHA Class II" of its own."""
    text = "congestive heart failure > NYHA Class II"
    rule = rule_of(tagger, text)
    assert rule.type == "presence" and "NYHA Class II" in rule.concept.text
    class_two = [Fact(kind="condition", text="Congestive heart failure NYHA class II")]
    class_three = [Fact(kind="condition", text="Congestive heart failure NYHA class III")]
    assert verdict_of(tagger, "Exclusion", text, class_two) == "not_met"
    assert verdict_of(tagger, "Exclusion", text, class_three) == "met"


def test_a_sensitivity_to_a_substance_is_an_allergy(tagger):
    """NCT05363644 E8: "Known sensitivity to glutaraldehyde or ethanol" had asked for ethanol, and any
    patient who drank alcohol was excluded."""
    text = "Known sensitivity to glutaraldehyde or ethanol."
    assert verdict_of(tagger, "Exclusion", text, [Fact(kind="drug", text="Ethanol")]) != "met"
    assert verdict_of(tagger, "Exclusion", text, [Fact(kind="condition", text="Allergy to ethanol")]) == "met"


def test_a_sensitivity_of_a_measure_is_no_allergy(tagger):
    """Guard: "Insulin sensitivity index > 2" is a limit, no allergy to an index."""
    rule = rule_of(tagger, "Insulin sensitivity index > 2", "inclusion")
    assert rule.type == "comparison"


def test_what_abnormalities_with_examples_do_is_no_alternative(tagger):
    """NCT00654914 E3: in this ED trial, a record of impaired erectile function met the exclusion by
    itself, the examples' bracket having swallowed what the abnormalities would do."""
    text = (
        "Presence of penile anatomical abnormalities (e.g. penile fibrosis or Peyronie disease) that would "
        "significantly impair erectile function."
    )
    asked = [leaf.concept.text for leaf in leaves(rule_of(tagger, text)) if leaf.type == "presence" and not leaf.role]
    assert asked == ["penile fibrosis", "Peyronie disease"]
    assert verdict_of(tagger, "Exclusion", text, [Fact(kind="condition", text="Peyronie disease")]) == "met"


@pytest.mark.parametrize(
    ("text", "variable"),
    [
        ("Subject scores ≥ 26 on the IIEF;", "IIEF"),  # NCT06600893 E8
        # NCT00955929 I4
        ("Baseline score of ≥ 22 on the International Index of Erectile Function Domain (Appendix A)", "International"),
    ],
)
def test_a_score_whose_or_when_is_named_by_the_scale_after_it(tagger, text, variable):
    """The variable had been "Subject scores" or "Baseline score", which no record names: the limit was
    never met nor failed."""
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "comparison" and rule.variable.startswith(variable)


def test_a_defined_diagnosis_is_defined_by_its_score(tagger):
    """NCT04363918 I1: "a score of" had been a review leaf OR-ed with the limit, so the review alone
    could settle the inclusion; now the diagnosis is defined by the limit."""
    rule = rule_of(tagger, "men with known ED (defined as a score of less than 22 on the IIEF-5)", "inclusion")
    assert not [leaf for leaf in leaves(rule) if leaf.type == "unstructured"]
    assert [leaf.variable for leaf in leaves(rule) if leaf.type == "comparison"] == ["IIEF-5"]


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        # NCT03318939 I4.5: "EGFR" was a drug and "mutations" any mutation, which a KRAS G12C patient met
        ("Cohort 7: Documented EGFR or HER2 activating mutations", {"EGFR activating", "HER2 activating"}),
        # NCT03318939 I4.3: a bare EGFR, which any EGFR mutation met
        ("Cohort 5: Documented EGFR or HER2 exon 20 insertion mutations", {"EGFR exon 20", "HER2 exon 20"}),
        # the tagger left "ALK" out: it had been a review of its own, or nothing
        ("ALK or ROS1 rearrangement", {"ALK rearrangement", "ROS1 rearrangement"}),
    ],
)
def test_genes_listed_before_an_alteration_share_it(tagger, text, concepts):
    found = [leaf.concept.text for leaf in leaves(rule_of(tagger, text, "inclusion")) if leaf.type == "presence"]
    assert len(found) == len(concepts) and all(any(c in f for f in found) for c in concepts)


def test_a_window_written_without_a_preposition_dates_its_item(tagger):
    """NCT06113666 E2: "the last two months" was no limit, and heart surgery years ago excluded."""
    text = "Self-reported surgery for heart disease the last two months"
    old = [_on("Coronary artery bypass surgery", "procedure", 3650), _on("Heart disease", "condition", 3650)]
    assert verdict_of(tagger, "Exclusion", text, old, as_of=_AS_OF) != "met"
    windows = [leaf.temporal for leaf in leaves(rule_of(tagger, text)) if leaf.type == "presence"]
    assert windows and all(w is not None for w in windows)


def test_at_least_the_past_months_is_how_long_not_when(tagger):
    """Guard: "for at least the past three months" is a duration, not a window (NCT02746094 I4)."""
    text = "on a stable dose of beta-blocker for at least the last 6 weeks"
    found = [leaf for leaf in leaves(rule_of(tagger, text, "inclusion")) if leaf.type == "presence"]
    assert found and all(leaf.temporal.operator == ">=" for leaf in found)


def test_a_failed_response_is_no_use_of_the_drug(tagger):
    """NCT00658177 I2: "History of unresponsiveness to sildenafil" had asked for an unresponsiveness and, beside
    it, any use of sildenafil."""
    text = "Subjects with a history of unresponsiveness to sildenafil"
    found = [leaf.concept.text for leaf in leaves(rule_of(tagger, text)) if leaf.type == "presence"]
    assert found and all("unresponsiveness" in concept for concept in found)


def test_an_allergy_word_paired_with_a_contraindication_shares_its_object(tagger):
    """NCT01190904 E8: a bare "Intolerance" had been met by any intolerance on record."""
    text = "Hypersensitivity or contraindication to aspirin"
    peanuts = [Fact(kind="condition", text="Allergy to peanuts")]
    assert verdict_of(tagger, "Exclusion", text, peanuts) != "met"


def test_an_adjective_before_an_or_shares_the_whole_name_after_it(tagger):
    """NCT04402008 E3: "basal" had named nothing, so a basal cell carcinoma was no exception and excluded."""
    text = (
        "Patient has had another primary malignancy within 3 years prior to starting study treatment, except for "
        "adequately treated basal or squamous cell carcinoma of the skin or cancer of the cervix"
    )
    bcc = [_on("Basal cell carcinoma of the skin", "condition", 200)]
    assert verdict_of(tagger, "Exclusion", text, bcc, as_of=_AS_OF) != "met"
    melanoma = [_on("Malignant melanoma", "condition", 200)]
    assert verdict_of(tagger, "Exclusion", text, melanoma, as_of=_AS_OF) == "met"


def test_a_site_on_a_prefix_is_part_of_its_concept(tagger):
    """NCT06332300 E22: "intra-abdominal abscess" had been "abscess", which an anal abscess met."""
    text = "History of abdominal fistula, gastrointestinal perforation, or intra-abdominal abscess within 6 months"
    assert "intra-abdominal abscess" in {leaf.concept.text for leaf in leaves(rule_of(tagger, text))}
    assert verdict_of(tagger, "Exclusion", text, [_on("Anal abscess", "condition", 30)], as_of=_AS_OF) != "met"


def test_prior_therapy_with_a_drug_is_that_drug_before(tagger):
    """NCT05879653 E1.9: "therapy" had been a leaf of its own and only the first agent was prior, so a
    patient whose anti-PD-L1 had ended was let through."""
    text = "Has received prior therapy with an anti-PD-1, anti-PD-L1, or anti-PD-L2 agent"
    found = [leaf for leaf in leaves(rule_of(tagger, text)) if leaf.type == "presence"]
    assert [leaf.concept.text for leaf in found] == ["anti-PD-1", "anti-PD-L1", "anti-PD-L2 agent"]
    assert all("history of" in leaf.qualifiers for leaf in found)


@pytest.mark.parametrize(
    "text",
    [
        "Patients with relapsed or refractory ALL",  # the leukaemia had been read as the word "all"
        "Ph-positive ALL, Burkitt's leukemia/lymphoma, or lymphoblastic lymphoma",  # NCT03319901 E1
    ],
)
def test_all_in_capitals_after_a_state_is_the_leukaemia(tagger, text):
    assert any(leaf.concept.text.endswith("ALL") for leaf in leaves(rule_of(tagger, text)) if leaf.type == "presence")


def test_all_opening_a_phrase_about_people_is_the_word(tagger):
    """Guard: "ALL patients with CNS3 disease" asks about every patient, no leukaemia."""
    found = [
        leaf.concept.text
        for leaf in leaves(rule_of(tagger, "ALL patients with CNS3 disease"))
        if leaf.type == "presence"
    ]
    assert "ALL" not in found


def test_an_inhibitor_class_short_name_is_whole(tagger):
    """NCT03089294 I4: "PDE5i" had been "PDE", a condition no record names; a patient on sildenafil with
    a good response was never met."""
    found = [
        leaf.concept.text for leaf in leaves(rule_of(tagger, "Use of SGLT2i or DPP-4i")) if leaf.type == "presence"
    ]
    assert found == ["SGLT2i", "DPP-4i"]
    taken = [_on("Empagliflozin 10 MG Oral Tablet", "drug", 5)]
    assert verdict_of(tagger, "Exclusion", "Current use of SGLT2i", taken, as_of=_AS_OF) == "met"
