"""Statements that a trial requires, excludes or admits one condition, treatment or procedure: "Patients with
brain metastases are excluded from the primary trial", "Patients must have undergone mastectomy to participate",
"Patients with a prior hip replacement are eligible".

The patient check (``patient_questions``) reads such a statement as a patient who has the concept and leaves it
at "cannot tell" while any inclusion goes unmentioned; the requirement reader (``requirements``) reads limits on
measures only. Yet the statement asks one thing of the rules: what the trial's criteria say of that concept. It is
answered here from the rule tree, and only when one criterion says it plainly:

- the statement names one concept and nothing else: every word of it, less the words of how the sentence runs
  (``lexicons/concept_statements.json``), is the one concept the note reader reads ("Patients with multi-focal
  breast cancer" reads as "breast cancer" and is not judged: "multi-focal" went unread);
- a leaf decides it when the trial asks it outright (an inclusion's requirement, an exclusion or one option of
  it, as ``requirements`` reads them), the statement's concept is a kind of the leaf's (the concept matcher's
  words, codes or classes, not its embedding), the leaf has no window, exception, role or qualifier that narrows
  it, and every word of the criterion that writes it is a word of its concepts, or of the qualifiers written
  next to one that the statement's concept agrees with ("Renal failure" decides, and "HER-2 overexpressing
  breast cancer" for "HER2 positive breast carcinoma"; "Uncontrolled hypertension" for hypertension, "Brain
  metastases within 6 months" do not);
- or an exclusion of its own has an option that names, word for word, a class of the matcher's lexicon the
  concept is a member of ("a pathological condition that carries a high risk of bleeding" for hemophilia), with
  nothing outside the option narrowing it: the rule tree cuts such a phrase into pieces, so it is read whole;
- the leaf's side is what the trial does to the concept: an exclusion's leaf, or an inclusion's negated one
  ("No brain metastases"), excludes it; an inclusion's leaf asks for it;
- and nothing else in the trial speaks of the concept: a leaf of another criterion that names it, a kind of it,
  a narrower or a contradicting form of it, or an unread phrase holding its words, leaves it at "cannot tell", as
  does a statement in the past tense ("prior chemotherapy") decided by a leaf about the present.

Then "excluded" holds when the trial excludes the concept and fails when it asks for it; "admitted" the reverse;
"required" holds when an inclusion asks for the concept itself (each is a kind of the other) and fails when the
trial excludes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from trialsieve.app.citations import criterion_label
from trialsieve.app.patient_questions import described_patient, plain_words
from trialsieve.app.requirements import Judgement, Part, trial_leaves
from trialsieve.extract.lexicon import load
from trialsieve.match.concepts import in_context, names_class
from trialsieve.match.patient import Fact
from trialsieve.rules import Presence, Unstructured

if TYPE_CHECKING:
    from trialsieve.extract.tagger import EntityTagger
    from trialsieve.match.concepts import ConceptMatcher
    from trialsieve.trial import StructuredTrial

Claim = Literal["required", "excluded", "admitted"]
Side = Literal["excludes", "asks", "admits"]
_TRUSTED = ("code", "lexicon", "kind_of")  # how a match may be made to decide: not by embedding


@dataclass(frozen=True)
class ConceptClaim:
    """What a statement says the trial does (``claim``) with the concepts it names (``facts``: "Patients with
    leukemia or hepatitis" names two), and whether it says it of the past ("prior chemotherapy")."""

    facts: tuple[Fact, ...]
    claim: Claim
    past: bool


@dataclass(frozen=True)
class _One:
    fact: Fact
    claim: Claim
    past: bool


@dataclass(frozen=True)
class _Lexicon:
    statement_filler: frozenset[str]
    past: frozenset[str]
    criterion_filler: frozenset[str]
    any_time: frozenset[str]
    present: frozenset[str]
    restricting: re.Pattern[str]
    separators: re.Pattern[str]
    permission: re.Pattern[str]


@cache
def _lexicon() -> _Lexicon:
    data = load("concept_statements", package="trialsieve.app")
    return _Lexicon(
        frozenset(data["statement_filler"]["words"]),
        frozenset(data["past"]["words"]),
        frozenset(_words(" ".join(data["criterion_filler"]["words"]))),
        frozenset(data["qualifiers"]["any_time"]),
        frozenset(data["qualifiers"]["present"]),
        re.compile(data["restricting"]["pattern"], re.IGNORECASE),
        re.compile(data["separators"]["pattern"], re.IGNORECASE),
        re.compile(data["permission"]["pattern"], re.IGNORECASE),
    )


def _words(text: str) -> set[str]:
    """The words of ``text`` less a plural's final "s", so "metastases" and "metastasis" do not meet but
    "tumors" and "tumor" do."""
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in plain_words(text)}


def concept_claim(text: str, claim: Claim, tagger: EntityTagger | None) -> ConceptClaim | None:
    """The concepts ``text`` names ("Patients with brain metastases", "have undergone mastectomy"), when every
    word of it is one of them or a word of how the sentence runs; else None. A required claim names one."""
    lexicon = _lexicon()
    facts = described_patient(text, tagger).facts
    if (
        not facts
        or any(f.value is not None or not f.present for f in facts)
        or (claim == "required" and len(facts) > 1)
    ):
        return None
    said = _words(text) - _words(" ".join(lexicon.statement_filler)) - {"or"}
    past = bool(said & lexicon.past)
    if said - lexicon.past - _words(" ".join(f.text for f in facts)):
        return None  # a word no concept holds: a feature ("multi-focal", "stage II") went unread
    return ConceptClaim(tuple(facts), claim, past)


@dataclass(frozen=True)
class _Decider:
    side: Side
    criterion: str  # the id of the criterion that decides
    text: str
    leaf: Fact  # the concept as the criterion names it


def judge_concept(stated: ConceptClaim, structured: StructuredTrial, matcher: ConceptMatcher) -> Judgement:
    """Yes, no or cannot tell: does ``structured`` do with the concepts what ``stated`` says (see the module
    docstring). Of several concepts ("Patients with leukemia or hepatitis are excluded") each is judged alone,
    and the statement is judged when they agree: then it holds or fails whether it means either or both."""
    judged = [_judge_one(_One(fact, stated.claim, stated.past), structured, matcher) for fact in stated.facts]
    verdicts = {j.verdict for j in judged}
    if len(verdicts) != 1 or "cannot tell" in verdicts:
        return Judgement("cannot tell", [])
    return Judgement(verdicts.pop(), [part for j in judged for part in j.parts])


def _judge_one(stated: _One, structured: StructuredTrial, matcher: ConceptMatcher) -> Judgement:
    deciders = [] if stated.past else _class_options(structured, stated.fact, matcher)
    by_class = {d.criterion for d in deciders}
    permitting = {c.id: what for c in structured.criteria if (what := _permitted(c.text)) is not None}
    for criterion in structured.criteria:
        if (what := permitting.get(criterion.id)) is not None and _same_words(what, stated.fact.text):
            deciders.append(_Decider("admits", criterion.id, criterion.text, Fact(kind="condition", text=what)))
    for written in trial_leaves(structured):
        leaf, source, text = written.leaf, written.source, written.text
        if source in by_class or not _touches(leaf, stated.fact, text, matcher):
            continue  # a criterion that names the concept's class decides it whole, whatever its pieces
        if source in permitting:  # "Bilateral breast cancer is eligible" admits it, whatever its section
            if any(d.criterion == source for d in deciders):
                continue
            return Judgement("cannot tell", [])  # it allows something near the concept, not the concept
        side = _side(leaf, written.criterion.section)
        if side is None or not written.outright or not _plain(leaf, stated, text, matcher):
            return Judgement("cannot tell", [])
        named = _as_fact(leaf)  # with the qualifiers written next to it: "HER-2 overexpressing breast cancer"
        deciders.append(_Decider(side, source, text, named.model_copy(update={"text": in_context(named.text, text)})))
    sides = {d.side for d in deciders}
    if not sides or ("excludes" in sides and len(sides) > 1):
        return Judgement("cannot tell", [])
    excludes = sides == {"excludes"}
    same = sides == {"asks"} and all(_kind_of(stated.fact.text, d.leaf, None, matcher) for d in deciders)
    if stated.claim == "required" and not excludes and not same:
        return Judgement("cannot tell", [])  # the trial asks for a kind of it, or only admits it
    holds = excludes if stated.claim == "excluded" else not excludes
    parts = [Part(stated.fact.text, "holds" if holds else "fails", (d.criterion,), _said(d)) for d in deciders]
    return Judgement("yes" if holds else "no", parts)


def _class_options(structured: StructuredTrial, fact: Fact, matcher: ConceptMatcher) -> list[_Decider]:
    """The exclusions one option of which names a class the statement's concept is a kind of ("active bleeding
    or a pathological condition that carries a high risk of bleeding" for hemophilia, by the class lexicon of
    ``match/concepts``). The rule tree cuts such a phrase into pieces ("pathological condition", "bleeding")
    none of which is the class, so the option is read whole; it decides only as a criterion of its own (top
    level, no sub-criteria) with nothing outside the option that narrows it ("unless", "within 6 months")."""
    lexicon, found = _lexicon(), []
    parents = {c.parent for c in structured.criteria}
    for criterion in structured.criteria:
        if criterion.section != "exclusion" or criterion.parent is not None or criterion.id in parents:
            continue
        text = _unescaped(criterion.text).strip(" .;")
        for option in lexicon.separators.split(text):
            if option and names_class(option) and _classed(option, fact, matcher):
                if not lexicon.restricting.search(text.replace(option, " ")):
                    found.append(_Decider("excludes", criterion.id, criterion.text, Fact(kind=fact.kind, text=option)))
                break
    return found


def _classed(option: str, fact: Fact, matcher: ConceptMatcher) -> bool:
    """Whether ``fact`` is a member of the class ``option`` names (not the same words, not by embedding)."""
    return any(m.how == "kind_of" for m in matcher.find(option, [fact]))


def _permitted(text: str) -> str | None:
    """What a criterion says is allowed ("Extracranial metastases allowed", "Patients with bilateral breast
    cancer are eligible"), when that is all it says; else None."""
    found = _lexicon().permission.fullmatch(_unescaped(text).strip(" .;"))
    return found["what"] if found else None


def _same_words(what: str, named: str) -> bool:
    """Whether a permitted ``what`` and the statement's concept are the same words, less a criterion's filler."""
    mine = _words(named)
    return bool(mine) and _words(what) - _lexicon().criterion_filler == mine


def _said(decider: _Decider) -> str:
    """How the criterion treats the concept, for the answer: "Exclusion 3 excludes it: Renal failure"."""
    does = {"excludes": "excludes it", "asks": "asks for it", "admits": "admits it"}[decider.side]
    return f"{criterion_label(decider.criterion)} {does}: {decider.text.strip()}"


def _side(leaf: object, section: str) -> Side | None:
    """What the trial does to a leaf's concept: an exclusion's leaf, or an inclusion's negated one, excludes it;
    an inclusion's leaf asks for it; anything else (an exclusion's negated leaf, an unread phrase) says no side."""
    if not isinstance(leaf, Presence) or leaf.role is not None:
        return None
    if section == "exclusion":
        return None if leaf.negated else "excludes"
    if section == "inclusion":
        return "excludes" if leaf.negated else "asks"
    return None


def _kind_of(concept: str, fact: Fact, context: str | None, matcher: ConceptMatcher) -> bool:
    """Whether ``fact`` is a kind of ``concept`` by words, codes or classes (not by embedding)."""
    return any(m.how in _TRUSTED for m in matcher.find(concept, [fact], context=context))


def _as_fact(leaf: Presence) -> Fact:
    """A leaf's concept as a fact, to ask whether it is a kind of the statement's."""
    kind = leaf.concept.kind if leaf.concept.kind != "demographic" else "condition"
    return Fact(kind=kind, text=leaf.concept.text)


def _touches(leaf: object, fact: Fact, text: str, matcher: ConceptMatcher) -> bool:
    """Whether a leaf speaks of the statement's concept at all: it names it or a kind of it, a narrower or
    contradicting form of it, or an unread phrase holding all its words."""
    if isinstance(leaf, Unstructured):
        mine = _words(fact.text)
        return bool(mine) and mine <= _words(leaf.text)
    if not isinstance(leaf, Presence):
        return False
    concept, context = leaf.concept.text, text
    if matcher.find(concept, [fact], leaf.concept.code, context) or matcher.contradicts(concept, [fact], None, context):
        return True
    if matcher.undetermined(concept, [fact], None, context):
        return True
    return bool(matcher.find(fact.text, [_as_fact(leaf)]))  # a kind of the statement's


def _plain(leaf: Presence, stated: _One, text: str, matcher: ConceptMatcher) -> bool:
    """Whether ``leaf`` decides the statement's concept plainly (see the module docstring)."""
    lexicon = _lexicon()
    if leaf.temporal is not None or leaf.excepted:
        return False
    qualifiers = set(leaf.qualifiers)
    if stated.past and "history of" not in qualifiers:
        return False
    if qualifiers - lexicon.any_time - (set() if stated.past else lexicon.present):
        return False
    if not _kind_of(leaf.concept.text, stated.fact, text, matcher):
        return False
    text = _unescaped(text)
    if lexicon.restricting.search(text):
        return False  # "unless ...", "that requires ...", "within 6 months": the concept is not all it asks
    option = _option(text, leaf.concept.text)
    # the qualifiers written next to the concept ("HER-2 overexpressing | breast cancer") are read with it, and
    # ``_kind_of`` found the statement's concept agrees with them: they are words of the concept, not unread ones
    read = _words(in_context(leaf.concept.text, text))
    return option is not None and not (_words(option) - read - lexicon.criterion_filler)


def _option(text: str, concept: str) -> str | None:
    """The option of ``text`` (a list's item between commas, semicolons, "or", "and/or") that holds ``concept``;
    None when no one option holds it whole."""
    for option in _lexicon().separators.split(text):
        if option and concept.lower() in option.lower():
            return option
    return None


def _unescaped(text: str) -> str:
    return re.sub(r"\\(?=\S)", "", text)
