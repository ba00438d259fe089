"""A definition that names only its yardstick keeps the concept it defines.

"Liver failure defined as bilirubin > 3 mg/dL": the limits after the cue decide, and the label
asks nothing of its own. But "mild TBI as defined by the American Congress of Rehabilitation
Medicine criteria" names no limit and no clinical thing after the cue, only who defines it: the
label is what is asked. Read the first way, the criterion lost TBI and became a review leaf of the
criteria's name, which no record answers.
"""

from __future__ import annotations

import re

from trialsieve.extract import context
from trialsieve.extract.grammar import find_limits
from trialsieve.extract.lexicon import load
from trialsieve.rules import Entity, Rule, leaves


def yardstick(piece: str, definition: re.Match[str], offset: int, tagged: list[Entity] | None) -> bool:
    """Whether the words after ``definition`` (a cue in ``piece``, which starts at ``offset`` of the
    criterion) only name how the label before it is judged: no limit and no tagged concept after
    the cue (with no tagger, a yardstick word: "criteria", "classification"), while the label is a
    tagged concept, its qualifiers and lead words aside. "Pedunculated polyps (as defined by Paris
    Classification type Ip)" is not: the yardstick grades what the label's untagged word names, and
    "polyps" alone would be any polyp."""
    label, rest = piece[: definition.start()], piece[definition.end() :]
    if not context.has_content(label) or find_limits(rest):
        return False
    if tagged is None:
        return _YARDSTICK.search(rest) is not None
    cue_end, label_end = offset + definition.end(), offset + definition.start()
    if any(e.start >= cue_end and e.type in _CONCEPTS for e in tagged if e.start < offset + len(piece)):
        return False
    named = [e for e in tagged if offset <= e.start and e.end <= label_end and e.type in _CONCEPTS]
    if not named:
        return False
    left = label
    for e in sorted(named, key=lambda e: -e.start):
        left = left[: e.start - offset] + " " + left[e.end - offset :]
    return not context.has_content(_LEAD_WORDS.sub(" ", context.QUALIFIERS.sub(" ", left)))


_CONCEPTS = frozenset({"condition", "drug", "procedure", "observation"})
#: words before a label that name no part of it: "Diagnosis of", "Meet criteria for", "Patients with"
_LEAD_WORDS = re.compile(
    r"\b(?:diagnos[ei]s|diagnosed|meets?|criteria|for|with|of|patients?|subjects?|participants?|have|has|had)\b|[\"'“”‘’]",
    re.IGNORECASE,
)


#: words that say a definition is someone's criteria, not a clinical thing of its own
_YARDSTICK = re.compile(
    r"\b(?:criteria|criterion|guidelines?|classification|consensus|definition|standards?|manual|DSM|ICD|ACR|EULAR)\b",
    re.IGNORECASE,
)


def split_label(text: str, atoms: list) -> tuple[list, Rule | None]:
    """The label a definition cue follows, taken out of ``atoms`` so that it stands over the
    definition's tree as a whole: all(label, definition). Left among the atoms it was read as one more
    item of the definition's list ("Bone marrow insufficiency defined as neutropenia < 0.5,
    thrombocytopenia < 30" became all(label, neutropenia, ...) rather than either cytopenia), or it
    was dropped. Only a label that opens the criterion counts; the others stay where they are. A
    short label and a colon are such a cue when limits follow ("Renal function: creatinine clearance >
    30 mL/min", "Hematology: ..."): read as a concept, "Renal function" was asked of the record beside
    the limit, which no record names."""
    cue = context.DEFINITION.search(text) if _CUE_WORD.search(text.lower()) else None
    colon = _LABEL_COLON.match(text) if cue is None else None  # "Renal function: creatinine clearance > 30"
    if cue is None and colon is None:
        return atoms, None
    cue_start, cue_end = cue.span() if cue is not None else colon.span("colon")
    label = [a for a in atoms if a.end <= cue_start and not text[a.end : cue_start].strip(" ,")]
    defining = [a for a in atoms if a.start >= cue_end]
    if not label or not defining or label[0].rule.type != "presence" or label[0] is not atoms[0]:
        return atoms, None
    role = _role(label[0].rule, defining)
    if colon is not None and role.role != "defined":
        return atoms, None  # "Antifungals: itraconazole, ketoconazole": a class and its members, as before
    return atoms[1:], role


def _role(label: Rule, defining: list) -> Rule:
    """The label with ``role: defined`` when limits define it ("Obesity as defined by BMI >= 30
    kg/m2": the BMI decides, whatever the record calls it). A label graded by its definition ("Mild
    traumatic brain injury as defined by a GCS of 13-15": a GCS of 15 alone is no brain injury), or
    defined by things rather than limits ("dysregulation ... as evidenced by self-injury"), is asked."""
    limits = any(leaf.type == "comparison" for a in defining for leaf in leaves(a.rule))
    graded = _GRADED.search(label.concept.text) or set(label.qualifiers) & _GRADES
    return label.model_copy(update={"role": "defined" if limits and not graded else None})


#: the longest word of each definition cue, cut to six letters: a text without one holds no cue. Searched
#: in lower-cased text: without IGNORECASE the regex engine skips ahead to a first letter of one
_CUE_WORD = re.compile(
    "|".join(sorted({max(p.split(), key=len)[:6].lower() for p in load("cues")["groups"]["definition"]}))
)
#: a label of up to four words and a colon opening the criterion: "Renal function:", "Hematology:"
_LABEL_COLON = re.compile(r"\s*(?:[^\W\d_][\w'’-]*\s+){0,3}[^\W\d_][\w'’-]*\s*(?P<colon>:)(?!\S)")
_GRADES = frozenset({"mild", "moderate", "severe"})
_GRADED = re.compile(r"\b(?:mild|moderate|severe|moderate-to-severe|mild-to-moderate)\b", re.IGNORECASE)


def glosses(text: str, tagged: list[Entity] | None) -> list[tuple[int, int]]:
    """The spans of definitions that restate the tagged concept right before them in words for a
    person, with no limit: "Erectile dysfunction, defined as inability to achieve or maintain an
    erection sufficient for satisfactory sexual performance" asks for erectile dysfunction; the
    erection and the sexual performance it is defined with are no leaves of their own (read as
    leaves, the inclusion was met by a patient with an erection). From the comma or bracket before the
    cue to the bracket's close or the clause's end. After a comma the definition must deny an ability
    (the clause may go on to ask more); a bracket holds the whole definition, and one phrase in words
    is a gloss, unless it hands the call to a person: "Cauda equina syndrome (defined as neural compression
    causing neurogenic bowel or bladder dysfunction)" asks for the syndrome, where the bladder
    dysfunction alone had excluded."""
    if tagged is None:
        return []
    found = []
    for cue in context.DEFINITION.finditer(text):
        lead = _GLOSS_LEAD.search(text, 0, cue.start())
        if lead is None or not any(
            e.type in _CONCEPTS and e.end <= lead.start() and not text[e.end : lead.start()].strip() for e in tagged
        ):
            continue
        if "(" in lead[0]:
            close = text.find(")", cue.end())
            end = close + 1 if close >= 0 else len(text)
        else:
            stop = _CLAUSE_STOP.search(text, cue.end())
            end = stop.start() if stop else len(text)
        rest = text[cue.end() : end]
        reason = context.unstructured_reason(rest)
        # a bracket's one phrase restates; a list in it ("(as defined by any of the following: ascites,
        # encephalopathy, ...)") names what to look for, and is read as the examples it is
        restates = reason == "ability" or ("(" in lead[0] and reason in _IN_WORDS and not _LISTED.search(rest))
        if not find_limits(rest) and restates:
            found.append((lead.start(), end))
    return found


#: what opens a gloss after its concept: a comma or a bracket, perhaps "clinically" ("ED (clinically defined as")
_GLOSS_LEAD = re.compile(r"(?:,|\()\s*(?:(?:clinically|medically)\s+)?$", re.IGNORECASE)
_CLAUSE_STOP = re.compile(r";|\.(?:\s|$)")
#: the reasons a bracketed definition in words may have and still only restate its concept
_IN_WORDS = (None, "effect")
_LISTED = re.compile(r"[,:;]")
