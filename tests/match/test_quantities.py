import pytest

from trialsieve.extract.quantities import UnitMismatch, convert


@pytest.mark.parametrize(
    ("value", "unit", "to", "expected"),
    [
        (11, "g/dL", "g/L", 110),
        (0.5, "10*9/L", "/mm3", 500),
        (500, "/uL", "10*9/L", 0.5),
        (30, "10*9/L", "10*3/uL", 30),
        (2, "a", "mo", 24),
        (6, "wk", "d", 42),
        (37, "Cel", "[degF]", 98.6),
        (0.2, "cm3", "mL", 0.2),
        (200, "10*6/L", "/uL", 200),
        (45, "mL/min/{1.73_m2}", "mL/min", 45),
        (3, "{score}", None, 3),
    ],
)
def test_converts_compatible_units(value, unit, to, expected):
    assert convert(value, unit, to) == pytest.approx(expected)


@pytest.mark.parametrize(("unit", "to"), [("mmol/L", "mg/dL"), ("g/dL", "%"), ("mm/h", "mm"), ("furlongs", "g")])
def test_refuses_incompatible_units(unit, to):
    with pytest.raises(UnitMismatch, match="cannot convert"):
        convert(1, unit, to)
