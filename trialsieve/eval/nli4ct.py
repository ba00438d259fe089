"""``trialsieve eval nli4ct``: the Ask engine on NLI4CT eligibility statements (SemEval-2023 Task 7).

Each statement is asked as a question with its trial in focus. A Comparison statement is asked once
per trial (primary, then secondary), each time with that trial in focus and the statement's words
unchanged: the engine then searches one trial at a time, as it does for a question naming several
trials, and each trial's gold lines are scored against that trial's own answer.

Gold lines to passages. NLI4CT gives a trial's eligibility text as ``lines`` with the registry's
bullets taken out (and some symbols, such as "≥", lost); our index cites criteria cut by the
segmenter. Both sides are compared as runs of lower-case words and numbers, so bullets, symbols
and whitespace do not count. A gold line maps to the criteria of its trial whose words contain its
words in order, the shortest of them only (an exact "Ascites", not "No ascites requiring
drainage"); a line no criterion contains, because the segmenter cut it into several criteria, maps to
each piece (a criterion of two words or more whose words the line contains in order); failing that,
to the criterion sharing most of its words, if that is more than half of them. Header lines are left
out by using ``evidence_content`` (the gold lines less headers); a gold line that still maps to no
criterion (a header NLI4CT indented, "Exclusion Criteria") is counted as unmapped and not scored.

A citation covers a gold line when it names the line's trial and one of the line's criteria (by its
label, "Inclusion 3", or by quoting the criterion's words whole).

Recall@5 is recall as retrieval measures it: for each trial asked about, the share of its mapped gold
lines that the answer's first 5 citations cover, averaged over those trials (a Comparison counts each of
its two trials). The README beside the data asks whether "the cited passages cover the gold lines" of each
statement; it does not pool lines across statements. The line-pooled figure (every gold line of the file
counted once) is kept as ``line_recall_at_5`` but is not the target's measure: it weighs a statement by
its number of gold lines, and on the train file half the Single lines (71% of the Comparison lines)
belong to trials with 12 or more gold lines, of which 5 citations can cover at most 5, so even a perfect
ranking scores 0.57 (Single) and 0.38 (Comparison) pooled, against 0.93 and 0.83 averaged per trial.

Verdicts. The engine's ``Answer.verdict`` ("yes", "no", "cannot tell" or None) says whether what the
question asks, or the statement says, holds; the engine reads a statement that asserts ineligibility
("... are not eligible for the primary trial", "... are excluded") itself and answers "yes" when the
check rules the patients out. So the scorer does not flip anything: an Entailment expects "yes" and a
Contradiction "no", whatever the wording (flipping here too would undo the engine's own reading).
"yes" or "no" is a committed verdict; "cannot tell" or None is not. Only Single statements are
scored for verdicts: a Comparison is asked once per trial, and a verdict about one trial does not
settle a statement about two.

Held out. The statements are also scored in two parts by their primary trial, with the trial split the
other evaluations use (``lct.part``): "held out" is the test part, "study" the train and valid parts.
Errors are studied on the study part only, so the held-out figures say how a fix carries to trials no one
looked at; a statement's part follows its trial, so the statements of one trial never fall on both sides.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tqdm import tqdm

from trialsieve.app.citations import criterion_label
from trialsieve.extract.lct import part
from trialsieve.extract.segment import segment
from trialsieve.jsonl import read_rows
from trialsieve.rules import Criterion
from trialsieve.trial import Trial

TOP = 5  # citations that count for recall@5
#: The project's targets, printed beside today's figures: (statement type, measure) -> the target.
TARGETS: dict[tuple[str, str], str] = {
    ("Single", "gold_cited"): ">= 92%",
    ("Single", "recall_at_5"): ">= 0.80",
    ("Comparison", "recall_at_5"): ">= 0.70",
    ("Single", "commit_rate"): ">= 40%",
    ("Single", "verdict_accuracy"): ">= 80%",
}
StatementType = Literal["Single", "Comparison"]
Part = Literal["study", "held out"]


class TrialEvidence(BaseModel):
    """One trial a statement is about, with its gold evidence lines."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["primary", "secondary"]
    nct: str = Field(pattern=r"^NCT\d{8}$")
    evidence: list[int] = Field(default_factory=list)
    evidence_content: list[int] = Field(default_factory=list, description="evidence less header lines")
    lines: list[str]


class Statement(BaseModel):
    """One line of ``statements.*.jsonl``."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    type: StatementType
    statement: str = Field(min_length=1)
    label: Literal["Entailment", "Contradiction"]
    trials: list[TrialEvidence] = Field(min_length=1, max_length=2)


def read(path: Path) -> list[Statement]:
    """The statements of a file; a bad line is a ValueError naming its line."""

    def check(row: dict) -> None:
        try:
            statement = Statement.model_validate(row)
        except ValidationError as error:
            fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'row'}: {e['msg']}" for e in error.errors())
            raise ValueError(fields) from None
        for trial in statement.trials:
            if any(not 0 <= i < len(trial.lines) for i in trial.evidence_content):
                raise ValueError(f"an evidence line of {trial.nct} is out of range")

    return [Statement.model_validate(row) for row in read_rows(path, "an NLI4CT statement", check)]


# --- gold lines to passages ------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """``text`` as the mapping compares it: lower-case runs of letters and digits (NFKC), nothing else."""
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text).casefold())


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def criteria_of_line(line: str, criteria: list[Criterion]) -> list[str]:
    """The ids of the criteria a gold line maps to (see the module docstring); empty when none does."""
    line_words = words(line)
    if not line_words:
        return []
    texts = [(c.id, words(c.text)) for c in criteria]
    holding = [(len(w), cid) for cid, w in texts if _contains(w, line_words)]
    if holding:
        shortest = min(size for size, _ in holding)
        return [cid for size, cid in holding if size == shortest]
    pieces = [cid for cid, w in texts if len(w) >= 2 and _contains(line_words, w)]
    if pieces:  # the segmenter cut the line into several criteria: each piece is the line's
        return pieces
    wanted = Counter(line_words)
    overlaps = [(sum((Counter(w) & wanted).values()), -len(w), cid) for cid, w in texts]
    best = max(overlaps, default=(0, 0, ""))
    if best[0] * 2 <= len(line_words):
        return []
    return [cid for shared, size, cid in overlaps if (shared, size) == best[:2]]


def gold_map(evidence: TrialEvidence, criteria: list[Criterion]) -> dict[int, list[str]]:
    """Each gold line (``evidence_content``) to the ids of its criteria, or [] when unmapped."""
    return {i: criteria_of_line(evidence.lines[i], criteria) for i in sorted(set(evidence.evidence_content))}


class Cited(BaseModel):
    trial_id: str
    label: str
    quote: str


def covers(citation: Cited, trial_id: str, criterion: Criterion) -> bool:
    """Whether ``citation`` cites ``criterion`` of ``trial_id``: by its label or by quoting it whole."""
    if citation.trial_id != trial_id:
        return False
    return citation.label == criterion_label(criterion.id) or words(citation.quote) == words(criterion.text)


# --- verdicts --------------------------------------------------------------------------------------


def expected_verdict(statement: Statement) -> str:
    """The verdict that agrees with the gold label: "yes" (the statement holds) for an Entailment."""
    return "yes" if statement.label == "Entailment" else "no"


# --- scoring ---------------------------------------------------------------------------------------


class TrialScore(BaseModel):
    """One trial of a statement: its gold lines, what they map to, and what the answer cited."""

    nct: str
    role: str
    answer: str
    citations: list[Cited]
    gold: dict[int, list[str]] = Field(description="gold line index -> criterion ids; [] is unmapped")
    cited_lines: list[int] = Field(description="gold lines any citation covers")
    top_lines: list[int] = Field(description=f"gold lines the first {TOP} citations cover")
    verdict: str | None = None


class Prediction(BaseModel):
    id: str
    type: StatementType
    label: str
    statement: str
    trials: list[TrialScore]
    expected_verdict: str | None = None  # Single statements only
    part: Part = "study"

    @property
    def mapped(self) -> int:
        return sum(bool(ids) for t in self.trials for ids in t.gold.values())

    @property
    def verdict(self) -> str | None:
        return self.trials[0].verdict if self.type == "Single" else None


class TypeScore(BaseModel):
    statements: int = 0
    scored: int = Field(0, description="statements with a mapped gold line")
    gold_cited: int = 0
    gold_lines: int = 0
    unmapped_lines: int = 0
    lines_in_top: int = 0
    asked: int = Field(0, description="trials asked about with a mapped gold line")
    recall_sum: float = Field(0.0, description="over those trials: the share of its gold lines in the top 5")
    verdicts: int = Field(0, description="answers that had a verdict attribute")
    committed: int = 0
    committed_right: int = 0

    @property
    def gold_cited_rate(self) -> float:
        return self.gold_cited / self.scored if self.scored else 0.0

    @property
    def recall_at_5(self) -> float:
        """Per trial asked about, the share of its gold lines the first 5 citations cover; their mean."""
        return self.recall_sum / self.asked if self.asked else 0.0

    @property
    def line_recall_at_5(self) -> float:
        """Every gold line of the file pooled: not the target's measure (see the module docstring)."""
        return self.lines_in_top / self.gold_lines if self.gold_lines else 0.0

    @property
    def commit_rate(self) -> float | None:
        return self.committed / self.verdicts if self.verdicts else None

    @property
    def verdict_accuracy(self) -> float | None:
        return self.committed_right / self.committed if self.committed else None


def part_of(statement: Statement) -> Part:
    """The part a statement is scored in: "held out" when its primary trial is in the test part of the split."""
    return "held out" if part(statement.trials[0].nct) == "test" else "study"


class NLI4CTResult(BaseModel):
    per_type: dict[str, TypeScore]
    predictions: list[Prediction]
    per_part: dict[str, dict[str, TypeScore]] = Field(
        default_factory=dict, description='statement type -> part ("study", "held out") -> its scores'
    )

    def as_dict(self) -> dict:
        def scores(s: TypeScore) -> dict:
            rates = {
                "gold_cited_rate": s.gold_cited_rate,
                "recall_at_5": s.recall_at_5,
                "line_recall_at_5": s.line_recall_at_5,
            }
            return s.model_dump() | rates | {"commit_rate": s.commit_rate, "verdict_accuracy": s.verdict_accuracy}

        parts = {kind: {name: scores(s) for name, s in by_part.items()} for kind, by_part in self.per_part.items()}
        return (
            {name: scores(s) for name, s in self.per_type.items()}
            | {"parts": parts}
            | {"targets": {f"{kind} {measure}": target for (kind, measure), target in TARGETS.items()}}
        )


class _Answer(Protocol):
    text: str
    citations: list


class _Answerer(Protocol):
    def answer(self, question: str, focus: str | None = None) -> _Answer: ...


def score_trial(evidence: TrialEvidence, trial: Trial | None, answer: _Answer) -> TrialScore:
    """One trial's gold lines against one answer's citations."""
    criteria = [c for c in segment(trial.criteria_text) if c.text.strip()] if trial else []
    by_id = {c.id: c for c in criteria}
    gold = gold_map(evidence, criteria)
    citations = [Cited(trial_id=c.trial_id, label=c.label, quote=c.quote) for c in answer.citations]

    def covered(cited: list[Cited]) -> list[int]:
        return [i for i, ids in gold.items() if any(covers(c, evidence.nct, by_id[cid]) for c in cited for cid in ids)]

    return TrialScore(
        nct=evidence.nct,
        role=evidence.role,
        answer=answer.text,
        citations=citations,
        gold=gold,
        cited_lines=covered(citations),
        top_lines=covered(citations[:TOP]),
        verdict=getattr(answer, "verdict", None),
    )


def evaluate(
    statements: list[Statement], answerer: _Answerer, trials: Mapping[str, Trial], progress: bool = False
) -> NLI4CTResult:
    """Ask every statement about each of its trials (in focus) and score citations and verdicts per type."""
    per_type = {kind: TypeScore() for kind in ("Single", "Comparison") if any(s.type == kind for s in statements)}
    per_part: dict[str, dict[str, TypeScore]] = {}
    predictions = []
    for statement in tqdm(statements, desc="statements", unit="s", disable=not progress):
        single = statement.type == "Single"
        scored, has_verdict = [], False
        for evidence in statement.trials[:1] if single else statement.trials:  # a Single is about its primary
            answer = answerer.answer(statement.statement, evidence.nct)
            scored.append(score_trial(evidence, trials.get(evidence.nct), answer))
            has_verdict = hasattr(answer, "verdict")
        prediction = Prediction(
            id=statement.id,
            type=statement.type,
            label=statement.label,
            statement=statement.statement,
            trials=scored,
            expected_verdict=expected_verdict(statement) if single else None,
            part=part_of(statement),
        )
        predictions.append(prediction)
        by_part = per_part.setdefault(statement.type, {"study": TypeScore(), "held out": TypeScore()})
        for s in (per_type[statement.type], by_part[prediction.part]):
            _add(s, prediction, has_verdict)
    return NLI4CTResult(per_type=per_type, predictions=predictions, per_part=per_part)


def _add(s: TypeScore, prediction: Prediction, has_verdict: bool) -> None:
    """Count one scored statement into ``s``."""
    s.statements += 1
    for t in prediction.trials:
        mapped = sum(bool(ids) for ids in t.gold.values())
        s.gold_lines += mapped
        s.unmapped_lines += sum(not ids for ids in t.gold.values())
        s.lines_in_top += len(t.top_lines)
        if mapped:
            s.asked += 1
            s.recall_sum += len(t.top_lines) / mapped
    if prediction.mapped:
        s.scored += 1
        s.gold_cited += any(t.cited_lines for t in prediction.trials)
    if prediction.type == "Single" and has_verdict:
        s.verdicts += 1
        if prediction.verdict in ("yes", "no"):
            s.committed += 1
            s.committed_right += prediction.verdict == prediction.expected_verdict


def _rate(value: float | None, percent: bool = True) -> str:
    if value is None:
        return "n/a"
    return f"{value:.1%}" if percent else f"{value:.3f}"


def table(result: NLI4CTResult) -> str:
    """Per statement type: gold line cited, recall@5 and verdicts, each beside the project's target."""

    def target(kind: str, measure: str) -> str:
        return f"(target {TARGETS[kind, measure]})" if (kind, measure) in TARGETS else ""

    lines = []
    for kind, s in result.per_type.items():
        lines.append(
            f"{kind}: {s.statements} statements, {s.gold_lines} gold lines mapped to passages"
            f" ({s.unmapped_lines} unmapped), {s.scored} statements scored"
        )
        lines.append(f"  gold line cited   {_rate(s.gold_cited_rate):>7} {target(kind, 'gold_cited')}")
        lines.append(f"  recall@{TOP}        {_rate(s.recall_at_5, False):>7} {target(kind, 'recall_at_5')}")
        lines.append(f"  (lines pooled     {_rate(s.line_recall_at_5, False):>7})")
        if kind == "Single":
            if s.verdicts:
                lines.append(f"  verdict commit    {_rate(s.commit_rate):>7} {target(kind, 'commit_rate')}")
                lines.append(
                    f"  verdict accuracy  {_rate(s.verdict_accuracy):>7} {target(kind, 'verdict_accuracy')}"
                    f" ({s.committed_right}/{s.committed} committed right)"
                )
            else:
                lines.append("  verdicts          n/a     (the answers carry no verdict)")
        for name, p in result.per_part.get(kind, {}).items():
            said = f"{name}: {p.statements} statements, gold cited {_rate(p.gold_cited_rate)}"
            said += f", recall@{TOP} {_rate(p.recall_at_5, False)}"
            if kind == "Single" and p.verdicts:
                said += f", commit {_rate(p.commit_rate)}, accuracy {_rate(p.verdict_accuracy)}"
                said += f" ({p.committed_right}/{p.committed})"
            lines.append(f"  {said}")
    return "\n".join(line.rstrip() for line in lines)
