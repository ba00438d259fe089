"""Assemble a criterion's leaves into a logic tree from how neighbouring leaves relate.

Leaves come in text order (limits from the grammar, concepts from the tagger). Brackets nest:
what a bracket holds is built first and joins its neighbours as one item. Between two neighbouring
items the logic model (``relations.py``) reads the relation, and the tree follows it:

- a category binds its examples first, and "either B or C" binds first: "INR > 3 for patients using
  blood thinners (such as Coumadin)" is all(INR > 3, any(blood thinners, Coumadin));
- ``except`` binds loosest: "malignancy (other than squamous or basal cell skin cancer)" is
  all(malignancy excepting both, not squamous, not basal). The base leaf carries the exceptions in
  ``excepted`` so that a verdict never counts an excepted fact; the exception leaves, marked
  ``role: exception``, say what was left out and ask nothing of their own;
- ``or`` and ``example`` make alternatives: an example of a category satisfies it, so
  "CYP3A4 inhibitors (e.g. ritonavir)" is any(CYP3A4 inhibitors, ritonavir);
- ``and`` and ``none`` join what must hold together.

Without a logic model, a connective word in the gap ("or", "and/or") decides, as before.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from trialsieve.extract import attachments, context, example_states, lists
from trialsieve.extract.lexicon import load
from trialsieve.extract.relations import LogicModel
from trialsieve.extract.trees import rebuild
from trialsieve.rules import NO_CONCEPT, All, Any, Not, Rule, Temporal, leaves


@dataclass
class Atom:
    """A rule and the stretch of the criterion text it was read from."""

    start: int
    end: int
    rule: Rule


def anchor(leaf: Rule) -> tuple[tuple[int, int], str]:
    """The words a leaf is about and their kind: what the logic model relates."""
    if leaf.type == "presence":
        return (leaf.concept.span or leaf.span), leaf.concept.kind
    if leaf.type == "comparison":
        return (leaf.variable_span or leaf.span), "observation"
    if leaf.type == "demographic":
        return (leaf.variable_span or leaf.span), "age" if leaf.attribute == "age" else "sex"
    return leaf.span, "condition"


def combine(text: str, atoms: list[Atom], section: str, model: LogicModel | None) -> tuple[Rule, float | None]:
    """The tree over ``atoms`` (in text order) and the probability of its weakest relation."""
    opens = brackets_open_at(text, [a.start for a in atoms])
    weakest: list[float] = []
    # "One of the following: Cancer (e.g. breast, lung), Stroke": the lead says the commas are "or"s
    any_lead = bool(atoms) and _ANY_LEAD.search(text, 0, anchor(_edge(atoms[0].rule, last=False))[0][0]) is not None

    def relate(prev: Atom, cur: Atom) -> str:
        a, kind_a = anchor(_edge(prev.rule, last=True))
        b, kind_b = anchor(_edge(cur.rule, last=False))
        between = (min(prev.end, b[0]), max(cur.start, min(prev.end, b[0])))  # the words between the two items
        unread = "unstructured" in (_edge(prev.rule, last=True).type, _edge(cur.rule, last=False).type)
        if any_lead and (_LISTED.fullmatch(text, prev.end, cur.start) or _LISTED.fullmatch(text, a[1], b[0])):
            return "or"
        if _announced(text, prev, cur):
            return "example"  # "any of the following coronary conditions: myocardial infarction, ...": its kinds
        cued = (between[0], max(between[1], b[0]))  # a cue may open the item's own words: "(|e.g. cisplatin|)"
        if context.EXAMPLES.search(text, *cued) and not context.EXCEPTIONS.search(text, *cued):
            return "example"  # "rhythm disturbances such as recurrent episodes of atrial fibrillation"
        if _bracketed_list_of(text, prev, cur, kind_a):
            return "example"  # "PDE5 inhibitors (Viagra, Cialis, Stendra)": a list in brackets names its kinds
        if _SEMICOLON_OR.search(text, prev.end, cur.start):
            return "or"  # "... a negative pregnancy test; or female patients must be of non-child-bearing potential"
        if (
            ";" in text[prev.end : cur.start]
            or _NEW_SUBJECT.match(text, prev.end)
            or _sentence_between(text, prev, cur)
        ):
            # items a semicolon or a new subject ("INR > 2.5, and men on blood thinners") parts are the
            # section's items: each excludes, or each is required
            return "or" if section == "exclusion" else "and"
        if context.EXCEPTIONS.search(text, *between) or _opens_with_exception(text, cur):
            return "except"  # "(unless attributable to Gilbert's disease)": the cue, not the words it attaches
        attached = attachments.attaches(text, a[1], b[0]) or attachments.binds_list(text, prev, cur)
        if attached or attachments.emphatic_and(text, *between):
            return "and"  # "otitis media with total or subtotal perforation", "thrombolysis AND thrombectomy"
        if model is None or unread or a[1] > b[0] or context.EXCEPTIONS.search(text, *between):
            # an exception cue between them is decisive ("other than to treat"); the model relates
            # concepts, so a phrase it could not read joins by its connective words
            return _connective(text, prev, cur)
        label, p = model.pair(text, a, b, (kind_a, kind_b), section)
        if label == "same" and kind_a != kind_b:  # one thing has one kind: a procedure beside a condition finds it
            label = "method" if kind_b == "procedure" else "none"
        # the gap from a concept, whose item may run over words after it: "therapy| for primary or |lesions"
        words = (a[1], b[0]) if _edge(prev.rule, last=True).type == "presence" and a[1] < b[0] else between
        joins = _joining_or(text, *words)
        if label in ("none", "and") and joins and _joining_or(text, *between) and not _AND_WORD.search(text, *between):
            return "or"  # an "or" written between them is never read as "and" (unless an "and" comes first)
        two_ways = label == "or" and _OR_WORD.search(text, *words) and not joins and not _AND_WORD.search(text, *words)
        if two_ways and not _listed_before_way(text, *words):
            return "and"  # "cancer, who have undergone open or laparoscopic prostatectomy": two ways of one operation
        if label == "or" and _AND_WORD.search(text, *between) and _limit(prev.rule) != _limit(cur.rule):
            return "and"  # alternatives are alike: "fixed dilated pupils and GCS = 3" asks both
        # an "or" between two words of the gap joins them, not the items: "stenosis of ICA or MCA and impaired CVR"
        written_and = _AND_WORD.search(text, a[1], b[0]) and not lists.joins_items(text[a[1] : b[0]])
        if label == "or" and written_and and section == "inclusion" and p < _SURE_OR:
            return "and"  # "patients with diabetes and erectile dysfunction" need both, unless the model is sure
        if label == "none" and section == "exclusion" and _listed_reasons(text, prev, cur):
            return "or"  # "Severe hepatic impairment, a known history of retinitis": either excludes
        if label == "or" and section == "inclusion" and _unwritten_or(text, prev, cur):
            return "none"  # "neutrophils >= 1.5, hemoglobin >= 10g/dL, platelets >= 100": every limit is required
        if label == "or" and written_and and _OR_WORD.search(text, a[1], b[0]):
            # the "or" the model read joins two words of the gap, not the items: "ASD with severe PAH and
            # bidirectional or right-to-left shunting" asks both, in an exclusion too
            return "and"
        weakest.append(p)
        return label

    def build(indices: list[int], level: int) -> Atom:
        items: list[Atom] = []
        i = 0
        while i < len(indices):
            key = opens[indices[i]][level] if len(opens[indices[i]]) > level else None
            j = i + 1
            if key is not None:
                while j < len(indices) and len(opens[indices[j]]) > level and opens[indices[j]][level] == key:
                    j += 1
                items.append(build(indices[i:j], level + 1))
            else:
                items.append(atoms[indices[i]])
            i = j
        labels = _listed_alike(text, items, [relate(p, c) for p, c in itertools.pairwise(items)], section)
        return _by_parts(text, items, labels) or assemble(text, _defined(text, items, labels), labels)

    root = build(list(range(len(atoms))), 0).rule
    confidence = round(min(weakest), 3) if weakest else None
    if confidence is not None and root.type in ("all", "any"):
        root = root.model_copy(update={"confidence": confidence})
    return root, confidence


def _by_parts(text: str, items: list[Atom], labels: list[str]) -> Atom | None:
    """The items parted by semicolons that the section asks each of, each part assembled first: in
    "bilirubin <= 1.5 x ULN; ALT <= 3 x ULN; creatinine <= 1.5 mg/dL or creatinine clearance >= 60 mL/min"
    the "or" joins the two kidney limits only, and the inclusion asks the bilirubin, the ALT and one of
    them. Assembled flat, the "or" bound loosest and the clearance alone met the whole criterion. None
    when no semicolon parts items with "and", or no part holds an "or" between limits alone."""
    cuts = [
        i
        for i, label in enumerate(labels)
        if label in ("and", "or")
        and ";" in text[items[i].end : items[i + 1].start]
        and not _SEMICOLON_OR.search(text, items[i].end, items[i + 1].start)
    ]
    bounds = [-1, *cuts, len(labels)]
    parts = [(items[a + 1 : b + 1], labels[a + 1 : b]) for a, b in itertools.pairwise(bounds)]
    if "and" not in [labels[i] for i in cuts] or not any("or" in part_labels for _, part_labels in parts):
        return None
    # limits only: parts that name things are often alternatives themselves ("chest pain in the presence of
    # negative stress tests; the absence of chest pain but positive stress tests; ...")
    if not all(_limit(item.rule) for part, part_labels in parts if "or" in part_labels for item in part):
        return None
    joined = [
        part[0] if len(part) == 1 else assemble(text, _defined(text, part, part_labels), part_labels)
        for part, part_labels in parts
    ]
    return assemble(text, joined, [labels[i] for i in cuts])


def _listed_alike(text: str, items: list[Atom], labels: list[str], section: str = "exclusion") -> list[str]:
    """A bare comma joins as the list around it does: in "HIV, HTLV-1/2 (Human T-lymphotropic virus),
    hepatitis B surface Ag positive, hepatitis C" or "atrial fibrillation or flutter, recurrent atrial
    paroxysmal tachycardia, conduction abnormalities" every item is an alternative, though a gloss in
    brackets or a qualifier hides the list from the words around the comma. In an exclusion a run of
    bare commas joins as the labels on both sides of the run do: "bipolar disorder or psychosis, greater
    than one lifetime episode of major depression, current depression" lists three alternatives; in an
    inclusion the items after the alternatives are often requirements of their own ("Type 2 diabetes
    or prediabetes, BMI >= 30 kg/m2, HbA1c < 10%"), so only a lone comma beside an "or" joins so."""
    bare = [
        label == "none" and bool(_LIST_COMMA_GAP.fullmatch(lists.without_tail(text[items[i].end : items[i + 1].start])))
        for i, label in enumerate(labels)  # "OMM from a licensed physician, ": the item's own words end it
    ]
    # the "and" of a cue that attaches the list ("ED due to | prostatectomy, pelvic surgery, or ...") opens it
    opens = [label == "and" and attachments.binds_list(text, items[i], items[i + 1]) for i, label in enumerate(labels)]
    joined = list(labels)
    for i in range(len(labels)):
        if not bare[i]:
            continue
        run = section == "exclusion"  # how far the commas beside it count as one run
        left = next((j for j in range(i - 1, -1, -1) if not (run and bare[j])), None)
        right = next((j for j in range(i + 1, len(labels)) if not (run and bare[j])), None)
        around = [labels[j] for j in (left, right) if j is not None and not (j == left and opens[j])]
        if "or" in around and "none" not in around and "and" not in around:
            joined[i] = "or"
    return joined


_LIST_COMMA_GAP = re.compile(  # a comma, perhaps after a bracket, and up to two qualifying words after it
    r"(?:[^,;()]*\))?\s*,\s*(?:(?!(?:and|or|but|with|without)\b)[a-z-]+\s+){0,2}", re.IGNORECASE
)


#: a lead that makes the items after it alternatives: "Patients with any of the following conditions:"
_ANY_LEAD = re.compile(r"\b(?:any|one|either)\s+of\s+the\s+following\b", re.IGNORECASE)
#: a lead announcing alternatives after a colon, with the words that name their category: "History of any of
#: the following coronary conditions within 90 days of screening:", "1 or more of the following symptom(s) of"
_ANNOUNCES = re.compile(load("cues")["announced_alternatives"]["pattern"], re.IGNORECASE)
#: a list's comma between two items, after the bracket that closes the first ("(e.g. breast, lung), "), and the
#: qualifiers the second item's leaf reads ("Gout, |Chronic| Kidney Disease")
_LISTED = re.compile(rf"\s*\)*\s*,\s*(?:or\s+)?(?:(?:{context.QUALIFIERS.pattern})\s+)*", re.IGNORECASE)


#: a bracket opening right after a concept, perhaps with an article or "i.e." before what it holds:
#: "Resting hypotension (a resting systolic blood pressure of <90 mm Hg)"
_BRACKET_OPENS = re.compile(
    r"\s*,?\s*[(\[]\s*"
    r"(?:(?:an?|the|i\.\s?e\.,?|ie\.?,?|defined\s+as|that\s+is,?)\s+)?",
    re.IGNORECASE,
)


def _defined(text: str, items: list[Atom], labels: list[str]) -> list[Atom]:
    """A concept right before limits in brackets is defined by them: in "stage 2 or 3 chronic kidney
    disease (GFR between 30-89 mL/min)" the GFR decides, so the concept leaf is marked ``defined``."""
    marked = list(items)
    for i, label in enumerate(labels):
        concept, definition = items[i].rule, items[i + 1].rule
        limits = leaves(definition)
        ends = concept.concept.span[1] if concept.type == "presence" and concept.concept.span else items[i].end
        bracketed = _BRACKET_OPENS.fullmatch(text[min(ends, items[i].end) : items[i + 1].start])
        if label == "method":  # "interstitial lung disease (chest X-ray and/or HRCT)": how it is found
            marked[i + 1] = Atom(items[i + 1].start, items[i + 1].end, _as_method(definition))
            continue
        if label in ("none", "and") and _finds(text, concept, definition):  # "no radiographic evidence of X"
            marked[i] = Atom(items[i].start, items[i].end, _as_method(concept).model_copy(update={"negated": False}))
            continue
        joined = label in ("none", "and", "same") and concept.type == "presence" and not concept.negated
        if joined and bracketed and all(leaf.type == "comparison" for leaf in limits):
            marked[i] = Atom(items[i].start, items[i].end, concept.model_copy(update={"role": "defined"}))
    return marked


def with_temporal(rule: Rule, temporal: Temporal) -> Rule:
    """``rule`` with ``temporal`` on each presence leaf that has no window of its own."""

    def dated(leaf: Rule) -> Rule:
        bare = leaf.type == "presence" and leaf.temporal is None
        return leaf.model_copy(update={"temporal": temporal}) if bare else leaf

    return rebuild(rule, dated)


_OPENING = re.compile(r"\s*\(\s*")


def _bracketed_list_of(text: str, prev: Atom, cur: Atom, kind: str) -> bool:
    """Whether ``cur`` is a bracket opening right after ``prev`` that lists two or more concepts of its
    kind ("PDE5 inhibitors (Viagra, Cialis, Levitra, Stendra)"): examples of it, which satisfy it as it
    does, never alternatives to everything before ("ED on PDE5 inhibitors" or any Viagra)."""
    if not _OPENING.fullmatch(text, prev.end, cur.start):
        return False
    listed = leaves(cur.rule)
    return len(listed) > 1 and all(leaf.type == "presence" and leaf.concept.kind == kind for leaf in listed)


def _announced(text: str, prev: Atom, cur: Atom) -> bool:
    """Whether ``prev`` names the category of the list a lead announces and ``cur``, right after the colon,
    is its first item. The items are kinds of the category, as examples are, and share its window: in
    "History of any of the following coronary conditions within 90 days of screening: myocardial
    infarction, coronary artery bypass graft surgery, ..." the category and the infarction had been
    joined as "and", and a bypass graft years ago excluded."""
    colon = text.rfind(":", prev.start, cur.start)
    if colon < 0:
        return False
    # the lead ends at the colon; the first item's own qualifiers may stand before its leaf ("delayed ejaculation")
    lead = next((m for m in _ANNOUNCES.finditer(text, 0, cur.start) if text.rfind(":", 0, m.end()) == colon), None)
    return (
        lead is not None
        and lead.start() < prev.start
        and prev.end <= colon
        and re.fullmatch(r"[\w\s-]*", text[lead.end() : cur.start]) is not None
    )


def _finds(text: str, test: Rule, finding: Rule) -> bool:
    """Whether ``test`` is a procedure written as an adjective right before what it finds ("no
    radiographic evidence of lung nodules", "electrocardiographic signs of myocardial ischemia"): it
    says how the finding is found, and a "no" before both denies the finding only."""
    if test.type != "presence" or test.concept.kind != "procedure" or test.concept.span is None:
        return False
    found, _ = anchor(_edge(finding, last=False))
    return context.FOUND_BY_BEFORE.fullmatch(text, test.concept.span[1], found[0]) is not None


def _as_method(rule: Rule) -> Rule:
    if rule.type == "presence":
        return rule.model_copy(update={"role": "method"})
    if rule.type in ("all", "any", "at_least"):
        return rule.model_copy(update={"args": [_as_method(a) for a in rule.args]})
    return rule


def assemble(text: str, items: list[Atom], labels: list[str]) -> Atom:
    """One item from neighbours and the relation between each two: except, then or, then and."""
    if "except" in labels:
        k = labels.index("except")
        j = k + 1
        of_category = False
        while j < len(labels) and _listed_in_exception(text, labels[j], items[j], items[j + 1]):
            if labels[j] == "example" and context.RESTATING.search(text, items[j].end, items[j + 1].start):
                break  # "therapy other than chemotherapy (i.e., radiation, surgery)": what the therapy is then
            if labels[j] == "example" and _of_category(text, items[k], items[j], _run(text, items, labels, j + 1)):
                of_category = True  # "sleep disorders other than insomnia (ex. OSA)": examples of what is left
                break
            j += 1  # "other than squamous or basal cell carcinoma": the alternatives are all excepted
        labels = list(labels)
        if j + 1 < len(items) and _kinds_in_bracket(text, items[j], items[j + 1]) and not of_category:
            labels[j] = "example"  # "except for adequately treated carcinomas (in situ cervical carcinoma, ...)"
            j += 1
        while j < len(labels) and not of_category and _listed_on(text, items[k + 1], items[j], items[j + 1]):
            j += 1  # "... skin carcinoma) and low-grade localized prostate cancer": the exceptions go on
        base = assemble(text, items[: k + 1], labels[:k])
        excepted = _sited_examples(text, items[k + 1 : j + 1], labels[k + 1 : j])
        node = Atom(base.start, excepted[-1].end, excepting(text, base.rule, [e.rule for e in excepted]))
        if j + 1 >= len(items):
            return node
        rest = assemble(text, items[j + 1 :], labels[j + 1 :])
        if of_category:  # examples of what is left share its window: "... within 42 days other than X (e.g. CAR-T)"
            rest = Atom(rest.start, rest.end, _windowed(base.rule, rest.rule))
        listed = bool(labels[j + 1 :]) and all(label in ("or", "example") for label in labels[j + 1 :])
        joined = Any if labels[j] in ("or", "example") or listed else All  # "X (except Y), A, or B": a list
        return Atom(node.start, rest.end, joined(args=[node.rule, rest.rule]))
    items, labels = _head_shared(text, *_slashed(text, items, labels))  # "stroke/TIA and", "lung or heart disease and"
    items, labels = attachments.bracketed_first(text, *_either(text, items, labels))  # "glioma (grade I or GBM) with"
    items, labels = _denied_lists(text, *_with_examples(text, items, labels))
    items, labels = attachments.bind(text, items, labels, assemble)  # "infection, accompanied by fever or aches"
    groups: list[list[Atom]] = [[items[0]]]
    for label, item in zip(labels, items[1:], strict=True):
        if label == "or":
            groups.append([item])
        else:
            groups[-1].append(item)
    anded = [g[0] if len(g) == 1 else Atom(g[0].start, g[-1].end, _all_of(text, g)) for g in groups]
    return anded[0] if len(anded) == 1 else _alternatives(anded, text)


def _all_of(text: str, group: list[Atom]) -> Rule:
    """all(``group``), where a denied treatment and what it was given for are denied together: "No
    radiotherapy for bone metastases within 28 days" is not(all(radiotherapy, bone metastases)). Read
    as all(not radiotherapy, bone metastases), the inclusion asked for bone metastases and failed
    every patient without them."""
    first, second = group[0].rule, group[1].rule
    if (
        first.type == "presence"
        and first.negated
        and first.role is None
        and first.concept.kind in ("drug", "procedure")
        and (aim := _edge(second, last=False)).type == "presence"
        and aim.concept.kind in ("condition", "observation")  # what it treats, not "for the duration of DBT"
        and _PURPOSE_LINK.match(text, anchor(first)[0][1], anchor(aim)[0][0])
    ):
        denied = Not(args=[All(args=[_affirmed(first), second])])
        return All(args=[denied, *(a.rule for a in group[2:])]) if len(group) > 2 else denied
    return All(args=[a.rule for a in group])


#: the words between a treatment and what it was given for
_PURPOSE_LINK = re.compile(r"\s*(?:for|to\s+treat|against)(?:\s+[^\W\d_][\w-]*){0,3}\s*$", re.IGNORECASE)


def _either(text: str, items: list[Atom], labels: list[str]) -> tuple[list[Atom], list[str]]:
    """ "either B or C" is one item before anything joins it: "DM ... and which requires either insulin
    or anti-hyperglycemic drug therapy" is all(DM, any(insulin, drug therapy))."""
    kept, kept_labels = [items[0]], []
    i = 0
    while i < len(labels):
        if i + 1 < len(labels) and labels[i + 1] == "or" and _EITHER.search(text, kept[-1].end, items[i + 1].end):
            j = i + 1
            while j < len(labels) and labels[j] == "or":
                j += 1
            chain = items[i + 1 : j + 1]
            kept.append(Atom(chain[0].start, chain[-1].end, Any(args=[a.rule for a in chain])))
            kept_labels.append(labels[i])
            i = j
            continue
        kept.append(items[i + 1])
        kept_labels.append(labels[i])
        i += 1
    return kept, kept_labels


_EITHER = re.compile(r"\beither\b", re.IGNORECASE)


def _slashed(text: str, items: list[Atom], labels: list[str]) -> tuple[list[Atom], list[str]]:
    """Alternatives written with a bare slash ("stroke/TIA") are one item before anything joins them:
    "Patients with recent stroke/TIA and severe stenosis" is all(any(stroke, TIA), stenosis), never a
    TIA with stenosis or any stroke alone. A denial before the first reaches the others ("No limb
    ischemia/limb thrombotic events")."""
    slashed = [
        label == "or" and _SLASH.fullmatch(text, a.end, b.start) is not None
        for label, a, b in zip(labels, items[:-1], items[1:], strict=True)
    ]
    return _bound(text, items, labels, slashed)


def _head_shared(text: str, items: list[Atom], labels: list[str]) -> tuple[list[Atom], list[str]]:
    """Alternatives that share one head noun are one item before anything joins them: "lung or heart
    disease and diabetes" is all(any(lung disease, heart disease), diabetes). Read by precedence
    alone ("or" looser than "and"), any lung disease met it without the diabetes; "adequate
    abdominal or other subcutaneous adipose tissue accessible for lipoaspiration" let any abdominal
    tissue stand for the whole criterion."""
    if all(label == "or" for label in labels):  # alternatives all: nothing binds tighter
        return items, labels
    shared = [
        label == "or" and _lends_head(text, a.rule, b.rule)
        for label, a, b in zip(labels, items[:-1], items[1:], strict=True)
    ]
    return _bound(text, items, labels, shared)


def _lends_head(text: str, prev: Rule, cur: Rule) -> bool:
    """Whether ``prev``'s last concept and ``cur``'s first are variants of one thing: the first
    borrows its head noun from the second ("lung" in "lung or heart disease" is lung disease: its
    name ends in words its own span does not hold, and the second's name ends in them too), or the
    second names the first's stem with another variant ("hepatitis B or C infection")."""
    a, b = _edge(prev, last=True), _edge(cur, last=False)
    if a.type != "presence" or b.type != "presence" or a.concept.span is None:
        return False
    name, other = a.concept.text.lower().split(), b.concept.text.lower().split()
    if len(name) > 1 and _VARIANT.fullmatch(name[-1]) and other[: len(name) - 1] == name[:-1] != other:
        return True
    own = text[slice(*a.concept.span)].lower().split()
    borrowed = name[len(name) - next((k for k, w in enumerate(reversed(name)) if w in own), len(name)) :]
    return bool(borrowed) and other[-len(borrowed) :] == borrowed


_VARIANT = re.compile(r"[a-z]|\d{1,2}")  # of a disease or a virus: hepatitis "B", HIV "1"


def _bound(text: str, items: list[Atom], labels: list[str], joined: list[bool]) -> tuple[list[Atom], list[str]]:
    """``items`` with each run of neighbours ``joined`` says belong together made one ``any`` first."""
    if all(joined):  # the whole run is one: nothing else to bind it against
        return items, labels
    kept, kept_labels = [items[0]], []
    i = 0
    while i < len(labels):
        j = i
        while j < len(labels) and joined[j]:
            j += 1
        if j > i:  # a run inside a longer list of items
            kept[-1] = _alternatives([kept[-1], *items[i + 1 : j + 1]], text)
            i = j
            continue
        kept.append(items[i + 1])
        kept_labels.append(labels[i])
        i += 1
    return kept, kept_labels


_SLASH = re.compile(r"\s*/\s*")


def _with_examples(text: str, items: list[Atom], labels: list[str]) -> tuple[list[Atom], list[str]]:
    """Each category joined with its examples first, as one item: "INR > 3 for patients using blood
    thinners (such as Coumadin)" is all(INR > 3, any(blood thinners, Coumadin)). The examples share
    the category's time bound ("six weeks of conservative treatment (e.g. physical therapy)") and
    its state (``example_states``)."""
    kept, kept_labels = [items[0]], []
    i = 0
    while i < len(labels):
        if labels[i] != "example":
            kept.append(items[i + 1])
            kept_labels.append(labels[i])
            i += 1
            continue
        run = [kept.pop()]  # the category: with the concepts its phrase runs on from ("causes of ... dysfunction")
        own = _kinds(items[i + 1].rule)  # "ED on PDE5 inhibitors (Viagra, ...)": drugs are of the drug class
        while kept and kept_labels[-1] == "none" and _named(kept[-1].rule) and _named(run[0].rule):
            if _kinds(run[0].rule) <= own and not _kinds(kept[-1].rule) & own:
                break
            run.insert(0, kept.pop())
            kept_labels.pop()
        chain = [run[0] if len(run) == 1 else Atom(run[0].start, run[-1].end, All(args=[a.rule for a in run]))]
        j = i
        while j < len(labels) and (
            labels[j] == "example" or _listed(text, labels[j], items[j], items[j + 1], items[i + 1].start)
        ):
            item = items[j + 1]
            rule = example_states.lend(text, chain[0].rule, item.rule)  # "Poorly controlled ..., such as diabetes"
            chain.append(Atom(item.start, item.end, _windowed(chain[0].rule, rule)))
            j += 1
        kept.append(_alternatives(chain))
        i = j
    return kept, kept_labels


def _windowed(category: Rule, example: Rule) -> Rule:
    """``example`` with the time bound of its ``category`` ("six weeks of conservative treatment (e.g.
    physical therapy)"): an example taken years ago is no example of a recent one. A category in the
    past ("Previous penile surgery ..., such as penile plication") makes its examples past too: read as
    now, a plication done years ago was not one. Only examples of the category's kind are: a finding
    after a past test is no past test."""
    window = next((leaf.temporal for leaf in leaves(category) if getattr(leaf, "temporal", None)), None)
    past_kinds = {
        leaf.concept.kind for leaf in leaves(category) if leaf.type == "presence" and _HISTORY in leaf.qualifiers
    }
    if window is None and past_kinds:

        def past(leaf: Rule) -> Rule:
            if leaf.type != "presence" or leaf.temporal is not None or set(leaf.qualifiers) & _TIMED:
                return leaf  # "current depression", "currently on SSRIs": its own time stands
            if leaf.concept.kind not in past_kinds:
                return leaf  # "Endorses items ... on the C-SSRS (Past-Month); i.e., suicidal intention": no kind of it
            return leaf.model_copy(update={"qualifiers": [*leaf.qualifiers, _HISTORY]})

        return rebuild(example, past)
    return with_temporal(example, window) if window else example


_HISTORY = "history of"
#: qualifiers that say when of their own
_TIMED = frozenset({_HISTORY, "current", "recent", "planned"})


def _denied_lists(text: str, items: list[Atom], labels: list[str]) -> tuple[list[Atom], list[str]]:
    """A list after a negation cue is denied whole before anything joins it: "Platelets >= 100,000/mm3
    without the aid of growth factors (e.g. G-CSF) or transfusions" is all(platelets, not(any(growth
    factors, G-CSF, transfusions))); joined by "and" first, the transfusions became an alternative to
    the platelet count. The list runs on over "or" and commas until a bracket or clause closes."""
    kept, kept_labels = [items[0]], []
    i = 0
    while i < len(labels):
        head = kept[-1]
        opens = not kept_labels or kept_labels[-1] != "or"  # "diabetes or no hypertension": an item of its own
        if opens and _denied_next(text, labels[i], head, items[i + 1]) and _denies_list(text, head.rule):
            j = i
            while j < len(labels) and _denied_next(text, labels[j], items[j], items[j + 1]):
                j += 1
            # joined to what comes before it ("Platelets ... without"), or closed by a bracket or colon
            # ("(no blood transfusion or G-CSF within 14 days): ANC ..."); a first item's list that runs
            # on is denied whole already ("No brain metastases or spinal metastases requiring surgery")
            closed = j < len(labels) and _CLOSED.search(text, items[j].end, items[j + 1].start)
            if j > i and (kept_labels or closed):
                kept[-1] = _alternatives([head, *items[i + 1 : j + 1]], text)
                i = j
                continue
        kept.append(items[i + 1])
        kept_labels.append(labels[i])
        i += 1
    return kept, kept_labels


def _denied_next(text: str, label: str, prev: Atom, cur: Atom) -> bool:
    """Whether ``cur`` goes on the denied list ``prev`` is in: an alternative after a list's comma or
    "or" ("growth factors (e.g. G-CSF) or transfusions"), or the category "and other" names ("no
    correction by G-CSF and other hematopoietic stimuli"). A limit ("if no liver metastases or <= 5 x
    ULN ...") or an item with a denial of its own ("not using contraception or not agreeing to ...")
    starts a clause of its own."""
    if not _named(cur.rule) or any(leaf.negated for leaf in leaves(cur.rule)):
        return False
    first = leaves(cur.rule)[0]
    if first.concept.span and _LIMIT_WORDS.search(text, cur.start, first.concept.span[0]):
        return False  # "or ≤5xULN in the presence of liver metastases": a limit opens the item
    if _PREDICATE_AGAIN.search(text, prev.end, _first_concept(cur)):
        return False  # "not on beta-blocker or |on| a stable dose of beta-blocker": a state of its own
    if label == "or":
        return _LIST_GAP.fullmatch(text, prev.end, cur.start) is not None
    return _OTHER_GAP.fullmatch(text, prev.end, cur.start) is not None


#: a connective, then the verb or preposition of a new state: "not on beta-blocker| or on |a stable dose"
_PREDICATE_AGAIN = re.compile(
    r"(?:,|\b(?:or|and/or))\s+(?:on|taking|receiving|using|has|have|had|is|are|was|were|being)\b", re.IGNORECASE
)
#: what stands between two items of a denied list: "growth factors| or |transfusions", "A|, |B"
_LIST_GAP = re.compile(r"\)?\s*(?:,\s*)?(?:(?:and/or|or)\s+)?", re.IGNORECASE)
_LIMIT_WORDS = re.compile(r"[0-9<>≤≥]")
_CLOSED = re.compile(r"[);:]")
_OTHER_GAP = re.compile(r"\)?\s*,?\s*(?:and|or|and/or)\s+(?:any\s+)?other\s+", re.IGNORECASE)


def _denies_list(text: str, rule: Rule) -> bool:
    """Whether ``rule`` is a concept a cue word denies ("without growth factors"; not "Non-ambulatory"),
    or such a concept with its examples."""
    if rule.type == "not" and rule.args[0].type == "any":  # "without growth factors (e.g. G-CSF)", denied above
        rule = rule.args[0].args[0]
    elif rule.type != "presence" or not rule.negated:
        return False
    return (
        rule.type == "presence"
        and rule.role is None
        and rule.concept.span is not None
        and not _prefix_denied(text, rule)
        and _worded(text, rule)
    )


def _worded(text: str, leaf: Rule) -> bool:
    """Whether a cue word written right before the concept denies it ("without the aid of", "no"), not
    a reading the model made with no word to show for it."""
    start = leaf.concept.span[0]
    cues = list(context.NEGATION_CUES.finditer(text, max(leaf.span[0], start - 40), start))
    return bool(cues) and not _CLAUSE_MARK.search(text, cues[-1].end(), start)  # not "not validated: patients with"


_CLAUSE_MARK = re.compile(r"[:;,()]")


def _kinds(rule: Rule) -> set[str]:
    """The kinds of the concepts ``rule`` names: an example is of a category of its own kind."""
    return {leaf.concept.kind for leaf in leaves(rule) if leaf.type == "presence"}


def _listed(text: str, label: str, prev: Atom, cur: Atom, since: int) -> bool:
    """Whether ``cur`` goes on the list ``prev`` is in: "such as diabetes, narcolepsy, and asthma"
    are all examples, whatever joins them, until a bracket or clause closes. A bracket opened after
    the first example, at ``since``, is an example's own ("such as cerebrovascular accidents
    (including TIA, ...), deep vein thrombosis and pulmonary embolism"), when it opens with a cue of
    examples: the list goes on after it; the bracket the examples are written in ("androgens (e.g.
    testosterone), trazodone") and a bracket of other names ("Risperidone (Risperdal)") end it."""
    closed = [p for p in open_brackets(text, prev.end) if p not in open_brackets(text, cur.start)]
    own = [p for p in closed if p >= since and context.OPENS_EXAMPLES.match(text, p + 1)]
    gap = text[prev.end : cur.start]
    if ";" in gap or gap.count(")") > len(own):
        return False
    if label == "or" or _LIST_LAST.fullmatch(text, prev.end, cur.start):
        return True
    return bool(_LIST_COMMA.fullmatch(text, prev.end, cur.start)) and _list_word(text, cur.end) is not None


_LIST_LAST = re.compile(r"\s*,?\s*(?:and/or|or|and)\s+", re.IGNORECASE)


def _limit(rule: Rule) -> bool:
    """Whether ``rule`` bounds a value (a comparison or an age), not a concept's presence."""
    return any(leaf.type in ("comparison", "demographic") for leaf in leaves(rule))


def _named(rule: Rule) -> bool:
    """Whether every leaf of ``rule`` names a concept (no limit, no age): a phrase an example can be of."""
    return all(leaf.type == "presence" for leaf in leaves(rule))


def _alternatives(items: list[Atom], text: str | None = None) -> Atom:
    """any(items); a negation before the first denies them all: "No prior bevacizumab or other VEGF
    inhibitors" is not(any(bevacizumab, VEGF inhibitors)). In a list (``text`` given) a "non" denies
    its own word only: "Non-ambulatory or have severely impaired mobility" is any(not ambulatory,
    impaired mobility); a category's examples share its denial: "Non-smoker (including the use of
    vaporisers)" denies the vaporisers too. A first item the tagger named no concept in denies the rest
    as well when a cue word denies it: "Subject without a major hearing or visual impairment" asks
    for neither."""
    first = items[0].rule
    own_word = text is not None and _prefix_denied(text, first)
    denying = first.type == "presence" and first.role is None and not own_word
    worded = first.type == "unstructured" and first.reason == NO_CONCEPT and context.NEGATION_CUES.search(first.text)
    if (denying or worded) and first.negated:  # a review denies by a cue word, not "Treatment-naïve"
        cut, caused = _denial_end(items, text)  # "No smokers or smokers of < 10 a day": the denial ends there
        if cut < len(items):
            denied = first if cut == 1 else Not(args=[Any(args=[_affirmed(a.rule) for a in items[:cut]])])
            rest = [a.rule for a in items[cut:]]
            if caused:  # the lack and what it is put down to, one of the causes: all(lack, any(causes))
                return Atom(
                    items[0].start, items[-1].end, All(args=[denied, rest[0] if len(rest) == 1 else Any(args=rest)])
                )
            return Atom(items[0].start, items[-1].end, Any(args=[denied, *rest]))
        return Atom(items[0].start, items[-1].end, Not(args=[Any(args=[_affirmed(a.rule) for a in items])]))
    if first.type == "not" and first.args[0].type == "any":  # "No blood thinners (e.g. warfarin) or antiplatelets"
        denied = [*first.args[0].args, *(_affirmed(a.rule) for a in items[1:])]
        return Atom(items[0].start, items[-1].end, Not(args=[Any(args=denied)]))
    return Atom(items[0].start, items[-1].end, Any(args=[a.rule for a in items]))


def _denial_end(items: list[Atom], text: str | None) -> tuple[int, bool]:
    """The first later item a denial of the first item does not reach (len(items) when it reaches
    them all), and whether a cause cue ends it:

    - one that names the denied concept again under a limit or beside another concept: it is an
      alternative to the denial. "No smokers or smokers of less than 10 cigarettes a day" and "No
      vasoactive drugs, or vital signs are stable with using vasoactive drugs" accept a light smoker
      and a patient stable on the drugs; denying both would only deny the first again (no smoker is a
      smoker of < 10 a day). A bare concept again is one more denied kind of it;
    - one that says its own state again ("Not on beta-blockers, or on a stable dose of
      beta-blockers"): the stable dose is the alternative to taking none;
    - one after a cause cue: what the lack is put down to is there beside it, one of the causes after
      the cue ("did not successfully intubate the cecum due to technical difficulties or poor bowel
      preparation": the preparation was poor; "not considered candidates for surgical or percutaneous
      revascularization, due to poor target vessels, ... or a morbidity which precludes ...").
    """
    denied = _concept_names(items[0].rule)
    for k in range(1, len(items)):
        if items[k].rule.type != "presence" and denied & _concept_names(items[k].rule):
            return k, False
        if text is not None and _PREDICATE_AGAIN.search(text, items[k - 1].end, _first_concept(items[k])):
            return k, False  # "not on metformin or |on| a stable dose of insulin": a state of its own
        if text is not None and context.CAUSE.search(text, items[0].end, items[k].start):
            return k, True
    return len(items), False


def _first_concept(item: Atom) -> int:
    """Where the first concept of ``item`` is named (its start when it names none)."""
    first = leaves(item.rule)[0]
    span = first.concept.span if first.type == "presence" else None
    return span[0] if span else item.start


def _concept_names(rule: Rule) -> set[str]:
    """The concepts ``rule`` names, each as lower-case words without a plural "s": a presence's
    concept, a comparison's variable."""
    names = set()
    for leaf in leaves(rule):
        if leaf.type == "presence":
            words = leaf.concept.text
        elif leaf.type == "comparison" and leaf.variable:
            words = leaf.variable
        else:
            continue
        names.add(" ".join(_stem(w) for w in words.split()))
    return names


def _prefix_denied(text: str, leaf: Rule) -> bool:
    """Whether a negated presence leaf is denied by a "non" joined to its word ("Non-ambulatory")."""
    if leaf.type != "presence" or leaf.concept.span is None:
        return False
    return _NON_PREFIX.fullmatch(text, leaf.span[0], leaf.concept.span[0]) is not None


_NON_PREFIX = re.compile(r"\W*non[-\s]?", re.IGNORECASE)


def _affirmed(rule: Rule) -> Rule:
    """The rule with its negated presence leaves made positive (the negation moves above the list),
    those inside a joined item too: in "No neurological or severe psychiatric (e.g., ...) disorders"
    the "No" the leaf "disorders" was read with is the one above the list now, not a second one."""
    if rule.type == "presence":
        return rule.model_copy(update={"negated": False}) if rule.role is None else rule
    if rule.type == "unstructured" and rule.reason == NO_CONCEPT:  # "Subject without a major hearing"
        return rule.model_copy(update={"negated": False})
    if rule.type in ("all", "any", "at_least"):
        return rule.model_copy(update={"args": [_affirmed(a) for a in rule.args]})
    return rule


#: how sure the model must be to read an "and" written in an inclusion as alternatives
_SURE_OR = 0.75
_OR_WORD = re.compile(r"\b(?:or|and/or)\b", re.IGNORECASE)
#: an "or" that joins no items: "with or without", "whether or not"
_IDIOM_OR = re.compile(r"\bwith\s+(?:or|and/or)\s+without\b|\bor\s+not\b", re.IGNORECASE)


def _joining_or(text: str, start: int, end: int) -> bool:
    """Whether an "or" in the gap ``text[start:end]`` between two items joins them. One in an idiom
    ("pain, with or without back pain") joins none; one right before the second item after a modifier
    of it, with words of its phrase before it ("prostate cancer, who have undergone open or
    laparoscopic prostatectomy", "radiotherapy for primary or metastatic lesions"), joins the two
    ways of that item, not the items. Where a list's comma or bracket comes right before the
    modifier, the list goes on: "hypertension, coronary or peripheral artery disease", "valvular
    heart disease [specifically, surgical or percutaneous intervention ...]"."""
    idioms = [m.span() for m in _IDIOM_OR.finditer(text, start, end)]
    for m in _OR_WORD.finditer(text, start, end):
        if any(s <= m.start() < e for s, e in idioms):
            continue
        modifier = _MODIFIER_BEFORE.search(text, start, m.start())
        if (
            modifier is None
            or text[m.end() : end].strip()
            or not _WAY_OF.fullmatch(modifier[1])
            or not re.search(r"[^\W\d_]", _LIST_MARK.split(text[start : modifier.start()])[-1])
        ):
            return True
    return False


_MODIFIER_BEFORE = re.compile(r"\b([\w-]+)\s+$")
#: where a list's item begins: its comma, a bracket or a connective ("[specifically, |surgical or")
_LIST_MARK = re.compile(r"[,;()\[\]]|\b(?:and|or|and/or)\b", re.IGNORECASE)
#: a word for one way or kind of the item after it: an adjective, listed or by its ending ("open",
#: "laparoscopic", "primary"); not a noun ("of the prostate or suspicious nodules", "within the last
#: year or oral contraceptives")
_WAY_OF = re.compile(
    rf"{context.CONCEPT_MODIFIER.pattern}|open|robotic|anterior|posterior|\w+(?:ic|al|ous|ive|ary)", re.IGNORECASE
)
#: a comma and a connective right after an item, then who a new clause is about (with no comma, a
#: relative pronoun after them: "... of contraception and females who are pregnant")
_NEW_SUBJECT = re.compile(
    r"\s*(?:,\s*(?:and|or|and/or)\s+(?:(?:all|any)\s+)?(?:men|women|males|females|patients|subjects|participants"
    r"|individuals|persons|people|those|children|adults)\b|(?:and|or|and/or)\s+(?:(?:all|any)\s+)?(?:men|women|males"
    r"|females|patients|subjects|participants|individuals|persons|people|those|children|adults)\s+(?:who|whose|that))",
    re.IGNORECASE,
)
_AND_WORD = re.compile(r"\band\b(?!/)", re.IGNORECASE)
#: a comma between two items of a list, after the bracket that closes the first, then an article and the
#: second item's qualifiers ("Severe hepatic impairment|, a known history of |retinitis")
_REASONS_GAP = re.compile(rf"\s*\)?\s*,\s*(?:(?:a|an|any)\s+)?(?:(?:{context.QUALIFIERS.pattern})\s+)*", re.IGNORECASE)
#: a word that makes a clause of an item: a verb of being, having or needing, a modal, a relative pronoun, "if"
_CLAUSE_WORD = re.compile(
    r"\b(?:who|whom|whose|which|that|if|when|is|are|was|were|be|been|has|have|had|needs?|must|should|shall|will"
    r"|would|can|could|may|might)\b",
    re.IGNORECASE,
)
#: a word for a sex: limits written for each sex ("female > 470 ms, male > 450 ms") are the sex pass's
_SEX_WORD = re.compile(r"\b(?:fe)?males?\b|\b(?:wo)?m[ae]n\b", re.IGNORECASE)
#: a lead that makes the items after it alternatives, wherever it stands: "(at least one of the following ...)"
_ALTERNATIVES_LEAD = re.compile(r"\b(?:(?:any|one|either)\s+of|at\s+least\s+\w+\s+of)\b", re.IGNORECASE)
#: a full stop that ends a sentence before the next item ("... on Visit one. Heart rate > 99"), not one
#: of an abbreviation ("e.g. HIV", "vs. placebo", "Dr. Smith") nor of an inline number ("< age 65 iii. Subjects")
_SENTENCE_BREAK = re.compile(
    r"(?<![\W\d_][\W\d_])(?<!\b[A-Za-z])(?<!\b(?:vs|no|Dr|St|Nr|ii|iv|vi))(?<!\b(?:iii|vii|xii))\.\s+(?=[A-Z])"
)
#: a word that makes a sentence say something rather than name things: a verb of being, having or
#: needing, a modal, a relative pronoun, or a word that allows, excludes or requires
_STATING = re.compile(
    rf"{_CLAUSE_WORD.pattern}|\b(?:allowed|permitted|permissible|acceptable|eligible|excluded|included"
    r"|considered|required|requires?|necessary|needed|mandatory|recommended|see|note)\b",
    re.IGNORECASE,
)
#: a semicolon and an "or" after it: what follows is the alternative to all that came before, in either section
_SEMICOLON_OR = re.compile(r";\s*(?:or|and/or)\b", re.IGNORECASE)


def _listed_before_way(text: str, start: int, end: int) -> bool:
    """Whether the gap before an "or" that joins two ways of the next item opens with a list's comma
    and no clause: "pacemaker users, history of psychiatric or psychological illness" lists the
    illness beside the pacemaker (read as "and", only a patient with both was excluded); in "prostate
    cancer, who have undergone open or laparoscopic prostatectomy" a clause asks both."""
    way = _OR_WORD.search(text, start, end)
    before = text[start : way.start()] if way else ""
    return "," in before and not _CLAUSE_WORD.search(before)


def _unwritten_or(text: str, prev: Atom, cur: Atom) -> bool:
    """Whether ``prev`` and ``cur`` are limits of a list that no "or" joins: a bare comma between them
    and the list going on after ``cur`` ends in "and" or in nothing. An inclusion's list of lab limits
    ("neutrophil count >= 1.5, hemoglobin >= 10g/dL, platelet count >= 100") asks every limit; read as
    alternatives (the model's "or" across a bare comma), a patient with one normal value passed them all.
    Limits only: a comma between two named things may still list kinds ("Stage IIIB, IV")."""
    if not (_limit(prev.rule) or _limit(cur.rule)) or not _plain_items(text, prev, cur):
        return False
    if _ALTERNATIVES_LEAD.search(text, 0, cur.start):  # "(at least one of the following ...: FBG ..., HbA1c ...)"
        return False
    if not _LIST_COMMA_GAP.fullmatch(lists.without_tail(text[prev.end : cur.start])):
        return False
    return _list_word(text, cur.end) not in ("or", "and/or")


def _listed_reasons(text: str, prev: Atom, cur: Atom) -> bool:
    """Whether ``prev`` and ``cur`` are items of an exclusion's list that no connective joins: a bare
    comma between them (perhaps "a", "any" and the next item's qualifiers: ", a known history of") and
    the clause ending after ``cur`` with no "and" or "or". Each item of such a list is a reason of its
    own to exclude; AND-ed, "Severe hepatic impairment, a known history of retinitis" excluded only the
    patients who had both. A comma before a clause ("..., the drug must not be ...") is not such a gap."""
    if not _REASONS_GAP.fullmatch(text, prev.end, cur.start) or not _plain_items(text, prev, cur):
        return False
    clause = max(text.rfind(";", 0, prev.start), text.rfind(". ", 0, prev.start), 0)
    if context.EXCEPTIONS.search(text, clause, prev.start):  # "cancer other than prostate cancer, severe ..."
        return False  # the comma may close the exception or go on with it: the model decides
    return _list_word(text, cur.end) is None


def _plain_items(text: str, prev: Atom, cur: Atom) -> bool:
    """Whether ``prev`` and ``cur`` are plain items a list may hold: no age or sex (limits each for one
    sex, "female > 470 ms, male > 450 ms", or the sex a finding is asked of, "Female, who have no sexual
    intercourse"), and no clause of their own ("If an acute myocardial infarction has ensued in the past
    6 months, successful reperfusion has to be documented": the comma parts a condition from what it asks)."""
    edges = (_edge(prev.rule, last=True), _edge(cur.rule, last=False))
    if any(edge.type == "demographic" for edge in edges):
        return False
    if _SEX_WORD.search(text, prev.start, prev.end) and _SEX_WORD.search(text, cur.start, cur.end):
        return False  # two limits each for one sex are joined by the sex pass
    # a limit's own words may hold a modal ("BMI should be between 18 and 30"); a phrase's make it a clause
    return not any(_CLAUSE_WORD.search(text, a.start, a.end) for a in (prev, cur) if not _limit(a.rule))


def _opens_with_exception(text: str, item: Atom) -> bool:
    """Whether an exception cue opens ``item``'s own words ("unless attributable to Gilbert's disease")."""
    start = item.start + len(text[item.start : item.end]) - len(text[item.start : item.end].lstrip(" ([,;"))
    return context.EXCEPTIONS.match(text, start) is not None


def _listed_in_exception(text: str, label: str, prev: Atom, cur: Atom) -> bool:
    """Whether ``cur`` goes on the excepted list after ``prev``: an alternative or an example, or two
    ways of one item read as "and" for a written "or" between them ("with exception of local basal
    or squamous cell carcinoma of the skin or carcinoma in situ": every item is excepted; cut after
    "basal", the others had become reasons to exclude). A bracket or clause that ends ends it."""
    if _closes(text, prev, cur):
        return False
    gap = text[prev.end : cur.start]
    return label in ("or", "example") or (label == "and" and bool(_OR_WORD.search(gap)) and not _AND_WORD.search(gap))


def _sentence_between(text: str, prev: Atom, cur: Atom) -> bool:
    """Whether a sentence ends between two items and the next one only names things: "SBP > 150 mmHg
    on Visit one. Heart rate > 99 on Visit one." lists two reasons to exclude, as a semicolon would
    (AND-ed, a patient had to have both). A sentence with a verb says something of the one before
    ("Gastrostomy ... are not considered major surgery", "Patients whose disease is controlled under
    antiviral therapy should not be excluded"): read as a reason of its own, it excluded the very
    patients it lets in, so it is left to the other readings."""
    found = _SENTENCE_BREAK.search(text, prev.end, cur.start + 1)
    if found is None or context.EXAMPLES.search(text, prev.end, cur.start) or not _reason(_edge(cur.rule, last=False)):
        return False
    after = _SENTENCE_BREAK.search(text, found.end())
    return not _STATING.search(text, found.end(), after.start() if after else len(text))


def _reason(leaf: Rule) -> bool:
    """Whether a sentence that opens with ``leaf`` may be a reason of its own: a limit, a disease or a
    drug. A test named alone says how ("HIV test according to local practice", "Ct abdomen.")."""
    return leaf.type == "comparison" or (leaf.type == "presence" and leaf.concept.kind in ("condition", "drug"))


def _closes(text: str, prev: Atom, cur: Atom) -> bool:
    """Whether a bracket or a clause ends between two items: an exception in brackets ends with them."""
    return bool(re.search(r"[);]", text[prev.end : cur.start]))


#: the gap after the bracket of an excepted item's kinds to the next excepted item: "...) and low-grade ..."
_LISTED_ON = re.compile(r"\s*,?\s*(?:and/or|or|and)\s+|\s*,\s*", re.IGNORECASE)


def _listed_on(text: str, first: Atom, prev: Atom, cur: Atom) -> bool:
    """Whether ``cur`` is one more excepted item after a bracket that listed the kinds of an excepted
    one: "except for adequately treated carcinomas (in situ ..., basal cell carcinoma) and low-grade
    localized prostate cancer". A bracket the exception sits in ("(other than X) and Y") ends it."""
    opened = open_brackets(text, prev.start)
    if not opened or opened[-1] <= first.start:
        return False
    depth = 0
    for m in _BRACKET.finditer(text, opened[-1], cur.start):
        depth += 1 if m[0] in "([" else -1
        if depth == 0:
            joined = _LISTED_ON.match(text, m.end(), cur.start)
            return joined is not None and _modifies(text[joined.end() : cur.start].split())
    return False


def _modifies(words: list[str]) -> bool:
    """Whether ``words`` (before the next item's concept) are a few of its modifiers ("low-grade
    localized"), not a new subject ("patients with")."""
    return len(words) <= 3 and all(
        "-" in w or context.SHARES_HEAD.fullmatch(w) or context.CONCEPT_MODIFIER.fullmatch(w) for w in words
    )


def _kinds_in_bracket(text: str, excepted: Atom, after: Atom) -> bool:
    """Whether ``after`` is a list in the bracket opened right after the excepted item: the kinds of
    it that are excepted, never a requirement of their own (they were AND-ed to the base, so the
    exclusion asked for one of the excepted cancers)."""
    opened = open_brackets(text, after.start)
    return (
        after.rule.type in ("any", "all")
        and bool(opened)
        and not text[excepted.end : opened[-1]].strip()
        and not re.search(r"[();]", text[opened[-1] + 1 : after.start])
        and not context.RESTATING.search(text, opened[-1], after.start)  # "(i.e., radiation, surgery)": what is left
    )


def _of_category(text: str, category: Atom, excepted: Atom, examples: list[Atom]) -> bool:
    """Whether examples after an excepted item are the category's: of its kind ("autoimmune disease ...
    except replacement therapy (eg., thyroxine, insulin)" gives drugs, kinds of the therapy), neither
    kinds of the excepted thing nor a fragment broader than the category. Any example of the list may
    show the kind ("penile surgery ... except circumcision and condyloma removal, such as penile
    lengthening, penile cancer surgery": the tagger named the first a condition), and so may a word
    of the category's name the excepted item lacks ("penile")."""
    example = examples[0]
    kinds = _kinds(category.rule)
    if not any(_kinds(e.rule) & kinds for e in examples) and not _named_after(category, excepted, examples):
        return False
    return not _kinds_of_excepted(text, excepted, example) and not _broader(category, example)


def _run(text: str, items: list[Atom], labels: list[str], first: int) -> list[Atom]:
    """The items of the list that opens at ``first``: those after it joined by "or" or as examples, until
    a bracket or a clause closes."""
    last = first
    while last < len(labels) and labels[last] in ("or", "example") and not _closes(text, items[last], items[last + 1]):
        last += 1
    return items[first : last + 1]


def _named_after(category: Atom, excepted: Atom, examples: list[Atom]) -> bool:
    """Whether the examples share a word of the category's name that the excepted item lacks: "penile
    surgery except condyloma removal, such as penile lengthening" gives kinds of penile surgery."""
    own = _words(category.rule) - _words(excepted.rule) - _GENERIC
    return any(_words(e.rule) & own for e in examples)


def _temporals(rule: Rule) -> list:
    return [leaf.temporal for leaf in leaves(rule) if leaf.type == "presence" and leaf.temporal is not None]


def _words(rule: Rule) -> set[str]:
    return {_stem(w) for leaf in leaves(rule) if leaf.type == "presence" for w in re.findall(r"\w+", leaf.concept.text)}


#: words too general to tie an example to its category
_GENERIC = frozenset({"other", "any", "disease", "disorder", "condition", "therapy", "treatment", "of", "the"})


def _kinds_of_excepted(text: str, excepted: Atom, example: Atom) -> bool:
    """Whether the examples after an excepted item are kinds of it, excepted with it, rather than
    examples of the category what is left of it: sites of the excepted thing ("other than carcinoma
    in situ (e.g. cervix, bladder, breast)"), examples written onto it with no comma or bracket
    ("except finasteride e.g. Propecia"), or examples that name it ("other than skin cancer (e.g.
    basal cell skin cancer)"). Otherwise they are what the criterion still asks about: "sleep
    disorders other than insomnia (ex. Obstructive sleep apnea)" names apnea as a sleep disorder,
    which an excepted apnea let through. A bracketed list with no example cue stays the excepted item's,
    and so do examples of a judgment ("except those that in the opinion of the investigator are not
    clinically relevant (e.g., alopecia)") or after a sentence's end."""
    gap = text[excepted.end : max(example.start, _first_concept(example))]  # the cue may open the example's item
    if not _EXAMPLE_CUE.search(gap) or re.search(r"[.;]\s", _EXAMPLE_CUE.sub(" ", gap)):
        return True  # "except for adequately treated carcinomas (in situ cervical carcinoma, ...)"
    if any(leaf.type != "presence" for leaf in leaves(excepted.rule)):
        return True  # a judgment or a limit names no concept the examples could be other than
    if example_states.sited(excepted.rule, example.rule) != example.rule:
        return True
    if not re.search(r"[,;(\[]", gap):
        return True
    heads = {
        _stem(w) for leaf in leaves(excepted.rule) if leaf.type == "presence" for w in leaf.concept.text.split()[-1:]
    }
    named = {_stem(w) for leaf in leaves(example.rule) if leaf.type == "presence" for w in leaf.concept.text.split()}
    return bool(heads & named)


#: an example cue, or "ex." ("other than insomnia (ex. Obstructive sleep apnea)"), which elsewhere is too rare to
#: read as one
_EXAMPLE_CUE = re.compile(rf"{context.EXAMPLES.pattern}|(?<![\w.])ex\.", re.IGNORECASE)


def _broader(category: Atom, example: Atom) -> bool:
    """Whether the example names only the category's head noun ("prostate cancer ..., such as small cell
    and neuroendocrine cancer" read as "cancer"): no example is broader than its category, so the
    tagger's fragment is not read as one (it would ask for any cancer)."""
    heads = [leaf.concept.text.lower().split() for leaf in leaves(category.rule) if leaf.type == "presence"]
    named = [leaf.concept.text.lower().split() for leaf in leaves(example.rule) if leaf.type == "presence"]
    return bool(named) and all(any(len(n) < len(h) and h[-len(n) :] == n for h in heads) for n in named)


def _stem(word: str) -> str:
    """A word without case or a plural "s": "carcinomas" names "carcinoma"."""
    word = word.lower()
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def _sited_examples(text: str, items: list[Atom], labels: list[str]) -> list[Atom]:
    """Excepted items, each example that names only a body site read as the item it is an example
    of at that site: "other than carcinoma in situ (e.g. cervix, bladder, breast)" excepts carcinoma
    in situ of the breast, not every breast disease."""
    out, category, listing = [items[0]], items[0], False
    for label, prev, item in zip(labels, items[:-1], items[1:], strict=True):
        if label == "example":
            listing = True
        elif not listing or _closes(text, prev, item):
            category, listing = item, False
        out.append(Atom(item.start, item.end, example_states.sited(category.rule, item.rule)) if listing else item)
    return out


def excepting(text: str, base: Rule, exceptions: list[Rule]) -> Rule:
    """all(base that leaves the exceptions out, each exception with the base's opposite polarity).

    What the base leaves out is each excepted phrase in full, a shared head noun given to every
    item: "other than squamous or basal cell skin cancer" leaves out "squamous cell skin cancer"
    and "basal cell skin cancer", not every "cancer". A disease-free time after the excepted items
    ("malignancies, other than MM, unless ... free of the disease for >= 5 years") is the base's, and
    an excepted item that names only the base's own disease is that disease over, no exception of its
    own ("malignant tumor (except those with a cured tumor and no re-occurrence for 5 years)")."""
    named = [leaf for rule in exceptions for leaf in leaves(rule) if leaf.type == "presence"]
    active = next((leaf.temporal for leaf in named if leaf.temporal and leaf.temporal.measure == "active"), None)
    if active is not None:
        own = _words(base)
        exceptions = [rule for rule in exceptions if not _words(rule) <= own or active not in _temporals(rule)]
        named = [leaf for rule in exceptions for leaf in leaves(rule) if leaf.type == "presence"]
    polarity = next((leaf.negated for leaf in leaves(base) if leaf.type == "presence"), False)
    concepts = [
        leaf.concept.model_copy(update={"text": phrase}) for leaf in named for phrase in _excepted_phrases(text, leaf)
    ]

    def mark(leaf: Rule) -> Rule:
        if leaf.type != "presence":
            return leaf
        lent = {"temporal": active} if active is not None and leaf.temporal is None else {}
        return leaf.model_copy(update={"excepted": [*leaf.excepted, *concepts], **lent})

    def flip(rule: Rule) -> Rule:
        if rule.type == "presence":
            kept = rule.temporal if active is None or rule.temporal != active else None
            return rule.model_copy(update={"negated": not polarity, "role": "exception", "temporal": kept})
        if rule.type in ("all", "any", "at_least"):
            return rule.model_copy(update={"args": [flip(a) for a in rule.args]})
        if rule.type == "not":  # the exception's own negation gives way to the base's opposite
            return flip(rule.args[0])
        return Not(args=[rule])

    marked = rebuild(base, mark)
    if not exceptions:
        return marked
    args = list(marked.args) if marked.type == "all" else [marked]
    flipped = [flip(rule) for rule in exceptions]
    if len(flipped) > 1 and all(rule.type == "presence" for rule in flipped):
        # "other than PDA and/or PFO": not(any(PDA, PFO)), the alternatives the base leaves out
        kept = [rule.model_copy(update={"negated": polarity}) for rule in flipped]
        return All(args=[*args, Not(args=[Any(args=kept)])])
    return All(args=[*args, *flipped])


def _excepted_phrases(text: str, leaf: Rule) -> list[str]:
    """What one exception leaf leaves out: its words, a shared head noun given to each item, or the
    concept an example that names only a site was read as ("carcinoma in situ of the breast")."""
    if example_states.is_sited(text, leaf):
        return [leaf.concept.text]
    written = text[leaf.concept.span[0] : leaf.concept.span[1]]
    # "basal or squamous cell carcinoma": the head noun its list gave an adjective; an organ stands for its
    # cancer ("other than prostate or non-melanoma skin cancer")
    shared = leaf.concept.text != written and leaf.concept.text.startswith(f"{written} ")
    if shared and not context.HEAD_SHARING_WORDS.fullmatch(written):
        return [leaf.concept.text]
    return shared_heads(_excepted_words(text, leaf))


def _excepted_words(text: str, leaf: Rule) -> str:
    """The words a leaf's stretch excepts: after the exception cue, without brackets."""
    begin, end = leaf.concept.span
    stretch = text[leaf.span[0] : max(end, leaf.span[0])]  # up to the concept, not the next item
    cue = context.EXCEPTIONS.search(stretch)
    before = _LAST_ITEM.split(text[leaf.span[0] : begin])[-1].split()
    own = f"{before[0]} {text[begin:end]}" if len(before) == 1 else text[begin:end]  # "or in-situ cervical cancer"
    words = stretch[cue.end() :] if cue else own
    words = words.strip(" \t\r\n,;.:").lstrip("([")
    if (example := context.EXAMPLES.match(words)) is not None:  # "(e.g. basal cell skin cancer)": its words
        words = words[example.end() :].lstrip(" \t,.:")
    while words.endswith((")", "]")) and words.count(")") + words.count("]") > words.count("(") + words.count("["):
        words = words[:-1].rstrip(" ,;.:")  # the bracket the exception sat in, not one of its own: "(DED)"
    return words


_LAST_ITEM = re.compile(r"[,;(\[]|\b(?:and/or|or|and|nor)\b", re.IGNORECASE)
_ITEM_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and/or|or|and)?|\band/or\b|\bor\b|\band\b|/)\s*", re.IGNORECASE)


def shared_heads(phrase: str) -> list[str]:
    """The items of a list, each given the head noun the list shares: "lung, heart, or autoimmune
    disease" -> lung disease, heart disease, autoimmune disease. A one-word item that is a modifier
    (``context.SHARES_HEAD``, as for the tree's own list items) takes the last item's words after its
    first; other items keep their own words ("HIV or hepatitis B" stays two names)."""
    items = [i for i in _ITEM_SEPARATOR.split(phrase) if i and i.strip()]
    if len(items) < 2:
        return [phrase] if phrase else []
    last = items[-1].split()
    head = " ".join(last[1:])
    shares = [head and len(item.split()) == 1 and context.SHARES_HEAD.match(item) for item in items[:-1]]
    return [f"{item} {head}" if share else item for item, share in zip(items[:-1], shares, strict=True)] + [items[-1]]


def _edge(rule: Rule, last: bool) -> Rule:
    found = leaves(rule)
    return found[-1] if last else found[0]


def _connective(text: str, prev: Atom, cur: Atom) -> str:
    """Without a model, or beside a phrase it cannot read: an exception cue in the gap excepts, an
    example cue gives an example; 'or' makes alternatives, and after "defined as" so does any gap
    without 'and'; a bare comma joins as its list does ("A, B or C"); anything else joins."""
    gap = text[prev.end : cur.start]
    if context.EXCEPTIONS.search(gap):
        return "except"
    if context.EXAMPLES.search(gap):
        return "example"
    definition = _definition_end(text)
    in_definition = definition is not None and prev.start >= definition
    if context.ANY_CONNECTIVE.search(gap) or (in_definition and not re.search(r"\band\b", gap, re.I)):
        return "or"
    if _LIST_COMMA.fullmatch(gap):
        word = _list_word(text, cur.end)
        return "or" if word and word != "and" else "none"
    return "none"


@lru_cache(maxsize=4)
def _definition_end(text: str) -> int | None:
    """Where "defined as" ends in ``text``, searched once per text, not once per pair of leaves."""
    definition = context.DEFINITION.search(text)
    return definition.end() if definition else None


def _list_word(text: str, pos: int) -> str | None:
    """The word that joins the list going on at ``pos`` ("A, B or C": or), None when the clause ends first."""
    joint = _LIST_END.search(text, pos)
    return joint[1].lower() if joint and joint[1] else None


_LIST_COMMA = re.compile(r"\s*,\s*")
_BRACKET = re.compile(r"[()\[\]]")
_LIST_END = re.compile(r"[;)]|\.\s|\b(or|and/or|and)\b", re.IGNORECASE)  # a list's joining word, or its end


def open_brackets(text: str, pos: int) -> list[int]:
    """Positions of the brackets still open at ``pos``, outermost first."""
    return brackets_open_at(text, [pos])[0]


def brackets_open_at(text: str, positions: list[int]) -> list[list[int]]:
    """``open_brackets`` at each of ``positions``, in one pass over the text: asked once per leaf from
    the start, it made a long criterion quadratic."""
    wanted = sorted(set(positions))
    found: dict[int, list[int]] = {}
    stack: list[int] = []
    i = 0
    for pos in wanted:
        for m in _BRACKET.finditer(text, i, pos):
            if m[0] in "([":
                stack.append(m.start())
            elif stack:
                stack.pop()
        found[pos], i = list(stack), max(i, pos)
    return [found[pos] for pos in positions]
