"""What an inclusion says happened "after" something: the something is a past event.

"Locally recurrent HNSCC after chemoradiotherapy or radiation therapy" describes a patient whose
chemoradiotherapy is over. Read as written, the treatment had no qualifier and was asked for now:
the record of the finished treatment failed the very patients the inclusion describes (a completed
procedure or a stopped drug is over, ``match/verdicts.py``). A concept after a cue ("after",
"following", ``lexicons/past_events.json``), or after it and earlier items of its list ("after
radical prostatectomy or pelvic surgery"), is "history of" it. A cue for a time relative to the
study ("after the last dose", "after randomization") says nothing of the concept, and a leaf with a
window of its own ("within the first 3 weeks after prostatectomy") keeps it.

Only where the wider reading lets patients in: a leaf an inclusion asks for (under no `not`). In an
exclusion, or under a denial, "history of" widens what rules a patient out, and where the tree
around the leaf is wrong (an "and" list split into alternatives: "patients after injury, surgery
and radiation in the pelvic area") it excluded every patient who ever had any surgery.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, load_checked
from trialsieve.rules import LOGIC_TYPES, Presence, Rule

_LEXICON = load_checked("past_events", {"_doc", "cues", "gap", "anchors"})
#: a cue after a word or a bracket, not opening a sentence ("Following beta-blocker therapy will be allowed:
#: carvedilol" is "the following"), nor after "the" ("taking the following potent inhibitors"), nor a
#: prefix ("post-menopausal"), nor a time relative to the study ("after the last dose")
_CUE = re.compile(
    rf"(?:(?<=[\w),]\s)|(?<=\())(?<!\bthe\s)(?<!\bthese\s)(?<!\bthose\s)(?:{alternation(_LEXICON['cues'])})"
    rf"(?![-\w:])(?!{_LEXICON['anchors']})",
    re.IGNORECASE,
)
_BEFORE = re.compile(rf"(?:{_CUE.pattern})\s+{_LEXICON['gap']}$", re.IGNORECASE)
#: what ends the stretch a cue reaches: a sentence or a clause of its own
_STOP = re.compile(r"[.;:]\s|\b(?:who|which|that|and\s+(?:has|have|is|are|was|were)|with|without|if|unless)\b", re.I)
#: how far back from a concept a cue is looked for
_NEAR = 80


def marked(text: str, rule: Rule, section: str) -> Rule:
    """``rule`` with each presence leaf an inclusion asks for, written after an "after" cue, read as a
    past event."""
    return _marked(text, rule) if section == "inclusion" else rule


def _marked(text: str, rule: Rule) -> Rule:
    if rule.type == "not":
        return rule  # "without complications 4 weeks post surgery": a wider surgery rules more patients out
    if rule.type in LOGIC_TYPES:
        return rule.model_copy(update={"args": [_marked(text, arg) for arg in rule.args]})
    if not isinstance(rule, Presence) or rule.concept.span is None or rule.temporal is not None:
        return rule
    if rule.negated or rule.role is not None or {"history of", "planned", "current"} & set(rule.qualifiers):
        return rule
    start = rule.concept.span[0]
    floor = max(0, start - _NEAR)
    floor = max([floor, *(m.end() for m in _STOP.finditer(text, floor, start))])
    if not _BEFORE.search(text, floor, start):
        return rule
    return rule.model_copy(update={"qualifiers": ["history of", *rule.qualifiers]})
