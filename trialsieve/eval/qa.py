"""``trialsieve eval qa``: the Ask engine's answers scored against a question file with gold.

The file is JSONL, one question a line (the format is documented in ``data/qa/README.md``). Every
gold check is mechanical, so a run needs no judge:

- ``answer_contains``: each item appears in the answer (an item that is a list is alternatives, one
  of which must appear), and ``answer_excludes``: none does. Both sides are compared case-folded
  (NFKC: "kg/m²" is "kg/m2"), with markdown emphasis and escapes removed, "_" read as a space,
  whitespace collapsed and no space between a number and its unit ("8g/dL" is "8 g/dL"). Strings
  match whole words and whole numbers: "men" is not found in "women", nor "8 g/dL" in "18 g/dL".
- ``trials``: each trial id is cited or named in the answer; ``trials_exclude``: none is.
- ``verdict``: the first verdict phrase in the answer ("not eligible", "cannot tell", "yes"...) is
  the gold one; an answer with no verdict phrase is wrong.
- ``unanswerable``: the answer says the data does not hold it (or finds nothing) instead of
  offering passages as if they answered.

A question is right when every check it has passes. Apart from rightness, every number with a unit
in the answer ("11 g/dL", "18 years", "7%") must appear, as a number, in a cited passage, in a
registry field of a cited trial, or in the question; one that does not is a hallucinated value.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from tqdm import tqdm

from trialsieve.jsonl import read_rows
from trialsieve.trial import Trial

Kind = Literal[
    "value_limit",  # a lab or value limit of a named trial
    "excludes",  # does trial X exclude Y
    "follow_up",  # a question with a trial in focus and none named
    "age",  # minimum or maximum age
    "sex",  # from the registry field or the criteria text
    "registry",  # phase, status, enrollment, healthy volunteers, conditions, interventions
    "which_trials",  # lists across the index
    "comparison",  # two named trials
    "acronym",  # a trial named by an acronym in its title
    "vocabulary",  # variants: HbA1c / A1C, ...
    "patient",  # would a described patient be eligible: yes, no, cannot tell
    "unanswerable",  # not in the data: location, contact...
]
KINDS: tuple[str, ...] = Kind.__args__
Verdict = Literal["yes", "no", "cannot tell"]


class Question(BaseModel):
    """One line of a question file: the question, where it is asked, and its gold checks."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    focus: str | None = Field(None, description="the trial in focus, as after an earlier answer")
    kind: Kind
    answer_contains: list[str | list[str]] = Field(default_factory=list, description="a list item: alternatives")
    answer_excludes: list[str] = Field(default_factory=list)
    trials: list[str] = Field(default_factory=list, description="trial ids the answer must cite or name")
    trials_exclude: list[str] = Field(default_factory=list, description="trial ids it must neither cite nor name")
    verdict: Verdict | None = None
    unanswerable: bool = False
    source: str | None = Field(None, description="where in the trial text the gold was read, for reviewers")

    @model_validator(mode="after")
    def _has_gold(self) -> Question:
        """A question without a positive check would count any answer right."""
        if not (self.answer_contains or self.trials or self.verdict or self.unanswerable):
            raise ValueError("no gold: give answer_contains, trials, verdict or unanswerable")
        needles = [s for item in self.answer_contains for s in ([item] if isinstance(item, str) else item)]
        if any(not s.strip() for s in [*needles, *self.answer_excludes]) or [] in self.answer_contains:
            raise ValueError("an empty string in answer_contains or answer_excludes matches every answer")
        return self


class Cited(BaseModel):
    trial_id: str
    label: str
    quote: str


class Prediction(BaseModel):
    """An answer as scored: what the engine said and which checks failed."""

    id: str
    kind: str
    question: str
    focus: str | None = None
    text: str
    found: bool = True
    citations: list[Cited] = Field(default_factory=list)
    right: bool = False
    failed: list[str] = Field(default_factory=list)
    hallucinated: list[str] = Field(default_factory=list)


class KindScore(BaseModel):
    questions: int = 0
    right: int = 0
    hallucinated_answers: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.questions if self.questions else 0.0


class QAResult(BaseModel):
    per_kind: dict[str, KindScore]
    predictions: list[Prediction]

    @property
    def overall(self) -> KindScore:
        total = KindScore()
        for score in self.per_kind.values():
            total.questions += score.questions
            total.right += score.right
            total.hallucinated_answers += score.hallucinated_answers
        return total

    @property
    def hallucinated_values(self) -> int:
        return sum(len(p.hallucinated) for p in self.predictions)

    def as_dict(self) -> dict:
        def scores(score: KindScore) -> dict:
            return score.model_dump() | {"accuracy": score.accuracy}

        return {
            "overall": scores(self.overall) | {"hallucinated_values": self.hallucinated_values},
            "per_kind": {kind: scores(score) for kind, score in self.per_kind.items()},
        }


class _Answer(Protocol):
    text: str
    citations: list
    found: bool


class _Answerer(Protocol):
    def answer(self, question: str, focus: str | None = None) -> _Answer: ...


def read(path: Path) -> list[Question]:
    """The questions of a file; a bad line or a repeated id is a ValueError naming its line."""
    seen: set[str] = set()

    def check(row: dict) -> None:
        try:
            question = Question.model_validate(row)
        except ValidationError as error:  # one line, naming each field at fault
            fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'row'}: {e['msg']}" for e in error.errors())
            raise ValueError(fields) from None
        if question.id in seen:
            raise ValueError(f"id {question.id!r} repeats an earlier question's")
        seen.add(question.id)

    return [Question.model_validate(row) for row in read_rows(path, "a QA question", check)]


# --- matching --------------------------------------------------------------------------------------

_ESCAPE = re.compile(r"\\([^\w\s])")
_EMPHASIS = re.compile(r"\*\*|__")
_AFTER_NUMBER = re.compile(r"(?<=\d)\s+(?=[^\d\s])")


def normalise(text: str) -> str:
    """Text as the checks compare it: NFKC, case-folded, markdown escapes and bold removed, "_" as a
    space, whitespace collapsed."""
    text = _EMPHASIS.sub("", _ESCAPE.sub(r"\1", unicodedata.normalize("NFKC", text)))
    return " ".join(text.casefold().replace("_", " ").split())


def contains(text: str, needle: str) -> bool:
    """``needle`` in ``text`` after ``normalise``, as whole words and whole numbers, the space after a
    number optional on either side ("8g/dL" is "8 g/dL")."""
    needle = _AFTER_NUMBER.sub("", normalise(needle))
    pattern = re.sub(r"(?<=\d)(?=[^\d.,])", r"\\s?", re.escape(needle))
    if needle[:1].isdigit():
        pattern = r"(?<![\w.,])" + pattern
    elif needle[:1].isalpha():
        pattern = r"(?<!\w)" + pattern
    if needle[-1:].isdigit():
        pattern += r"(?!\d|[.,]\d)"
    elif needle[-1:].isalpha():
        pattern += r"(?!\w)"
    return re.search(pattern, normalise(text)) is not None


_VERDICTS: list[tuple[str, re.Pattern[str]]] = [
    (
        "cannot tell",
        re.compile(
            r"\b(?:cannot|can't|can ?not) (?:tell|say|be determined|determine|decide)|not enough information"
            r"|insufficient information|(?:it )?depends on|unclear whether|unknown whether"
            r"|not possible to (?:tell|say)",
            re.IGNORECASE,
        ),
    ),
    (
        "no",
        re.compile(
            r"^\W*no\b|\b(?:not|never) (?:be )?eligible|\bineligible\b|\bwould be excluded\b|\bis excluded\b"
            r"|\bdoes not (?:qualify|meet)|\bwould not (?:qualify|meet)|\bruled out\b",
            re.IGNORECASE,
        ),
    ),
    ("yes", re.compile(r"^\W*yes\b|\b(?:would|could|is|be) eligible\b|\bqualif(?:y|ies)\b", re.IGNORECASE)),
]


def verdict_of(text: str) -> str | None:
    """The verdict the answer gives: that of the earliest verdict phrase in it (a longer phrase wins a
    tie, so "not eligible" is "no"), or None when it gives none."""
    found = []
    for verdict, pattern in _VERDICTS:
        for match in pattern.finditer(normalise(text)):
            found.append((match.start(), -(match.end() - match.start()), verdict))
    return min(found)[2] if found else None


_NOT_IN_DATA = re.compile(
    r"not (?:in|stated in|given in|recorded in|listed in|part of) the (?:data|index|record|registry)"
    r"|(?:does|do) not (?:state|say|list|give|record|include|hold)|\bstates? no\b|\bnot (?:stated|recorded|available)\b"
    r"|\bno (?:information|data)\b|\bnothing (?:in|about)\b",
    re.IGNORECASE,
)


def says_not_in_data(text: str, found: bool) -> bool:
    return not found or _NOT_IN_DATA.search(normalise(text)) is not None


# --- hallucinated values ---------------------------------------------------------------------------

_UNITS = (
    r"%|years?|yrs?|months?|mo|weeks?|wks?|days?|hours?|h|hrs?|minutes?|min|sec|seconds?|msec|ms"
    r"|mg/dl|g/dl|g/l|mmol/l|µmol/l|umol/l|mmol/mol|iu/l|u/l|mm ?hg|ml/min(?:/1\.73 ?m2)?|kg/m2|kg/m²"
    r"|mg|g|kg|ml|l|mm|cm3|cm|bpm|beats|cells?/mm3|/mm3|x ?10\^?\d+"
)
_VALUE = re.compile(rf"(?<![\w.])(\d+(?:[.,]\d+)?)\s*(?:{_UNITS})(?![a-z])", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?")


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def values(text: str) -> list[str]:
    """The numbers with a unit in ``text``, as written ("11 g/dL", "18 years", "7%")."""
    return [m[0] for m in _VALUE.finditer(_ESCAPE.sub(r"\1", _EMPHASIS.sub("", text)))]


def registry_text(trial: Trial) -> str:
    """A trial's registry fields as one text, for finding the values an answer may quote from them."""
    ages = [age.text for age in (trial.minimum_age, trial.maximum_age) if age]
    fields = [trial.title, trial.acronym, trial.summary, trial.status, trial.sex, *ages]
    return " ".join(filter(None, [*fields, *trial.phases, *trial.conditions, *trial.interventions]))


def hallucinated(text: str, sources: Iterable[str]) -> list[str]:
    """The values in ``text`` whose number appears in none of ``sources``."""
    known = {_number(n) for source in sources for n in _NUMBER.findall(source.replace("\\", ""))}
    return [value for value in values(text) if _number(_NUMBER.search(value)[0]) not in known]


# --- scoring ---------------------------------------------------------------------------------------


def score(
    question: Question, text: str, citations: list[Cited], found: bool, trials: Mapping[str, Trial]
) -> Prediction:
    """The answer checked against every gold check of ``question``."""
    alternatives = [[item] if isinstance(item, str) else item for item in question.answer_contains]
    failed = [f"lacks {' or '.join(map(repr, a))}" for a in alternatives if not any(contains(text, s) for s in a)]
    failed += [f"says {s!r}" for s in question.answer_excludes if contains(text, s)]
    mentioned = {c.trial_id.upper() for c in citations} | set(re.findall(r"NCT\d{8}", text.upper()))
    failed += [f"misses {t}" for t in question.trials if t.upper() not in mentioned]
    failed += [f"names {t}" for t in question.trials_exclude if t.upper() in mentioned]
    if question.verdict and (given := verdict_of(text)) != question.verdict:
        failed.append(f"verdict {given or 'none'}, not {question.verdict}")
    if question.unanswerable and not says_not_in_data(text, found):
        failed.append("answers what the data does not hold")
    cited_trials = {c.trial_id for c in citations}
    sources = [question.question, *(c.quote for c in citations)]
    sources += [registry_text(trials[t]) for t in cited_trials if t in trials]
    return Prediction(
        id=question.id,
        kind=question.kind,
        question=question.question,
        focus=question.focus,
        text=text,
        found=found,
        citations=citations,
        right=not failed,
        failed=failed,
        hallucinated=hallucinated(text, sources),
    )


def evaluate(
    questions: list[Question], answerer: _Answerer, trials: Mapping[str, Trial], progress: bool = False
) -> QAResult:
    """Ask every question (with its focus) and score the answers, per kind and overall."""
    per_kind = {kind: KindScore() for kind in KINDS if any(q.kind == kind for q in questions)}
    predictions = []
    for question in tqdm(questions, desc="questions", unit="q", disable=not progress):
        answer = answerer.answer(question.question, question.focus)
        citations = [Cited(trial_id=c.trial_id, label=c.label, quote=c.quote) for c in answer.citations]
        prediction = score(question, answer.text, citations, answer.found, trials)
        predictions.append(prediction)
        kind = per_kind[question.kind]
        kind.questions += 1
        kind.right += prediction.right
        kind.hallucinated_answers += bool(prediction.hallucinated)
    return QAResult(per_kind=per_kind, predictions=predictions)


def table(result: QAResult) -> str:
    """Per-kind rightness and answers with a hallucinated value, then the overall line."""
    lines = [f"{'kind':14} {'questions':>9} {'right':>6} {'accuracy':>8} {'halluc.':>7}"]
    rows = [*result.per_kind.items(), ("overall", result.overall)]
    for kind, s in rows:
        lines.append(f"{kind:14} {s.questions:>9} {s.right:>6} {s.accuracy:>8.1%} {s.hallucinated_answers:>7}")
    lines.append(f"hallucinated values: {result.hallucinated_values} (numbers with a unit found in no cited source)")
    failed = Counter(f.split(" ")[0] for p in result.predictions for f in p.failed)
    if failed:
        lines.append("failed checks: " + ", ".join(f"{name} {count}" for name, count in failed.most_common()))
    return "\n".join(lines)
