"""On any text, structuring never raises, keeps spans inside the text and drops no criterion."""

from hypothesis import given, settings
from hypothesis import strategies as st

from trialsieve.extract.flat import constraints
from trialsieve.extract.segment import segment
from trialsieve.extract.structure import structure_criteria, structure_text
from trialsieve.rules import leaves

PIECES = [
    "Age",
    " ≥ ",
    "<",
    "18",
    " years",
    "0,2",
    " cm3",
    " x 109 cell/L",
    " or ",
    " and/or ",
    "(",
    ")",
    ";",
    ",",
    "\n",
    "  • ",
    "1. ",
    "i) ",
    "a) ",
    "ii) ",
    "Inclusion criteria:\n",
    "Exclusion Criteria:\n",
    "defined as:",
    " at least one of",
    " no ",
    "history of ",
    "within the last 6 months",
    " > 3 x ULN",
    "%",
    " mmHg",
    "-",
    "5",
]
criteria_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), criteria_text))
def test_structure_text_never_raises_and_spans_fit(text):
    extraction = structure_text(text)
    for leaf in leaves(extraction.rule):
        start, end = leaf.span
        assert 0 <= start <= end <= len(text)
    for entity in extraction.entities:
        assert text[entity.start : entity.end] == entity.text
    for bound in constraints(extraction.rule):
        assert 0 <= bound["start"] <= bound["end"] <= len(text)


@settings(max_examples=200, deadline=None)
@given(criteria_text)
def test_every_criterion_comes_out(text):
    criteria = segment(text)
    structured = structure_criteria(criteria)
    assert [c.id for c in structured] == [c.id for c in criteria]
    assert len({c.id for c in criteria}) == len(criteria)
    for c in criteria:
        assert text[c.start : c.end] == c.text
        assert c.parent is None or c.parent in {p.id for p in criteria}
