"""The examples given for a category are in the category's state.

"Poorly controlled endocrine disorders, such as diabetes, thyroid dysfunction" excludes poorly
controlled diabetes: the examples say which disorders count, the state before the category says
which of them exclude. Read as any(uncontrolled endocrine disorders, diabetes, thyroid dysfunction),
the exclusion ruled out a patient whose diabetes was well controlled. The category's travelling
states (``scope.json`` ``shared_qualifiers``: uncontrolled, current, history of, ...) are lent to
each example that writes no such state of its own: "Any unstable systemic disease (e.g., active
infection, uncontrolled hypertension)" keeps what each example says. A judgment of severity is not
lent: the examples of "Any serious medical condition (e.g. severe asthma, cancer)" show what the
author counts as serious, so any cancer counts.

A grade the category opens with holds of each example: "Grade 3 or above immune-related adverse
events ..., such as immune-related myocarditis" excludes a grade 3 myocarditis, not any
(``graded``).

An example that names only a body site says where the category is: "carcinoma in situ (e.g. cervix,
bladder, breast)" lists carcinoma in situ of the cervix, of the bladder, of the breast. Read as a bare
"breast", an exception of it let through every patient with a breast cancer. Such an example takes the
category's concept (``sited``); the sites are ``cues.json`` ``body_sites``.
"""

from __future__ import annotations

import re

from trialsieve.extract import context
from trialsieve.extract.lexicon import alternation, load
from trialsieve.extract.trees import rebuild
from trialsieve.rules import Presence, Rule, leaves

_LEXICON = load("scope")["shared_qualifiers"]
_TRAVEL = frozenset(_LEXICON["qualifiers"]) - frozenset(_LEXICON["judgments"])  # examples show what is "serious"
_NAMED = frozenset(_LEXICON["named"])  # "Major psychiatric disorder (including major depression)": a name
_SITES = load("cues")["body_sites"]
#: a bare body site, as an example of a category written before it: "(e.g. cervix, bladder, breast)"
_SITE = re.compile(rf"(?:(?:of\s+)?the\s+)?((?:{alternation(_SITES['words'])}))", re.IGNORECASE)


def lend(text: str, category: Rule, example: Rule) -> Rule:
    """``example`` with the travelling states written before ``category`` (one concept) on each of its
    concepts that states nothing of its own, and the category's grade in its words."""
    example = sited(category, example)
    example = graded(category, example) if _next_to(text, category, example) else example
    states = _states(text, category)
    if not states:
        return example

    def stated(leaf: Rule) -> Rule:
        if not isinstance(leaf, Presence) or leaf.role is not None or leaf.qualifiers:
            return leaf
        if context.QUALIFIERS.search(leaf.concept.text):
            return leaf  # "major depression", "unstable angina": its name says its state
        return leaf.model_copy(update={"qualifiers": states})

    return rebuild(example, stated)


def _states(text: str, category: Rule) -> list[str]:
    """The travelling states written before the concept of a category that names one concept."""
    named = [leaf for leaf in leaves(category) if isinstance(leaf, Presence) and leaf.role is None]
    if len(named) != 1 or named[0].concept.span is None:
        return []
    cues = context.QUALIFIERS.finditer(text, named[0].span[0], named[0].concept.span[0])
    found = [context.qualifier(m[0]) for m in cues if m[0].lower() not in _NAMED]
    return list(dict.fromkeys(q for q in found if q in _TRAVEL))


def sited(category: Rule, example: Rule) -> Rule:
    """``example`` with each concept that names only a body site read as the concept of ``category``
    (one concept) at that site: "breast" of "carcinoma in situ (e.g. cervix, bladder, breast)" is
    carcinoma in situ of the breast."""
    named = [leaf for leaf in leaves(category) if isinstance(leaf, Presence)]
    if len(named) != 1:
        return example
    concept = named[0].concept

    def at_site(leaf: Rule) -> Rule:
        site = _SITE.fullmatch(leaf.concept.text.strip()) if isinstance(leaf, Presence) else None
        if site is None or _SITE.fullmatch(concept.text.strip()):
            return leaf
        text = f"{concept.text} of the {site[1]}"
        return leaf.model_copy(update={"concept": leaf.concept.model_copy(update={"text": text, "kind": concept.kind})})

    return rebuild(example, at_site)


def graded(category: Rule, example: Rule) -> Rule:
    """``example`` with the grade the concept of ``category`` opens with in the words of each of its
    concepts that writes none: "Grade 3 or above immune-related adverse events ... such as immune-related
    myocarditis" lists grade 3 or above myocarditis. Read bare, a grade 1 pneumonitis excluded; with the
    grade in its words, a record that names no grade leaves the leaf unknown."""
    named = [leaf for leaf in leaves(category) if isinstance(leaf, Presence)]
    grade = _GRADE.match(named[0].concept.text) if named else None  # "Grade 3 ... events during immunotherapy"
    if grade is None:
        return example

    def with_grade(leaf: Rule) -> Rule:
        if not isinstance(leaf, Presence) or leaf.role is not None or _GRADE_WORD.search(leaf.concept.text):
            return leaf
        text = f"{grade[0].strip()} {leaf.concept.text}"
        return leaf.model_copy(update={"concept": leaf.concept.model_copy(update={"text": text})})

    return rebuild(example, with_grade)


def _next_to(text: str, category: Rule, example: Rule) -> bool:
    """Whether no other item of a list stands between ``category`` and ``example``: in "Grade >=3
    bleeding event within 6 months, or current bleeding or factors ... (e.g., active peptic ulcer)"
    the ulcer is an example of the factors, whatever joined it to the bleeding."""
    ends = [leaf.concept.span[1] for leaf in leaves(category) if isinstance(leaf, Presence) and leaf.concept.span]
    starts = [leaf.concept.span[0] for leaf in leaves(example) if isinstance(leaf, Presence) and leaf.concept.span]
    if not ends or not starts or max(ends) > min(starts):
        return False
    return _OTHER_ITEM.search(text, max(ends), min(starts)) is None


_OTHER_ITEM = re.compile(r"\b(?:or|and/or|nor)\b|;", re.IGNORECASE)
#: a grade a concept opens with: "Grade 3 or above", "CTCAE grade ≥ 3", "grade 3-4", "Grade III or higher"
_GRADE = re.compile(
    r"(?:(?:NCI[- ]?)?CTCAE\s+(?:v?[\d.]+\s+)?)?grade\s*(?:[≥>]=?\s*)?(?:[0-5]|I{1,3}V?|IV|V)\b"
    r"(?:\s*(?:-|/|to|or|and)\s*(?:[0-5]|I{1,3}V?|IV|V|above|higher|greater|more|worse)\b)?\s+",
    re.IGNORECASE,
)
_GRADE_WORD = re.compile(r"\bgrade\b", re.IGNORECASE)


def is_sited(text: str, leaf: Rule) -> bool:
    """Whether ``leaf`` is an example that names only a site, read as its category there (``sited``)."""
    span = leaf.concept.span if isinstance(leaf, Presence) else None
    return span is not None and leaf.concept.text.endswith(f" of the {text[span[0] : span[1]].strip()}")
