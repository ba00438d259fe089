"""What a treatment was given for stays on it: "systemic therapy for advanced stage disease".

The tagger names "systemic therapy" and leaves "for advanced stage disease" untagged, so the purpose
was dropped: the exclusion "Prior systemic therapy for advanced stage disease" then caught every
patient who ever had adjuvant chemotherapy for early disease, whom the trial means to admit. Like a
body site ("radiation therapy to pelvis"), a stage or extent of disease written after a drug or a
procedure (``scope.json`` ``purposes``) is part of the concept's words: a record that names the
therapy without saying what for does not answer it. Where the tagger did name the disease
("chemotherapy for metastatic breast cancer") it keeps its own leaf, as before.

A treatment named only by what it treats is that treatment (``treated``): "Use of any treatment for
ED within 7 days" asks for a drug for ED, never for ED itself (``lexicons/treatments_for.json``).
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load, phrase_regex
from trialsieve.extract.logic import Atom
from trialsieve.extract.trees import rebuild
from trialsieve.rules import NO_CONCEPT, Presence, Rule, leaves

_PURPOSE = re.compile(load("scope")["purposes"]["pattern"], re.IGNORECASE)
#: the kinds of concept that are given for something
_GIVEN = frozenset({"drug", "procedure"})


#: "for therapy of": the words that link a drug to what it was given for
_LINK = re.compile(load("scope")["purpose_links"]["pattern"], re.IGNORECASE)


def link_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` links a drug to its purpose ("PDE5 inhibitors for therapy of ED"): a span tagged
    inside one ("therapy") names no procedure."""
    return [m.span() for m in _LINK.finditer(text)]


def purpose_end(text: str, end: int, kind: str | None, limit: int, tagged: list[tuple[int, int]]) -> int | None:
    """Where the purpose written right after a concept of ``kind`` ending at ``end`` ends, within
    ``limit``; None when there is none, or when the tagger named a concept inside it."""
    if kind not in _GIVEN or (found := _PURPOSE.match(text, end)) is None or found.end() > limit:
        return None
    if any(end <= start and stop <= found.end() for start, stop in tagged):
        return None
    return found.end()


_TREATMENTS = load("treatments_for")
if set(_TREATMENTS) != {"_doc", "heads", "links", "list_gap", "fillers"}:
    raise ValueError("lexicons/treatments_for.json: keys _doc, heads, links, list_gap, fillers")
_FILLERS = frozenset(_TREATMENTS["fillers"])
#: "treatment for", "agents to treat", "medication used for": the words right before what is treated
_TREATING = re.compile(
    rf"(?<!\bas\s)\b({phrase_regex(_TREATMENTS['heads']).pattern})\s+({_TREATMENTS['links']})\s+$", re.IGNORECASE
)
_ANY_HEAD = re.compile(rf"\b(?:{phrase_regex(_TREATMENTS['heads']).pattern})\s", re.IGNORECASE)
_LIST_GAP = re.compile(_TREATMENTS["list_gap"], re.IGNORECASE)
#: how far before a disease its treatment's words may start
_REACH = 60
#: what a treatment may be for: a disease or finding, or a procedure the tagger read in a disease's words
_TREATED = frozenset({"condition", "observation", "procedure"})


def treated(text: str, atoms: list[Atom]) -> list[Atom]:
    """``atoms`` with each disease written after a treatment's general words ("treatment for ED") made
    the leaf for its treatment, and each later item of a list after it ("medications for hypertension,
    diabetes or hyperlipidemia") as well. A tagged treatment that ends on the general word ("therapeutic
    agents to treat ED") is the start of the new leaf, and wordless review leaves right before it ("Use
    of any" drug for ...) go: they were the treatment's words."""
    if not _ANY_HEAD.search(text):
        return atoms  # most criteria name no treatment by its general word: nothing to read
    named: dict[tuple[int, int], tuple] = {}  # a disease's span -> text, kind, tagged head, where its words start
    merged: set[tuple[int, int]] = set()  # the spans of what the new concepts take in
    every = [leaf for atom in atoms for leaf in leaves(atom.rule) if _where(leaf) is not None]
    lead, kind, head, last_end = None, None, None, None
    for leaf in sorted((leaf for leaf in every if _is_disease(leaf)), key=_start):
        start, end = leaf.concept.span
        said = _TREATING.search(text, max(0, start - _REACH), start)
        if said is not None:
            head = next((o for o in every if o.type == "presence" and _where(o)[1] == said.end(1)), None)
            first = _where(head)[0] if head is not None and _where(head)[0] < said.start(1) else said.start(1)
            if head is None and (kinds := _KIND_WORDS.search(text, max(0, first - _REACH), first)):
                first = kinds.start()  # "psychological treatment for sleep problems" is no drug for them
            merged |= {_where(o) for o in every if _wordless(o, text, first)}
            if head is not None:
                merged.add(_where(head))
            lead = f"{text[first : said.end(1)]} {' '.join(said.group(2).split())}"
            kind = "drug" if said.group(1).lower().startswith(_DRUG_WORDS) else "procedure"
        elif lead is None or last_end is None or not _LIST_GAP.fullmatch(text, last_end, start):
            lead = None
        if lead is not None:
            named[leaf.concept.span] = (f"{lead} {leaf.concept.text}", kind, head, first if said else None)
        last_end = end
    if not named:
        return atoms

    def as_treatment(leaf: Rule) -> Rule | None:
        if _where(leaf) in merged:
            return None
        if leaf.type != "presence" or leaf.concept.span not in named:
            return leaf
        words, kind, head, first = named[leaf.concept.span]
        span = leaf.concept.span if first is None else (first, leaf.concept.span[1])  # a list's first item is all one
        concept = leaf.concept.model_copy(update={"text": words, "kind": kind, "span": span})
        if head is None:
            return leaf.model_copy(update={"concept": concept})
        qualifiers = list(dict.fromkeys([*head.qualifiers, *leaf.qualifiers]))  # "Concomitant use of" stays current
        update = {"qualifiers": qualifiers, "temporal": leaf.temporal or head.temporal}
        # "No prior anticancer therapy for treatment of NSCLC": the denial was on the treatment's words
        return leaf.model_copy(update={"concept": concept, "negated": head.negated or leaf.negated, **update})

    rebuilt = [(a, rebuild(a.rule, as_treatment)) for a in atoms]
    return [Atom(a.start, a.end, rule) for a, rule in rebuilt if rule is not None]


#: words before a treatment's general word that say what kind it is: "psychological", "non-pharmacological"
_KIND_WORDS = re.compile(r"(?<![\w-])(?:(?:non-?\s?)?[^\W\d_][\w-]*(?:al|ic|ive)\s+){1,3}$", re.IGNORECASE)
#: a treatment given as a drug; "treatment" and "therapy" may be a procedure too ("treatment for brain metastases")
_DRUG_WORDS = ("medic", "drug", "agent", "pharmaco", "prescription")


def _wordless(leaf: Rule, text: str, first: int) -> bool:
    """A review leaf of filler words ("Use of any") right before the treatment's words."""
    return (
        leaf.type == "unstructured"
        and leaf.reason == NO_CONCEPT
        and leaf.span[1] <= first
        and not text[leaf.span[1] : first].strip()
        and all(word in _FILLERS for word in re.findall(r"[\w-]+", leaf.text.lower()))
    )


def _where(leaf: Rule) -> tuple[int, int] | None:
    """Where a leaf's own words are: a concept's name, or a review's text."""
    return leaf.concept.span if leaf.type == "presence" else getattr(leaf, "span", None)


def _is_disease(leaf: Rule) -> bool:
    return isinstance(leaf, Presence) and leaf.concept.kind in _TREATED and leaf.concept.span is not None


def _start(leaf: Presence) -> int:
    return leaf.concept.span[0]
