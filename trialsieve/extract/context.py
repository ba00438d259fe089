"""Context cues from the ``cues`` and ``kinds`` lexicons: negation, qualifiers, time, kinds, groups."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialsieve.extract import denied_states
from trialsieve.extract.lexicon import alternation, inverse, load, phrase_regex

if TYPE_CHECKING:
    from trialsieve.rules import Entity

_CUES = load("cues")
_KINDS = load("kinds")


def _denying_non() -> str:
    """The "non" that denies what follows: before an agent noun that ends its phrase ("non-smokers",
    not the noun a word ending in -er makes a kind of: "non-cancer systemic therapy", "non-ulcer
    dyspepsia"), a person ("non-veteran") or a word before people ("non-dialysis patients", "Non-CP
    cohort"), or before a state of the patient that ends its phrase ("Non-smoking", "non-pregnant
    women", "non-pregnant as determined by"); before a further noun the state names a kind
    ("nondiabetic arterial disease")."""
    prefix = _CUES["negation_prefix"]
    ends = [*_CUES["persons"]["words"], *_CUES["stopwords"], *_CUES["boundaries"]["words"]]
    states = "|".join(re.escape(s) for s in sorted(prefix["states"], key=len, reverse=True))
    ending = rf"(?![\w-])(?!\s+(?!(?:{'|'.join(re.escape(w) for w in ends)})\b)[^\W\d_])"
    persons = "|".join(re.escape(p) for p in sorted(prefix["persons"], key=len, reverse=True))
    agent = rf"(?:{prefix['pattern']})(?=[^\W\d_][\w]*{ending})"  # "non-smokers", not "non-cancer therapy"
    groups = [*_CUES["persons"]["words"], *_CUES["segmentation"]["cohort_people"], *prefix["groups"]]
    people = "|".join(re.escape(p) for p in sorted(set(groups), key=len, reverse=True))
    of_people = rf"non-(?=[^\W\d_]\w*\s+(?:{people})\b)"  # "non-dialysis patients", "Non-CP cohort": without it
    return rf"{agent}|{of_people}|non[-\s]?(?=(?:{persons})\b)|non[-\s]?(?=(?:{states}){ending})"


DENYING_NON = _denying_non()
#: cues that deny no concept after them: "Failure to thrive", "Failure to control seizures" (but "Failure
#: to meet the criteria for")
NOT_DENYING = re.compile(
    rf"(?:{phrase_regex(_CUES['not_denying']['phrases']).pattern})"
    rf"(?!\s+(?:{alternation(_CUES['not_denying']['denying_after'])})\b)",
    re.IGNORECASE,
)
#: words spelled as a negation cue that name a thing: "NO donors" (nitric oxide)
NAMED_LIKE_NEGATION = _CUES["named_like_negation"]["pattern"]
#: a negation cue opening a piece, matched at the piece's start (``NEGATION.match(text, start)``): no
#: "^", which holds only at the text's start, so a cue after a list marker ("  -  No systemic disease")
#: or in a later piece ("..., no X") went unread
NEGATION = re.compile(
    rf"\W*(?!{NOT_DENYING.pattern}|{NAMED_LIKE_NEGATION})(?:{alternation(_CUES['negation'])}|{DENYING_NON})",
    re.IGNORECASE,
)
_QUALIFIER_OF = inverse(_CUES["qualifiers"])
#: a qualifier's cue; a state under a negation first, so its state word is not read alone: "not well
#: controlled" is uncontrolled, not "well controlled" (extract/denied_states.py)
QUALIFIERS = re.compile(rf"(?:{denied_states.pattern()}|{alternation(list(_QUALIFIER_OF))})", re.IGNORECASE)
_REVIEW_CUES = {reason: cues for reason, cues in _CUES["unstructured"].items() if not reason.startswith("_")}
#: each reason's cues: a list of phrases, or {"patterns": [regular expressions]}
_UNSTRUCTURED = [
    (reason, re.compile("|".join(cues["patterns"]), re.IGNORECASE) if isinstance(cues, dict) else phrase_regex(cues))
    for reason, cues in _REVIEW_CUES.items()
]
_REASON_CUES = dict(_UNSTRUCTURED)


def _lowered(pattern: str) -> re.Pattern[str]:
    """``pattern``, written to ignore case, compiled for lower-cased text (its escapes kept): Python's
    regex engine takes about twice as long over a long alternation when it ignores case, and these
    are tried on every phrase of every criterion. Only for a yes/no test: lower-casing may move
    offsets ("İ" is two characters lower-cased)."""
    return re.compile(re.sub(r"\\.|[^\\]+", lambda m: m[0] if m[0].startswith("\\") else m[0].lower(), pattern))


#: a word each match of a reason's patterns holds ("requires"): without it in the text the reason is not
#: searched for, and it stays out of the one search that finds any reason
_REQUIRED = {r: c["requires"] for r, c in _REVIEW_CUES.items() if isinstance(c, dict) and "requires" in c}


def _any_unstructured() -> re.Pattern[str]:
    """Every reason's phrases and patterns in one alternation (one word-start test a place, not one
    a reason), for a yes/no search. The patterns go inside the phrases' word-start test: each opens
    with ``\\b`` before a word, which implies it, and one group tried once a place takes half the time
    of the phrases and five patterns side by side."""
    phrases = [p for cues in _REVIEW_CUES.values() if isinstance(cues, list) for p in cues]
    patterns = [p for r, c in _REVIEW_CUES.items() if isinstance(c, dict) and r not in _REQUIRED for p in c["patterns"]]
    if not all(re.match(r"\w", p) for p in phrases) or not all(re.match(r"\\b\(\?:\w", p) for p in patterns):
        raise ValueError("cues.json unstructured: phrases must open with a word, patterns with \\b(?: and a word")
    words = alternation(phrases).removeprefix(f"{_WORD_START}(?:").removesuffix(")")
    return _lowered(f"{_WORD_START}(?:{'|'.join([words, *(f'(?:{p})' for p in patterns)])})")


_WORD_START = r"(?<![^\W\d_])"
#: every reason's phrases and the patterns of those without a required word, for ``unstructured_reason``
_ANY_UNSTRUCTURED = _any_unstructured()
IGNORE = phrase_regex(_CUES["ignore"]["phrases"])
IGNORE_SENTENCE = phrase_regex(_CUES["ignore"]["sentences"])
#: "used to disinfect skin": what the thing before it is used for, when that is no treatment
IGNORE_USE = re.compile(_CUES["ignore"]["uses"], re.IGNORECASE)
_USE_CLASSES = frozenset(_CUES["ignore"]["use_classes"])
_WORD_BEFORE_USE = re.compile(r"([\w-]+)\W*$")
#: "Uncontrolled bacteraemia is defined as ...": a later sentence that defines a word or says a test is done locally
IGNORE_DEFINITION = phrase_regex(_CUES["ignore"]["definitions"])
#: "calculated by the Modification of Diet in Renal Disease (MDRD) formula": how a value is computed
IGNORE_FORMULA = re.compile(_CUES["ignore"]["formulas"], re.IGNORECASE)
#: "once or more times/week": how often, which no record says
IGNORE_FREQUENCY = re.compile(_CUES["ignore"]["frequencies"], re.IGNORECASE)
ANY_CONNECTIVE = phrase_regex(_CUES["connectives"]["any"])
DEFINITION = re.compile(rf"(?:{alternation(_CUES['groups']['definition'], escape=False)})\s*:?", re.IGNORECASE)
EXCEPTIONS = phrase_regex(_CUES["exceptions"]["phrases"])
#: an example cue that says what a category holds once its exception is out: "other than chemotherapy (i.e., ...)"
RESTATING = re.compile(
    rf"(?<![\w.])(?:{alternation(_CUES['exceptions']['restating'], escape=False)})(?![\w])", re.IGNORECASE
)
_HEAD_SHARING = _CUES["head_sharing"]
#: Words that name no thing alone and share the next list item's head noun: an organ, an adjective.
HEAD_SHARING_WORDS = phrase_regex(_HEAD_SHARING["words"])
_MODIFIES = _CUES["concept_modifiers"]
#: the end of a hyphenated adjective built on a word the tagger named alone: "Robot|-assisted |prostatectomy"
HYPHEN_MODIFIER = re.compile(rf"-(?:{alternation(_MODIFIES['suffixes'])})\s+", re.IGNORECASE)
#: "untreated", "unresolved", "unexplained": a state of the concept after it, not a denial of it
UN_PARTICIPLE = re.compile(r"\bun(?!able\b|willing)[a-z]{3,}ed\b", re.IGNORECASE)
#: a word that makes the concept after it another concept: "insufficient", "insulin-dependent"
CONCEPT_MODIFIER = re.compile(
    rf"(?:{alternation(_MODIFIES['words'])}|[^\W\d_][\w]*-(?:{alternation(_MODIFIES['suffixes'])})|{UN_PARTICIPLE.pattern})",
    re.IGNORECASE,
)
#: a one-word list item that shares the next item's head; a qualifier ("serious or significant X") or a
#: state of its own ("pregnant or breast feeding") is none
SHARES_HEAD = re.compile(
    rf"^(?!(?:{QUALIFIERS.pattern}|{alternation(_HEAD_SHARING['stands_alone'])})$)"
    rf"(?:{HEAD_SHARING_WORDS.pattern}|{CONCEPT_MODIFIER.pattern}|\w+(?:{'|'.join(_HEAD_SHARING['suffixes'])}))$",
    re.IGNORECASE,
)
NEGATION_CUES = re.compile(rf"(?!{NAMED_LIKE_NEGATION})(?:{phrase_regex(_CUES['negation']).pattern})", re.IGNORECASE)
SUBSTANCE_USE = phrase_regex(_CUES["substance_use"]["phrases"])
#: spine levels: "C3 to C7", "L4-L5", "L1-S1" (a site, never a range of numbers)
SPINE_LEVELS = re.compile(r"\b[CTLS]\d{1,2}(?:\s*(?:-|–|to|through)\s*[CTLS]?\d{1,2})?\b")
_SITES_AFTER = _CUES["body_sites"]["sites_after"]
#: a site written right after a concept: "of the penis", "to pelvis", "at L4-L5", "from L1 to S1", "to pelvic area",
#: "at the operative site"
SITE_AFTER = re.compile(
    r"\s+(?:of|to|in|on|at|from|involving|affecting)\s+(?:the\s+)?(?:(?:left|right|upper|lower)\s+)*"
    rf"(?:(?:{alternation(_CUES['body_sites']['region_adjectives'])})\s+(?:{alternation(_CUES['body_sites']['region_nouns'])})"
    rf"|(?:{alternation(_SITES_AFTER['adjectives'])})\s+(?:{alternation(_SITES_AFTER['nouns'])})"
    rf"|(?:{alternation(_CUES['body_sites']['words'])})(?![\w-])|{SPINE_LEVELS.pattern})",
    re.IGNORECASE,
)
_NEEDS = _CUES["needs"]
#: what a disease needs, right after it: "infections| requiring hospitalization", "arrhythmia| requiring treatment"
NEED_AFTER = re.compile(rf"\s+(?:{alternation(_NEEDS['verbs'])})\s+(?:{alternation(_NEEDS['needs'])})", re.IGNORECASE)
_CONSEQUENCE = _CUES["consequence_heads"]
#: "toxicities from previous |anticancer therapy": the head and its link, right before a concept; or a
#: verb that says it did not work ("failed |conservative treatment", "non-responders to |methotrexate")
CONSEQUENCE_BEFORE = re.compile(
    rf"(?<![\w-])(?:(?:{alternation(_CONSEQUENCE['words'])})\s+(?:{alternation(_CONSEQUENCE['links'])})"
    rf"|{alternation(_CONSEQUENCE['verbs'])})\s+"
    rf"(?:(?:prior|previous|recent|current|any|the|a|an|all|his|her|their|{QUALIFIERS.pattern})\s+)*"
    rf"(?:(?:{alternation(_CONSEQUENCE['acts'])})\s+of\s+(?:(?:the|a|an|any|all)\s+)*)?$",  # "to the use of |X"
    re.IGNORECASE,
)
_LENT = _CUES["lent_modifiers"]
LENT_HEAD = phrase_regex(_LENT["heads"])
#: a modifier and its noun, then a list connective, at the end of the text before a bare head
LENT_MODIFIER = re.compile(
    rf"(?<![\w-])({alternation(_LENT['words'])})\s+[\w-]+(?:\s*,\s*[\w-]+)*\s*(?:,\s*)?(?:(?:and/or|or)\s+)?$",
    re.IGNORECASE,
)
RECENT_VALUE = re.compile(rf"(?:{alternation(_CUES['recent_value']['words'])})\s+", re.IGNORECASE)
AXIS_PHRASE = re.compile(_CUES["axis_phrase"]["pattern"], re.IGNORECASE)
_NON = re.compile(r"non[-\s]?(?=\w)", re.IGNORECASE)
#: words that put a lack down to a cause: "Inability to provide consent because of severe mental disorders"
CAUSE = re.compile(_CUES["causes"]["pattern"], re.IGNORECASE)
#: a cause right after a concept, to the end of its phrase: "ED| due to structural abnormality of the penis|"
CAUSE_AFTER = re.compile(rf"\s+(?:{_CUES['causes']['pattern']})\s+[^,;()\[\].]*[^\W\d_]", re.IGNORECASE)
#: the gap between a test written as an adjective and what it finds: "radiographic| evidence of |lung nodules"
FOUND_BY_BEFORE = re.compile(_CUES["found_by_before"]["pattern"], re.IGNORECASE)
#: a suffix that denies the concept it ends: "Chemotherapy-naïve"
NEGATION_SUFFIX = re.compile(_CUES["negation_suffix"]["pattern"], re.IGNORECASE)
#: words without which the logic model's denial of a concept is not believed (cues.json negation_hints)
NEGATION_HINTS = re.compile(_CUES["negation_hints"]["pattern"], re.IGNORECASE)
_AGENT_NON = re.compile(DENYING_NON, re.IGNORECASE)

_PREVENTING = _CUES["preventing"]
#: a word that says what follows cannot be done, and the few words up to the concept it denies
_PREVENTS = re.compile(rf"(?:{_PREVENTING['pattern']}){_PREVENTING['gap']}$", re.IGNORECASE)
PSEUDO_NEGATION = phrase_regex(_CUES["pseudo_negation"])
#: words that say the criterion excludes ("Will be excluded from study subjects with history of cancer")
EXCLUSION_WORDS = phrase_regex(_CUES["exclusion_words"]["phrases"])
#: what the negation model does not read before a concept: pseudo-negations and exclusion words
NOT_DENIAL = phrase_regex([*_CUES["pseudo_negation"], *_CUES["exclusion_words"]["phrases"]])
EXAMPLES = re.compile(rf"(?:{alternation(_CUES['groups']['examples'], escape=False)})", re.IGNORECASE)
#: a cue of examples opening what follows, spaces first: "(| e.g. CT, MRI)", "(|including TIA, ...)"
OPENS_EXAMPLES = re.compile(rf"\s*(?:{EXAMPLES.pattern})", re.IGNORECASE)
_EXAMPLES_CUE = re.compile(rf"(?<!\w)(?:{EXAMPLES.pattern})(?!\w)", re.IGNORECASE)
MODIFIER = re.compile(rf"(?:{alternation(_CUES['modifiers']['starts'])})", re.IGNORECASE)
ANCHOR = re.compile(rf"(?:{alternation(_CUES['modifiers']['anchors'])})", re.IGNORECASE)
CONTENT_WORD = re.compile(r"[^\W\d_][\w'’\-]+")
_NOT_CONTENT = (
    frozenset(_CUES["stopwords"])
    | frozenset(_CUES["boundaries"]["words"])
    | frozenset(w for ws in _CUES["connectives"].values() for w in ws)
)

_TEMPORAL = {k: phrase_regex(v) for k, v in _CUES["temporal"].items() if not k.startswith("_")}
#: A duration said after its time unit: "5 years' duration", "1 month's duration of symptoms".
DURATION_TAIL = re.compile(r"(?:['’]s?)?\s*(?:in\s+)?duration\b", re.IGNORECASE)
_GROUPS = {
    op: re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    for op, patterns in _CUES["groups"].items()
    if op in ("more_than", "at_least", "any", "all")
}
_KIND_CUES = {kind: _lowered(rf"(?<![\w])(?:{'|'.join(cues)})(?![\w])") for kind, cues in _KINDS["cues"].items()}
PRESENCE_KINDS: tuple[str, ...] = tuple(_KINDS["order"]["presence"])
COMPARISON_KINDS: tuple[str, ...] = tuple(_KINDS["order"]["comparison"])
_NUMBER_WORDS = load("operators")["number_words"]


def uses(text: str) -> list[re.Match[str]]:
    """What a named thing is used for, when that is no treatment ("isopropyl alcohol |used to disinfect
    skin"): it says which thing is meant. After a bare class word ("any drug used to facilitate
    erection") the purpose is all that names the thing, and is kept."""
    found = []
    for use in IGNORE_USE.finditer(text):
        before = _WORD_BEFORE_USE.search(text, 0, use.start())
        if before is None or before[1].lower() not in _USE_CLASSES:
            found.append(use)
    return found


def without_frequencies(text: str, tagged: list[Entity] | None) -> list[Entity] | None:
    """``tagged`` without the spans that start inside a frequency said in words ("once or more
    times/week"): no record says how often, so the words name nothing a leaf could ask, and a window
    after them ("during the last month") is not theirs to take."""
    spans = [found.span() for found in IGNORE_FREQUENCY.finditer(text)] if tagged else []
    if not spans:
        return tagged
    return [e for e in tagged if not any(start <= e.start < end for start, end in spans)]


def has_content(text: str) -> bool:
    """Whether ``text`` holds a word that is not a function word or connective."""
    return any(w.lower() not in _NOT_CONTENT for w in CONTENT_WORD.findall(text))


_STATE_DENIAL = re.compile(denied_states.pattern(), re.IGNORECASE)


def only_states_denied(text: str, start: int, end: int) -> bool:
    """Whether every negation cue in ``text[start:end]`` is part of a denied state ("Not well
    controlled diabetes", "no longer in remission"): the state is denied, not the concept."""
    blanked = _STATE_DENIAL.sub(lambda m: " " * len(m[0]), text[start:end])
    return blanked != text[start:end] and not NEGATION_CUES.search(blanked)


def qualifier(phrase: str) -> str:
    """The qualifier a cue phrase stands for: "previous" -> "history of", "not well controlled" ->
    "uncontrolled"."""
    label = _QUALIFIER_OF.get(re.sub(r"\s+", " ", phrase.lower())) or denied_states.opposite(phrase)
    if label is None:
        raise KeyError(phrase)
    return label


def unstructured_reason(text: str) -> str | None:
    """Why ``text`` needs a person, or None; reasons are tried in the lexicon's order, so
    "inability to provide informed consent" is about consent before willingness. The words before a
    cue of examples may name a thing by what it does, and then it is that thing: "factors affecting
    oral drug absorption, such as inability to swallow, chronic diarrhea" is an effect, whose
    examples are alternatives, not an ability AND-ed with the drugs it names. (An investigator's
    judgment anywhere in the text still decides it.)"""
    lowered = text.lower()
    if not _ANY_UNSTRUCTURED.search(lowered) and not any(word in lowered for word in _REQUIRED.values()):
        return None  # most text has no cue: one search instead of one a reason
    reason = next((reason for reason, pattern in _UNSTRUCTURED if pattern.search(text)), None)
    if reason in ("effect", "investigator judgment") or not (examples := _EXAMPLES_CUE.search(text)):
        return reason
    head = next((r for r, pattern in _UNSTRUCTURED if pattern.search(text, 0, examples.start())), None)
    return "effect" if head == "effect" else reason


def denies_review(text: str, reason: str) -> bool:
    """Whether ``text`` asks for the lack of what its reason names: a negation cue that starts where
    or before the reason's cue does ("unable to swallow tablets", "not willing to use contraception",
    "inability to provide informed consent"), not one inside the cue ("agree not to use") or later in
    the text ("willing to comply and not pregnant")."""
    cue = review_cue(text, reason)
    return cue is not None and any(m.start() <= cue.start() for m in NEGATION_CUES.finditer(text))


def lack_start(text: str, reason: str, start: int, end: int) -> int | None:
    """Where the words that deny a review's reason begin in ``text[start:end]`` (the first negation
    cue at or before the reason's cue, as ``denies_review`` reads it), or None. What is named before
    them is who or what lacks: "Mental condition rendering the patients |unable to understand"."""
    cue = review_cue(text, reason, start, end)
    if cue is None:
        return None
    return next((m.start() for m in NEGATION_CUES.finditer(text, start, end) if m.start() <= cue.start()), None)


def prevented(text: str, start: int, concept: int) -> bool:
    """Whether a word between ``start`` and ``concept`` says the concept cannot be done, a few words
    before it in its clause: "disability that would preclude exercise", "Medical conditions that
    prohibit physical activity"."""
    return _PREVENTS.search(text, start, concept) is not None


def review_cue(text: str, reason: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """The first cue of ``reason`` in ``text[start:end]``."""
    return _REASON_CUES[reason].search(text, start, len(text) if end is None else end)


def names_condition(text: str) -> bool:
    """Whether ``text`` holds a word that names a disease or state ("insufficiency", "-itis",
    "pregnancy"): such a phrase is never a substance one is allergic to."""
    return _KIND_CUES["condition"].search(text.lower()) is not None


def kind_of(text: str, default: str, order: tuple[str, ...] = PRESENCE_KINDS) -> str:
    """The kind a phrase's words suggest, trying kinds in ``order``, else ``default``."""
    lowered = text.lower()
    for kind in order:
        if _KIND_CUES[kind].search(lowered):
            return kind
    return default


def temporal_direction(before: str, after: str, operator_text: str = "") -> tuple[str, str]:
    """(measure, direction) of a time limit from the words around it.

    "for at least 3 months" is a duration; "within the next 2 years" a future window; anything
    else with a time unit next to a temporal cue a past window.
    """
    window_cue = r"\b(?:within|in|during|over|last|past|previous|next|prior)\b"
    if re.match(r"\s*(?:for|over\s+a\s+period\s+of)\b", operator_text, re.I):
        return "duration", "current"  # "stable weight for (the past) 3 months": it has lasted so long
    if re.search(r"\b(?:next|coming)\b", operator_text, re.I):
        return "window", "future"
    if re.search(window_cue, operator_text, re.I):
        return "window", "past"
    if DURATION_TAIL.match(after) or re.match(r"\s+(?:of\s+(?!age\b)|(?:treatment|therapy|use)\b)", after, re.I):
        return "duration", "current"  # "3 years' duration", "six weeks of (conservative) treatment"
    if _TEMPORAL["duration"].search(before[-24:]) and not re.search(window_cue, before[-24:], re.I):
        return "duration", "current"
    if _TEMPORAL["future"].search(before[-30:]) or re.match(r"\s*(?:after|following|from now)\b", after, re.I):
        return "window", "future"
    return "window", "past"


def is_temporal(before: str, after: str, operator_text: str) -> bool:
    """Whether a time limit bounds when something happened rather than a measured duration."""
    cue = (
        r"\b(?:within|in|during|over|for|since|lasting|persist\w*|history of)\s*(?:the\s+)?"
        r"(?:last|past|next|previous|preceding|prior|first|coming)?\s*$"
    )
    if re.search(r"\b(?:within|in the|during the|over the|for|over a)\b", operator_text, re.I):  # "for 3 months"
        return True
    if re.search(cue, before[-40:], re.I) or DURATION_TAIL.match(after):
        return True
    return bool(
        re.match(
            r"\s*(?:prior|before|ago|out\b(?!\s+of)|preceding|after|following|from|since|post|of\s+(?:the\s+)?(?:screening|enrol|random|baseline|start|study|first|registration|inclusion|signing|consent|day|visit|surgery|dosing|treatment))",
            after,
            re.I,
        )
    )


def group_cue(own_text: str) -> tuple[str, int, int] | None:
    """How a parent's children combine, from its own text: (op, n, cue start).

    op is ``at_least`` (with n), ``any``, ``all`` or ``definition`` (children are alternatives
    that define the parent's label).
    """
    for op in ("more_than", "at_least", "any", "all"):
        found = _GROUPS[op].search(own_text)
        if found:
            n = 1
            if op in ("more_than", "at_least"):
                word = next(g for g in found.groups() if g)
                n = int(word) if word.isdigit() else int(_NUMBER_WORDS.get(word.lower(), 1))
            if op == "more_than":  # "> 1 of the following risk factors": two at least
                return "at_least", n + 1, found.start()
            return op, n, found.start()
    found = DEFINITION.search(own_text) or EXAMPLES.search(own_text)
    if found and own_text[found.end() :].strip(" :") == "":
        return "definition", 1, found.start()
    return None


def name_prefix(text: str, pos: int) -> bool:
    """Whether the "non" at ``pos`` is part of a name ("non-melanoma skin cancer", "non-Hodgkin
    lymphoma") rather than a negation: only before an agent noun does it deny ("non-smokers"). An
    "un-" participle ("untreated brain metastases", "unresolved toxicities") is part of the name too."""
    return (bool(_NON.match(text, pos)) and not _AGENT_NON.match(text, pos)) or bool(UN_PARTICIPLE.match(text, pos))


#: a "non-" that opens the noun phrase right before a concept: "non-small cell |lung cancer",
#: "Non-alcoholic |fatty liver disease", "non muscle invasive |bladder cancer" (at most four words),
#: or is glued to its first word: "Non-|AD Dementia", or written apart from it: "non |small cell lung cancer"
#: (the concept already holds the words after it), "non Hodgkin's |lymphoma" (a possessive is one word)
_NON_BEFORE = re.compile(
    r"(?<![\w-])non(?:-|\s+|[-\s]?[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,3}\s+)$", re.IGNORECASE
)
_PHRASE_BREAKS = frozenset(w.lower() for w in [*_CUES["stopwords"], *_CUES["persons"]["words"]])


def name_non_before(text: str, floor: int, start: int) -> int | None:
    """Where a "non-" that is part of the name of the concept at ``start`` begins, if one opens its
    noun phrase: the tagger often names only "lung cancer" in "non-small cell lung cancer", and a
    concept without its "non-" is the very disease it excludes (a small cell lung cancer patient
    would match). A "non" that denies ("non-smokers", "non-pregnant") is none, nor one a function
    word or a person parts from the concept ("non-smokers with asthma")."""
    found = _NON_BEFORE.search(text, floor, start)
    if found is None or not name_prefix(text, found.start()):
        return None
    return None if _parted(text, found.start(), start) else found.start()


def _parted(text: str, cue: int, start: int) -> bool:
    """Whether a function word or a person stands between the cue word at ``cue`` and the concept at
    ``start`` ("non-smokers with asthma", "major risk for surgery"): then the cue is not the concept's."""
    words = re.findall(r"[^\W\d_][\w-]*", text[cue:start])[1:]
    return any(w.lower() in _PHRASE_BREAKS for w in words)


_SIZED = _CUES["sized_names"]
#: "major" or "minor", then at most two words, right before a concept: "Major |surgery", "major abdominal |surgery"
_SIZE_BEFORE = re.compile(
    rf"(?<![\w-])(?:{alternation(_SIZED['words'])})\s+(?:[^\W\d_][\w-]*\s+){{0,2}}$", re.IGNORECASE
)
_SIZED_HEAD = re.compile(rf".*\b(?:{alternation(_SIZED['heads'])})", re.IGNORECASE | re.DOTALL)


def sized_start(text: str, floor: int, start: int, end: int) -> int | None:
    """Where a "major" or "minor" that names the kind of the procedure at ``start:end`` begins
    ("Major surgery within 4 weeks"): the size is part of the concept, not a severity qualifier, or a
    patient with a minor operation would meet a limit on major surgery."""
    if not _SIZED_HEAD.fullmatch(text, start, end):
        return None
    found = _SIZE_BEFORE.search(text, floor, start)
    if found is None:
        return None
    return None if _parted(text, found.start(), start) else found.start()


_PERMISSIONS = {
    k: re.compile(v, re.IGNORECASE) for k, v in _CUES["permissions"].items() if isinstance(v, str) and k[0] != "_"
}
_PERMISSION_WORDS = _CUES["permissions"]["longest"]
_BULLET = re.compile(r"^[\s*•·\-–]*(?:\(?\w{1,3}[.)]\s+)?")


def permission(text: str) -> str | None:
    """ "permission" when ``text`` only allows something ("Prior neoadjuvant chemotherapy allowed"),
    "conditional permission" when it allows it on a condition ("allowed if asymptomatic"), None
    otherwise: a prohibition ("No other therapy allowed"), and a criterion that states a requirement
    beside its permission ("Radiotherapy within 21 days. Palliative radiation is allowed.")."""
    said = _BULLET.sub("", text).strip()
    if _PERMISSIONS["negated"].search(said) or _PERMISSIONS["clauses"].search(said):
        return None
    if _PERMISSIONS["conditional"].search(said):
        return "conditional permission"
    ends = _PERMISSIONS["ends"].search(said)
    asides = [ends.start(group) for group in ("examples", "aside") if ends and ends.group(group)]
    if len(said[: min(asides, default=len(said))].split()) > _PERMISSION_WORDS:
        return None  # the examples of what is allowed ("... can be used including A, B, C") state nothing else
    if ends or _PERMISSIONS["opens"].match(said):
        return "permission"
    return None
