"""Tests in brackets after a word for testing say how a finding is made.

"Imaging (CT or MRI) shows that the tumor focus is <= 5 mm from the large blood vessels, or there is
a central type tumor" asks about the tumour; CT and MRI are the ways of seeing it. Read as
alternatives, the brackets made "Imaging (CT" one leaf and AND-ed "MRI" to the distance, so a
patient was asked to have had imaging, or an MRI and a near tumour. A bracket that lists tagged
tests (two or more, or after "e.g."), right after a test word (``scope.json`` ``method_brackets``),
says how: its leaves are marked ``role: method`` and ask nothing of their own; with a reporting verb
after it ("shows that", "revealed"), so is the test word: what they report is the criterion.

A list of tests after a found-by cue (``cues.json`` ``found_by``) is one list of methods as well:
"Neurological deficit confirmed by CT, MRI, or X-ray" asks for the deficit, found by any of the
three. The list's comma and "or" had cut it into pieces, and only the first test stayed beside the
deficit; MRI and X-ray became alternatives to it, so an exclusion turned away any patient with an
MRI. Each test after the first joins the method leaves beside the finding (``listed``), and tests an
"or" lists are one any() there: all(deficit, any(CT, MRI, X-ray)). Tests an "and" lists stay side by
side ("documented by MRI and CT"); a method asks nothing either way.

Tests written as adverbs before a confirming verb (``cues.json`` ``found_by_adverbs``) say how the
concept after them is found: "Histologically or cytologically confirmed diagnosis of breast cancer"
was any(Histologically, all(cytologically, breast cancer)), met by any histology record. Their
leaves are methods too, one any() joined to what follows them: all(breast cancer, any(histology,
cytology)).

Tests after a lead that opens a sentence (``cues.json`` ``found_by_leads``) say how what follows is
judged: in "As a result of a physical examination or screening investigations, the physician
considers the volunteer unfit" the examination is a method, where read as a requirement a physical
examination on record met the exclusion.

Tests listed after a limit's cue (``cues.json`` ``measured_by``) say how its value is measured: in "LVEF
>= 50% as measured by echocardiogram or MUGA scan" the first test is read as the limit's modifier, and
the "or" had made the rest alternatives to the limit, any(LVEF >= 50%, MUGA scan), met by any MUGA on
record; as an exclusion ("LVEF < 50% by MUGA or echocardiogram") it ruled out every patient who had an
echocardiogram. They are methods beside the limit: all(limit, MUGA scan) (``measured``).
"""

from __future__ import annotations

import re

from trialsieve.extract import context
from trialsieve.extract.lexicon import alternation, load
from trialsieve.extract.logic import Atom
from trialsieve.extract.trees import covered, rebuild
from trialsieve.rules import All as AllRule
from trialsieve.rules import Any as AnyRule
from trialsieve.rules import Comparison, Entity, Presence, Rule, leaves

_LEXICON = load("scope")["method_brackets"]
_TEST_BEFORE = re.compile(rf"(?:{_LEXICON['tests']})\s*$", re.IGNORECASE)
_BRACKET_WORDS = re.compile(rf"^{_LEXICON['bracket']}(?:[\s,/;]|\b(?:or|and|and/or)\b)*$", re.IGNORECASE)
_REPORTS = re.compile(_LEXICON["reports"], re.IGNORECASE)


def _adverbs(lexicon: dict) -> re.Pattern[str]:
    """The tests written as adverbs before a confirming verb ("histologically and/or cytologically
    confirmed", "biopsy-proven"), from ``cues.json`` ``found_by_adverbs``."""
    if not {"_doc", "tests", "verbs"} <= set(lexicon) or not all(lexicon[k] for k in ("tests", "verbs")):
        raise ValueError("cues.json found_by_adverbs needs _doc and non-empty tests and verbs")
    test = alternation(lexicon["tests"])
    joint = r"\s*(?:,\s*(?:(?:and/or|or|and)\s+)?|/|\s(?:and/or|or|and)\s+)\s*"
    return re.compile(rf"(?:{test})(?:-?{joint}(?:{test}))*[\s-]+(?:{alternation(lexicon['verbs'])})", re.IGNORECASE)


#: "Histologically or cytologically confirmed | breast cancer": how the concept after it is found
_ADVERBS = _adverbs(load("cues")["found_by_adverbs"])
#: "As a result of | a physical examination ..., the physician considers": how what follows is judged
_LEADS = re.compile(rf"(?:{alternation(load('cues')['found_by_leads']['phrases'])})\s+", re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:^|[.;:]\s)[\W_]*$")


def method_spans(text: str, tagged: list[Entity] | None) -> list[tuple[int, int]]:
    """The spans of ``text`` that say how a finding is made: each bracket of tests after a test word,
    from the test word to the reporting verb when one follows; and each run of tests written as
    adverbs before a confirming verb ("Histologically or cytologically confirmed")."""
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
        if report is None and len(inside) < 2 and not context.OPENS_EXAMPLES.match(text, opened.end(), close):
            continue  # "magnetic resonance imaging (MRI)": a gloss, no list of methods
        spans.append((word.start(), report.end()) if report else (opened.start(), close + 1))
    return spans + adverb_spans(text) + _led(text, tagged or [])


def adverb_spans(text: str) -> list[tuple[int, int]]:
    """Each run of tests written as adverbs before a confirming verb ("Histologically or
    cytologically confirmed", "biopsy-proven")."""
    return [m.span() for m in _ADVERBS.finditer(text)]


def _led(text: str, named: list[Entity]) -> list[tuple[int, int]]:
    """From each lead that opens a sentence to the end of the run of things named right after it
    ("Based on | medical history, physical examination and ECG")."""
    spans = []
    for lead in _LEADS.finditer(text):
        if not _SENTENCE_START.search(text, 0, lead.start()):
            continue
        end = lead.end()
        for e in (e for e in named if e.start >= lead.end()):
            if not _TEST_GAP.fullmatch(text, end, e.start):
                break
            end = e.end
        if end > lead.end():
            spans.append((lead.start(), end))
    return spans


def mark(text: str, atoms: list[Atom], tagged: list[Entity] | None) -> list[Atom]:
    """``atoms`` with each presence inside a method span marked ``role: method``: it says how its
    neighbour is found and asks nothing of its own (a verdict leaves it to the neighbour)."""
    spans = method_spans(text, tagged)
    if not spans:
        return atoms

    def found_by(leaf: Rule) -> Rule:
        inside = isinstance(leaf, Presence) and leaf.concept.span is not None and covered(leaf.concept.span, spans)
        return leaf.model_copy(update={"role": "method", "negated": False, "qualifiers": []}) if inside else leaf

    marked = _grouped([Atom(a.start, a.end, rebuild(a.rule, found_by)) for a in atoms], spans)
    return _judged(marked, _led(text, tagged or []))


def _judged(atoms: list[Atom], leads: list[tuple[int, int]]) -> list[Atom]:
    """The methods after a lead joined to the item after them, what they judge: all(item, methods).
    Left apart, the "or" in "a physical examination or screening investigations, the physician
    considers ..." made the examination an alternative, met by any record of one."""
    out: list[Atom] = []
    for atom in atoms:
        prev = out[-1] if out else None
        led = prev is not None and _only_methods(prev.rule) and covered((prev.start, prev.end), leads)
        if led and not _only_methods(atom.rule):
            out[-1] = Atom(prev.start, atom.end, AllRule(args=[atom.rule, prev.rule]))
        else:
            out.append(atom)
    return out


def _with_found(text: str, atoms: list[Atom]) -> list[Atom]:
    """Each method item of an adverb run ("histologically or cytologically confirmed") joined to the
    item right after it, what it finds: all(finding, methods). Left apart, an "or" later in the
    words ("confirmed locally advanced or metastatic NSCLC") made the methods an alternative."""
    adverbs = [m.span() for m in _ADVERBS.finditer(text)]
    out: list[Atom] = []
    for atom in atoms:
        prev = out[-1] if out else None
        finds = prev is not None and _only_methods(prev.rule) and not _only_methods(atom.rule)
        if finds and any(prev.start < end <= atom.start and start < prev.end for start, end in adverbs):
            out[-1] = Atom(prev.start, atom.end, AllRule(args=[atom.rule, prev.rule]))
        else:
            out.append(atom)
    return out


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


#: what parts two tests of a list: "CT, MRI, or X-ray", "cytology or surgical pathology", "CT and/or MRI"
_TEST_GAP = re.compile(r"\s*(?:[,/]\s*)?(?:(?:and/or|or|and)\s+)?(?:(?:an?|the)\s+)?", re.IGNORECASE)
_OR = re.compile(r"\b(?:or|and/or)\b|/", re.IGNORECASE)
#: a found-by cue right before a test: "were confirmed by |CT"
_CUE_BEFORE = re.compile(
    rf"(?:{alternation(load('cues')['found_by']['phrases'])})\s+(?:(?:an?|the)\s+)?$", re.IGNORECASE
)


def _measured_by(lexicon: dict) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(what lies between a limit and the next test of the list its cue heads, a test's name), from ``cues.json``
    ``measured_by``: the cue, the first test (one to four words, one a test word), the list's join."""
    if set(lexicon) != {"_doc", "cues", "tests"} or not (lexicon["cues"] and lexicon["tests"]):
        raise ValueError("cues.json measured_by needs _doc, cues and tests, and only those")
    test = rf"\b(?:{alternation(lexicon['tests'])})\b"
    named = rf"(?:[\w-]+\s+){{0,3}}?{test}(?:\s+[\w-]+){{0,2}}?(?:\s*\([^()]*\))?"
    gap = (
        rf"\s*,?\s*(?:{alternation(lexicon['cues'])})\s+(?:(?:an?|the)\s+)?{named}"
        r"\s*(?:,\s*(?:(?:and/or|or)\s+)?|/|\s(?:and/or|or)\s+)\s*(?:(?:an?|the)\s+)?"
    )
    return re.compile(gap, re.IGNORECASE), re.compile(test, re.IGNORECASE)


_MEASURED_GAP, _TEST_WORD = _measured_by(load("cues")["measured_by"])


def measured(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with the test a limit's cue lists after its first ("LVEF >= 50% as measured by echocardiogram
    or | MUGA scan") made a method beside the limit, all(limit, method): how the value is measured, never an
    alternative to it. Only after a limit (a ``Comparison``), only a bare test whose name holds a test word,
    with nothing between but the cue, one test, and the list's join; ``listed`` then takes any further tests."""
    out: list[Atom] = []
    for atom in atoms:
        prev = out[-1] if out else None
        rule = atom.rule
        if (
            prev is not None
            and isinstance(prev.rule, Comparison)
            and _test(rule)
            and _TEST_WORD.search(rule.concept.text)
            and _MEASURED_GAP.fullmatch(text, prev.end, atom.start)
        ):
            out[-1] = Atom(prev.start, atom.end, AllRule(args=[prev.rule, _as_method(rule)]))
        else:
            out.append(atom)
    return out


def listed(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with each test listed after the method leaves of a finding ("confirmed by CT, | MRI,
    or | X-ray") made one more method leaf beside that finding, and the methods an "or" lists one
    any(): the ways the finding may be found, never alternatives to it. A test that stands alone after the cue
    ("stroke ... and were confirmed by CT | or MRI") heads such a list of its own when something comes
    before it to be found ("Confirmed by histopathological or cytological examination" names none:
    its tests stay what it asks)."""
    out: list[Atom] = []
    for atom in atoms:
        prev = out[-1] if out else None
        joins = prev is not None and _test(atom.rule) and _TEST_GAP.fullmatch(text, prev.end, atom.start)
        listing = joins and isinstance(prev.rule, (AnyRule, AllRule)) and _only_methods(prev.rule)
        if joins and (_ends_in_methods(prev.rule) or listing):
            args = [*prev.rule.args, _as_method(atom.rule)]
            out[-1] = Atom(prev.start, atom.end, prev.rule.model_copy(update={"args": args}))
        elif joins and len(out) > 1 and _test(prev.rule) and _CUE_BEFORE.search(text, 0, prev.rule.concept.span[0]):
            joined = AnyRule if _OR.search(text, prev.end, atom.start) else AllRule  # "by X-ray and MRI": both
            out[-1] = Atom(prev.start, atom.end, joined(args=[_as_method(prev.rule), _as_method(atom.rule)]))
        else:
            out.append(atom)
    return _with_found(text, [Atom(a.start, a.end, _alternative_methods(text, a.rule)) for a in out])


def _as_method(rule: Rule) -> Rule:
    return rule.model_copy(update={"role": "method", "negated": False, "qualifiers": []})


def _ends_in_methods(rule: Rule) -> bool:
    """Whether ``rule`` is all(finding, method, ...): a finding with the tests that find it last."""
    return isinstance(rule, AllRule) and isinstance(rule.args[-1], Presence) and rule.args[-1].role == "method"


def _test(rule: Rule) -> bool:
    """A bare test: one presence of a procedure, with no role of its own."""
    return (
        isinstance(rule, Presence)
        and rule.concept.kind == "procedure"
        and rule.role is None
        and rule.concept.span is not None
    )


def _alternative_methods(text: str, rule: Rule) -> Rule:
    """all(finding, CT, MRI) as all(finding, any(CT, MRI)) when an "or" lists the methods."""
    if not _ends_in_methods(rule):
        return rule
    found = [a for a in rule.args if isinstance(a, Presence) and a.role == "method"]
    rest = [a for a in rule.args if a not in found]
    spans = [m.concept.span for m in found]
    if len(found) < 2 or not rest or None in spans or not _OR.search(text, spans[0][1], spans[-1][0]):
        return rule
    return rule.model_copy(update={"args": [*rest, AnyRule(args=found)]})
