"""Sex-specific limits: "QTcF > 450 ms (men) or > 470 ms (women)" sets one limit for each sex.

A pass over a structured rule. A comparison with a sex named right next to its limit ("(men)",
"for women", "in female patients", "males > 450 msec") gets that ``population``; a limit after it
that writes only a number and the same unit ("greater than 14 drinks per week for men or 7 drinks
per week for women") is a second comparison with the same comparator and variable. Two limits on
one variable for the two sexes become ``any(all(sex male, X), all(sex female, Y))``, whatever the
connective between them ("Hb < 11 g/dL in females and < 12 g/dL in males" is the same switch), so
a woman is judged by her limit only. The words of the cue ("for men") leave the tree.
The cues are data: ``operators.json``, ``populations``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trialsieve.extract import variables
from trialsieve.extract.grammar import NUMERAL, Limit, find_limits, parse_number
from trialsieve.extract.lexicon import alternation, load
from trialsieve.extract.trees import covered, nodes, rebuild, replace_node
from trialsieve.extract.unit_variables import implied_variable
from trialsieve.extract.units import match_unit, ucum
from trialsieve.rules import All, Any, Comparison, Demographic, Leaf, Rule, leaves

_POP = load("operators")["populations"]
_SEX_OF = {w.lower(): sex for sex in ("female", "male") for w in _POP[sex]}
_SEX_WORDS = alternation(list(_SEX_OF))
_PHRASE = (  # one sex, not both: "for men and women" sets no sex-specific limit
    rf"(?P<sex>{_SEX_WORDS})(?!\s*(?:and|or|&|/|,)\s*(?:{_SEX_WORDS}))(?:\s+(?:{alternation(_POP['nouns'])}))?"
)
_PREP = rf"(?:{alternation(_POP['prepositions'])})\s+"
_ABBREVIATION = {w: sex for sex, ws in _POP["abbreviations"].items() for w in ws}
_AFTER = [  # the cue right after a limit, most explicit first
    re.compile(rf"\s*,?\s*(?P<cue>\(\s*(?:{_PREP})?{_PHRASE}\s*\))", re.IGNORECASE),  # "(men)", "(for women)"
    re.compile(rf"\s*,?\s*(?P<cue>{_PREP}(?:the\s+)?{_PHRASE})(?![\w])", re.IGNORECASE),  # "for men", "in females"
    re.compile(rf"\s*(?P<cue>{_PHRASE})(?=\s*(?:[,;)/]|(?:or|and)\b))", re.IGNORECASE),  # "450 ms men, 470 ms women"
    re.compile(rf"\s*(?P<cue>\((?P<sex>{alternation(list(_ABBREVIATION))})\))"),  # "< 12 (F)"
]
_BEFORE = re.compile(  # "males > 450 msec", "QTc: men > 450 ms", "for women: > 7 drinks", "，femal≥45kg"
    rf"(?:^|(?<=[\s(,;:，；：（]))(?P<cue>(?:{_PREP})?(?:the\s+)?{_PHRASE})\s*[:,：，]?\s*$", re.IGNORECASE
)
_ELIDED = re.compile(  # "... for men or 7 drinks per week for women": the number alone, the comparator shared
    rf"\s*(?:,|;|/|and/or|or|and|vs\.?|versus)\s*(?P<number>{NUMERAL})(?![\d])", re.IGNORECASE
)
_EDGE = " \t,;:()"
_ATTRIBUTION = re.compile(r"\s*(?:per|according\s+to|as\s+defined\s+by|by)\s+[\w&.-]+(?:\s+[\w&.-]+)?\s*", re.I)
_UNIT_WORD = r"\s+(?!(?:for|in|among|if|with|and|or|of|the|per|a)\b)[^\W\d][\w/.-]*"
_PER = r"(?:\s+(?:per|a|/)\s*[^\W\d][\w.-]*)?"  # "units per week"
_UNIT_WORDS = [re.compile(rf"(?:{_UNIT_WORD}){{{n}}}{_PER}", re.IGNORECASE) for n in (1, 2)]


@dataclass
class _Cue:
    sex: str
    span: tuple[int, int]
    skipped: tuple[int, int] | None = None  # unit words between the limit and the cue


def sex_specific(text: str, rule: Rule) -> Rule:
    """``rule`` with each sex-specific limit marked, elided ones added, pairs switched on sex."""
    limits = {limit.end: limit for limit in find_limits(text)}
    marked: dict[int, Comparison] = {}  # id of the original leaf -> the leaf with its population
    added: dict[int, tuple[Comparison, Comparison]] = {}  # id -> (X, elided Y)
    spent: list[tuple[int, int]] = []  # the cue words and elided limits: no leaf of their own
    written: dict[tuple[int, int], tuple[int, int]] = {}  # a limit's span -> where its sex is written
    previous: Comparison | None = None  # the comparison before, whose variable a bare limit shares
    for leaf in sorted(_comparisons(rule), key=lambda c: c.span[1]):
        limit = limits.get(leaf.span[1])
        unitless = limit is not None and limit.unit is None and not limit.multiplier_of
        cue = (_cue_after(text, limit.end, unitless) or _cue_before(text, limit)) if limit else None
        if limit is None or cue is None:
            previous = leaf
            continue
        update: dict = {"population": cue.sex}
        variable = _without_cue(text, leaf, cue, previous, limit)
        if variable:
            update |= variable
        marked[id(leaf)] = leaf.model_copy(update=update)
        if variable and variable["variable_span"] and variable["variable_span"][1] <= cue.span[0]:
            spent.append(variable["variable_span"])  # a label read as a leaf of its own is the variable now
        spent += [cue.span, *([cue.skipped] if cue.skipped else [])]
        written[leaf.span] = cue.span
        elided = _elided(text, marked[id(leaf)], limit, cue)
        if elided:
            added[id(leaf)] = (marked[id(leaf)], elided[0])
            spent += [elided[0].span, elided[1].span, *([elided[1].skipped] if elided[1].skipped else [])]
            written[elided[0].span] = elided[1].span
        previous = marked[id(leaf)]
    if not marked:
        return rule
    merged = _merged(text, spent)

    def mark(leaf: Leaf) -> Rule | None:
        if id(leaf) in added:
            first, second = added[id(leaf)]
            return _switch([first, second], written)
        if id(leaf) in marked:
            return marked[id(leaf)]
        if leaf.type in ("presence", "unstructured") and _read_already(text, _words_of(leaf), merged):
            return None  # "for men", "7 drinks": the cue and the elided limit are read
        if leaf.type == "demographic" and leaf.attribute == "sex" and covered(_stripped(text, leaf.span), merged):
            return None  # "..., female ≥ 45 kg": her limit's population, not a sex every patient must have
        return leaf

    rule = rebuild(rule, mark) or rule
    return _pair(rule, written)


def _comparisons(rule: Rule) -> list[Comparison]:
    return [leaf for leaf in leaves(rule) if leaf.type == "comparison" and leaf.population is None]


def _cue_after(text: str, pos: int, unitless: bool = False) -> _Cue | None:
    """The sex named right after ``pos``; past a few words when the limit's unit is not one the
    lexicon knows ("more than 21 units per week for men")."""
    starts = [(pos, None)]
    if unitless:
        starts += [(m.end(), (pos, m.end())) for m in (w.match(text, pos) for w in _UNIT_WORDS) if m]
    for start, skipped in starts:
        for pattern in _AFTER:
            found = pattern.match(text, start)
            if found:
                written = found["sex"]
                sex = _ABBREVIATION.get(written) or _SEX_OF.get(re.sub(r"\s+", " ", written.lower()))
                if sex:
                    return _Cue(sex, found.span("cue"), skipped)
    return None


def _cue_before(text: str, limit: Limit) -> _Cue | None:
    found = _BEFORE.search(text, max(0, limit.start - 40), limit.start)
    if not found:
        return None
    return _Cue(_SEX_OF[re.sub(r"\s+", " ", found["sex"].lower())], found.span("cue"))


def _without_cue(text: str, leaf: Comparison, cue: _Cue, previous: Comparison | None, limit: Limit) -> dict | None:
    """The variable without the cue when the cue was read as (part of) it: "QTc in men > 450 ms"
    bounds the QTc; "males > 450 msec, females > 470 msec" the variable named before; "Male ≥50
    kg" names none, and its unit says what it bounds (``unit_variables``)."""
    var = leaf.variable_span
    inherited = {"variable": previous.variable, "variable_span": previous.variable_span} if previous else None
    if var is not None and ucum(text[var[0] : var[1]].strip()):
        return inherited  # "for females >= 470 msec" read "msec" as the variable: the first limit's it is
    if var is not None and cue.skipped and cue.skipped[0] <= var[0] < cue.skipped[1]:
        return inherited  # "> 3 drinks/occasion for women": the words after the number are its unit
    overlaps = var is not None and (var[0] <= cue.span[0] < var[1] or cue.span[0] <= var[0] < cue.span[1])
    if var is not None and not overlaps and cue.span[1] <= limit.start and not _labels(text, var, cue):
        # "Healthy subjects, male ≥ 50 kg": words past a comma, or after the limit ("female ≥ 45 kg,
        # BMI ..."), are no label of a limit whose sex is written before it
        return _unwritten(leaf, previous, shared=True)
    if var is None or not overlaps:
        return None
    start, end = var[0], min(var[1], cue.span[0])
    while start < end and text[start] in " \t,;:":
        start += 1
    while end > start and text[end - 1] in " \t,;:(":
        end -= 1
    if end > start and re.search(r"\w", text[start:end]):
        return {"variable": text[start:end], "variable_span": (start, end)}
    before = cue.span[0]
    if (paren := text.rfind("(", 0, before)) >= 0 and not text[paren + 1 : before].strip():
        before = paren  # "alcohol consumption (men > 30 g/d or women > 20 g/d)"
    if inherited is None and (label := variables.left(text, before)):  # "Waist circumference: men >= 102 cm"
        return {"variable": text[label[0] : label[1]], "variable_span": label}
    return _unwritten(leaf, previous, shared=False)


def _labels(text: str, var: tuple[int, int], cue: _Cue) -> bool:
    """Whether the variable read is written right before the cue, as its label: "QTc interval male
    ≥ 450 ms", "QTcF: female > 470 ms", "self-report (men > 30 g/d"."""
    return var[1] <= cue.span[0] and re.fullmatch(r"[\s:(\-–]*", text[var[1] : cue.span[0]]) is not None


def _unwritten(leaf: Comparison, previous: Comparison | None, *, shared: bool) -> dict | None:
    """The variable of a limit that writes none: the limit before's when it is the other sex's
    limit in the same unit ("male ≥ 50 kg, female ≥ 45 kg"), else the one its unit names ("kg": body
    weight); with ``shared`` False any limit before lends its variable, as it always did."""
    implied = implied_variable(leaf.unit)
    if previous is not None:
        same = _unit_key(previous.unit) == _unit_key(leaf.unit)
        if (same and (previous.population or not shared)) or (not shared and not implied):
            return {"variable": previous.variable, "variable_span": previous.variable_span}
    return {"variable": implied, "variable_span": None, "kind": "measurement"} if implied else None


def _elided(text: str, first: Comparison, limit: Limit, cue: _Cue) -> tuple[Comparison, _Cue] | None:
    """The limit after ``first``'s cue written as a number and the same unit only, with a cue of
    the other sex: "greater than 14 drinks per week for men or 7 drinks per week for women"."""
    found = _ELIDED.match(text, cue.span[1])
    if not found or limit.value2 is not None:
        return None
    value = parse_number(found["number"])
    unit = match_unit(text, found.end("number"))
    if (
        value is None
        or _unit_key(unit.code if unit else None) != _unit_key(limit.unit)
        or (unit and unit.multiplier_of) != (limit.multiplier_of or None)
    ):
        return None
    end = unit.end if unit else found.end("number")
    other = _cue_after(text, end, unit is None)
    if other is None or other.sex == cue.sex:
        return None
    span = (found.start("number"), other.skipped[1] if other.skipped else end)  # "14 units per week"
    return first.model_copy(update={"value": value, "population": other.sex, "span": span}), other


def _switch(comparisons: list[Comparison], written: dict) -> Any:
    """any(all(sex, limit) for each sex), in the order written: a patient is judged by the limit
    for her sex."""
    branches: list[Rule] = []
    for sex in dict.fromkeys(c.population for c in sorted(comparisons, key=lambda c: c.span[1])):
        mine = [c for c in comparisons if c.population == sex]
        guard = Demographic(attribute="sex", value_text=sex, span=written.get(mine[0].span, mine[0].span))
        branches.append(All(args=[guard, *mine]))
    return Any(args=branches)


def _pair(rule: Rule, written: dict) -> Rule:
    """Limits on one variable for the two sexes, side by side in one node, become a switch on sex."""
    for node in nodes(rule):
        if node.type not in ("all", "any"):
            continue
        flat = _flattened(node)
        pairs = _pairs([a for a in flat.args if a.type == "comparison" and a.population])
        if not pairs:
            continue
        args: list[Rule] = []
        for arg in flat.args:
            group = next((g for g in pairs if any(arg is c for c in g)), None)
            if group is None:
                args.append(arg)
            elif arg is group[0]:
                switch = _switch(_one_unit(group), written)
                args.extend(switch.args if node.type == "any" else [switch])  # any(any(...)) is one any
        new = args[0] if len(args) == 1 else flat.model_copy(update={"args": args})
        return _pair(replace_node(rule, node, new), written)
    return rule


def _flattened(node: Rule) -> Rule:
    """all(a, all(b, c)) is all(a, b, c): limits written in one list pair however the list was nested."""
    if not any(a.type == node.type for a in node.args):
        return node
    args = [b for a in node.args for b in (_flattened(a).args if a.type == node.type else [a])]
    return node.model_copy(update={"args": args})


def _pairs(loose: list[Comparison]) -> list[list[Comparison]]:
    """Groups of limits on one variable, in one unit, with one limit for each sex. A limit with no
    unit pairs with one that has one only when the two are all the variable's limits."""
    by_variable: dict[tuple, list[Comparison]] = {}
    for c in loose:
        by_variable.setdefault((c.variable.lower(), c.multiplier_of), []).append(c)
    pairs = []
    for group in by_variable.values():
        units = {_unit_key(c.unit) for c in group}
        if len(group) == 2 and len(units - {None}) <= 1:
            candidates = [group]
        else:
            candidates = [[c for c in group if _unit_key(c.unit) == u] for u in units]
        pairs += [g for g in candidates if len(g) == 2 and {c.population for c in g} == {"female", "male"}]
    return pairs


def _unit_key(unit: str | None) -> str | None:
    """ "{servings}/d" and "{serving}/d" are one unit."""
    return re.sub(r"s\}", "}", unit) if unit else None


def _one_unit(group: list[Comparison]) -> list[Comparison]:
    """ "≥ 450 millisecond (male) or ≥ 470 msec (female)": the unit one limit names is both's."""
    unit = next((c for c in group if c.unit), None)
    if unit is None:
        return group
    same = {"unit": unit.unit, "unit_text": unit.unit_text}
    return [c if c.unit else c.model_copy(update=same) for c in group]


def _read_already(text: str, span: tuple[int, int], merged: list[tuple[int, int]]) -> bool:
    """Whether a leaf's words are the cue and limit words this pass has read, but for a source
    after them: "7 drinks per week for women per NIAAA"."""
    span = _stripped(text, span)
    if covered(span, merged):
        return True
    head = next(((start, end) for start, end in merged if start <= span[0] < end), None)
    return head is not None and bool(_ATTRIBUTION.fullmatch(text, head[1], span[1]))


def _merged(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans with only spaces between them, as one: "drinks/occasion" and "for women"."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _words_of(leaf: Leaf) -> tuple[int, int]:
    concept = getattr(leaf, "concept", None)
    return concept.span if concept is not None and concept.span else leaf.span


def _stripped(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end
