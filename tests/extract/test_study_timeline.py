"""Words of the study's own timeline say when a criterion applies, not what the patient has: "during
the therapy", "prior to starting therapy", "throughout the study", "prior to enrollment into the
study" leave no leaf, and no fragment of them is left to be a leaf of its own (a review leaf AND-ed
into an exclusion turns its met into unknown). Criteria are real ones (ClinicalTrials.gov)."""

import re

import pytest

from tests.extract.reading import presences, rule_of
from trialsieve.extract.lexicon import load
from trialsieve.extract.time_anchors import WINDOW
from trialsieve.rules import leaves


def _words(rule) -> list[str]:
    """The words of every leaf that is not a limit, nor the review of a window set by events (the
    anchor "during the therapy or between the end of your last therapy cycle and inclusion" is a window
    on the implant no record date places: test_time_anchors)."""
    found = []
    for leaf in leaves(rule):
        if leaf.type == "presence":
            found.append(leaf.concept.text)
        elif leaf.type == "unstructured" and leaf.reason != WINDOW:
            found.append(leaf.text)
    return found


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (  # NCT03319901: "history of therapy" asked of every patient, AND-ed into the exclusion
            "Systemic chemotherapy/radiotherapy/investigational therapy within 14 days (with the exception of "
            "hydroxyurea and/or dexamethasone, or one dose of cytarabine) prior to starting therapy",
            "radiotherapy",
        ),
        (  # NCT06501144: "therapy" was a leaf beside the implant
            "Obtained a penile implant during the therapy or between the end of your last therapy cycle and "
            "inclusion into this study",
            "penile implant",
        ),
        (  # NCT01442077: "into the study" was a review leaf beside the arrhythmia
            "History of heart attack, stroke, or life-threatening arrhythmia within 6 months prior to enrollment "
            "into the study.",
            "life-threatening arrhythmia",
        ),
        (  # NCT03510338: "for the duration of the study" was a review leaf
            "Subject has donated blood or experienced significant blood loss within 3 months of screening and "
            "for the duration of the study.",
            None,
        ),
        (  # NCT01117038: "throughout the study" was a review leaf
            "Use of any prescription or over-the-counter (OTC) medication, including herbal products, within the "
            "14 days prior to Day 1 and throughout the study.",
            None,
        ),
    ],
)
def test_the_study_timeline_leaves_no_leaf(tagger, text, kept):
    rule = rule_of(tagger, text)
    words = _words(rule)
    assert not [w for w in words if w.lower().startswith(("into ", "during ", "throughout ", "study", "trial"))]
    # "therapy" may stand for "investigational therapy" in its window; none without one is asked
    assert not [c for c, leaf in presences(rule).items() if c.lower() == "therapy" and leaf.temporal is None]
    assert not any("duration of" in w or "throughout" in w for w in words)
    if kept:
        assert any(kept in w for w in presences(rule))


def test_a_therapy_named_after_during_is_no_timeline():
    """ "during therapy with a PDE5 inhibitor" names a treatment; "the therapy" alone is the study's."""
    pattern = re.compile(load("cues")["study_events"]["pattern"], re.IGNORECASE)
    assert not pattern.search("dose-limiting adverse effects during therapy with a PDE5 inhibitor")  # NCT00769041
    assert pattern.search("penile implant during the therapy or between")  # NCT06501144
    # a phrase in the middle of a clause is not cut out: the words after it would be a leaf of their own
    assert not pattern.search("intention to become pregnant during the study period, as verified by self-report")


def test_prior_to_the_study_still_says_history(tagger):
    """Only the event is masked: "prior to" stays and still marks what was received as history."""
    text = "Subjects who have received systemic anti-tumor treatments prior to the initiation of the study treatment;"
    rule = rule_of(tagger, text)  # NCT06465238
    assert [leaf.qualifiers for leaf in presences(rule).values()] == [["history of"]]


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        # NCT06200987: "surgery" was a leaf AND-ed in: an incontinent man awaiting the operation was not excluded
        ("Urinary incontinent before surgery", "Urinary incontinent", "surgery"),
        ("Anorgasmia Prior to surgery", "Anorgasmia", "surgery"),  # NCT01742962
        # NCT06126874: a TURP was only asked together with the prostatectomy the study is about
        ("Bladder or other prostate surgery prior to prostatectomy,", "prostate surgery", "prostatectomy"),
        (  # NCT06317558
            "Radiotherapy or systemic therapy were used for NSCLC patients before the surgery.",
            "systemic therapy",
            "surgery",
        ),
    ],
)
def test_the_operation_the_study_is_about_leaves_no_leaf(tagger, text, kept, gone):
    """ "before surgery", "prior to prostatectomy": the operation says when; it is the study's, not a
    requirement that a patient awaiting it cannot meet."""
    found = presences(rule_of(tagger, text))
    assert any(kept in concept for concept in found)
    assert not [concept for concept in found if concept.lower().endswith(gone)]


def test_an_operation_after_which_something_happened_is_kept(tagger):
    """Only "prior to" and "before" say the time before the operation; after one, it is the patient's
    own past operation ("Prostate cancer after operation, radiotherapy and hormone therapy")."""
    pattern = re.compile(load("cues")["study_events"]["pattern"], re.IGNORECASE)
    text = "Prostate cancer after operation, radiotherapy and hormone therapy"  # NCT04116060
    assert pattern.search("Anorgasmia Prior to surgery")
    assert not pattern.search(text)
    assert "operation" in presences(rule_of(tagger, text))
    # a list going on after the comma: the surgery is one of the treatments not yet had (LCT NCT03925675)
    assert not pattern.search("glioma but before surgery, external beam radiation and /or chemotherapy")
    assert pattern.search("anti-tumor therapy before surgery, including chemotherapy, radiotherapy, and ablation")


@pytest.mark.parametrize(
    "text",
    [
        "History of drug, alcohol, or substance abuse within 12 months of entry.",  # NCT02503306 E14
        "Use of anabolic steroids within 6 months prior to recruitment.",
        "Myocardial infarction within 6 months before inclusion in the study.",
    ],
)
def test_entry_recruitment_and_inclusion_are_the_studys_own_events(tagger, text):
    """'of entry' was a review leaf AND-ed over the abuse it dated."""
    rule = rule_of(tagger, text)
    assert all(leaf.type == "presence" and leaf.temporal is not None for leaf in leaves(rule)), rule
