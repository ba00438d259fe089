"""Tests in brackets after a word for testing say how a finding is made.

"Imaging (CT or MRI) shows that the tumor focus is <= 5 mm from the large blood vessels, or there is
a central type tumor" asks about the tumour; CT and MRI are the ways of seeing it. Read as
alternatives, the brackets made "Imaging (CT" one leaf and AND-ed "MRI" to the distance, so a
patient was asked to have had imaging, or an MRI and a near tumour. A bracket that lists tagged
tests (two or more, or after "e.g."), right after a test word (``scope.json`` ``method_brackets``),
says how: its leaves are marked ``role: method`` and ask nothing of their own; with a reporting verb
after it ("shows that", "revealed"), so is the test word: what they report is the criterion.
"""

from __future__ import annotations

import re

from trialsieve.extract import context
from trialsieve.extract.lexicon import load
from trialsieve.extract.logic import Atom
from trialsieve.extract.trees import covered, rebuild
from trialsieve.rules import Any as AnyRule
from trialsieve.rules import Entity, Presence, Rule, leaves

_LEXICON = load("scope")["method_brackets"]
_TEST_BEFORE = re.compile(rf"(?:{_LEXICON['tests']})\s*$", re.IGNORECASE)
_BRACKET_WORDS = re.compile(rf"^{_LEXICON['bracket']}(?:[\s,/;]|\b(?:or|and|and/or)\b)*$", re.IGNORECASE)
_REPORTS = re.compile(_LEXICON["reports"], re.IGNORECASE)
_CUE = re.compile(rf"\s*(?:{context.EXAMPLES.pattern})", re.IGNORECASE)  # "(e.g. CT, MRI)"


def method_spans(text: str, tagged: list[Entity] | None) -> list[tuple[int, int]]:
    """The spans of ``text`` that say how a finding is made: each bracket of tests after a test word,
    from the test word to the reporting verb when one follows."""
    tests = [e for e in tagged or () if e.type == "procedure"]
    spans = []
    for opened in re.finditer(r"\(", text):
        close = text.find(")", opened.end())
        if close < 0 or "(" in text[opened.end() : close]:
            continue
        inside = [e for e in tests if opened.end() <= e.start and e.end <= close]
        if not inside or not _BRACKET_WORDS.match(_without(text, opened.end(), close, inside)):
            continue
        word = _TEST_BEFORE.search(text, 0, opened.start())  # a word for testing, not any procedure
        if word is None:  # "surgical intervention (resection or biopsy)": examples of the intervention
            continue
        report = _REPORTS.match(text, close + 1)
        if report is None and len(inside) < 2 and not _CUE.match(text, opened.end(), close):
            continue  # "magnetic resonance imaging (MRI)": a gloss, no list of methods
        spans.append((word.start(), report.end()) if report else (opened.start(), close + 1))
    return spans


def mark(text: str, atoms: list[Atom], tagged: list[Entity] | None) -> list[Atom]:
    """``atoms`` with each presence inside a method span marked ``role: method``: it says how its
    neighbour is found and asks nothing of its own (a verdict leaves it to the neighbour)."""
    spans = method_spans(text, tagged)
    if not spans:
        return atoms

    def found_by(leaf: Rule) -> Rule:
        inside = isinstance(leaf, Presence) and leaf.concept.span is not None and covered(leaf.concept.span, spans)
        return leaf.model_copy(update={"role": "method", "negated": False}) if inside else leaf

    marked = [Atom(a.start, a.end, rebuild(a.rule, found_by)) for a in atoms]
    return _grouped(marked, spans)


def _grouped(atoms: list[Atom], spans: list[tuple[int, int]]) -> list[Atom]:
    """The method leaves of each span as one item, the alternative ways of finding its neighbour."""
    out: list[Atom] = []
    for atom in atoms:
        span = next((s for s in spans if _only_methods(atom.rule) and atom.start < s[1] and atom.end > s[0]), None)
        prev = out[-1] if out else None
        if span and prev is not None and _only_methods(prev.rule) and prev.start < span[1] and prev.end > span[0]:
            args = [*(prev.rule.args if isinstance(prev.rule, AnyRule) else [prev.rule]), atom.rule]
            out[-1] = Atom(prev.start, atom.end, AnyRule(args=args))
        else:
            out.append(atom)
    return out


def _only_methods(rule: Rule) -> bool:
    return all(isinstance(leaf, Presence) and leaf.role == "method" for leaf in leaves(rule))


def _without(text: str, start: int, end: int, named: list[Entity]) -> str:
    """``text[start:end]`` with the named spans blanked."""
    chars = list(text[start:end])
    for e in named:
        chars[e.start - start : e.end - start] = " " * (e.end - e.start)
    return "".join(chars)
