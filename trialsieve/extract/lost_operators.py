"""A limit whose comparison sign the source lost: "ANC  1,500/mm³" is "ANC ≥ 1,500/mm³".

NLI4CT's trials (and other exports that drop non-ASCII characters) arrive with "≥" and "≤" taken out
and the spaces around them left, so a limit reads as a name, two spaces and a number. The grammar then
finds no operator and the criterion becomes a mention of the measure, which any value meets. The sign
lost is "≥" or "≤" (">" and "<" are ASCII and survive), and for the measures of
``lexicons/lost_operators.json`` only one of them makes a limit a trial could set: an inclusion asks for
at least so many neutrophils and at most so much bilirubin, an exclusion rules out the other side. So
the gap is read as that sign, character for character (two spaces become a space and the sign), and
every offset into the text stays the same. A measure whose limit may go either way (age, a tumour's
size, a dose) is not listed and keeps its gap: read as a mention for review, as before, rather than
guessed. A toxicity's grade goes one way too ("Grade  2 peripheral neuropathy" in an exclusion is grade 2
or worse), when the clause names a toxicity: a tumour's grade may be asked either way.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, load_checked

_LEXICON = load_checked("lost_operators", {"_doc", "at_least", "at_most", "_doc_toxicity_grades", "toxicity_words"})
_SIDE = {name.lower(): side for side in ("at_least", "at_most") for name in _LEXICON[side]}
#: a listed measure, an abbreviation in parentheses after it perhaps, then exactly two spaces and a number
_GAP = re.compile(
    rf"(?P<name>{alternation([*_LEXICON['at_least'], *_LEXICON['at_most']])})"
    r"(?:\s*\([^()]{1,20}\))?(?P<gap> {2})(?=\d)",
    re.IGNORECASE,
)
#: "Grade  2" (a grade's lost sign), and a toxicity named in the same clause, after it or before it
_GRADE = re.compile(r"\bgrade(?P<gap> {2})(?=\d|[IV]+\b)", re.IGNORECASE)
_TOXICITY = re.compile(rf"(?:{alternation(_LEXICON['toxicity_words'])})", re.IGNORECASE)
_CLAUSE_MARKS = ",;:.()"
_CLAUSE = re.compile(rf"[^{re.escape(_CLAUSE_MARKS)}]*")
_SIGN = {("at_least", "inclusion"): "≥", ("at_most", "inclusion"): "≤"}
_SIGN |= {("at_least", "exclusion"): "≤", ("at_most", "exclusion"): "≥"}


def restored(text: str, section: str) -> str:
    """``text`` with each lost sign of a listed measure's limit written back, same length. A criterion of no
    section ("PATIENT CHARACTERISTICS: ...", the old NCI layout) states what is required, as an inclusion does,
    and the check reads it so."""
    section = "exclusion" if section == "exclusion" else "inclusion"

    def sign(found: re.Match[str]) -> str:
        side = _SIDE[" ".join(found["name"].lower().split())]
        start, end = found.span("gap")
        whole = found[0]
        cut = start - found.start()
        return whole[:cut] + " " + _SIGN[side, section] + whole[end - found.start() :]

    text = _GAP.sub(sign, text)
    for found in _GRADE.finditer(text):
        start, end = found.span("gap")
        head = max(text.rfind(mark, 0, found.start()) for mark in _CLAUSE_MARKS) + 1  # the clause "grade" is in
        tail = _CLAUSE.match(text, end)
        if _TOXICITY.search(text, head, tail.end() if tail else end):
            text = text[:start] + " " + _SIGN["at_most", section] + text[end:]
    return text
