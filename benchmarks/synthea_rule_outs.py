"""Real patients against real trials: which criteria rule Synthea patients out, to read by hand.

python benchmarks/synthea_rule_outs.py TRIALS.jsonl FHIR_DIR [--trials 120] [--out RULED_OUT.tsv]

TRIALS.jsonl is `trialsieve structure` output, or a registry file `structure` reads
(../shared/data/ctgov/studies.dev.jsonl), structured here with the shipped tagger first; FHIR_DIR
holds Synthea R4 bundles (../shared/data/fhir/synthea). A random sample of the trials (seed 5) is
checked against every bundle as `check` does it, with embeddings and no presumption.
Prints the overall verdicts and how many criteria rule a patient out, by section; --out writes one
line per criterion that rules a patient out (patient, trial, criterion, section, text, evidence).
A patient ruled out by an exclusion that does not apply to them is the worst error the tool can
make, and these lines are where it shows: most of the rule-trees classes of the latest stop were
found reading them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from trialsieve.extract.ingest import Failure, read_file
from trialsieve.extract.structure import structure_trial
from trialsieve.extract.tagger import EntityTagger
from trialsieve.index.embeddings import Embedder
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.records import read_patient
from trialsieve.trial import StructuredTrial

AS_OF = dt.date(2026, 11, 29)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trials", type=Path)
    parser.add_argument("fhir", type=Path)
    parser.add_argument("--trials", dest="count", type=int, default=120)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    trials = _trials(args.trials)
    random.Random(5).shuffle(trials)
    trials = trials[: args.count]
    matcher = ConceptMatcher(Embedder())
    overall, sections, rows = Counter(), Counter(), []
    for path in sorted(args.fhir.glob("*.json")):
        patient = read_patient(path)
        for trial in trials:
            report = check(trial, patient, AS_OF, matcher)
            overall[report.overall] += 1
            for criterion in report.criteria:
                if criterion.id in report.ruled_out_by:
                    sections[criterion.section] += 1
                    said = "; ".join(f"{e.verdict}: {e.reason}" for e in criterion.evidence)
                    text = " ".join(criterion.text.split())
                    rows.append(f"{path.stem}\t{trial.trial.id}\t{criterion.id}\t{criterion.section}\t{text}\t{said}")
    checks = sum(overall.values())
    print(f"{checks} checks ({len(trials)} trials x {checks // max(len(trials), 1)} patients): {dict(overall)}")
    print(f"criteria ruling a patient out: {dict(sections)}")
    if args.out:
        args.out.write_text("".join(f"{row}\n" for row in rows), encoding="utf-8")


def _trials(path: Path) -> list[StructuredTrial]:
    """The structured trials of ``path``: `structure` output as it is, a registry file structured now."""
    try:
        with path.open(encoding="utf-8") as lines:
            return [StructuredTrial.model_validate_json(line) for line in lines if line.strip()]
    except ValidationError:
        tagger = EntityTagger.load()
        return [structure_trial(t, tagger) for t in read_file(path) if not isinstance(t, Failure)]


if __name__ == "__main__":
    main()
