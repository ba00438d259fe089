"""How far alternatives and a denial reach in a list (issue 18), on real LCT and ClinicalTrials.gov
criteria: what a condition persists despite is attached to it, never an alternative to it; alternatives
written with a bare slash bind before an "and"; a denial before a list ends at an item that names the
denied concept again under a limit or beside another concept."""

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.rules import leaves


def _path_types(rule, name: str, path: tuple = ()) -> tuple | None:
    """The logic nodes (identity, type) from the root down to the leaf whose concept text holds ``name``."""
    if rule.type in ("all", "any", "not", "at_least"):
        for arg in rule.args:
            found = _path_types(arg, name, (*path, (id(rule), rule.type)))
            if found is not None:
                return found
        return None
    if rule.type == "presence" and name in rule.concept.text:
        return path
    return None


def _joined_by(rule, a: str, b: str) -> str | None:
    """The type of the lowest logic node above the leaves naming ``a`` and ``b``."""
    pa, pb = _path_types(rule, a), _path_types(rule, b)
    assert pa is not None and pb is not None, rule
    last = None
    for x, y in zip(pa, pb, strict=False):
        if x != y:
            break
        last = x[1]
    return last


# --- "despite" attaches what the condition persists despite ----------------------------------------


def test_what_a_condition_persists_despite_is_attached_to_it(tagger):
    # LCT NCT03869281 (brittle diabetes): the unawareness despite insulin, never any insulin therapy
    text = (
        "brittle diabetes, as defined by the occurrence of frequent acute complications (ketoacidosis or severe"
        " hypoglycaemic episodes requiring third-part assistance or unawareness despite well-conducted intensive"
        " insulin therapy)"
    )
    rule = rule_of(tagger, text, "inclusion")
    assert _joined_by(rule, "unawareness", "insulin therapy") == "all", rule


def test_what_a_history_persists_despite_is_attached_though_an_or_stands_between(tagger):
    # ClinicalTrials.gov (a heart failure trial's exclusion): the arrest despite therapy, never any device
    # therapy alone; the "or" joins the therapy's own words
    rule = rule_of(tagger, "A history of sudden cardiac arrest despite medical or device therapy.")
    assert _joined_by(rule, "cardiac arrest", "device therapy") == "all", rule


# --- a bare slash binds first -----------------------------------------------------------------------


def test_slashed_alternatives_bind_before_an_and(tagger):
    # LCT NCT03921827: either event, and the stenosis; not a TIA with stenosis or any stroke alone
    text = (
        "Patients with recent stroke/TIA and severe stenosis of intracranial ICA or MCA and impaired CVR within"
        " previous three months"
    )
    rule = rule_of(tagger, text, "inclusion")
    assert _joined_by(rule, "stroke", "TIA") == "any", rule
    assert _joined_by(rule, "TIA", "stenosis") == "all", rule
    assert _joined_by(rule, "stroke", "stenosis") == "all", rule


def test_slashed_treatments_bind_before_what_they_are_for(tagger):
    # LCT NCT03925987: either treatment, for anxiety; never counselling for anything, or any psychotherapy
    rule = rule_of(tagger, "Currently receiving psychotherapy/counseling for anxiety")
    assert _joined_by(rule, "psychotherapy", "counseling") == "any", rule
    assert _joined_by(rule, "psychotherapy", "anxiety") == "all", rule


def test_a_denial_reaches_across_a_slash(tagger):
    # LCT NCT03860701: neither is there
    rule = rule_of(tagger, "No antecedent of limb ischemia/limb thrombotic events.", "inclusion")
    assert rule.type == "not" and rule.args[0].type == "any", rule
    assert not any(leaf.negated for leaf in leaves(rule) if leaf.type == "presence"), rule


# --- a denial ends at the denied concept named again -------------------------------------------------


def test_a_limit_on_the_denied_concept_is_an_alternative_to_the_denial(tagger):
    # LCT NCT03863249: non-smokers, or light smokers
    rule = rule_of(tagger, "No smokers or smokers of less than 10 cigarettes a day.", "inclusion")
    assert rule.type == "any", rule
    denied = [a for a in rule.args if a.type == "presence"]
    assert len(denied) == 1 and denied[0].negated and denied[0].concept.text == "smokers", rule
    assert any(leaf.type == "comparison" for leaf in leaves(rule)), rule


def test_the_denied_concept_beside_another_is_an_alternative_to_the_denial(tagger):
    # LCT NCT03929328: no vasoactive drugs, or stable vital signs on them
    rule = rule_of(tagger, "No vasoactive drugs, or vital signs are stable with using vasoactive drugs", "inclusion")
    assert rule.type == "any", rule
    denied, stable = rule.args
    assert denied.type == "presence" and denied.negated and denied.concept.text == "vasoactive drugs", rule
    assert stable.type == "all" and not any(leaf.negated for leaf in presences(stable).values()), rule


def test_a_bare_concept_again_is_still_denied(tagger):
    # LCT NCT03924024: the injury named again bare is one more thing denied, not an alternative
    text = (
        "No suspicion for a head injury and/or negative head CT scan for intracranial hemorrhage or injury based"
        " on standard of care"
    )
    rule = rule_of(tagger, text, "inclusion")
    # the first keeps its site ("head injury", extract/sites.py), the second is the bare injury again
    injuries = [leaf for leaf in leaves(rule) if leaf.type == "presence" and leaf.concept.text.endswith("injury")]
    assert len(injuries) == 2, rule
    assert rule.type == "not" and not any(leaf.negated for leaf in injuries), rule  # both under the one denial


# --- a denial does not reach what the lack is put down to --------------------------------------------


def test_a_cause_after_a_denied_verb_is_there(tagger):
    # LCT NCT03863171: the media problems (and their examples) are there; none of them is denied
    text = (
        "Fundus fluorescein angiography (FFA) clear images cannot be obtained due to refractive media problems(such"
        " as corneal leukoplakia, severe cataract, vitreous hemorrhage, etc.) ;"
    )
    rule = rule_of(tagger, text)
    found = presences(rule)
    for name in ("refractive media problems", "corneal leukoplakia", "vitreous hemorrhage"):
        assert _path_types(rule, name) is not None and "not" not in _path_types(rule, name), rule
        assert not found[name].negated, rule


def test_a_denial_before_a_list_ends_at_a_cause(tagger):
    # LCT NCT03925337: the cecum was not reached; the poor preparation was there
    text = (
        "Patients with incomplete colonoscopies (those where endoscopists did not successfully intubate the cecum"
        " due to technical difficulties or poor bowel preparation)"
    )
    rule = rule_of(tagger, text)
    path = _path_types(rule, "bowel preparation")
    assert path is not None and "not" not in path, rule
    assert not presences(rule)["poor bowel preparation"].negated, rule
    assert presences(rule)["intubate"].negated, rule
    assert _joined_by(rule, "intubate", "bowel preparation") == "all", rule  # the lack beside its cause


# --- "like" in a hyphenated word gives no example ----------------------------------------------------


def test_a_hyphenated_like_is_no_example_cue(tagger):
    # LCT NCT03861299: the tumour, seen on MRI, with necrosis: "ring-like" names a pattern
    text = "Tumor diagnosed as Glioblastoma Multiforme on MRI with distinct ring-like pattern suggestive of necrosis"
    rule = rule_of(tagger, text, "inclusion")
    assert _joined_by(rule, "Glioblastoma", "necrosis") == "all", rule


# --- an example in a review keeps what its words attach ------------------------------------------------


def test_an_examples_attached_finding_stays_with_it(tagger):
    # LCT NCT03929367: fibroids that bleed are the example, never any bleeding alone
    text = (
        "Any condition that, in the opinion of the Principal Investigator, would place the subject at increased"
        " risk (active gynecologic disease in which increased tone would be detrimental e.g., uterine fibroids"
        " with ongoing bleeding)"
    )
    rule = rule_of(tagger, text)
    assert _joined_by(rule, "uterine fibroids", "bleeding") == "all", rule
    assert _joined_by(rule, "gynecologic disease", "uterine fibroids") == "any", rule


# --- alternatives that share a head noun bind first; an "or" that joins no items ------------------------


def test_alternatives_sharing_a_head_noun_bind_before_what_follows(tagger):
    # LCT NCT03928444: the BMI and either tissue and the lipoaspiration, never any abdominal tissue alone
    text = (
        "Body mass index ≥20 with adequate abdominal or other subcutaneous adipose tissue accessible for"
        " lipoaspiration."
    )
    rule = rule_of(tagger, text, "inclusion")
    assert _joined_by(rule, "abdominal", "adipose tissue") == "any", rule
    assert _joined_by(rule, "adipose tissue", "lipoaspiration") == "all", rule
    assert rule.type == "all", rule


def test_variants_of_one_disease_bind_before_an_and(tagger):
    rule = rule_of(tagger, "Hepatitis B or C infection and compensated cirrhosis", "inclusion")
    assert _joined_by(rule, "Hepatitis B", "Hepatitis C") == "any", rule
    assert _joined_by(rule, "Hepatitis B", "cirrhosis") == "all", rule


def test_with_or_without_makes_no_alternatives(tagger):
    # ClinicalTrials.gov (a lumbar stenosis trial): the pain is required, the back pain may be there or not
    text = (
        "Persistent leg/buttock/groin pain, with or without back pain, that is relieved by flexion activities"
        " (example: sitting or bending over a shopping cart)."
    )
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "all", rule
    assert presences(rule)["back pain"].role == "optional", rule


def test_an_or_between_two_ways_of_one_operation_joins_no_items(tagger):
    # ClinicalTrials.gov (a penile rehabilitation trial): the cancer and the prostatectomy, never either alone
    text = (
        "Men above 18 years old wih clinically localized prostate cancer, who have undergone open or laparoscopic"
        " radical prostatectomy, with or without use of phosphoodiesterase-5 inhibitors"
    )
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "all" and {"localized prostate cancer", "laparoscopic radical prostatectomy"} <= {
        a.concept.text for a in rule.args if a.type == "presence"
    }, rule


def test_a_list_comma_before_a_shared_modifier_keeps_the_list(tagger):
    rule = rule_of(tagger, "Diabetes, hypertension, coronary or peripheral artery disease")
    assert _joined_by(rule, "hypertension", "peripheral artery disease") == "any", rule
    assert _joined_by(rule, "Diabetes", "coronary artery disease") == "any", rule


def test_a_list_comma_before_a_way_of_the_next_item_keeps_the_list(tagger):
    # ClinicalTrials.gov NCT06163157 E1: only a patient with a pacemaker and a psychological illness was excluded
    rule = rule_of(tagger, "Diabetes, priapism, pacemaker users, history of psychiatric or psychological illness")
    assert _joined_by(rule, "pacemaker", "psychological illness") == "any", rule


def test_an_or_between_two_kinds_of_what_a_treatment_was_for_joins_no_items(tagger):
    # ClinicalTrials.gov NCT05999214 (as an exclusion): any patient with metastatic lesions was ruled out
    rule = rule_of(tagger, "Radiotherapy for primary or metastatic lesions within 28 days")
    assert rule.type == "all", rule


# --- a denied treatment is denied with what it was given for ----------------------------------------


def test_a_denied_treatment_is_denied_with_its_purpose(tagger):
    # ClinicalTrials.gov NCT05999214: the inclusion asked for metastatic lesions (and, before, denied them)
    rule = rule_of(tagger, "No local radiotherapy for primary or metastatic lesions within 28 days;", "inclusion")
    assert rule.type == "not" and rule.args[0].type == "all", rule
    assert not presences(rule)["metastatic lesions"].negated


def test_a_patient_without_the_purpose_meets_the_denial(tagger):
    criterion = "No radiotherapy for bone metastases within 28 days"
    mets = [{"kind": "condition", "text": "Bone metastases", "date": "2025-01-01"}]
    assert verdict_of(tagger, "Inclusion", criterion, mets) == "met"
