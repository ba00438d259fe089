"""Presence leaves: one named thing the patient has, had or takes.

``presence_leaf`` makes the leaf for a span of text: the concept's words, its kind, the axes that
qualify it (site, timing, need) and whether the criterion denies it. ``phrase_leaf`` decides first
whether a phrase names a thing at all (a sex, a gloss, a review phrase) before it becomes a leaf.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialsieve.extract import (
    context,
    findings,
    fixed_names,
    postposed,
    sites,
    variables,
)
from trialsieve.extract.definitions import yardstick
from trialsieve.extract.lexicon import inverse, load, phrase_regex
from trialsieve.extract.logic import Atom as _Atom
from trialsieve.extract.purposes import purpose_end
from trialsieve.extract.relations import clause_start
from trialsieve.extract.spans import Spans, review_atom, span_entity, trim
from trialsieve.extract.units import ucum
from trialsieve.rules import (
    All,
    Any,
    Concept,
    Demographic,
    Presence,
    Rule,
    Temporal,
)

if TYPE_CHECKING:
    pass

PERSON = phrase_regex(load("cues")["persons"]["words"])
PERSON_ONLY = re.compile(
    rf"(?:(?:{PERSON.pattern}|\b(?:all|the|only|healthy|adult|male|female|and|or|of|both|either|any|"
    r"sex|sexes|gender|genders)\b)[\s,/]*)+",
    re.IGNORECASE,
)
_SEX_VALUE = inverse(load("cues")["sex"])  # "women" -> "female"
SEX_WORD = phrase_regex(list(_SEX_VALUE))
_STATES = phrase_regex(load("cues")["sex_states"]).pattern
_SEX_STATE = re.compile(rf"\bnon-?\s?(?P<state>{_STATES})", re.IGNORECASE)
_SEX_PHRASE = rf"(?:\bnon-?\s?{_STATES}[\s,/]*(?:(?:and|or)\s+)?)*\b{SEX_WORD.pattern}\b"
SEX = re.compile(  # "Women only", "Male and non-pregnant female volunteers", "The male subjects who were"
    r"^(?:(?:the|all)\s+)?(?:(?:patients|subjects|participants|volunteers)\s+(?:of\s+)?)?(?:(?:only|healthy|adult)\s+)*"
    rf"(?P<first>{_SEX_PHRASE})(?:\s+only)?"
    rf"(?:\s*(?:,|and/or|and|or|&)\s*(?:(?:healthy|adult)\s+)*(?P<second>{_SEX_PHRASE}))?"
    r"(?:\s+(?:patients|subjects|participants|volunteers|adults))?(?:\s+(?:who|that)\s+(?:are|were|is|was))?$",
    re.IGNORECASE,
)
_LEAD = re.compile(
    rf"\s*(?:{context.QUALIFIERS.pattern}(?!\s+to\b)|\b(?:any|an?|the|of|with|patients?|subjects?|participants?|individuals?|persons?|people|women|men|adults?|children|who|that|has|have|had|is|are|was|were|being)\b|[\s,:;(\-])",
    re.IGNORECASE,
)
_FINDING_HEAD = re.compile(rf"\s+(?:{phrase_regex(load('cues')['finding_heads']['words']).pattern})", re.IGNORECASE)
_DRUG_HEAD = re.compile(rf"\s+(?:{phrase_regex(load('cues')['drug_heads']['words']).pattern})", re.IGNORECASE)


def _with_axes(text: str, start: int, end: int) -> tuple[int, int]:
    """The concept's span with the class, stage or grade written right before or after it: "stage 4
    or more chronic kidney disease", "CHF (NYHA) class III or greater"."""
    before = [
        m
        for m in context.AXIS_PHRASE.finditer(text, max(0, start - 80), end)  # a phrase or two before
        if m.start() < start and (m.end() > start or not context.QUALIFIERS.sub("", text[m.end() : start]).strip())
    ]  # "stage 4 or more | chronic | kidney disease"; "Type I or |Type II diabetes": the list the type ends
    after = context.AXIS_PHRASE.match(text, end + len(text[end:]) - len(text[end:].lstrip(" \t,")))
    if after is None and (opened := _BRACKET_OPEN.match(text, end)):  # "Chronic kidney disease (Stage IV-V)"
        inside = context.AXIS_PHRASE.match(text, opened.end())
        after = inside and _BRACKET_CLOSE.match(text, inside.end())
    return (before[-1].start() if before else start), (after.end() if after else end)


_BRACKET_OPEN = re.compile(r"[ \t]*[(\[][ \t]*")
_BRACKET_CLOSE = re.compile(r"[ \t]*[)\]]")


#: Phrases that say how a concept is judged; concepts after them belong to the judging, not the criterion.
JUDGED_BY = phrase_regex([*load("cues")["judged_by"]["phrases"], *load("cues")["found_by"]["phrases"]])
_MEETS_CRITERIA = re.compile(load("cues")["meets_criteria"]["pattern"], re.IGNORECASE)
_MODIFIER_WORD = (
    rf"(?:(?:type|stage|grade|class)\s+(?:[0-9]+[a-c]?|[ivx]+)|{context.HEAD_SHARING_WORDS.pattern}"
    rf"|{context.CONCEPT_MODIFIER.pattern})"
)
#: a list's connective right before a modifier: "locally advanced or |metastatic non-small cell ..." lists
#: states, which the list's reading gives the name; the last one alone would leave out the others
_LIST_BEFORE = re.compile(r"(?:,|/|\b(?:or|and|and/or|nor))\s*$", re.IGNORECASE)
#: a bare "non" opening a piece: ``context.NEGATION`` reads one only where it denies ("Non-smoking")
_NON_CUE = re.compile(r"non[-\s]?", re.IGNORECASE)
#: where a phrase ends: its punctuation, a sentence or the text
_PHRASE_END = re.compile(r"[,;()\[\]]|\.\s|$")
#: how far after a concept a word may stand that makes the model's denial of it believable ("... is not permitted")
_DENIAL_HINT_REACH = 40
#: an organ, a type or stage, or words that make another concept of it, written right before a concept
_MODIFIER_BEFORE = re.compile(rf"(?<![\w-])((?:{_MODIFIER_WORD}\s+)*{_MODIFIER_WORD})\s+$", re.IGNORECASE)
#: a word, then a bare "type" or "form" right before a concept: "central type tumor", "diffuse type gastric cancer"
_AXIS_OWNER = re.compile(r"(?<![\w-])([^\W\d_][\w-]*)\s+(?:type|form)\s+$", re.IGNORECASE)


#: a definition's list going on past the piece: "defined as use of pads| or adult |diapers"
_LIST_GOES_ON = re.compile(r"[ \t]*,?[ \t]*(?:or|and/or|and)[ \t]+(?:[^\W\d_][\w-]*[ \t]+){0,2}", re.IGNORECASE)


def _defined_on(text: str, end: int, entities) -> bool:
    """Whether the definition a piece ends in goes on into a concept after it ("incontinence defined as
    use of pads or adult diapers"): it defines by things, so it is no yardstick that only names a scale."""
    goes_on = _LIST_GOES_ON.match(text, end)
    if goes_on is None or (last := re.search(r"[\w-]+\W*$", text[:end])) is None:
        return False
    if context.QUALIFIERS.fullmatch(last[0].strip(" \t,;")):
        return False  # "as a known or suspected infection": the "or" joins two states of one thing
    return any(e.start <= goes_on.end() for e in entities.inside(end, len(text)))


def phrase_leaf(text: str, start: int, end: int, covered, entities) -> _Atom | None:
    """The leaf for one piece of text no limit accounts for, or None when it asks nothing."""
    if _is_gloss(text[start:end].strip(" \t\r\n,;.")):
        return None
    start, end = trim(text, start, end)
    piece = text[start:end]
    if not context.has_content(piece) or context.QUALIFIERS.fullmatch(piece):
        return None  # "serious or significant cardiac disease": a qualifier alone is no item of the list
    if sex := SEX.match(piece):
        return _Atom(start, end, _sexes(text, start, sex, entities))
    if context.ANCHOR.match(piece) or PERSON_ONLY.fullmatch(piece) or (len(piece) > 3 and ucum(piece)):
        return None  # "at the time of consent" says when; "Adults" and a unit said twice ask nothing
    if JUDGED_BY.match(piece):
        return None  # "according to the NIH Consensus definition (...)" says how its neighbour is judged
    if lead := _MEETS_CRITERIA.match(piece):  # "Compliance with the diagnostic criteria for abdominal obesity"
        start, piece = start + lead.end(), piece[lead.end() :]
    reason = context.unstructured_reason(piece)
    if reason:
        return review_atom(text, start, end, reason)
    if context.MODIFIER.match(piece) and not _taken(piece, start, entities):
        return None  # "by cardiac echocardiography" says how its neighbour is measured
    definition = context.DEFINITION.search(piece)
    if definition:  # "Liver failure defined as ...": the label is not itself a criterion
        if not context.has_content(piece[definition.end() :]):
            if not any(s >= end for s, _ in covered):
                return presence_atom(text, start, end, entities)
            label = presence_atom(text, *trim(text, start, start + definition.start()), entities)
            return _Atom(label.start, label.end, label.rule.model_copy(update={"role": "defined"}))  # split_label
        if yardstick(piece, definition, start, entities.tagged) and not _defined_on(text, end, entities):
            return presence_atom(text, *trim(text, start, start + definition.start()), entities)  # "mild TBI"
        start, end = trim(text, start + definition.end(), end)
    return presence_atom(text, start, end, entities)


def _taken(piece: str, start: int, entities: Spans) -> bool:
    """Whether a piece that opens like a modifier says a drug is taken: "on insulin", "or on a stable dose of
    beta-blocker", "using testosterone" name the drug the patient is on, not how a neighbour is measured
    (read as a modifier, "not on metformin or on insulin" had lost the insulin)."""
    if not _ON_DRUG.match(piece):
        return False
    named = entities.inside(start, start + len(piece))
    return bool(named) and named[0].type == "drug"


#: how a piece that says a drug is taken opens: "on |insulin", "on a stable dose of |beta-blocker", "using |tadalafil"
_ON_DRUG = re.compile(r"(?:on|using)\s", re.IGNORECASE)


def _sexes(text: str, offset: int, found: re.Match, entities: Spans) -> Rule:
    """The sexes a piece admits: "Men and women" any sex; "Male and non-pregnant females" a male,
    or a female who is not pregnant."""
    admitted = []
    for group in ("first", "second"):
        if found[group] is None:
            continue
        start, end = offset + found.start(group), offset + found.end(group)
        word = list(SEX_WORD.finditer(text, start, end))[-1]
        entities.append(span_entity("sex", word.span(), text))
        sex = Demographic(attribute="sex", value_text=_SEX_VALUE[word[0].lower()], span=(start, end))
        states = [
            Presence(
                concept=Concept(text=s["state"], kind="condition", span=s.span("state")), negated=True, span=s.span()
            )
            for s in _SEX_STATE.finditer(text, start, word.start())
        ]
        admitted.append(All(args=[sex, *states]) if states else sex)
    if len(admitted) == 1:
        return admitted[0]
    if all(isinstance(a, Demographic) for a in admitted) and admitted[0].value_text != admitted[1].value_text:
        return Demographic(attribute="sex", value_text="all", span=(offset, offset + found.end()))
    return Any(args=admitted)


def presence_atom(text: str, start: int, end: int, entities: Spans) -> _Atom:
    return _Atom(start, end, presence_leaf(text, (start, end), entities))


def _is_gloss(piece: str) -> bool:
    """A piece that is all one parenthesis, "(CD4 - cluster of differentiation 4)", explains; it asks
    nothing. One that opens with an exception or an example, "(other than basal cell carcinoma)",
    "(e.g. HIV)", names what counts."""
    whole = piece.startswith("(") and piece.endswith(")") and variables.matching_open(piece, len(piece) - 1, 0) == 0
    opening = piece[1:].lstrip()
    return whole and not (context.EXCEPTIONS.match(opening) or context.EXAMPLES.match(opening))


def _after_cause(text: str, floor: int, start: int) -> int:
    """Where the words after the last cause cue between ``floor`` and ``start`` begin (``floor`` when
    there is none): a denial before the cue denies what the cause explains, not the cause ("FFA clear
    images cannot be obtained due to refractive media problems": the problems are there)."""
    causes = list(context.CAUSE.finditer(text, floor, start))
    return causes[-1].end() if causes else floor


def presence_leaf(
    text: str,
    span: tuple[int, int],
    entities: Spans,
    temporal: Temporal | None = None,
    concept: tuple[int, int] | None = None,
    words: str | None = None,
    kind: str | None = None,
) -> Presence:
    """The presence leaf for ``span``; ``concept`` is the concept's own span when it is already known,
    ``words`` what it means when that differs from what is written there (a shared head noun),
    ``kind`` the kind of its head noun when it runs over several tagged spans."""
    start, end = span
    negated = False
    negation = context.NEGATION.match(text, start, end)
    if negation is None:  # a cue after who it is about: "Subject without a major hearing", "Patients with no"
        lead = start
        while (m := _LEAD.match(text, lead, end)) and m.end() > lead:
            lead = m.end()
        negation = context.NEGATION.match(text, lead, end) if lead > start else None
    if negation:
        negated = True
        entities.append(
            span_entity("negation", (negation.end() - len(negation[0].lstrip(" \t-•*(")), negation.end()), text)
        )
        start = negation.end()
    cues = list(context.QUALIFIERS.finditer(text, span[0], end))
    qualifiers = [context.qualifier(cue[0]) for cue in cues]
    cue_starts = [cue.start() for cue in cues]
    while (m := _LEAD.match(text, start, end)) and m.end() > start:
        start = m.end()
    cut = min(
        (
            m.start()
            for m in (context.MODIFIER.search(text, start + 1, end), context.EXAMPLES.search(text, start + 1, end))
            if m and text[m.start() - 1] in " ("
        ),
        default=end,
    )
    if context.has_content(text[start:cut]):
        end = cut
    start, end = trim(text, start, end)
    if start >= end:
        start, end = span
    named = entities.inside(*span)
    if not negated and entities.denied(text, _after_cause(text, span[0], start), named[0].start if named else start):
        negated = True  # a cue the grammar's list lacks: "free of", "negative for"
    if concept is not None:
        start, end = concept
        named = [e for e in named if start <= e.start and e.end <= end]
    elif len(named) == 1:  # the tagger's span names the concept; the rest is qualifiers and context
        start, end = named[0].start, named[0].end
    if consequence := context.CONSEQUENCE_BEFORE.search(text, max(span[0], start - 80), start):
        start = consequence.start()  # "toxicities from previous anticancer therapy": not the therapy alone
    if (on_site := sites.procedure_on(text, span[0], start, end)) is not None:
        start, kind = on_site, "procedure"  # "invasive treatment of prostate gland": a procedure, not the organ
    near = max(span[0], start - 60)  # a few words before the concept: searching further only costs time
    modifier = _MODIFIER_BEFORE.search(text, near, start) if entities.logic is not None else None
    if modifier and not context.QUALIFIERS.fullmatch(modifier[1]):
        start = modifier.start(1)  # "or kidney disease", "type 1 diabetes": the words that make the concept
        if (owner := _AXIS_OWNER.search(text, near, modifier.end())) and context.has_content(owner[1]):
            start = owner.start(1)  # "central type tumor": a bare "type" names the type the word before it says
    if words is None and (site := sites.written_before(text, span[0], start)) is not None:
        words = f"{text[site:start]}{text[start:end]}"  # "spinal cord injury": not any injury
    if (non := context.name_non_before(text, max(span[0], start - 60), start)) is not None:
        start = non  # "non-small cell lung cancer": the "non-" is part of the name, not a denial
        modifier = _MODIFIER_BEFORE.search(text, max(span[0], start - 60), start) if entities.logic else None
        listed = modifier and _LIST_BEFORE.search(text, max(0, modifier.start() - 12), modifier.start(1))
        if modifier and not listed and not context.QUALIFIERS.fullmatch(modifier[1]):
            start = modifier.start(1)  # "advanced non-small cell lung cancer": what kind of it, before its name
    if (sized := context.sized_start(text, max(span[0], start - 60), start, end)) is not None:
        start = sized  # "Major surgery": the kind of surgery, not how severe it was
        qualifiers = [q for cue, q in zip(cue_starts, qualifiers, strict=True) if not start <= cue < end]
    start, end = _with_axes(text, start, end)
    if (site := context.SITE_AFTER.match(text, end)) and site.end() <= span[1]:
        end = site.end()  # "malformation of the penis", "radiation therapy to pelvis": the site is part of it
    need = context.NEED_AFTER.match(text, end)
    if need and need.end() <= span[1] and not entities.starting(end, need.end()):
        end = need.end()  # "infections requiring hospitalization": not every infection
    cause = context.CAUSE_AFTER.match(text, end, span[1])
    if cause and not entities.starting(end, _PHRASE_END.search(text, cause.end()).start()):
        end = cause.end()  # "ED due to structural abnormality of the penis": a cause the tagger named no concept in
    start, end = fixed_names.widened(text, start, end)  # "head and neck cancer", "to the head or neck"
    kind = kind or (named[0].type if named else context.kind_of(text[start:end], "condition"))
    if purpose := purpose_end(text, end, kind, span[1], [(e.start, e.end) for e in named]):
        end = purpose  # "systemic therapy for advanced stage disease": what it was given for
    kind = "condition" if kind in ("measurement", "demographic") else kind
    if negation is not None and start < negation.end():
        negation, negated = None, False  # the cue is part of the concept's name: "unable to walk"
    if naive := context.NEGATION_SUFFIX.search(text, start, end):  # "Chemotherapy-naïve": never given
        end, negated = naive.start(), True
    if (denied_after := postposed.denial_after(text, start, end, span[1])) is not None:
        end = denied_after  # "HIV-negative", "Seizure-free for 6 months": the word after the concept denies it
    if entities.logic is not None:  # the model reads negation the cue lexicon misses ("free of", "denies")
        # a cue word right before the first concept denies it ("No prior treatment with bevacizumab"), and
        # so does a "non" the cue lexicon says denies ("Non-smoking", "non-pregnant women"); other
        # prefixes ("non-operable", "untreated") and everything else are the model's to read
        cue = re.sub(r"^\W+", "", negation[0]).lower() if negation is not None else ""
        worded = negation is not None and (context.NEGATION_CUES.fullmatch(cue) or _NON_CUE.fullmatch(cue))
        # "have not been diagnosed with X"; not a cause after the cue ("cannot be obtained due to X")
        tagged_cue = entities.denied(text, _after_cause(text, span[0], start), start)
        before = len(entities.inside(clause_start(text, start), start))
        negated = (
            bool(worded)
            or tagged_cue
            or naive is not None
            or (
                entities.logic.negated(text, (start, end), kind, entities.section, before)[0]
                and context.NEGATION_HINTS.search(text, 0, end + _DENIAL_HINT_REACH) is not None
            )  # the model's denial with no word for one near is a guess: "may predispose them to priapism"
        )
    if negated and context.only_states_denied(text, span[0], start):
        negated = False  # "Not well controlled diabetes": the "not" denies the control, not the diabetes
    if denied_after is not None:
        negated = not negated  # "not HIV-negative" is HIV
    if (head := _FINDING_HEAD.match(text, end)) and head.end() <= span[1] and not entities.starting(end, head.end()):
        end = head.end()  # "liver function abnormalities": the abnormality, not the function
    # the concept's words, its span left as the tagger gave it (the logic model reads spans)
    if words is None and (found := findings.before(text, span[0], start)) is not None:
        words = text[found:end]  # "abnormalities in ECG": the abnormality, not any ECG
    elif (clear := findings.cleared(text, end, span[1])) is not None:  # "physical examination with no abnormalities"
        words = f"{words or text[start:end]} {clear[1]}"
        negated = not negated  # the abnormality is denied, not the examination
    named_condition = kind == "condition" or text[start:end].isupper()
    if named_condition and (head := _DRUG_HEAD.match(text, end)):  # "ED medication" is a drug, not ED
        end, kind = head.end(), "drug"
    entities.append(span_entity(kind, (start, end), text))
    lent = context.LENT_MODIFIER.search(text, 0, start) if context.LENT_HEAD.fullmatch(text, start, end) else None
    if words is None and lent:  # "investigational drug or procedure": the procedure is investigational too
        words = f"{lent[1]} {text[start:end]}"
    return Presence(
        concept=Concept(text=words or text[start:end], kind=kind, span=(start, end)),
        negated=negated,
        temporal=temporal,
        qualifiers=list(dict.fromkeys(qualifiers)),
        span=span,
    )
