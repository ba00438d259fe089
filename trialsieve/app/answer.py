"""Answers to questions about the indexed trials, without an LLM, every claim cited.

A question is read by the phrases in ``lexicons/questions.json``:
- age and sex limits come from the registry fields and the rule trees;
- criteria lists come from the structured criteria;
- "which trials exclude X" comes from passages whose MiniLM similarity to X clears a threshold;
- anything else gets the best-matching passages, if any are relevant enough.

The trial in focus (named by NCT id or acronym, or carried from the last answer) lets follow-ups
like "and the maximum age?" work. When nothing relevant is indexed the answer says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from trialsieve.app.catalog import Catalog
from trialsieve.app.citations import Citation, plain
from trialsieve.extract.lexicon import load, phrase_regex
from trialsieve.index.chunks import Chunk
from trialsieve.index.metadata import Filters
from trialsieve.llm.backends import LLM
from trialsieve.match.concepts import normalise, words
from trialsieve.rules import Demographic, leaves
from trialsieve.trial import Age

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


@cache
def _intents() -> list[tuple[str, list[re.Pattern[str]]]]:
    intents = []
    for intent in _lexicon()["intents"]:
        patterns = [re.compile(p, re.IGNORECASE) for p in intent.get("patterns", [])]
        if intent.get("phrases"):
            patterns.append(phrase_regex(intent["phrases"]))
        intents.append((intent["name"], patterns))
    return intents


def intent_of(question: str) -> tuple[str | None, re.Match[str] | None]:
    """The first intent whose pattern or phrase the question contains."""
    for name, patterns in _intents():
        for pattern in patterns:
            if match := pattern.search(question):
                return name, match
    return None, None


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
        intent, match = intent_of(question)
        if intent == "which_trials":
            return self._which_trials(match, focus)
        trial_id = named or focus
        if intent and trial_id is None:
            return Answer(
                f"Which trial do you mean? Name it by NCT id or acronym, e.g. “{self._example()}”.",
                found=False,
            )
        if intent in ("minimum_age", "maximum_age", "age"):
            return self._ages(trial_id, intent)
        if intent == "sex":
            return self._sex(trial_id)
        if intent in ("exclusion_criteria", "inclusion_criteria", "all_criteria"):
            return self._criteria(trial_id, intent.split("_")[0])
        return self._passages(question, named, focus)

    def _name(self, trial_id: str) -> str:
        """The trial's name as answers write it: escaped, since a record's acronym is anyone's text."""
        return plain(self.catalog.name(trial_id))

    def _example(self) -> str:
        trial = next(iter(self.catalog.trials.values()), None)
        return f"What is the minimum age for {trial.acronym or trial.id}?" if trial else "the minimum age for NCT…"

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
            citations += [citation for _, citation in stated]
        return Answer(_cited(" ".join(parts), citations), citations, trial_id)

    def _criteria_ages(self, trial_id: str, wording: dict[str, str]) -> list[tuple[str, Citation]]:
        """Age limits in the trial's criteria in the direction ``wording`` names, with citations."""
        found = []
        for criterion in self.catalog.structured(trial_id).criteria:
            for leaf in leaves(criterion.rule):
                if not (isinstance(leaf, Demographic) and leaf.attribute == "age" and leaf.value is not None):
                    continue
                unit = _UNITS.get(leaf.unit or "a", leaf.unit)
                operator = _ADMITTED.get(leaf.operator) if criterion.section == "exclusion" else leaf.operator
                if operator in wording:
                    text = f"**{wording[operator]} {leaf.value:g} {unit}**"
                elif leaf.operator == "between" and leaf.value2 is not None and criterion.section != "exclusion":
                    value = leaf.value if wording is _LOWER else leaf.value2
                    text = f"**{value:g} {unit}** ({leaf.value:g} to {leaf.value2:g} {unit})"
                else:
                    continue
                found.append((text, Citation.of_criterion(trial_id, criterion)))
        return found

    def _sex(self, trial_id: str) -> Answer:
        trial, name = self.catalog.trials[trial_id], self._name(trial_id)
        if not trial.sex:
            return Answer(f"{name}'s record does not state which sexes it enrols.", focus=trial_id)
        who = {"all": "all sexes", "female": "women only", "male": "men only"}[trial.sex]
        citations = [Citation(trial_id, "Registry: sex", trial.sex)]
        return Answer(_cited(f"{name} enrols **{who}**.", citations), citations, trial_id)

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
        what = {"exclusion": "exclude", "inclusion": "require or admit"}.get(section or "", "mention")
        lines = [f"{len(best)} indexed trial{'s' if len(best) > 1 else ''} {what} “{quoted}”:"]
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
        need = words(normalise(topic))
        dense = index.search(topic, k=MENTION_DEPTH, method="dense")
        lexical = index.search(topic, k=MENTION_DEPTH, method="bm25")
        found: dict[int, Chunk] = {}
        for hit in dense:
            if hit.score >= threshold or (need and need <= words(normalise(hit.chunk.text))):
                found.setdefault(hit.row, hit.chunk)
        for hit in lexical:
            if need and need <= words(normalise(hit.chunk.text)):
                found.setdefault(hit.row, hit.chunk)
        return list(found.values())

    def _passages(self, question: str, named: str | None, focus: str | None) -> Answer:
        """The best-matching passages, from the named or focused trial if it has relevant ones."""
        lexicon = _lexicon()
        scopes = [Filters(trial_ids=[named or focus])] if named or focus else []
        for scope in [*scopes, None]:
            dense = self.catalog.index.search(question, k=1, filters=scope, method="dense")
            if dense and dense[0].score >= lexicon["relevance_threshold"]:
                hits = self.catalog.index.search(question, k=lexicon["passages"], filters=scope, method="hybrid")
                citations = [Citation.of_chunk(h.chunk) for h in hits]
                focus = named or hits[0].chunk.trial_id
                if self.llm is not None:
                    from trialsieve.llm.answers import phrase

                    phrased, _ = phrase(self.llm, question, citations)  # refused: the extractive answer stands
                    if phrased:
                        return Answer(phrased, citations, focus)
                lines = ["The passages that best match your question:"] + [f"- {c.markdown()}" for c in citations]
                return Answer("\n".join(lines), citations, focus)
            if named:
                break  # a question about a named trial is not answered from other trials
        where = f"in {self._name(named)}" if named else "in the indexed trials"
        return Answer(f"Nothing {where} matches that question closely enough to answer it.", focus=focus, found=False)


def _cited(text: str, citations: list[Citation]) -> str:
    return "\n".join([text, *(f"- {c.markdown()}" for c in citations)])


def _age(age: Age) -> str:
    return f"{age.value:g} {_UNITS.get(age.unit, age.unit)}"
