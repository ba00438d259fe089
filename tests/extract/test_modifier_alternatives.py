"""An "or" or "/" inside a modifier is no list of the whole phrase (issue 18, real ClinicalTrials.gov
text): "TCM treatment for diabetes or pre-diabetes" had a bare diabetes leaf that excluded every
diabetic from a diabetes study, "mixed small cell/non-small cell histology" a bare non-small cell leaf
that excluded every NSCLC patient from an NSCLC trial, "Phe104Leu/Cys mutations" a bare "Cys
mutations". A word joined by a hyphen is part of the concept after it ("pre-diabetes" is not diabetes),
a mixture is one thing, and a protein change with alternative residues is one change."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of

TCM = "Subjects undergoing TCM treatment for diabetes or pre-diabetes within 1 week"  # NCT05563090 E9
MIXED = "Evidence of small cell carcinoma, carcinoid, or mixed small cell/non-small cell histology."  # NCT00576225


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        (TCM, ["TCM treatment for diabetes", "TCM treatment for pre-diabetes"]),
        (MIXED, ["small cell carcinoma", "carcinoid", "mixed small cell/non-small cell histology"]),
        (  # NCT04691388 E1
            "Small cell lung cancer (including mixed small cell lung cancer and non-small cell lung cancer);",
            ["Small cell lung cancer", "mixed small cell lung cancer and non-small cell lung cancer"],
        ),
        (  # NCT04007835 E1
            "Small cell lung cancer (including Small cell lung cancer mixed with non-small cell lung cancer);",
            ["Small cell lung cancer", "Small cell lung cancer mixed with non-small cell lung cancer"],
        ),
        ("Extra-cardiac illness", ["Extra-cardiac illness"]),
        (
            "Post-traumatic headache or post-concussion syndrome",
            ["Post-traumatic headache", "post-concussion syndrome"],
        ),
    ],
)
def test_the_alternative_stays_inside_its_phrase(tagger, text, concepts):
    found = presences(rule_of(tagger, text))
    assert sorted(found) == sorted(concepts), found


def test_a_prefix_joined_by_a_hyphen_is_part_of_the_concept(tagger):
    text = (  # NCT06299332 E12
        "Current or history of skin cancer, or current condition of any other type of cancer, or pre-malignant "
        "moles in the facial area"
    )
    found = presences(rule_of(tagger, text))
    assert "pre-malignant moles in the facial area" in found and "malignant moles in the facial area" not in found


def test_a_protein_change_with_alternative_residues_is_one_change(tagger):
    text = "BCL2 mutations of venetoclax binding-site (Gly101Val mutation, Phe104Leu/Cys mutations)"  # NCT05745714
    found = presences(rule_of(tagger, text))
    assert "Phe104Leu/Cys mutations" in found and "Cys mutations" not in found, found


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Post-prostatectomy", "prostatectomy"),  # the event, done: its record answers
        ("Non-smoker", "smoker"),  # "non-" denies, as before
        ("Anti-cancer therapy within 4 weeks", "Anti-cancer therapy"),  # "anti-" makes an agent, as before
    ],
)
def test_words_read_on_their_own_stay_apart(tagger, text, concept):
    assert concept in presences(rule_of(tagger, text))


def test_a_mixture_or_list_item_joined_by_or_is_still_two(tagger):
    found = presences(rule_of(tagger, "Uncontrolled Mixed Dyslipidemia or under Hypolipemiant Treatment"))
    assert "Mixed Dyslipidemia" in found and not any("Hypolipemiant" in name and "Mixed" in name for name in found)


def test_a_definition_that_lists_things_is_no_yardstick(tagger):
    rule = rule_of(tagger, "Subjects with pre-operative urinary incontinence defined as use of pads or adult diapers;")
    assert rule.type == "any", rule  # the pads or the diapers, never all(incontinence, diapers)


def test_a_diabetic_is_not_excluded_for_the_treatment_of_pre_diabetes(tagger):
    diabetic = [{"kind": "condition", "text": "type 2 diabetes mellitus", "date": "2020-01-10"}]
    assert verdict_of(tagger, "Exclusion", TCM, diabetic, presume=True) == "not_met"


def test_a_non_small_cell_patient_is_not_excluded_for_a_mixed_histology(tagger):
    nsclc = [{"kind": "condition", "text": "non-small cell histology", "date": "2025-01-10"}]
    assert verdict_of(tagger, "Exclusion", MIXED, nsclc, presume=True) == "not_met"
