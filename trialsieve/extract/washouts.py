"""A length of time "for N days prior to" an event of the study is a wash-out window, not a duration.

"Use of NSAIDs for 30 days prior to screening" excludes a patient who took NSAIDs in the 30 days
before screening. Read by its "for" alone it was a duration (NSAIDs taken for at least 30 days),
which let through anyone who took them for a week last month and excluded anyone on them for a
month years ago. The bound becomes a past window, ``<=`` the length written. Only a bare "for"
counts ("for at least 4 weeks prior to" bounds a length), and a word that says something lasted
("stable dose for 30 days prior to", "fasting for 8 hours before") keeps the duration. The words
are data: ``scope.json`` ``washouts``. A wash-out period written as one ("Washout period of 4 weeks
for antidepressants", ``operators.json``) puts its window on the drugs it is for (``periods``).
"""

from __future__ import annotations

import re
from functools import partial

from trialsieve.extract.lexicon import load
from trialsieve.extract.logic import Atom
from trialsieve.extract.trees import rebuild
from trialsieve.rules import Presence, Rule, Temporal, leaves

_LEXICON = load("scope")["washouts"]
_OPERATOR = re.compile(_LEXICON["operator"], re.IGNORECASE)
_AFTER = re.compile(_LEXICON["after"], re.IGNORECASE)
_LASTING = re.compile(_LEXICON["lasting"], re.IGNORECASE)
#: where the clause before the limit starts: what lasted is said in the limit's own clause
_CLAUSE = re.compile(r"[;:.]\s|,")


def washout(before: str, after: str, operator_text: str) -> bool:
    """Whether a time limit with ``operator_text``, read between ``before`` and ``after``, is a
    wash-out: "for 30 days" right before "prior to", with no word that says something lasted."""
    if not _OPERATOR.fullmatch(operator_text.strip()) or not _AFTER.match(after):
        return False
    clause = _CLAUSE.split(before)[-1]
    return not _LASTING.search(clause)


def periods(text: str, atoms: list[Atom], section: str) -> list[Atom]:
    """A wash-out period says when the drugs it is for were last taken: "Washout period of 4 weeks for
    antidepressants" asks about antidepressants within 4 weeks, and in an inclusion for their absence
    then (the wash-out must have been done). Read as written, "Washout" was an observation within 4
    weeks beside any antidepressant ever taken. The period's window goes to each drug after it in its
    sentence that has no window of its own, and the wash-out leaf goes; without such a drug nothing
    changes."""
    out: list[Atom] = []
    window = None
    for i, atom in enumerate(atoms):
        rule = atom.rule
        if isinstance(rule, Presence) and _PERIOD.fullmatch(rule.concept.text) and rule.temporal is not None:
            later = [a for a in atoms[i + 1 :] if not _SENTENCE_END.search(text, atom.end, a.start)]
            if any(_drugs(a.rule) for a in later):
                window = (rule.temporal, atom.end)
                continue
        if window is not None and _SENTENCE_END.search(text, window[1], atom.start):
            window = None
        if window is not None and _drugs(atom.rule):
            atom = Atom(atom.start, atom.end, rebuild(atom.rule, partial(_washed, window=window[0], section=section)))
        out.append(atom)
    return out


def _drugs(rule: Rule) -> bool:
    return any(isinstance(leaf, Presence) and leaf.concept.kind == "drug" for leaf in leaves(rule))


def _washed(leaf: Rule, window: Temporal, section: str) -> Rule:
    if not isinstance(leaf, Presence) or leaf.concept.kind != "drug" or leaf.temporal is not None:
        return leaf
    denied = leaf.negated != (section == "inclusion")  # an inclusion asks that it was not taken then
    return leaf.model_copy(update={"temporal": window, "negated": denied})


#: the concept a wash-out period is tagged as, which names nothing the patient has
_PERIOD = re.compile(r"wash[\s-]?outs?(?:\s+periods?)?", re.IGNORECASE)
_SENTENCE_END = re.compile(r";|\.\s")
