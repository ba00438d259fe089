"""The Leaf Clinical Trials corpus (LCT): its rows, its entity types in ours, and a split by trial.

Rows are criterion lines with ``text``, ``trial_id``, ``entities`` (LCT types, character offsets)
and ``numeric_constraints``. The type table is data (``lexicons/lct_types.json``). The split is
by trial so that no trial's wording is both learnt and scored, and by a hash of the trial id so
that it is the same on every machine and for every subset of the file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from trialsieve.extract.lexicon import load
from trialsieve.jsonl import read_rows
from trialsieve.rules import Entity

Part = Literal["train", "valid", "test"]

#: Shares of trials in each part; ``valid`` picks the epoch, ``test`` is only ever reported.
SHARES: dict[str, float] = {"valid": 0.10, "test": 0.15}


def types() -> dict[str, str]:
    """LCT type -> trialsieve entity type."""
    return load("lct_types")["types"]


def labels() -> list[str]:
    """Our entity types, in the order that settles overlaps (earlier wins)."""
    return load("lct_types")["priority"]


def core() -> list[str]:
    """The four clinical types every report leads with."""
    return load("lct_types")["core"]


def scored(entities: list[Entity]) -> list[Entity]:
    """Our entities with finer kinds folded into the corpus's types (measurement is an observation)."""
    fold = load("lct_types")["scored_as"]
    return [e.model_copy(update={"type": fold[e.type]}) if e.type in fold else e for e in entities]


def read(path: Path) -> list[dict]:
    """The rows of an LCT-format JSONL file; a bad line is an error naming its line number."""
    return read_rows(path, "an LCT row", _check)


def _check(row: dict) -> None:
    if not isinstance(row.get("text"), str):
        raise ValueError("no 'text' string")


def gold_entities(row: dict) -> list[Entity]:
    """The row's entities in our types, overlaps settled by priority, sorted by position."""
    table, rank = types(), {label: i for i, label in enumerate(labels())}
    mapped = [
        Entity(type=table[e["type"]], start=e["start"], end=e["end"], text=row["text"][e["start"] : e["end"]])
        for e in row.get("entities", [])
        if e.get("type") in table and 0 <= e["start"] < e["end"] <= len(row["text"])
    ]
    kept: list[Entity] = []
    for entity in sorted(mapped, key=lambda e: (rank[e.type], e.start - e.end)):
        if not any(entity.start < k.end and k.start < entity.end for k in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: (e.start, e.end))


def part(trial_id: str) -> Part:
    """Which part of the split a trial belongs to."""
    fraction = int(hashlib.sha256(trial_id.encode()).hexdigest()[:8], 16) / 0x1_0000_0000
    if fraction < SHARES["test"]:
        return "test"
    if fraction < SHARES["test"] + SHARES["valid"]:
        return "valid"
    return "train"


def split(rows: list[dict]) -> dict[Part, list[dict]]:
    parts: dict[Part, list[dict]] = {"train": [], "valid": [], "test": []}
    for row in rows:
        parts[part(str(row.get("trial_id", "")))].append(row)
    return parts
