"""A body site written right before a concept is part of it, and a bare head after such an item takes
its site (real ClinicalTrials.gov text, issue 18). "History of spinal cord injury" was read as
"injury", any injury at all (the word matcher finds none in a sprained ankle's record by luck of its
generic-word rule; a code or an embedding would); "History of prostate surgery and/or trauma" asked
about any trauma."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of

SPINAL = "History of spinal cord injury"  # NCT03102398 E2.25, and some twenty ED trials
PROSTATE = "History of prostate surgery and/or trauma"


@pytest.mark.parametrize(
    ("text", "concept"),
    [(SPINAL, "spinal cord injury"), ("History of head injury", "head injury"), ("Spinal cord injury", None)],
)
def test_a_site_before_a_concept_is_part_of_it(tagger, text, concept):
    names = [name.removeprefix("history of ").lower() for name in presences(rule_of(tagger, text))]
    assert names == [(concept or text).lower()]


@pytest.mark.parametrize(
    ("text", "taken"),
    [
        (PROSTATE, {"prostate surgery", "prostate trauma"}),
        ("Previous penile or pelvic surgery/trauma", {"penile surgery", "pelvic surgery", "pelvic trauma"}),
        (
            "Polyneuropathy, spinal cord trauma or injury",
            {"Polyneuropathy", "spinal cord trauma", "spinal cord injury"},
        ),
    ],
)
def test_a_bare_head_after_a_sited_item_takes_its_site(tagger, text, taken):
    names = {name.removeprefix("history of ") for name in presences(rule_of(tagger, text))}
    assert names == taken


def test_only_a_head_that_takes_a_site_takes_it(tagger):
    assert set(presences(rule_of(tagger, "Breast cancer or stroke"))) == {"Breast cancer", "stroke"}


@pytest.mark.parametrize(
    "text",
    [
        "pelvic, spine, brain trauma or surgery;",  # NCT01815593 E2: not brain surgery alone
        "History of spinal, pelvic, or femur surgery or previous fracture, neoplasm",  # NCT05921747 E5
    ],
)
def test_the_last_of_a_list_of_sites_is_not_the_only_site(tagger, text):
    # the list's surgery is at any of its sites; giving it the last one alone let a spinal surgery through
    assert "surgery" in presences(rule_of(tagger, text))


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Cancer metastatic to the brain", "Cancer metastatic to the brain"),
        (
            "Patients with a primary Central Nervous System (CNS) tumor or tumor metastatic to the CNS",  # NCT05838768
            "tumor metastatic to the CNS",
        ),
    ],
)
def test_where_a_cancer_has_spread_stays_on_it(tagger, text, concept):
    """Read as the cancer alone, any cancer met an exclusion of brain metastases."""
    assert concept in presences(rule_of(tagger, text))
    prostate = [{"kind": "condition", "text": "Primary malignant neoplasm of prostate", "date": "2020-01-01"}]
    assert verdict_of(tagger, "Exclusion", text, prostate) != "met"


def test_bare_sites_listed_after_a_procedure_on_a_site_are_where_else_it_was_done(tagger):
    """NCT06504472 E4: the prostate, bladder and urethra had been reviews of words that name nothing."""
    found = presences(rule_of(tagger, "Previous surgery on the genitals, prostate, bladder, or urethra"))
    assert {"surgery on the prostate", "surgery on the bladder", "surgery on the urethra"} <= set(found)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        # NCT05880823 E4: a urinary tract infection met "infection at the operative site"
        ("Active systemic infection or infection at the operative site", "infection at the operative site"),
        # NCT02390960 E27: a spinal-cord lesion met "lesions in the penile area"
        ("Skin breaks, dermatoses, or lesions in the penile area", "lesions in the penile area"),
        (
            "Open wound or any neurological abnormalities in the treatment area",
            "neurological abnormalities in the treatment area",
        ),
    ],
)
def test_a_site_written_after_a_concept_stays_on_it(tagger, text, concept):
    names = [name.lower() for name in presences(rule_of(tagger, text))]
    assert concept in names and not {"infection", "lesions", "neurological abnormalities"} & set(names)
