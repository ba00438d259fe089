from trialsieve.app.tree import tree


def test_care_ssc_inclusion_2_reads_as_its_logic(care_ssc):
    rule = next(c.rule for c in care_ssc.criteria if c.id == "I2")
    lines = tree(rule).splitlines()
    assert lines[0] == "any of"
    assert "├─ all of" in lines[1] and any("mRss > 20" in line for line in lines)
    assert any("└─ at least 1 of" in line for line in lines)
    assert any("hemoglobin < 11 g/dL" in line for line in lines)
