"""Examples that name a kind of their category by a modifier alone: the category's head lent to each.

"Solid tumors such as breast, lung, colorectal or prostate cancer" gives four examples of solid
tumours; "breast" alone names no thing, so the first example was lost (the list reading gives the
last item's "cancer" only to the items it cuts off, and "breast" stayed in the category's piece), and
in "Solid tumors (e.g., breast, lung, colorectal)" or "active infections (viral, bacterial, or
fungal)" no item had a head at all, so every example fell away and an exclusion of fungal infection
asked nothing of it. Right after a category and an example opener (a bracket, an example cue or
both), a run of words that share a head (``context.SHARES_HEAD``: organs, adjectives) are the
category's kinds: each takes the head of the list's last item when that item has one ("prostate
cancer": breast cancer), else the category's own head noun (breast tumors, fungal infections), and
is an example leaf of the category's kind, which the logic model joins to it as an alternative.
"""

from __future__ import annotations

import re

from trialsieve.extract import context
from trialsieve.extract.logic import Atom
from trialsieve.rules import Concept, Presence, Rule, Unstructured, leaves

_OPENER = re.compile(
    rf"\s*(?:\(\s*(?:(?:{context.EXAMPLES.pattern})[\s,:]*)?|,?\s*(?:{context.EXAMPLES.pattern})[\s,:]*)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_][\w-]*")
_STATE = context.CONCEPT_MODIFIER  # a state a disease is in: "symptomatic", "metastatic"
_SEPARATOR = re.compile(r"\s*(?:,\s*(?:(?:and/or|or|and)\s+)?|/\s*|(?:and/or|or|and)\s+)", re.IGNORECASE)
#: words that put the head noun of a phrase before its last word: "induction of labor"
_PHRASE = re.compile(r"\b(?:of|to|for|with|without|in|on|by|from|at|due)\b", re.IGNORECASE)
#: where a list of examples ends: its bracket's close, a clause's end, or the text's
_LIST_END = re.compile(r"\s*(?:,?\s*etc\.?)?\s*(?:[);.]|$)", re.IGNORECASE)


def lend(text: str, atoms: list[Atom], section: str = "exclusion") -> list[Atom]:
    """``atoms`` with a leaf for each example that names a kind of its category by a modifier alone."""
    for atom in list(atoms):
        if isinstance(atom.rule, Presence) and atom.rule.concept.span is not None and _category(atom.rule):
            atoms = _kinds(text, atom.rule, atoms, section)
    return atoms


def _category(leaf: Presence) -> bool:
    """Whether a leaf may head a list of kinds: a plain concept, asked for, whose last word is its head
    noun ("deprived of their liberty (administrative or judicial)" names no kinds of liberty)."""
    return not leaf.negated and leaf.role is None and not _PHRASE.search(leaf.concept.text)


def _kinds(text: str, category: Presence, atoms: list[Atom], section: str) -> list[Atom]:
    opener = _OPENER.match(text, category.concept.span[1])
    if opener is None or not opener[0].strip():
        return atoms
    if section == "inclusion" and not context.EXAMPLES.search(opener[0]):
        return atoms  # "via a minimally invasive approach (robotic or laparoscopic)": what is asked, not examples
    named = [leaf for a in atoms for leaf in leaves(a.rule) if isinstance(leaf, Presence) and leaf.concept.span]
    items: list[tuple[int, int]] = []
    pos, head = opener.end(), None
    while (word := _WORD.match(text, pos)) is not None and context.SHARES_HEAD.match(word[0]):
        items.append(word.span())
        own = next((leaf for leaf in named if leaf.concept.span[0] == word.start()), None)
        if own is not None and own.concept.span[1] > word.end():  # "or prostate cancer": the list's head
            head = text[word.end() : own.concept.span[1]].strip()
            break
        if _LIST_END.match(text, word.end()):
            break
        if (separator := _SEPARATOR.match(text, word.end())) is None:
            return atoms  # "breast surgery" and no concept read on it: not a list of kinds
        pos = separator.end()
    else:
        return atoms
    if head is None and not _LIST_END.match(text, items[-1][1]):
        return atoms
    if head is None:
        written = _WORD.findall(text[slice(*category.concept.span)])
        head = written[-1] if written else None
    if head is None or len(items) < 2:
        return atoms
    # a bare modifier the tagger named on its own ("rheumatoid" of "Arthritis (rheumatoid, psoriatic)") names no
    # thing: the item is missing its head as much as an untagged one
    covered = [leaf.concept.span for leaf in named if leaf.concept.span not in items]
    missing = [i for i in items if not any(s <= i[0] and i[1] <= e for s, e in covered)]
    if not missing:
        return atoms
    kept = [_before(a, opener.start(), category) for a in atoms if not _only_within(text, a.rule, missing)]
    # the states the category's words give it hold of its kinds: "symptomatic CNS metastases (parenchymal or
    # leptomeningeal)" asks for symptomatic leptomeningeal metastases
    states = [
        w for w in category.concept.text.split()[:-1] if _STATE.fullmatch(w) and not context.QUALIFIERS.fullmatch(w)
    ]
    made = [
        Atom(
            s,
            e,
            Presence(
                concept=Concept(text=" ".join([*states, text[s:e], head]), kind=category.concept.kind, span=(s, e)),
                span=(s, e),
            ),
        )
        for s, e in missing
    ]
    return sorted([*kept, *made], key=lambda a: a.start)


def _only_within(text: str, rule: Rule, items: list[tuple[int, int]]) -> bool:
    """Whether ``rule`` reads only one bare item: a review of it ("needs review: lung", "needs review: such
    as heart"), or a concept inside it ("steroid" of "steroid-induced")."""
    if isinstance(rule, Presence) and rule.concept.span is not None:
        return any(s <= rule.concept.span[0] and rule.concept.span[1] <= e for s, e in items)
    if not isinstance(rule, Unstructured):
        return False
    for s, e in items:
        if s < rule.span[1] and rule.span[0] < e:
            rest = f"{text[rule.span[0] : s]} {text[e : rule.span[1]]}"
            return not context.has_content(context.EXAMPLES.sub(" ", rest))
    return False


def _before(atom: Atom, opener: int, category: Presence) -> Atom:
    """The category's atom ending before the examples' opener, so the cue stands between them."""
    if category in leaves(atom.rule) and atom.start < opener < atom.end and len(leaves(atom.rule)) == 1:
        return Atom(atom.start, opener, atom.rule)
    return atom
