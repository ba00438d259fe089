"""A finding written after a list is asked for beside the whole list, never dropped.

"Patients with central nervous system metastasis (CNS) and/or cancerous meningitis and obvious
symptoms" excludes patients whose metastases or meningitis show symptoms; the tagger names no concept
in "obvious symptoms", so the words fell out of the tree and every patient with silent metastases was
excluded. A finding (``lexicons/trailing_findings.json``: symptoms, signs, complications) joined by
"and" or "with" at the end of a one-clause criterion that names two or more things becomes a review
leaf AND-ed with what the criterion asks before it: all(any(metastasis, meningitis), review: obvious
symptoms). Whether a symptom is "obvious" is a clinician's reading, so the leaf asks for review, and
the criterion stays partial rather than silently dropping the condition.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, load_checked
from trialsieve.extract.trees import nodes
from trialsieve.rules import All, Rule, Unstructured, leaves

_LEXICON = load_checked("trailing_findings", {"_doc", "joins", "findings"})
_TRAILING = re.compile(
    rf"\s(?:{alternation(_LEXICON['joins'])})\s+"
    rf"(?P<finding>(?:(?!(?:and|or|with|of|no|not|without)\b)[^\W\d_][\w-]*\s+){{0,2}}"
    rf"(?:{alternation(_LEXICON['findings'])}))\s*[.;]?\s*$",
    re.IGNORECASE,
)
REASON = "symptoms a clinician judges"


def joined(text: str, rule: Rule) -> Rule:
    """``rule`` AND-ed with a review of the finding that ends ``text``, when nothing else reads it."""
    found = _TRAILING.search(text)
    if found is None or re.search(r"[;:]|\.\s", text[: found.start()]):
        return rule  # one clause: what the finding joins is the whole criterion
    start, end = found.span("finding")
    read = leaves(rule)
    if len(read) < 2 or any(getattr(n, "negated", False) or n.type == "not" for n in nodes(rule)):
        return rule  # "No brain metastases with symptoms": what a denial leaves is not read here
    if any(_span(leaf) and _span(leaf)[0] < end and start < _span(leaf)[1] for leaf in read):
        return rule  # the finding is read already
    review = Unstructured(text=text[start:end], reason=REASON, span=(start, end))
    args = [*rule.args, review] if rule.type == "all" else [rule, review]
    return All(args=args, confidence=getattr(rule, "confidence", None))


def _span(leaf: Rule) -> tuple[int, int] | None:
    """Where the words a leaf reads are written."""
    if leaf.type == "presence":
        return leaf.concept.span or leaf.span
    return getattr(leaf, "span", None)
