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
from multiprocessing import Pool
from pathlib import Path

from tqdm import tqdm

from trialsieve.extract.ingest import Failure, expand, read_file
from trialsieve.trial import Trial


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
    inputs: Iterable[str], out: Path, workers: int = 1, resume: bool = True, progress: bool = True
) -> Summary:
    """Structure every trial in ``inputs`` into ``out`` (JSONL, one trial a line)."""
    from trialsieve.extract.structure import structure_trial  # noqa: F401  (fail early if broken)

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
    pool = Pool(workers) if workers > 1 else nullcontext()
    with pool, out.open("a", encoding="utf-8") as sink:
        results = pool.imap(_structure_one, work(), chunksize=4) if workers > 1 else map(_structure_one, work())
        bar = tqdm(results, unit=" trials", file=sys.stderr, disable=not progress, desc="structuring")
        for result in bar:
            if isinstance(result, Failure):
                summary.failures.append(result)
                continue
            line, statuses = result
            sink.write(line + "\n")
            summary.trials += 1
            summary.criteria += sum(statuses.values())
            summary.statuses.update(statuses)
    return summary


def _structure_one(item: Trial | Failure) -> tuple[str, Counter] | Failure:
    if isinstance(item, Failure):
        return item
    from trialsieve.extract.structure import structure_trial

    try:
        structured = structure_trial(item)
    except Exception as error:  # a bug must not stop the batch; it is reported with its trial
        return Failure(item.source, f"structuring failed: {type(error).__name__}: {error}")
    return structured.model_dump_json(exclude_none=True), Counter(c.status for c in structured.criteria)


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


def structure_criteria_lines(source: Path, out: Path, progress: bool = True) -> Summary:
    """One criterion per input line (``{"id", "text", "section"?}``) to one result line each."""
    from trialsieve.extract.flat import constraints
    from trialsieve.extract.structure import structure_text
    from trialsieve.rules import status_of

    summary = Summary()
    lines = source.read_text("utf-8").splitlines()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as sink:
        for number, line in enumerate(tqdm(lines, unit=" criteria", file=sys.stderr, disable=not progress), 1):
            if not line.strip():
                continue
            where = f"{source}:{number}"
            try:
                item = json.loads(line)
                text = item["text"]
                if not isinstance(text, str):
                    raise TypeError("'text' must be a string")
            except (ValueError, KeyError, TypeError) as error:
                summary.failures.append(Failure(where, f"not a criterion line: {error}"))
                continue
            section = item.get("section") if item.get("section") in ("inclusion", "exclusion") else "unknown"
            ident = item.get("id") or (
                f"{item['trial_id']}:{item.get('line_index', number)}" if "trial_id" in item else str(number)
            )
            extraction = structure_text(text, section)
            status = status_of(extraction.rule)
            record = {
                "id": ident,
                "text": text,
                "section": section,
                "rule": extraction.rule.model_dump(exclude_none=True),
                "status": status,
                "entities": [e.model_dump() for e in extraction.entities],
                "constraints": constraints(extraction.rule),
            }
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            summary.criteria += 1
            summary.statuses[status] += 1
    return summary
