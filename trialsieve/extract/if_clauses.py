"""A leading "If X, Y" sets Y on the patients who are X: it is no choice between X and Y.

"If diabetic, HbA1c 7.5 or higher within 3 months prior to trial" (an exclusion, NCT05868668) was read
as any(diabetic, HbA1c >= 7.5), so every patient with diabetes was excluded, whatever the HbA1c; the
inclusion "If diabetic, documentation of HgA1c less than or equal to 8.0%" let every diabetic in, and
"If receiving medication for hypertension, documentation of blood pressure has been stable ..." turned
away everyone on no such medication. When the criterion opens with "If" and a comma closes the
condition (the first comma outside brackets), and the criterion's top logic node holds the
condition's one presence and, besides it, only what follows the comma, the exclusion is all(X, Y)
(only an X with Y is excluded) and the inclusion any(not X, Y) (Y is asked of an X only). An
exclusion that states a requirement ("If X, must have Y") asks for its opposite, a clause about
someone else ("If the male subject's female partner is of childbearing potential") sets nothing on
the patient, and a denied condition ("If there is no clear liver metastasis") or a second "if" is
another reading: all are left as they are read.
"""

from __future__ import annotations

import re

from trialsieve.rules import All, Any, Presence, Rule, leaves

#: "If", "If the patient is", "If subjects have": the opening of a condition clause
_IF = re.compile(
    r"\W*(?:\d{1,2}[.)]\s+)?if\s+(?:(?:the\s+)?(?:patients?|subjects?|participants?)\s+)?(?:is|are|has|have|had\s+)?\s*",
    re.IGNORECASE,
)
#: an "If" clause about someone else ("If the male subject's female partner is of childbearing potential")
_OTHER_PERSON = re.compile(
    r"\b(?:partners?|spouses?|wife|wives|husbands?|mothers?|fathers?|parents?|caregivers?|relatives?|family)\b",
    re.IGNORECASE,
)
#: a denied condition ("If there is no clear liver metastasis", "If patient has not recovered"): the
#: negation is read over the whole criterion, and its reading is not this pass's to mend
_NEGATION = re.compile(r"\b(?:no|not|never|cannot|without)\b|n't", re.IGNORECASE)
#: a second condition after the first ("...; if there is liver metastasis, ...")
_IF_AGAIN = re.compile(r"\bif\b", re.IGNORECASE)
_REQUIREMENT = re.compile(r"\b(?:must|should|shall|has\s+to|have\s+to|needs?\s+to|required)\b", re.IGNORECASE)


def if_clauses(text: str, rule: Rule, section: str) -> Rule:
    """``rule`` with a leading "If X, Y" read as Y asked of an X (see the module's doc)."""
    opened = _IF.match(text)
    comma = _clause_end(text, opened.end()) if opened else -1
    if comma < 0 or section not in ("inclusion", "exclusion") or rule.type not in ("all", "any"):
        return rule
    if _OTHER_PERSON.search(text, 0, comma) or _NEGATION.search(text, 0, comma) or _IF_AGAIN.search(text, comma):
        return rule
    before = [a for a in rule.args if _extent(a)[1] <= comma]
    after = [a for a in rule.args if _extent(a)[0] > comma]
    if len(before) != 1 or not after or len(before) + len(after) != len(rule.args) or not _condition(before[0]):
        return rule
    then = after[0] if len(after) == 1 else (All if rule.type == "all" else Any)(args=after)
    if section == "exclusion":
        if _REQUIREMENT.search(text, comma):
            return rule
        return All(args=[before[0], then], confidence=rule.confidence)
    unless = before[0].model_copy(update={"negated": True})
    return Any(args=[unless, then], confidence=rule.confidence)


def _clause_end(text: str, start: int) -> int:
    """Where the condition clause ends: the first comma outside brackets ("If previously taken LHRH
    agonists (e.g, Lupron, Zoladex), ..."), or -1."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in "([":
            depth += 1
        elif text[i] in ")]":
            depth = max(0, depth - 1)
        elif text[i] == "," and depth == 0:
            return i
    return -1


def _condition(rule: Rule) -> bool:
    """One presence, asserted, that is the patient's: what the "If" clause names."""
    return isinstance(rule, Presence) and not rule.negated and rule.role is None


def _extent(rule: Rule) -> tuple[int, int]:
    """Where ``rule``'s words are: a presence's concept, not the phrase around it ("If receiving
    medication for hypertension, documentation of" is one presence's phrase)."""
    spans = [
        (leaf.concept.span if isinstance(leaf, Presence) and leaf.concept.span else leaf.span) for leaf in leaves(rule)
    ]
    return min(s[0] for s in spans), max(s[1] for s in spans)
