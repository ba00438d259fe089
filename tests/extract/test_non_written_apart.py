"""A "non" written apart from the name it opens (issue 18): "Non small cell lung cancer" is the same
disease as "non-small cell lung cancer", but the tagger tags the bare "non" as a negation cue and the
concept it names as "small cell lung cancer", so the "non" was lost: an inclusion then asked for the
very cancer the trial turns away. A "non" that denies ("Non smokers") still denies. Each criterion
is real registry text (the issue's, ClinicalTrials.gov's)."""

import pytest

from tests.extract.reading import presences, rule_of


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Non small cell lung cancer stage IV", "Non small cell lung cancer stage IV"),
        ("Non localized prostate cancer.", "Non localized prostate cancer"),  # NCT01089387
        ("Non Hodgkin-Lymphoma", "Non Hodgkin-Lymphoma"),  # NCT01949129
        # a possessive is one word of the name, with either apostrophe
        ("Patients with non Hodgkin's lymphoma", "non Hodgkin's lymphoma"),
        ("Relapsed non Hodgkin’s lymphoma", "Relapsed non Hodgkin’s lymphoma"),  # the state stays on it too
        ("Non ST elevation myocardial infarction", "Non ST elevation myocardial infarction"),
    ],
)
def test_a_non_written_apart_stays_in_the_concept(tagger, text, concept):
    found = presences(rule_of(tagger, text, "inclusion"))
    assert concept in found and not found[concept].negated, found


def test_a_non_written_apart_in_a_list_stays_with_its_item(tagger):
    text = (  # NCT06062823, its third exclusion item
        "Have been diagnosed with another primary malignancy other than NSCLC, except for adequately treated"
        " non melanoma skin cancer or cervical cancer in situ; definitively treated non metastatic prostate"
        " cancer; or patients with another primary malignancy who are definitively relapse-free with at least"
        " 3 years elapsed since the diagnosis of the other primary malignancy."
    )
    found = presences(rule_of(tagger, text))
    assert "non metastatic prostate cancer" in found and "metastatic prostate cancer" not in found, found


def test_a_non_written_apart_that_denies_still_denies(tagger):
    found = presences(rule_of(tagger, "Non smokers"))
    assert found["smokers"].negated, found
