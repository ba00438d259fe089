"""Train the logic model (``relations.py``) on the Leaf Clinical Trials corpus's relations.

LCT links concepts by ``Or``, ``Example-Of``, ``And``, ``Except`` (with ``From`` naming what the
exception is taken from) and marks absence with ``Negates``. Each criterion line gives:

- pair examples: every two neighbouring things (concept names, ages, sexes) and how they relate.
  A pair is ``or`` when both fall in one ``Or``/``Example-Of`` group, ``example`` when one is an
  example of the other directly, ``and`` for an ``And`` group, ``except`` when the second is
  excepted from a group the first belongs to, ``same`` when one abbreviates or restates the other
  (``Abbrev-Of``, ``Equivalent-To``), ``method`` when the second is how the first is found
  (``Found-By``), else ``none``;
- negation examples: every concept, negated or not.

Training uses the ``train`` part of the entity model's split only; ``valid`` picks the
regularisation; ``test`` is only ever reported. L-BFGS on a convex loss with a fixed order of
examples: the same data gives the same model on every machine, in well under a minute.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from trialsieve.extract import lct
from trialsieve.extract.relations import (
    NEGATION_LABELS,
    PAIR_LABELS,
    Linear,
    LogicModel,
    clause_start,
    negation_features,
    pair_features,
)

_CONCEPTS = {"Condition": "condition", "Drug": "drug", "Procedure": "procedure", "Observation": "observation"}
_OTHERS = {"Age": "age", "Life-Stage-And-Gender": "sex"}
_GROUPS = {"Or": "or", "Example-Of": "or", "And": "and"}


@dataclass(frozen=True)
class Thing:
    """A span a rule leaf can be about, with the LCT entity ids that stand for it."""

    start: int
    end: int
    kind: str
    ids: frozenset[str]


def things(row: dict) -> list[Thing]:
    """The row's concepts (by their name span, as the tagger tags them), ages and sexes, in text order."""
    ents = {e["id"]: e for e in row.get("entities", [])}
    rels = row.get("relations", [])
    name_of: dict[str, dict] = {}
    for rel in rels:
        if rel["type"].startswith("Name") and rel["head"] in ents and rel["tail"] in ents:
            name_of.setdefault(rel["head"], ents[rel["tail"]])
    compared = {rel["tail"]: rel["head"] for rel in rels if rel["type"].startswith("Numeric-Filter")}
    found: list[Thing] = []
    for e in row.get("entities", []):
        kind = _CONCEPTS.get(e["type"]) or _OTHERS.get(e["type"])
        if kind is None:
            continue
        span = name_of.get(e["id"], e)
        ids = {e["id"], span["id"]} | {c for c, v in compared.items() if v == e["id"]}
        found.append(Thing(span["start"], span["end"], kind, frozenset(ids)))
    found.sort(key=lambda t: (t.start, -t.end))
    kept: list[Thing] = []
    for t in found:  # nested or repeated spans: the first, longest one stands for them
        if kept and t.start < kept[-1].end:
            continue
        kept.append(t)
    return kept


def _groups(row: dict, kinds: set[str]) -> dict[str, int]:
    """Entity id -> group number, joining ids linked by relations of ``kinds`` (union-find)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for rel in row.get("relations", []):
        if _GROUPS.get(rel["type"].rstrip("0123456789")) in kinds:
            parent[root(rel["head"])] = root(rel["tail"])
    roots = sorted({root(x) for x in parent})
    return {x: roots.index(root(x)) for x in parent}


def pair_label(row: dict, a: Thing, b: Thing) -> str:
    """How ``a`` relates to the later ``b`` in the gold relations."""
    rels = row.get("relations", [])
    kind = {(r["head"], r["tail"]): r["type"].rstrip("0123456789") for r in rels}
    source = {r["head"]: r["tail"] for r in rels if r["type"].startswith("From")}
    for (head, tail), t in kind.items():
        if t == "Except" and tail in b.ids and head in source:
            group = _groups(row, {"or"})
            src = source[head]
            if src in a.ids or (src in group and any(group.get(i) == group[src] for i in a.ids)):
                return "except"
    direct = {t for (h, tl), t in kind.items() if (h in a.ids and tl in b.ids) or (h in b.ids and tl in a.ids)}
    if direct & {"Abbrev-Of", "Equivalent-To"}:
        return "same"
    if any(t == "Found-By" and h in a.ids and tl in b.ids for (h, tl), t in kind.items()):
        return "method"
    if "Example-Of" in direct:
        return "example"
    for name in ("or", "and"):
        group = _groups(row, {name})
        if any(group.get(x) is not None and group.get(x) == group.get(y) for x in a.ids for y in b.ids):
            return name
    return "none"


def examples(rows: Iterable[dict]) -> tuple[list[tuple[list[str], str]], list[tuple[list[str], str]]]:
    """(pair examples, negation examples): feature lists with their gold labels."""
    pairs, negations = [], []
    for row in rows:
        text, section = row["text"], row.get("section", "unknown")
        found = things(row)
        negated = {r["tail"] for r in row.get("relations", []) if r["type"].startswith("Negates")}
        for a, b in itertools.pairwise(found):
            feats = pair_features(text, (a.start, a.end), (b.start, b.end), (a.kind, b.kind), section)
            pairs.append((feats, pair_label(row, a, b)))
        concepts = [t for t in found if t.kind in _CONCEPTS.values()]
        for t in concepts:
            label = "negated" if t.ids & negated else "kept"
            start = clause_start(text, t.start)
            before = sum(start <= o.start and o.end <= t.start for o in concepts)
            negations.append((negation_features(text, (t.start, t.end), t.kind, section, before), label))
    return pairs, negations


def fit(data: list[tuple[list[str], str]], labels: tuple[str, ...], c: float, min_count: int = 2) -> Linear:
    """A multinomial logistic regression over the features seen ``min_count`` times or more."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = {}
    for feats, _ in data:
        for f in set(feats):
            counts[f] = counts.get(f, 0) + 1
    vocab = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: i for i, f in enumerate(vocab)}
    rows, cols = [], []
    for r, (feats, _) in enumerate(data):
        for col in sorted({index[f] for f in feats if f in index}):
            rows.append(r)
            cols.append(col)
    x = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(data), len(vocab)))
    y = np.array([labels.index(label) for _, label in data])
    model = LogisticRegression(C=c, max_iter=2000, tol=1e-6)
    model.fit(x, y)
    weights = np.zeros((len(vocab), len(labels)), dtype=np.float32)
    bias = np.full(len(labels), -1e4, dtype=np.float32)  # a label never seen in training is never predicted
    if len(model.classes_) == 2:  # sklearn keeps one row for two classes: the second's log-odds
        weights[:, model.classes_[1]] = model.coef_[0]
        bias[model.classes_[0]], bias[model.classes_[1]] = 0.0, model.intercept_[0]
    else:
        for k, cls in enumerate(model.classes_):
            weights[:, cls], bias[cls] = model.coef_[k], model.intercept_[k]
    return Linear(labels, index, weights, bias)


def accuracy(model: Linear, data: list[tuple[list[str], str]]) -> float:
    return sum(model.predict(f)[0] == y for f, y in data) / len(data) if data else 0.0


def train(rows: list[dict], log: Callable[[str], None] = print, grid=(0.1, 0.3, 1.0, 3.0)) -> LogicModel:
    """Fit both classifiers on the ``train`` part, choosing C on ``valid`` accuracy."""
    parts = lct.split(rows)
    train_pairs, train_neg = examples(parts["train"])
    valid_pairs, valid_neg = examples(parts["valid"])
    log(f"pairs: {len(train_pairs)} train, {len(valid_pairs)} valid; concepts: {len(train_neg)} / {len(valid_neg)}")
    if not train_pairs or not train_neg or not valid_pairs:
        raise ValueError("too few annotated concepts in the train and valid parts to learn relations from")
    chosen, info = {}, {"source": "LCT criteria_entities, train part", "grid": list(grid)}
    for name, train_set, valid_set, labels in (
        ("pairs", train_pairs, valid_pairs, PAIR_LABELS),
        ("negation", train_neg, valid_neg, NEGATION_LABELS),
    ):
        best = None
        for c in grid:
            model = fit(train_set, labels, c)
            score = accuracy(model, valid_set)
            log(f"{name}: C={c} valid accuracy {score:.4f}")
            if best is None or score > best[0]:
                best = (score, c, model)
        assert best is not None
        info[name] = {"C": best[1], "valid_accuracy": round(best[0], 4), "features": len(best[2].index)}
        chosen[name] = best[2]
    return LogicModel(chosen["pairs"], chosen["negation"], info)
