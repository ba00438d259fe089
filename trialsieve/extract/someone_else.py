"""A state written of someone other than the patient is not the patient's.

"Men with a pregnant partner", "known pregnant partners", "nursing partners", "partners who wish to
become pregnant": the tree read "pregnant", so a pregnancy in the patient's own record met an
exclusion about his partner, and in a mixed trial a pregnant woman was excluded by words about
partners. The patient's record cannot show a partner's state, so the leaf becomes a review of the
other person (``rules.ANOTHER_PERSON``), as a heading for a donor or a partner does. A state of the
patient's family ("sibling with type 1 diabetes") is the patient's family history, which a record
can hold. The people are ``cues.json`` ``segmentation`` ``other_people`` and ``family_people``; the
state is theirs when their noun follows the concept ("pregnant |partner", "pregnancy |of partner") or
ends the list it opens ("Pregnant |or lactating partner"),
or their possessive or a clause about them leads to it ("partner's |pregnancy", "partners who wish
to become |pregnant", "partner with |HIV"), or they are the subject of its sentence ("Partner must also
be interested in having penetrative |sex": read, every patient had to have "sex" on record; "Partners
who are < 18 years of age, who are nursing, ..., who have any gynecologic problems, |sexual
dysfunction": read, every patient of an erectile dysfunction trial was excluded, and the age was his;
"The female partner uses |oral contraceptives").
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import alternation, load
from trialsieve.extract.logic import Atom
from trialsieve.extract.trees import rebuild
from trialsieve.rules import ANOTHER_PERSON, Demographic, Presence, Rule, Unstructured

FAMILY_HISTORY = "family history"
#: the kinds of concept that are a person's state: a drug ("nitric oxide donors") is nobody's
_STATES = frozenset({"condition", "observation"})

_LAYOUT = load("cues")["segmentation"]
_PEOPLE = alternation(_LAYOUT["other_people"])
_FAMILY = re.compile(rf"\b(?:{alternation(_LAYOUT['family_people'])})\b", re.IGNORECASE)
#: the other person's noun right after the concept's words, or as their last word: "pregnant |partner"
_PERSON_AFTER = re.compile(
    rf"(?:['’]s?)?\s*(?:of\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+)?)?(?:{_PEOPLE})\b", re.IGNORECASE
)
_ENDS_WITH_PERSON = re.compile(rf"\s(?:{_PEOPLE})$", re.IGNORECASE)
#: a list that goes on to a state of the other person: "Pregnant| or lactating partner|"
_LIST_TO_PERSON = re.compile(
    rf"\s*(?:,\s*)?(?:or|and|and/or|nor)\s+(?:(?!(?:with|who|whose|whom|that|of|a|an|the)\b)[\w-]+\s+){{1,2}}"
    rf"(?:{_PEOPLE})\b",
    re.IGNORECASE,
)
#: the words between two states of one list: "pregnant| or |lactating"
_LISTED = re.compile(r"\s*(?:,\s*)?(?:(?:or|and|and/or|nor)\s+)?", re.IGNORECASE)
#: a clause about the other person right before the concept: "partner with |HIV", "partner's |pregnancy",
#: "partners who wish to become |pregnant", "Sexual partner is a |pregnant"
_BEING = r"(?:is|are|may\s+be|might\s+be|(?:wish(?:es)?|plans?|intends?)\s+to\s+become|becomes?)"
_CLAUSE_BEFORE = re.compile(
    rf"\b(?:{_PEOPLE})(?:\s+with\s+(?:an?\s+)?|['’]s?\s+"
    rf"|\s+(?:(?:who|that)\s+)?{_BEING}(?:\s+or\s+(?:is|are|becomes?|may\s+become))?\s+(?:an?\s+)?)$",
    re.IGNORECASE,
)

#: a sentence whose subject is the other person, up to the concept: "Partner must also be interested in
#: having penetrative |sex", "The partner should not be |pregnant"
_SUBJECT_BEFORE = re.compile(
    rf"(?:^|[.;:]\s+)(?:(?:the|their|his|her|any)\s+)?(?:(?:sexual|female|male)\s+)?(?:{_PEOPLE})\s+"
    r"(?:must|should|shall|will|is|are|was|were|has|have|had|may|can|cannot|uses?|used|takes?|who|that|whose)\b"
    r"[^.;:]*$",
    re.IGNORECASE,
)


def marked(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with each presence about another person a review of that person."""

    led: list[tuple[int, re.Match[str]]] = []  # each state read after a clause about someone else: its end, the clause

    def theirs(leaf: Rule) -> Rule:
        if isinstance(leaf, Demographic) and leaf.span and _SUBJECT_BEFORE.search(text, 0, leaf.span[0]):
            return Unstructured(text=text[slice(*leaf.span)], reason=ANOTHER_PERSON, span=leaf.span)  # their age
        if not isinstance(leaf, Presence) or leaf.concept.span is None:
            return leaf
        if FAMILY_HISTORY in leaf.qualifiers:
            return leaf  # "First-degree relative with breast cancer": read as family history already
        start, end = leaf.concept.span
        state = leaf.concept.kind in _STATES  # "nitric oxide donors" is a drug, no one's state
        if (found := _PERSON_AFTER.match(text, end)) is not None:
            end = found.end()
        elif state and (found := _LIST_TO_PERSON.match(text, end)) is not None:
            end = found.start()  # "Pregnant or lactating partner": the partner's, both
        elif not state or (found := _ENDS_WITH_PERSON.search(leaf.concept.text)) is None:
            found = _CLAUSE_BEFORE.search(text, max(0, start - 60), start) or _SUBJECT_BEFORE.search(text, 0, start)
            if found is None and state and led and _LISTED.fullmatch(text, led[-1][0], start):
                found = led[-1][1]  # "partner is a pregnant or |lactating| female": the list goes on about them
            if found is not None:
                led.append((end, found))
        if found is None:
            return leaf
        if _FAMILY.search(found[0]):  # "sibling with type 1 diabetes": the patient's family history
            return leaf.model_copy(update={"qualifiers": [*leaf.qualifiers, FAMILY_HISTORY]})
        return Unstructured(text=text[start:end], reason=ANOTHER_PERSON, span=(start, end))

    return [Atom(a.start, a.end, rebuild(a.rule, theirs)) for a in atoms]
