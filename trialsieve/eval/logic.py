"""``trialsieve eval logic``: score the logic of rule trees against the relations LCT annotates.

Entity scores say whether the right words were found; they cannot say whether the tree puts them
together right: "no HIV or hepatitis" needs both concepts, both negated, under one ``any``. LCT
annotates exactly that (``Or``, ``And``, ``Negates``, ``Except`` and ``From`` relations between
entities), so the tree can be checked against it. The measures are those of the project's
reference script (``shared/tools/score_logic.py``), reproduced here figure for figure so that the
command and the script can be compared on the same predictions file:

- ``coverage``: gold concepts (Condition, Drug, Procedure, Observation; their ``*-Name`` words when
  they have them) that some leaf's concept words overlap. A dropped concept is a criterion the
  checker can never test.
- ``leaf_precision``: presence and comparison leaves whose concept words overlap something LCT
  annotates (a concept, an age, a study...). A leaf on "Prior" or "average of" is junk a checker
  would look for in vain.
- ``negation_accuracy`` and ``negation_f1``: among covered concepts, is the leaf negated (its flag,
  flipped by each ``not`` above it) exactly when LCT negates the concept? F1 is of the negated
  class, the rare one that accuracy hides.
- ``or_pairs`` and ``and_pairs``: gold Or/Example-Of (And) pairs covered by two different leaves
  whose lowest common logic node is ``any`` or ``at_least`` (``all``). A pair inside one leaf
  counts as wrong: the tree cannot tell its two concepts apart.
- ``except``: gold exceptions ("other than PDA") covered by a leaf of the other polarity than the
  leaf of the concept they are excepted from, or negated when there is no such concept.

Rule trees are read as plain dicts (the JSON of ``trialsieve.rules`` models), not as models, so
that any predictions file scores, including one the current models would no longer accept.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from pydantic import BaseModel, ValidationError
from tqdm import tqdm

from trialsieve.batch import criterion_record, section_of
from trialsieve.extract import lct
from trialsieve.jsonl import read_rows

if TYPE_CHECKING:
    from trialsieve.extract.tagger import EntityTagger

#: LCT types a rule leaf must cover: the clinical concepts a criterion is about.
CONCEPTS = frozenset({"Condition", "Drug", "Procedure", "Observation"})
#: What a leaf may legitimately be about besides a concept; a leaf on none of these is junk.
THINGS = (
    CONCEPTS
    | {"Age", "Life-Stage-And-Gender", "Ethnicity", "Language", "Insurance", "Family-Member", "Provider"}
    | {"Encounter", "Study", "Allergy", "Organism", "Immunization", "Death", "Birth", "Specimen", "Code"}
    | {"Contraindication", "Indication", "Risk", "Eq-Comparison"}
)
LOGIC = frozenset({"all", "any", "not", "at_least"})
#: The measures, in the order the script prints them.
MEASURES = ("coverage", "leaf_precision", "negation_accuracy", "negation_f1", "or_pairs", "and_pairs", "except")
#: Every count behind the measures; all are reported, zero or not.
COUNTS = (
    *("concepts", "covered", "content_leaves", "content_leaves_ok"),
    *("neg_n", "neg_ok", "neg_tp", "neg_gold", "neg_pred"),
    *("or_n", "or_ok", "and_n", "and_ok", "except_n", "except_ok"),
)
#: The counts each measure is a ratio of (negation F1 has no one count behind it).
_BEHIND = {
    "coverage": ("covered", "concepts"),
    "leaf_precision": ("content_leaves_ok", "content_leaves"),
    "negation_accuracy": ("neg_ok", "neg_n"),
    "or_pairs": ("or_ok", "or_n"),
    "and_pairs": ("and_ok", "and_n"),
    "except": ("except_ok", "except_n"),
}
#: Lines structured per batched call of the tagger: a bar that moves, little memory.
CHUNK = 256


class GoldEntity(BaseModel):
    id: str
    type: str
    start: int
    end: int
    text: str


class GoldRelation(BaseModel):
    type: str
    head: str
    tail: str


class GoldLine(BaseModel):
    """One LCT criterion line, with what scoring needs."""

    trial_id: str
    line_index: int | None = None
    text: str
    section: str | None = None
    entities: list[GoldEntity]
    relations: list[GoldRelation]

    @property
    def id(self) -> str:
        """The id its prediction carries, as the script and ``structure --criteria-jsonl`` form it."""
        return f"{self.trial_id}:{self.line_index}"


class Leaf(NamedTuple):
    """A rule leaf, where it sits, and the character span of the words it is about."""

    rule: dict
    #: (position, type) of each logic node from the root down; a position is the child indices
    #: leading to the node, so two leaves share an ancestor exactly when they share a position.
    ancestors: tuple[tuple[tuple[int, ...], str], ...]
    words: tuple[int, int]


class LogicError(NamedTuple):
    """One thing the tree got wrong, as the script prints it: kind, line id, line text, detail."""

    kind: str
    id: str
    text: str
    detail: str


@dataclass
class LogicScore:
    lines: int = 0
    missing_predictions: int = 0
    counts: Counter = field(default_factory=Counter)
    errors: list[LogicError] = field(default_factory=list)

    def measures(self) -> dict[str, float | None]:
        """Each measure rounded to 4 places as the script does; None where there is nothing to score."""
        c = self.counts

        def ratio(ok: str, n: str) -> float | None:
            return round(c[ok] / c[n], 4) if c[n] else None

        precision = c["neg_tp"] / c["neg_pred"] if c["neg_pred"] else 0.0
        recall = c["neg_tp"] / c["neg_gold"] if c["neg_gold"] else 0.0
        f1 = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
        return {
            "coverage": ratio("covered", "concepts"),
            "leaf_precision": ratio("content_leaves_ok", "content_leaves"),
            "negation_accuracy": ratio("neg_ok", "neg_n"),
            "negation_f1": f1,
            "or_pairs": ratio("or_ok", "or_n"),
            "and_pairs": ratio("and_ok", "and_n"),
            "except": ratio("except_ok", "except_n"),
        }

    def as_dict(self) -> dict:
        """The script's ``--json`` keys, with every count present."""
        return (
            {"lines": self.lines, "missing_predictions": self.missing_predictions}
            | self.measures()
            | {"counts": {name: self.counts[name] for name in COUNTS}}
        )


def read(path: Path) -> list[GoldLine]:
    """The lines of an LCT-format file; a bad line is an error naming its line number.

    A line without ``line_index`` takes its number among the file's lines instead, as ``eval
    extraction`` numbers them, so that it still has an id of its own.
    """
    lines = [GoldLine.model_validate(row) for row in read_rows(path, "an LCT row with relations", _check)]
    for number, line in enumerate(lines, 1):
        if line.line_index is None:
            line.line_index = number
    return lines


def _check(row: dict) -> None:
    try:
        GoldLine.model_validate(row)
    except ValidationError as error:  # one short line, not pydantic's page
        raise ValueError("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())) from None


def read_predictions(path: Path) -> dict[str, dict]:
    """Prediction lines by ``id`` (``structure --criteria-jsonl`` output); a later line wins, as in the script."""
    return {str(row.get("id")): row for row in read_rows(path, "a prediction line", lambda row: None)}


def predict(lines: list[GoldLine], tagger: EntityTagger | None, progress: bool = True) -> dict[str, dict]:
    """Each line structured as ``structure --criteria-jsonl`` does, by id, in that command's output form."""
    from trialsieve.extract.structure import structure_texts

    records: dict[str, dict] = {}
    for start in tqdm(range(0, len(lines), CHUNK), file=sys.stderr, disable=not progress, desc="structuring"):
        chunk = lines[start : start + CHUNK]
        sections = [section_of({"section": line.section}) for line in chunk]
        extractions = structure_texts([line.text for line in chunk], sections, tagger)
        for line, section, extraction in zip(chunk, sections, extractions, strict=True):
            records[line.id] = criterion_record(line.id, line.text, section, extraction)
    return records


def score(lines: list[GoldLine], predictions: Mapping[str, dict]) -> LogicScore:
    """Score the ``rule`` of each line's prediction against the line's gold relations."""
    result = LogicScore(lines=len(lines))
    for line in lines:
        result.missing_predictions += line.id not in predictions
        _score_line(line, (predictions.get(line.id) or {}).get("rule"), result)
    return result


def score_parts(lines: list[GoldLine], predictions: Mapping[str, dict]) -> dict[str, LogicScore]:
    """``all`` the lines, then each part of the trial split that has lines (train, valid, test).

    The entity model learnt from train and was chosen on valid, so test, only ever reported, is
    the fair figure for it.
    """
    parts: dict[str, list[GoldLine]] = {"train": [], "valid": [], "test": []}
    for line in lines:
        parts[lct.part(line.trial_id)].append(line)
    return {"all": score(lines, predictions)} | {name: score(part, predictions) for name, part in parts.items() if part}


def concepts(line: GoldLine) -> dict[str, tuple[int, int, str]]:
    """Gold concepts by entity id: the span and text of their name (``*-Name``) when they have one.

    The name is what a leaf must cover: a concept may span "Uncontrolled fever" while its name,
    the words a checker looks up, is "fever".
    """
    entities = {e.id: e for e in line.entities}
    name_of: dict[str, GoldEntity] = {}
    for relation in line.relations:
        if relation.type.startswith("Name") and relation.head in entities and relation.tail in entities:
            name_of.setdefault(relation.head, entities[relation.tail])
    found = {}
    for entity in line.entities:
        if entity.type in CONCEPTS:
            name = name_of.get(entity.id, entity)
            found[entity.id] = (name.start, name.end, name.text)
    return found


def leaves(rule: object, ancestors: tuple = (), position: tuple[int, ...] = ()) -> list[tuple[dict, tuple]]:
    """Every leaf (a dict that is not a logic node) with its logic ancestors, depth first."""
    if not isinstance(rule, dict):
        return []
    if rule.get("type") in LOGIC:
        here = (*ancestors, (position, rule["type"]))
        return [x for i, arg in enumerate(rule.get("args") or []) for x in leaves(arg, here, (*position, i))]
    return [(rule, ancestors)]


def words(leaf: dict) -> tuple[int, int] | None:
    """The span of what a leaf is about: a presence's concept, a limit's variable, else the leaf's own span.

    The leaf's own span takes in operators and values ("HbA1c > 7 %"), which overlap other
    annotations too easily; the concept words are what must match a gold concept.
    """
    concept = leaf.get("concept")
    if leaf.get("type") == "presence" and isinstance(concept, dict) and concept.get("span"):
        return tuple(concept["span"])
    if leaf.get("variable_span"):
        return tuple(leaf["variable_span"])
    return tuple(leaf["span"]) if leaf.get("span") else None


def negated(leaf: Leaf) -> bool:
    """Whether a leaf asserts absence: its ``negated`` flag, flipped by each ``not`` above it."""
    nots = sum(1 for _, kind in leaf.ancestors if kind == "not")
    return bool(leaf.rule.get("negated")) ^ (nots % 2 == 1)


def _overlap(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _lowest_common(a: Leaf, b: Leaf) -> str | None:
    """The type of the deepest logic node above both leaves (None when they share none)."""
    last = None
    for (here, kind), (there, _) in zip(a.ancestors, b.ancestors, strict=False):  # depths differ
        if here != there:
            break
        last = kind
    return last


def _score_line(line: GoldLine, rule: object, result: LogicScore) -> None:
    """Add one line's counts and errors to ``result``, in the script's order."""
    c, errors, key, text = result.counts, result.errors, line.id, line.text
    gold = concepts(line)
    found = [Leaf(leaf, ancestors, span) for leaf, ancestors in leaves(rule) if (span := words(leaf))]
    cover: dict[str, int] = {}  # gold concept -> the first leaf that covers it
    for gid, (start, end, _) in gold.items():
        hit = next((i for i, leaf in enumerate(found) if _overlap(leaf.words, (start, end))), None)
        if hit is not None:
            cover[gid] = hit
    c["concepts"] += len(gold)
    c["covered"] += len(cover)
    errors += [LogicError("dropped", key, text, gold[gid][2]) for gid in gold if gid not in cover]

    things = [(e.start, e.end) for e in line.entities if e.type.split("-Name")[0] in THINGS]
    for leaf in found:
        if leaf.rule.get("type") in ("presence", "comparison"):
            c["content_leaves"] += 1
            if any(_overlap(leaf.words, span) for span in things):
                c["content_leaves_ok"] += 1
            else:
                errors.append(LogicError("junk", key, text, text[leaf.words[0] : leaf.words[1]]))

    negated_gold = {r.tail for r in line.relations if r.type.startswith("Negates")}
    for gid, i in cover.items():
        expected, got = gid in negated_gold, negated(found[i])
        c["neg_n"] += 1
        c["neg_ok"] += expected == got
        c["neg_tp"] += expected and got
        c["neg_gold"] += expected
        c["neg_pred"] += got
        if expected != got:
            errors.append(LogicError("negation", key, text, f"{gold[gid][2]}: gold negated={expected}"))

    for relation in line.relations:
        kind, a, b = relation.type.rstrip("0123456789"), relation.head, relation.tail
        if kind not in ("Or", "Example-Of", "And") or a not in gold or b not in gold:
            continue
        if a not in cover or b not in cover:
            continue  # a dropped concept is counted once, by coverage
        name = "and" if kind == "And" else "or"
        c[f"{name}_n"] += 1
        ok = False
        if cover[a] != cover[b]:
            common = _lowest_common(found[cover[a]], found[cover[b]])
            ok = common == "all" if name == "and" else common in ("any", "at_least")
        c[f"{name}_ok"] += ok
        if not ok:
            errors.append(LogicError(f"{name}_pair", key, text, f"{gold[a][2]} / {gold[b][2]}"))

    excepted_from = {r.head: r.tail for r in line.relations if r.type.startswith("From")}
    for relation in line.relations:
        if relation.type.rstrip("0123456789") != "Except" or relation.tail not in gold:
            continue
        c["except_n"] += 1
        target, source = relation.tail, excepted_from.get(relation.head)
        ok = False
        if target in cover:
            if source in cover and cover[source] != cover[target]:
                ok = negated(found[cover[target]]) != negated(found[cover[source]])
            elif source not in gold:  # nothing to differ from: the exception must be negated itself
                ok = negated(found[cover[target]])
        c["except_ok"] += ok
        if not ok:
            errors.append(LogicError("except", key, text, gold[target][2]))


def table(scores: dict[str, LogicScore]) -> str:
    """The measures as aligned text, one column per part, each with the counts behind it."""
    names = list(scores)
    out = [f"{'':<20}" + "".join(f"{name:>22}" for name in names)]
    out.append(f"{'lines':<20}" + "".join(f"{scores[n].lines:>22}" for n in names))
    out.append(f"{'missing predictions':<20}" + "".join(f"{scores[n].missing_predictions:>22}" for n in names))
    for measure in MEASURES:
        cells = []
        for name in names:
            value, counts = scores[name].measures()[measure], scores[name].counts
            cell = "n/a" if value is None else f"{value:.4f}"
            if measure in _BEHIND:
                ok, n = _BEHIND[measure]
                cell += f" ({counts[ok]}/{counts[n]})"
            cells.append(f"{cell:>22}")
        out.append(f"{measure:<20}" + "".join(cells))
    return "\n".join(out)


def error_lines(errors: list[LogicError]) -> list[str]:
    """Errors as the script prints them: kind, id, text, detail, tab-separated."""
    return ["\t".join(error) for error in errors]
