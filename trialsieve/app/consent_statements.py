"""Statements about informed consent: "Informed consent is obligatory for entry in the primary trial", "Informed
consent is optional for entry in the primary trial", "Patients that are not willing to sign and give written informed
consent will still be included in the primary trial".

Such a statement names no patient the note reader can read and no concept the rule tree decides (consent is a
procedure of the trial, not something a patient has), so the other readers leave it at "cannot tell". Yet a trial
that asks for consent says so plainly: an inclusion that asks for it ("The subject must provide written informed
consent", "Ability to understand and sign an informed consent") or an exclusion of those who cannot or will not give
it ("Unwilling or unable to provide informed consent"). Each is read here by its words
(``lexicons/consent_statements.json``): then a statement that consent is required holds, and one that it is optional
or that patients who do not consent are taken fails. A trial whose criteria say nothing of consent leaves the
statement at "cannot tell": consent is asked of every participant, but the criteria are what the answer rests on,
and they do not say it. An inclusion that waives or qualifies consent ("consent by a legal representative is
acceptable", "no consent is needed") makes the trial unjudged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from trialsieve.app.citations import criterion_label
from trialsieve.app.requirements import Judgement, Part
from trialsieve.extract.lexicon import load_checked

if TYPE_CHECKING:
    from trialsieve.trial import StructuredTrial

_KEYS = {"_doc", "required", "not_required", "asks", "excludes_without", "waived"}
_CANNOT = Judgement("cannot tell", [])


@dataclass(frozen=True)
class _Lexicon:
    required: re.Pattern[str]
    not_required: re.Pattern[str]
    asks: re.Pattern[str]
    excludes_without: re.Pattern[str]
    waived: re.Pattern[str]


@cache
def _lexicon() -> _Lexicon:
    data = load_checked("consent_statements", _KEYS, package="trialsieve.app")
    fields = ("required", "not_required", "asks", "excludes_without", "waived")
    return _Lexicon(*(re.compile(data[key]["pattern"], re.IGNORECASE) for key in fields))


def consent_claim(question: str) -> Literal["required", "not required"] | None:
    """What ``question`` says of the trial's informed consent, when it is a statement about it."""
    lexicon = _lexicon()
    if lexicon.required.match(question.strip()):
        return "required"
    if lexicon.not_required.match(question.strip()):
        return "not required"
    return None


def judge_consent(claim: Literal["required", "not required"], structured: StructuredTrial) -> Judgement:
    """Yes, no or cannot tell: whether ``structured`` requires informed consent as ``claim`` says (see the module
    docstring)."""
    lexicon = _lexicon()
    asking = []
    for criterion in structured.criteria:
        text = criterion.text
        if lexicon.waived.search(text):
            return _CANNOT  # consent waived or given by someone else: what the trial asks is not plain
        said = lexicon.asks if criterion.section == "inclusion" else lexicon.excludes_without
        if criterion.section in ("inclusion", "exclusion") and said.search(text):
            asking.append(criterion)
    if not asking:
        return _CANNOT
    holds = claim == "required"
    parts = [
        Part(
            "informed consent " + claim,
            "holds" if holds else "fails",
            (c.id,),
            f"{criterion_label(c.id)} asks for it: {c.text.strip().rstrip('.')}",
        )
        for c in asking[:1]
    ]
    return Judgement("yes" if holds else "no", parts)
