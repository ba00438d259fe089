"""Numeric constraints on the LCT dev set: precision, recall, F1 (target P >= 0.90, R >= 0.85).

python benchmarks/lct_constraints.py [data/lct/criteria_entities.dev.jsonl] [--errors N]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from trialsieve.eval.constraints import VIEWS, gold_constraints, matches, score
from trialsieve.extract.flat import constraints
from trialsieve.extract.structure import structure_text

DEFAULT = Path(__file__).resolve().parent.parent / "data" / "lct" / "criteria_entities.dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--errors", type=int, default=0, help="print this many misses and false alarms")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text("utf-8").splitlines() if line.strip()]
    predictions = [constraints(structure_text(row["text"]).rule) for row in rows]
    print(f"{len(rows)} lines")
    for view, (kinds, relations) in VIEWS.items():
        result = score(rows, predictions, kinds, relations)
        print(
            f"{view:<16} precision {result.precision:.3f}  recall {result.recall:.3f}  F1 {result.f1:.3f}"
            f"  (gold {result.gold}, predicted {result.predicted}, matched {result.true_positives})"
        )
        print(
            f"{'':<16} precision {result.precision_scorable:.3f} leaving out {result.unscorable} predictions"
            " on comparisons LCT annotated but linked to no variable"
        )
        for relation, n in result.gold_by_relation.most_common():
            found = result.by_relation[relation]
            print(f"    {relation:<15} recall {found / n:.3f}  ({found}/{n})")
    if args.errors:
        _show_errors(rows, predictions, args.errors)


def _show_errors(rows, predictions, limit: int) -> None:
    shown = 0
    for row, predicted in zip(rows, predictions, strict=False):
        golds = gold_constraints(row)
        missed = [g for g in golds if not any(matches(g, p) for p in predicted)]
        extra = [p for p in predicted if not any(matches(g, p) for g in golds)]
        if (missed or extra) and shown < limit:
            shown += 1
            print("\n" + row["text"].strip())
            for g in missed:
                print(f"   MISS {g.variable!r} {g.operator} {g.value} {g.value2 or ''}")
            for p in extra:
                print(f"   EXTRA {p['variable']!r} {p['operator']} {p['value']} {p['value2'] or ''} {p['unit'] or ''}")


if __name__ == "__main__":
    main()
