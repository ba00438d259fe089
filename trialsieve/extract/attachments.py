"""What a criterion attaches to a concept binds tighter than the alternatives around it.

"Patients with chronic suppurative otitis media with total or subtotal tympanic membrane
perforation" names one concept and what it comes with. The "or" in the gap joined two modifiers of
the perforation, yet it made the otitis media and the perforation alternatives, and any otitis media
met an inclusion that asks for a perforated ear drum. A gap that opens with words that attach
(``scope.json`` ``attachments``: "with", "accompanied by") joins both items, whatever "or" follows.

The stronger of those words ("accompanied by", "associated with") attach a whole list: "Acute
systemic infection, accompanied by fever, body aches or swollen lymph glands" is all(infection,
any(fever, aches, glands)); read by precedence alone ("or" looser than "and") it excluded any
patient with a fever as if infected. After a plain "with" an "or" still makes alternatives of the
whole ("oral leaks with MPV or episode of acute respiratory infection"), which the corpus bears out.

Alternatives in brackets right after a concept are its own before anything after the bracket
joins: "glioma (grade I, II, III or glioblastoma) with planned surgical intervention" is
all(any(glioma, glioblastoma), surgical intervention), not any(glioma, all(glioblastoma, surgery)),
which let any glioma in without the surgery the trial is about.

An "AND" in capitals in a criterion written in lower case asks both, in an exclusion too, where an
"and" often lists alternatives: "Absolute contraindications for thrombolysis AND thrombectomy".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialsieve.extract import context
from trialsieve.extract.lexicon import load
from trialsieve.rules import All, Any, Rule, leaves

if TYPE_CHECKING:
    from collections.abc import Callable

    from trialsieve.extract.logic import Atom  # imported for types only: logic imports this module

_LEXICON = load("scope")["attachments"]
_ATTACHES = re.compile(_LEXICON["pattern"], re.IGNORECASE)
_BINDS_LIST = re.compile(_LEXICON["binds_list"], re.IGNORECASE)
_BINDS_PAIR = re.compile(_LEXICON["binds_pair"], re.IGNORECASE)  # "after": its alternatives up to a comma
_BINDS_BACK = re.compile(_LEXICON["binds_back"], re.IGNORECASE)  # "..., despite therapy": the list before it
_NOT_AFTER = re.compile(_LEXICON["not_after"], re.IGNORECASE)
_EMPHATIC_AND = re.compile(_LEXICON["emphatic_and"])
#: where the clause an attachment reaches over ends: a semicolon, a sentence, or a clause about who
#: ("spinal stenosis due to spondylosis or disc degeneration | who needed decompression or fusion")
_CLAUSE_END = re.compile(r";|\.\s|\b(?:who|whom|whose)\b", re.IGNORECASE)
#: what joins the alternatives after "after": an "or" and a few words of the items ("MEOF use or other
#: halogenated anesthetics"); a comma goes back to the outer list, a clause ("OR must have ...") is new
_PAIR_GAP = re.compile(r"\s*(?:[\w-]+\s+)?(?:and/or|or|nor)\s+(?:[\w-]+\s+){0,2}", re.IGNORECASE)


def attaches(text: str, start: int, end: int) -> bool:
    """Whether the gap ``text[start:end]`` between two items opens with words that attach the second
    to the first ("with", "accompanied by"), not "with or without" nor an exception ("with the
    exception of")."""
    cue = _ATTACHES.match(text, start, end)
    if cue is None or _NOT_AFTER.match(text, cue.end(), end):
        return False
    return not context.EXCEPTIONS.search(text, start, end)


def emphatic_and(text: str, start: int, end: int) -> bool:
    """Whether the gap holds an "AND" in capitals in a criterion that has lower-case words of its own."""
    return bool(_EMPHATIC_AND.search(text, start, end)) and any(c.islower() for c in text)


def _words(rule: Rule, edge: int, default: int) -> int:
    """Where the words of the last (``edge`` -1: their end) or first (0: their start) thing ``rule``
    names lie: an item's stretch may run over the words around its concept ("otitis media with
    total" before "or subtotal perforation", "accompanied by fever")."""
    leaf = leaves(rule)[edge]
    if leaf.type == "presence":
        span = leaf.concept.span or leaf.span
    else:
        span = getattr(leaf, "variable_span", None) or leaf.span
    return span[1 if edge else 0] if span else default


def binds_list(text: str, prev: Atom, cur: Atom) -> bool:
    """Whether the gap between two items opens with words that attach a whole list ("accompanied by",
    "caused by"), after the first item's concept or after the window written beside it ("chronic LBP
    for a minimum of 3 months caused by pathological disc, ... and/or sciatica")."""
    return _binds(text, prev, cur, _BINDS_LIST)


def _binds(text: str, prev: Atom, cur: Atom, cue: re.Pattern[str]) -> bool:
    after = _words(cur.rule, 0, cur.start)
    for before in dict.fromkeys((_words(prev.rule, -1, prev.end), prev.end)):
        if before <= after and cue.match(text, before, after) and attaches(text, before, after):
            return True
    return False


def bind(
    text: str, items: list[Atom], labels: list[str], assemble: Callable[[str, list[Atom], list[str]], Atom]
) -> tuple[list[Atom], list[str]]:
    """``items`` with what each attachment joins made one item, built first by ``assemble``: the
    items after a gap that attaches a list ("accompanied by") up to the end of its clause, when an
    alternative lies among them; after "after", the concepts up to the next comma ("SCC after chemo
    radiotherapy or radiation therapy"; in "staples left in the body following surgery, middle ear
    prosthesis" the comma goes back to the outer list); before "despite", the alternatives of its clause
    ("SBP > 140, DBP > 90, despite optimal drug therapy")."""
    if (back := _bound_back(text, items, labels, assemble)) is not None:
        return bind(text, *back, assemble)
    for k, label in enumerate(labels):
        pair = label == "and" and _binds(text, items[k], items[k + 1], _BINDS_PAIR)
        if label != "and" or not (pair or binds_list(text, items[k], items[k + 1])):
            continue
        end = k + 1
        while end < len(labels) and (
            _PAIR_GAP.fullmatch(text, items[end].end, items[end + 1].start)
            if pair
            else not _CLAUSE_END.search(text, items[end].end, items[end + 1].start)
        ):
            end += 1
        if "or" not in labels[k + 1 : end] and "example" not in labels[k + 1 : end]:
            continue
        if pair and any(leaf.type != "presence" for item in items[k + 1 : end + 1] for leaf in leaves(item.rule)):
            continue  # "after the last dose of study drug, or agree to abstain": a time, then a new item
        joined = assemble(text, items[k + 1 : end + 1], labels[k + 1 : end])
        attached = type(joined)(items[k].start, joined.end, All(args=[items[k].rule, joined.rule]))
        return bind(text, [*items[:k], attached, *items[end + 1 :]], [*labels[:k], *labels[end:]], assemble)
    return items, labels


def _bound_back(
    text: str, items: list[Atom], labels: list[str], assemble: Callable[[str, list[Atom], list[str]], Atom]
) -> tuple[list[Atom], list[str]] | None:
    """``items`` with the first "despite" clause made one with the alternatives of its clause before
    it, all(any(alternatives), clause); None when there is no such clause."""
    for k, label in enumerate(labels):
        if label != "and" or not _BINDS_BACK.match(
            text, items[k].end, _words(items[k + 1].rule, 0, items[k + 1].start)
        ):
            continue
        start = k
        while (
            start
            and labels[start - 1] == "or"
            and not _CLAUSE_END.search(text, items[start - 1].end, items[start].start)
        ):
            start -= 1
        if start < k:
            joined = assemble(text, items[start : k + 1], labels[start:k])
            attached = type(joined)(joined.start, items[k + 1].end, All(args=[joined.rule, items[k + 1].rule]))
            return [*items[:start], attached, *items[k + 2 :]], [*labels[:start], *labels[k + 1 :]]
    return None


def bracketed_first(text: str, items: list[Atom], labels: list[str]) -> tuple[list[Atom], list[str]]:
    """``items`` with each item that alternatives in brackets follow ("glioma (grade I, II, III or
    glioblastoma)") made one with them, an ``any``, before the joins after the bracket."""
    kept, kept_labels = [items[0]], []
    for label, item in zip(labels, items[1:], strict=True):
        gap = text[kept[-1].end : item.start]
        # the bracket opens right after the concept ("glioma (grade I ... or"), not after an "or" that
        # joins the concept to a phrase with a gloss of its own ("subependymal or CSF (...) disease")
        opened = "(" in gap and ")" not in gap and not gap[: gap.index("(")].strip() and _CLOSES.match(text, item.end)
        if label == "or" and opened and kept[-1].rule.type != "any":
            head = kept.pop()
            kept.append(type(item)(head.start, item.end, Any(args=[head.rule, item.rule])))
            continue
        kept.append(item)
        kept_labels.append(label)
    return kept, kept_labels


#: the bracket an item sits in closes right after it (a few words of the item's own aside)
_CLOSES = re.compile(r"[^()\[\];]{0,40}\)")
