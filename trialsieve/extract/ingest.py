"""Find input files and read every trial in them, whatever the format.

Formats, detected per file: ClinicalTrials.gov API v2 JSON (one study, a list, an API page) or
JSONL (a study per line); trial pages as plain text; plain criteria text. A record that cannot
be read is yielded as a ``Failure`` with its path and reason, never dropped.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from trialsieve.extract import ctgov, pages
from trialsieve.trial import RecordError, Trial

SUFFIXES = (".json", ".jsonl", ".ndjson", ".txt", ".text", ".md")


@dataclass(frozen=True)
class Failure:
    """An input that could not be read: where, and why."""

    source: str
    reason: str


def expand(inputs: Iterable[str]) -> tuple[list[Path], list[Failure]]:
    """Files named by paths, folders (searched recursively) and glob patterns, in stable order."""
    files: list[Path] = []
    missing: list[Failure] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        elif path.is_file():
            files.append(path)
        elif matches := sorted(glob.glob(item, recursive=True)):
            files.extend(Path(m) for m in matches if Path(m).is_file())
        else:
            missing.append(Failure(item, "no such file, folder or matching pattern"))
    return list(dict.fromkeys(files)), missing


def read_file(path: Path) -> Iterator[Trial | Failure]:
    """Every trial in one file, or a ``Failure`` for each part that cannot be read."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        yield Failure(str(path), f"cannot read file: {error}")
        return
    if not text.strip():
        yield Failure(str(path), "empty file")
        return
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _read_jsonl(path, text)
    elif suffix == ".json" or text.lstrip()[:1] in "{[":
        yield from _read_json(path, text)
    else:
        yield _guard(str(path), lambda: read_text(text, str(path), path.stem))


def read_text(text: str, source: str, fallback_id: str) -> Trial:
    """A trial page, or plain criteria text ("Inclusion Criteria: ... Exclusion Criteria: ...")."""
    if pages.looks_like_page(text):
        return pages.read_page(text, f"{source} (trial page)", fallback_id)
    return Trial(id=fallback_id, criteria_text=text.strip("\n"), source=f"{source} (criteria text)")


def _read_json(path: Path, text: str) -> Iterator[Trial | Failure]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        yield Failure(str(path), f"invalid JSON: {error}")
        return
    for index, study in enumerate(ctgov.studies(document)):
        source = f"{path}#{index}" if isinstance(document, list) or "studies" in document else str(path)
        yield _guard(source, lambda s=study, src=source: ctgov.read_study(s, f"{src} (ctgov v2)"))


def _read_jsonl(path: Path, text: str) -> Iterator[Trial | Failure]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        source = f"{path}:{number}"
        try:
            study = json.loads(line)
        except json.JSONDecodeError as error:
            yield Failure(source, f"invalid JSON: {error}")
            continue
        yield _guard(source, lambda s=study, src=source: ctgov.read_study(s, f"{src} (ctgov v2)"))


def _guard(source: str, read) -> Trial | Failure:
    try:
        return read()
    except (RecordError, ValueError) as error:
        return Failure(source, str(error))


def read_inputs(inputs: Iterable[str]) -> tuple[list[Trial], list[Failure]]:
    """Every trial in ``inputs`` (paths, folders, patterns), and every input that could not be read."""
    files, failures = expand(inputs)
    trials: list[Trial] = []
    for path in files:
        for item in read_file(path):
            (trials if isinstance(item, Trial) else failures).append(item)
    return trials, failures
