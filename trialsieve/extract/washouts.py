"""A length of time "for N days prior to" an event of the study is a wash-out window, not a duration.

"Use of NSAIDs for 30 days prior to screening" excludes a patient who took NSAIDs in the 30 days
before screening. Read by its "for" alone it was a duration (NSAIDs taken for at least 30 days),
which let through anyone who took them for a week last month and excluded anyone on them for a
month years ago. The bound becomes a past window, ``<=`` the length written. Only a bare "for"
counts ("for at least 4 weeks prior to" bounds a length), and a word that says something lasted
("stable dose for 30 days prior to", "fasting for 8 hours before") keeps the duration. The words
are data: ``scope.json`` ``washouts``.
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load

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
