"""An investigator's judgment after a list qualifies every item of it (issue 18), on real
ClinicalTrials.gov criteria as ``check`` structures them: a patient with heart failure is not
excluded outright by "Impairment of heart, hepatic or renal function to such an extent that ... in
the opinion of the investigator" (NCT05335226), whose "heart" was a leaf of its own and excluded
every impaired heart; someone must judge the extent. After a generic item ("or any condition that
in the opinion of the investigator ...") the item before stays a leaf: a stroke still excludes."""

import pytest

from tests.extract.reading import verdict_of
from trialsieve.extract.structure import structure_text
from trialsieve.rules import leaves

DATE = "2026-11-01"
IMPAIRMENT = (
    "Impairment of heart, hepatic or renal function to such an extent that the patient, in the opinion of the "
    "investigator, will be exposed to an excessive risk if entered into this clinical study"
)
STROKE = "History of stroke or any condition that in the opinion of the investigator would interfere with the study"


@pytest.mark.parametrize(
    ("criterion", "facts", "verdict"),
    [
        (IMPAIRMENT, [("condition", "chronic heart failure", True)], "needs_review"),
        (
            "Cardiac disease or hypertension that in the opinion of the investigator makes participation unsafe",
            [("condition", "essential hypertension", True)],
            "needs_review",
        ),
        (STROKE, [("condition", "stroke", True)], "met"),
        (  # NCT04326231 E1: items that share the generic head are judged with it
            "Participants with any other medical, behavioral, or developmental condition that in the opinion of the "
            "investigator may confound study data/assessments.",
            [("condition", "behavioral condition", True)],
            "needs_review",
        ),
        (  # NCT04747912 E18: a generic item before a generic item is judged with it
            "Other severe acute, chronic medical, psychiatric condition, or laboratory abnormality that may increase "
            "the risk associated with study participation and, in the judgment of the Study Lead Principal "
            "Investigator, would make the patient inappropriate for entry into this study.",
            [("condition", "chronic psychiatric condition", True)],
            "needs_review",
        ),
    ],
)
def test_a_judgment_after_a_list_is_a_person_s_call(tagger, criterion, facts, verdict):
    recorded = [{"kind": kind, "text": text, "present": present, "date": DATE} for kind, text, present in facts]
    assert verdict_of(tagger, "Exclusion", criterion, recorded) == verdict


def test_the_list_before_a_judgment_stays_whole_and_a_generic_item_cuts_it():
    judged = leaves(structure_text(IMPAIRMENT, section="exclusion").rule)
    assert [leaf.type for leaf in judged] == ["unstructured"]
    assert judged[0].text.startswith("Impairment of heart, hepatic or renal function")
    cut = leaves(structure_text(STROKE, section="exclusion").rule)
    assert [leaf.type for leaf in cut] == ["presence", "unstructured"]
    assert "stroke" in cut[0].concept.text
    # an item with a reason of its own is its own: the judgment is of the inability, not the allergy
    allergy = "Known allergy to penicillin or inability to tolerate the study drug as judged by the investigator"
    assert [leaf.type for leaf in leaves(structure_text(allergy, section="exclusion").rule)] == [
        "presence",
        "unstructured",
    ]
    # a person named alone judges nothing: the consent's "or" still cuts (TrialGPT, a real criterion)
    consent = leaves(structure_text("Informed consent obtained by PI or sub-investigator either in person").rule)
    assert len(consent) == 2
