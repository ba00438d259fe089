"""Cut a criterion's phrases into clauses and list items, each read for its concepts.

What is left of a criterion once its limits are read is phrases: "Active hepatitis B, C or HIV". A
clause ends at ";" or a sentence; its items are cut at top-level ",", "or" and "and", unless the
words around the cut say the items share a head ("lung, heart, or autoimmune disease"), belong to an
exception ("other than ...") or to a judgement ("... as judged by the investigator").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialsieve.extract import (
    context,
    fixed_names,
    methods,
    mixed,
)
from trialsieve.extract.concept_spans import GENE_ALTERATION, SYMBOL
from trialsieve.extract.concepts import phrase_atom
from trialsieve.extract.definitions import glosses
from trialsieve.extract.grammar import find_limits
from trialsieve.extract.lexicon import load, phrase_regex
from trialsieve.extract.limit_atoms import ASIDE
from trialsieve.extract.logic import Atom as _Atom
from trialsieve.extract.logic import combine
from trialsieve.extract.presences import SEX, SEX_WORD, presence_leaf
from trialsieve.extract.spans import LONGEST_NAME, Spans, span_text, top_level_cuts, trim, uncovered
from trialsieve.rules import (
    Any,
    Entity,
    Presence,
)

if TYPE_CHECKING:
    pass

#: a piece's last word (from its first letter): the leftmost letter of the last run of word characters
#: and hyphens. The look-behind, which that letter meets (a letter before it would start a longer
#: match), keeps the search from trying the pattern inside every word.
_LAST_WORD = re.compile(r"(?<![^\W\d_])([^\W\d_][\w-]*)\W*$")
_SPLIT_OR = re.compile(r"\s+(?:and/or|or)\s+", re.IGNORECASE)
_CLAUSE_END = re.compile(r";|\.\s+(?=[A-Z])")
_LIST_SEPARATOR = re.compile(r",\s*(?:(?:and/or|or|and)\s+)?", re.IGNORECASE)
_FINAL_CONNECTIVE = re.compile(r",\s*(and/or|or|and)\s*$", re.IGNORECASE)
#: a list's "or" at the end of a piece whose last item a limit took: "A, B or |C within 6 months"
_DANGLING_OR = re.compile(r"[\s,]\s*(?:and/or|or|nor)\s*$", re.IGNORECASE)
_NON_SPLIT_BEFORE_OR = frozenset(load("cues")["or_joins_words"]["words"])


def phrase_atoms(text: str, covered: list[tuple[int, int]], entities: Spans) -> list[_Atom]:
    """Presence and unstructured leaves for the text no limit accounts for."""
    mask = list(covered)
    for found in [*context.IGNORE.finditer(text), *context.uses(text)]:
        stop = re.search(r"[,;()]|\.(?:\s|$)|\b(?:and|or|plus|with)\b", text[found.end() :])
        mask.append((found.start(), found.end() + (stop.start() if stop else len(text) - found.end())))
    mask += [found.span() for found in context.IGNORE_FREQUENCY.finditer(text)]  # "once or more times/week"
    mask += [found.span() for found in context.IGNORE_FORMULA.finditer(text)]  # "calculated by the MDRD formula"
    mask += [found.span() for found in _STUDY_EVENT.finditer(text)]  # "prior to study injection" says when
    mask += [found.span() for found in ASIDE.finditer(text)]  # "(prometrium contains peanut oil)" explains
    mask += glosses(text, entities.tagged)  # "Erectile dysfunction, defined as inability to achieve ..."
    mask += [_sentence(text, found) for found in context.IGNORE_SENTENCE.finditer(text)]  # a caveat sentence
    for found in context.IGNORE_DEFINITION.finditer(text):  # "Uncontrolled bacteraemia is defined as ...", later
        begin, stop = _sentence(text, found)
        if begin > 0 and not find_limits(text[begin:stop]):
            mask.append((begin, stop))
    clauses = [c for start, end in uncovered(len(text), mask) for c in _clauses(text, start, end)]
    atoms = []
    for op, whole in clauses:
        if entities.logic is not None:  # the model joins every leaf; an exception cue ends a piece
            pieces = [piece for s, e in whole for piece in top_level_cuts(text, s, e, context.EXCEPTIONS)]
            pieces = [piece for s, e in pieces for piece in _head_sharing_and(text, s, e, entities)]
            heads = _list_heads(text, pieces + _head_taken(text, pieces, covered, entities), entities)
            atoms += [
                a for s, e in pieces for a in (heads[s] if s in heads else phrase_atom(text, s, e, covered, entities))
            ]
            continue
        made = [_excepted_piece(text, s, e, covered, entities) for s, e in whole]
        made = [a for a in made if a is not None]
        if len(made) > 1 and op == "any":
            atoms.append(_Atom(made[0].start, made[-1].end, Any(args=[a.rule for a in made])))
        else:
            atoms.extend(made)
    return atoms


def _sentence(text: str, found: re.Match[str]) -> tuple[int, int]:
    """The sentence (or ";" clause) of ``text`` that holds ``found``, from its start to its end."""
    begin = max((m.end() for m in re.finditer(r"[.;]\s", text[: found.start()])), default=0)
    stop = re.search(r"[.;](?:\s|$)", text[found.end() :])
    return begin, found.end() + (stop.start() if stop else len(text) - found.end())


def _head_taken(
    text: str, pieces: list[tuple[int, int]], covered: list[tuple[int, int]], entities: Spans
) -> list[tuple[int, int]]:
    """The list's last item when a limit took it: in "History of drug, alcohol, or substance abuse
    within the 6 months" the window's phrase is "substance abuse", and the bare modifiers before it
    ("drug", "alcohol") share its head as they do with no window after the list. Only the concept the
    limit's phrase opens with, right after the list's connective, is its item."""
    if not pieces or entities.inside(*pieces[-1]):
        return []  # the item before is a bare modifier ("alcohol, or"), not a name of its own
    first, last = pieces[-1]
    cover = next(((s, e) for s, e in covered if last <= s and _LIST_GAP.fullmatch(text, last, s)), None)
    if cover is None or not all(limit.is_time for limit in find_limits(text[cover[0] : cover[1]])):
        return []  # "Estimated or measured GFR >= 60": the limit bounds each, not a head shared
    taken = cover[0]
    joined = _JOINED_ITEM.search(text, first, taken)
    if joined is None:
        return []
    named = entities.inside(taken, taken + LONGEST_NAME)
    if not named or named[0].start != trim(text, taken, named[0].end)[0]:
        return []
    if context.unstructured_reason(text[pieces[0][0] : named[0].end]):
        return []  # "Participation in any other investigational drug, biologic or medical device study": a review
    # "experimental drug and/or |experimental| vaccine": each item has the modifier, so each its own head
    before, opening = _WORD_BEFORE.search(text, first, joined.start() + 1), _FIRST_WORD.match(text, taken)
    if before and opening and before[1].lower() == opening[1].lower():
        return []
    return [(taken, named[0].end)]


def lend_taken_window(text: str, atoms: list[_Atom]) -> list[_Atom]:
    """``atoms`` with the window of a list's last item given to the bare modifiers that share its
    head (``_head_taken``): "history of alcohol or drug abuse within 18 months, history of smoking
    ..." asks about alcohol abuse within 18 months too. They are one phrase, so the window is theirs
    even where a clause after the list keeps ``scope.lend_to_list`` from lending it."""
    out = list(atoms)
    for i in range(len(out) - 2, -1, -1):
        item, taken = out[i].rule, out[i + 1].rule
        if not (isinstance(item, Presence) and isinstance(taken, Presence)) or item.temporal is not None:
            continue
        window = taken.temporal
        if window is None or window.measure != "window" or item.concept.span is None or taken.concept.span is None:
            continue
        head = span_text(text, taken.concept.span).split()[-1]
        written = span_text(text, item.concept.span)
        shared = item.concept.text != written and item.concept.text.endswith(f" {head}")
        if shared and _JOINED_ITEM.search(text, item.concept.span[0], taken.concept.span[0]):
            out[i] = _Atom(out[i].start, out[i].end, item.model_copy(update={"temporal": window}))
    return out


_LIST_GAP = re.compile(r"[\s,]*(?:(?:and/or|or|and)\s+)?", re.IGNORECASE)
#: the list's connective after the last bare modifier: "alcohol|, or| substance abuse"
_JOINED_ITEM = re.compile(r"[\w-]\s*(?:,\s*)?(?:(?:and/or|or|and)\s+|/\s*)$", re.IGNORECASE)
#: the word before the bare modifier that ends the piece, and the first word of the taken item
_WORD_BEFORE = re.compile(r"([^\W\d_][\w-]*)\s+[^\W\d_][\w-]*$")
_FIRST_WORD = re.compile(r"([^\W\d_][\w-]*)")


def _excepted_piece(text: str, start: int, end: int, covered, entities: Spans) -> _Atom | None:
    """Without a model: a piece's leaf, or all(base, not exception) when an exception cue splits it."""
    made = [
        a
        for s, e in top_level_cuts(text, start, end, context.EXCEPTIONS)
        for a in phrase_atom(text, s, e, covered, entities)
    ]
    if len(made) < 2:
        return made[0] if made else None
    rule, _ = combine(text, made, entities.section, None)
    return _Atom(made[0].start, made[-1].end, rule)


def _list_heads(text: str, pieces: list[tuple[int, int]], entities: Spans) -> dict[int, list[_Atom]]:
    """Leaves for the bare modifiers of a list that share the head noun of the item they run into: in
    "No serious heart, lung, liver, or kidney disease", "heart" is heart disease; in "Active bacterial,
    fungal or viral infection not controlled by anti-microbial or anti-viral treatment" the list ends
    at the infection, not at the last piece. Keyed by the piece's start."""
    found: dict[int, list[_Atom]] = {}
    waiting: list[tuple[int, int, re.Match[str], list[Entity]]] = []  # bare modifiers before their head
    found_by = methods.adverb_spans(text)
    for start, end in pieces:
        word = _LAST_WORD.search(text[start:end])
        # an adverb the tagger named ("Histologically confirmed locally advanced or metastatic breast cancer")
        # says how the disease was found: no item of the list
        tagged = [e for e in entities.inside(start, end) if not any(s <= e.start and e.end <= t for s, t in found_by)]
        # an item with a name of its own is none; modifiers alone tagged ("Hypertrophic obstructive") are;
        # the last piece ends the list ("Hepatic or renal impairment": "impairment" is the head)
        bare = (start, end) != pieces[-1] and all(
            all(context.SHARES_HEAD.match(w) for w in e.text.split()) for e in tagged
        )
        bare = bare and not (word is not None and _seen_on(text, start, start + word.start(1)))
        if word is not None and _bare_word(word[1]) and bare and _only_modifiers(text, start, end):
            waiting += _bare_items(text, start, end, word, tagged)  # "serious neurological, psychological"
            continue
        # a mixture is one thing, no head the list shares: "carcinoid, or mixed small cell/non-small cell histology"
        runs = waiting and tagged and not mixed.is_mixture(tagged[0].text) and _runs_into(text, start, tagged[0])
        head = _head_noun(text, start, tagged[0]) if runs else None
        # "basal or |squamous cell| carcinoma": the bare word right before, joined by "or" alone
        joined = waiting and _OR_ONLY.fullmatch(text, waiting[-1][1], trim(text, start, end)[0])
        if head is None and joined and tagged and not mixed.is_mixture(tagged[0].text):
            head = _named_head(text, start, end, tagged[0], entities)
            waiting = waiting[-1:]
        if head is None:
            waiting = []
            continue
        # the head's own state holds of the list: "bacterial, fungal or viral infection not controlled by ..."
        stop = re.search(r"[,;(]", text[tagged[0].end : end])  # its own phrase: not "..., moderate or severe X"
        after = context.QUALIFIERS.finditer(text, tagged[0].end, tagged[0].end + stop.start() if stop else end)
        states = [context.qualifier(m[0]) for m in after]
        lead = _shared_lead(text, waiting[0])
        for first, last, bare_word, named in waiting:
            concept = (
                (named[0].start, named[0].end) if named else (first + bare_word.start(1), first + bare_word.end(1))
            )
            words_of = f"{text[concept[0] : concept[1]]} {head}"  # "heart disease", "Hypertrophic obstructive ..."
            if lead and not words_of.lower().startswith(lead.lower()):
                words_of = f"{lead} {words_of}"  # "Abnormal liver or renal function": abnormal liver function
            leaf = presence_leaf(text, (first, last), entities, concept=concept, words=words_of)
            typed = leaf.concept.model_copy(update={"kind": tagged[0].type})
            lent = list(dict.fromkeys([*leaf.qualifiers, *(q for q in states if q in _TRAVELLING_STATES)]))
            made = _Atom(concept[0], concept[1], leaf.model_copy(update={"concept": typed, "qualifiers": lent}))
            found.setdefault(_piece_of(pieces, first), []).append(made)
        if lead and (own := _lent_lead(text, start, end, tagged[0], lead, entities)) is not None:
            found[start] = [own]  # and abnormal renal function, not the renal function everyone has
        waiting = []
    return found


def _named_head(text: str, start: int, end: int, named: Entity, entities: Spans) -> str | None:
    """The head noun the bare modifiers before a piece share when the tagger named only the last word
    of its concept and the leaf reads the whole name: in "basal or squamous cell carcinoma of the skin"
    the leaf is "squamous cell carcinoma of the skin", and basal shares "cell carcinoma of the skin"
    (alone, "basal" named nothing, and an exception of basal cell carcinomas excepted none). The leaf's
    name must open with a modifier right after the piece's connective."""
    leaf = presence_leaf(text, (start, end), entities, concept=(named.start, named.end))
    span = leaf.concept.span
    if not span or text[span[0] : span[1]] != leaf.concept.text:  # the name as written, no words lent to it
        return None
    if not _CONNECTIVE_ONLY.fullmatch(text, trim(text, start, end)[0], span[0]):
        return None
    first, _, rest = leaf.concept.text.partition(" ")
    return rest if rest and _bare_word(first) else None


#: words that make another concept of what follows, written right before a list's first bare modifier:
#: "|Abnormal| liver or renal function", "an |impaired| hepatic or renal function"
_LEAD_MODIFIERS = re.compile(rf"(?:(?:{context.CONCEPT_MODIFIER.pattern})\s+)+$", re.IGNORECASE)
_CONNECTIVE_ONLY = re.compile(r"(?:(?:and/or|or|and|nor)\s+)?", re.IGNORECASE)
_OR_ONLY = re.compile(r"\s*(?:and/or|or)\s*", re.IGNORECASE)
_LISTED_BEFORE = re.compile(r"(?:[,/]|\b(?:or|and|nor))\s*$", re.IGNORECASE)


def _shared_lead(text: str, item: tuple[int, int, re.Match[str], list[Entity]]) -> str | None:
    """The words that make another concept, written before the first bare modifier of a list whose
    items share their head noun: they hold of the whole phrase, so of every item ("Abnormal liver or
    renal function" is abnormal renal function too; read as "renal function", everyone has it). A
    qualifier (severe, uncontrolled) travels as one (``distributed``); a word the tagger named with
    the item's concept stays its own."""
    first, _, word, named = item
    concept = named[0].start if named else first + word.start(1)
    found = _LEAD_MODIFIERS.search(text, first, concept)
    if found is None or found.end() != concept or _LISTED_BEFORE.search(text, 0, found.start()):
        return None  # "active, chronic, or |recurrent| bacterial or viral infections": one state of a list
    return " ".join(found[0].split())


def _lent_lead(text: str, start: int, end: int, named: Entity, lead: str, entities: Spans) -> _Atom | None:
    """The leaf of the list's last item, the one with the head noun, with the shared lead in its words,
    when the piece is that concept alone ("or renal function"); a piece with more ("or viral infection
    not controlled by treatment") is read as written."""
    first, last = trim(text, start, end)
    alone = _CONNECTIVE_ONLY.fullmatch(text, first, named.start) and last == named.end
    if not alone or named.text.lower().startswith(lead.lower()):
        return None
    leaf = presence_leaf(text, (first, last), entities, concept=(named.start, named.end), words=f"{lead} {named.text}")
    return _Atom(named.start, named.end, leaf)


def _head_sharing_and(text: str, start: int, end: int, entities: Spans) -> list[tuple[int, int]]:
    """The piece cut at each "and" that joins two modifiers of one head noun: "History of alcohol and
    drug abuse" lists alcohol abuse and drug abuse (in an exclusion, either excludes), as "alcohol or
    drug abuse" does; read whole, the tagger's "drug abuse" was all it asked. A kind (an organ, a
    substance, "autoimmune") lists; a state ("Symptomatic and untreated spinal cord compression")
    says two things of one concept, and is no list, but a slash between states gives alternatives
    ("Relapsed/refractory DLBCL"). The cut stands only where ``_list_heads`` gives every item before
    the last the head it shares."""

    def shares(text: str, pos: int, cut: int) -> bool:
        before = re.search(r"([^\W\d_][\w-]*)\s*$", text[pos:cut])
        after = _MODIFIER_AFTER_AND.match(text, cut, end)
        if before is None or after is None or "," in text[pos:cut]:  # a comma list is the list reading's to cut
            return False
        states = [bool(context.CONCEPT_MODIFIER.fullmatch(w)) for w in (before[1], after[1])]
        listed = states[0] == states[1] if text[cut:].lstrip().startswith("/") else not states[0]
        return (
            listed
            and _bare_word(before[1])
            and _bare_word(after[1])
            and not any(  # one name across the "and", or a name of its own before it: "penile implant"
                e.start < cut < e.end or (e.end == pos + before.end(1) and len(e.text.split()) > 1)
                for e in entities.starting(cut - LONGEST_NAME, cut)
            )
        )

    pieces = top_level_cuts(text, start, end, _AND, shares)
    if len(pieces) < 2:
        return [(start, end)]
    heads = _list_heads(text, pieces, entities)
    return pieces if all(s in heads for s, _ in pieces[:-1]) else [(start, end)]


_AND = re.compile(r"\s+and\s+|\s*/\s*", re.IGNORECASE)
#: "and" (or a slash), a modifier, then the head noun it shares: " and |drug| abuse", "/|refractory| DLBCL"
_MODIFIER_AFTER_AND = re.compile(r"(?:\s+and\s+|\s*/\s*)([^\W\d_][\w-]*)[ \t-]+[^\W\d_]", re.IGNORECASE)


def _bare_items(text: str, start: int, end: int, word: re.Match[str], tagged: list[Entity]) -> list:
    """The bare modifiers of one piece: itself, or each of a comma list in it that a sentence for a
    person left unsplit ("serious neurological, psychological or psychiatric disorders which may ...")."""
    parts = top_level_cuts(text, start, end, _LIST_SEPARATOR)
    words = [re.fullmatch(r"(?:.*\W)?([^\W\d_][\w-]*)\W*", text[s:e], re.DOTALL) for s, e in parts]
    if (
        tagged
        or len(parts) < 2
        or not all(w and _bare_word(w[1]) and _only_modifiers(text, *p) for w, p in zip(words, parts, strict=True))
    ):
        return [(start, end, word, tagged)]
    return [(s, e, w, []) for (s, e), w in zip(parts, words, strict=True)]


def _bare_word(word: str) -> bool:
    """A word that shares the next item's head ("neurological"), not a state of it ("serious")."""
    return bool(context.SHARES_HEAD.match(word)) and not context.QUALIFIERS.fullmatch(word)


def _runs_into(text: str, start: int, named: Entity) -> bool:
    """Whether the piece at ``start`` opens with ``named`` or only modifiers before it: the bare items
    run into its head ("..., or viral infection"), not into a clause ("..., if it relates to the area
    of reconstructive breast surgery")."""
    modifiers = context.CONCEPT_MODIFIER.sub(" ", text[start : named.start])  # "refractory B cell |Leukemia"
    words = re.findall(r"[^\W\d_][\w-]*", context.QUALIFIERS.sub(" ", modifiers))
    return all(w.lower() in ("or", "and", "nor", "other") or context.SHARES_HEAD.match(w) for w in words)


#: "on", saying where its neighbour is seen, before a piece's last word: "instability of the cervical spine on
#: resting |lateral| or flexion-extension radiographs" is seen on the radiographs, no kind of them ("confirmed by
#: physical, neurological examination" and "any finding at clinical and paraclinical examination" share the head)
_HOW_BEFORE = re.compile(r"\bon\s", re.IGNORECASE)


def _seen_on(text: str, start: int, end: int) -> bool:
    """Whether the words of a piece before its last word name a thing and where it is seen ("Marked
    instability of the cervical spine on resting"), not a lead alone ("Seen on")."""
    how = _HOW_BEFORE.search(text, start, end)
    return how is not None and len(re.findall(r"[^\W\d_][\w-]*", text[start : how.start()])) >= 2


def _only_modifiers(text: str, start: int, end: int) -> bool:
    """Whether the piece ``text[start:end]`` ends in a modifier, not in a verb: "Has either not
    tolerated", "has failed" (a past participle after "has") share no head."""
    words = re.findall(r"[^\W\d_][\w-]*", text[start:end])
    return bool(words) and not (_PERFECT.search(text, start, end) and words[-1].lower().endswith("ed"))


_PERFECT = re.compile(r"\b(?:has|have|had|been)\b", re.IGNORECASE)


def _piece_of(pieces: list[tuple[int, int]], pos: int) -> int:
    """The start of the piece ``pos`` lies in."""
    return max(s for s, _ in pieces if s <= pos)


_TRAVELLING_STATES = frozenset(load("scope")["shared_qualifiers"]["qualifiers"])
_DISEASE_STATE = phrase_regex(load("cues")["concept_modifiers"]["states"])
#: an adverb a state may carry: "locally advanced", "loco-regionally recurrent"
_STATE_ADVERB = r"(?:[\w-]+ly\s+)?"
_DISEASE_STATES_BEFORE = re.compile(rf"(?:{_STATE_ADVERB}(?:{_DISEASE_STATE.pattern})\s+)*", re.IGNORECASE)
#: the first word of the list's last item, before its concept: "or |refractory| acute myeloid leukemia", "or
#: locally |advanced| prostate cancer"
_STATE_FIRST = re.compile(rf"[\s,/]*(?:(?:and/or|or|and|nor)\s+)?{_STATE_ADVERB}([^\W\d_][\w-]*)\s+", re.IGNORECASE)


def _head_noun(text: str, start: int, named: Entity) -> str | None:
    """The head noun the list's bare modifiers share, from the first concept of the item they run
    into: "disease" of "kidney disease", "infection" of "viral infection" (the tagger named the
    infection alone); None when that concept is one word with no modifier of its own before it
    ("..., or kidney disease": the head is what follows the last item's modifier)."""
    words = text[named.start : named.end].split()
    if not words:
        return None
    state = _STATE_FIRST.match(text, start, named.start)
    if state is not None and _DISEASE_STATE.fullmatch(state[1]):
        # "Relapsed or |refractory acute myeloid leukemia": the states share all the words after theirs,
        # but a state of the last item's own stays its own ("or recurrent |metastatic| NSCLC")
        first = _DISEASE_STATES_BEFORE.match(text, state.end(), named.start).end()
        return text[first : named.end]
    before = re.search(r"(\w+)\s+$", text[start : named.start])
    modified = before and (context.SHARES_HEAD.match(before[1]) or context.QUALIFIERS.fullmatch(before[1]))
    if (fixed := fixed_names.leading(text, named.start, named.end)) is not None:  # "head and neck" is one word
        rest = text[fixed : named.end].strip()  # "Recurrent or metastatic |head and neck cancer": all of it
        return text[named.start : named.end] if modified or not rest else rest
    if len(words) == 1 and not modified:
        return None
    if modified and text[:start].rstrip().endswith("/") and context.SHARES_HEAD.match(before[1]):
        return text[named.start : named.end]  # "coronary/|peripheral| artery bypass grafting": all the name
    return " ".join(words[1:]) if len(words) > 1 else words[0]


#: every study-event phrase starts after a space or at a word start: the look-behind before the
#: pattern's branches fails inside words at once, instead of each branch trying every place
_STUDY_EVENT = re.compile(rf"(?<!\w)(?:{load('cues')['study_events']['pattern']})", re.IGNORECASE)
_EFFECT_SUBJECT = re.compile(load("scope")["effect_subjects"]["pattern"], re.IGNORECASE)
_ROMAN = re.compile(r"[ivx]+[a-c]?", re.IGNORECASE)


def _clauses(text: str, start: int, end: int) -> list[tuple[str, list[tuple[int, int]]]]:
    """Split at top-level ';' into clauses; each clause into its list items and how they join.

    "A, B, and/or C" and "A, B or C" are lists (any); "A or B" two alternatives, but not "acute or
    chronic", "in or around" or "stage 2 or 3", where "or" joins words inside one phrase. A clause
    that needs a person ("any condition that, in the opinion of the investigator, ...") stays whole.
    """
    result = []
    for c_start, c_end in top_level_cuts(text, start, end, _CLAUSE_END):
        items = top_level_cuts(text, c_start, c_end, _LIST_SEPARATOR)
        named = len(items) > 1 and SEX_WORD.search(text, c_start, c_end)  # most clauses name no sex: one search
        sexes = [named and SEX.match(span_text(text, trim(text, s, e))) is not None for s, e in items]
        others = [SEX_WORD.search(text, s, e) for (s, e), sex in zip(items, sexes, strict=True) if named and not sex]
        if len(items) > 1 and any(sexes) and not any(others):  # not "Males, female patients of ...": two groups
            # "Age 18-75 years old, male or female, signed informed consent": the sexes are one item
            # of the list; cut at the "or" between them, the age and the consent were alternatives
            cuts = [top_level_cuts(text, s, e, _SPLIT_OR, _splittable_or) for s, e in items]
            result.append(
                ("all", [c for (s, e), cut in zip(items, cuts, strict=True) for c in _sex_or(text, s, e, cut)])
            )
            continue
        if reason := context.unstructured_reason(text[c_start:c_end]):  # no comma lists in a sentence for a person
            cue = context.review_cue(text, "effect", c_start, c_end) if reason == "effect" else None
            generic = cue is not None and _EFFECT_SUBJECT.search(text, c_start, cue.end())
            objects = cue.end() if generic else c_end  # "Medications that affect appetite, weight, or sleep": all three
            # "History of stroke or |high risk of hypokalemia or hyponatremia": both at risk; "Intolerance or
            # |contraindication to aspirin or both clopidogrel and ticlopidine": all three are contraindicated;
            # "naive AML |ineligible for treatment with a standard chemotherapy due to age or comorbidities":
            # the comorbidities are why, no alternative to the leukemia
            if reason in ("risk", "contraindication", "eligibility"):
                objects = c_start + context.review_cue(text[c_start:c_end], reason).end()
            judging = _JUDGING.search(text, c_start, c_end) if reason in ("investigator judgment", "effect") else None
            judged = judging.start() if judging else c_start

            def keep(text: str, pos: int, cut: int, objects: int = objects, judged: int = judged) -> bool:
                alone = _opens_generic(text, cut) or context.unstructured_reason(text[cut:judged])
                own = cut > judged or (alone and not _generic_before(text, pos, cut))
                return cut < objects and _splittable_or(text, pos, cut) and bool(own)

            result.append(("any", top_level_cuts(text, c_start, c_end, _SPLIT_OR, keep)))
            continue
        final = _FINAL_CONNECTIVE.search(text, c_start, items[-1][0]) if len(items) > 1 else None
        if len(items) > 1 and not final:
            last = top_level_cuts(text, *items[-1], _SPLIT_OR, _splittable_or)
            items = items[:-1] + last  # "HIV, hepatitis B or hepatitis C"
            # "Myocardial infarction, stroke or |life-threatening arrhythmia within 6 months": the list's
            # last item went to a limit, and its "or" still ends this part of the list
            final = len(last) > 1 or bool(_DANGLING_OR.search(text, items[-1][0], c_end))
        if final or (len(items) > 2 and all(len(text[s:e].split()) <= 5 for s, e in items)):
            op = "all" if final and not isinstance(final, bool) and final[1].lower() == "and" else "any"
            result.append((op, items))
            continue
        result.append(("any", top_level_cuts(text, c_start, c_end, _SPLIT_OR, _splittable_or)))
    return result


_JUDGING = re.compile(load("scope")["judged_lists"]["judging"], re.IGNORECASE)
#: " or |any other condition that ...": an item after "or" that a generic subject opens
_GENERIC_ITEM = re.compile(rf"\s*(?:or\s+)?(?:[\w-]+\s+){{0,3}}?{_EFFECT_SUBJECT.pattern}", re.IGNORECASE)


def _opens_generic(text: str, cut: int) -> bool:
    """Whether the item after the "or" at ``cut`` is a generic thing ("any condition", "laboratory
    abnormality"): the investigator's judgment after it is about it alone ("History of stroke or any
    condition that in the opinion of the investigator would interfere"). After a named concept the
    judgment qualifies the whole list: "Cardiac disease or hypertension that in the opinion of the
    investigator makes participation unsafe", "Impairment of heart, hepatic or renal function to
    such an extent that ... in the opinion of the investigator": cut there, the first items were
    leaves of their own, and any cardiac disease excluded. An item with a reason of its own before the
    judgment is its own too: "Known allergy to penicillin or inability to tolerate the study drug as
    judged by the investigator" judges the inability, not the allergy."""
    return _GENERIC_ITEM.match(text, cut) is not None


def _generic_before(text: str, start: int, cut: int) -> bool:
    """Whether the item before the "or" at ``cut`` is a generic thing as well ("Other severe acute,
    chronic medical, psychiatric condition, or laboratory abnormality that may ... in the judgment of
    the Investigator"), or a modifier that shares the generic head after it ("any other medical,
    behavioral, or developmental condition that in the opinion of the investigator"): the judgment is
    about every item, where cut there a psychiatric condition excluded with no one judging it."""
    before = text[start:cut].rstrip(" ,;")
    last = before.split()[-1] if before.split() else ""
    return bool(_EFFECT_SUBJECT.search(before)) or bool(last and context.SHARES_HEAD.match(last.strip(",")))


def _sex_or(text: str, start: int, end: int, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The item whole when it is a list of sexes ("male or female"), else its cuts."""
    return [(start, end)] if SEX.match(span_text(text, trim(text, start, end))) else cuts


def _splittable_or(text: str, start: int, cut: int) -> bool:
    before = text[start:cut].split()
    if not before:
        return False
    word = before[-1].lower().strip(",")
    after = text[cut:].split(maxsplit=2)
    single_letters = len(word) == 1 and len(after) > 1 and len(after[1].strip(",;")) == 1  # "hepatitis B or C"
    numbered = word[-1:].isdigit() or _ROMAN.fullmatch(word)  # "stage 2 or 3", "class III or greater"
    # "KRAS or NRAS mutation": the genes share the alteration, which the list reading gives both
    genes = SYMBOL.fullmatch(before[-1].strip(",")) and GENE_ALTERATION.match(_SPLIT_OR.sub("", text[cut:], count=1))
    return word not in _NON_SPLIT_BEFORE_OR and not numbered and not single_letters and not genes
