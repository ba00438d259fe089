"""Mend the tagger's spans before any leaf is read from them.

The tagger marks LCT's spans, which are made for annotation, not for rules: a list item's modifier
("type 1 or 2 diabetes"), "non-" before a kind, a disease's state ("active", "in remission") and an
allergy's name sit outside the concept they change. These mends put them back, so that every leaf
names the thing a coordinator would look up.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialsieve.extract import (
    agents,
    context,
    fixed_names,
    glossed_heads,
    known_names,
    mixed,
    post_modifiers,
)
from trialsieve.extract.lexicon import alternation, load, phrase_regex
from trialsieve.extract.purposes import link_spans
from trialsieve.extract.spans import CONCEPT_TYPES, span_entity
from trialsieve.rules import (
    Entity,
)

if TYPE_CHECKING:
    pass


def with_allergy_names(text: str, tagged: list[Entity] | None) -> list[Entity] | None:
    """The tagger's spans, with an allergy written allergen first ("Nut allergy", "penicillin
    allergy") as one condition: the allergen alone would be a drug the patient takes."""
    if tagged is None:
        return None
    named = [
        span_entity("condition", found.span(), text)
        for found in _ALLERGY_NAME.finditer(text)
        if found[0].split()[0].lower() not in _NOT_ALLERGENS
    ]
    if not named:
        return tagged
    kept = [e for e in tagged if not any(a.start < e.end and e.start < a.end for a in named)]
    return sorted([*kept, *named], key=lambda e: (e.start, e.end))


def concept_spans(text: str, tagged: list[Entity] | None) -> list[Entity] | None:
    """The tagger's spans, mended where it often errs on real criteria: a substance's use it left
    untagged is named ("nicotine and/or tobacco user"), a spine level is no concept ("C3 to C7"), nor is
    the "therapy" that links a drug to its purpose ("PDE5 inhibitors for therapy of ED"), a
    hyphenated adjective built on a tagged word joins the concept after it ("Robot-assisted radical
    prostatectomy"), a list item takes back the modifier the tagger cut off ("atrial or
    ventricular rhythm disturbances": the item is "ventricular rhythm disturbances"), and a gene's
    alteration its gene ("HER2 | exon 20 insertion mutation"). A cue of
    examples is no concept ("(eg, pacemaker)": the tagger sometimes names "eg" a procedure)."""
    if not tagged:
        return tagged
    tagged = _whole_words(text, [e for e in tagged if not context.EXAMPLES.fullmatch(e.text.strip(" ,.;:()"))])
    tagged = _possessive_names(text, tagged)
    used = [
        span_entity("observation", m.span(), text)
        for m in context.SUBSTANCE_USE.finditer(text)
        if not any(e.start < m.end() and m.start() < e.end for e in tagged)
    ]
    used += [  # "relapsed or refractory ALL": the leukaemia, which the tagger read as the word "all"
        span_entity("condition", m.span(), text)
        for m in _WORD_LIKE_NAME.finditer(text)
        if not any(e.start < m.end() and m.start() < e.end for e in tagged)
    ]
    levels = [m.span() for m in context.SPINE_LEVELS.finditer(text)]
    levels += link_spans(text)  # "for therapy of ED": the therapy links the drug to its purpose
    # "Stage IB-IIIA NSCLC": a stage's value ("IB-") names no concept; the stage qualifies the one after it
    axes = [m.span() for m in context.AXIS_PHRASE.finditer(text)]
    found = sorted([*tagged, *used], key=lambda e: (e.start, e.end))
    spans = [
        e
        for e in found
        if not any(s <= e.start and e.end <= end for s, end in levels)
        and not (_AXIS_VALUE.fullmatch(e.text) and any(s <= e.start and e.end <= end for s, end in axes))
        and not _qualifies_beside(text, e, axes, found)
    ]
    spans = glossed_heads.joined(text, spans)  # "phosphodiesterase type 5 (PDE5) inhibitors": one drug
    spans = post_modifiers.widened(text, agents.with_prefix(text, spans))  # "anti-tumor therapy", "carcinoma in situ"
    joined: list[Entity] = []
    for e in spans:
        hyphened = joined and joined[-1].type in CONCEPT_TYPES
        if hyphened and context.HYPHEN_MODIFIER.fullmatch(text, joined[-1].end, e.start):
            e = span_entity(e.type, (joined.pop().start, e.end), text)
        elif hyphened and (non := _non_kind_start(text, joined[-1], e)) is not None:
            joined.pop()
            e = span_entity(e.type, (non, e.end), text)
        joined.append(e)
    joined = _with_failed_responses(text, joined)  # "Loss of response to infliximab": one concept
    listed = _with_states([_with_list_modifier(text, e, joined) for e in joined], text)
    listed = [_with_bare_head_word(text, e, _with_kind_modifier(text, e, listed), listed) for e in listed]
    listed = [_with_site(text, e, listed) for e in listed]  # "intra-abdominal abscess": no abscess anywhere
    # "and neck cancer" is "head and neck cancer": a fixed name is one concept's words
    named = [
        e if e.type not in CONCEPT_TYPES else span_entity(e.type, fixed_names.widened(text, e.start, e.end), text)
        for e in listed
    ]
    # "Diabètes" of "Insipid Diabètes" is diabetes insipidus: a known name is one concept's words
    named = [e if e.type not in CONCEPT_TYPES else _known(e, named, text) for e in named]
    named = _listed_genes(text, [_with_gene(text, e, named) for e in named])
    return mixed.joined(text, named)  # "mixed small cell/non-small cell histology": one thing


_WORD_LIKE = load("cues")["word_like_names"]
#: a disease abbreviation spelt like a word, in capitals, not opening a phrase about people: "refractory ALL"
_WORD_LIKE_NAME = re.compile(
    rf"(?<=[\s(/+])(?:{'|'.join(map(re.escape, _WORD_LIKE['names']))})(?![\w-])"
    rf"(?!\s+(?i:{'|'.join(_WORD_LIKE['not_before'])})\b)"
)
_GENES = load("genes")
#: a gene symbol: capitals and digits, two capitals at least ("HER2", "EGFR", "ROS1")
SYMBOL = re.compile(_GENES["symbol"])
#: what a gene's alteration opens with, after its modifiers: "exon", "mutation", "activating mutations", ...
_MODIFIERS = rf"(?:(?i:{alternation(_GENES['modifiers'])})[ \t]+)*"
ALTERATION = re.compile(rf"{_MODIFIERS}(?i:{alternation(_GENES['alterations'])})")
#: a gene symbol, then the alteration the span opens with: "HER2 |exon 20 insertion mutation", "HER2
#: activating |mutations"
_GENE_BEFORE = re.compile(rf"(?<![\w-])(?:{SYMBOL.pattern})[ \t]+{_MODIFIERS}$")
#: a gene's alteration, the whole span: "HER2 exon 20 insertion mutations"
GENE_ALTERATION = re.compile(rf"(?:{SYMBOL.pattern})[ \t]+(?:{ALTERATION.pattern}).*", re.DOTALL)
_GENE_LIST_GAP = re.compile(r"\s*(?:,|/|\b(?:or|and|and/or)\b)\s*", re.IGNORECASE)
#: an untagged gene symbol and a list's connective right before a gene's alteration
_BARE_GENE = re.compile(rf"(?<![\w-])({SYMBOL.pattern}){_GENE_LIST_GAP.pattern}$")


def _listed_genes(text: str, spans: list[Entity]) -> list[Entity]:
    """``spans`` with a bare gene symbol listed before a gene's alteration ("EGFR or |HER2 exon 20 insertion
    mutations", "EGFR/|ALK mutation") of the alteration's kind: the tagger had named the first gene a
    drug, which any EGFR inhibitor then met."""
    out = list(spans)
    for k, e in enumerate(spans[:-1]):
        after = spans[k + 1]
        listed = _GENE_LIST_GAP.fullmatch(text, e.end, after.start) and GENE_ALTERATION.fullmatch(after.text)
        if listed and SYMBOL.fullmatch(e.text) and e.type != after.type:
            out[k] = span_entity(after.type, (e.start, e.end), text)
    # a symbol the tagger left out: "ALK or |ROS1 rearrangement|" lists the ALK rearrangement too
    for k, e in enumerate(spans):
        floor = spans[k - 1].end if k else 0
        bare = _BARE_GENE.search(text, floor, e.start) if GENE_ALTERATION.fullmatch(e.text) else None
        if bare is not None:
            out.append(span_entity(e.type, bare.span(1), text))
    return sorted(out, key=lambda e: (e.start, e.end))


def _with_gene(text: str, e: Entity, spans: list[Entity]) -> Entity:
    """``e`` widened over the gene symbol right before it when it opens with an alteration (``genes.json``):
    "HER2 exon 20 insertion mutation" lost its gene, and any exon 20 insertion met it."""
    if e.type not in CONCEPT_TYPES or not ALTERATION.match(e.text):
        return e
    gene = _GENE_BEFORE.search(text, max(0, e.start - 24), e.start)
    if gene is None or any(o.start < e.start and gene.start() < o.end for o in spans):
        return e
    return span_entity(e.type, (gene.start(), e.end), text)


#: the possessive between an eponym and the rest of its name: "Kaposi|'s |sarcoma", "Hodgkin'|s |lymphoma"
_POSSESSIVE = re.compile(r"['’]?s?\s+")


def _possessive_names(text: str, spans: list[Entity]) -> list[Entity]:
    """An eponym's name is one concept: the tagger cuts at the apostrophe ("Kaposi" | "sarcoma",
    "Hodgkin'" | "lymphoma"), and "other than cutaneous Kaposi's sarcoma, basal cell carcinoma" had
    excepted "Kaposi'" and left a bare "sarcoma" to exclude every patient with the sarcoma the trial
    allows."""
    out: list[Entity] = []
    for e in sorted(spans, key=lambda e: (e.start, e.end)):
        prev = out[-1] if out else None
        gap = (prev.end, e.start) if prev else (0, 0)
        if (
            prev is not None
            and prev.type in CONCEPT_TYPES
            and e.type in CONCEPT_TYPES
            and _POSSESSIVE.fullmatch(text, *gap)
            and re.search(r"['’]", text[prev.end - 1 : e.start])
        ):
            out[-1] = span_entity(e.type, (prev.start, e.end), text)
        else:
            out.append(e)
    return out


def _whole_words(text: str, spans: list[Entity]) -> list[Entity]:
    """Concept spans widened to the edges of the words they cut: the tagger's word splitter parts letters
    from digits, and the model tagged the "2" of "HER2 mutation" but not its "HER", which left "2
    mutation", a gene lost. A concept never starts or ends inside a run of letters and digits, unless
    another span holds the rest of it (a value's "1.5" of "1.5cm" is no concept and stays as it is).

    Nor does a concept start after a hyphen that joins a word to it: "pre-diabetes" is not diabetes,
    "Extra-cardiac illness" no cardiac illness, "ex-smokers" no smokers, and "treatment for diabetes or
    pre-diabetes" read "diabetes" twice, the second a bare leaf that excluded every diabetic. The words
    before the hyphen (``cues.json`` ``hyphen_words``) are taken in, save those a later mend reads ("non-",
    "anti-"). The tagger reads the end of an inhibitor class's short name as a value ("PDE|5i"): it is the
    name's, where the bare "PDE" was a condition that no record names."""
    widened: list[Entity] = []
    taken: set[int] = set()  # values read as the end of a name
    for k, e in enumerate(spans):
        if k in taken:
            continue
        if e.type not in CONCEPT_TYPES:
            widened.append(e)
            continue
        start, end = e.start, e.end
        floor = widened[-1].end if widened else 0
        nxt = spans[k + 1] if k + 1 < len(spans) else None
        if nxt is not None and nxt.type == "value" and nxt.start == end and _INHIBITOR_END.fullmatch(nxt.text):
            end = nxt.end  # "PDE|5i", "DPP-|4i": an inhibitor class's name, no value
            taken.add(k + 1)
            nxt = spans[k + 2] if k + 2 < len(spans) else None
        ceiling = nxt.start if nxt is not None else len(text)
        while start > floor and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
        named_on = (
            k + 1 < len(spans) and spans[k + 1].type in CONCEPT_TYPES and not text[end : spans[k + 1].start].strip()
        )
        while (word := _HYPHEN_WORD.search(text, floor, start)) and _joins(word[1], text[start:end], named_on):
            start = word.start()  # "over-the-counter": each word of the chain
        while end < ceiling and text[end].isalnum() and text[end - 1].isalnum():
            end += 1
        widened.append(e if (start, end) == (e.start, e.end) else span_entity(e.type, (start, end), text))
    return widened


#: the end of an inhibitor class's short name, which the tagger reads as a value: "PDE|5i", "SGLT2|i"
_INHIBITOR_END = re.compile(r"\d*i")
_HYPHEN_WORDS = load("cues")["hyphen_words"]
#: a word joined by a hyphen to what follows it: "pre-|diabetes", "Extra-|cardiac illness"
_HYPHEN_WORD = re.compile(r"(?<![\w-])([^\W\d_][^\W_]*)-$")
_APART = frozenset(_HYPHEN_WORDS["apart"])
_AFTER_EVENT = frozenset(_HYPHEN_WORDS["after_event"])
#: a suffix that denies the concept before it: "Treatment-|naïve" is read by the negation cues
_DENYING_SUFFIX = re.compile(load("cues")["negation_suffix"]["pattern"], re.IGNORECASE)


def _joins(word: str, concept: str, named_on: bool) -> bool:
    """Whether the word before a hyphen is part of the concept after it: not one a later mend reads, not
    "post-" before an event named alone ("Post-prostatectomy": the prostatectomy was done, and a record
    of it answers; "post-traumatic headache", "Post-transplant| diabetes" name a kind of what follows:
    ``named_on``, a concept right after), nor a word a denying suffix follows ("Treatment-naïve")."""
    lowered = word.lower()
    if lowered in _APART or _DENYING_SUFFIX.search(f"-{concept.split()[0]}"):
        return False
    return lowered not in _AFTER_EVENT or len(concept.split()) > 1 or named_on


def _known(e: Entity, spans: list[Entity], text: str) -> Entity:
    """``e`` widened over the rest of a known name it lies inside (``known_names``), when the words it
    takes are no other span's ("Insipid" of "Insipid Diabètes" is no one's, while the "non" of
    "non-small cell lung cancer" is a span the later mends read: "non-" before a kind) and are not
    only qualifier cues, which the leaf reads anyway ("chronic" of "chronic kidney disease")."""
    start, end = known_names.widened(text, e.start, e.end)
    if (start, end) == (e.start, e.end) or any(o is not e and o.start < end and start < o.end for o in spans):
        return e
    added = text[start : e.start] + " " + text[e.end : end]
    if not re.search(r"\w", context.QUALIFIERS.sub(" ", added)):
        return e  # "chronic" of "chronic kidney disease" is read as the leaf's qualifier already
    return span_entity(e.type, (start, end), text)


def _qualifies_beside(text: str, e: Entity, axes: list[tuple[int, int]], found: list[Entity]) -> bool:
    """Whether ``e`` lies in a class, stage or grade phrase right beside another concept, which the phrase
    qualifies: in "heart failure >= NYHA class III" the tagger names "NYHA" apart, and as a leaf of its
    own ("NYHA Class III") it was asked beside the heart failure."""
    phrase = next(((s, end) for s, end in axes if s <= e.start and e.end <= end), None)
    if phrase is None or e.type not in CONCEPT_TYPES or not _COMPARATOR.match(text, phrase[0]):
        return False
    return any(
        o is not e
        and o.type in CONCEPT_TYPES
        and (_BESIDE.fullmatch(text, o.end, phrase[0]) or _BESIDE.fullmatch(text, phrase[1], o.start))
        for o in found
    )


#: between a concept and the class, stage or grade phrase that qualifies it
_BESIDE = re.compile(r"\s*\(?\s*")
#: a phrase that opens with its comparator (">= NYHA class III"): the tagger names a piece of it apart
_COMPARATOR = re.compile(r"[<>≥≤≧≦\\]|(?:greater|more|higher|less|lower|above|below|at)\b", re.IGNORECASE)
#: a stage's, class's or grade's value alone, as the tagger sometimes names it a concept: "IB-", "IIIa", "3"
_AXIS_VALUE = re.compile(r"(?:[0-9]+|[IVX]+)[a-cA-C]?[\s\-–/]*", re.IGNORECASE)
#: the words between a "non-X" and the noun it qualifies: "non-melanoma| skin |cancer"
_BARE_NON = re.compile(r"(?<![\w-])non[-\s]?$", re.IGNORECASE)
_NON_KIND_GAP = re.compile(r"[ \t]+(?:[^\W\d_][\w-]*[ \t]+){0,2}")


def _non_kind_start(text: str, prev: Entity, e: Entity) -> int | None:
    """Where the "non-" starts when ``prev`` is the "X" of a "non-X" that names a kind of ``e``
    ("non-melanoma skin cancer": a skin cancer that is no melanoma), so the two are one concept from
    the "non-" on; apart, the tree would deny melanoma and ask for any skin cancer."""
    bare = _BARE_NON.search(text, max(0, prev.start - 4), prev.start)
    if bare is None or not _NON_KIND_GAP.fullmatch(text, prev.end, e.start):
        return None
    return bare.start() if context.name_non_before(text, bare.start(), e.start) == bare.start() else None


def _with_failed_responses(text: str, spans: list[Entity]) -> list[Entity]:
    """``spans`` with a failed response the tagger named apart from the drug or procedure right after
    it ("Loss of response | to | infliximab", "Resistance to imatinib") made one concept of the drug's
    kind, as when it leaves the head untagged ("Non responders to methotrexate"): apart, the tree asked
    for a condition named "loss of response" beside any use of infliximab. A record of the drug does not
    say it failed."""
    out: list[Entity] = []
    for e in spans:
        prev = out[-1] if out else None
        if (
            prev is not None
            and e.type in ("drug", "procedure")
            and _FAILED_RESPONSE.fullmatch(prev.text)
            and _RESPONSE_LINK.fullmatch(text, prev.end, e.start)
        ):
            out[-1] = span_entity(e.type, (prev.start, e.end), text)
        else:
            out.append(e)
    return out


_FAILED_RESPONSE = phrase_regex(load("cues")["consequence_heads"]["responses"])
#: between a failed response and what it failed: "loss of response| to |infliximab", "failure| of prior |TNF"
_RESPONSE_LINK = re.compile(r"\s+(?:to|of|with|on)\s+(?:(?:the|a|an|any|prior|previous)\s+)?", re.IGNORECASE)


def _with_states(spans: list[Entity], text: str) -> list[Entity]:
    """``spans`` with a span that names only a state a disease is in ("Relapsed", "metastatic": words
    of ``concept_modifiers``) made part of the concept right after it when only words of a name stand
    between: "Relapsed non Hodgkin's lymphoma" is one concept, not a relapse beside a lymphoma; in
    "relapsed after chemotherapy" the state is the patient's."""
    out: list[Entity] = []
    for i, e in enumerate(spans):
        if out and out[-1].start < e.start < out[-1].end and out[-1] not in spans:  # within a state's concept
            continue
        state = e.type in CONCEPT_TYPES and context.CONCEPT_MODIFIER.fullmatch(e.text)
        after = next((n for n in spans[i + 1 :] if n.type in CONCEPT_TYPES), None) if state else None
        gap = text[e.end : after.start] if after is not None else ""
        words = re.findall(r"[^\W\d_][\w'’-]*", gap)
        if after is None or not _STATE_GAP.fullmatch(gap) or not all(_NAME_WORD.fullmatch(w) for w in words):
            out.append(e)
            continue
        # "impaired blood glucose": a finding in a state is a condition, though the tagger named an observation
        kind = e.type if (e.type, after.type) == ("condition", "observation") else after.type
        out.append(span_entity(kind, (e.start, after.end), text))
    return out


#: what may stand between a state and its concept: "Relapsed| non Hodgkin's |lymphoma"
_STATE_GAP = re.compile(r"[ \t-]+(?:[^\W\d_][\w'’-]*[ \t-]+){0,3}")
#: a word of a disease's name between a state and the concept: "non", "Hodgkin's", "B-cell", "myeloid"
_NAME_WORD = re.compile(rf"non|[A-Z][\w'’-]*|[\w'’]+-[\w'’-]+|(?i:{context.SHARES_HEAD.pattern})")


def _with_list_modifier(text: str, e: Entity, spans: list[Entity]) -> Entity:
    """``e`` with the one modifier right after a list connective before it ("or ventricular"); a
    qualifier ("or severe") stays a qualifier, and a word another span holds stays its own."""
    near = max(0, e.start - 60)  # a connective and one word: searching further back only costs time
    found = _LISTED_MODIFIER.search(text, near, e.start) if e.type in CONCEPT_TYPES else None
    if found is None or not context.SHARES_HEAD.match(found[2]) or context.QUALIFIERS.fullmatch(found[2]):
        return e
    if any(o.start < e.start and found.start(2) < o.end for o in spans):
        return e
    return span_entity(e.type, (found.start(2), e.end), text)


def _with_kind_modifier(text: str, e: Entity, spans: list[Entity]) -> Entity:
    """A bare generic head ("therapy", "drug") with the word that makes its kind written right before
    it (``cues.json`` ``lent_modifiers``; "major" and "minor" are ``sized_names``, read apart): the
    tagger's "therapy" in "Investigational therapy within 4 weeks" excluded anyone on any therapy."""
    if e.type not in CONCEPT_TYPES or not context.LENT_HEAD.fullmatch(e.text):
        return e
    found = _KIND_MODIFIER.search(text, max(0, e.start - 40), e.start)
    if found is None or any(o.start < e.start and found.start() < o.end for o in spans):
        return e
    return span_entity(e.type, (found.start(), e.end), text)


def _with_bare_head_word(text: str, tagged: Entity, e: Entity, spans: list[Entity]) -> Entity:
    """A condition tagged as its bare head alone ("disorder") with the word written right before it
    that no other span holds ("personality |disorder"), unless that word is a qualifier or a function
    word (``cues.json`` ``bare_heads``)."""
    if e is not tagged or e.type != "condition" or not _BARE_HEAD.fullmatch(e.text):
        return e
    found = _WORD_BEFORE.search(text, max(0, e.start - 40), e.start)
    if found is None or context.QUALIFIERS.fullmatch(found[1]) or found[1].lower() in _FUNCTION_WORDS:
        return e
    if any(o.start < e.start and found.start(1) < o.end for o in spans):
        return e
    return span_entity(e.type, (found.start(1), e.end), text)


def _with_site(text: str, e: Entity, spans: list[Entity]) -> Entity:
    """``e`` with the site adjective written right before it on a prefix (``hyphen_words`` ``site_prefixes``:
    "intra-abdominal abscess"), which no other span holds: read as the bare abscess, an anal one excluded."""
    if e.type not in CONCEPT_TYPES:
        return e
    found = _SITE_BEFORE.search(text, max(0, e.start - 40), e.start)
    if found is None or any(o is not e and o.start < e.start and found.start() < o.end for o in spans):
        return e
    return span_entity(e.type, (found.start(), e.end), text)


#: a site adjective on a prefix right before a span: "|intra-abdominal |abscess"
_SITE_BEFORE = re.compile(
    rf"(?<![\w-])(?:{'|'.join(_HYPHEN_WORDS['site_prefixes'])})(?:-[^\W\d_]+|[^\W\d_]*(?:al|ic|ar|ary|ous|eal))\s+$",
    re.IGNORECASE,
)
_BARE_HEAD = phrase_regex(load("cues")["bare_heads"]["heads"])
#: the word right before a span: "personality |disorder"
_WORD_BEFORE = re.compile(r"(?<![\w-])([^\W\d_][\w'-]*)\s+$")
_FUNCTION_WORDS = frozenset(load("cues")["bare_heads"]["function_words"])
#: a word that makes a generic head's kind, right before it: "Investigational |therapy"
_KIND_WORDS = sorted(set(load("cues")["lent_modifiers"]["words"]) - set(load("cues")["sized_names"]["words"]))
_KIND_MODIFIER = re.compile(rf"(?<![\w-])(?:{alternation(_KIND_WORDS)})\s+$", re.IGNORECASE)
#: a list connective, then one word right before a tagged span: "... or ventricular |rhythm disturbances"
_LISTED_MODIFIER = re.compile(r"(,|\b(?:or|and|and/or|nor))\s+([^\W\d_][\w-]*)\s+$", re.IGNORECASE)
_ALLERGY_NAME = re.compile(load("cues")["allergy_names"]["pattern"], re.IGNORECASE)
_NOT_ALLERGENS = frozenset({"known", "any", "severe", "serious", "of", "with", "no", "or", "and", "an", "a", "the"})
