"""Batch structuring: many inputs in, one JSONL line per trial (or per criterion) out.

Resumable (trials already in the output are skipped), parallel (``workers``), with a progress bar
on stderr, and honest: every input that fails is reported with its source and reason, and the batch
goes on with the others. The output is only ever appended to, or rewritten when it is ours (empty,
or structure output) or ``force`` is given: a file that is not ours is never emptied.
"""

from __future__ import annotations

import json
import re
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import cache, partial
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError
from tqdm import tqdm

from trialsieve.extract.ingest import Failure, duplicate, expand, fingerprint, read_file
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
    output: str = ""
    read_as: dict[str, Counter] = field(default_factory=dict)  # file -> how its records were read -> count
    interrupted: str | None = None  # "Ctrl-C" or "SIGTERM" when the run was stopped before the end

    def lines(self) -> list[str]:
        if not (self.trials or self.failures or self.interrupted or self.statuses) and self.skipped:
            # a resume with nothing left: say so, not "trials 0, criteria 0 (structured 0.0% ...)"
            done = f"nothing to do: {self.skipped} trials already in {self.output or 'the output'}"
            return [done, *(f"note: {note}" for note in self.notes)]
        total = sum(self.statuses.values()) or 1
        shares = ", ".join(f"{s} {self.statuses[s] / total:.1%}" for s in ("structured", "partial", "needs_review"))
        empty = f", with no criteria {self.no_criteria}" if self.no_criteria else ""
        out = [
            f"trials {self.trials}{empty}, criteria {self.criteria} ({shares}), skipped {self.skipped}, "
            f"failures {len(self.failures)}"
        ]
        out += self._read_as()
        out += [f"note: {note}" for note in self.notes]
        out += [f"FAILED {f.source}: {f.reason}" for f in self.failures]
        return out

    def throughput(self, seconds: float, per_trial: bool = True) -> str:
        """The end-of-run rate line: what a run of the registry's size can be planned on."""
        seconds = max(seconds, 1e-9)
        criteria = f"{self.criteria / seconds:,.0f} criteria/s"
        if not per_trial:
            return f"structured {self.criteria:,} criteria in {seconds:.1f} s: {criteria}"
        return (
            f"structured {self.trials:,} trials ({self.criteria:,} criteria) in {seconds:.1f} s: "
            f"{self.trials / seconds:,.1f} trials/s, {criteria}"
        )

    def _read_as(self) -> list[str]:
        """What each file was read as, so a note caught by ``*.txt`` and read as criteria text shows.

        One line a file up to 20 files; past that, files per format (a folder of 1,000 records would
        bury the summary), still naming each file read as plain criteria text, the format every text
        that is no trial page falls back to.
        """
        if len(self.read_as) <= 20:
            return [f"read {path} as {_counted(kinds)}" for path, kinds in self.read_as.items()]
        per_kind = Counter(kind for kinds in self.read_as.values() for kind in kinds)
        lines = [f"read {len(self.read_as)} files: " + ", ".join(f"{k} {n}" for k, n in sorted(per_kind.items()))]
        plain = [path for path, kinds in self.read_as.items() if "criteria text" in kinds]
        return lines + [f"read {path} as plain criteria text" for path in plain]


def _counted(kinds: Counter) -> str:
    return ", ".join(f"{kind} ({n} {'trial' if n == 1 else 'trials'})" for kind, n in kinds.items())


class Stopped(BaseException):
    """SIGTERM arrived: raised in the main thread so the pool is terminated and the output closed whole.
    A ``BaseException``, like ``KeyboardInterrupt``: ``_structure_one`` turns any ``Exception`` into a
    failed trial and goes on, which would swallow it in a one-process run."""


def _stop(signum, frame) -> None:
    """The SIGTERM handler: stop where the main thread is, as Ctrl-C does."""
    raise Stopped


@contextmanager
def _stoppable(summary: Summary) -> Iterator[None]:
    """Ctrl-C or SIGTERM ends the block and is noted in ``summary.interrupted``: the ``with`` blocks inside
    close the pool and the output after its last whole line, and the command says how to resume. SIGTERM
    is handled only where a handler can be set (the main thread)."""
    on_term = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _stop) if on_term else None
    try:
        yield
    except KeyboardInterrupt:
        summary.interrupted = "Ctrl-C"
    except Stopped:
        summary.interrupted = "SIGTERM"
    finally:
        if on_term:
            signal.signal(signal.SIGTERM, previous)


def _quiet_worker() -> None:
    """Pool workers leave Ctrl-C to the parent, which stops them: no traceback from each worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_KIND = re.compile(r" \(([^()]+)\)$")


def structure_files(
    inputs: Iterable[str],
    out: Path,
    workers: int = 1,
    resume: bool = True,
    progress: bool = True,
    model: Path | None = None,
    llm: LLM | None = None,
    force: bool = False,
    engine: str = "local",
    address: str | None = None,
) -> Summary:
    """Structure every trial in ``inputs`` into ``out`` (JSONL, one trial a line).

    ``engine`` "ray" runs the same per-trial code on ``workers`` Ray actors, joining the cluster
    at ``address`` or starting a local Ray (``ray_engine.py``); resume works the same way.

    ``model`` is an entity-model directory; None structures with the grammar alone. ``llm`` reads
    what stays unstructured (one process); what it did goes to ``OUT.llm.jsonl``. ``force`` allows
    emptying an ``out`` that is not structure output; without it that is an ``OutputError``.
    """
    if model is not None and workers == 1:
        tagger(model)  # fail early on a bad model directory, before any output

    summary = Summary(output=str(out))
    fresh = force or not resume
    _check_output(out, _is_trial_line, force)
    files, missing = expand(inputs)
    summary.failures.extend(missing)
    if engine == "ray":  # shards a killed Ray run left go into OUT first, so they count as done
        from trialsieve.ray_engine import settle_shards

        settle_shards(out, summary, keep=not fresh)
    done = {} if fresh else _done(out, summary)
    if fresh and out.exists():
        out.write_text("")

    def work() -> Iterator[Trial | Failure]:
        for path in files:
            for item in read_file(path):
                clash = item if isinstance(item, Failure) else duplicate(item, done)
                if clash is False:  # done before, or read twice
                    summary.skipped += 1
                    continue
                if clash is None:
                    kind = found.group(1) if (found := _KIND.search(item.source)) else "unknown format"
                    summary.read_as.setdefault(str(path), Counter())[kind] += 1
                yield clash or item

    out.parent.mkdir(parents=True, exist_ok=True)
    # spawned, not forked: a forked child inherits torch's thread pool mid-state and can hang
    workers = 1 if llm is not None else workers  # one model in memory, not one per process
    with _stoppable(summary):
        total = _count(files, done) if progress else None  # a bar with a total and an ETA
        if engine == "ray":
            from trialsieve.ray_engine import structure_with_ray

            structure_with_ray(work(), out, summary, model, workers, address, total, progress)
            return summary
        pool = get_context("spawn").Pool(workers, _quiet_worker) if workers > 1 else nullcontext()
        log = out.with_suffix(".llm.jsonl").open("a", encoding="utf-8") if llm is not None else nullcontext()
        # leaving this block by Ctrl-C or SIGTERM terminates the pool's workers at once and closes the
        # output after its last whole line, so the run can be resumed
        with pool, out.open("a", encoding="utf-8") as sink, log as llm_log:
            one = partial(_structure_one, model=model, llm=llm)
            results = pool.imap(one, work(), chunksize=4) if workers > 1 else map(one, work())
            bar = tqdm(results, total=total, unit=" trials", file=sys.stderr, disable=not progress, desc="structuring")
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


def _count(files: list[Path], done: dict[str, tuple[str | None, str]]) -> int:
    """How many results ``structure_files`` will have: records read, less those it will skip as done.

    A first reading pass: ingest is cheap next to structuring, and without it the bar has no total
    and no ETA.
    """
    seen = dict(done)
    items = (item for path in files for item in read_file(path))
    return sum(isinstance(item, Failure) or duplicate(item, seen) is not False for item in items)


def structure_key(model: Path | None) -> str:
    """A hash of what structured output depends on: the package version, the structuring code and
    lexicons (``trialsieve/extract``, the package's top-level modules) and the entity model's files.

    ``demo`` keeps it beside its output and structures again when it changes: resuming skips every
    trial already written, so after an upgrade or a lexicon edit the app served stale rule trees.
    """
    import hashlib
    from importlib import metadata

    try:
        version = metadata.version("trialsieve")
    except metadata.PackageNotFoundError:
        version = "unknown"
    package = Path(__file__).resolve().parent
    roots = [package / "extract", *([model] if model else [])]
    files = [p for root in roots for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    files += sorted(package.glob("*.py"))  # the rule and trial models, this module, the tagger's runtime
    digest = hashlib.sha256(version.encode())
    for path in dict.fromkeys(f.resolve() for f in files):  # the shipped model sits under extract/: once
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


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
    return _trial_json(structured), statuses, notes


def _trial_json(structured) -> str:
    """The output line: None fields left out, except ``parent``, which docs/rules.md promises on every
    criterion ("the id of the enclosing criterion, or null"), so a reader can find the top level
    without knowing that an absent key means null."""
    record = structured.model_dump(mode="json", exclude_none=True)
    for written, criterion in zip(record["criteria"], structured.criteria, strict=True):
        if "parent" not in written:
            items = list(written.items())
            at = next((i + 1 for i, (key, _) in enumerate(items) if key == "section"), 1)
            written.clear()
            written.update([*items[:at], ("parent", criterion.parent), *items[at:]])
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


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
    llm: LLM | None = None,
) -> Summary:
    """One criterion per input line (``{"id", "text", "section"?}``) to one result line each; ``out``
    is rewritten, so it must be absent, blank or earlier output of this (else ``force``).

    ``llm`` reads each criterion left partly unstructured, as in trial mode (``llm/leftovers.py``),
    and what it did goes to ``OUT.llm.jsonl``: the option used to be accepted here and ignored.
    """
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
        except (ValueError, KeyError, TypeError, RecursionError) as error:
            summary.failures.append(Failure(f"{source}:{number}", f"not a criterion line: {error}"))
            continue
        items.append((line_id(item, number), text, section_of(item)))
    out.parent.mkdir(parents=True, exist_ok=True)
    log = out.with_suffix(".llm.jsonl").open("a", encoding="utf-8") if llm is not None else nullcontext()
    # stopped, the lines written so far stay whole and the command says so (as in trial mode); the bar
    # starts inside, so a Ctrl-C right after it shows is never one click turns into "Aborted!" and exit 1
    with (
        _stoppable(summary),
        out.open("w", encoding="utf-8") as sink,
        tqdm(total=len(items), unit=" criteria", file=sys.stderr, disable=not progress, desc="structuring") as bar,
        log as llm_log,
    ):
        for start in range(0, len(items), batch_size):
            chunk = items[start : start + batch_size]
            for (ident, text, section), extraction in zip(chunk, _extract(chunk, model), strict=True):
                if llm is not None:
                    _refine_line(extraction, ident, text, section, llm, llm_log)
                record = criterion_record(ident, text, section, extraction)
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                summary.criteria += 1
                summary.statuses[record["status"]] += 1
            bar.update(len(chunk))
    return summary


def _refine_line(extraction: Extraction, ident: str, text: str, section: str, llm: LLM, log) -> None:
    """``extraction``'s rule read by ``llm`` where it is not fully structured; one log line of what it did."""
    from trialsieve.llm.leftovers import refine_rule
    from trialsieve.rules import status_of

    if status_of(extraction.rule) == "structured":
        return
    extraction.rule, note = refine_rule(extraction.rule, text, section, llm, ident)
    log.write(json.dumps(vars(note), ensure_ascii=False) + "\n")


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
