"""Reading annotated JSONL data files, where a bad line must be reported by its number.

A reader either stops at the first bad line (a ``ValueError`` naming the file, the line and the
reason) or, inside ``skipping()``, records the line and goes on. The ``eval`` commands and
``structure --criteria-jsonl`` read inside ``skipping()``: one bad row among thousands of public
ones (a null ``criterion_text``) must not cost the whole run, nor pass unseen, so each is named,
counted in the report and reflected in the exit code. The switch is a context variable rather
than an argument so that every reader built on ``read_rows`` follows it without each one (some
owned elsewhere) passing a list through.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Skipped:
    """A row left out: where (``path:line``) and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


_SKIPPED: ContextVar[list[Skipped] | None] = ContextVar("trialsieve_skipped_rows", default=None)


@contextmanager
def skipping() -> Iterator[list[Skipped]]:
    """Inside, ``read_rows`` records a bad row in the yielded list and goes on instead of raising."""
    skipped: list[Skipped] = []
    token = _SKIPPED.set(skipped)
    try:
        yield skipped
    finally:
        _SKIPPED.reset(token)


def skip(where: str, reason: str) -> bool:
    """Record a bad row when inside ``skipping()`` (True), else False: the caller raises."""
    skipped = _SKIPPED.get()
    if skipped is None:
        return False
    skipped.append(Skipped(where, reason))
    return True


def read_rows(path: Path, what: str, check: Callable[[dict], None]) -> list[dict]:
    """The objects of a JSONL file; ``check`` raises ValueError for a row that is not ``what``."""
    rows = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)  # json.JSONDecodeError is a ValueError
            if not isinstance(row, dict):
                raise ValueError("not a JSON object")
            check(row)
        except (ValueError, RecursionError) as error:
            if skip(f"{path}:{number}", f"not {what}: {error}"):
                continue
            raise ValueError(f"{path}:{number}: not {what}: {error}") from error
        rows.append(row)
    return rows


def require(row: dict, fields: frozenset[str]) -> None:
    """ValueError naming the fields ``row`` lacks."""
    if missing := fields - set(row):
        raise ValueError(f"lacks {', '.join(sorted(missing))}")


def require_text(row: dict, fields: tuple[str, ...]) -> None:
    """ValueError naming the first of ``fields`` that is not a string (a null text is a bad row, not a crash)."""
    for name in fields:
        value = row.get(name)
        if not isinstance(value, str):
            raise ValueError(f"{name} is {'null' if value is None else type(value).__name__}, not a string")
