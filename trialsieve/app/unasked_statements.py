"""Statements that a trial does not ask something of its patients: "Candidates for the primary trial do not need to
meet a specific life expectancy criteria", "Patients of any ethnicity can participate in the primary trial",
"Patients cannot be excluded from the primary trial on the basis of race or ethnicity", "Adequate hematologic,
hepatic and renal function is not necessary for participating in the primary trial".

Such a statement names no patient and no limit, so the other readers leave it at "cannot tell"; yet it asks one
thing of the criteria: whether any speaks of the topic. Each topic it names is read by the lexicon
(``lexicons/unasked_statements.json``: race, life expectancy, hormone receptor status, organ function, prior
hormonal treatment, age), and the statement must be those topics and nothing else. Then, for each topic:

- no criterion writes any word by which a criterion may speak of it (its generous ``mentions``): the trial does
  not ask it, and the part holds; so too when every criterion that does admits every value ("Women of all races
  and ethnic groups are eligible", "Life expectancy: Not specified");
- an inclusion (or, for an attribute, an exclusion, whose limit asks for the values it leaves) writes one of its
  narrower ``asks`` words with no negation, exception, condition or permission: the trial asks it, and the part
  fails ("Has 1 of the following racial or ethnic backgrounds" for "nor is a particular racial background");
- anything else is not settled.

The statement is "yes" when every part holds and "no" when one fails, for then the whole is false whatever the
others say. A criterion under no inclusion or exclusion heading that speaks of the topic settles nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from trialsieve.app.citations import criterion_label
from trialsieve.app.requirements import Judgement, Part, _not_specified
from trialsieve.extract.lexicon import load_checked

if TYPE_CHECKING:
    from trialsieve.rules import Criterion
    from trialsieve.trial import StructuredTrial

_KEYS = {"_doc", "forms", "separators", "filler", "universal", "narrowed", "topics"}
_TOPIC_KEYS = {"said", "mentions", "asks", "attribute"}
_CANNOT = Judgement("cannot tell", [])
_SEX_WORDS = {"women": "female", "men": "male"}


@dataclass(frozen=True)
class _Topic:
    name: str
    said: re.Pattern[str]
    mentions: re.Pattern[str]
    asks: re.Pattern[str]
    attribute: bool


@dataclass(frozen=True)
class _Lexicon:
    forms: list[re.Pattern[str]]
    separators: re.Pattern[str]
    filler: re.Pattern[str]
    universal: re.Pattern[str]
    narrowed: re.Pattern[str]
    topics: list[_Topic]


@cache
def _lexicon() -> _Lexicon:
    data = load_checked("unasked_statements", _KEYS, package="trialsieve.app")
    topics = []
    for name, spec in data["topics"].items():
        if name.startswith("_"):
            continue
        if set(spec) != _TOPIC_KEYS:
            raise ValueError(f"lexicons/unasked_statements.json: topic {name!r} needs keys {sorted(_TOPIC_KEYS)}")
        flags = re.IGNORECASE
        topics.append(
            _Topic(
                name,
                re.compile(spec["said"], flags),
                re.compile(spec["mentions"], flags),
                re.compile(spec["asks"], flags),
                bool(spec["attribute"]),
            )
        )
    return _Lexicon(
        [re.compile(p, re.IGNORECASE) for p in data["forms"]["patterns"]],
        re.compile(data["separators"]["pattern"], re.IGNORECASE),
        re.compile(data["filler"]["pattern"], re.IGNORECASE),
        re.compile(data["universal"]["pattern"], re.IGNORECASE),
        re.compile(data["narrowed"]["pattern"], re.IGNORECASE),
        topics,
    )


@dataclass(frozen=True)
class UnaskedClaim:
    """What a statement says the trial does not ask: its topics, as (topic name, the words saying it), and the
    sex of whom it speaks, where it names one ("Women of any age can participate")."""

    topics: tuple[tuple[str, str], ...]
    sex: str | None = None


def unasked_claim(question: str) -> UnaskedClaim | None:
    """What ``question`` says the trial does not ask, when it is such a statement and every topic it names is one
    of the lexicon's; else None."""
    sentence = " ".join(question.split()).rstrip(" .")
    for form in _lexicon().forms:
        if found := form.fullmatch(sentence):
            groups = found.groupdict()
            topics = []
            for what in (groups.get("what"), groups.get("more")):
                read = _topics(what) if what else []
                if read is None:
                    return None
                topics += read
            who = (groups.get("who") or "").lower()
            return UnaskedClaim(tuple(topics), _SEX_WORDS.get(who)) if topics else None
    return None


def _topics(text: str) -> list[tuple[str, str]] | None:
    """The topics ``text`` names, each with its words, read left to right with separators between; None when any
    word is neither a topic, a separator nor filler."""
    lexicon = _lexicon()
    text = " ".join(lexicon.filler.sub(" ", text).split()).strip(" ,")
    found: list[tuple[str, str]] = []
    at = 0
    while at < len(text):
        if found and (gap := lexicon.separators.match(text, at)) and gap.end() > at:
            at = gap.end()
        best = None
        for topic in lexicon.topics:
            match = topic.said.match(text, at)
            whole = (
                match is not None and match.end() > at and (match.end() == len(text) or not text[match.end()].isalnum())
            )
            if match and whole and (best is None or match.end() > best[1].end()):
                best = (topic, match)
        if best is None:
            return None
        found.append((best[0].name, best[1][0].strip()))
        at = best[1].end()
        while at < len(text) and text[at] == " ":
            at += 1
    return found


def judge_unasked(claim: UnaskedClaim, structured: StructuredTrial, sexes: set[str]) -> Judgement:
    """Yes, no or cannot tell: whether ``structured`` leaves unasked every topic ``claim`` names (see the module
    docstring). ``sexes`` are those the trial's criteria admit (``{"all"}``, ``{"female"}``, or empty when they
    name none): a statement about women is not judged for a trial that admits men only."""
    if claim.sex and sexes and "all" not in sexes and claim.sex not in sexes:
        return _CANNOT
    by_name = {t.name: t for t in _lexicon().topics}
    parts = []
    for name, said in claim.topics:
        part = _judge_topic(by_name[name], said, structured)
        if part is None:
            return _CANNOT
        if part.verdict == "fails":
            return Judgement("no", [part])
        parts.append(part)
    return Judgement("yes", parts)


def _judge_topic(topic: _Topic, said: str, structured: StructuredTrial) -> Part | None:
    """Whether the trial leaves ``topic`` unasked, as a part of the judgement; None when that is not settled."""
    lexicon = _lexicon()
    speaking = [c for c in structured.criteria if topic.mentions.search(c.text)]
    admitting = [c for c in speaking if _admits_all(c, topic, structured)]
    asking = [
        c
        for c in speaking
        if c not in admitting
        and (c.section == "inclusion" or (topic.attribute and c.section == "exclusion"))
        and topic.asks.search(c.text)
        and not lexicon.narrowed.search(c.text)
    ]
    if asking and not admitting:
        cited = asking[0]
        return Part(said, "fails", (cited.id,), f"{criterion_label(cited.id)} asks it: {_quoted(cited)}")
    if not speaking:
        return Part(said, "holds", (), f"criteria say nothing of {topic.name}")
    if len(admitting) == len(speaking):
        cited = admitting[0]
        how = "leaves it not specified" if _not_specified(cited, structured) else "admits any"
        return Part(said, "holds", (cited.id,), f"{criterion_label(cited.id)} {how}: {_quoted(cited)}")
    return None


def _admits_all(criterion: Criterion, topic: _Topic, structured: StructuredTrial) -> bool:
    """Whether ``criterion`` speaks of ``topic`` only to admit every value: each mention follows "all", "any",
    "regardless of" ("Women of all races and ethnic groups are eligible"), or the criterion says it is not
    specified ("Life expectancy: Not specified")."""
    if _not_specified(criterion, structured):
        return True
    universal = _lexicon().universal
    return all(universal.search(criterion.text[: m.start()]) for m in topic.mentions.finditer(criterion.text))


def _quoted(criterion: Criterion) -> str:
    return criterion.text.strip().rstrip(".")
