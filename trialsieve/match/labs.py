"""Which LOINC codes a lab's common name stands for (``lexicons/labs.json``).

A limit on "Hb" must read the record's haemoglobin, coded 718-7, and never its HbA1c, coded 4548-4,
however much their names share. Codes say what was measured more surely than display names, which
differ from one system to the next ("Hemoglobin [Mass/volume] in Blood", "HGB", "Haemoglobin").
"""

from __future__ import annotations

import re
from functools import lru_cache

from trialsieve.extract.lexicon import alternation, load
from trialsieve.match.patient import Fact

LOINC = "http://loinc.org"


def _table() -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for lab in load("labs", "trialsieve.match")["labs"]:
        codes = frozenset(lab["loinc"])
        for name in lab["names"]:
            if name in table:
                raise ValueError(f"labs.json: {name!r} names two labs")
            table[name] = codes
    return table


_CODES = _table()
_NAMES = re.compile(rf"(?:{alternation(list(_CODES))})", re.IGNORECASE)
#: every code of the lexicon: a fact coded with one of them is known to be that lab and no other
_KNOWN = frozenset().union(*_CODES.values())


@lru_cache(maxsize=4096)
def lab_codes(variable: str) -> frozenset[str]:
    """The LOINC codes of the one lab ``variable`` names; empty when it names none or several ("ALT/AST").
    The longest name wins where names overlap: "hemoglobin A1c" is not "hemoglobin"."""
    labs = {_CODES[m[0].lower()] for m in _NAMES.finditer(" ".join(variable.split()))}
    return next(iter(labs)) if len(labs) == 1 else frozenset()


def loinc_codes(fact: Fact) -> frozenset[str]:
    """The fact's LOINC codes that the lexicon knows."""
    return frozenset(c.code for c in fact.codes if c.system == LOINC and c.code in _KNOWN)
