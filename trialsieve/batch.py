"""Batch structuring: many inputs in, one JSONL line per trial (or per criterion) out.

Resumable (trials already in the output are skipped), parallel (``workers``), with a progress bar
on stderr, and honest: every input that fails is reported with its source and reason, and the batch
goes on with the others. The output is only ever appended to, or rewritten when it is ours (empty,
or structure output) or ``force`` is given: a file that is not ours is never emptied.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache, partial
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError
from tqdm import tqdm

from trialsieve.extract.ingest import Failure, expand, fingerprint, read_file
from trialsieve.trial import Trial

if TYPE_CHECKING:
    from trialsieve.extract.structure import Extraction
    from trialsieve.extract.tagger import EntityTagger
    from trialsieve.llm.backends import LLM


class OutputError(ValueError):
    """The output path cannot be written without losing something that is not ours."""


@dataclass
class Summary:
    trials: int = 0
    criteria: int = 0
    skipped: int = 0
    no_criteria: int = 0  # trials written with no criteria read (empty, or headings only)
    statuses: Counter = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        total = sum(self.statuses.values()) or 1
        shares = ", ".join(f"{s} {self.statuses[s] / total:.1%}" for s in ("structured", "partial", "needs_review"))
        empty = f", with no criteria {self.no_criteria}" if self.no_criteria else ""
        out = [
            f"trials {self.trials}{empty}, criteria {self.criteria} ({shares}), skipped {self.skipped}, "
            f"failures {len(self.failures)}"
        ]
        out += [f"note: {note}" for note in self.notes]
        out += [f"FAILED {f.source}: {f.reason}" for f in self.failures]
        return out


def structure_files(
    inputs: Iterable[str],
    out: Path,
    workers: int = 1,
    resume: bool = True,
    progress: bool = True,
    model: Path | None = None,
    llm: LLM | None = None,
    force: bool = False,
) -> Summary:
    """Structure every trial in ``inputs`` into ``out`` (JSONL, one trial a line).

    ``model`` is an entity-model directory; None structures with the grammar alone. ``llm`` reads
    what stays unstructured (one process); what it did goes to ``OUT.llm.jsonl``. ``force`` allows
    emptying an ``out`` that is not structure output; without it that is an ``OutputError``.
    """
    if model is not None and workers == 1:
        tagger(model)  # fail early on a bad model directory, before any output

    summary = Summary()
    fresh = force or not resume
    _check_output(out, _is_trial_line, force)
    files, missing = expand(inputs)
    summary.failures.extend(missing)
    done = {} if fresh else _done(out, summary)
    if fresh and out.exists():
        out.write_text("")

    def work() -> Iterator[Trial | Failure]:
        for path in files:
            for item in read_file(path):
                if isinstance(item, Trial) and item.id in done:
                    mark, where = done[item.id]
                    if mark is None or mark == fingerprint(item):
                        summary.skipped += 1
                    else:  # never silently one record or the other
                        reason = f"trial {item.id} was read before from {where} with other content; not written"
                        yield Failure(item.source, reason)
                    continue
                if isinstance(item, Trial):
                    done[item.id] = (fingerprint(item), item.source)
                yield item

    out.parent.mkdir(parents=True, exist_ok=True)
    # spawned, not forked: a forked child inherits torch's thread pool mid-state and can hang
    workers = 1 if llm is not None else workers  # one model in memory, not one per process
    pool = get_context("spawn").Pool(workers) if workers > 1 else nullcontext()
    log = out.with_suffix(".llm.jsonl").open("a", encoding="utf-8") if llm is not None else nullcontext()
    with pool, out.open("a", encoding="utf-8") as sink, log as llm_log:
        one = partial(_structure_one, model=model, llm=llm)
        results = pool.imap(one, work(), chunksize=4) if workers > 1 else map(one, work())
        bar = tqdm(results, unit=" trials", file=sys.stderr, disable=not progress, desc="structuring")
        for result in bar:
            if isinstance(result, Failure):
                summary.failures.append(result)
                continue
            line, statuses, notes = result
            sink.write(line + "\n")
            if llm_log is not None:
                llm_log.writelines(json.dumps(note, ensure_ascii=False) + "\n" for note in notes)
            summary.trials += 1
            summary.no_criteria += not statuses
            summary.criteria += sum(statuses.values())
            summary.statuses.update(statuses)
    return summary


@cache
def tagger(model: Path) -> EntityTagger:
    """The entity tagger in ``model``, loaded once a process."""
    from trialsieve.extract.tagger import EntityTagger

    return EntityTagger.load(model)


def _structure_one(
    item: Trial | Failure, model: Path | None = None, llm: LLM | None = None
) -> tuple[str, Counter, list[dict]] | Failure:
    """One trial's output line, its criteria's statuses, and what the LLM did (if one is given)."""
    if isinstance(item, Failure):
        return item
    from trialsieve.extract.structure import structure_trial

    notes: list[dict] = []
    try:
        structured = structure_trial(item, tagger(model) if model else None)
        if llm is not None:
            from trialsieve.llm.leftovers import refine

            structured, refinements = refine(structured, llm)
            notes = [{"trial_id": item.id, **vars(r)} for r in refinements]
    except Exception as error:  # a bug must not stop the batch; it is reported with its trial
        return Failure(item.source, f"structuring failed: {type(error).__name__}: {error}")
    statuses = Counter(c.status for c in structured.criteria)
    return structured.model_dump_json(exclude_none=True), statuses, notes


def _check_output(out: Path, ours: Callable[[bytes], bool], force: bool) -> None:
    """``OutputError`` unless ``out`` is absent, blank, or ours: one of its first lines is one ``ours``
    accepts (a corrupt line does not disown a file). ``force`` skips the check."""
    if out.exists() and not out.is_file():
        raise OutputError(f"{out} is not a file")
    if force or not out.exists():
        return
    with out.open("rb") as handle:
        lines = list(islice((raw for raw in handle if raw.strip()), 100))
    if lines and not any(ours(raw) for raw in lines):
        raise OutputError(f"{out} exists and is not trialsieve output; give --force to overwrite it")


def _trial_line(raw: bytes) -> tuple[str, str | None] | None:
    """A structure output line's trial id and content fingerprint (None if it no longer reads as a
    ``Trial``), or None when the line is not one."""
    try:
        record = json.loads(raw)
        trial_id = record["trial"]["id"]
        if not isinstance(trial_id, str) or "criteria" not in record:
            return None
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    try:
        return trial_id, fingerprint(Trial.model_validate(record["trial"]))
    except ValidationError:
        return trial_id, None


def _is_trial_line(raw: bytes) -> bool:
    return _trial_line(raw) is not None


def _done(out: Path, summary: Summary) -> dict[str, tuple[str | None, str]]:
    """Trials already written: id -> (fingerprint, where). A last line cut short by a crash (no newline)
    is removed, with a note; any other line that is not a trial is left as it is and reported."""
    if not out.exists():
        return {}
    done: dict[str, tuple[str | None, str]] = {}
    offset = 0
    with out.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if raw.strip() and (found := _trial_line(raw)) is not None:
                done.setdefault(found[0], (found[1], f"{out}:{number}"))
            elif raw.strip() and not raw.endswith(b"\n"):
                summary.notes.append(f"{out}:{number}: removed a last line cut short (an interrupted run)")
                break
            elif raw.strip():
                reason = "not a structured trial line; left as it is, its trial (if any) is structured again"
                summary.failures.append(Failure(f"{out}:{number}", reason))
            offset += len(raw)
    if offset < out.stat().st_size:
        with out.open("r+b") as handle:
            handle.truncate(offset)
    elif offset and not _ends_with_newline(out):
        with out.open("ab") as handle:
            handle.write(b"\n")
    return done


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, 2)
        return handle.read(1) == b"\n"


def structure_criteria_lines(
    source: Path,
    out: Path,
    progress: bool = True,
    model: Path | None = None,
    batch_size: int = 256,
    force: bool = False,
) -> Summary:
    """One criterion per input line (``{"id", "text", "section"?}``) to one result line each; ``out``
    is rewritten, so it must be absent, blank or earlier output of this (else ``force``)."""
    _check_output(out, _is_criterion_line, force)
    summary = Summary()
    items: list[tuple[str, str, str]] = []  # id, text, section
    for number, line in enumerate(source.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"]
            if not isinstance(text, str):
                raise TypeError("'text' must be a string")
        except (ValueError, KeyError, TypeError) as error:
            summary.failures.append(Failure(f"{source}:{number}", f"not a criterion line: {error}"))
            continue
        items.append((line_id(item, number), text, section_of(item)))
    out.parent.mkdir(parents=True, exist_ok=True)
    bar = tqdm(total=len(items), unit=" criteria", file=sys.stderr, disable=not progress)
    with out.open("w", encoding="utf-8") as sink, bar:
        for start in range(0, len(items), batch_size):
            chunk = items[start : start + batch_size]
            for (ident, text, section), extraction in zip(chunk, _extract(chunk, model), strict=True):
                record = criterion_record(ident, text, section, extraction)
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                summary.criteria += 1
                summary.statuses[record["status"]] += 1
            bar.update(len(chunk))
    return summary


def _is_criterion_line(raw: bytes) -> bool:
    try:
        record = json.loads(raw)
    except (ValueError, RecursionError):
        return False
    return isinstance(record, dict) and {"id", "rule", "status"} <= set(record)


def line_id(item: dict, number: int) -> str:
    """A criterion line's id: its own, else trial id and line index, else its line number."""
    if item.get("id"):
        return str(item["id"])
    return f"{item['trial_id']}:{item.get('line_index', number)}" if "trial_id" in item else str(number)


def section_of(item: dict) -> str:
    return item["section"] if item.get("section") in ("inclusion", "exclusion") else "unknown"


def _extract(items: list[tuple[str, str, str]], model: Path | None) -> list[Extraction]:
    from trialsieve.extract.structure import structure_texts

    texts, sections = [text for _, text, _ in items], [section for _, _, section in items]
    return structure_texts(texts, sections, tagger(model) if model else None)


def criterion_record(ident: str, text: str, section: str, extraction: Extraction) -> dict:
    """One ``--criteria-jsonl`` output line: the rule, its status, entities and flat constraints."""
    from trialsieve.extract.flat import constraints
    from trialsieve.rules import status_of

    return {
        "id": ident,
        "text": text,
        "section": section,
        "rule": extraction.rule.model_dump(exclude_none=True),
        "status": status_of(extraction.rule),
        "entities": [e.model_dump() for e in extraction.entities],
        "constraints": constraints(extraction.rule),
    }
