"""Structuring time per character as one criterion grows from 5,000 to 40,000 characters: it should
be flat (linear time), with the grammar alone and with the entity tagger and logic model.

    python benchmarks/long_criteria.py [--repeat 3]

A registry record can paste a whole protocol into one bullet; a cost that grows with the square of
the length would let one record stall a batch. The text repeats a real-looking criterion with a
limit, a window, a list, a negation and an example, so every part of the pipeline has work.
"""

from __future__ import annotations

import argparse
import time

from trialsieve.extract.structure import structure_text
from trialsieve.extract.tagger import EntityTagger

SENTENCE = (
    "Patients with hemoglobin < 9 g/dL, history of myocardial infarction or stroke within 6 months, "
    "and no prior treatment with anti-PD-1 therapy (e.g. nivolumab). "
)
SIZES = (5_000, 10_000, 20_000, 40_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tagger = EntityTagger.load()
    structure_text(SENTENCE, "exclusion", tagger.tag([SENTENCE])[0])  # load lexicons and models first
    for label, tag in (("grammar and logic model", False), ("with the entity tagger", True)):
        rates = []
        for size in SIZES:
            text = (SENTENCE * (size // len(SENTENCE) + 1))[:size]

            def run(text=text, tag=tag) -> None:
                structure_text(text, "exclusion", tagger.tag([text])[0] if tag else None)

            best = min(_time(run) for _ in range(args.repeat))
            rates.append(best / size * 1e6)
            print(f"{label:>24}: {size:>6,} characters in {best:6.2f} s = {rates[-1]:6.1f} µs per character")
        print(f"{label:>24}: 40,000 / 5,000 characters, time per character x{rates[-1] / rates[0]:.2f}")


def _time(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
