"""A score written as the list of its allowed values: "ECOG performance status 0 or 1" is the range
ECOG 0-1 (trialsieve/extract/scales.py, lexicons/scales.json). Texts are real registry criteria."""

import pytest

from trialsieve.extract import scales
from trialsieve.extract.flat import constraints
from trialsieve.extract.grammar import find_limits
from trialsieve.extract.structure import structure_text


def limits(text):
    return [(text[lim.start : lim.end], lim.operator, lim.value, lim.value2) for lim in find_limits(text)]


def bounds(text):
    """(variable, operator, value, value2) of each limit the criterion's rule sets."""
    rule = structure_text(text, "inclusion").rule
    return [(text[b["start"] : b["end"]], b["operator"], b["value"], b["value2"]) for b in constraints(rule)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ECOG performance status of 0 or 1.", [("0 or 1", "between", 0, 1)]),
        ("Eastern Cooperative Oncology Group (ECOG) status 0 or 1.", [("0 or 1", "between", 0, 1)]),
        ("Performance status (PS) of 0 or 1", [("0 or 1", "between", 0, 1)]),
        ("WHO performance status of 0, 1, or 2.", [("0, 1, or 2", "between", 0, 2)]),
        ("Zubrod Performance Status of 0,1, or 2", [("0,1, or 2", "between", 0, 2)]),  # not the decimal 0.1
        ("ECOG performance status 0/1", [("0/1", "between", 0, 1)]),
        ("ECOG Performance status 0 and 1", [("0 and 1", "between", 0, 1)]),
        ("EGOG Performance status 3 or 4.", [("3 or 4", "between", 3, 4)]),
        ("Eastern Cooperative Oncology Group (ECOG) = 0 or 1.", [("= 0 or 1", "between", 0, 1)]),
        ("ECOG Performance Status equal to 3 or 4", [("equal to 3 or 4", "between", 3, 4)]),
        (
            "Eastern Cooperative Oncology Group (ECOG) Performance Status (APPENDIX 4) of 0 or 1",
            [("0 or 1", "between", 0, 1)],
        ),
        (
            "Subjects must have a Performance Status Score (Southwest Oncology Group [SWOG]/Zubrod Scale) = 0, 1 or 2",
            [("= 0, 1 or 2", "between", 0, 2)],
        ),
        ("Karnofsky performance status 90 or 100", [("90 or 100", "between", 90, 100)]),  # steps of 10
        # what is no list of consecutive steps of a score stays as it was
        ("ECOG performance status 0 or 2", []),  # a step skipped: no range
        ("Karnofsky performance status 80 or 81", []),
        ("ECOG performance status 5 or 6", []),  # past the top of the scale
        ("Have received 1 or 2 prior chemotherapy regimens for metastatic disease", []),  # a count
        ("Stage 2 or 3 breast cancer", []),
        ("CTC grade 3 or 4 hypersensitivity", []),
        ("WHO grade 2 or 3 glioma", []),  # a WHO grade is no performance status
        ("ECOG performance status of 0 or 1.5", []),
        ("ECOG 2 or less", [("2 or less", "<=", 2, None)]),  # a comparator after it: read as before
        # one value with no comparator is that value: read as no limit, any score on record met it
        ("ECOG performance status of 2", [("2", "=", 2, None)]),
        ("Gleason score 7", [("7", "=", 7, None)]),
        ("Karnofsky performance status of 70", [("70", "=", 70, None)]),
        ("Karnofsky performance status of 75", []),  # no step of the scale
        ("Gleason score 3+4", []),  # the pattern's parts, no sum
        ("excluding tumor with Gleason score 7 (4 + 3)", []),  # NCT03830788: a sum made one way, not any 7
        ("ECOG performance status 2 years ago", []),
    ],
)
def test_score_lists_are_ranges(text, expected):
    assert limits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ECOG performance status of 0 or 1.", [("ECOG performance status", "between", 0, 1)]),
        (
            "Eastern Cooperative Oncology Group (ECOG) performance status 0, 1, or 2",
            [("Eastern Cooperative Oncology Group (ECOG) performance status", "between", 0, 2)],
        ),
        (
            "The patient must have a life expectancy of at least 10 years and a Zubrod performance status of 0 or 1.",
            [
                ("life expectancy", ">=", 10, None),
                ("Zubrod performance status", "between", 0, 1),
            ],
        ),
        (
            "ECOG performance status of 0 or 1(age ≥ 16 years) or Lansky (age \\< 16 years) performance status ≥ 50;",
            [
                ("ECOG performance status", "between", 0, 1),
                ("age", ">=", 16, None),
                ("age", "<", 16, None),
                ("performance status", ">=", 50, None),
            ],
        ),
    ],
)
def test_score_lists_bound_their_score(text, expected):
    assert bounds(text) == expected


@pytest.mark.parametrize(
    ("listed", "ranged"),
    [
        ("ECOG performance status of 0 or 1.", "ECOG performance status of 0-1."),
        ("WHO performance status 0, 1 or 2", "WHO performance status 0-2"),
        (
            "Eastern Cooperative Oncology Group (ECOG) Performance Status (PS) 0 or 1.",
            "Eastern Cooperative Oncology Group (ECOG) Performance Status (PS) 0-1.",
        ),
    ],
)
def test_a_list_reads_as_its_range(listed, ranged):
    """The same tree as the range written with a hyphen, so nothing downstream needs to know the list."""
    (a,), (b,) = (constraints(structure_text(t, "inclusion").rule) for t in (listed, ranged))
    assert (a["operator"], a["value"], a["value2"]) == (b["operator"], b["value"], b["value2"])


def test_the_lexicon_is_checked():
    good = {"scale": "ECOG", "names": ["ECOG"], "lowest": 0, "highest": 5, "step": 1}
    assert scales._scales({"scales": [good]})[0].step == 1
    for bad in ({**good, "step": 0}, {**good, "stepp": 1}):
        with pytest.raises(ValueError, match=r"scales\.json"):
            scales._scales({"scales": [bad]})


@pytest.mark.parametrize("written", ["0 or 1", "0-1"])
def test_an_item_number_glued_to_a_word_starts_the_variable(written):
    """Items numbered inline ("3.Chemotherapy-naive 4.ECOG ..."): the limit's variable starts after "4.", it does
    not run back over the items before it (trialsieve/extract/variables.py)."""
    text = (
        "  -  1.Histologically confirmed pancreatic adenocarcinoma 2.Locally advanced or metastatic PC "
        f"3.Chemotherapy-naïve 4.ECOG performance status of {written}"
    )
    assert bounds(text) == [("ECOG performance status", "between", 0, 1)]
