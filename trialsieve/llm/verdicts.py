"""Criterion-level verdicts from a note, for criteria the rules leave ``unknown`` (as TrialGPT does).

The note's sentences are numbered. The model answers met, not_met or unknown, with the ids of
the sentences that support it. A met or not_met must name at least one sentence, and every id
must exist; a reply that breaks either rule, or fails, leaves the criterion ``unknown``. The
evidence quotes the sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Literal

from pydantic import BaseModel, Field

from trialsieve.llm.backends import LLM, LLMError, instructed
from trialsieve.match.note import sentences
from trialsieve.match.verdicts import Evidence

PROMPT = (
    "You screen a patient for a clinical trial. Given the patient's note with numbered sentences and "
    "one {section} criterion, answer whether the patient meets the criterion: met, not_met, or "
    "unknown when the note does not say. List the numbers of the sentences your answer rests on."
)


class NoteVerdict(BaseModel):
    verdict: Literal["met", "not_met", "unknown"]
    sentences: list[int] = Field(max_length=5)


def verdict_from_note(llm: LLM, criterion: str, section: str, note: str) -> Evidence | None:
    """The model's checked verdict as evidence, or None when it is unknown, refused or failed."""
    numbered = sentences(note)
    if not numbered:
        return None
    listing = "\n".join(f"{n}. {sentence}" for n, sentence in enumerate(numbered))
    try:
        reply = llm.reply(
            instructed(PROMPT.format(section=section), f"Note:\n{listing}\n\nCriterion: {criterion}"), NoteVerdict
        )
    except LLMError:
        return None
    ids = sorted(set(reply.sentences))
    if reply.verdict == "unknown" or not ids or any(not 0 <= i < len(numbered) for i in ids):
        return None
    quoted = " ".join(numbered[i] for i in ids)
    return Evidence(
        text=criterion,
        verdict=reply.verdict,
        reason=f"{llm.name} read the note",
        fact=quoted,
        source="note sentence " + ", ".join(str(i) for i in ids),
        match="llm",
    )


def note_reader(llm: LLM | None) -> Callable[[str, str, str], Evidence | None] | None:
    """What ``match.check`` calls to read a note for a criterion the rules leave unknown (None
    without a model): the check takes the reader, so the verdict layer needs no language model."""
    return partial(verdict_from_note, llm) if llm is not None else None


def settle(
    llm: LLM | None, verdict: str, evidence: list[Evidence], criterion: str, section: str, note: str | None
) -> tuple[str, list[Evidence]]:
    """An ``unknown`` verdict settled from the note by ``llm`` where it can be; anything else as it was."""
    if llm is None or verdict != "unknown" or not note:
        return verdict, evidence
    found = verdict_from_note(llm, criterion, section, note)
    return (found.verdict, [*evidence, found]) if found else (verdict, evidence)
