"""Citations: which trial, which part of it, and the words quoted, linking to the trial explorer.

[NCT04615455 · Inclusion 2] "OSDI-score ≥ 33"
"""

from __future__ import annotations

from dataclasses import dataclass

from trialsieve.index.chunks import Chunk
from trialsieve.rules import Criterion

_SECTION = {"I": "Inclusion", "E": "Exclusion", "U": "Criterion"}
_KIND = {"title": "Title", "summary": "Summary", "conditions": "Conditions"}
QUOTE_LIMIT = 300


def criterion_label(criterion_id: str) -> str:
    """ "I2" -> "Inclusion 2", "E4.a" -> "Exclusion 4.a", "registry.minimum_age" -> "Registry: minimum age"."""
    if criterion_id.startswith("registry."):
        return "Registry: " + criterion_id.removeprefix("registry.").replace("_", " ")
    section = _SECTION.get(criterion_id[:1])
    return f"{section} {criterion_id[1:]}" if section and criterion_id[1:2].isdigit() else criterion_id


@dataclass(frozen=True)
class Citation:
    trial_id: str
    label: str
    quote: str

    @classmethod
    def of_chunk(cls, chunk: Chunk) -> Citation:
        label = criterion_label(chunk.criterion_id) if chunk.criterion_id else _KIND[chunk.kind]
        return cls(chunk.trial_id, label, chunk.text)

    @classmethod
    def of_criterion(cls, trial_id: str, criterion: Criterion) -> Citation:
        return cls(trial_id, criterion_label(criterion.id), criterion.text)

    def markdown(self) -> str:
        quote = " ".join(self.quote.split())
        quote = quote if len(quote) <= QUOTE_LIMIT else quote[: QUOTE_LIMIT - 1] + "…"
        return f'[{self.trial_id} · {self.label}](?trial={self.trial_id}) "{quote}"'
