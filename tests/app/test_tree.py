from trialsieve.app.tree import tree


def test_care_ssc_inclusion_2_reads_as_its_logic(care_ssc):
    rule = next(c.rule for c in care_ssc.criteria if c.id == "I2")
    lines = tree(rule).splitlines()
    assert lines[0] == "any of"
    assert "├─ all of" in lines[1] and any("mRss > 20" in line for line in lines)
    assert any("└─ at least 1 of" in line for line in lines)
    assert any("hemoglobin < 11 g/dL" in line for line in lines)


def test_roles_and_exceptions_read_as_words():
    from trialsieve.rules import All, Concept, Presence

    base = Presence(
        concept=Concept(text="malignancy", kind="condition"),
        excepted=[Concept(text="basal cell carcinoma", kind="condition")],
        span=(0, 10),
    )
    exception = Presence(
        concept=Concept(text="basal cell carcinoma", kind="condition"), negated=True, role="exception", span=(24, 44)
    )
    assert tree(All(args=[base, exception])).splitlines() == [
        "all of",
        "├─ malignancy [condition] except basal cell carcinoma",
        "└─ (excepted: basal cell carcinoma)",
    ]


def test_every_role_reads_as_words():
    """A role the rule model allows and the tree has no words for broke the Explore tab and `structure`'s tree."""
    from typing import get_args

    from trialsieve.rules import Concept, Presence

    literal, _none = get_args(Presence.model_fields["role"].annotation)
    for role in get_args(literal):
        leaf = Presence(concept=Concept(text="insulin glargine", kind="drug"), role=role, span=(0, 16))
        assert tree(leaf).startswith("(") and "insulin glargine" in tree(leaf), role


def test_a_long_leaf_goes_on_below_itself_under_the_trees_guides():
    """The explorer's panel is about 66 characters wide: a leaf longer than the line is wrapped, not cut."""
    from trialsieve.rules import All, Concept, Presence

    long = Presence(
        concept=Concept(
            text="malignancy of any organ system treated or untreated within the past five years", kind="condition"
        ),
        span=(0, 10),
    )
    lines = tree(All(args=[long, All(args=[long, long])]), width=50).splitlines()
    assert all(len(line) <= 50 for line in lines)
    assert lines[1].startswith("├─ malignancy") and lines[2].startswith("│    ")  # the branch's guide goes on
    first = lines[1 : lines.index("└─ all of")]  # the first leaf, on as many lines as it takes
    assert " ".join(line.strip("│├└─ ") for line in first) == long.concept.text + " [condition]"
    assert tree(long) == long.concept.text + " [condition]"  # no width: one line, as before


def test_a_criterion_that_asks_nothing_reads_so_not_as_review():
    """ "None" in an exclusion asks nothing: the tree must not show it as waiting for a person."""
    from trialsieve.extract.structure import structure_text

    shown = tree(structure_text("None", section="exclusion").rule)
    assert shown == "asks nothing: None" and "review" not in shown
