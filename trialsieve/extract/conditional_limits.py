"""A second limit for the patients with a condition holds instead of the first for them.

"ALT <= 2.5 x ULN (<= 5 x ULN for participants with liver metastases)" was all(ALT <= 2.5 x ULN,
ALT <= 5 x ULN, liver metastases): every patient without liver metastases failed the inclusion, and
where the condition was lost, one with them and an ALT of 4 x ULN did. The limits are one item: an
inclusion is any(first limit, all(condition, second limit)); an exclusion ("ALT > 3 x ULN, or > 5 x
ULN if liver metastases are present") is any(all(first limit, not condition), all(condition, second
limit)). The second limit is written without its values ("<= 5 x ULN"): it is on each value the first
limit names. The words that name the condition are ``lexicons/conditional_limits.json``.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load_checked
from trialsieve.extract.logic import Atom
from trialsieve.extract.spans import CONCEPT_TYPES
from trialsieve.rules import All, Any, Comparison, Concept, Entity, Not, Presence, Rule, leaves

_LEXICON = load_checked("conditional_limits", {"_doc", "after", "before", "then", "tail", "absent"})
_AFTER, _BEFORE, _THEN, _TAIL, _ABSENT = (
    re.compile(_LEXICON[k], re.IGNORECASE) for k in ("after", "before", "then", "tail", "absent")
)
_UPPER = frozenset({"<", "<="})
#: between two conditions of one second limit: "Gilbert's syndrome| (unconjugated hyperbilirubinaemia) or |liver
#: metastases"
_OR_ITEM = re.compile(
    r"\s*(?:\([^()]*\)\s*)?,?\s*(?:or|and/or)\s+(?:(?:known|documented)\s+)?(?P<words>(?:[^\W\d_][\w'’-]*\s+){0,2})",
    re.IGNORECASE,
)
#: a bracket opened after a condition and not yet closed: what it names glosses the condition
_IN_BRACKET = re.compile(r"\s*\([^()]*")


def conditioned(text: str, atoms: list[Atom], tagged: list[Entity] | None, section: str) -> list[Atom]:
    """``atoms`` (in text order) with each limit, a second limit on its values and the condition
    that second limit is for made one atom."""
    concepts = [e for e in tagged or () if e.type in CONCEPT_TYPES]
    out: list[Atom] = []
    taken: list[tuple[int, int]] = []  # what each joined item took up: the condition's words, "is allowed"
    for atom in atoms:
        if any(start <= atom.start < end for start, end in taken):
            continue
        first = next((a for a in reversed(out) if _limits(a.rule)), None)
        own = first is not None and _restates(atom.rule, first.rule)  # "..., if liver metastasis occurred, ALT <= 5"
        bare = first is not None and (own or _bare(text, atom.rule, first.rule))
        found = _condition(text, atom, concepts, own) if bare else None
        if found is None:
            out.append(atom)
            continue
        condition, start, end = found
        taken.append((start, end))
        out = [a for a in out if a is first or not start <= a.start < end]
        seconds = _limits(atom.rule) if own else [_moved(limit, atom.rule) for limit in _limits(first.rule)]
        second = seconds[0] if len(seconds) == 1 else All(args=seconds)
        otherwise = first.rule if section == "inclusion" else All(args=[first.rule, Not(args=[condition])])
        made = Any(args=[otherwise, All(args=[condition, second])])
        out[out.index(first)] = Atom(first.start, max(first.end, end), made)
    return out


def _limits(rule: Rule) -> list[Comparison]:
    """The limits of an atom made only of limits."""
    found = list(leaves(rule))
    return found if found and all(isinstance(leaf, Comparison) for leaf in found) else []


def _restates(rule: Rule, first: Rule) -> bool:
    """Whether ``rule``'s limits bound the very values ``first``'s do, the same way: "ALT and AST <= 2.5 x
    ULN, if liver metastasis occurred, ALT and AST <= 5 x ULN" writes the second limit's values again."""
    limits, firsts = _limits(rule), _limits(first)
    written = [_names(limit) for limit in firsts]
    return (
        len(limits) == len(firsts) > 0
        and all(any(_names(limit) & names for names in written) for limit in limits)
        and all(limit.operator != "between" for limit in limits)
        and {limit.operator in _UPPER for limit in limits + firsts} in ({True}, {False})
    )


def _names(limit: Comparison) -> set[str]:
    """The names a limit's variable is written with: "alanine aminotransferase (ALT)" is "ALT" too."""
    name = " ".join(limit.variable.lower().split())
    return {name, *(part.strip() for part in re.split(r"[()]", name) if part.strip())}


def _bare(text: str, rule: Rule, first: Rule) -> bool:
    """A limit written without a variable of its own ("<= 5 x ULN"), or with the condition's words
    read as one ("if liver metastases are present, then <= 5 x ULN"), bounding as ``first``'s do."""
    if not isinstance(rule, Comparison) or rule.operator == "between":
        return False
    own = rule.variable_span is not None and rule.span[0] <= rule.variable_span[0] < rule.span[1]
    if own and not (_BEFORE.search(text, 0, rule.variable_span[0]) or _absent(text, rule)):
        return False
    return all((limit.operator in _UPPER) == (rule.operator in _UPPER) for limit in _limits(first))


def _absent(text: str, rule: Comparison) -> re.Match[str] | None:
    """The cue before the words read as ``rule``'s variable that says they name the first limit's
    condition, absent: "if no demonstrable |liver metastases or <= 5 x ULN"."""
    return _ABSENT.search(text, 0, rule.variable_span[0]) if rule.variable_span else None


def _condition(text: str, limit: Atom, concepts: list[Entity], restated: bool) -> tuple[Rule, int, int] | None:
    """The condition a bare limit is written for, and the stretch of text the two take up. Conditions
    listed with "or" are alternatives: "<= 3 x ULN in the presence of Gilbert's syndrome or liver
    metastases" holds for either (read with the first alone, "liver metastases" became an alternative
    to the whole criterion, met by any patient with them whatever the bilirubin)."""
    rule = limit.rule
    # the condition's words the grammar took as the variable: "if liver metastases are present, then <= 5 x ULN"
    named = isinstance(rule, Comparison) and rule.variable_span and limit.start <= rule.variable_span[0]
    bound = rule.variable_span[1] if named and not restated else limit.start
    for i, e in enumerate(concepts):
        if e.start >= limit.end and (cue := _AFTER.fullmatch(text, limit.end, e.start)):
            start = e.start - len(cue["word"] or "")
            absent = _absent(text, rule) if isinstance(rule, Comparison) else None
            items = [[e]]  # each condition, in the tagged spans it runs over ("liver" "metastases")
            starts = [start]
            for after in concepts[i + 1 :]:
                gap = (items[-1][-1].end, after.start)
                if text[slice(*gap)].isspace():
                    items[-1].append(after)
                elif (listed := _OR_ITEM.fullmatch(text, *gap)) is not None:
                    items.append([after])
                    starts.append(listed.start("words"))  # "or |liver metastases": the untagged words too
                elif not _IN_BRACKET.fullmatch(text, *gap):  # "(unconjugated |hyperbilirubinaemia)": a gloss
                    break
            spans = [(a, item[-1].end) for a, item in zip(starts, items, strict=True)]
            named = [_presence(text, item[0].type, a, b) for item, (a, b) in zip(items, spans, strict=True)]
            condition = named[0] if len(named) == 1 else Any(args=named)
            return condition, absent.start() if absent else limit.start, spans[-1][1]
        if e.end <= bound and _THEN.fullmatch(text, e.end, max(e.end, _operator_start(text, bound))):
            cue = _BEFORE.search(text, 0, e.start)
            if cue is not None:
                start = e.start - len(cue["word"] or "")
                tail = _TAIL.match(text, limit.end)
                return _presence(text, e.type, start, e.end), cue.start(), tail.end() if tail else limit.end
    return None


def _operator_start(text: str, bound: int) -> int:
    """Where the bound's own words start: after the condition's words the grammar took as its variable."""
    return bound + len(text[bound:]) - len(text[bound:].lstrip())


def _presence(text: str, kind: str, start: int, end: int) -> Presence:
    """The condition's leaf: what patients have ("liver metastases", which the tagger may call an
    observation) is a condition, a drug or a procedure."""
    kind = "condition" if kind == "observation" else kind
    return Presence(concept=Concept(text=text[start:end], kind=kind, span=(start, end)), span=(start, end))


def _moved(limit: Comparison, bound: Comparison) -> Comparison:
    """``limit``'s variable with ``bound``'s bound."""
    keep = ("operator", "value", "value2", "unit", "unit_text", "multiplier_of", "span")
    return limit.model_copy(update={k: getattr(bound, k) for k in keep})
