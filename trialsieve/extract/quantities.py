"""Convert values between UCUM units with pint, or say why they cannot be compared.

Rules and records carry UCUM codes (``g/dL``, ``10*9/L``, ``mm[Hg]``); pint knows the physics.
``lexicons/ucum.json`` bridges the two spellings, so g/dL meets g/L, 10*9/L meets /mm3 and years
meet months, while mmol/L never silently meets mg/dL.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from trialsieve.extract.lexicon import load
from trialsieve.extract.units import ucum

if TYPE_CHECKING:
    import pint

_LEX = load("ucum")
_ATOM = re.compile(r"[a-zA-Z]*\[[^\]]*\]|[a-zA-Z]+|%")
_FACTOR = re.compile(r"10\*(-?\d+)|10\^(-?\d+)")


class UnitMismatch(ValueError):
    """Two units that measure different things, or a unit pint cannot read."""


@cache
def _registry() -> pint.UnitRegistry:
    """pint's registry with our definitions. pint is imported here, on the first conversion, not with
    this module: its import and registry cost a cold command 0.2-0.5 s that most never need."""
    import pint

    registry = pint.UnitRegistry()
    for definition in _LEX["definitions"]:
        registry.define(definition)
    return registry


@cache
def _pint(code: str) -> tuple[float, str]:
    """A UCUM code as (factor, pint unit expression): ``10*9/L`` is (1e9, ``1/liter``)."""
    factor = 1.0
    text = re.sub(r"\{[^}]*\}", "", code)
    for match in _FACTOR.finditer(text):
        factor *= 10.0 ** int(match[1] or match[2])
    text = _FACTOR.sub("", text)

    def atom(match: re.Match[str]) -> str:
        written = match[0]
        return _LEX["atoms"].get(written, written)

    text = _ATOM.sub(atom, text)
    text = re.sub(r"(?<=[A-Za-z_])(\d+)", r"**\1", text).replace(".", "*")
    text = re.sub(r"^\s*/", "1/", text.strip().rstrip("/*")) or "dimensionless"
    return factor, text


def convert(value: float, unit: str | None, to: str | None) -> float:
    """``value`` in ``unit`` expressed in ``to``. A limit with no unit takes the number as it is. A value
    with no unit meets a limit in a unit only when that unit is a plain count or score (``{score}``,
    ``1``): 300 with no unit is not 300 x 10^9/L, it is a number nobody can read (UnitMismatch)."""
    if (unit or None) == (to or None) or not to:
        return value
    if not unit:
        if _plain(_code(to)):
            return value
        raise UnitMismatch(f"{value:g} is recorded without a unit; the limit is in {to}")
    unit, to = _code(unit), _code(to)  # "mm/5min" as a simple patient file may write it: mm/(5.min)
    if unit == to:
        return value
    registry = _registry()
    (f_from, u_from), (f_to, u_to) = _pint(unit), _pint(to)
    try:
        quantity = registry.Quantity(value * f_from, u_from).to(u_to)
    except Exception as error:  # pint raises several types, even AssertionError, on what it cannot parse
        raise UnitMismatch(f"cannot convert {unit} to {to}") from error
    return float(quantity.magnitude) / f_to


def convert_substance(value: float, unit: str | None, to: str | None, name: str) -> float:
    """``convert``, and where mass meets amount of substance (g/dL and mmol/L) or equivalents meet
    moles (mEq/L and mmol/L), the analyte's molar mass or valence (``lexicons/ucum.json``) bridges
    them: haemoglobin 9.4 g/dL is 5.8 mmol/L. Raises UnitMismatch for an analyte it does not know."""
    try:
        return convert(value, unit, to)
    except UnitMismatch:
        spec = _substance(name)
        if spec is None or not unit or not to:
            raise
    valence = spec.get("valence", 1)
    if _EQ.search(unit):  # a monovalent ion's mEq is its mmol; a divalent one's, half of it
        return convert_substance(value / valence, _EQ.sub("mol", unit), to, name)
    if _EQ.search(to):
        return convert_substance(value, unit, _EQ.sub("mol", to), name) * valence
    registry = _registry()
    (f_from, u_from), (f_to, u_to) = _pint(unit), _pint(to)
    try:
        with registry.context("chemistry", mw=spec["molar_mass"] * registry("g/mol")):
            return float(registry.Quantity(value * f_from, u_from).to(u_to).magnitude) / f_to
    except Exception as error:  # pint raises several types on what it cannot convert
        raise UnitMismatch(f"cannot convert {unit} to {to} for {name}") from error


_EQ = re.compile(r"(?<=[mu])[Ee]q\b|^[Ee]q\b")  # mEq, uEq: equivalents


def _substance(name: str) -> dict | None:
    """The molar mass and valence of the analyte ``name`` names, if the lexicon has it."""
    lowered = name.lower()
    for key, spec in _LEX.get("substances", {}).items():
        if key in lowered and not any(word in lowered for word in spec.get("not_with", [])):
            return spec
    return None


def _plain(code: str) -> bool:
    """Whether a UCUM code is a bare number: nothing but annotations (``{score}``, ``{INR}``) or ``1``."""
    return re.sub(r"\{[^}]*\}", "", code).strip() in ("", "1")


def _code(unit: str) -> str:
    """``unit`` as a UCUM code: written forms the units lexicon knows ("mm/5min", "sec") become codes."""
    return ucum(unit) or unit
