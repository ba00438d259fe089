"""Batch structuring: many inputs in, one JSONL line per trial (or per criterion) out.

Resumable (trials already in the output are skipped), parallel (``workers``), with a progress bar
on stderr, and honest: every input that fails is reported with its source and reason.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache, partial
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from trialsieve.extract.ingest import Failure, expand, read_file
from trialsieve.trial import Trial

if TYPE_CHECKING:
    from trialsieve.extract.structure import Extraction
    from trialsieve.extract.tagger import EntityTagger
    from trialsieve.llm.backends import LLM


@dataclass
class Summary:
    trials: int = 0
    criteria: int = 0
    skipped: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)

    def lines(self) -> list[str]:
        total = sum(self.statuses.values()) or 1
        shares = ", ".join(f"{s} {self.statuses[s] / total:.1%}" for s in ("structured", "partial", "needs_review"))
        out = [
            f"trials {self.trials}, criteria {self.criteria} ({shares}), skipped {self.skipped}, "
            f"failures {len(self.failures)}"
        ]
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
) -> Summary:
    """Structure every trial in ``inputs`` into ``out`` (JSONL, one trial a line).

    ``model`` is an entity-model directory; None structures with the grammar alone. ``llm`` reads
    what stays unstructured (one process); what it did goes to ``OUT.llm.jsonl``.
    """
    if model is not None and workers == 1:
        tagger(model)  # fail early on a bad model directory, before any output

    summary = Summary()
    files, missing = expand(inputs)
    summary.failures.extend(missing)
    done = _done_ids(out) if resume else set()
    if not resume:
        out.write_text("")

    def work() -> Iterator[Trial | Failure]:
        for path in files:
            for item in read_file(path):
                if isinstance(item, Trial) and item.id in done:
                    summary.skipped += 1
                    continue
                if isinstance(item, Trial):
                    done.add(item.id)  # a second record of the same trial is a duplicate
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


def _done_ids(out: Path) -> set[str]:
    """Ids of trials already written; a last line cut short by a crash is removed."""
    if not out.exists():
        return set()
    done: set[str] = set()
    keep = 0
    with out.open("rb") as handle:
        for raw in handle:
            try:
                done.add(json.loads(raw)["trial"]["id"])
            except (ValueError, KeyError, TypeError):
                break
            keep += len(raw)
    if keep < out.stat().st_size:
        with out.open("r+b") as handle:
            handle.truncate(keep)
            if keep and not _ends_with_newline(out):
                handle.seek(keep)
                handle.write(b"\n")
    return done


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, 2)
        return handle.read(1) == b"\n"


def structure_criteria_lines(
    source: Path, out: Path, progress: bool = True, model: Path | None = None, batch_size: int = 256
) -> Summary:
    """One criterion per input line (``{"id", "text", "section"?}``) to one result line each."""
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
