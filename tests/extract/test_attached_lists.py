"""Lists attached to a finding, and list items AND-ed by mistake (issue 18), on real ClinicalTrials.gov
and LCT criteria: a list of causes after "caused by" / "due to" / "secondary to" is alternatives under
the finding; a list of tests after "confirmed by" / "detected by" says how the finding is found; a count
and what it counts are one item of a list; "measurable" said after a concept names the concept."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.rules import leaves


def _names(rule) -> set[str]:
    return {leaf.concept.text for leaf in leaves(rule) if leaf.type == "presence"}


# --- a list of causes is alternatives under the finding ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding", "causes"),
    [
        (
            "Chronic low back pain caused by spinal stenosis, spondylolisthesis, fracture and/or sciatica",
            "low back pain",
            {"spinal stenosis", "spondylolisthesis", "fracture", "sciatica"},
        ),
        (
            "Complicated spinal pain due to fracture, tumor, infection, or severe spondyloarthropathy",
            "spinal pain",
            {"fracture", "tumor", "infection", "spondyloarthropathy"},
        ),
        (
            "ED due to radical prostatectomy, prior pelvic surgery, or radiation therapy to the pelvis within 12"
            " months prior to enrollment",
            "ED",
            {"radical prostatectomy", "pelvic surgery", "radiation therapy to the pelvis"},
        ),
        (
            "Diagnosis of chronic LBP for a minimum of 3 months caused by pathological intervertebral disc,"
            " degenerative disc disease, posterior facet syndrome, and/or sciatica.",
            "LBP",
            {"pathological intervertebral disc", "degenerative disc disease", "posterior facet syndrome", "sciatica"},
        ),
        ("pathological fractures due to neoplasm or metastasis", "pathological fractures", {"neoplasm", "metastasis"}),
    ],
)
def test_the_causes_after_a_finding_are_alternatives_under_it(tagger, text, finding, causes):
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "all", rule  # the finding and one of its causes, never a cause alone
    head = [a for a in rule.args if a.type == "presence"]
    assert len(head) == 1 and finding in head[0].concept.text, rule
    (alternatives,) = [a for a in rule.args if a.type == "any"]
    assert all(any(cause in name for name in _names(alternatives)) for cause in causes), rule


def test_low_back_pain_keeps_its_site(tagger):
    rule = rule_of(
        tagger, "Chronic low back pain caused by spinal stenosis, spondylolisthesis, fracture and/or sciatica"
    )
    assert any("low back pain" in name.lower() for name in _names(rule)), rule


def test_a_clause_about_the_patient_ends_the_list_of_causes(tagger):
    text = (
        "Patients with central or lateral spinal stenosis due to spondylosis or disc degeneration who needed"
        " bilateral decompression, laminectomy or fusion"
    )
    rule = rule_of(tagger, text, "inclusion")
    causes = [n for n in _nodes(rule) if n.type == "any" and _names(n) == {"spondylosis", "disc degeneration"}]
    assert causes, rule  # the decompression is no cause of the stenosis


def _nodes(rule):
    if rule.type not in ("all", "any"):
        return []
    return [rule, *(n for a in rule.args for n in _nodes(a))]


# --- the tests listed after a found-by cue are its methods --------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding", "tests"),
    [
        ("Deficit confirmed by CT, MRI, or X-ray;", "Deficit", {"CT", "MRI", "X-ray"}),
        ("Neurological deficit confirmed by CT, MRI, or X-ray", "Neurological deficit", {"CT", "MRI", "X-ray"}),
        (
            "patients with NSCLC confirmed by needle aspiration cytology or surgical pathology",
            "NSCLC",
            {"needle aspiration cytology", "surgical pathology"},
        ),
        (
            "Histologically proven breast cancer confirmed by biopsy or pathological examination of the resected"
            " tumor.",
            "breast cancer",
            {"biopsy", "pathological examination"},
        ),
    ],
)
def test_tests_after_confirmed_by_are_alternative_methods_beside_the_finding(tagger, text, finding, tests):
    rule = rule_of(tagger, text)
    found = presences(rule)
    assert found[finding].role is None, rule
    assert all(found[test].role == "method" and not found[test].negated for test in tests), rule
    ways = [n for n in _nodes(rule) if n.type == "any" and _names(n) == tests]
    assert ways, rule  # any of the tests finds it


def test_a_test_alone_after_the_cue_heads_the_list_of_methods(tagger):
    text = (
        "diagnosed with the first ever acute ischemic stroke occurring within 2 weeks and were confirmed by CT or MRI,"
    )
    rule = rule_of(tagger, text, "inclusion")
    found = presences(rule)
    (stroke,) = [leaf for name, leaf in found.items() if name.endswith("ischemic stroke")]
    assert stroke.role is None, rule
    assert found["CT"].role == "method" and found["MRI"].role == "method", rule


def test_tests_with_no_finding_before_them_stay_what_is_asked(tagger):
    found = presences(rule_of(tagger, "Confirmed by histopathological or cytological examination;", "inclusion"))
    assert all(leaf.role is None for leaf in found.values()) and len(found) == 2, found


def test_a_copula_before_the_cue_is_no_part_of_the_concept(tagger):
    found = presences(rule_of(tagger, "Lesions must be measurable by CT or MRI", "inclusion"))
    assert found["measurable Lesions"].role is None, found
    assert found["CT"].role == "method" and found["MRI"].role == "method", found


# --- a count and what it counts are one alternative of the list --------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "History of significant psychiatric disease, such as schizophrenia, bipolar disorder, greater than one"
        " lifetime episode of major depression, or current depression",
        "Any history of significant psychiatric disease, such as bipolar disorder or psychosis, greater than one"
        " lifetime episode of major depression, current depression of moderate or greater severity.",
        "Any history of bipolar disorder or psychosis, history of psychiatric hospitalization, greater than one"
        " lifetime episode of major depression.",
    ],
)
def test_every_item_of_a_list_with_a_count_is_an_alternative(tagger, text):
    rule = rule_of(tagger, text)
    assert rule.type == "any", rule
    (counted,) = [a for a in rule.args if a.type == "all"]  # the count beside the depression it counts
    assert {leaf.type for leaf in leaves(counted)} == {"comparison", "presence"}, rule
    assert _names(counted) == {"major depression"}, rule
    assert "bipolar disorder" in _names(rule), rule


def test_a_comma_list_without_a_final_or_lists_alternatives(tagger):
    text = (
        "Patients with nerve root involvement, suspected serious pathology, unstable trauma to the spine, aspects"
        " of pregnancy or other conditions that would prevent participation or disallow trial completion within"
        " the prescribed time period."
    )
    rule = rule_of(tagger, text)
    assert rule.type == "any" and all(a.type != "all" for a in rule.args), rule


# --- "measurable" after its concept names the concept ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Tumor (including size) must be measurable", "measurable Tumor"),
        ("Patients must have measurable tumor", "measurable tumor"),
        ("According to RECIST version 1.1, there is at least one measurable lesion.", "measurable lesion"),
    ],
)
def test_a_measurable_tumour_is_measurable_disease(tagger, text, concept):
    assert concept in presences(rule_of(tagger, text, "inclusion")), rule_of(tagger, text, "inclusion")


def test_tests_after_a_lead_that_opens_the_criterion_say_how_it_is_judged(tagger):
    """As a result of "a physical examination ...": an examination on record excludes no one."""
    text = (
        "As a result of a physical examination or screening investigations, the physician responsible "
        "considers the volunteer unfit for the study."
    )
    assert presences(rule_of(tagger, text))["physical examination"].role == "method"
    exam = {"text": "physical examination", "kind": "procedure", "present": True}
    assert verdict_of(tagger, "Exclusion", text, [exam]) == "needs_review"


def test_the_same_lead_after_a_concept_is_left_to_the_judging(tagger):
    found = presences(rule_of(tagger, "History of MRI based on physical examination"))
    assert found["MRI"].role is None and "physical examination" not in found


def test_what_a_list_persists_despite_qualifies_every_alternative(tagger):
    """NCT03416231 E4: "despite optimal drug therapy" had bound the diastolic limit alone, so an
    untreated patient with a high systolic pressure was excluded as uncontrollable."""
    text = (
        "Patients with uncontrollable hypertension (systolic blood pressure > 140 mmHg, diastolic blood "
        "pressure > 90 mmHg, despite optimal drug therapy)."
    )
    rule = rule_of(tagger, text)
    assert rule.type == "all" and rule.args[1].type == "all", rule
    assert [a.type for a in rule.args[1].args] == ["any", "presence"], rule
    htn = {"text": "hypertension", "kind": "condition", "present": True}
    sbp = {"text": "systolic blood pressure", "kind": "observation", "value": 150, "unit": "mm[Hg]"}
    assert verdict_of(tagger, "Exclusion", text, [htn, sbp]) != "met"
