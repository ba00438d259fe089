"""Answers to questions about the indexed trials, without an LLM, every claim cited.

A question is read by the phrases in ``lexicons/questions.json``:
- age and sex limits come from the registry fields, the rule trees and the criteria's own words;
- phase, status, healthy volunteers, conditions and interventions come from the registry fields;
- facts the indexed registry data does not hold (locations, contacts, enrolment) are said to be missing;
- criteria lists come from the structured criteria;
- "which trials exclude X" comes from passages whose MiniLM similarity to X clears a threshold;
- anything else gets the best-matching passages, if any are relevant enough.

A question goes to a specific answer only when it is that kind of question (see ``intent_of``): a word
like "age" inside a longer statement must not turn it into an age question. The trial in focus (named
by NCT id or acronym, or carried from the last answer) lets follow-ups like "and the maximum age?"
work; a question about several named trials is answered for each. When nothing relevant is indexed the
answer says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from trialsieve.app.catalog import Catalog
from trialsieve.app.citations import Citation, plain
from trialsieve.extract.lexicon import inverse, load, phrase_regex
from trialsieve.index.chunks import Chunk
from trialsieve.index.metadata import Filters
from trialsieve.index.search import Hit
from trialsieve.llm.backends import LLM
from trialsieve.match.concepts import normalise, words
from trialsieve.rules import LOGIC_TYPES, Demographic, Leaf, Rule, leaves
from trialsieve.trial import Age, Trial

MAX_QUESTION = 2000
MENTION_DEPTH = 200  # passages each method offers to a "which trials" question
_UNITS = {"a": "years", "mo": "months", "wk": "weeks", "d": "days", "h": "hours", "min": "minutes"}
_LOWER = {">=": "at least", ">": "over"}
_UPPER = {"<=": "at most", "<": "under"}
_ADMITTED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}  # an exclusion's limit, as the ages it admits


@dataclass
class Answer:
    text: str
    citations: list[Citation] = field(default_factory=list)
    focus: str | None = None  # the trial follow-up questions are about
    found: bool = True  # False when the answer is that nothing relevant is indexed


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

    def __init__(self, catalog: Catalog, llm: LLM | None = None) -> None:
        self.catalog = catalog
        self.llm = llm

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
        intent, match = intent_of(self.catalog.without_names(question))
        if intent and (reply := _reply(intent)):
            trial_id = named or (None if cross else focus)
            where = self._name(trial_id) if trial_id else "these trials"
            return Answer(reply.format(name=where), focus=focus, found=False)
        if intent == "which_trials":
            return self._which_trials(match, focus)
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
        return Answer("\n\n".join(parts), citations, None, found=bool(citations))

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
                operator = _ADMITTED.get(leaf.operator) if criterion.section == "exclusion" else leaf.operator
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
            if both.search(criterion.text) or (sex_leaves and all(r.search(criterion.text) for r in named.values())):
                stated = {"all"}
            if stated:
                sexes |= {"female", "male"} if "all" in stated else stated
                citations.append(Citation.of_criterion(trial_id, criterion))
        return ({"all"} if sexes == {"female", "male"} else sexes), citations

    def _registry(self, trial_id: str, intent: str) -> Answer:
        """Phase, status, healthy volunteers, conditions or interventions, from the registry field that holds it."""
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
        best: dict[str, Citation] = {}
        for chunk in self._mentions(topic):
            if not section or chunk.section == section:
                best.setdefault(chunk.trial_id, Citation.of_chunk(chunk))
        if not best:
            where = f"{section} criteria" if section else "trials"
            return Answer(f"No indexed trial's {where} mention “{quoted}”.", focus=focus, found=False)
        limit = _lexicon()["max_listed_trials"]
        # "close to", not "exclude": a criterion near "HbA1c above 7%" may set another limit, which its quote shows
        what = f"{section} criteria" if section else "passages"
        lines = [
            f"{len(best)} indexed trial{'s have' if len(best) > 1 else ' has'} {what} close to “{quoted}” "
            "(each quote gives the exact wording):"
        ]
        for trial_id, citation in list(best.items())[:limit]:
            title = plain(self.catalog.trials[trial_id].title or "")
            lines.append(f"- **{plain(trial_id)}** {title}: {citation.markdown()}")
        if len(best) > limit:
            lines.append(f"- … and {len(best) - limit} more")
        return Answer("\n".join(lines), list(best.values())[:limit], focus)

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
        synonyms lexicon, so "HbA1c" also finds "A1C"."""
        lexicon = _lexicon()
        scopes = [Filters(trial_ids=[named or focus])] if named or focus else []
        for scope in [*scopes, None]:
            best = [(hits[0].score, query) for query in expanded(question) if (hits := self._top(query, scope))]
            score, query = max(best, default=(0.0, question))
            if score >= lexicon["relevance_threshold"]:
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
        return Answer(f"Nothing {where} matches that question closely enough to answer it.", focus=focus, found=False)


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
            found.append(_AgeRange(low, high, bool(match["strict"]), sex))
        return found

    def limit(self, lower: bool) -> str:
        """The range's lower or upper limit, bold, with the range it comes from: "**2 months** (male: 2 months
        to 20 years)"."""
        value = self.low if lower else ("under " if self.strict else "") + self.high
        written = f"{self.low} to {'less than ' if self.strict else ''}{self.high}"
        return f"**{value}** ({self.sex + ': ' if self.sex else ''}{written})"


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
    if intent == "conditions":
        return "conditions", "; ".join(trial.conditions), "{name} studies **" + "; ".join(trial.conditions) + "**."
    items = "; ".join(trial.interventions)
    return "interventions", items, "{name}'s interventions: **" + items + "**."


def _phase(phase: str) -> str:
    """ "PHASE2", "Phase 2" -> "Phase 2"; "NA" -> "not applicable (no phase)"."""
    if phase.upper() in ("NA", "N/A"):
        return "not applicable (no phase)"
    return re.sub(r"(?i)^phase\s*", "Phase ", phase).strip()
