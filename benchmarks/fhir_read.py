"""Seconds to read each FHIR R4 bundle into a patient (validation with fhir.resources included).

usage: python benchmarks/fhir_read.py [FOLDER ...]   (default: data/fhir/synthea, and
../shared/data/fhir/synthea when it is there)

Target: a 2 MB bundle in under 0.5 s on one core. Each bundle is read three times; the best is shown.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from trialsieve.match.records import read_patient

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    folders = [Path(a) for a in sys.argv[1:]] or [
        ROOT / "data" / "fhir" / "synthea",
        ROOT.parent / "shared" / "data" / "fhir" / "synthea",
    ]
    bundles = sorted({p.name: p for f in folders if f.is_dir() for p in f.glob("*.json")}.values())
    read_patient(bundles[0])  # imports and model classes, not timed
    worst = 0.0
    for path in bundles:
        best = min(_time(path) for _ in range(3))
        megabytes = path.stat().st_size / 1e6
        patient = read_patient(path)
        worst = max(worst, best / megabytes)
        print(f"{path.name:12s} {megabytes:5.2f} MB  {len(patient.facts):5d} facts  {best:.3f} s")
    print(f"slowest: {worst:.3f} s per MB, so a 2 MB bundle in {2 * worst:.2f} s (target < 0.5 s)")


def _time(path: Path) -> float:
    start = time.perf_counter()
    read_patient(path)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
