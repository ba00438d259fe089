"""Answers to questions about the indexed trials, without an LLM, every claim cited.

A question is read by the phrases in ``lexicons/questions.json``:
- age and sex limits come from the registry fields, the rule trees and the criteria's own words;
- phase, status, healthy volunteers, conditions, interventions and enrolment come from the registry fields;
- facts the indexed registry data does not hold (locations, contacts) are said to be missing;
- criteria lists come from the structured criteria;
- "which trials exclude X" comes from passages whose MiniLM similarity to X clears a threshold, but "which trials
  accept healthy volunteers / enrol children" from the registry's flag and ages (else the title and criteria);
- a value limit ("What LVEF does X require?") comes from the criteria whose rule tree compares that measure;
- a question naming several trials is answered for each, and says which is lower or higher when asked;
- anything else gets the best-matching passages, if any are relevant enough; searched without the words that
  only say which trial or that someone is eligible, which every eligibility statement shares.

A question goes to a specific answer only when it is that kind of question (see ``intent_of``): a word
like "age" inside a longer statement must not turn it into an age question. The trial in focus (named
by NCT id or acronym, or carried from the last answer) lets follow-ups like "and the maximum age?"
work, and a question pointing at it ("... for the primary trial", "this study") is about it as if it named it;
a question about several named trials is answered for each. When nothing relevant is indexed the answer says
so (about a named trial, above that trial's closest passages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from trialsieve.app.catalog import Catalog
from trialsieve.app.citations import Citation, plain
from trialsieve.app.concept_statements import Claim, concept_claim, judge_concept
from trialsieve.app.consent_statements import consent_claim, judge_consent
from trialsieve.app.excepted_statements import judge_excepted
from trialsieve.app.graded_statements import judge_graded, judge_graded_requirement
from trialsieve.app.patient_questions import PatientQuestion, Verdict, answer_patient, patient_question
from trialsieve.app.requirements import Judgement, StatedRequirement, judge, judge_sex, requirement_statement
from trialsieve.app.tnm_statements import judge_tnm
from trialsieve.app.unasked_statements import judge_unasked, unasked_claim
from trialsieve.extract.lexicon import alternation, inverse, load, phrase_regex
from trialsieve.extract.quantities import UnitMismatch, convert
from trialsieve.index.chunks import Chunk
from trialsieve.index.metadata import Filters
from trialsieve.index.search import Hit
from trialsieve.llm.backends import LLM
from trialsieve.match.concepts import ConceptMatcher, normalise, words
from trialsieve.rules import ADMITTED, LOGIC_TYPES, Comparison, Demographic, Leaf, Rule, leaves
from trialsieve.trial import Age, Trial

MAX_QUESTION = 2000
MENTION_DEPTH = 200  # passages each method offers to a "which trials" question
_UNITS = {"a": "years", "mo": "months", "wk": "weeks", "d": "days", "h": "hours", "min": "minutes"}
_LOWER = {">=": "at least", ">": "over"}
_UPPER = {"<=": "at most", "<": "under"}


@dataclass
class Answer:
    text: str
    citations: list[Citation] = field(default_factory=list)
    focus: str | None = None  # the trial follow-up questions are about
    found: bool = True  # False when the answer is that nothing relevant is indexed
    verdict: Verdict | None = None  # for a question about a described patient: does what it asks hold?


@cache
def _lexicon() -> dict:
    return load("questions", package="trialsieve.app")


@dataclass(frozen=True)
class _Intent:
    name: str
    patterns: list[re.Pattern[str]]
    phrases: re.Pattern[str] | None
    anywhere: bool  # the phrase decides wherever it appears (facts not held), not only in a question of its own
    reply: str | None


@cache
def _intents() -> list[_Intent]:
    return [
        _Intent(
            intent["name"],
            [re.compile(p, re.IGNORECASE) for p in intent.get("patterns", [])],
            phrase_regex(intent["phrases"]) if intent.get("phrases") else None,
            intent.get("anywhere", False),
            intent.get("reply"),
        )
        for intent in _lexicon()["intents"]
    ]


@cache
def _filler() -> frozenset[str]:
    return frozenset(_lexicon()["filler"])


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:['’][a-z]+)?", text.lower().replace("’", "'"))


def intent_of(question: str) -> tuple[str | None, re.Match[str] | None]:
    """The first intent the question is an instance of: its pattern matches; or its phrase appears and, with
    the phrase taken out, only filler words ("what", "is", "the", "trial") are left; or, for facts the index
    does not hold, its phrase appears at all. Pass the question with trial names taken out."""
    for intent in _intents():
        for pattern in intent.patterns:
            if match := pattern.search(question):
                return intent.name, match
        if intent.phrases is None or not (match := intent.phrases.search(question)):
            continue
        if intent.anywhere or set(_tokens(intent.phrases.sub(" ", question))) <= _filler():
            return intent.name, match
    return None, None


def _reply(name: str) -> str | None:
    return next((i.reply for i in _intents() if i.name == name), None)


@cache
def _cross_trial() -> re.Pattern[str]:
    return phrase_regex(_lexicon()["cross_trial"])


def is_cross_trial(question: str) -> bool:
    """Whether the question asks across trials ("Do any trials ..."), so a trial in focus must not narrow it."""
    return bool(_cross_trial().search(question))


@cache
def _focus_words() -> re.Pattern[str]:
    return phrase_regex(_lexicon()["focus_words"]["phrases"])


def points_at_focus(question: str) -> bool:
    """Whether the question points at the trial in focus by words ("... eligible for the primary trial", "Does
    this study exclude smokers?"): it is then about that trial as surely as if it named it."""
    return bool(_focus_words().search(question))


@cache
def _search_filler() -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in _lexicon()["search_filler"]["patterns"]]


def search_text(question: str) -> str:
    """The words of ``question`` worth searching a trial's passages with: without those saying which trial it is
    about or that someone is eligible ("... are not eligible for the primary trial", a leading "Patients with").
    Every eligibility statement has them, so they pull a search towards whichever criteria say "eligible" or
    "patients" rather than towards what the statement is about. The question itself is left as it was when
    nothing else would remain."""
    text = question
    for pattern in _search_filler():
        text = pattern.sub(" ", text)
    text = " ".join(text.split())
    return text if _tokens(text) else question


def expanded(text: str) -> list[str]:
    """``text`` and, for each synonym group it names, ``text`` with each other name of the group: "HbA1c > 7%"
    also as "A1C > 7%", so a search finds records that use either spelling."""
    variants = [text]
    for group in _lexicon()["synonyms"]:
        regex = phrase_regex(group)
        if found := regex.search(text):
            variants += [regex.sub(lambda _, o=other: o, text) for other in group if other.lower() != found[0].lower()]
    return list(dict.fromkeys(variants))


class Answerer:
    """``llm``, when given, phrases open answers from the passages found (``llm/answers.py``)."""

    def __init__(self, catalog: Catalog, llm: LLM | None = None, matcher: ConceptMatcher | None = None) -> None:
        self.catalog = catalog
        self.llm = llm
        self._matcher = matcher  # for questions about a patient; made on the first one, from the index's model

    def answer(self, question: str, focus: str | None = None) -> Answer:
        question = question.strip()
        if not question:
            return Answer("Please type a question about the indexed trials.", focus=focus, found=False)
        if len(question) > MAX_QUESTION:
            return Answer(f"Questions are limited to {MAX_QUESTION:,} characters.", focus=focus, found=False)
        named, unknown = self.catalog.named(question)
        if unknown:
            return Answer(f"{unknown} is not in the index.", focus=focus, found=False)
        mentioned = self.catalog.mentioned(question)
        cross = not mentioned and is_cross_trial(question)
        if focus and not named and not cross and focus in self.catalog.trials and points_at_focus(question):
            named = focus  # "... for the primary trial", "this study": the asker says which trial, as a name does
        consent = consent_claim(question)
        if consent and (named or focus) in self.catalog.trials and len(mentioned) <= 1:
            judged = judge_consent(consent, self.catalog.structured(named or focus))
            if judged.verdict != "cannot tell":
                return self._decided(judged, named or focus, self._passages(question, named or focus, None))
        unasked = unasked_claim(question)
        if unasked and (named or focus) in self.catalog.trials and len(mentioned) <= 1:
            trial_id = named or focus
            judged = judge_unasked(unasked, self.catalog.structured(trial_id), self._criteria_sexes(trial_id)[0])
            if judged.verdict != "cannot tell":
                return self._decided(judged, trial_id, self._passages(question, trial_id, None))
        if (asked := patient_question(question)) is not None and (named or focus) and len(mentioned) <= 1:
            return self._patient(question, asked, named or focus)
        found = self._by_kind(question, focus, named, mentioned, cross)
        trial_id = named or focus
        if (stated := requirement_statement(question)) and trial_id in self.catalog.trials and len(mentioned) <= 1:
            return self._requirement(found, stated, trial_id)
        return found

    def _by_kind(
        self, question: str, focus: str | None, named: str | None, mentioned: list[str], cross: bool
    ) -> Answer:
        """The answer to a question of a known kind (``intent_of``), else the passages that best match it."""
        intent, match = intent_of(self.catalog.without_names(question))
        if intent and (reply := _reply(intent)):
            trial_id = named or (None if cross else focus)
            where = self._name(trial_id) if trial_id else "these trials"
            return Answer(reply.format(name=where), focus=focus, found=False)
        if intent == "which_trials":
            return self._which_trials(match, focus)
        if intent == "value_limit":
            return self._value_limits(question, match["measure"], mentioned or [named or focus], cross, named)
        if len(mentioned) > 1:
            return self._each(question, intent, mentioned)
        trial_id = named or (None if cross else focus)
        if intent and trial_id is None:
            if cross:
                return self._passages(question, None, None)
            return Answer(
                f"Which trial do you mean? Name it by NCT id or acronym, e.g. “{self._example()}”.",
                found=False,
            )
        if intent:
            return self._about(trial_id, intent)
        return self._passages(question, named, None if cross else focus)

    def _patient(self, question: str, asked: PatientQuestion, trial_id: str) -> Answer:
        """Yes, no or cannot tell for the patient the question describes, checked against the trial's rules."""
        self._matcher = self._matcher or ConceptMatcher(self.catalog.index.embedder)
        structured = self.catalog.structured(trial_id)
        # the criteria that speak to what the question describes, beside those that decide: the asker checks both;
        # and of the criteria that decide, the answer quotes those nearest the question first
        shown = _lexicon()["passages"]
        hits = self.catalog.index.search(
            search_text(question), k=4 * shown, filters=Filters(trial_ids=[trial_id]), method="hybrid"
        )
        nearest = [h.chunk.criterion_id for h in hits if h.chunk.criterion_id]
        found = answer_patient(
            asked, structured, self._name(trial_id), self.catalog.tagger, self._matcher, nearest=nearest
        )
        if found.verdict == "cannot tell" and not asked.conditional and not asked.by_age:
            claim = "excluded" if asked.denied else "admitted"  # what the statement says the trial does with it
            judged = (
                self._concept(asked.described, claim, trial_id)
                or self._graded(asked.described, claim, trial_id)
                or self._tnm(asked.described, claim, trial_id)
                or self._excepted(asked.described, claim, trial_id)
            )
            if judged:
                return self._decided(judged, trial_id, self._passages(question, trial_id, None))
        cited = {(c.trial_id, c.label) for c in found.citations}
        closest = [c for h in hits[:shown] if ((c := Citation.of_chunk(h.chunk)).trial_id, c.label) not in cited]
        text = found.text
        if closest:
            lines = [f"- {c.markdown()}" for c in closest]
            text += "\n\nThe trial's passages closest to the question:\n" + "\n".join(lines)
        citations = [*found.citations, *closest]
        if found.verdict == "cannot tell":  # nothing decides: what the question is about comes first, as Ask's search
            near = [c for c in self._passages(question, trial_id, None).citations if c.trial_id == trial_id]
            seen = {(c.trial_id, c.label) for c in near}
            citations = [*near, *(c for c in found.citations if (c.trial_id, c.label) not in seen)]
        return Answer(text, citations, trial_id, verdict=found.verdict)

    def _requirement(self, found: Answer, stated: StatedRequirement, trial_id: str) -> Answer:
        """``found`` (the passages or facts the statement's words call up) with a verdict on what the statement
        says the trial requires (``requirements.py``): when it is settled, the verdict and the criteria it rests
        on come first; when not, ``found`` stands as it was, "cannot tell"."""
        name, structured = self._name(trial_id), self.catalog.structured(trial_id)
        if stated.sex_claim:
            trial = self.catalog.trials[trial_id]
            if trial.sex:
                sexes, deciding = {trial.sex}, [Citation(trial_id, "Registry: sex", trial.sex)]
            else:
                sexes, deciding = self._criteria_sexes(trial_id)
            verdict = judge_sex(stated, sexes)
            said = {"all": "all sexes", "female": "women only", "male": "men only"}
            why = f"{name} takes **{said['all' if 'all' in sexes else next(iter(sexes), 'all')]}**" if sexes else ""
        else:
            judged = judge(stated, structured, self.catalog.tagger)
            if judged.verdict == "cannot tell" and stated.text:  # not a limit: a condition or treatment it requires
                judged = self._concept(stated.text, "required", trial_id) or judged
            if judged.verdict == "cannot tell" and stated.text:  # a grade or stage among its clauses
                judged = self._graded_requirement(stated.text, trial_id) or judged
            verdict, deciding, lines = judged.verdict, [], []
            by_id = {c.id: c for c in structured.criteria}
            for part in judged.parts if verdict != "cannot tell" else []:
                deciding += [  # a criterion, or the registry's age ("Registry: minimum age")
                    Citation.of_criterion(trial_id, by_id[c]) if c in by_id else Citation(trial_id, c, part.trial_says)
                    for c in part.criteria
                ]
                holds = "is" if part.verdict == "holds" else "is not"
                lines.append(f"“{plain(part.said)}” {holds} what {name} requires ({plain(part.trial_says)})")
            why = "; ".join(lines)
        if verdict == "cannot tell":
            return Answer(found.text, found.citations, found.focus, found.found, verdict)
        head = f"The statement is {'true' if verdict == 'yes' else 'false'}: {why}."
        head = "\n".join([head, *(f"- {c.markdown()}" for c in deciding)])
        shown = {(c.trial_id, c.label) for c in deciding}
        citations = list({(c.trial_id, c.label): c for c in deciding}.values())
        citations += [c for c in found.citations if (c.trial_id, c.label) not in shown]
        return Answer(f"{head}\n\n{found.text}", citations, trial_id, True, verdict)

    def _concept(self, text: str, claim: Claim, trial_id: str) -> Judgement | None:
        """The verdict on a statement that the trial requires, excludes or admits the concepts ``text`` names
        (``concept_statements``), when it is settled."""
        stated = concept_claim(text, claim, self.catalog.tagger)
        if stated is None:
            return None
        self._matcher = self._matcher or ConceptMatcher(self.catalog.index.embedder)
        judged = judge_concept(stated, self.catalog.structured(trial_id), self._matcher)
        return None if judged.verdict == "cannot tell" else judged

    def _graded(self, text: str, claim: Claim, trial_id: str) -> Judgement | None:
        """The verdict on a statement about the grades or stages of a concept (``graded_statements``), when settled."""
        judged = judge_graded(text, claim, self.catalog.structured(trial_id))
        return None if judged.verdict == "cannot tell" else judged

    def _tnm(self, text: str, claim: Claim, trial_id: str) -> Judgement | None:
        """The verdict on a statement about patients whose TNM stage the trial rules out (``tnm_statements``)."""
        if claim == "required":
            return None
        judged = judge_tnm(text, claim, self.catalog.structured(trial_id))
        return None if judged.verdict == "cannot tell" else judged

    def _excepted(self, text: str, claim: Claim, trial_id: str) -> Judgement | None:
        """The verdict on a statement about patients a criterion's exception names (``excepted_statements``)."""
        judged = judge_excepted(text, claim, self.catalog.structured(trial_id))
        return None if judged.verdict == "cannot tell" else judged

    def _graded_requirement(self, text: str, trial_id: str) -> Judgement | None:
        """The verdict on a requirement of several clauses, one of them a concept's grade or stage, when settled."""
        structured = self.catalog.structured(trial_id)

        def clause(part: str) -> Judgement:
            return judge(StatedRequirement(part), structured, self.catalog.tagger)

        judged = judge_graded_requirement(text, structured, clause)
        return None if judged.verdict == "cannot tell" else judged

    def _decided(self, judged: Judgement, trial_id: str, found: Answer) -> Answer:
        """``found`` (the passages the statement calls up) under the verdict and the criteria that decide it."""
        by_id = {c.id: c for c in self.catalog.structured(trial_id).criteria}
        deciding = [Citation.of_criterion(trial_id, by_id[c]) for part in judged.parts for c in part.criteria]
        lines = [f"“{plain(part.said)}”: {self._name(trial_id)}'s {plain(part.trial_says)}" for part in judged.parts]
        head = f"The statement is {'true' if judged.verdict == 'yes' else 'false'}: {'; '.join(lines)}."
        head = "\n".join([head, *(f"- {c.markdown()}" for c in deciding)])
        citations = list({(c.trial_id, c.label): c for c in deciding}.values())
        shown = {(c.trial_id, c.label) for c in citations}
        citations += [c for c in found.citations if (c.trial_id, c.label) not in shown]
        return Answer(f"{head}\n\n{found.text}", citations, trial_id, True, judged.verdict)

    def _about(self, trial_id: str, intent: str) -> Answer:
        """The answer to a question of a known kind about one trial."""
        if intent in ("minimum_age", "maximum_age", "age"):
            return self._ages(trial_id, intent)
        if intent == "sex":
            return self._sex(trial_id)
        if intent in ("exclusion_criteria", "inclusion_criteria", "all_criteria"):
            return self._criteria(trial_id, intent.split("_")[0])
        return self._registry(trial_id, intent)

    def _each(self, question: str, intent: str | None, trial_ids: list[str]) -> Answer:
        """A question naming several trials ("Which has the lower minimum age, A or B?", "Do both A and B
        exclude pregnant women?"), answered for each in turn so the asker can compare what each record says."""
        parts, citations = [], []
        for trial_id in trial_ids:
            if intent:
                one = self._about(trial_id, intent)
            else:
                bare = self.catalog.without_names(question)  # the other trial's name would only blur the search
                one = self._passages(bare, trial_id, None, k=_lexicon()["passages_each"], heading=self._name(trial_id))
            parts.append(one.text)
            citations += one.citations
        if intent and (verdict := self._comparison(question, intent, trial_ids)):
            parts.insert(0, verdict)
        return Answer("\n\n".join(parts), citations, None, found=bool(citations))

    def _comparison(self, question: str, intent: str, trial_ids: list[str]) -> str | None:
        """Which of the named trials has the lower or higher value, when the question asks ("Which enrols more
        participants, A or B?") and the value is a registry number. Values are compared only in one unit
        (months meet years); a trial without the value, or a unit that does not convert, is said to make
        them incomparable rather than guessed at."""
        direction = _direction(question)
        label = _COMPARABLE.get(intent)
        if direction is None or label is None:
            return None
        values = {trial_id: _value(self.catalog.trials[trial_id], intent) for trial_id in trial_ids}
        if missing := [trial_id for trial_id, value in values.items() if value is None]:
            return f"These cannot be compared: {self._name(missing[0])}'s registry record states no {label}."
        (_, unit), *_ = values.values()
        try:
            common = {trial_id: convert(value, own, unit) for trial_id, (value, own) in values.items()}
        except UnitMismatch:
            return f"These cannot be compared: their {label}s are in units that do not convert."
        best = (min if direction == "lower" else max)(common, key=common.__getitem__)
        if sum(value == common[best] for value in common.values()) > 1:
            return f"They have the same {label}."
        which = {"lower": "lower", "higher": "higher"}[direction]
        if intent == "enrollment":
            which = "fewer" if direction == "lower" else "more"
            return f"**{self._name(best)}** enrols {which} participants."
        return f"**{self._name(best)}** has the {which} {label}."

    def _value_limits(
        self, question: str, measure: str, trial_ids: list[str | None], cross: bool, named: str | None
    ) -> Answer:
        """ "What is the hemoglobin limit in X?", "What LVEF does X require?": every criterion of each trial whose
        rule tree has a comparison on that measure (by its name, a synonym, or a condition the lexicon says is
        a limit on it: "anemia < 8 g/dL" is a hemoglobin limit), each with its limit. Passages nearest the
        question answer a trial none of whose rules compares that measure, since the limit may be in words."""
        names = _measure_names(measure)
        if cross or trial_ids == [None]:
            return self._limits_across(question, measure, names, None if cross else trial_ids[0])
        parts, citations = [], []
        for trial_id in trial_ids:
            found = self._limits_in(trial_id, names)
            if not found:
                bare = self.catalog.without_names(question)
                one = self._passages(bare, trial_id, None, heading=self._name(trial_id) if len(trial_ids) > 1 else None)
                parts.append(one.text)
                citations += one.citations
                continue
            lines = [f"Limits on {plain(measure)} in {self._name(trial_id)}:"]
            lines += [f"- {', '.join(limits)}: {citation.markdown()}" for citation, limits in found]
            parts.append("\n".join(lines))
            citations += [citation for citation, _ in found]
        focus = trial_ids[0] if len(trial_ids) == 1 else None
        return Answer("\n\n".join(parts), citations, focus, found=bool(citations))

    def _limits_in(self, trial_id: str, names: list[frozenset[str]]) -> list[tuple[Citation, list[str]]]:
        """The criteria of ``trial_id`` whose rule trees compare a measure ``names`` names, each with its limits."""
        found = []
        for criterion in self.catalog.structured(trial_id).criteria:
            limits = [_limit(leaf, criterion.text) for leaf in leaves(criterion.rule) if _compares(leaf, names)]
            if limits:
                found.append((criterion.id, Citation.of_criterion(trial_id, criterion), limits))
        # a heading ("Severe disease defined as:") holds its sub-criteria's rules: cite the sub-criterion
        return [(c, limits) for key, c, limits in found if not any(k.startswith(key + ".") for k, _, _ in found)]

    def _limits_across(self, question: str, measure: str, names: list[frozenset[str]], focus: str | None) -> Answer:
        """ "Which trials have an A1c requirement?": each trial whose rules set a limit on the measure, with the
        limits and the criteria that set them. Candidates are the trials whose criteria write the measure out
        (any spelling: "A1C" for HbA1c, "anemia" for hemoglobin; a lexical search, since a rule's measure is
        words of its criterion), so only those are structured; a trial that only mentions it without a limit is
        left out. Passages answer when no rule sets one, since a limit may be in words."""
        index, candidates = self.catalog.index, {}
        for spelling in _measure_spellings(measure):
            need = words(normalise(spelling))
            for hit in index.search(spelling, k=MENTION_DEPTH, method="bm25"):
                if hit.chunk.kind == "criterion" and need and need <= words(normalise(hit.chunk.text)):
                    candidates.setdefault(hit.chunk.trial_id, None)
        # each candidate is structured to read its rules: past the lexicon's cap, a large index would take minutes
        cap = _lexicon()["limits_across_trials"]
        found = {
            trial_id: limits for trial_id in list(candidates)[:cap] if (limits := self._limits_in(trial_id, names))
        }
        if not found:
            return self._passages(question, None, focus)
        read = f"of the {cap} trials whose criteria name it first; {len(candidates) - cap} more name it, unread; "
        heading = (
            f"{len(found)} indexed trial{'s set' if len(found) > 1 else ' sets'} a limit on {plain(measure)} "
            f"({read if len(candidates) > cap else ''}each with its limits and the criterion that sets them):"
        )
        lines, citations = [heading], []
        for trial_id, limits in found.items():
            title = plain(self.catalog.trials[trial_id].title or trial_id)
            lines += [f"- {title}: {', '.join(shown)}: {citation.markdown()}" for citation, shown in limits]
            citations += [citation for citation, _ in limits]
        return Answer("\n".join(lines), citations, focus, found=True)

    def _name(self, trial_id: str) -> str:
        """The trial's name as answers write it: escaped, since a record's acronym is anyone's text."""
        return plain(self.catalog.name(trial_id))

    def _example(self) -> str:
        trial_id = next(iter(self.catalog.trials), None)
        name = self.catalog.acronyms.get(trial_id or "", trial_id)
        return f"What is the minimum age for {name}?" if trial_id else "the minimum age for NCT…"

    def _ages(self, trial_id: str, intent: str) -> Answer:
        trial, name = self.catalog.trials[trial_id], self._name(trial_id)
        parts, citations = [], []
        limits = (("minimum", trial.minimum_age, _LOWER), ("maximum", trial.maximum_age, _UPPER))
        for which, registry, wording in limits:
            if intent not in (f"{which}_age", "age"):
                continue
            stated = self._criteria_ages(trial_id, wording)
            if registry:
                parts.append(f"The {which} age for {name} is **{_age(registry)}**.")
                citations.append(Citation(trial_id, f"Registry: {which} age", registry.text))
            elif stated:
                parts.append(f"{name}'s criteria set the {which} age: " + "; ".join(text for text, _ in stated) + ".")
            else:
                parts.append(f"{name} states no {which} age.")
            citations += [citation for citation in dict.fromkeys(c for _, c in stated) if citation not in citations]
        return Answer(_cited(" ".join(parts), citations), citations, trial_id)

    def _criteria_ages(self, trial_id: str, wording: dict[str, str]) -> list[tuple[str, Citation]]:
        """Age limits in the trial's criteria in the direction ``wording`` names, with citations.

        A criterion that writes its range out ("Male 2 months to 20 years, Female 2 months to 11 years") is read
        from its words, each range with its own units and sex, because its rule tree may carry one unit for both
        ends or drop an end; other criteria are read from their age leaves."""
        found = []
        for criterion in self.catalog.structured(trial_id).criteria:
            ages = [
                leaf
                for leaf in leaves(criterion.rule)
                if isinstance(leaf, Demographic) and leaf.attribute == "age" and leaf.value is not None
            ]
            if not ages:
                continue
            citation = Citation.of_criterion(trial_id, criterion)
            written = _AgeRange.all_in(criterion.text) if criterion.section != "exclusion" else []
            for age in written:
                found.append((age.limit(wording is _LOWER), citation))
            for leaf in [] if written else ages:
                unit = _UNITS.get(leaf.unit or "a", leaf.unit)
                operator = ADMITTED.get(leaf.operator) if criterion.section == "exclusion" else leaf.operator
                if operator in wording:
                    text = f"**{wording[operator]} {leaf.value:g} {unit}**"
                elif leaf.operator == "between" and leaf.value2 is not None and criterion.section != "exclusion":
                    value = leaf.value if wording is _LOWER else leaf.value2
                    text = f"**{value:g} {unit}** ({leaf.value:g} to {leaf.value2:g} {unit})"
                else:
                    continue
                found.append((text, citation))
        return list(dict.fromkeys(found))

    def _sex(self, trial_id: str) -> Answer:
        trial, name = self.catalog.trials[trial_id], self._name(trial_id)
        who = {"all": "all sexes", "female": "women only", "male": "men only"}
        if trial.sex:
            citations = [Citation(trial_id, "Registry: sex", trial.sex)]
            return Answer(_cited(f"{name} enrols **{who[trial.sex]}**.", citations), citations, trial_id)
        sexes, citations = self._criteria_sexes(trial_id)
        if not sexes:
            return Answer(
                f"{name}'s record does not state which sexes it enrols, and none of its inclusion criteria names one.",
                focus=trial_id,
            )
        sex = sexes.pop() if len(sexes) == 1 else "all"
        return Answer(_cited(f"{name}'s inclusion criteria admit **{who[sex]}**.", citations), citations, trial_id)

    def _criteria_sexes(self, trial_id: str) -> tuple[set[str], list[Citation]]:
        """The sexes the inclusion criteria name, with the criteria that name them: a sex leaf of the rule tree
        ("Women.", "Female sex"), or words admitting both ("Both genders are eligible"). A criterion naming both
        sexes ("Male age 2 months to 20 years, Female age 2 months to 11 years") admits both, whatever its leaf."""
        lexicon = _lexicon()
        both = phrase_regex(lexicon["sex_statements"]["all"])
        named = {sex: phrase_regex(spellings) for sex, spellings in lexicon["sex_words"].items()}
        sexes: set[str] = set()
        citations = []
        for criterion in self.catalog.structured(trial_id).criteria:
            if criterion.section != "inclusion":
                continue
            sex_leaves = [
                leaf for leaf in leaves(criterion.rule) if isinstance(leaf, Demographic) and leaf.attribute == "sex"
            ]
            stated = {leaf.value_text for leaf in sex_leaves if leaf.value_text and leaf in _required(criterion.rule)}
            if not stated and (required := _required_sex(criterion.text)):  # "Postmenopausal female, 55-75 years"
                stated = {required}
            if both.search(criterion.text) or (
                (sex_leaves or stated) and all(r.search(criterion.text) for r in named.values())
            ):
                stated = {"all"}
            if stated:
                sexes |= {"female", "male"} if "all" in stated else stated
                citations.append(Citation.of_criterion(trial_id, criterion))
        return ({"all"} if sexes == {"female", "male"} else sexes), citations

    def _registry(self, trial_id: str, intent: str) -> Answer:
        """Phase, status, healthy volunteers, conditions, interventions or enrolment, from the registry field that
        holds it."""
        trial, name = self.catalog.trials[trial_id], self._name(trial_id)
        label, value, text = _fact(trial, intent)
        if not value:
            return Answer(f"{name}'s registry record does not state its {label}.", focus=trial_id, found=False)
        citations = [Citation(trial_id, f"Registry: {label}", value)]
        return Answer(_cited(text.format(name=name), citations), citations, trial_id)

    def _criteria(self, trial_id: str, section: str) -> Answer:
        name = self._name(trial_id)
        criteria = [c for c in self.catalog.structured(trial_id).criteria if section == "all" or c.section == section]
        if not criteria:
            return Answer(f"{name} lists no {section} criteria.", focus=trial_id)
        heading = f"{section.capitalize()} criteria of {name}:" if section != "all" else f"Criteria of {name}:"
        citations = [Citation.of_criterion(trial_id, c) for c in criteria]
        lines = [heading] + [
            "  " * c.id.count(".") + "- " + citation.markdown() for c, citation in zip(criteria, citations, strict=True)
        ]
        return Answer("\n".join(lines), citations, trial_id)

    def _which_trials(self, match: re.Match[str], focus: str | None) -> Answer:
        topic = match["topic"].strip(" .?!")
        quoted = plain(topic)  # the asker's words, shown as written
        verb = match.groupdict().get("verb") or "concern"
        section = _lexicon()["section_of_verb"].get(verb.lower())
        asked = inverse(_lexicon()["registry_topics"]).get(" ".join(_tokens(topic)))
        if asked and section != "exclusion":
            return self._by_registry(asked, quoted, focus)
        about = verb.lower() in _lexicon()["about_verbs"]["verbs"]  # what trials are about: not what they exclude
        best: dict[str, Citation] = {}
        for chunk in self._mentions(topic):
            if (not section or chunk.section == section) and not (about and chunk.section == "exclusion"):
                best.setdefault(chunk.trial_id, Citation.of_chunk(chunk))
        if not best:
            where = f"{section} criteria" if section else "trials"
            return Answer(f"No indexed trial's {where} mention “{quoted}”.", focus=focus, found=False)
        limit = _lexicon()["max_listed_trials"]
        # "close to", not "exclude": a criterion near "HbA1c above 7%" may set another limit, which its quote shows
        what = f"{section} criteria" if section else "passages"
        heading = (
            f"{len(best)} indexed trial{'s have' if len(best) > 1 else ' has'} {what} close to “{quoted}” "
            "(each quote gives the exact wording):"
        )
        return self._listed(heading, best, limit, focus)

    def _by_registry(self, asked: str, quoted: str, focus: str | None) -> Answer:
        """Which trials accept healthy volunteers or enrol children, from the registry fields that say so (the
        healthy-volunteers flag; an age limit under 18 years), and where a record has no such field, from its
        title or inclusion criteria ("in good health", "Children", "aged 1 to 16 years"). Passages merely
        near in meaning would list trials of sick adults that mention volunteers or children."""
        reason = self._accepts_healthy if asked == "healthy_volunteers" else self._enrols_children
        found = {trial_id: citation for trial_id in self.catalog.trials if (citation := reason(trial_id))}
        if not found:
            return Answer(f"No indexed trial's record says it takes “{quoted}”.", focus=focus, found=False)
        limit = _lexicon()["max_listed_trials"]
        heading = f"{len(found)} indexed trial{'s take' if len(found) > 1 else ' takes'} “{quoted}” (each with why):"
        return self._listed(heading, found, limit, focus)

    def _listed(self, heading: str, found: dict[str, Citation], limit: int, focus: str | None) -> Answer:
        """A list of trials, each with its title and the citation that puts it on the list (the citation
        names the trial, so the line does not name it twice). Past ``limit`` the rest sit in a fold the
        reader can open: a bare "… and 20 more" hid trials the list was asked for."""

        def line(trial_id: str, citation: Citation) -> str:
            return f"- {plain(self.catalog.trials[trial_id].title or trial_id)}: {citation.markdown()}"

        items = list(found.items())
        lines = [heading, *(line(*item) for item in items[:limit])]
        if rest := items[limit:]:
            # a blank line after <summary> lets the chat's Markdown read the list inside the fold
            lines += ["", f"<details><summary>… and {len(rest)} more</summary>", "", *(line(*i) for i in rest)]
            lines += ["", "</details>"]
        return Answer("\n".join(lines), [citation for _, citation in items], focus)

    def _own_passages(self, trial_id: str) -> list[Chunk]:
        """The trial's title and inclusion criteria as indexed, for citing what a record's own words say."""
        index = self.catalog.index
        chunks = index.metadata.chunks(index.metadata.rows(Filters(trial_ids=[trial_id]))).values()
        return [c for c in chunks if c.kind == "title" or c.section == "inclusion"]

    def _accepts_healthy(self, trial_id: str) -> Citation | None:
        trial = self.catalog.trials[trial_id]
        if trial.healthy_volunteers is not None:
            return Citation(trial_id, "Registry: healthy volunteers", "yes") if trial.healthy_volunteers else None
        wording = phrase_regex(_lexicon()["healthy_wording"])
        return next((Citation.of_chunk(c) for c in self._own_passages(trial_id) if wording.search(c.text)), None)

    def _enrols_children(self, trial_id: str) -> Citation | None:
        trial = self.catalog.trials[trial_id]
        for which, age in (("minimum", trial.minimum_age), ("maximum", trial.maximum_age)):
            if age and _years(age.value, age.unit) < 18:
                return Citation(trial_id, f"Registry: {which} age", age.text)
        if trial.minimum_age or trial.maximum_age:
            return None  # the registry's ages say adults only
        title = phrase_regex(_lexicon()["child_words"])
        for chunk in self._own_passages(trial_id):
            if chunk.kind == "title" and title.search(chunk.text):
                return Citation.of_chunk(chunk)
            written = _AgeRange.all_in(chunk.text) if _AGE_WORDS.search(chunk.text) or title.search(chunk.text) else []
            if chunk.kind == "criterion" and any(age.starts_under_18 for age in written):  # not "sex 1 to 4 days"
                return Citation.of_chunk(chunk)
        return None

    def _mentions(self, topic: str) -> list[Chunk]:
        """Passages that name ``topic`` (every content word, synonyms applied, e.g. "pregnant women" in
        "Pregnancy or planned pregnancy") or mean it (MiniLM cosine over the mention threshold), by relevance."""
        index, threshold = self.catalog.index, _lexicon()["mention_threshold"]
        found: dict[int, Chunk] = {}
        for n, variant in enumerate(expanded(topic)):  # "HbA1c" also as "A1C": the synonyms lexicon
            need = words(normalise(variant))
            dense = index.search(variant, k=MENTION_DEPTH, method="dense")
            lexical = index.search(variant, k=MENTION_DEPTH, method="bm25")
            for hit in dense:  # a synonym must be written out: its nearest meanings were the asker's words' too
                if (hit.score >= threshold and n == 0) or (need and need <= words(normalise(hit.chunk.text))):
                    found.setdefault(hit.row, hit.chunk)
            for hit in lexical:
                if need and need <= words(normalise(hit.chunk.text)):
                    found.setdefault(hit.row, hit.chunk)
        return list(found.values())

    def _top(self, query: str, scope: Filters | None) -> list[Hit]:
        """The one passage nearest in meaning to ``query``, whose score says whether anything is relevant."""
        return self.catalog.index.search(query, k=1, filters=scope, method="dense")

    def _passages(
        self, question: str, named: str | None, focus: str | None, k: int | None = None, heading: str | None = None
    ) -> Answer:
        """The best-matching passages, from the named or focused trial if it has relevant ones.

        A focused trial with nothing relevant does not silently hand the question to other trials: the answer
        says so before it shows other trials' passages, and the focus stays. The query is expanded by the
        synonyms lexicon, so "HbA1c" also finds "A1C". A named trial's passages are searched with the question
        without trial names too, since a name is not what is asked and blurs its meaning, and need only clear
        the lower ``relevance_threshold_named``: the asker chose the trial, so its nearest passages are not
        competing with other trials' (a focus carried from an earlier answer may be stale, so it does not).

        The words searched are the question's less those saying which trial or that someone is eligible
        (``search_text``). A named trial with nothing close enough still shows its closest passages, under a
        line saying that none is close enough to answer: the asker chose that trial and can read them, and an
        eligibility statement is often about something its criteria say only in other words (NLI4CT train
        statements asked about their trial: 82 of 655 asks found no passage of it at cosine 0.35)."""
        lexicon = _lexicon()
        scopes = [Filters(trial_ids=[named or focus])] if named or focus else []
        searched = search_text(question)
        queries = expanded(searched)
        if named:
            bare = expanded(self.catalog.without_names(searched))
            queries += [query for query in bare if query.strip(" ?.!") and query not in queries]
        for scope in [*scopes, None]:
            best = [(hits[0].score, query) for query in queries if (hits := self._top(query, scope))]
            score, query = max(best, default=(0.0, question))
            threshold = lexicon["relevance_threshold_named" if named and scope else "relevance_threshold"]
            if score >= threshold:
                hits = self.catalog.index.search(query, k=k or lexicon["passages"], filters=scope, method="hybrid")
                citations = [Citation.of_chunk(h.chunk) for h in hits]
                moved = focus is not None and scope is None
                new_focus = focus if moved else named or hits[0].chunk.trial_id
                note = (
                    f"Nothing in {self._name(focus)} matches that question closely enough. "
                    "The closest passages in other indexed trials:"
                    if moved and focus
                    else None
                )
                if self.llm is not None:
                    from trialsieve.llm.answers import phrase

                    phrased, _ = phrase(self.llm, question, citations)  # refused: the extractive answer stands
                    if phrased:
                        return Answer("\n\n".join(filter(None, [note, phrased])), citations, new_focus)
                heading = note or (f"{heading}:" if heading else "The passages that best match your question:")
                lines = [heading] + [f"- {c.markdown()}" for c in citations]
                return Answer("\n".join(lines), citations, new_focus)
            if named:
                break  # a question about a named trial is not answered from other trials
        where = f"in {self._name(named)}" if named else "in the indexed trials"
        nothing = f"Nothing {where} matches that question closely enough to answer it."
        if named and scopes and (queries := [q for q in queries if q.strip(" ?.!")]):
            hits = self.catalog.index.search(queries[0], k=k or lexicon["passages"], filters=scopes[0], method="hybrid")
            citations = [Citation.of_chunk(h.chunk) for h in hits]
            if citations:
                lines = [f"{nothing} Its closest passages, none close enough to answer, to read for yourself:"]
                lines += [f"- {c.markdown()}" for c in citations]
                return Answer("\n".join(lines), citations, focus, found=False)
        return Answer(nothing, focus=focus, found=False)


def _measure_spellings(measure: str) -> list[str]:
    """Each name ``measure`` goes by: itself, its synonyms, and the conditions the lexicon's ``limit_terms``
    says are written as a limit on it ("anemia" for hemoglobin). A group counts when one of its names is the
    whole measure, not a word of it: "glycated hemoglobin" is not hemoglobin, so anemia is no limit on it."""
    spellings = expanded(measure)
    asked = [words(normalise(s)) - _measure_filler() for s in spellings]
    for key, terms in _lexicon()["limit_terms"].items():
        group = [] if key.startswith("_") else [key, *terms]
        if any(words(normalise(name)) == own for name in group for own in asked):
            spellings += [name for name in group if name not in spellings]
    return spellings


def _measure_names(measure: str) -> list[frozenset[str]]:
    """The content words of each name ``measure`` goes by (``_measure_spellings``)."""
    return [found for s in _measure_spellings(measure) if (found := words(normalise(s)) - _measure_filler())]


@cache
def _measure_filler() -> frozenset[str]:
    return frozenset(_lexicon()["measure_filler"])


def _compares(leaf: Leaf, names: list[frozenset[str]]) -> bool:
    """Whether ``leaf`` is a numeric limit on a variable one of ``names`` names (all of its words)."""
    if not isinstance(leaf, Comparison):
        return False
    variable = words(normalise(leaf.variable.strip("*")))
    return any(name <= variable for name in names)


def _limit(leaf: Comparison, text: str) -> str:
    """A comparison as the criterion writes it, bold: "**anemia < 8g/dL**", "**Platelet count < 100,000/mm3**";
    the words themselves, so a number is never rewritten (100,000 is not 100000); rebuilt from the leaf only
    when its span is not in ``text``."""
    written = text[leaf.span[0] : leaf.span[1]].strip(" ,;(").lstrip("*")
    if any(ch.isdigit() for ch in written):
        return f"**{plain(written)}**"
    unit = leaf.unit_text or leaf.unit or ""
    unit = unit if unit in ("", "%") else f" {unit}"
    variable = plain(leaf.variable.strip("*"))
    if leaf.operator == "between" and leaf.value2 is not None:
        return f"**{variable} {leaf.value:g} to {leaf.value2:g}{unit}**"
    return f"**{variable} {_SYMBOLS.get(leaf.operator, leaf.operator)} {leaf.value:g}{unit}**"


_SYMBOLS = {">=": "≥", "<=": "≤", ">": "over", "<": "under"}


_COMPARABLE = {"minimum_age": "minimum age", "maximum_age": "maximum age", "enrollment": "enrolment"}


def _direction(question: str) -> str | None:
    """ "lower" or "higher" when the question asks which trial's value is lower or higher ("Which enrols
    more ...", "the lower minimum age"), by the comparatives lexicon; None when it only asks for the values."""
    for direction, spellings in _lexicon()["comparatives"].items():
        if not direction.startswith("_") and phrase_regex(spellings).search(question):
            return direction
    return None


def _value(trial: Trial, intent: str) -> tuple[float, str | None] | None:
    """The registry number ``intent`` asks for, with its UCUM unit: an age limit ("a", "mo") or the enrolment
    count (no unit)."""
    if intent == "enrollment":
        return None if trial.enrollment is None else (float(trial.enrollment), None)
    age = trial.minimum_age if intent == "minimum_age" else trial.maximum_age
    return (age.value, age.unit) if age else None


def _required_sex(text: str) -> str | None:
    """The sex ("female", "male") a criterion requires outright by opening with it, after at most a few
    qualifiers from the lexicon ("Postmenopausal female", "Each woman enrolled ..."), whatever its rule tree
    holds, or with a state only women are in ("Premenopausal with regular menstrual cycles": ``female_states``).
    "If female, ..." opens with a condition, so it does not, nor does a criterion about a subgroup ("Women of
    childbearing potential must use contraception": the lexicon's ``sex_subgroups``)."""
    lexicon = _lexicon()
    if phrase_regex(lexicon["sex_subgroups"]).search(text):
        return None
    if found := _sex_opening().match(text):
        return inverse(lexicon["sex_words"])[(found["sex"] or found["head"]).lower()]
    states = lexicon["female_states"]  # "Premenopausal with regular menstrual cycles": women only
    named = [w for words in lexicon["sex_words"].values() for w in words]
    if re.match(rf"\W*(?:{alternation(states['states'])})", text, re.IGNORECASE) and not phrase_regex(
        states["modals"] + named
    ).search(text):
        return "female"
    return None


@cache
def _sex_opening() -> re.Pattern[str]:
    """The sex word a criterion opens with, after qualifiers ("Postmenopausal female"), or heading its opening
    phrase after a few words of description that the phrase ends on ("Premenopausal, estrogen receptor positive
    women, aged 20 years and over"); a word of ``sex_phrase_breakers`` ("Partners of women", "Pregnant or
    lactating women") ends the description, so such an opening names no sex."""
    lexicon = _lexicon()
    qualifiers = "|".join(re.escape(q) for q in lexicon["sex_qualifiers"])
    sexes = "|".join(re.escape(w) for words in lexicon["sex_words"].values() for w in words)
    breakers = "|".join(re.escape(w) for w in lexicon["sex_phrase_breakers"])
    described = rf"(?:(?!(?:{breakers})\b)[\w+/-]+,?\s+){{1,4}}"
    ends = r"(?=\s*(?:[,;:(]|\.?$)|\s+(?:aged?|with|who|over|between)\b)"
    return re.compile(
        rf"\W*(?:(?:{qualifiers})\W+){{0,3}}(?:(?P<sex>{sexes})\b|{described}(?P<head>{sexes})\b{ends})",
        re.IGNORECASE,
    )


def _required(rule: Rule) -> list[Leaf]:
    """The leaves a criterion requires outright: the rule itself or the parts of an "all", not the options of an
    "any" or a negation ("If female, using birth control" does not restrict the trial to women)."""
    if rule.type == "all":
        return [leaf for arg in rule.args for leaf in _required(arg)]
    return [] if rule.type in LOGIC_TYPES else [rule]


def _cited(text: str, citations: list[Citation]) -> str:
    return "\n".join([text, *(f"- {c.markdown()}" for c in citations)])


def _age(age: Age) -> str:
    return f"{age.value:g} {_UNITS.get(age.unit, age.unit)}"


@dataclass(frozen=True)
class _AgeRange:
    """An age range as a criterion writes it: "Male Age 2 months to 20 years", "6 months to less than 13 years"."""

    low: str  # "2 months"
    high: str  # "20 years"
    strict: bool  # the upper end is excluded: "less than 13 years"
    sex: str | None  # the sex the range is for, when the criterion gives one range per sex
    starts_under_18: bool = False  # its lower end is a child's age

    @staticmethod
    def all_in(text: str) -> list[_AgeRange]:
        lexicon = _lexicon()
        units, sex_of = lexicon["age_units"], inverse(lexicon["sex_words"])
        found = []
        for match in re.finditer(lexicon["age_range"], text, re.IGNORECASE):
            high_unit = units[match["high_unit"].lower()]
            low_unit = units[match["low_unit"].lower()] if match["low_unit"] else high_unit
            sex = sex_of.get(match["sex"].lower()) if match["sex"] else None
            low, high = _amount(match["low"], low_unit), _amount(match["high"], high_unit)
            child = _years(float(match["low"]), _UCUM_OF_UNIT[low_unit]) < 18
            found.append(_AgeRange(low, high, bool(match["strict"]), sex, child))
        return found

    def limit(self, lower: bool) -> str:
        """The range's lower or upper limit, bold, with the range it comes from: "**2 months** (male: 2 months
        to 20 years)"."""
        value = self.low if lower else ("under " if self.strict else "") + self.high
        written = f"{self.low} to {'less than ' if self.strict else ''}{self.high}"
        return f"**{value}** ({self.sex + ': ' if self.sex else ''}{written})"


_AGE_WORDS = re.compile(r"\b(?:age[ds]?|old)\b", re.IGNORECASE)  # a range that is an age, not "sex 1 to 4 days"
_UCUM_OF_UNIT = {unit: code for code, unit in _UNITS.items()}  # "months" -> "mo"


def _years(value: float, unit: str) -> float:
    """An age in years: 6 "mo" is 0.5."""
    return convert(value, unit, "a")


def _amount(number: str, unit: str) -> str:
    """ "1" "years" -> "1 year"; "2" "months" -> "2 months"."""
    return f"{number} {unit[:-1] if float(number) == 1 else unit}"


def _fact(trial: Trial, intent: str) -> tuple[str, str, str]:
    """What ``intent`` asks of the registry record, as (field label, cited value, answer template)."""
    if intent == "phase":
        phases = [_phase(p) for p in trial.phases]
        return "phase", ", ".join(phases), "{name} is **" + " / ".join(phases) + "**."
    if intent == "status":
        status = _lexicon()["statuses"].get(trial.status or "", (trial.status or "").replace("_", " ").lower())
        return "status", trial.status or "", f"{{name}}'s registry status is **{status}**."
    if intent == "healthy_volunteers":
        value = {True: "yes", False: "no", None: ""}[trial.healthy_volunteers]
        verb = "accepts" if trial.healthy_volunteers else "does not accept"
        return "healthy volunteers", value, f"{{name}} **{verb}** healthy volunteers."
    if intent == "enrollment":
        count = "" if trial.enrollment is None else str(trial.enrollment)
        return "enrollment", count, f"{{name}}'s registry enrolment (actual or planned) is **{count} participants**."
    if intent == "conditions":
        return "conditions", "; ".join(trial.conditions), "{name} studies **" + "; ".join(trial.conditions) + "**."
    items = "; ".join(trial.interventions)
    return "interventions", items, "{name}'s interventions: **" + items + "**."


def _phase(phase: str) -> str:
    """ "PHASE2", "Phase 2" -> "Phase 2"; "NA" -> "not applicable (no phase)"."""
    if phase.upper() in ("NA", "N/A"):
        return "not applicable (no phase)"
    return re.sub(r"(?i)^phase\s*", "Phase ", phase).strip()
