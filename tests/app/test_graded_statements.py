"""Statements that name a concept with a grade or a stage, judged from the words of the trial's criteria: the
statements are NLI4CT's (train part) or written beside them, the criterion lines are those trials' own."""

from trialsieve.app.graded_statements import judge_graded, judge_graded_requirement, read_graded
from trialsieve.app.requirements import Judgement, StatedRequirement, judge

#: NCT00829166's exclusions, cut to the lines the tests read
NEUROPATHY = """Inclusion Criteria:
* Histologically or cytologically confirmed invasive breast cancer
Exclusion Criteria:
* History of treatment with trastuzumab emtansine
* Peripheral neuropathy of Grade >/= 3 per National Cancer Institute Common Terminology Criteria for Adverse Events \
(NCI-CTCAE), Version 3.0
* History of intolerance (such as Grade 3-4 infusion reaction) to trastuzumab
"""
#: NCT00317603, cut to the lines the tests read
STAGE_IV = """Inclusion Criteria:
* Histologically confirmed Stage IV breast cancer
* ECOG performance status 0 or 1
* Estimated life expectancy of greater than or equal to 6 months
* 18 years of age or older
Exclusion Criteria:
* Pregnant or nursing mothers
"""
#: NCT00932373: the registry's text lost the comparator of "Grade ≥ 2"
LOST = """Exclusion Criteria:
* Symptomatic brain metastases
* Grade  2 peripheral neuropathy
"""


def written(text: str, tagger):
    from trialsieve.extract.structure import structure_trial
    from trialsieve.trial import Trial

    return structure_trial(Trial(id="NCT99999999", criteria_text=text, source="test"), tagger)


def test_grades_are_read_the_same_way_in_statements_and_criteria():
    """A list, a range, a comparator before or after the scale, Roman numerals, "or above" after the concept; the
    concept is the other words less filler and the grading system's reference."""
    assert read_graded("Female patients with Peripheral neuropathy grade 3 or 4").values == {3, 4}
    assert read_graded("Patients with Grade III peripheral neuropathy or above").values == {3, 4, 5}
    assert read_graded("have histologically confirmed stage 3 or above breast cancer").values == {3, 4}
    assert read_graded("Patients with stage I, II, III or IV breast cancer").values == {1, 2, 3, 4}
    criterion = read_graded("Peripheral neuropathy of Grade >/= 3 per National Cancer Institute (NCI-CTCAE)", True)
    assert criterion is not None and criterion.values == {3, 4, 5}
    assert criterion.words == ("peripheral", "neuropathy")
    assert read_graded("ongoing or active infection >grade 2.", True).values == {3, 4, 5}
    assert read_graded("Grade 3-4 infusion reaction", True).values == {3, 4}


def test_a_grade_whose_comparator_was_lost_is_not_read():
    """ "Grade  2 peripheral neuropathy": the registry's "≥" is gone, so which grades it means is unknown."""
    assert read_graded("Grade  2 peripheral neuropathy", True) is None


def test_grades_inside_an_excluded_range_are_excluded(tagger):
    """NLI4CT: "Female patients with Peripheral neuropathy grade 3 or 4 are excluded from the primary trial."
    (Entailment): the trial excludes grade 3 and over. Grade 1 or 2 neuropathy is not excluded by it, nor is it
    admitted when grade 4 is among those said."""
    trial = written(NEUROPATHY, tagger)
    judged = judge_graded("Female patients with Peripheral neuropathy grade 3 or 4", "excluded", trial)
    assert judged.verdict == "yes"
    assert judged.parts[0].criteria == ("E2",)
    assert judge_graded("Patients with grade 1 or 2 peripheral neuropathy", "excluded", trial).verdict == "no"
    assert judge_graded("Patients with grade 1 or 2 peripheral neuropathy", "admitted", trial).verdict == "yes"
    assert judge_graded("Patients with grade 2 to 4 peripheral neuropathy", "admitted", trial).verdict == "cannot tell"
    assert judge_graded("Patients with grade 4 peripheral neuropathy", "admitted", trial).verdict == "no"
    # who they are ("Men with ...") may rule them out whatever the grade: never said to be taken
    assert judge_graded("Men with grade 1 peripheral neuropathy", "admitted", trial).verdict == "cannot tell"
    assert judge_graded("Men with grade 4 peripheral neuropathy", "admitted", trial).verdict == "no"


def test_another_concept_or_a_condition_beside_the_grade_is_not_judged(tagger):
    """Sensory neuropathy is not the criterion's peripheral neuropathy, word for word; "within the last month"
    is a time the grade does not settle; the lost comparator decides nothing."""
    trial = written(NEUROPATHY, tagger)
    assert judge_graded("Patients with grade 3 sensory neuropathy", "excluded", trial).verdict == "cannot tell"
    stated = "Patients with grade 3 peripheral neuropathy within the last month"
    assert judge_graded(stated, "excluded", trial).verdict == "cannot tell"
    lost = written(LOST, tagger)
    assert judge_graded("Patients with Grade III peripheral neuropathy or above", "excluded", lost).verdict == (
        "cannot tell"
    )


def test_a_requirement_of_several_clauses_with_a_stage(tagger):
    """NLI4CT: "Participants of the primary trial must be older than 18, have histologically confirmed stage 4
    breast cancer, ECOG<2 and a life expectancy exceeding 6 months." (Entailment) and the same with "stage 3 or
    above" (Contradiction: the trial takes stage IV only)."""
    trial = written(STAGE_IV, tagger)

    def clause(text: str) -> Judgement:
        return judge(StatedRequirement(text), trial, tagger)

    four = "be older than 18, have histologically confirmed stage 4 breast cancer, ECOG<2 and a life expectancy "
    assert judge_graded_requirement(four + "exceeding 6 months", trial, clause).verdict == "yes"
    three = four.replace("stage 4", "stage 3 or above")
    judged = judge_graded_requirement(three + "exceeding 6 months", trial, clause)
    assert judged.verdict == "no"
    assert [p.criteria for p in judged.parts] == [("I1",)]
    unread = four.replace("breast cancer", "triple negative breast cancer")
    assert judge_graded_requirement(unread + "exceeding 6 months", trial, clause).verdict == "cannot tell"
