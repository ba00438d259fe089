"""The logic model: how two neighbouring things in a criterion relate, and whether one is negated.

The entity tagger finds the concepts; what joins them is read here. Two small log-linear models,
learned from the Leaf Clinical Trials corpus's relations (``trialsieve train-relations``), look at
the words around and between spans:

- ``pair``: for two neighbouring spans, ``or`` (alternatives), ``example`` (the second is an
  example of the first: "CYP3A4 inhibitors (e.g. ritonavir)"), ``and``, ``except`` (the second is
  excepted from the first: "malignancy other than basal cell carcinoma") or ``none`` (no logic
  relation: they are simply asked together) or ``same`` (one names the other: an abbreviation or
  an equivalent, "progressive disease (PD)") or ``method`` (the second says how the first is found:
  "interstitial lung disease (chest X-ray and/or HRCT)");
- ``negated``: whether the criterion asks for the concept's absence ("No prior treatment with
  bevacizumab or other VEGF inhibitors" negates both).

Words, not hand-written scopes, decide: cue phrases and list shapes the corpus shows are learned,
so a cue the lexicons lack still counts. Features are strings (``between=or``); the model is a
weight row per known feature, summed, so inference needs numpy only and runs in microseconds.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import os
import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from trialsieve.extract import context

PAIR_LABELS = ("none", "or", "example", "and", "except", "same", "method")
NEGATION_LABELS = ("kept", "negated")
_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*|[^\w\s]", re.UNICODE)
_DIGIT = re.compile(r"\d")
_CLAUSE_BREAK = re.compile(r"[;.](?:\s|$)|:\s")
_MAX_GAP = 12


def tokens(text: str) -> list[str]:
    """Lower-case words and single punctuation marks; digits are folded so numbers generalise."""
    return _TOKEN.findall(_DIGIT.sub("0", text.lower()))


def pair_features(text: str, a: tuple[int, int], b: tuple[int, int], kinds: tuple[str, str], section: str) -> list[str]:
    """What says how span ``a`` relates to the span ``b`` after it: the words between them above all."""
    between = tokens(text[a[1] : b[0]])
    before, after = tokens(text[max(0, a[0] - 60) : a[0]])[-3:], tokens(text[b[1] : b[1] + 40])[:3]
    gap = between if len(between) <= _MAX_GAP else [*between[:6], "…", *between[-6:]]
    feats = [f"gap={' '.join(gap)}", f"len={min(len(between), _MAX_GAP)}", f"kinds={kinds[0]}>{kinds[1]}"]
    feats += [f"btw={t}" for t in set(between)]
    feats += [f"btw_bigram={x} {y}" for x, y in itertools.pairwise(between)]
    if between:
        feats += [f"first={between[0]}", f"last={between[-1]}"]
    feats += [f"pre{i}={t}" for i, t in enumerate(reversed(before))]
    feats += [f"post{i}={t}" for i, t in enumerate(after)]
    words_a, words_b = tokens(text[a[0] : a[1]]), tokens(text[b[0] : b[1]])
    if words_a and words_b:
        feats += [f"a_head={words_a[-1]}", f"b_head={words_b[-1]}", f"same_head={words_a[-1] == words_b[-1]}"]
    opened = text[: a[1]].count("(") - text[: a[1]].count(")")
    feats += [f"a_in_parens={opened > 0}", f"section={section}", "bias"]
    gap_text = text[a[1] : b[0]]  # the cue lexicons, so that a listed spelling counts though the corpus lacks it
    for name, cue in (("except", context.EXCEPTIONS), ("example", context.EXAMPLES), ("or", context.ANY_CONNECTIVE)):
        if cue.search(gap_text):
            feats.append(f"cue={name}")
    return feats


def clause_start(text: str, pos: int) -> int:
    """Where the clause holding ``pos`` starts: after the last ';', '. ' or ': ' before it."""
    ends = _clause_ends(text)
    return ends[bisect.bisect_right(ends, pos) - 1]


@lru_cache(maxsize=4)
def _clause_ends(text: str) -> list[int]:
    """0 and where each break ends (a break ending past ``pos`` is not before it): found once per
    text, so that asking for every concept stays linear in a long criterion."""
    ends = [0]
    for m in _CLAUSE_BREAK.finditer(text):
        ends.append(m.end())
    return ends


def negation_features(text: str, span: tuple[int, int], kind: str, section: str, before: int = 0) -> list[str]:
    """What says whether the concept at ``span`` is asked absent: the words of its clause before it,
    and how many concepts stand between the clause's start and it (``before``): a cue denies the
    first concept after it, and the rest only through the list that joins them."""
    start = clause_start(text, span[0])
    # "not limited to" and "will be excluded" deny nothing; only the clause is read, so a long
    # criterion stays linear
    said = context.NOT_DENIAL.sub(lambda m: " " * len(m[0]), text[start : span[0]])
    left = tokens(said)
    own = tokens(text[span[0] : span[1]])
    feats = [f"kind={kind}", f"section={section}", "bias", f"left_len={min(len(left), _MAX_GAP)}"]
    feats += [f"left={t}" for t in set(left)]
    feats += [f"near{i}={t}" for i, t in enumerate(reversed(left[-4:]))]
    feats += [f"left_bigram={x} {y}" for x, y in itertools.pairwise(left)]
    feats += [f"own={t}" for t in own[:3]]
    if left:
        feats.append(f"clause_first={left[0]}")
    cues = list(context.NEGATION_CUES.finditer(said))
    feats.append(f"before={min(before, 2)}")
    if cues:  # the lexicon's cues, and how far the nearest is, in words
        feats += ["cue=negation", f"cue_distance={min(len(tokens(text[start + cues[-1].end() : span[0]])), _MAX_GAP)}"]
        feats.append(f"cue_before={min(before, 2)}")
    if context.EXCEPTIONS.search(text, start, span[0]):
        feats.append("cue=except")
    return feats


@dataclass(frozen=True)
class Linear:
    """A log-linear classifier over string features: one weight row per known feature."""

    labels: tuple[str, ...]
    index: dict[str, int]
    weights: np.ndarray  # (features, labels)
    bias: np.ndarray  # (labels,)

    def probabilities(self, feats: list[str]) -> list[float]:
        # plain Python: with a handful of labels and a few dozen features, numpy's per-call cost dominates
        rows = [row for f in feats if (row := self._rows.get(f)) is not None]
        columns = zip(*rows, strict=True) if rows else ((0.0,) for _ in self._bias)  # one column per label
        scores = [b + sum(col) for b, col in zip(self._bias, columns, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def predict(self, feats: list[str]) -> tuple[str, float]:
        p = self.probabilities(feats)
        best = max(range(len(p)), key=p.__getitem__)
        return self.labels[best], p[best]

    @cached_property
    def _rows(self) -> dict[str, tuple[float, ...]]:
        return {f: tuple(self.weights[i].tolist()) for f, i in self.index.items()}

    @cached_property
    def _bias(self) -> tuple[float, ...]:
        return tuple(self.bias.tolist())


@dataclass(frozen=True)
class LogicModel:
    """The pair and negation classifiers, loaded from a directory written by ``train-relations``."""

    pairs: Linear
    negation: Linear
    info: dict

    def pair(self, text: str, a, b, kinds: tuple[str, str], section: str) -> tuple[str, float]:
        """The relation of span ``a`` to the later span ``b``, with its probability."""
        return self.pairs.predict(pair_features(text, a, b, kinds, section))

    def negated(self, text: str, span, kind: str, section: str, before: int = 0) -> tuple[bool, float]:
        label, p = self.negation.predict(negation_features(text, span, kind, section, before))
        return label == "negated", p

    @classmethod
    def load(cls, directory: Path | None = None) -> LogicModel:
        directory = Path(directory) if directory else shipped()
        info = json.loads((directory / "relations.json").read_text("utf-8"))
        arrays = np.load(directory / "relations.npz", allow_pickle=False)
        models = {}
        for name in ("pairs", "negation"):
            vocab = [str(f) for f in arrays[f"{name}_features"]]
            models[name] = Linear(
                labels=tuple(info[name]["labels"]),
                index={f: i for i, f in enumerate(vocab)},
                weights=arrays[f"{name}_weights"],
                bias=arrays[f"{name}_bias"],
            )
        return cls(models["pairs"], models["negation"], info)

    def _models(self) -> tuple[tuple[str, Linear], ...]:
        return (("pairs", self.pairs), ("negation", self.negation))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        arrays = {}
        for name, model in self._models():
            vocab = sorted(model.index, key=model.index.get)
            arrays[f"{name}_features"] = np.array(vocab, dtype=str)
            arrays[f"{name}_weights"] = model.weights.astype(np.float32)
            arrays[f"{name}_bias"] = model.bias.astype(np.float32)
        np.savez_compressed(directory / "relations.npz", **arrays)
        labels = {name: {**self.info.get(name, {}), "labels": list(model.labels)} for name, model in self._models()}
        info = {**self.info, **labels}
        (directory / "relations.json").write_text(json.dumps(info, indent=1) + "\n", "utf-8")


def shipped() -> Path:
    """The logic model inside the package."""
    return Path(str(resources.files("trialsieve.extract").joinpath("logic_model")))


@cache
def default_model() -> LogicModel | None:
    """The shipped logic model, or None when the package was built without it."""
    directory = shipped()
    return LogicModel.load(directory) if (directory / "relations.npz").exists() else None


def logic_enabled() -> bool:
    """Whether structuring uses the logic model by default: yes, unless ``TRIALSIEVE_LOGIC=0``
    (the cue lexicons alone, as before the model: for comparison and for fault-finding)."""
    return os.environ.get("TRIALSIEVE_LOGIC", "1") != "0"
