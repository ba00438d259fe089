"""Questions about a described patient: "Would a 45-year-old woman with HbA1c 8% be eligible for
AMASS?", "Patients with HIV are not eligible for the primary trial."

The patient is read from the words with the note reader and checked against the trial's rules, the
way `trialsieve check` checks a record; the answer is yes, no or cannot tell, with the criteria that
decide it cited. What the question does not mention is read in the patient's favour where a
screener would (an exclusion it does not name is presumed absent), but an inclusion it says nothing
about leaves the answer at "cannot tell": a question rarely says everything, and a guessed yes
would send a coordinator after a patient the trial cannot take.

A wrong "no" turns away a patient the trial could take, so "no" is said only when a criterion rules
the patient out on something the question says (``_certain``): not on a presumption, and not on a
criterion whose exception the patient may be. A statement with a condition of its own ("..., unless
they ...") is "cannot tell": the check does not read the condition. The pronoun by which a statement
goes on to speak of the patient ("Mark has HER2 positive breast cancer, he is eligible") gives their sex
where the description does not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from trialsieve.extract.grammar import find_limits
from trialsieve.extract.lexicon import load
from trialsieve.llm.citations import Citation, criterion_label, plain
from trialsieve.match.check import FOCUS, CriterionVerdict, Report, check
from trialsieve.match.logic import negate
from trialsieve.match.note import read_note, without_status

if TYPE_CHECKING:
    from trialsieve.extract.tagger import EntityTagger
    from trialsieve.match.concepts import ConceptMatcher
    from trialsieve.match.patient import Patient
    from trialsieve.trial import StructuredTrial

Verdict = Literal["yes", "no", "cannot tell"]
_SHOWN = 3  # criteria quoted for an answer: enough to act on, few enough to read


@dataclass(frozen=True)
class PatientQuestion:
    """The patient as the question describes them, and whether it asserts they are not eligible."""

    described: str
    denied: bool
    conditional: bool = False  # the question sets a condition of its own ("..., unless they ..."): no verdict
    by_age: bool = False  # the reason it gives is the patient's age ("..., due to her age"): the age alone is judged
    sex: str | None = None  # what the statement calls the patient after describing them ("..., she is eligible")


@dataclass(frozen=True)
class PatientAnswer:
    text: str
    citations: list[Citation]
    verdict: Verdict  # does what the question asks (or the statement says) hold?


@cache
def _lexicon() -> tuple[list[re.Pattern[str]], re.Pattern[str], frozenset[str]]:
    data = load("patient_questions", package="trialsieve.app")
    patterns = [re.compile(p, re.IGNORECASE) for p in data["patterns"]]
    return patterns, re.compile(data["trial_words"], re.IGNORECASE), frozenset(data["bare"])


def patient_question(question: str) -> PatientQuestion | None:
    """The described patient, when ``question`` asks (or states) whether such a patient is eligible."""
    patterns, trial_words, bare = _lexicon()
    for pattern in patterns:
        if found := pattern.match(question.strip()):
            described = trial_words.sub("", found["who"]).strip(" ,.")
            if set(re.findall(r"[\w'-]+", described.lower())) - bare:  # "can men take part" asks about the trial
                by_age = _safety().age_reason.search(question)
                rest = question[: by_age.start()] if by_age else question  # an age reason is judged, not a condition
                conditional = bool(_safety().conditional.search(rest))
                denied = any(value for name, value in found.groupdict().items() if name.startswith("denied"))
                said = _PRONOUN.search(question, found.end("who"))  # "Mark has ..., he is eligible": a man
                sex = _PRONOUNS[said[0].lower()] if said else None
                return PatientQuestion(described, denied, conditional, by_age is not None, sex)
    return None


#: The pronoun by which a statement goes on to speak of the patient it described: their sex, where the description
#: gives none ("Mark has HER2 positive breast cancer, he is eligible for the primary trial").
_PRONOUNS = {"she": "female", "her": "female", "he": "male", "him": "male", "his": "male"}
_PRONOUN = re.compile(r"\b(?:she|her|he|him|his)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Safety:
    conditional: re.Pattern[str]
    exception: re.Pattern[str]
    generic: frozenset[str]
    zero_count: re.Pattern[str]
    filler: frozenset[str]
    age_reason: re.Pattern[str]
    performance: list[tuple[str, re.Pattern[str]]]  # (ECOG grade, its definition written out)


@cache
def _safety() -> _Safety:
    data = load("patient_questions", package="trialsieve.app")
    return _Safety(
        re.compile(data["conditional"]["pattern"], re.IGNORECASE),
        re.compile(data["exception"]["pattern"], re.IGNORECASE),
        frozenset(_stem(w) for w in data["generic"]["words"]),
        re.compile(data["zero_count"]["pattern"], re.IGNORECASE),
        frozenset(data["filler"]["words"]),
        re.compile(data["age_reason"]["pattern"], re.IGNORECASE),
        [(g, re.compile(rf"\b{p}\b", re.IGNORECASE)) for g, p in data["performance_status"]["grades"].items()],
    )


def _stem(word: str) -> str:
    return word.lower().removesuffix("s")


def _specific_words(text: str) -> set[str]:
    """The words of ``text`` that can tie a patient to a criterion's exception: not the generic ones."""
    return {_stem(w) for w in re.findall(r"[a-z0-9]+", text.lower())} - _safety().generic


def answer_patient(
    asked: PatientQuestion,
    structured: StructuredTrial,
    name: str,
    tagger: EntityTagger | None,
    matcher: ConceptMatcher,
    as_of: dt.date | None = None,
    nearest: Sequence[str] = (),
) -> PatientAnswer:
    """Yes, no or cannot tell, for the patient ``asked`` describes, against ``structured`` (``name``
    as answers write it), with the deciding criteria cited. ``nearest`` is criterion ids by how near they
    are to the question (a search's order): of the criteria that decide, the answer quotes the nearest."""
    patient = described_patient(asked.described, tagger)
    if patient.sex is None and asked.sex:
        patient = patient.model_copy(update={"sex": asked.sex})
    if asked.by_age:
        return _answer_by_age(asked, patient, structured, name, matcher, as_of)
    report = check(structured, patient, as_of, matcher, presume=True)
    eligible: Verdict = {"eligible": "yes", "ineligible": "no"}.get(report.overall, "cannot tell")
    doubt = None
    if eligible != "cannot tell" and asked.conditional:
        doubt = "the question sets a condition of its own, which the check does not read"
    elif eligible == "no" and not any(_certain(report, rid, asked.described) for rid in report.ruled_out_by):
        doubt = "what rules them out is not something the question says for certain"
    elif eligible == "yes" and (named := _value_met_by_name(report, patient)):
        doubt = f"a criterion is met by the name {named} alone, not by the value the question gives"
    if doubt:
        eligible = "cannot tell"
    settling = []
    if eligible == "cannot tell" and not doubt and not asked.conditional and report.overall == "needs_review":
        settling = _settled_as_said(report, patient, asked.described)
    if settling:  # every value the question gives meets the limits on it: yes, on what it says
        eligible = "yes"
        text, citations = _explain_as_said(settling, structured.trial.id, name, asked.described)
    else:
        text, citations = _explain(report, eligible, structured.trial.id, name, asked.described, nearest, doubt)
    if asked.denied and eligible != "cannot tell":  # "... are not eligible": true when the check rules them out
        holds: Verdict = "yes" if eligible == "no" else "no"
        text = f"The statement is {'true' if holds == 'yes' else 'false'}. {text}"
        return PatientAnswer(text, citations, holds)
    return PatientAnswer(text, citations, eligible)


_FAVOUR = {"inclusion": "met", "exclusion": "not_met"}


def _answer_by_age(
    asked: PatientQuestion,
    patient: Patient,
    structured: StructuredTrial,
    name: str,
    matcher: ConceptMatcher,
    as_of: dt.date | None,
) -> PatientAnswer:
    """A statement whose reason is the patient's age ("A 56 year old patient with a mastectomy would not be
    eligible, due to her age"): it is true only if the age itself decides, so the age alone is checked, as a
    patient of whom nothing else is known. The statement that the patient is not eligible is true when a criterion
    rules them out on the age, and false when the criteria on age admit it and none rules it out: whatever else may
    rule the patient out, the age does not, so the reason is false. A statement that the patient is eligible for
    their age is answered "no" when the age rules them out; an age admitted says nothing of the other criteria, so
    it stays "cannot tell", as does a question that gives no age or a trial with no criterion on age."""
    trial_id = structured.trial.id
    who = f"“{plain(asked.described)}”"
    if patient.age is None:
        return PatientAnswer(f"Cannot tell from the question: it gives no age for {who}.", [], "cannot tell")
    aged = patient.model_copy(update={"facts": [], "sex": None, "pregnant": None, "breastfeeding": None})
    report = check(structured, aged, as_of, matcher, presume=True)
    roots = [c for c in report.criteria if c.parent is None]
    on_age = [c for c in roots if any(e.source == "patient.age" for e in c.evidence)]
    against = [c for c in on_age if c.against]
    if against:
        shown = against[:_SHOWN]
        text = f"No: the age of {who} rules them out of {name}.\n" + _age_lines(shown, trial_id)
        ruled_out = True
    elif on_age and not any(c.against for c in roots) and asked.denied:
        shown = on_age[:_SHOWN]
        text = f"The age of {who} does not rule them out of {name}: its criteria on age admit it.\n"
        text += _age_lines(shown, trial_id)
        ruled_out = False
    else:
        said = "does not say" if on_age else "has no criterion on age to say"
        text = f"Cannot tell from the question: {name} {said} whether the age decides."
        return PatientAnswer(text, [], "cannot tell")
    citations = [_citation(c, trial_id) for c in shown]
    if asked.denied:  # "... would not be eligible, due to her age": true when the age rules them out
        holds: Verdict = "yes" if ruled_out else "no"
        return PatientAnswer(f"The statement is {'true' if ruled_out else 'false'}. {text}", citations, holds)
    return PatientAnswer(text, citations, "no")


def _age_lines(criteria: list[CriterionVerdict], trial_id: str) -> str:
    """One line a criterion: its citation, then what it says of the age."""
    said = (next(e.reason for e in c.evidence if e.source == "patient.age") for c in criteria)
    return "\n".join(f"- {_citation(c, trial_id).markdown()}: {plain(s)}" for c, s in zip(criteria, said, strict=True))


def _settled_as_said(report: Report, patient: Patient, described: str) -> list[CriterionVerdict]:
    """The criteria on which a qualified "yes, on what the question says" rests, or [] when there is none.

    A question rarely says everything, so the check leaves most criteria open; but when what it does say is
    values (a lab, a score, an age, a sex) and each is settled in the patient's favour by a limit on it, with
    none against, the question is answered as asked: the answer says which criteria it rests on and that the
    others are not checked. Only values: a condition's match is looser ("T-cell transfer therapy" to "Failed 1
    line of therapy"), and read in the patient's favour it would be a guess. Every word of the question that
    is not filler (``filler`` in the lexicon) must be read, a value's name or number, else a feature it says
    (a range, a stage, a receptor status) went unread and the answer is "cannot tell". Nor when the registry
    names what the trial studies and the question does not say the patient has it ("a 45-year-old woman with
    HbA1c 8%" for a type 2 diabetes trial): her values would meet its limits whether or not she has it."""
    if any(c.id == FOCUS and c.verdict != "met" for c in report.criteria):
        return []  # the question does not say the patient has what the trial studies: values alone say little
    valued = [f for f in patient.facts if f.value is not None]
    names = {f.text.lower() for f in valued}
    if any(f.value is None and f.text.lower() not in names for f in patient.facts):
        return []  # a condition, drug or procedure: not settled on a value
    read = {w for f in valued for w in plain_words(f.text)} | {w for f in valued for w in plain_words(f"{f.value:g}")}
    if patient.age is not None:
        read |= plain_words(f"{patient.age:g}")
    described = _normalised(described)
    for limit in find_limits(described):  # "over 100,000/mm3": the bound is what the fact holds
        if limit.operator != "=" and any(f.bound == limit.operator and f.value == limit.value for f in valued):
            described = described[: limit.start] + " " * (limit.end - limit.start) + described[limit.end :]
    unread = plain_words(described) - read - _safety().filler
    features = [f.text for f in valued] + ["patient.age"] * (patient.age is not None)
    features += ["patient.sex"] * (patient.sex is not None)
    if unread or not features:
        return []
    settling: dict[str, CriterionVerdict] = {}
    for feature in features:
        found = [
            c
            for c in report.criteria
            for e in c.evidence
            if (e.fact == feature and e.value is not None) or (e.source == feature)
            if e.verdict == _FAVOUR[c.section] and c.verdict == _FAVOUR[c.section]
        ]
        if not found:
            return []
        settling.setdefault(found[0].id, found[0])
    return list(settling.values())


def plain_words(text: str) -> set[str]:
    """The lower-case words and numbers of ``text``: what a reader checks it has read."""
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _explain_as_said(
    settling: list[CriterionVerdict], trial_id: str, name: str, described: str
) -> tuple[str, list[Citation]]:
    who = f"“{plain(described)}”"
    text = (
        f"Yes, on what the question says: what it gives of {who} meets these criteria of {name}; "
        "the others are not checked, for the question does not say (a screener still confirms them).\n"
        + _lines(settling[:_SHOWN], trial_id)
    )
    return text, [_citation(c, trial_id) for c in settling[:_SHOWN]]


def _value_met_by_name(report: Report, patient: Patient) -> str | None:
    """The name of a value the question gives ("an ECOG of 3") that met a criterion by its name alone, when one
    did: a limit the rule tree read as a mere mention ("ECOG performance status of 0 or 1") is then met by any
    value, so a "yes" on it would hold for a patient the limit rules out."""
    valued = {f.text.lower() for f in patient.facts if f.value is not None}
    return next(
        (
            e.fact
            for c in report.criteria
            for e in c.evidence
            if e.fact and e.value is None and e.source and e.fact.lower() in valued and c.verdict != "not_met"
        ),
        None,
    )


def _asked_for(report: Report, fact: str | None, source: str) -> bool:
    """Whether an inclusion criterion that is neither ``source`` (the criterion the evidence was read from), nor
    above nor below it, names ``fact`` (all its words): what the trial asks the patient to have, so what makes
    them a candidate at all. Not the family of the root: under a heading ("DISEASE CHARACTERISTICS:") every
    criterion of the trial is family, and "At least 3 months since ... mastectomy" asks for the very surgery that
    "No prior radiotherapy or mastectomy" (of the other breast) seems to rule out.

    A criterion that rules the patient out on such a fact ("Prior history of ipsilateral breast cancer",
    "Mammary carcinoma recurrence", "no other malignancy" for "patients with invasive breast cancer" in a
    breast-cancer trial) is about a kind of it the question does not say (earlier, recurrent, another one):
    the same fact cannot both qualify the patient and rule them out, so a "no" does not rest on it. Only for
    what the patient has, not for a measured value: an inclusion's and an exclusion's limits on one value
    ("HbA1c > 7%", "HbA1c >= 11%") together are its range."""
    mine = set(re.findall(r"\w+", without_status(fact or "").lower()))  # "triple negative | breast cancer"
    return bool(mine) and any(
        mine <= set(re.findall(r"\w+", c.text.lower()))
        for c in report.criteria
        if c.section == "inclusion" and not _related(c.id, source)
    )


def _related(one: str, other: str) -> bool:
    """Whether two criterion ids are the same criterion or one is above the other ("E2" and "E2.1")."""
    return one == other or one.startswith(other + ".") or other.startswith(one + ".")


def _certain(report: Report, root: str, described: str) -> bool:
    """Whether the criterion ``root`` rules the described patient out on what the question says, so that a "no"
    may rest on it: some evidence against the patient, under it, used something the question says (a fact, an
    age, a sex), and the criterion that evidence was read from has no exception sharing a specific word with
    the description.

    Presumptions do not count ("docetaxel not in the record: presumed absent"): a "no" from them reads the
    question's silence against the patient, which silence never means. An exception that may be the patient
    ("Other prior malignancies except skin cancer" for "a prior malignancy of skin cancer") does not either:
    the rule tree's match of "malignancy" does not see it. The evidence is placed in the shortest criterion
    of the family holding its words, so a heading's evidence is judged by the sub-criterion it came from.
    Evidence under a `not` ("No prior radiotherapy or mastectomy": mastectomy met) rules out by the opposite
    of its own verdict, as the criterion reads it."""
    family = [c for c in report.criteria if c.id == root or c.id.startswith(root + ".")]
    words = _specific_words(described)
    for criterion in (c for c in family if c.against):
        for evidence in criterion.evidence:
            if not (evidence.source and _decides(evidence, criterion.verdict)):  # "No prior X": X met
                continue
            holding = [c for c in family if evidence.text.strip() and evidence.text.strip() in c.text]
            source = min(holding, key=lambda c: len(c.text), default=criterion)
            if evidence.value is None and _asked_for(report, evidence.fact, source.id):
                continue  # a value is judged against each limit on it: "HbA1c > 7%" and "HbA1c >= 11%" both hold
            found = _safety().exception.search(source.text)
            if not (found and _specific_words(source.text[found.end() :]) & words):
                return True
    return False


def described_patient(described: str, tagger: EntityTagger | None) -> Patient:
    """The patient the words describe, read as a note. A value given as a range ("ANC < 1,700/mm3",
    "hemoglobin between 4 to 5 g/dL") is a bound, not a reading: read as 1,700 it could meet a limit the
    patient fails, so it is kept as the bound it is and settles a limit only when every value it allows
    agrees ("Karnofsky index = 72" is one value). A count of zero ("with 0 palpable axillary lymph nodes")
    is read as the absence it is ("with no ...")."""
    described = _normalised(described)
    patient = read_note(described, tagger, "described patient", "the question")
    bounds = {}  # a value's number -> the limit it is written in; "Karnofsky index = 72" is one value
    for limit in find_limits(described):
        if limit.operator != "=":
            bounds.update({value: limit for value in (limit.value, limit.value2) if value is not None})
    facts = []
    for fact in patient.facts:
        limit = bounds.get(fact.value) if fact.value is not None else None
        if limit is not None:
            ends = {"bound": limit.operator, "value": limit.value, "value2": limit.value2}
            fact = fact.model_copy(update=ends if limit.operator == "between" else ends | {"value2": None})
        facts.append(fact)
    return patient.model_copy(update={"facts": facts})


def _normalised(described: str) -> str:
    """The description as the note reader reads it: a count of zero as an absence, an ECOG grade's definition as
    the grade ("fully active, able to carry on all pre-disease performance without restriction": an ECOG of 0),
    mojibake undone (units spelled out, "grams per deciliter", are the units lexicon's to read)."""
    for grade, written in _safety().performance:
        described = written.sub(f"an ECOG of {grade}", described)
    return repaired(_safety().zero_count.sub(r"\1 no ", described))


def repaired(text: str) -> str:
    """``text`` with its mojibake undone: NLI4CT's statements carry "1,700/mm¬¨‚â•" for "1,700/mm³" and
    "/¬¨¬µl" for "/µl" (UTF-8 read as Mac Roman, twice), where the unit, and so the value, would go unread.
    Each run of non-ASCII characters is decoded back while it reads as UTF-8; real text ("Sjögren", "≥") does
    not, and is left as it is."""

    def repair(found: re.Match[str]) -> str:
        run = found[0]
        for _ in range(3):
            try:
                fixed = run.encode("mac_roman").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                break
            if fixed == run:
                break
            run = fixed
        return run

    return re.sub(r"[^\x00-\x7f]+", repair, text)


def _explain(
    report: Report,
    eligible: Verdict,
    trial_id: str,
    name: str,
    described: str,
    nearest: Sequence[str] = (),
    doubt: str | None = None,
) -> tuple[str, list[Citation]]:
    """The answer's words and the criteria it quotes. Only ``_SHOWN`` are quoted, so which ones matters most
    when many decide: for "cannot tell", every criterion the question says nothing about is unsettled, and
    the first few in reading order are rarely what the question is about. So the criteria are taken in the
    order of ``nearest`` (criterion ids nearest the question; a sub-criterion counts for its root), the rest
    after in reading order."""
    roots = dict(sorted(((c.id, c) for c in report.criteria if c.parent is None), key=_by_nearness(nearest)))
    who = f"“{plain(described)}”"
    if eligible == "no":
        deciding = [c for cid, c in roots.items() if cid in set(report.ruled_out_by)][:_SHOWN]
        text = f"No: {name} would not take {who}.\n" + _lines(deciding, trial_id)
    elif eligible == "yes":
        deciding = [c for c in roots.values() if c.section == "inclusion" and c.verdict == "met"][:_SHOWN]
        text = (
            f"Yes, on what the question says: {who} meets every criterion of {name}, reading any exclusion "
            "it does not mention as absent (a screener still confirms them)."
        )
    elif doubt and report.ruled_out_by:
        deciding = [c for cid, c in roots.items() if cid in set(report.ruled_out_by)][:_SHOWN]
        text = f"Cannot tell from the question: these criteria may rule out {who}, but {doubt}.\n" + _lines(
            deciding, trial_id
        )
    elif doubt and report.overall == "eligible":
        deciding = [c for c in roots.values() if c.section == "inclusion" and c.verdict == "met"][:_SHOWN]
        text = f"Cannot tell from the question: {who} meets the criteria as read, but {doubt}.\n" + _lines(
            deciding, trial_id
        )
    else:
        deciding = [c for c in roots.values() if not c.settled][:_SHOWN]
        missing = list({m.lower(): m for m in reversed(report.missing_data)}.values())[::-1]  # one spelling each
        wanted = ", ".join(plain(m) for m in missing[:5]) or "a person's review"
        text = f"Cannot tell from the question: {name} also needs {wanted}.\n" + _lines(deciding, trial_id)
    citations = [_citation(c, trial_id) for c in deciding]
    return text, citations


def _by_nearness(nearest: Sequence[str]):
    """A sort key for (criterion id, criterion) pairs: the rank of the criterion's first appearance in
    ``nearest`` (its own id or a sub-criterion's), unranked ones after; ties keep reading order (sorting is
    stable)."""
    rank: dict[str, int] = {}
    for position, criterion_id in enumerate(nearest):
        rank.setdefault(criterion_id.split(".")[0], position)
    return lambda pair: rank.get(pair[0], len(rank))


def _lines(criteria: list, trial_id: str) -> str:
    """One line a criterion: its citation (a link to it, and its words), then why it decides."""
    return "\n".join(f"- {_citation(c, trial_id).markdown()}: {_reason(c)}" for c in criteria)


def _citation(criterion, trial_id: str) -> Citation:
    return Citation(trial_id, criterion_label(criterion.id), criterion.text)


def _reason(criterion) -> str:
    """Why the criterion decides: what the question says that settles it, before a presumption ("No prior
    radiotherapy or mastectomy" rules out a mastectomy, not "radiotherapy not in the record")."""
    said = next((e.reason for e in criterion.evidence if e.source and _decides(e, criterion.verdict)), None)
    said = said or next((e.reason for e in criterion.evidence if e.verdict == criterion.verdict), None)
    return plain(said or criterion.verdict.replace("_", " "))


def _decides(evidence, verdict: str) -> bool:
    """Whether ``evidence`` gives the criterion its ``verdict``: its own verdict, or the opposite under a `not`."""
    return evidence.verdict == (negate(verdict) if evidence.denied else verdict)
