"""A concept said as "other", "another" or "additional" is one besides what the trial is about.

"Other malignancy within 5 years" in a lymphoma trial read as "malignancy", so every patient with
the lymphoma the trial studies was ruled out by it, and so was every patient of "No other tumors"
(48 criteria of the 656 ClinicalTrials.gov records say so, nearly every cancer trial). The leaf
keeps its concept and gets the qualifier ``other`` (``cues.json`` ``besides_own``); the check then
leaves out the patient's facts that are the trial's own disease (``match/verdicts.py``). The words
may stand a state or two before the concept ("another primary cancer", "other active malignancy",
"other benefit-limiting tumor components"),
never "other than", which is an exception (``logic.py``).
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, load
from trialsieve.rules import LOGIC_TYPES, Presence, Rule

OTHER = "other"
_LEXICON = load("cues")["besides_own"]
#: a compound adjective: "other |benefit-limiting| tumor components"
_COMPOUND = r"[^\W\d_]+-[^\W\d_]+"
#: the word and the states after it, ending where the concept starts
_BEFORE = re.compile(
    rf"(?:{alternation(_LEXICON['words'])})\s+(?:(?:{alternation(_LEXICON['between'])}|{_COMPOUND})\s*,?\s+){{0,2}}$",
    re.IGNORECASE,
)
#: how far before a concept to look: the word and two states
_NEAR = 60


def marked(text: str, rule: Rule) -> Rule:
    """``rule`` with each presence leaf written as "other X" qualified ``other``."""
    if rule.type in LOGIC_TYPES:
        return rule.model_copy(update={"args": [marked(text, arg) for arg in rule.args]})
    if not isinstance(rule, Presence) or rule.concept.span is None or OTHER in rule.qualifiers:
        return rule
    start = rule.concept.span[0]
    if not _BEFORE.search(text, max(0, start - _NEAR), start):
        return rule
    return rule.model_copy(update={"qualifiers": [*rule.qualifiers, OTHER]})
