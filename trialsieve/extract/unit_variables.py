"""The variable a unit implies when a limit is written without one: "Male ≥50 kg" bounds body weight.

"Male ≥50 kg, female ≥45 kg" names no variable; read word by word, the sex word before the limit
became the variable ("Male >= 50 kg"), a value no record holds, so the criterion stayed unknown for
every patient. Where a unit names one quantity only (kg, lb: body weight; kg/m2: BMI) it is the
variable; the lexicon is data (``lexicons/unit_variables.json``), and a unit that names several
quantities (cm: height or waist; ms: QT or PR) is not in it.
"""

from __future__ import annotations

from trialsieve.extract.lexicon import load

_KEYS = frozenset({"_doc", "units", "_doc_alone", "alone"})


def _checked(lexicon: dict) -> dict[str, str]:
    """The lexicon's units, its keys checked: a misspelt key fails at import instead of reading nothing."""
    if set(lexicon) != _KEYS:
        raise ValueError(f"unit_variables.json: keys {sorted(set(lexicon) ^ _KEYS)}")
    codes = {code for group in load("units").values() if isinstance(group, dict) for code in group}
    if unknown := [u for u, v in lexicon["units"].items() if u not in codes or not isinstance(v, str) or not v]:
        raise ValueError(f"unit_variables.json: units no spelling names, or with no variable: {unknown}")
    if stray := [u for u in lexicon["alone"] if u not in lexicon["units"]]:
        raise ValueError(f"unit_variables.json: alone units with no variable: {stray}")
    return lexicon["units"]


_LEXICON = load("unit_variables")
_IMPLIED = _checked(_LEXICON)
_ALONE = frozenset(_LEXICON["alone"])


def implied_variable(unit: str | None) -> str | None:
    """The one quantity ``unit`` (a UCUM code) measures, or None when it names none or several."""
    return _IMPLIED.get(unit) if unit else None


def counted_variable(unit: str | None) -> str | None:
    """The quantity a unit that names what it counts implies for a limit written with no variable at all
    ("<10 WBC per HPF": urine white cells), or None. Units such as kg name their variable only beside a
    sex (``populations``)."""
    return _IMPLIED[unit] if unit in _ALONE else None
