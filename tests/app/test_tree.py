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
