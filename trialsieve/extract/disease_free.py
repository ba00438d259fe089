"""A disease-free time: how long ago a disease was last there, not how long it lasted.

"History of other malignancy unless disease free for at least 3 years" excludes a malignancy that
was there within the last 3 years, ongoing or over less than 3 years ago. Read by its "for at least"
alone it was a duration (a malignancy that began over 3 years ago): it excluded a patient cured ten
years ago and let in one diagnosed last month. A time limit right after words that say the disease
is over ("disease free", "in complete remission", "no recurrence", ``lexicons/disease_free.json``)
is a Temporal of measure ``active``: the time since the disease was last there. An exception or
denial before those words ("unless", "except those", "has not been ... in remission") asks for the
other side of the bound: "unless disease free for >= 3 years" is active within the last ``< 3`` years.
"""

from __future__ import annotations

import re

from trialsieve.extract.grammar import find_limits
from trialsieve.extract.lexicon import load_checked, phrase_regex
from trialsieve.extract.relations import clause_start
from trialsieve.rules import ADMITTED, Entity, Operator

_LEXICON = load_checked("disease_free", {"_doc", "states", "gap", "denials", "windows"})
_WORDS = phrase_regex(_LEXICON["states"])
_STATE = re.compile(f"{_WORDS.pattern}{_LEXICON['gap']}", re.IGNORECASE)
_DENIAL = re.compile(_LEXICON["denials"], re.IGNORECASE)
_WINDOW = re.compile(_LEXICON["windows"], re.IGNORECASE)
#: a conjunction a few words before a state: what the state is of is not the concept right before it
_JOINED = re.compile(r"\b(?:and|or|but)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def active_bound(text: str, start: int, operator: Operator, operator_text: str) -> tuple[Operator, int] | None:
    """The operator on the time since the disease was last there, and where the words that say it is
    over start, when the time limit at ``start`` (with ``operator`` and its words ``operator_text``)
    bounds a disease-free time; else None."""
    state = _state_before(text, start)
    if state is None or operator == "between":
        return None
    free = operator
    if operator == "=" or (operator == "<=" and _WINDOW.search(f"{state.group()} {operator_text}")):
        free = ">="  # "disease free for 5 years", "no recurrence for the last five years": all that time
    if _DENIAL.search(text, clause_start(text, start), state.start()):
        return ADMITTED[free], state.start()  # "unless disease free for >= 3 years": there within 3 years
    return free, state.start()


def without_states(text: str, tagged: list[Entity] | None) -> list[Entity] | None:
    """``tagged`` without the spans inside words that say a disease is over right before a time limit:
    "remission" in "history of HCC that is in remission for less than six months" is the state of the
    HCC, whose time the limit bounds, not a concept of its own. A state a conjunction sets apart ("Ulcerative
    colitis with confirmed diagnosis by histology and endoscopy AND in stable remission for 3 months")
    stays: the word before it is not what is in remission."""
    if not tagged or not _WORDS.search(text):
        return tagged
    times = [limit.start for limit in find_limits(text) if limit.is_time]
    states = [state.span() for t in times if (state := _state_before(text, t))]
    return [e for e in tagged if not any(start <= e.start and e.end <= end for start, end in states)]


def _state_before(text: str, start: int) -> re.Match[str] | None:
    """The words in its clause that say a disease is over, ending right before ``start``. Outside an
    exception or denial, a conjunction before them sets them apart from the concept before them ("...
    endoscopy AND in stable remission for 3 months": the remission's own duration); inside one they
    go on saying what is excepted ("except those with a cured tumor and no re-occurrence for 5 years")."""
    clause = clause_start(text, start)
    state = _STATE.search(text, clause, start)
    if state is None or state.end() != start:
        return None
    if _JOINED.search(text, clause, state.start()) and not _DENIAL.search(text, clause, state.start()):
        return None
    return state
