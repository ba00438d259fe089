"""How far a time bound written once reaches across what it follows, or what it precedes.

``lend_to_list`` gives a window written after a list to every item of it; two readings refine it:

- ``window_after_duration``: "Use of corticosteroids for 14 days within the last 3 months" bounds
  the use twice, how long it lasted and when. A leaf holds one ``temporal``, so the use becomes
  all(use for >= 14 d, use within 3 mo) rather than a second, empty leaf named "within the last 3
  months" AND-ed to it, which no record could ever meet.
- ``shares_history``: "History of myocardial infarction, stroke or unstable angina within 6
  months" reads "history of" once for the whole list, so the window after the list bounds the first
  item too. Only a list written as one runs so; "History of stroke, or myocardial infarction within
  6 months" (a comma before the connective) sets the history apart and keeps it of any age.

And a length of time written before what lasted it ("a history of more than two weeks treatment
with immuno-suppressants") bounds that, not the lead words before it: ``lasting_noun`` and
``names_nothing`` let the variable reader take the treatment, where "history" became a concept.
"""

from __future__ import annotations

import re

from trialsieve.extract import context, examples, lists, variables
from trialsieve.extract.logic import Atom, with_temporal
from trialsieve.extract.trees import rebuild
from trialsieve.rules import All, Rule, Temporal, leaves

#: what separates two alternatives of a list: a comma, "or", "and/or"
OR_GAP = re.compile(r"\s*,?\s*(?:and/or|or)\s+|\s*,\s*", re.IGNORECASE)
#: a comma before the connective: what follows is a separate item, not the rest of one list
_SET_APART = re.compile(r",\s*(?:and/or|or|and)\b", re.IGNORECASE)


def window_after_duration(before: Atom, window: Atom, temporal: Temporal) -> Atom | None:
    """``before`` bounded by ``temporal`` too, when every presence in it carries a duration and
    ``temporal`` is a window: both bounds hold of the same thing. None when it does not apply."""
    presences = [leaf for leaf in leaves(before.rule) if leaf.type == "presence"]
    if temporal.measure != "window" or not presences:
        return None
    if any(leaf.temporal is None or leaf.temporal.measure != "duration" for leaf in presences):
        return None

    def windowed(leaf: Rule) -> Rule:
        return leaf.model_copy(update={"temporal": temporal}) if leaf.type == "presence" else leaf

    dated = rebuild(before.rule, windowed)
    return Atom(before.start, window.end, All(args=[before.rule, dated]))


def shares_history(text: str, atoms: list[Atom], k: int) -> bool:
    """Whether ``atoms[k]``, a list item whose "history of" stopped a window from reaching it, opens a
    list written as one ("History of MI, stroke or unstable angina within 6 months"): it is the first
    item (no item runs into it, or an earlier list closed before it with its "or": "penile implants, or a
    history of psychiatric disorders, stroke or trauma within 6 months"), and no comma before a
    connective sets the next item apart."""
    rule = atoms[k].rule
    if rule.type == "any":  # the list's first items, joined before the window's item: "MI, stroke or"
        first, *rest = leaves(rule)
        if not all(_lendable(leaf) for leaf in rest):
            return False
        rule = first
    if rule.type != "presence" or rule.temporal is not None or "history of" not in rule.qualifiers:
        return False
    if k + 1 >= len(atoms) or _SET_APART.search(text[atoms[k].end : atoms[k + 1].start]):
        return False
    gap = text[atoms[k - 1].end : atoms[k].start] if k else ""
    return k == 0 or bool(re.search(r"[.;:]", gap) or _CLOSED_BEFORE.search(gap))


#: the end of what comes before a list's "history of" item when an earlier list closed there with its
#: connective: "penile implants, penile deformities, or |a history of psychiatric disorders, stroke or
#: spinal-cord trauma within 6 months" (the window's list starts at the history)
_CLOSED_BEFORE = re.compile(
    r"\b(?:or|and|and/or)\s+(?:(?:an?|the)\s+)?(?:(?:past|prior|previous|known|documented)\s+)?"
    r"(?:(?:history|hx)\s+of\s+)?$",
    re.IGNORECASE,
)


def lend_to_list(text: str, atoms: list[Atom]) -> list[Atom]:
    """A past window after the last item of an "or" or comma list bounds every item of it: "MI,
    unstable angina, or stroke within the past 6 months". So does a duration: "Treatment with
    methotrexate or mycophenolate mofetil for at least 3 months" asks three months of either, not
    any methotrexate at all. An item with a time bound of its own, or a history set apart ("history
    of stroke, or MI within 6 months"), keeps what it says."""
    atoms = list(atoms)
    for i, atom in enumerate(atoms):
        rule = atom.rule
        if rule.type != "presence" or rule.temporal is None:
            continue
        if (rule.temporal.measure, rule.temporal.direction) not in (("window", "past"), ("duration", "current")):
            continue
        after = text[atom.end : atoms[i + 1].start] if i + 1 < len(atoms) else ""
        if after and OR_GAP.fullmatch(after):
            continue  # not the list's last item: "stroke within 6 months, or diabetes"
        # an "and" lists what was done within a window, not what lasts, was long ago or is washed out
        past = rule.temporal.measure == "window" and rule.temporal.operator in ("<", "<=") and not rule.negated
        if _own_bracket(text, rule.temporal.span):
            continue  # "COPD, Post myocardial infarction (at least 6 months out), Cardiomyopathy"
        # "anti-tumor therapy such as chemotherapy ... within 4 weeks": the category and its examples, a
        # "history of" on the category too ("History of cardiovascular disease such as MI or stroke within")
        category = examples.category_of(text, atoms, i)
        listed = category is not None and all(_lendable(a.rule) for a in atoms[category + 1 : i])
        k = i - 1
        if listed and all(leaf.type != "presence" or leaf.temporal is None for leaf in leaves(atoms[category].rule)):
            for j in range(category, i):
                atoms[j] = Atom(atoms[j].start, atoms[j].end, with_temporal(atoms[j].rule, rule.temporal))
            k = category - 1  # the category may be one item of a list: "MI, or cardiac disease such as ..."
        while k >= 0:
            if (excepting := _exception_bracket(text, atoms, k)) is not None:
                # "ischaemia (except stable angina), or arrhythmia within": the item, not its exception
                if not _lendable(atoms[excepting].rule):
                    break
                atoms[excepting] = Atom(
                    atoms[excepting].start, atoms[excepting].end, with_temporal(atoms[excepting].rule, rule.temporal)
                )
                k = excepting - 1
                continue
            # a category with its examples in brackets is one item: "agents (including epoetin), G-CSF within"
            shut = examples.bracketed(text, atoms, k)
            first = shut[0] if shut and _item_gap(text[shut[1] : atoms[k + 1].start], past) else k
            if first == k and not _item_gap(text[atoms[k].end : atoms[k + 1].start], past):
                break
            if not all(_lendable(a.rule) for a in atoms[first : k + 1]):
                break
            for j in range(first, k + 1):
                atoms[j] = Atom(atoms[j].start, atoms[j].end, with_temporal(atoms[j].rule, rule.temporal))
            k = first - 1
        if k >= 0 and _item_gap(text[atoms[k].end : atoms[k + 1].start], past) and shares_history(text, atoms, k):
            atoms[k] = Atom(atoms[k].start, atoms[k].end, with_temporal(atoms[k].rule, rule.temporal))
    return atoms


def _own_bracket(text: str, span: tuple[int, int]) -> bool:
    """Whether a time bound sits in a bracket of its own item in the middle of a list: the list runs on
    after the bracket closes, so the bound is that item's, not the list's. At the list's end ("MI,
    stroke or TIA (within 6 months)") a bracket may bound the whole list, and is lent as written."""
    if not text[: span[0]].rstrip().endswith("("):
        return False
    close = text.find(")", span[1])
    return close >= 0 and _LIST_GOES_ON.match(text, close + 1) is not None


#: a list's next item after a bracket closes: "(at least 6 months out)|, Cardiomyopathy"
_LIST_GOES_ON = re.compile(r"\s*(?:,|;|\band/or\b|\bor\b)\s*\w", re.IGNORECASE)


def _exception_bracket(text: str, atoms: list[Atom], last: int) -> int | None:
    """The index of the item before a bracket of exceptions that ends with ``atoms[last]`` and is followed by
    the list's next item ("electrocardiographic ischaemia (except stable angina), or"), else None."""
    if last + 1 >= len(atoms) or not _CLOSED_ITEM.fullmatch(text, atoms[last].end, atoms[last + 1].start):
        return None
    opened = text.rfind("(", 0, atoms[last].start)
    first = next((j for j in range(last, -1, -1) if atoms[j].start < opened), None)
    if opened < 0 or first is None or not context.EXCEPTIONS.match(text, opened + 1 + _spaces(text, opened + 1)):
        return None
    return first


def _spaces(text: str, start: int) -> int:
    return len(text[start:]) - len(text[start:].lstrip())


#: a bracket's close, then the list going on: "), or "
_CLOSED_ITEM = re.compile(r"\s*\)\s*,?\s*(?:(?:and/or|or)\s+)?", re.IGNORECASE)


def lend_forward(text: str, atoms: list[Atom]) -> list[Atom]:
    """A past window written before the first item of a list bounds every item of it: "History of in
    last 6 months stroke, myocardial infarction, cardiac insufficiency, ..." asks a recent infarction
    too, where a 1997 infarction met the exclusion. The window must stand before its own concept and
    the items after it must be plain list items with no time bound of their own."""
    atoms = list(atoms)
    alone: list[int] = []  # leaves that are only the window's words ("Within 6 months prior to screening, ...")
    for i, atom in enumerate(atoms):
        rule = atom.rule
        if rule.type != "presence" or rule.temporal is None or rule.concept.span is None:
            continue
        if (rule.temporal.measure, rule.temporal.direction) != ("window", "past"):
            continue
        inside = rule.temporal.span[0] <= rule.concept.span[0] and rule.concept.span[1] <= rule.temporal.span[1] + 1
        only = inside or _HISTORY_ONLY.fullmatch(rule.concept.text) is not None  # "Recent history (within 6 months) of"
        if rule.temporal.span[1] > rule.concept.span[0] and not only:
            continue  # written after the concept: lend_to_list's to read
        k = i + 1
        while (
            k < len(atoms) and _undated(atoms[k].rule) and _next_item(text, atoms[k - 1], atoms[k], only and k == i + 1)
        ):
            atoms[k] = Atom(atoms[k].start, atoms[k].end, with_temporal(atoms[k].rule, rule.temporal))
            k += 1
        if only and k > i + 1:
            alone.append(i)
    return [a for i, a in enumerate(atoms) if i not in alone]


def _undated(rule: Rule) -> bool:
    """A list item with no time bound of its own: a window written before the list bounds it, "history
    of" and all ("Within the past 6 months: myocardial infarction, stroke")."""
    return all(
        leaf.type == "unstructured" or (leaf.type == "presence" and leaf.temporal is None) for leaf in leaves(rule)
    )


def _next_item(text: str, prev: Atom, cur: Atom, after_window: bool) -> bool:
    """Whether ``cur`` is the next item of the list after ``prev``, or its first after a window's words."""
    gap = text[prev.end : cur.start]
    return _LEAD_END.fullmatch(gap) is not None if after_window else _item_gap(gap)


#: what ends a window written before a list: "Within 6 months prior to screening, | stroke or MI",
#: "Recent history (within 6 months) of | myocardial infarction"
_LEAD_END = re.compile(
    r"\s*\)?\s*(?:\([^()]*\)\s*)?(?:of\s+|(?:(?:prior\s+to|before)\s+[\w\s]{1,30}?)?\s*[,:]\s*)?", re.IGNORECASE
)
#: a leaf that names only a history, its window beside it: "Recent history (within 6 months) of ...",
#: "Recent (< 6 months) stroke"
_HISTORY_ONLY = re.compile(r"recent(?:ly)?|(?:recent\s+)?(?:medical\s+)?history", re.IGNORECASE)


def _item_gap(gap: str, anded: bool = False) -> bool:
    """Whether ``gap`` only separates two items of a list, the next item's qualifiers and determiner
    aside ("MI, unstable angina", "stroke or any life-threatening arrhythmia within 6 months"), and
    the words that finish the first ("OMM from a licensed physician, "). A slash between two kinds
    of one head is a list too, the kind it leaves between two items aside ("MI, |hepatic/|renal
    impairment", "coronary|/peripheral |artery bypass grafting"): the window after the list reached
    neither the infarction nor what came before the slash."""
    gap = _COMMAS.sub(", ", _SLASHED.sub(",", lists.without_tail(gap)))
    listed = _LIST_GAP if anded else OR_GAP
    return listed.fullmatch(_DETERMINERS.sub(" ", context.QUALIFIERS.sub(" ", gap))) is not None


#: words that open a list item without changing what it is
_DETERMINERS = re.compile(r"\b(?:any|a|an|the)\b", re.IGNORECASE)
#: a slash and the one word on either side of it that the items share a head with
_SLASHED = re.compile(r"(?:[^\W\d_][\w-]*[ \t]*)?/(?:[ \t]*[^\W\d_][\w-]*[ \t]+)?")
_COMMAS = re.compile(r"(?:\s*,)+\s*")
#: before a past window an "and" lists too: "chemotherapy and radiotherapy within 28 days" are both recent
#: (a wash-out of each); before a duration it may join a state that lasts to one that does not ("normal
#: libido and stable relationship of at least 6 months")
_LIST_GAP = re.compile(r"\s*,?\s*(?:and/or|or|and)\s+|\s*,\s*", re.IGNORECASE)


def _lendable(rule: Rule) -> bool:
    """Whether a list item takes a window written after the list: presences with no window or
    history of their own (a phrase for a person passes it on)."""
    return _undated(rule) and not any(
        leaf.type == "presence" and "history of" in leaf.qualifiers for leaf in leaves(rule)
    )


#: what a length of time written before it says lasted, with or without "of": "two weeks treatment with"
_LASTING_NOUN = re.compile(
    r"\s+(?:of\s+)?(?=(?:(?:prior|previous|continuous|ongoing|stable|daily)\s+)?"
    r"(?:treatment|therapy|use|course|exposure|administration|intake)\b)",
    re.IGNORECASE,
)
#: words before a length of time that name no thing of their own: who, and "history of"
_LEAD = re.compile(
    r"\b(?:patients?|subjects?|participants?|individuals?|persons?|people|with|a|an|the|any|documented|known|history)\b",
    re.IGNORECASE,
)


def lasting_noun(text: str, pos: int) -> re.Match[str] | None:
    """The gap at ``pos`` (right after a length of time) before a noun that lasts: "treatment",
    "use", "therapy", with or without "of"."""
    return _LASTING_NOUN.match(text, pos)


def names_nothing(words: str) -> bool:
    """Whether ``words``, read before a length of time, are lead words only ("Patients with a
    history of"), so the time bounds what follows it."""
    return not context.has_content(_LEAD.sub(" ", context.QUALIFIERS.sub(" ", words)))


#: a generic head of what was taken or done, and the word that names what it was: "treatment with steroids"
_TAKEN = re.compile(
    r"(?:treatment|therapy|use|course|exposure|administration|intake)s?\s+(?:with|of|by)\s+(?:an?\s+|the\s+)?$|"
    r"(?:treatment|therapy|use|course|exposure|administration|intake)s?$",
    re.IGNORECASE,
)


def what_was_taken(text: str, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """What a generic head that lasted names ("treatment" in "2 weeks of treatment with steroids"): the
    phrase after its "with" or "of", so that the steroids carry the duration; None when the head
    names its own thing ("conservative treatment") or nothing follows."""
    if span is None or not _TAKEN.fullmatch(text[span[0] : span[1]].strip()):
        return None
    link = re.match(r"\s+(?:with|of|by)\s+(?:an?\s+|the\s+)?", text[span[1] :], re.IGNORECASE)
    if link is None:
        return None
    named = variables.right(text, span[1] + link.end())
    return (span[0], named[1]) if named else None
