"""Statements that a trial requires, excludes or admits a condition or treatment, judged from the rule tree: the
statements are NLI4CT's (train part) or written beside them, the criterion lines are those trials' own."""

import pytest

from trialsieve.app.concept_statements import concept_claim, judge_concept
from trialsieve.match.concepts import ConceptMatcher

#: NCT01351376 (lymphoedema after breast cancer), its registry text cut to the lines the tests read
LYMPHOEDEMA = """Inclusion Criteria:
* unilateral breast cancer with ipsilateral lumpectomy or mastectomy and lymph node dissection (sentinel biopsy or \
axillary dissection)
* able to commit to a long term follow-up schedule
Exclusion Criteria:
* active cancer/metastatic cancer
* pregnant
* pacemaker
* renal failure
* arterial insufficiency
* congestive heart failure
* chronic inflammatory conditions
* history of deep vein thrombosis (DVT) in the lymphedematous upper extremity
"""
#: NCT00876395's exclusions
GASTRO = """Inclusion Criteria:
* Documentation of negative pregnancy test.
Exclusion Criteria:
* Prior mTOR inhibitors for the treatment of cancer.
* History of central nervous system metastasis.
* Impairment of gastrointestinal (GI) function or GI disease or active ulceration of the upper gastrointestinal tract.
* Serious peripheral neuropathy.
* Uncontrolled hypertension.
"""
#: NCT00617539's disease characteristics
BRAIN = """DISEASE CHARACTERISTICS:
* Histologically or cytologically confirmed breast cancer with radiographically confirmed metastases to the brain
* Extracranial metastases allowed
* No prior chemotherapy allowed
* Not a candidate for surgical resection and/or further stereotactic radiosurgery
"""


@pytest.fixture(scope="module")
def matcher(embedder):
    return ConceptMatcher(embedder)


def written(text: str, tagger):
    from trialsieve.extract.structure import structure_trial
    from trialsieve.trial import Trial

    return structure_trial(Trial(id="NCT99999999", criteria_text=text, source="test"), tagger)


def verdict(described: str, claim: str, text: str, tagger, matcher) -> str:
    stated = concept_claim(described, claim, tagger)
    assert stated is not None, described
    return judge_concept(stated, written(text, tagger), matcher).verdict


def test_an_exclusion_of_the_concept_decides_excluded_and_admitted(tagger, matcher):
    """ "renal failure" is an exclusion on its own: patients with it are excluded, not admitted, not required."""
    assert verdict("Patients with renal failure", "excluded", LYMPHOEDEMA, tagger, matcher) == "yes"
    assert verdict("Patients with renal failure", "admitted", LYMPHOEDEMA, tagger, matcher) == "no"
    assert verdict("have renal failure", "required", LYMPHOEDEMA, tagger, matcher) == "no"


def test_a_statement_about_the_past_needs_a_criterion_about_the_past(tagger, matcher):
    """ "renal failure" is about the patient now: it does not settle whether a history of it excludes; "history of
    deep vein thrombosis ... in the lymphedematous upper extremity" is narrowed by where."""
    assert (
        verdict("Patients with a history of renal failure", "excluded", LYMPHOEDEMA, tagger, matcher) == "cannot tell"
    )
    assert verdict("Patients with deep vein thrombosis", "excluded", LYMPHOEDEMA, tagger, matcher) == "cannot tell"


def test_a_kind_of_an_excluded_class_is_excluded(tagger, matcher):
    """NLI4CT: "Patients suffering from Ulcerative colitis are excluded from the primary trial." (Entailment):
    ulcerative colitis is a GI disease, one option of the exclusion, whose other options do not narrow it."""
    assert verdict("Patients suffering from Ulcerative colitis", "excluded", GASTRO, tagger, matcher) == "yes"


def test_a_narrowed_exclusion_does_not_decide(tagger, matcher):
    """ "Uncontrolled hypertension" excludes some patients with hypertension, not all; "Serious peripheral
    neuropathy" some with neuropathy; and a concept no criterion speaks of is not judged at all."""
    assert verdict("Patients with hypertension", "excluded", GASTRO, tagger, matcher) == "cannot tell"
    assert verdict("Patients with peripheral neuropathy", "excluded", GASTRO, tagger, matcher) == "cannot tell"
    assert verdict("Patients with hemophilia", "excluded", GASTRO, tagger, matcher) == "cannot tell"


def test_a_criterion_that_allows_the_concept_admits_it(tagger, matcher):
    """NLI4CT: "Patients with Extracranial metastases are still permited to enter in the primary trial."
    (Entailment), from "Extracranial metastases allowed"; a negated permission admits nothing."""
    assert verdict("Patients with Extracranial metastases", "admitted", BRAIN, tagger, matcher) == "yes"
    assert verdict("Patients with Extracranial metastases", "excluded", BRAIN, tagger, matcher) == "no"
    assert verdict("Patients with prior chemotherapy", "admitted", BRAIN, tagger, matcher) != "yes"


def test_a_statement_with_an_unread_feature_names_no_concept(tagger):
    """ "multi-focal" is read by no concept ("breast cancer" is): judged, the statement would be judged on breast
    cancer alone."""
    assert concept_claim("patients with Multi-focal breast cancer", "excluded", tagger) is None
    assert concept_claim("Patients with an FEV1 of 80% to 120%", "excluded", tagger) is None


#: NCT00631852's exclusions (breast biopsy study), and NCT01351376's fluid-balance exclusion
BLEEDING = """Inclusion Criteria:
* female
Exclusion Criteria:
* active bleeding or a pathological condition that carries a high risk of bleeding
* any swallowing dysfunction
* uncontrolled intercurrent illness
"""
FLUID = LYMPHOEDEMA + "* medication(s) known to affect body fluid balance\n"


def test_an_option_that_names_a_class_excludes_its_members(tagger, matcher):
    """NLI4CT: "Patients with hemophilia are excluded from the primary trial." (Entailment): the option "a
    pathological condition that carries a high risk of bleeding" names the bleeding disorders, hemophilia one of
    them, though the rule tree cuts it into "pathological condition" and "bleeding"; "Patients currently prescribed
    Diuretics are excluded" (Entailment) by "medication(s) known to affect body fluid balance". A concept outside
    the class (laxatives: not in it), or an option narrowed by a window, is not judged."""
    assert verdict("Patients with hemophilia", "excluded", BLEEDING, tagger, matcher) == "yes"
    assert verdict("Patients with von Willebrand disease", "admitted", BLEEDING, tagger, matcher) == "no"
    assert verdict("Patients with hypertension", "excluded", BLEEDING, tagger, matcher) == "cannot tell"
    assert verdict("Patients currently prescribed Diuretics", "excluded", FLUID, tagger, matcher) == "yes"
    assert verdict("Patients currently prescribed laxatives", "excluded", FLUID, tagger, matcher) == "cannot tell"
    windowed = BLEEDING.replace("risk of bleeding", "risk of bleeding within 6 months")
    assert verdict("Patients with hemophilia", "excluded", windowed, tagger, matcher) == "cannot tell"


#: NCT00232479's criteria
HER2 = """Inclusion Criteria:
* HER-2 overexpressing breast cancer
* Clinical stage 2-3B
* Normal ejection fraction
Exclusion Criteria:
* Metastatic disease
* Low ejection fraction
"""


@pytest.mark.parametrize(
    ("described", "claim", "expected"),
    [
        # issue 21: the status written before the cancer is read with it, on both sides
        ("HER2 positive breast carcinoma", "required", "yes"),
        ("HER2 positive breast cancer", "excluded", "no"),
        ("HER2 positive breast cancer", "admitted", "yes"),
        ("HER2 negative breast cancer", "required", "cannot tell"),  # not asked: contradicted, not decided here
    ],
)
def test_a_receptor_status_written_next_to_the_cancer_is_part_of_it(tagger, matcher, described, claim, expected):
    assert verdict(described, claim, HER2, tagger, matcher) == expected


def test_a_status_the_trial_does_not_ask_for_is_not_required(tagger, matcher):
    """The trial asks for breast cancer: HER2-positive patients are admitted, but it does not require the status."""
    text = "Inclusion Criteria:\n* Breast cancer\nExclusion Criteria:\n* Renal failure\n"
    assert verdict("HER2 positive breast cancer", "required", text, tagger, matcher) == "cannot tell"
    assert verdict("HER2 positive breast cancer", "admitted", text, tagger, matcher) == "yes"
