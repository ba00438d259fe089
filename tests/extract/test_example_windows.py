"""A category and its examples share what is written after the list: "anti-tumor therapy such as
chemotherapy, radiotherapy or immunotherapy within 4 weeks before enrollment" asks for recent
anti-tumor therapy, not any ever received. And "anti-" stays on the concept it is written before:
an anti-tumor therapy is no tumour. Criteria are real registry text (issue 18); each test failed
before its fix."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.extract.agents import with_prefix
from trialsieve.rules import Entity


def _windows(rule) -> dict:
    return {name: (leaf.temporal.text if leaf.temporal else None) for name, leaf in presences(rule).items()}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # issue 18, seen on a registry record
        (
            "anti-tumor therapy such as chemotherapy, radiotherapy or immunotherapy within 4 weeks before enrollment",
            "anti-tumor therapy",
        ),
        (  # NCT01562210
            "Anti-cancer therapy including chemotherapy, radiotherapy, endocrine therapy, immunotherapy or use of "
            "other investigational agents within the 3 weeks prior to start of therapy",
            "Anti-cancer therapy",
        ),
        # NCT05850520: the cue and its commas are read with the category's phrase
        (
            "Any intraocular surgery, including cataract surgery, within 12 weeks (84 days) before the screening "
            "visit.",
            "intraocular surgery",
        ),
        # NCT05822999: in a list of examples "and" joins alternatives too
        (
            "received continuous psychotherapy such as CBT, motivational enhancement therapy, psychotherapy, and "
            "psychoanalysis in the past 3 months",
            "psychotherapy",
        ),
    ],
)
def test_a_window_after_the_examples_bounds_the_category_too(tagger, text, category):
    windows = _windows(rule_of(tagger, text))
    assert category in windows and len(windows) >= 2 and all(windows.values()), windows


def test_a_category_with_its_examples_in_brackets_is_one_item_of_the_list(tagger):
    # NCT05282459: the window after G-CSF bounds the erythropoietic agents and their examples
    windows = _windows(
        rule_of(
            tagger,
            "Use of concurrent other erythropoietic agents (including epoetin, darbepoetin), G-CSF within 30 days "
            "of study enrollment",
        )
    )
    named = {name.split()[-1]: window for name, window in windows.items()}
    assert {"agents", "epoetin", "darbepoetin", "G-CSF"} <= set(named) and all(named.values()), windows


def test_a_history_of_the_category_is_bounded_with_its_examples(tagger):
    # "history of" is read once for the category and its examples, as for a list written as one
    windows = _windows(
        rule_of(tagger, "History of cardiovascular disease such as myocardial infarction or stroke within 6 months")
    )
    assert set(windows) == {"cardiovascular disease", "myocardial infarction", "stroke"} and all(windows.values())


def test_a_window_before_the_examples_bounds_them(tagger):
    # the window is written before the bracket of examples; an example cue opening the bracket is an example
    rule = rule_of(tagger, "Chemotherapy within 4 weeks (e.g. cisplatin)")
    assert rule.type == "any" and _windows(rule) == {"Chemotherapy": "within 4 weeks", "cisplatin": "within 4 weeks"}


def test_examples_of_what_an_exception_leaves_share_the_window(tagger):
    # NCT05751044: a CAR-T therapy years ago is no reason to exclude; one three weeks ago is
    criterion = (
        "IMMUNOTHERAPY: At least 42 days must have elapsed after the completion of any type of immunotherapy"
        " other than monoclonal antibodies (e.g. CAR-T therapy)"
    )
    assert _windows(rule_of(tagger, criterion))["CAR-T therapy"], rule_of(tagger, criterion)
    long_ago = [{"kind": "procedure", "text": "CAR-T therapy", "date": "2024-01-10"}]
    recent = [{"kind": "procedure", "text": "CAR-T therapy", "date": "2026-11-10"}]
    assert verdict_of(tagger, "Exclusion", criterion, long_ago) != "met"
    assert verdict_of(tagger, "Exclusion", criterion, recent) == "met"


def _spans(text: str, tagged: list[tuple[str, str]]) -> list[tuple[str, str]]:
    entities = [
        Entity(type=kind, start=(s := text.index(words)), end=s + len(words), text=words) for words, kind in tagged
    ]
    return [(e.text, e.type) for e in with_prefix(text, entities)]


@pytest.mark.parametrize(
    ("text", "tagged", "read"),
    [
        # what the shipped tagger names in each, and what the concept is
        ("anti-tumor therapy within 4 weeks", [("tumor therapy", "procedure")], [("anti-tumor therapy", "procedure")]),
        (
            "Anti-cancer therapy within 3 weeks",
            [("cancer", "condition"), ("therapy", "procedure")],
            [("Anti-cancer therapy", "procedure")],
        ),
        ("prior anti tumor treatment", [("tumor", "condition")], [("anti tumor treatment", "procedure")]),
        (
            "anti-GVHD therapy",
            [("anti", "procedure"), ("GVHD therapy", "procedure")],
            [("anti-GVHD therapy", "procedure")],
        ),
        ("Current anti-TNF treatment", [("TNF treatment", "procedure")], [("anti-TNF treatment", "procedure")]),
        # already whole, or no prefix: unchanged
        ("anti-VEGF therapy", [("anti-VEGF therapy", "procedure")], [("anti-VEGF therapy", "procedure")]),
        ("antibody-mediated rejection", [("rejection", "condition")], [("rejection", "condition")]),
    ],
)
def test_an_agent_prefix_stays_on_its_concept(text, tagged, read):
    assert _spans(text, tagged) == read


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Anti-cancer therapy within 3 weeks prior to start of therapy", "Anti-cancer therapy"),
        ("Prior anti tumor treatment within 28 days", "anti tumor treatment"),
    ],
)
def test_an_anti_cancer_therapy_is_no_cancer(tagger, text, concept):
    found = presences(rule_of(tagger, text))
    assert concept in found and found[concept].concept.kind == "procedure"
    assert not any(leaf.concept.kind == "condition" for leaf in found.values()), found


def test_an_examples_own_bracket_of_examples_does_not_end_the_list(tagger):
    """NCT04691388 E27: the list of examples went on after the first example's own "(including ...)", and a deep
    vein thrombosis years ago excluded; a bracket of other names ("Risperidone (Risperdal)") still ends it."""
    text = (
        "Arterial/venous thrombosis events that occurred within 6 months, such as cerebrovascular accidents "
        "(including temporary ischemic attacks, cerebral hemorrhage, cerebral infarction), deep vein thrombosis and "
        "pulmonary embolism;"
    )
    windows = _windows(rule_of(tagger, text))
    assert windows["deep vein thrombosis"] and windows["pulmonary embolism"] == windows["cerebral hemorrhage"]
    old = [{"kind": "condition", "text": "Deep venous thrombosis", "date": "2019-05-01"}]
    assert verdict_of(tagger, "Exclusion", text, old, age=60, sex="male") != "met"
