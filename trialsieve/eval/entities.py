"""Entity scores: precision, recall and F1 per type, strict (same span) and relaxed (overlapping span).

Matching is one-to-one within a line: in relaxed mode a long predicted span that overlaps two gold
spans counts once, so splitting or merging entities is never rewarded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from trialsieve.extract import lct
from trialsieve.rules import Entity


@dataclass
class Counts:
    """True positives, predictions and gold, by entity type."""

    matched: Counter = field(default_factory=Counter)
    predicted: Counter = field(default_factory=Counter)
    gold: Counter = field(default_factory=Counter)

    def prf(self, types: Iterable[str]) -> tuple[float, float, float]:
        """Micro-averaged precision, recall and F1 over ``types``."""
        types = list(types)
        tp = sum(self.matched[t] for t in types)
        p = tp / n if (n := sum(self.predicted[t] for t in types)) else 0.0
        r = tp / n if (n := sum(self.gold[t] for t in types)) else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class EntityScore:
    strict: Counts = field(default_factory=Counts)
    relaxed: Counts = field(default_factory=Counts)

    def types(self) -> list[str]:
        """Types seen in gold or predictions, in the corpus table's order."""
        return [t for t in lct.labels() if self.strict.gold[t] or self.strict.predicted[t]]

    def rows(self) -> dict[str, dict]:
        """Per type, then micro over the core types and over all: P, R, F1 strict and relaxed, and gold."""
        groups = {t: [t] for t in self.types()} | {"micro core": lct.core(), "micro all": self.types()}
        return {
            name: {
                mode: dict(zip(("precision", "recall", "f1"), getattr(self, mode).prf(types), strict=True))
                for mode in ("strict", "relaxed")
            }
            | {"gold": sum(self.strict.gold[t] for t in types)}
            for name, types in groups.items()
        }


def entity_table(score: EntityScore) -> str:
    """Per-type and micro scores as aligned text."""
    out = [f"{'':<12}{'strict P':>9}{'R':>7}{'F1':>7}   {'relaxed P':>9}{'R':>7}{'F1':>7}{'gold':>7}"]
    for name, row in score.rows().items():
        s, r = row["strict"], row["relaxed"]
        out.append(
            f"{name:<12}{s['precision']:>9.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
            f"   {r['precision']:>9.3f}{r['recall']:>7.3f}{r['f1']:>7.3f}{row['gold']:>7}"
        )
    return "\n".join(out)


def score_entities(gold: list[list[Entity]], predicted: list[list[Entity]]) -> EntityScore:
    """Strict and relaxed counts over lines of gold and predicted entities."""
    result = EntityScore()
    for golds, preds in zip(gold, predicted, strict=True):
        for counts, same in ((result.strict, _same_span), (result.relaxed, _overlap)):
            counts.gold.update(g.type for g in golds)
            counts.predicted.update(p.type for p in preds)
            unused = list(preds)
            for g in golds:
                hit = next((p for p in unused if p.type == g.type and same(g, p)), None)
                if hit is not None:
                    unused.remove(hit)
                    counts.matched[g.type] += 1
    return result


def _same_span(a: Entity, b: Entity) -> bool:
    return (a.start, a.end) == (b.start, b.end)


def _overlap(a: Entity, b: Entity) -> bool:
    return a.start < b.end and b.start < a.end
