"""Read a free-text clinical note into a ``Patient`` with the machinery that reads criteria.

The entity tagger finds conditions, drugs, procedures and observations; a negation cue from the
``cues`` lexicon ("denies", "no", "without", "negative for") earlier in the same clause marks a
concept absent; a comma that opens a statement of what is there ("No fever, cough present") ends
the clause for it (``lexicons/note_scope.json``). Measured values are a name, a number and a unit
the units lexicon knows ("hemoglobin of 9.5 g/dL", "BP 150/95 mmHg"). Age and sex come from phrases like "A 58-year-old
woman". A body site written right before a condition the tagger named without it is part of it, as in
criteria (``extract/sites.written_before``): "HER2 positive breast cancer" is breast cancer, where the tagger
often names only "cancer". Notes carry no dates; a fact the note times ("two weeks ago", "cough for 2 days") keeps
how many days before the note it happened or began, read against the evaluation date.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, get_args

from trialsieve.extract import optional, sites
from trialsieve.extract.grammar import parse_number
from trialsieve.extract.lexicon import alternation, load, phrase_regex
from trialsieve.extract.quantities import convert
from trialsieve.extract.units import TIME_UNITS, match_unit
from trialsieve.match import allergies
from trialsieve.match.patient import MAX_AGE, MAX_DAYS, Fact, FactKind, Patient, plausible

if TYPE_CHECKING:
    from trialsieve.extract.tagger import EntityTagger

_CUES = load("cues")
_AGE = re.compile(
    r"\b(\d{1,3}(?:\.\d+)?)\s*(?:-|\s)?\s*(year|yr|month|mo|week|wk|day)s?(?:\s*|-)old\b|\baged?\s+(\d{1,3})\b|"
    r"\b(\d{1,3})\s*(?:yo|y/o|y\.o\.)\b",
    re.IGNORECASE,
)
_AGE_UNIT = {"year": 1.0, "yr": 1.0, "month": 1 / 12, "mo": 1 / 12, "week": 7 / 365.25, "wk": 7 / 365.25}
_FEMALE = re.compile(rf"(?:{alternation(_CUES['sex_in_notes']['female'])})", re.IGNORECASE)
_MALE = re.compile(rf"(?:{alternation(_CUES['sex_in_notes']['male'])})", re.IGNORECASE)
_NEGATED_BEFORE = re.compile(rf"(?:{alternation(_CUES['negation'])})", re.IGNORECASE)
_PSEUDO = re.compile(rf"(?:{alternation(_CUES['pseudo_negation'])})", re.IGNORECASE)
# NegEx's terminations: a negation does not reach past these.
_CLAUSE_END = re.compile(
    r"[;:]|\b(?:but|however|although|except|aside from|apart from|which|who|presents?|presented|presenting|"
    r"complains?|reports?|due to|secondary to|because)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r".+?(?:[.!?](?=\s|$)|$)", re.MULTILINE)
_VALUE = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)*)(?:\s*/\s*(\d+(?:\.\d+)?))?")
#: the words before a value that name it, less what links them to the number ("of", "level") and a bound ("of more
#: than", "at least", "<"): "a diameter of less than 4 cm" is a diameter
_NAME = re.compile(
    r"([A-Za-z][A-Za-z0-9\-+ ]{0,40}?)\s*(?:\(\w+\))?\s*(?:(?:of|is|was|were|:|=|level|count)\s*)?"
    r"(?:(?:between|from|at\s+(?:least|most)|(?:more|less|greater|fewer|higher|lower)\s+than|over|under|above|"
    r"below|at|<=?|>=?|≤|≥)\s*)?$"
)
#: words before a value that are not its name: grammar, and who has it ("Patients with a diameter of 4 cm")
_NAME_STOP = frozenset(_CUES["stopwords"]) | frozenset(_CUES["persons"]["words"])
_FAMILY = re.compile(rf"(?:{alternation(_CUES['qualifiers']['family history'])})", re.IGNORECASE)
_PRESSURE = re.compile(r"\b(?:bp|blood pressure)\b", re.IGNORECASE)
_FACT_KINDS = frozenset(get_args(FactKind))
_COUNT = r"\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_RELATIVE_TIME = re.compile(
    rf"\b(?P<n>{_COUNT})[\s-]+(?P<unit>[a-z]+)\s+(?:ago|earlier|before|previously|prior)\b|"
    rf"\b(?:for|over|during|in)\s+(?:the\s+(?:past|last|previous|preceding)\s+)?(?:(?P<n2>{_COUNT})[\s-]+)?"
    r"(?P<unit2>hours?|days?|weeks?|months?|years?)\b|"
    rf"\b(?P<n3>{_COUNT})[\s-]+(?P<unit3>hour|day|week|month|year)s?\s+history\b",
    re.IGNORECASE,
)
_FINDING = phrase_regex(list(load("reference_ranges", "trialsieve.match")["implied"]))
_SCOPE = load("note_scope", "trialsieve.match")
if set(_SCOPE) != {"_doc", "affirming", "list_joins"}:
    raise ValueError(f"lexicons/note_scope.json: unexpected keys {sorted(_SCOPE)}")
#: a word that states something present: "cough present", "positive for hepatitis C"
_AFFIRMING = phrase_regex(_SCOPE["affirming"])
#: a list's next item: "No fever, chills, or cough", "..., orthopnea and palpitations were observed"
_LIST_JOIN = phrase_regex(_SCOPE["list_joins"])
#: a piece of a sentence after a comma: up to the next comma, semicolon or colon
_PIECE = re.compile(r"[^,;:]*")


def read_note(text: str, tagger: EntityTagger | None = None, patient_id: str = "patient", source: str = "") -> Patient:
    """A patient from a clinical note; ``tagger`` None reads only age, sex and values."""
    patient = Patient(id=patient_id, note=text, source=source, age=_age(text), sex=_sex(text))
    sentences = [(m.start(), m[0]) for m in _SENTENCE.finditer(text) if m[0].strip()]
    tagged = tagger.tag([s for _, s in sentences]) if tagger else [[] for _ in sentences]
    for number, ((_, sentence), entities) in enumerate(zip(sentences, tagged, strict=True)):
        where = f"note sentence {number}"
        named = [(e.type, e.start, e.end, e.text) for e in entities if e.type in _FACT_KINDS]
        tagged_spans = [(start, end) for _, start, end, _ in named]
        named += [  # findings that bound a value ("tachycardic") are read even where the tagger missed them
            ("condition", m.start(), m.end(), m[0])
            for m in _FINDING.finditer(sentence)
            if not any(start < m.end() and m.start() < end for start, end in tagged_spans)
        ]
        times = _times(sentence)
        stated, used = allergies.read(sentence, [(start, end) for _, start, end, _ in named])
        for said_at, allergen in stated:  # "allergic to penicillin": an allergy, not penicillin taken
            days = _days_before(sentence, said_at, said_at, times)
            fact = Fact(kind="condition", text=f"allergy to {allergen}", source=where, days_before=days)
            patient.facts.append(fact.model_copy(update=_said(sentence, said_at)))
        named = [n for i, n in enumerate(named) if i not in used]
        for kind, start, end, name in named:
            if kind == "condition" and (typed := _TYPE_BEFORE.search(sentence, 0, start)):
                start, name = typed.start(), sentence[typed.start() : end]  # "type 2 diabetes", not "diabetes"
            if kind == "procedure" and (sized := _SIZE_BEFORE.search(sentence, 0, start)):
                start, name = sized.start(), sentence[sized.start() : end]  # "major surgery", not any surgery
            if kind in ("condition", "observation") and (site := sites.written_before(sentence, 0, start)) is not None:
                start, name = site, sentence[site:end]  # "HER2 positive breast cancer": breast cancer, not any cancer
            if kind == "condition" and (status := _STATUS_BEFORE.search(sentence, 0, start)):
                start, name = status.start(), sentence[status.start() : end]  # "HER2 positive breast cancer"
            if _optional(sentence, start):
                continue  # "with or without radiation to the arm": neither there nor denied
            days = _days_before(sentence, start, end, times)
            patient.facts.append(Fact(kind=kind, text=name, source=where, days_before=days, **_said(sentence, start)))
        patient.facts.extend(_measurements(sentence, entities, where))
    pregnancy = [f for f in patient.facts if re.search(r"\bpregnan", f.text, re.IGNORECASE)]
    if pregnancy:
        patient.pregnant = any(f.present for f in pregnancy)
    return patient


#: A type or stage written right before a condition belongs to it: the tagger may leave it out.
_TYPE_BEFORE = re.compile(r"\b(?:type|stage|grade|class)\s+(?:[0-9]+[a-c]?|[ivx]+)\s+$", re.IGNORECASE)
#: The size of an operation written right before it ("major surgery", "minor surgical procedure", the words of the
#: size axis in ``lexicons/qualifiers.json``) belongs to it: the tagger leaves it out, and "surgery" alone neither
#: meets nor rules out "Major surgery within 4 weeks".
_STATUS = load("qualifiers", "trialsieve.match")["axes"]["status"]
_MARKER = rf"(?:{alternation(_STATUS['keywords'])})"
_MARKED = rf"{_MARKER}(?:\s*(?:,|/|\band\b)\s*{_MARKER})*\s*-?\s*(?:{alternation(list(_STATUS['polarity']))})"
#: A tumour's biomarker status written right before it ("HER2 positive breast cancer", "ER+ and PR- breast cancer",
#: "triple negative breast cancer": the keywords, polarities and words of the status axis in
#: ``lexicons/qualifiers.json``) belongs to it: the tagger names only the cancer, which neither meets nor rules out
#: "HER2-negative breast cancer", and a statement about HER2-positive patients was read as one about any.
_STATUS_BEFORE = re.compile(
    rf"(?<![\w-])(?:(?:{_MARKED}|{alternation(list(_STATUS['words']))})(?:\s*(?:,|/)\s*|\s+and\s+|\s+))+$",
    re.IGNORECASE,
)
_STATUS_START = re.compile(_STATUS_BEFORE.pattern.removesuffix("$"), re.IGNORECASE)


def without_status(name: str) -> str:
    """A condition's name less the biomarker status written before it: "triple negative breast cancer" is a breast
    cancer, for a reader that asks which disease a criterion names (the status is the matcher's to compare)."""
    found = _STATUS_START.match(name)
    return name[found.end() :] if found else name


_SIZES = load("qualifiers", "trialsieve.match")["axes"]["size"]["words"]
_SIZE_BEFORE = re.compile(rf"\b(?:{alternation([w for said in _SIZES.values() for w in said])})\s+$", re.IGNORECASE)


def _times(sentence: str) -> list[tuple[int, int, float]]:
    """Spans that say how long ago something happened or began, with that time in days:
    "two weeks ago", "2 years earlier", "for 5 days", "over the past month", "a 3-day history"."""
    found = []
    for m in _RELATIVE_TIME.finditer(sentence):
        count = m["n"] or m["n2"] or m["n3"]
        n = 1.0 if count is None or count.lower() in ("a", "an") else parse_number(count)
        unit = match_unit(m["unit"] or m["unit2"] or m["unit3"], 0)
        if n is not None and unit is not None and unit.code in TIME_UNITS:
            days = convert(n, unit.code, "d")
            if 0 <= days <= MAX_DAYS:  # "for 99999 years" is no time a patient has had
                found.append((m.start(), m.end(), days))
    return found


def _days_before(sentence: str, start: int, end: int, times: list[tuple[int, int, float]]) -> float | None:
    """The time said nearest to a concept in its clause: in "an infarction 2 years earlier and a
    transient ischemic attack 6 months ago" each event takes its own."""
    floor = _clause_start(sentence, start)
    stop = _CLAUSE_END.search(sentence, end)
    ceiling = stop.start() if stop else len(sentence)
    near = [(min(abs(s - end), abs(start - e)), days) for s, e, days in times if s >= floor and e <= ceiling]
    return min(near)[1] if near else None


def mentions(text: str, phrase: str, source: str = "") -> list[Fact]:
    """Each sentence of the note that writes ``phrase`` word for word, as a fact: how a concept
    the tagger cut differently ("pain" in "chest pain") is still found. One word alone
    ("infection", "treatment") says too little to be found this way."""
    words = re.findall(r"\w+", phrase)
    if len(words) < 2:
        return []
    pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b", re.IGNORECASE)
    found = []
    for number, sentence in enumerate(sentences(text)):
        if (m := pattern.search(sentence)) and not _optional(sentence, m.start()):
            where = f"{source + ' ' if source else ''}note sentence {number}"
            found.append(Fact(kind="condition", text=m[0], source=where, **_said(sentence, m.start())))
    return found


@lru_cache(maxsize=256)
def sentences(text: str) -> tuple[str, ...]:
    """The note's sentences, in order: what "note sentence N" in evidence counts. Cached: the
    judge looks a note's sentences up once for every concept it searches them for."""
    return tuple(m[0].strip() for m in _SENTENCE.finditer(text) if m[0].strip())


def _age(text: str) -> float | None:
    """The age the note states; None when it states none, or one no one reaches ("a 999-year-old")."""
    match = _AGE.search(text)
    if not match:
        return None
    unit = _AGE_UNIT.get(match[2].lower(), 1 / 365.25) if match[1] else 1.0
    age = float(match[1] or match[3] or match[4]) * unit
    return age if age <= MAX_AGE else None


def _sex(text: str) -> str | None:
    female, male = len(_FEMALE.findall(text)), len(_MALE.findall(text))
    return "female" if female > male else "male" if male > female else None


def _clause_start(sentence: str, start: int) -> int:
    return max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, start)), default=0)


def _said(sentence: str, start: int) -> dict[str, bool]:
    """How the note says what is written at ``start``: denied or not, of a relative or the patient."""
    family = bool(_FAMILY.search(sentence, _clause_start(sentence, start), start))
    return {"present": not _negated(sentence, start), "family": family}


def _negated(sentence: str, start: int) -> bool:
    """A negation cue before ``start`` in the same clause; the "without" of "with or without" and the
    "not" of "whether or not" deny nothing."""
    floor = _clause_start(sentence, start)
    allowing = [m.span() for m in _OPTIONAL.finditer(sentence, floor, start)]
    cues = _NEGATED_BEFORE.finditer(sentence, floor, start)
    return any(
        not _PSEUDO.match(sentence, cue.start())
        and not any(s <= cue.start() < e for s, e in allowing)
        and not _affirmed_between(sentence, cue.end(), start)
        for cue in cues
    )


def _affirmed_between(sentence: str, cue_end: int, start: int) -> bool:
    """Whether a comma between a negation cue and ``start`` opens a statement of what is there ("No
    fever, cough present", "Negative for HIV, positive for hepatitis C"), which the negation does not
    reach: a piece up to the next comma that holds an affirming word and no negation of its own, with
    no list join before that word ("No cough, chest pain and palpitations were observed": all denied)."""
    for comma in re.finditer(",", sentence[cue_end:start]):
        after = cue_end + comma.end()
        piece = _PIECE.match(sentence, after)[0]
        affirming = _AFFIRMING.search(piece)
        joined = _LIST_JOIN.search(piece, 0, affirming.start()) if affirming else None
        if affirming and joined is None and not _NEGATED_BEFORE.search(piece):
            return True
    return False


_OPTIONAL = phrase_regex(load("optional")["cues"])


def _optional(sentence: str, start: int) -> bool:
    """Whether what is written at ``start`` follows "with or without" (``extract/optional.py``): the
    note says it may be there or not, so it is no fact either way."""
    return any(s <= start < e for s, e in optional.scopes(sentence))


#: what may stand between a score's name and its number: "of", "is", and a bound ("between 3-5", "< 80",
#: "of at least 70"), which the question's reader keeps as the bound it is (``app/patient_questions.py``)
_SCORE_TAIL = (
    r"\s*(?:(?:of|is|was|:|=)\s*)?(?:(?:between|from|<=?|>=?|≤|≥|at\s+(?:least|most)|"
    r"(?:more|less|greater|fewer)\s+than|over|under|above|below)\s*)?$"
)
_SCORED = re.compile(r"\b(?:score|scale|index)" + _SCORE_TAIL, re.IGNORECASE)
#: a scale named right before a bare number ("an ECOG of 3", "Karnofsky status 70"): the number is its score,
#: and the scale is what it measures, whatever concept the tagger found earlier in the sentence
_SCALE = re.compile(
    rf"\b(?P<scale>(?:{alternation(load('scales', 'trialsieve.match')['scales'])})"
    r"(?:\s+(?:performance\s+)?(?:status|score|index|ps))?)" + _SCORE_TAIL,
    re.IGNORECASE,
)
_MEASURED_TIMES = {"s", "min"}  # seconds and minutes measure (a tear break-up time); days and more last
_RANGE_JOIN = re.compile(r"\s*(?:-|–|to|and)\s*", re.IGNORECASE)  # between a range's two numbers
_DURATION_CUE = re.compile(r"\b(?:for|within|every|over|after|since|during|lasting)\s*$", re.IGNORECASE)


def _measurements(sentence: str, entities: list, where: str) -> list[Fact]:
    """Values with a unit and the name just before them: "creatinine of 2.1 mg/dL".

    The name is the tagged concept that ends closest before the number, with no other number
    between; else the last words before it. Durations ("for 2 days") are not measurements.
    """
    facts = []
    previous_end, previous = 0, (0, 0)
    for match in _VALUE.finditer(sentence):
        unit = match_unit(sentence, match.end())
        floor, previous_end = previous_end, match.end()
        # where the name is: before the number, or before the range's first ("hemoglobin between 4 to 5 g/dL")
        named_in = previous if _RANGE_JOIN.fullmatch(sentence[floor : match.start()]) else (floor, match.start())
        previous = (floor, match.start())
        pressure = bool(match[2]) and bool(_PRESSURE.search(sentence, max(floor, match.start() - 30), match.start()))
        code = unit.code if unit else "mm[Hg]" if pressure else None  # "blood pressure is 80/60"
        before = sentence[floor : match.start()]
        scale = _SCALE.search(before) if unit is None else None
        if code is None and (_SCORED.search(before) or scale):
            code = "{score}"  # "OSDI score 45", "an ECOG of 3": a score needs no unit
        timed = code in TIME_UNITS and not (code in _MEASURED_TIMES and not _DURATION_CUE.search(before))
        if code is None or timed:
            continue  # "for 2 days" is how long, not a value; "NIKBUT 6 sec" is a value
        named = [e for e in entities if e.type in _FACT_KINDS and named_in[0] <= e.start and e.end <= named_in[1]]
        if scale and not (named and named[-1].start >= floor + scale.start("scale")):
            label = scale["scale"]  # "breast cancer and an ECOG of 3": the ECOG's score, not the cancer's
        elif named and named_in[1] - named[-1].end <= 25:
            label = named[-1].text
        else:
            name = _NAME.search(sentence, *named_in)
            words = [w for w in name[1].split() if w.lower() not in _NAME_STOP] if name else []
            label = " ".join(words[-3:])
        value = parse_number(match[1])
        if not label or value is None or not plausible(value) or (match[2] and not plausible(float(match[2]))):
            continue  # no name, or a number no measurement has ("10,000,000,000,000,000 mg")
        if match[2] and _PRESSURE.search(label):  # "BP 150/95 mmHg"
            for part, number in (("systolic blood pressure", value), ("diastolic blood pressure", float(match[2]))):
                facts.append(Fact(kind="measurement", text=part, value=number, unit=code, source=where))
            continue
        facts.append(Fact(kind="measurement", text=label, value=value, unit=code, source=where))
    return facts
