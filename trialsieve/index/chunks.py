"""Cut a trial into the passages the index retrieves, each keeping where it came from.

One chunk per criterion (nested criteria too, so a sub-item can be cited), plus one each for the
title, the summary and the conditions when the record has them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from trialsieve.extract.segment import segment
from trialsieve.trial import Trial

ChunkKind = Literal["title", "summary", "conditions", "criterion"]


class Chunk(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trial_id: str
    kind: ChunkKind
    section: str | None = None
    criterion_id: str | None = None
    text: str


def chunk_trial(trial: Trial) -> list[Chunk]:
    """The trial's retrievable passages in reading order."""
    chunks: list[Chunk] = []
    title = trial.title or ""
    if trial.acronym and trial.acronym.lower() not in title.lower():
        title = f"{title} ({trial.acronym})".strip()
    for kind, text in (("title", title), ("summary", trial.summary), ("conditions", "; ".join(trial.conditions))):
        if text and text.strip():
            chunks.append(Chunk(trial_id=trial.id, kind=kind, text=text.strip()))
    for criterion in segment(trial.criteria_text):
        if criterion.text.strip():
            chunks.append(
                Chunk(
                    trial_id=trial.id,
                    kind="criterion",
                    section=criterion.section,
                    criterion_id=criterion.id,
                    text=criterion.text.strip(),
                )
            )
    return chunks
