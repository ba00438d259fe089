"""What a criterion allows in its last sentence, after what it asks.

"Major surgery within 30 days of randomization. Minor surgical procedures, such as catheter
placement or minimally invasive biopsies, are allowed." asks about major surgery and lets minor
surgery through. Read as one more requirement AND-ed to the first (before this module), the
exclusion asked for minor surgery as well, and "Steroids used to treat inflammation are allowed"
after "immunosuppressive therapy" made steroids a reason to exclude. ``find`` reads where the
allowing sentence begins and what it allows; ``structure`` leaves that out of an exclusion and
offers it as an alternative to an inclusion. An allowance on a condition ("are eligible provided
that they have been disease free for >= 2 years") is left for a person. ``whole`` reads a
criterion that only allows, a note under another ("Note: Participants with basal cell carcinoma
... are not excluded."): ``structure`` applies it to the parent the same way, and alone it asks
nothing (``permits``). The cue words are the ``allowances`` lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from trialsieve.extract.lexicon import load_checked

_LEXICON = load_checked(
    "allowances",
    {
        "_doc",
        "starts",
        "allowed",
        "denied",
        "conditions",
        "free_tails",
        "notes",
        "consults",
        "persons",
        "longest",
        "bare_tails",
        "recruits",
        "requirements",
    },
)
_STARTS = re.compile(_LEXICON["starts"])
_ALLOWED = re.compile(_LEXICON["allowed"], re.IGNORECASE)
_DENIED = re.compile(_LEXICON["denied"], re.IGNORECASE)
_CONDITION = re.compile(_LEXICON["conditions"], re.IGNORECASE)
_FREE_TAIL = re.compile(_LEXICON["free_tails"], re.IGNORECASE)
_NOTE = re.compile(_LEXICON["notes"], re.IGNORECASE)
_PERSONS = re.compile(_LEXICON["persons"], re.IGNORECASE)
_LONGEST = _LEXICON["longest"]
_BARE_TAIL = re.compile(_LEXICON["bare_tails"], re.IGNORECASE)
_RECRUITS = re.compile(_LEXICON["recruits"], re.IGNORECASE)
_REQUIREMENTS = re.compile(_LEXICON["requirements"], re.IGNORECASE)
_CONSULT = re.compile(_LEXICON["consults"], re.IGNORECASE | re.DOTALL)
_SENTENCE_END = re.compile(r"(?<!\.[a-z])[.;](?:\s|$)")  # "e.g. cervix" ends nothing
_SENTENCE_START = re.compile(r"[.;]\s+(?=[A-Z])")
#: a sentence or clause ends here ("arrhythmias; (Note: ..."), not an abbreviation ("e.g. cervix")
_CLAUSE_END = re.compile(r"(?<!\.[a-z])[.;]\s")
_ABBREVIATION = re.compile(r"\b(?:e\.\s?g|i\.\s?e|vs|cf)\.$", re.IGNORECASE)
#: the fewest words before the allowing sentence: a criterion of its own, not a heading
_HEAD_WORDS = 2


@dataclass(frozen=True)
class Allowance:
    """Where the criterion's own requirement ends (``head_end``), and what is allowed: ``start:end``,
    the allowing sentence's subject, ``sentence_end`` its end; ``conditional`` when it allows on a condition."""

    head_end: int
    start: int
    end: int
    sentence_end: int
    conditional: bool


def _may_allow(text: str) -> bool:
    """The cheap test first: few criteria hold any allowing word, and the words' pattern is long."""
    lowered = text.lower()
    return any(word in lowered for word in _ALLOWING_STEMS) and _ALLOWED.search(text) is not None


#: a stem of every allowing word of the lexicon's ``allowed`` ("allowed", "acceptable", "eligible", ...)
_ALLOWING_STEMS = (
    *("allow", "permit", "accept", "eligib", "includ", "enrol"),
    *("particip", "used", "exclu", "consider", "regard", "deem"),
)


def find(text: str) -> Allowance | None:
    """The last sentence of ``text`` when it only allows something, else None."""
    if not _may_allow(text):
        return None
    for opened in reversed(list(_STARTS.finditer(text))):
        if _ABBREVIATION.search(text, 0, opened.start() + 1):
            continue  # "(e.g. CART19/CTL019)": no sentence starts inside a bracket of examples
        if len(text[: opened.start()].split()) < _HEAD_WORDS:
            return None
        bracketed = opened.group().startswith("(")
        sentence_end = _closing(text, opened.end()) if bracketed else _sentence_end(text, opened.end())
        if sentence_end < len(text.rstrip(" .;)")) and not _CONSULT.fullmatch(text, sentence_end):
            continue  # more follows it: not the last sentence
        if (allowance := _allowing(text, opened.start(), opened.end(), sentence_end)) is not None:
            consulted = sentence_end < len(text.rstrip(" .;)"))  # a person decides: "Please consult CCTG."
            return replace(allowance, conditional=True) if consulted else allowance
    return None


def whole(text: str) -> list[Allowance]:
    """Each sentence of ``text`` when every one only allows something, else none.

    A note under a criterion ("Note: Participants with basal cell carcinoma of the skin ... are not
    excluded.") allows what its parent would otherwise ask; read as a requirement of its own, AND-ed
    under the parent, it turned an exclusion of other cancers into an exclusion of the very cancers
    it let through. ``head_end`` of each is where its sentence starts."""
    if not _may_allow(text):
        return []
    ends = list(_SENTENCE_START.finditer(text))
    starts = [0] + [m.end() for m in ends]
    stops = [m.start() for m in ends] + [len(text.rstrip(" .;"))]
    found: list[Allowance] = []
    for start, stop in zip(starts, stops, strict=True):
        allowance = _allowing(text, start, start, stop)
        if allowance is not None and _one_subject(text, start, allowance):
            found.append(allowance)
        elif found and _CONSULT.fullmatch(text, start):  # "... may be eligible. Please consult the sponsor."
            return [replace(a, conditional=True) for a in found]
        else:
            return []
    return found


def permits(text: str, section: str) -> bool:
    """Whether ``text``, a criterion of its own, only allows what it names: it then asks nothing
    ("Nonmelanoma skin cancer or carcinoma in situ (e.g. cervix, bladder, breast) is eligible", which
    a registry lists among the exclusions). In an inclusion, "will be included" states who is recruited."""
    notes = whole(text)
    if not notes or any(note.conditional for note in notes):
        return False
    return section != "inclusion" or not _RECRUITS.search(text)


def _one_subject(text: str, start: int, allowance: Allowance) -> bool:
    """Whether the sentence from ``start`` only allows: its subject is one phrase (no clause ends in it)
    that is a note, names the people let in, or is short."""
    subject = text[allowance.start : allowance.end]
    # a clause ends or a list opens inside it: "arrhythmias; (Note: patients ... may be eligible",
    # "Patients taking the following: ... ketoconazole (topical forms are allowed)"
    if _CLAUSE_END.search(text, start, allowance.end) or ":" in subject or subject.count("(") > subject.count(")"):
        return False
    if _REQUIREMENTS.search(subject):
        return False  # "Must have a potential study participant who can participate ..."
    said = _ALLOWED.match(text, allowance.end)
    if len(said.group().split()) == 1 and not _BARE_TAIL.match(text, said.end()):
        return False  # "Using a medically acceptable form of birth control"
    return allowance.start > start or bool(_PERSONS.match(subject)) or len(subject.split()) <= _LONGEST


def _allowing(text: str, head_end: int, start: int, sentence_end: int) -> Allowance | None:
    """The allowance that the sentence ``start:sentence_end`` states, if it states one."""
    if lead := _NOTE.match(text, start, sentence_end):  # "(Note: patients with ... may be eligible)"
        start = lead.end()
    said = _ALLOWED.search(text, start, sentence_end)
    if said is None or said.start() == start or _DENIED.search(text[start : said.start()]):
        return None
    tail = text[said.end() : sentence_end]
    return Allowance(
        head_end=head_end,
        start=start,
        end=said.start(),
        sentence_end=sentence_end,
        conditional=not _FREE_TAIL.match(tail) or bool(_CONDITION.search(text, start, said.start())),
    )


def _sentence_end(text: str, start: int) -> int:
    found = _SENTENCE_END.search(text, start)
    return found.start() if found else len(text)


def _closing(text: str, start: int) -> int:
    depth = 1
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return len(text)
