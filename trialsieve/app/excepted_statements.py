"""Statements about patients a criterion's exception names: "Patients with a prior malignancy of skin cancer are
excluded from the primary trial" for a trial whose exclusion reads "Other prior malignancies except skin cancer",
"Patients with Cervical carcinoma in situ are excluded" for "no prior or current neoplasm except for non-melanoma
skin cancer, or in situ cancer of the cervix".

The note reader reads such a patient as the broad concept ("malignancy", "cervical carcinoma") and drops the words
that make them the exception ("skin", "in situ"), so the patient check rules them out on the criterion and, seeing
the exception share a word with the question, rightly will not say "no"; the concept check (``concept_statements``)
leaves a statement with unread words alone. Yet what the statement asks is plain: the criterion lets these patients
through. It is read here from the words (``lexicons/excepted_statements.json``), the same way on both sides, after
filler is dropped and the words one thing is called by are made one ("cervical" is "cervix", "carcinoma" is
"cancer"):

- a criterion rules something out and excepts some of it: an exclusion, or an inclusion that opens with a negation
  ("no prior or current neoplasm"), with an exception cue ("except", "other than") and a list of options after it;
- an option names the statement's patients when every word of the option is a word of the statement (so "skin
  cancer" is not "non-melanoma skin cancer": a melanoma is a skin cancer the criterion still rules out), and every
  word of the statement is a word of the option or of what the criterion rules out ("prior malignancy of skin
  cancer" for "Other prior malignancies except skin cancer");
- and nothing else in the trial speaks of the option: no other criterion holds its specific words (all but the
  generic ones, "cancer", "carcinoma", "in situ"), which might rule the same patients out ("No skin cancer").

Then "excluded" fails and "admitted" holds (the concept check's reading: a trial admits what it does not exclude).
A criterion that asks for something and excepts some of it ("Prior chemotherapy, except ...") decides nothing.
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
    from trialsieve.rules import Criterion
    from trialsieve.trial import StructuredTrial

Claim = Literal["required", "excluded", "admitted"]
_KEYS = {"_doc", "cue", "negated", "end", "separators", "filler", "generic", "same"}
_CANNOT = Judgement("cannot tell", [])


@dataclass(frozen=True)
class _Lexicon:
    cue: re.Pattern[str]
    negated: re.Pattern[str]
    end: re.Pattern[str]
    separators: re.Pattern[str]
    filler: frozenset[str]
    generic: frozenset[str]
    same: dict[str, tuple[str, ...]]


@cache
def _lexicon() -> _Lexicon:
    data = load_checked("excepted_statements", _KEYS, package="trialsieve.app")
    return _Lexicon(
        re.compile(data["cue"]["pattern"], re.IGNORECASE),
        re.compile(data["negated"]["pattern"], re.IGNORECASE),
        re.compile(data["end"]["pattern"]),
        re.compile(data["separators"]["pattern"], re.IGNORECASE),
        frozenset(data["filler"]["words"]),
        frozenset(data["generic"]["words"]),
        {k: tuple(v.split()) for k, v in data["same"]["words"].items()},
    )


def _words(text: str) -> frozenset[str]:
    """The words of ``text`` that say which patients are meant: a plural's final "s" dropped, each word in its
    one spelling (``same``), filler left out."""
    lexicon, found = _lexicon(), set()
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        word = word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
        found.update(lexicon.same.get(word, (word,)))
    return frozenset(found - lexicon.filler)


@dataclass(frozen=True)
class _Excepting:
    criterion: Criterion
    option: str


def _excepting(criterion: Criterion, said: frozenset[str]) -> str | None:
    """The option of ``criterion``'s exception that names the patients whose words are ``said``, when the
    criterion rules out what it excepts them from; else None."""
    lexicon = _lexicon()
    text = re.sub(r"\\(?=\S)", "", criterion.text)
    cue = lexicon.cue.search(text)
    if cue is None:
        return None
    head, tail = text[: cue.start()], text[cue.end() :]
    negated = bool(lexicon.negated.match(head))
    if (criterion.section == "exclusion") == negated or criterion.section not in ("inclusion", "exclusion"):
        return None  # it asks for what it excepts from, or says not which way it runs
    if end := lexicon.end.search(tail):
        tail = tail[: end.start()]
    ruled_out = _words(head)
    for option in lexicon.separators.split(tail):
        named = _words(option)
        if named and named <= said and said <= named | ruled_out:
            return option.strip()
    return None


def _related(criterion_id: str, ids: set[str]) -> bool:
    """Whether ``criterion_id`` is one of ``ids``, under one (a sub-criterion) or over one (its heading)."""
    return any(criterion_id == i or criterion_id.startswith(i + ".") or i.startswith(criterion_id + ".") for i in ids)


def judge_excepted(text: str, claim: Claim, structured: StructuredTrial) -> Judgement:
    """Yes, no or cannot tell: whether the trial does with the patients ``text`` describes what ``claim`` says, when
    a criterion's exception names them (see the module docstring)."""
    said = _words(text)
    if claim == "required" or not said:
        return _CANNOT
    found = [_Excepting(c, option) for c in structured.criteria if (option := _excepting(c, said)) is not None]
    if not found:
        return _CANNOT
    mine = {f.criterion.id for f in found}
    specific = frozenset().union(*(_words(f.option) for f in found)) - _lexicon().generic
    for criterion in structured.criteria:
        if not _related(criterion.id, mine) and specific and specific <= _words(criterion.text):
            return _CANNOT  # another criterion speaks of the same patients
    holds = claim == "admitted"
    parts = [
        Part(
            " ".join(text.split()),
            "holds" if holds else "fails",
            (f.criterion.id,),
            f"{criterion_label(f.criterion.id)} excepts “{f.option}”: {f.criterion.text.strip().rstrip('.')}",
        )
        for f in found
    ]
    return Judgement("yes" if holds else "no", parts)
