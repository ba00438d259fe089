"""A model's numbers are checked against the text as the grammar reads the text."""

from trialsieve.llm.grounding import numbers_in


def test_numbers_are_read_as_the_grammar_reads_them():
    assert numbers_in("platelets 150,000/uL, creatinine 1,2 mg/dL, age 64") == {150000, 1.2, 64}
