"""Trial and chunk metadata in SQLite: what each vector row is, and which rows a filter admits.

Row numbers are the FAISS ids and the BM25 document numbers, so one integer ties the three
stores together. Trial fields are stored normalised (status, phases, ages in years) so filters
are plain SQL.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from trialsieve.extract.quantities import convert
from trialsieve.index.chunks import Chunk
from trialsieve.trial import Age, Trial

_SCHEMA = """
CREATE TABLE trials (
    id TEXT PRIMARY KEY, title TEXT, status TEXT, sex TEXT, min_age REAL, max_age REAL,
    phases TEXT NOT NULL, conditions TEXT NOT NULL, digest TEXT NOT NULL, record TEXT NOT NULL
);
CREATE TABLE chunks (
    row INTEGER PRIMARY KEY, trial_id TEXT NOT NULL REFERENCES trials(id), kind TEXT NOT NULL,
    section TEXT, criterion_id TEXT, text TEXT NOT NULL
);
CREATE INDEX chunks_by_trial ON chunks(trial_id);
"""


class Filters(BaseModel):
    """Trial fields a search may be restricted to; empty means no restriction."""

    model_config = ConfigDict(extra="forbid")
    status: list[str] = Field(default_factory=list, description="any of these overall statuses, e.g. recruiting")
    phase: list[str] = Field(default_factory=list, description="any of these phases, e.g. 2 or phase 2")
    sex: Literal["female", "male"] | None = Field(None, description="trials open to this sex")
    age: float | None = Field(None, description="trials whose age limits admit this age, in years")
    condition: str | None = Field(
        None, description="text in one of the trial's conditions (its title when it lists none)"
    )
    trial_ids: list[str] = Field(default_factory=list, description="only these trials")

    def __bool__(self) -> bool:
        return bool(self.status or self.phase or self.sex or self.age is not None or self.condition or self.trial_ids)


def status_key(status: str) -> str:
    """ "RECRUITING", "Recruiting" and "not yet recruiting" compare equal."""
    return re.sub(r"[\s_]+", " ", status).strip().lower()


def phase_key(phase: str) -> str:
    """ "PHASE2", "Phase 2" and "2" compare equal; "Early Phase 1" stays distinct."""
    key = re.sub(r"[\s_/]+", "", phase).lower()
    return f"phase{key}" if key[:1].isdigit() else key


def digest(trial: Trial) -> str:
    """A fingerprint of the record's content (its source path excluded), to spot changed trials."""
    content = trial.model_dump_json(exclude={"source"})
    return hashlib.sha256(content.encode()).hexdigest()


class Metadata:
    """One SQLite file; ``create`` makes the tables in a new file."""

    def __init__(self, path: Path, create: bool = False) -> None:
        # serialized SQLite (sqlite3.threadsafety == 3): one connection may serve the app's worker threads
        self.db = sqlite3.connect(path, check_same_thread=False)
        if create:
            self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def add(self, trials: Iterable[Trial], chunks: Iterable[tuple[int, Chunk]]) -> None:
        """Store trials and their chunks at the given rows, in one transaction."""
        with self.db:
            self.db.executemany(
                "INSERT INTO trials VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        t.id,
                        t.title,
                        status_key(t.status) if t.status else None,
                        t.sex,
                        _years(t.minimum_age),
                        _years(t.maximum_age),
                        json.dumps([phase_key(p) for p in t.phases]),
                        json.dumps([c.lower() for c in t.conditions]),
                        digest(t),
                        t.model_dump_json(),
                    )
                    for t in trials
                ),
            )
            self.db.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
                ((row, c.trial_id, c.kind, c.section, c.criterion_id, c.text) for row, c in chunks),
            )

    def counts(self) -> tuple[int, int]:
        """(trials, chunks)."""
        trials = self.db.execute("SELECT count(*) FROM trials").fetchone()[0]
        chunks = self.db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        return trials, chunks

    def digests(self, trial_ids: Iterable[str]) -> dict[str, str]:
        """The content digests of those of ``trial_ids`` that are stored."""
        ids = list(trial_ids)
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):  # SQLite caps the number of bound parameters
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            found.update(self.db.execute(f"SELECT id, digest FROM trials WHERE id IN ({marks})", part))
        return found

    def texts(self) -> Iterator[str]:
        """Every chunk's text in row order (what BM25 indexes)."""
        for (text,) in self.db.execute("SELECT text FROM chunks ORDER BY row"):
            yield text

    def chunks(self, rows: Iterable[int]) -> dict[int, Chunk]:
        rows = [int(r) for r in rows]
        found: dict[int, Chunk] = {}
        for start in range(0, len(rows), 500):  # SQLite caps the number of bound parameters
            part = rows[start : start + 500]
            marks = ",".join("?" * len(part))
            for row, trial_id, kind, section, criterion_id, text in self.db.execute(
                f"SELECT row, trial_id, kind, section, criterion_id, text FROM chunks WHERE row IN ({marks})", part
            ):
                found[row] = Chunk(trial_id=trial_id, kind=kind, section=section, criterion_id=criterion_id, text=text)
        return found

    def trial(self, trial_id: str) -> Trial | None:
        found = self.db.execute("SELECT record FROM trials WHERE id = ?", (trial_id,)).fetchone()
        return Trial.model_validate_json(found[0]) if found else None

    def trials(self) -> Iterator[Trial]:
        """Every trial record, by id."""
        for (record,) in self.db.execute("SELECT record FROM trials ORDER BY id"):
            yield Trial.model_validate_json(record)

    def titles(self, trial_ids: Iterable[str]) -> dict[str, str | None]:
        ids = list(trial_ids)
        marks = ",".join("?" * len(ids))
        return dict(self.db.execute(f"SELECT id, title FROM trials WHERE id IN ({marks})", ids)) if ids else {}

    def rows(self, filters: Filters) -> np.ndarray:
        """The chunk rows of the trials ``filters`` admits, ascending."""
        where, params = _where(filters)
        query = f"SELECT c.row FROM chunks c JOIN trials t ON t.id = c.trial_id WHERE {where} ORDER BY c.row"
        return np.fromiter((r for (r,) in self.db.execute(query, params)), dtype=np.int64)


def _where(filters: Filters) -> tuple[str, list]:
    clauses, params = ["1"], []
    if filters.status:
        clauses.append(f"t.status IN ({','.join('?' * len(filters.status))})")
        params += [status_key(s) for s in filters.status]
    if filters.phase:
        marks = ",".join("?" * len(filters.phase))
        clauses.append(f"EXISTS (SELECT 1 FROM json_each(t.phases) WHERE value IN ({marks}))")
        params += [phase_key(p) for p in filters.phase]
    if filters.sex:
        clauses.append("(t.sex IS NULL OR t.sex IN ('all', ?))")
        params.append(filters.sex)
    if filters.age is not None:
        clauses.append("(t.min_age IS NULL OR t.min_age <= ?) AND (t.max_age IS NULL OR t.max_age >= ?)")
        params += [filters.age, filters.age]
    if filters.condition:
        pattern = f"%{_literal(filters.condition.lower())}%"
        clauses.append(
            "(EXISTS (SELECT 1 FROM json_each(t.conditions) WHERE value LIKE ? ESCAPE '\\')"
            " OR (t.conditions = '[]' AND lower(t.title) LIKE ? ESCAPE '\\'))"
        )
        params += [pattern, pattern]
    if filters.trial_ids:
        clauses.append(f"t.id IN ({','.join('?' * len(filters.trial_ids))})")
        params += filters.trial_ids
    return " AND ".join(clauses), params


def _literal(text: str) -> str:
    """``text`` as a LIKE pattern matching itself: a condition of '%' or '_' is text, not a wildcard."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _years(age: Age | None) -> float | None:
    return convert(age.value, age.unit, "a") if age else None
