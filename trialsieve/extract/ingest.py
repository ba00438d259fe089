"""Find input files and read every trial in them, whatever the format.

Formats, detected per file: ClinicalTrials.gov API v2 JSON (one study, a list, an API page) or
JSONL (a study per line); trial pages as plain text; plain criteria text. A record that cannot
be read is yielded as a ``Failure`` with its path and reason, never dropped: a bad record does not
stop the file or the batch. Every trial id is checked to be a plain name here, at the one door every
record comes through, since later stages use ids in file names, index entries and URLs.
"""

from __future__ import annotations

import glob
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from trialsieve.extract import ctgov, pages
from trialsieve.trial import RecordError, Trial, is_safe_id, safe_id

SUFFIXES = (".json", ".jsonl", ".ndjson", ".zip", ".txt", ".text", ".md")


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
    for item in _read_file(path):
        if isinstance(item, Trial) and not is_safe_id(item.id):
            reason = f"trial id {item.id[:60]!r} is not a plain name (letters, digits, '.', '-', '_'; no '..')"
            yield Failure(re.sub(r" \((?:ctgov v2|trial page|criteria text)\)$", "", item.source), reason)
        else:
            yield item


def _read_file(path: Path) -> Iterator[Trial | Failure]:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _read_jsonl(path)
        return
    if suffix == ".zip":  # the registry's full-study archive: one study JSON a member (extract/archive.py)
        yield from _read_archive(path)
        return
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        yield Failure(str(path), f"cannot read file: {error}")
        return
    if not text.strip():
        yield Failure(str(path), "empty file")
        return
    if suffix == ".json" or text.lstrip()[:1] in "{[":
        yield from _read_json(path, text)
    else:
        yield _guard(str(path), lambda: read_text(text, str(path), safe_id(path.stem)))


def read_text(text: str, source: str, fallback_id: str) -> Trial:
    """A trial page, or plain criteria text ("Inclusion Criteria: ... Exclusion Criteria: ...")."""
    if pages.looks_like_page(text):
        return pages.read_page(text, f"{source} (trial page)", fallback_id)
    return Trial(id=fallback_id, criteria_text=text.strip("\n"), source=f"{source} (criteria text)")


def _read_json(path: Path, text: str) -> Iterator[Trial | Failure]:
    try:
        document = _loads(text)
    except ValueError as error:
        yield Failure(str(path), str(error))
        return
    many = isinstance(document, list) or (isinstance(document, dict) and "studies" in document)
    for index, study in enumerate(ctgov.studies(document)):
        source = f"{path}#{index}" if many else str(path)
        yield _guard(source, lambda s=study, src=source: ctgov.read_study(s, f"{src} (ctgov v2)"))


def _read_jsonl(path: Path) -> Iterator[Trial | Failure]:
    """One study a line, read a line at a time: a JSONL file of 10,000 studies is 170 MB, and holding
    it whole (and its lines) made ``structure``'s memory grow with the number of trials (issue 22)."""
    empty = True
    try:
        with path.open(encoding="utf-8", newline="\n") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                empty = False
                source = f"{path}:{number}"
                try:
                    study = _loads(line)
                except ValueError as error:
                    yield Failure(source, str(error))
                    continue
                yield _guard(source, lambda s=study, src=source: ctgov.read_study(s, f"{src} (ctgov v2)"))
    except (OSError, UnicodeDecodeError) as error:
        yield Failure(str(path), f"cannot read file: {error}")
        return
    if empty:
        yield Failure(str(path), "empty file")


def _read_archive(path: Path) -> Iterator[Trial | Failure]:
    """Each study JSON member of a zip, read and parsed one at a time (``extract/archive.py``); a member
    that is no study JSON is reported, not skipped, so nothing in the archive goes missing silently."""
    from trialsieve.extract.archive import ArchiveError, members

    empty = True
    try:
        for name, content in members(path):
            empty = False
            source = f"{path}!{name}"
            if isinstance(content, ArchiveError):
                yield Failure(source, f"cannot read archive member: {content}")
                continue
            if not name.lower().endswith(".json"):
                yield Failure(source, "not a .json member; the archive holds one study JSON file per study")
                continue
            try:
                document = _loads(content.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as error:
                yield Failure(source, str(error))
                continue
            many = isinstance(document, list) or (isinstance(document, dict) and "studies" in document)
            for index, study in enumerate(ctgov.studies(document)):
                where = f"{source}#{index}" if many else source
                yield _guard(where, lambda s=study, src=where: ctgov.read_study(s, f"{src} (ctgov v2)"))
    except (OSError, ArchiveError) as error:
        yield Failure(str(path), f"cannot read archive: {error}")
        return
    if empty:
        yield Failure(str(path), "empty archive")


def _loads(text: str) -> object:
    """Parsed JSON; ``ValueError`` for invalid JSON and for JSON nested too deep to parse."""
    try:
        return json.loads(text)
    except ValueError as error:  # a syntax error, or a number too long to convert
        raise ValueError(f"invalid JSON: {error}") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deep") from None


def _guard(source: str, read) -> Trial | Failure:
    try:
        return read()
    except (RecordError, ValueError) as error:
        return Failure(source, str(error))


def read_inputs(inputs: Iterable[str]) -> tuple[list[Trial], list[Failure]]:
    """Every trial in ``inputs`` (paths, folders, patterns), and every input that could not be read."""
    trials: list[Trial] = []
    failures: list[Failure] = []
    for item in stream_inputs(inputs):
        (failures if isinstance(item, Failure) else trials).append(item)
    return trials, failures


def stream_inputs(inputs: Iterable[str]) -> Iterator[Trial | Failure]:
    """The trials of ``inputs`` one at a time, and each input that could not be read as it is met,
    without holding them (the registry's archive is read a member at a time): a repeated record is
    read once, an id read twice with other content is a failure."""
    files, missing = expand(inputs)
    yield from missing
    seen: dict[str, tuple[str, str]] = {}  # id -> (fingerprint, source) of its first record: 0.3 kB a trial
    for path in files:
        for item in read_file(path):
            clash = item if isinstance(item, Failure) else duplicate(item, seen)
            if clash is None:
                yield item
            elif clash:
                yield clash


def fingerprint(trial: Trial) -> str:
    """A trial's content, wherever it was read from: equal for the same record in two files."""
    return hashlib.sha256(trial.model_dump_json(exclude={"source"}).encode()).hexdigest()


def duplicate(trial: Trial, seen: dict[str, tuple[str | None, str]]) -> Failure | Literal[False] | None:
    """None for a new id (now in ``seen``); False for a copy of a record already read; a ``Failure``
    for a record whose id was read before with other content, which is not read so that a trial is
    never silently one record or the other. A fingerprint of None in ``seen`` (an output written
    before fingerprints were kept) takes any content as a copy."""
    mark = fingerprint(trial)
    if trial.id not in seen:
        seen[trial.id] = (mark, trial.source)
        return None
    first_mark, first_source = seen[trial.id]
    if first_mark in (None, mark):
        return False
    return Failure(trial.source, f"trial {trial.id} was read before from {first_source} with other content; not read")
