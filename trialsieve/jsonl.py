"""Reading annotated JSONL data files, where a bad line must be reported by its number."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path


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
        except ValueError as error:
            raise ValueError(f"{path}:{number}: not {what}: {error}") from error
        rows.append(row)
    return rows


def require(row: dict, fields: frozenset[str]) -> None:
    """ValueError naming the fields ``row`` lacks."""
    if missing := fields - set(row):
        raise ValueError(f"lacks {', '.join(sorted(missing))}")
