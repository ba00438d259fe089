"""Leaves for the concepts of a phrase: one named thing, a category and its examples, a review.

A phrase without a limit ("History of myocardial infarction or stroke") becomes presence leaves for
the concepts the tagger or the kind lexicon finds in it. This module decides how those concepts stand
to each other inside one phrase: a head shared by modifiers, a category with its examples, a risk and
what it is a risk of, a concept found by a method, a phrase that asks for a judgement.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from trialsieve.extract import (
    attachments,
    categories,
    context,
    example_states,
)
from trialsieve.extract.allergens import ALLERGIC
from trialsieve.extract.concept_spans import GENE_ALTERATION, SYMBOL
from trialsieve.extract.definitions import glosses
from trialsieve.extract.lexicon import load, phrase_regex
from trialsieve.extract.logic import Atom as _Atom
from trialsieve.extract.logic import combine
from trialsieve.extract.presences import JUDGED_BY, PERSON, phrase_leaf, presence_atom, presence_leaf
from trialsieve.extract.spans import CONCEPT_TYPES, Spans, span_text, top_level_cuts, trim, uncovered
from trialsieve.extract.trees import rebuild
from trialsieve.rules import (
    NO_CONCEPT,
    All,
    Any,
    Entity,
    Not,
    Presence,
    Rule,
    Unstructured,
)

if TYPE_CHECKING:
    pass

_LEAD_VERB = phrase_regex(load("cues")["lead_verbs"]["words"])  # "Is currently treated with": names nothing
#: how a value was obtained: "LVEF >= 50% as measured prior to enrollment" asks the LVEF; "as measured"
#: (the study event masked) names nothing, where it was a review leaf AND-ed to the limit
_REPORTING = phrase_regex(load("cues")["reporting_verbs"]["words"])
_ITEM_END = re.compile(r"\s*(?:[,;]|\b(?:and/or|or|and)\b)", re.IGNORECASE)


def concept_tree(text: str, span: tuple[int, int], entities: Spans) -> Rule | None:
    """The tree over the several concepts a limit's phrase names, as the phrase path builds it, or
    None for one concept: a window bounds the list, its exceptions and examples, not one fused leaf."""
    if entities.logic is None or len(entities.inside(*span)) < 2:
        return None
    # a gloss restates its concept ("History of ED (clinically defined as the inability to attain an
    # erection ...) of at least 3 months duration"): the window bounds the ED, the erection is no leaf
    inside = [(s - span[0], e - span[0]) for s, e in glosses(text, entities.tagged) if span[0] <= s and e <= span[1]]
    parts = [(span[0] + s, span[0] + e) for s, e in uncovered(span[1] - span[0], inside)]
    pieces = [piece for s, e in parts for piece in top_level_cuts(text, s, e, context.EXCEPTIONS)]
    made = [a for s, e in pieces for a in _concept_atoms(text, s, e, [], entities)]
    if len(made) < 2:
        return made[0].rule if made else None  # one concept in several spans: "CHF (NYHA) class III"
    rule, _ = combine(text, made, entities.section, entities.logic)
    return rule


def phrase_atom(text: str, start: int, end: int, covered, entities) -> list[_Atom]:
    """The leaves for one piece of text no limit accounts for (none when it asks nothing)."""
    return (
        [a for a in [phrase_leaf(text, start, end, covered, entities)] if a is not None]
        if (entities.logic is None or entities.tagged is None)
        else _concept_atoms(text, start, end, covered, entities)
    )


def _said(words: str) -> str:
    """``words`` without who, the qualifiers, the lead words and how a value was obtained."""
    return _REPORTING.sub(" ", _LEAD_VERB.sub(" ", context.QUALIFIERS.sub(" ", PERSON.sub(" ", words))))


def _concept_atoms(text: str, start: int, end: int, covered, entities: Spans) -> list[_Atom]:
    """One presence leaf per tagged concept in the piece, the logic model to join them: "No prior
    treatment with bevacizumab or other VEGF inhibitors" is two concepts, each negated. A concept
    the model reads as the same thing as the one before ("progressive disease (PD)") joins it."""
    leaf = phrase_leaf(text, start, end, covered, entities)
    if leaf is not None and leaf.rule.type == "unstructured" and leaf.rule.reason == "risk":
        return _risk_atoms(text, leaf, covered, entities)
    if leaf is not None:  # what the leaf reads: after a defined label ("cardiac involvement consisting of")
        start = max(start, leaf.start)
    named = [e for e in entities.inside(start, end) if not text[e.start - 1 : e.start].isdigit()]  # not "2nd"
    kept = _before_modifier(text, named, start)
    methods: list[Entity] = []
    if len(kept) < len(named) and leaf is not None and leaf.rule.type == "presence":
        if not kept:
            return []  # "of evolution diagnosed by MRI": how its neighbour is found, nothing of its own
        cut = JUDGED_BY.search(text, kept[-1].end, named[len(kept)].start).start()
        leaf = _Atom(leaf.start, leaf.end, _ending_before(text, leaf.rule, cut))
        methods = named[len(kept) :] if _FOUND_BY.match(text, cut) else []  # "thrombi diagnosed by echocardiography"
    named = kept
    if leaf is not None and leaf.rule.type == "unstructured" and named:
        return [_review_with_parts(text, leaf, named, entities)]
    opened = categories.before_examples(text, start, named) if named and leaf is not None else None
    if opened is not None and ALLERGIC.search(text, 0, opened[0]):
        opened = None  # "hypersensitivity to ... excipients, including polysorbate": ``allergens`` reads it
    if opened is not None and leaf.rule.type == "presence":  # "Any unstable systemic disease (eg, ...)": kept
        return _category_and_examples(text, start, end, opened, covered, entities)
    if leaf is None or leaf.rule.type != "presence" or len(named) < 2:
        if leaf is not None and not named and leaf.rule.type == "presence":  # "enrollment", "Patients with a"
            words = span_text(text, leaf.rule.span)
            if not context.has_content(_said(words)):
                return []  # "The patient is", "Have a history of": who and when, not what
            # the review keeps the polarity its words state ("No systemic disease", "Free of chronic
            # disease"): a reader, and anything built on the tree, sees that the lack is asked for
            review = Unstructured(text=words, reason=NO_CONCEPT, negated=leaf.rule.negated, span=leaf.rule.span)
            leaf = _Atom(leaf.start, leaf.end, review)
        return [_found_by(text, leaf, methods, entities)] if leaf is not None else []
    merged: list[list[Entity]] = [[named[0]]]
    for prev, cur in itertools.pairwise(named):
        kinds = (prev.type, cur.type)
        label, _ = entities.logic.pair(text, (prev.start, prev.end), (cur.start, cur.end), kinds, entities.section)
        glossed = re.fullmatch(r"\s*\(\s*", text[prev.end : cur.start]) and re.match(r"\s*\)", text[cur.end :])
        short = _ABBREVIATION.fullmatch(cur.text) or _ABBREVIATION.fullmatch(prev.text)
        # "progressive disease (PD)", "CHF (NYHA)"; "precancerous lesions", "NYHA class III or IV heart failure"
        if (short and (label == "same" or glossed)) or _one_phrase(text, prev, cur) or _site_of(text, prev, cur):
            merged[-1].append(cur)
        else:
            merged.append([cur])
    atoms = []
    for i, group in enumerate(merged):
        lo = start if i == 0 else merged[i - 1][-1].end
        hi = end if i == len(merged) - 1 else merged[i + 1][0].start
        concept = (group[0].start, _balanced_end(text, group[0].start, group[-1].end))
        if (gap := _ITEM_END.search(text, concept[1], hi)) is not None:
            hi = gap.start()  # "MI, unstable angina": a word after the comma qualifies the next item
        head = _shared_head(text, group, merged[i + 1] if i + 1 < len(merged) else None)
        if i and (variant := _variant_of(text, merged[i - 1], group)) is not None:
            head, concept = variant[0], (variant[1], concept[1])  # "hepatitis B or C infection": hepatitis C
        phrase = len(group) > 1 and _one_phrase(text, group[-2], group[-1])
        leaf = presence_leaf(
            text, (lo, hi), entities, concept=concept, words=head, kind=_head_kind(group) if phrase else None
        )
        atoms.append(_Atom(concept[0], concept[1], leaf))
    return [*atoms[:-1], _found_by(text, atoms[-1], methods, entities)]


#: what joins a risk to what is named before it: "History of stroke or | high risk of stroke"
_RISK_JOIN = re.compile(r"(?:[\s,;:]+|\b(?:or|and|with)\b)*", re.IGNORECASE)


def _risk_atoms(text: str, leaf: _Atom, covered, entities: Spans) -> list[_Atom]:
    """A risk of something is not the thing ("Patients at high risk for cardiovascular disease" may
    have none): a review leaf from the cue to the piece's end, every concept after the cue the risk's
    ("at risk of hypokalemia or hyponatremia"), kept beside it with role ``risk``, which asks nothing;
    what an example cue names is an alternative to it ("a risk of GI bleeding such as peptic
    ulceration"), not a bracketed abbreviation. What is named before the cue is read as its own
    piece ("Caesarean section with a high risk of bleeding", "Hepatitis C as they may be more at
    risk of toxicity"), the logic model to join them."""
    found = context.review_cue(text[leaf.start : leaf.end], "risk")  # on the piece: its "^" is the piece's start
    if found is None:  # a limit's review, cut before its cue
        return [leaf]
    cue = range(leaf.start + found.start(), leaf.start + found.end())
    begin = _RISK_JOIN.match(text, cue.start).end()
    negated = leaf.rule.negated  # "No high risk of bleeding": the denial before the cue is the risk's
    review = Unstructured(text=text[begin : leaf.end], reason="risk", negated=negated, span=(begin, leaf.end))
    named = entities.inside(leaf.start, cue.start)  # "Patients screened at risk of": who, nothing named
    before = _concept_atoms(text, leaf.start, cue.start, covered, entities) if named else []
    example = context.EXAMPLES.search(text, cue.stop, leaf.end)  # "such as peptic ulceration"
    stop = leaf.end if example is None else example.start()
    named = entities.inside(cue.stop, stop)
    at_risk = concept_tree(text, (cue.stop, stop), entities) if named else None  # the logic model joins them
    if named and at_risk is None:
        at_risk = presence_leaf(text, (named[0].start, named[0].end), entities, concept=(named[0].start, named[0].end))

    def of_risk(found: Rule) -> Rule:  # what the risk is of asks nothing: "at risk of |hypokalemia or |hyponatremia"
        return found.model_copy(update={"role": "risk", "negated": False}) if found.type == "presence" else found

    risk: Rule = review if at_risk is None else All(args=[rebuild(at_risk, of_risk) or at_risk, review])
    if example is not None:
        listed = entities.inside(example.end(), leaf.end)
        lows = [example.end(), *(e.end for e in listed)]  # with the words before it: "low systolic blood pressure"
        made = [
            presence_leaf(text, (lo, e.end), entities, concept=(e.start, e.end))
            for lo, e in zip(lows, listed, strict=False)
        ]
        risk = Any(args=[*made, risk]) if made else risk
    return [*before, _Atom(begin, leaf.end, risk)]


def _category_and_examples(text: str, start: int, end: int, opened, covered, entities: Spans) -> list[_Atom]:
    """The atoms of a piece whose category the tagger left untagged before its examples: the category
    a leaf of its own, and any(category, examples), since an example satisfies its category; what
    follows the examples' bracket is read as before."""
    category = presence_atom(text, *trim(text, start, opened[0]), entities)
    rest = _concept_atoms(text, opened[1], end, covered, entities)
    stop = end if opened[2] is None else opened[2]
    listed = [a for a in rest if a.end <= stop]
    if not listed:
        return [category, *rest]
    if getattr(category.rule, "negated", False):  # "No other serious diseases (autoimmune disease, ...)": none
        rules = _rules(category, listed)
        plain = [r.model_copy(update={"negated": False}) if r.type == "presence" else r for r in rules]
        return [_Atom(category.start, listed[-1].end, Not(args=[Any(args=plain)])), *rest[len(listed) :]]
    lent = [_Atom(a.start, a.end, example_states.lend(text, category.rule, a.rule)) for a in listed]  # "severe"
    alternatives = Any(args=_rules(category, lent))
    return [_Atom(category.start, listed[-1].end, alternatives), *rest[len(listed) :]]


def _rules(first: _Atom, more: list[_Atom]) -> list[Rule]:
    return [first.rule, *(a.rule for a in more)]


def _review_with_parts(text: str, leaf: _Atom, named: list[Entity], entities: Spans) -> _Atom:
    """A phrase for a person with the concepts that can be read in it. Examples given in brackets or
    after "such as" are alternatives to it: a patient with one of them has what it asks ("any
    condition that, in the opinion of the investigator, would place the subject at risk (e.g.,
    uterine fibroids)"; "condition that would increase the risk of neuromuscular blockade
    (myasthenia gravis, ...)"); what an example's words attach stays with it ("e.g., uterine fibroids
    with ongoing bleeding": the fibroids with the bleeding, one alternative). A thing named by what it
    does ("medications that affect appetite") keeps what it does beside it, each a presence with role
    ``effect``, which asks nothing of its own.
    What a lack is put down to ("Inability to provide consent because of severe mental disorders")
    must be there beside it: all(cause, review), the lack's negation not reaching the cause.
    What is named before the lack ("Mental condition rendering the patients unable to understand",
    "Women of child-bearing age not willing to use ...") is who or what lacks: it is there beside it,
    all(holder, review), or any() when the lack is one more item of a list with them ("blind, deaf,
    unable to speak English", "altered mental status/inability to provide informed consent").
    The parts come first, so each names its own words."""
    rule = leaf.rule
    lack = context.lack_start(text, rule.reason, leaf.start, leaf.end) if rule.negated else None
    holders = [e for e in named if lack is not None and e.end <= lack]
    named = [e for e in named if e not in holders]
    if rule.reason == "eligibility":  # "eligible for PrEP (confirmed HIV-uninfected status, ...)": what it is
        cue = context.review_cue(text, rule.reason, leaf.start, leaf.end)  # for, and what it takes, no examples
        named = [e for e in named if cue is None or e.end <= cue.start()]
    if rule.reason in _UNDERTAKINGS or not named:  # "agree not to use ED drugs (including herbal ...)": promised
        return _held(text, leaf, holders, lack, entities)
    example_cue = context.EXAMPLES.search(text, leaf.start, leaf.end)
    depth = _bracket_depths(text, leaf.start, leaf.end)
    # what an exception cue leaves out ("neurological disorders (other than migraine) that would interfere")
    # is neither an example nor asked: the person who judges the rest judges it too
    named = [e for e in named if not _excepted(text, leaf.start, e.start)]
    cue = context.review_cue(text, rule.reason, leaf.start, leaf.end) if rule.reason in _OF_OBJECTS else None
    # a cue in a bracket opens examples up to its close: in "abnormalities (e.g. penile fibrosis) that would
    # impair erectile function" the function is what the abnormalities do, no alternative to them
    opened = example_cue is not None and depth[example_cue.start() - leaf.start] > 0
    does = (cue or context.review_cue(text, "effect", leaf.start, leaf.end)) if opened else None
    examples = [
        e
        for e in named
        if depth[e.start - leaf.start] > 0
        or (example_cue and e.start >= example_cue.end() and not (does and e.start >= does.end()))
    ]
    objects = [e for e in named if cue is not None and e.start >= cue.end() and e not in examples]

    def presences(found: list[Entity], role: str | None) -> list[Rule]:
        made = [
            presence_leaf(text, (_stated_from(text, leaf.start, e.start), e.end), entities, concept=(e.start, e.end))
            for e in found
        ]
        if role is None:
            return made
        # what a thing does asks nothing of its own; its polarity says whether it is done or prevented
        # ("disability that would preclude exercise": the exercise is what cannot be done, not the
        # childbirth in "barriers that prevent normal communication before childbirth")
        starts = [leaf.start, *(e.end for e in found)]  # each object's words start after the one before
        prevented = [
            role == "effect" and context.prevented(text, start, e.start)
            for start, e in zip(starts, found, strict=False)
        ]
        return [p.model_copy(update={"role": role, "negated": n}) for p, n in zip(made, prevented, strict=True)]

    effects = presences(objects, _OF_OBJECTS.get(rule.reason, "effect"))
    # "contraindications for thrombolysis AND thrombectomy": to both, as written
    both = rule.reason == "contraindication" and len(objects) > 1 and _AND_ONLY.search(text[: objects[-1].start])
    joined = All if both and not _ANY_OR.search(text, objects[0].end, objects[-1].start) else Any
    core = rule if not effects else All(args=[effects[0] if len(effects) == 1 else joined(args=effects), rule])
    because = context.CAUSE.search(text, leaf.start, leaf.end) if rule.negated else None
    causes = [e for e in named if because and e.start >= because.end() and e not in examples and e not in objects]
    if causes:  # "Unable to answer the questions due to a cognitive impairment": the impairment is there
        made = [p.model_copy(update={"negated": False}) for p in presences(causes, None)]
        core = All(args=[made[0] if len(made) == 1 else Any(args=made), core])
    alternatives = _attached(text, examples, presences(examples, None))
    made = _Atom(leaf.start, leaf.end, Any(args=[*alternatives, core]) if alternatives else core)
    return _held(text, made, holders, lack, entities)


#: reasons whose cue is followed by what they are about, kept beside the review with this role: what a
#: thing does ("medications that affect appetite"), what is contraindicated ("contraindication to
#: insulin glargine": no drug the patient takes, as the bare leaf was, which ruled out everyone on it)
_OF_OBJECTS = {"effect": "effect", "contraindication": "contraindicated"}


#: the last two things a contraindication is to joined by "and" alone
_AND_ONLY = re.compile(r"\band\s*$", re.IGNORECASE)
_ANY_OR = re.compile(r"\bor\b|/", re.IGNORECASE)


def _stated_from(text: str, floor: int, start: int) -> int:
    """Where a concept's item starts, with the states written right before it (not before ``floor``): the
    example in "comorbidities that would limit the benefit of ICI such as uncontrolled diabetes mellitus"
    is uncontrolled diabetes, where the bare "diabetes mellitus" was met by any diabetes."""
    while True:
        states = [m for m in context.QUALIFIERS.finditer(text, max(floor, start - 40), start) if m.start() >= floor]
        last = states[-1] if states else None
        if last is None or text[last.end() : start].strip():
            return start
        start = last.start()


def _attached(text: str, examples: list[Entity], made: list[Rule]) -> list[Rule]:
    """The examples' leaves ``made``, each example with what its words attach beside it ("uterine
    fibroids with ongoing bleeding": both, one alternative), never the attached thing an example of
    its own that any bleeding alone satisfies."""
    groups: list[list[Rule]] = []
    for k, leaf in enumerate(made):
        if k and attachments.attaches(text, examples[k - 1].end, examples[k].start):
            groups[-1].append(leaf)
        else:
            groups.append([leaf])
    return [g[0] if len(g) == 1 else All(args=g) for g in groups]


#: what parts the items of a list: "blind, deaf, unable to speak English", "altered mental status/inability"
_ITEM_GAP = re.compile(r"\s*(?:/|,|,?\s*(?:or|and/or)\s)\s*", re.IGNORECASE)


def _held(text: str, leaf: _Atom, holders: list[Entity], lack: int | None, entities: Spans) -> _Atom:
    """``leaf``, a review of a lack, beside the concepts named before the lack: they are there."""
    if not holders or lack is None:
        return leaf
    made = [presence_leaf(text, (e.start, e.end), entities, concept=(e.start, e.end)) for e in holders]
    # "blind, deaf, unable to speak English": the lack is one more item of a list
    gaps = zip([e.end for e in holders], [*(e.start for e in holders[1:]), lack], strict=True)
    if all(_ITEM_GAP.fullmatch(text, *gap) for gap in gaps):
        return _Atom(leaf.start, leaf.end, Any(args=[*made, leaf.rule]))
    held = made[0] if len(made) == 1 else All(args=made)
    return _Atom(leaf.start, leaf.end, All(args=[held, leaf.rule]))


#: review reasons that name an undertaking: their examples are what is promised, not facts about the
#: patient (elsewhere they are: "unable to consent for other reason (e.g., cognitive deficit)")
_UNDERTAKINGS = frozenset({"willingness", "compliance"})


def _excepted(text: str, start: int, concept: int) -> bool:
    """Whether an exception cue stands before ``concept`` in its clause, with no bracket closed between."""
    cues = list(context.EXCEPTIONS.finditer(text, start, concept))
    return bool(cues) and not re.search(r"[);.]", text[cues[-1].end() : concept])


def _bracket_depths(text: str, start: int, end: int) -> list[int]:
    """How deep in brackets each character of ``text[start:end]`` lies."""
    depths, depth = [], 0
    for ch in text[start:end]:
        depth += ch == "("
        depths.append(depth)
        depth -= ch == ")" and depth > 0
    return depths


def _one_phrase(text: str, prev: Entity, cur: Entity) -> bool:
    """Whether two tagged spans are one noun phrase: nothing but a space between them, or a class,
    stage or grade ("NYHA class III or IV heart failure": NYHA names the scale, not a concept)."""
    if _ONE_PHRASE.fullmatch(text, prev.end, cur.start):
        return True
    axes = [m.span() for m in context.AXIS_PHRASE.finditer(text, max(0, prev.start - 1), min(len(text), cur.end + 1))]
    inside = any(s <= prev.start < e or s < cur.end <= e for s, e in axes)
    gap = context.AXIS_PHRASE.sub(" ", text[prev.end : cur.start])
    return inside and re.fullmatch(r"[\s()]*", gap) is not None


def _site_of(text: str, prev: Entity, cur: Entity) -> bool:
    """Whether ``cur`` is the body site of ``prev``, written right after it ("radiation to the testis",
    "cryotherapy of the prostate"): one concept, never radiation and, beside it, a testis."""
    return prev.type in CONCEPT_TYPES and context.SITE_AFTER.fullmatch(text, prev.end, cur.end) is not None


def _head_kind(group: list[Entity]) -> str:
    """The kind of a phrase's head noun, the last span that is not a scale: "anti-cancer therapy" is a
    procedure, "heart failure NYHA" a condition."""
    return next((e.type for e in reversed(group) if e.type != "observation"), group[-1].type)


def _found_by(text: str, atom: _Atom, methods: list[Entity], entities: Spans) -> _Atom:
    """``atom`` with the tests that found it beside it, each a leaf with role ``method``: all(concept,
    methods), so a test never stands as an alternative that any record of it would meet."""
    if not methods:
        return atom
    found = [
        presence_leaf(text, (e.start, e.end), entities, concept=(e.start, e.end)).model_copy(
            update={"role": "method", "negated": False, "qualifiers": []}
        )
        for e in methods
    ]
    return _Atom(atom.start, max(atom.end, methods[-1].end), All(args=[atom.rule, *found]))


def _ending_before(text: str, leaf: Presence, cut: int) -> Presence:
    """``leaf`` with its concept's words ending before ``cut``: "Organic erectile dysfunction diagnosed
    by Doppler" names the dysfunction, not "dysfunction diagnosed"; nor "Lesions must be measurable
    by CT" the lesions "must be"."""
    first, last = leaf.concept.span or (cut, cut)
    if last <= cut or first >= cut:
        return leaf
    last = trim(text, first, cut)[1]
    if (copula := _COPULA_END.search(text, first, last)) and copula.start() > first:
        last = copula.start()
    words = text[first:last] if leaf.concept.text == text[first : leaf.concept.span[1]] else leaf.concept.text
    return leaf.model_copy(update={"concept": leaf.concept.model_copy(update={"text": words, "span": (first, last)})})


#: a verb that says what the concept before it is, at the end of its words: "Lesions| must be"
_COPULA_END = re.compile(r"(?:\s+(?:must|should|shall|will|can|to|be|is|are|been))+$", re.IGNORECASE)


def _before_modifier(text: str, named: list[Entity], start: int) -> list[Entity]:
    """The concepts before a phrase that only says how or where their neighbour is judged:
    "Sjögren's syndrome according to the classification criteria for Sjögren's syndrome". When the
    neighbour is untagged ("Primarily organic cause diagnosed by Doppler") no concept is left: the
    test says how the cause is found, it is no requirement (nor a drug) of its own."""
    if not named:
        return named
    cut = JUDGED_BY.search(text, named[0].end, named[-1].start)
    if cut is None and (first := _FOUND_BY.search(text, start, named[0].start)) is not None:
        cut = first if context.has_content(PERSON.sub(" ", text[start : first.start()])) else None
    if cut is None:
        return named
    return [e for e in named if e.start < cut.start()]


#: Phrases that say how the concept before them is found: the tests after them are its methods.
_FOUND_BY = phrase_regex(load("cues")["found_by"]["phrases"])
_ONE_PHRASE = re.compile(r"[ \t-]+")  # two tagged spans with only a space between are one noun phrase
_ABBREVIATION = re.compile(r"(?=\S*[A-Z])[\w./+-]{1,8}")
_LIST_GAP = re.compile(r"\s*(?:,\s*)?(?:(?:and/or|or|and|nor)\b)?\s*[,/]?\s*", re.IGNORECASE)


def _shared_head(text: str, group: list[Entity], following: list[Entity] | None) -> str | None:
    """The concept's words when it shares the next item's head noun: in "atrial or ventricular rhythm
    disturbances", "atrial" means atrial rhythm disturbances. A one-word item right before a longer
    one, with only a list connective between, takes the longer one's words after its first; before
    a noun the tagger named without its own modifier ("herniated or sequestered discs"), the noun."""
    if following is None or len(group) > 1:
        return None
    after = following[0].text.split()
    gap = text[group[0].end : following[0].start]
    if SYMBOL.fullmatch(group[0].text) and GENE_ALTERATION.fullmatch(following[0].text):
        # "KRAS or NRAS mutation": a gene listed before another's alteration shares it, the KRAS mutation
        return f"{group[0].text} {' '.join(after[1:])}" if _LIST_GAP.fullmatch(gap) else None
    if not context.SHARES_HEAD.match(group[0].text):
        return None
    if not gap.strip():
        return None
    connective = _LIST_GAP.match(gap)
    modifiers = gap[connective.end() :].split() if connective else []
    if modifiers and connective.end() > 0 and all(context.SHARES_HEAD.match(w) for w in modifiers):
        return f"{group[0].text} {following[0].text}"  # "herniated or sequestered discs": herniated discs
    if len(after) < 2 or _LIST_GAP.fullmatch(gap) is None:
        return None
    return f"{group[0].text} {' '.join(after[1:])}"


def _variant_of(text: str, before: list[Entity], group: list[Entity]) -> tuple[str, int] | None:
    """The words and start of an item that is another variant of the item before it: in "hepatitis B
    or C infection" and "known hepatitis B or C", the C is hepatitis C, where the bare "C" named
    nothing and "infection" was met by any infection. The item before ends in a variant (a letter or
    a number); this item is one, or one stands untagged before it after the list's connective."""
    stem, _, last = before[-1].text.rpartition(" ")
    if not stem or not _VARIANT.fullmatch(last):
        return None
    gap = _VARIANT_GAP.fullmatch(text, before[-1].end, group[0].start)
    if gap is None:
        return None
    if gap["variant"]:  # "B or C |infection"
        return f"{stem} {gap['variant']} {group[0].text}", gap.start("variant")
    own = group[0].text.split(" ", 1)
    if not _VARIANT.fullmatch(own[0].lstrip("-")):
        return None
    return f"{stem} {group[0].text.lstrip('-')}", group[0].start  # "B or C", "HIV-1 or -2"


#: a variant of a named disease or virus: "B", "C", "1", "2"
_VARIANT = re.compile(r"[A-Z]|\d{1,2}")
#: what stands between two variants: the list's connective, and an untagged variant before the next item's words
_VARIANT_GAP = re.compile(
    r"\s*(?:,\s*(?:(?:or|and|and/or)\s+)?|(?:or|and|and/or)\s+|/\s*)(?:(?P<variant>[A-Z]|\d{1,2})\s+)?"
)


def _balanced_end(text: str, start: int, end: int) -> int:
    """``end``, moved past a closing bracket the span opened: "progressive disease (PD" takes its ")"."""
    stretch = text[start:end]
    return end + 1 if stretch.count("(") > stretch.count(")") and text[end : end + 1] == ")" else end
