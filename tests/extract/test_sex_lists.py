"""A sex list written before a limit says whom the limit is for (issue 18): "Male or female ≥ 18
years of age" is every sex at 18 or older, not "any male, or a woman of 18", and "Men, at least 18
years of age" is a man of 18 or older, not "a man, or anyone of 18". A limit for each sex ("QTcF
≤ 450 ms for men and ≤ 470 ms for women") still switches on sex."""

import pytest

from trialsieve.extract.relations import default_model
from trialsieve.extract.structure import structure_text


def _rule(tagger, text: str, section: str = "inclusion"):
    return structure_text(text, section, tagger.tag([text])[0], default_model()).rule


def _read(rule) -> tuple:
    """(sex, age operator, age value) of an all(sex, age)."""
    assert rule.type == "all", rule
    sex, age = rule.args
    assert (sex.attribute, age.attribute) == ("sex", "age")
    return sex.value_text, age.operator, age.value


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("Male or female ≥ 18 years of age", ("all", ">=", 18.0)),  # NCT04318938
        ("Men, at least 18 years of age", ("male", ">=", 18.0)),  # NCT00215631
        ("Male, at least 19 years of age", ("male", ">=", 19.0)),  # NCT01037244
        ("Patient, male or female, over 18 years old", ("all", ">", 18.0)),  # NCT06448416
        ("Men or women aged over 19 years", ("all", ">", 19.0)),  # NCT03386149
        ("Male or female subjects ≥ 45 years of age.", ("all", ">=", 45.0)),  # NCT05587465
    ],
)
def test_the_sexes_before_an_age_are_whom_it_is_for(tagger, text, reading):
    assert _read(_rule(tagger, text)) == reading


def test_the_sexes_and_their_age_are_asked_beside_the_rest(tagger):
    text = (  # NCT00215631
        "Men, at least 18 years of age, willing to participate in the study and willing to regularly "
        "attempt sexual activity."
    )
    rule = _rule(tagger, text)
    assert rule.type == "all"
    assert [a.type for a in rule.args] == ["demographic", "demographic", "unstructured"]
    assert [a.attribute for a in rule.args[:2]] == ["sex", "age"]


@pytest.mark.parametrize(
    "text",
    [
        "QTcF ≤ 450 ms for men and ≤ 470 ms for women",
        "Male ≥ 50 kg, female ≥ 45 kg body weight",
        "Men aged 18-65 or women aged 18-50",
    ],
)
def test_a_limit_for_each_sex_still_switches_on_sex(tagger, text):
    rule = _rule(tagger, text)
    switch = rule if rule.type == "any" else rule.args[0]
    assert switch.type == "any"
    assert [(a.type, a.args[0].value_text) for a in switch.args] == [("all", "male"), ("all", "female")]


def test_a_sex_before_what_is_no_limit_is_asked_as_written(tagger):
    rule = _rule(tagger, "Men, who cannot talk, read ore write Danish.", "exclusion")  # NCT03880994
    assert rule.type == "all"
    assert rule.args[0].type == "demographic" and rule.args[0].value_text == "male"
