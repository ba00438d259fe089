"""The trials the app serves: the index, every trial record, and their rule trees on demand."""

from __future__ import annotations

import re
from functools import lru_cache

from trialsieve.extract.structure import structure_trial
from trialsieve.extract.tagger import EntityTagger
from trialsieve.index.search import TrialIndex
from trialsieve.trial import StructuredTrial, Trial

_NCT = re.compile(r"\bNCT\d{8}\b", re.IGNORECASE)


class Catalog:
    def __init__(self, index: TrialIndex, tagger: EntityTagger | None = None) -> None:
        self.index = index
        self.tagger = tagger
        self.trials: dict[str, Trial] = {t.id: t for t in index.metadata.trials()}
        self._acronyms = {t.acronym.lower(): t.id for t in self.trials.values() if t.acronym}
        self.structured = lru_cache(maxsize=256)(self._structure)

    def _structure(self, trial_id: str) -> StructuredTrial:
        return structure_trial(self.trials[trial_id], self.tagger)

    def named(self, text: str) -> tuple[str | None, str | None]:
        """(the trial ``text`` names, an NCT id it names that is not indexed)."""
        for match in _NCT.finditer(text):
            trial_id = match[0].upper()
            return (trial_id, None) if trial_id in self.trials else (None, trial_id)
        for acronym, trial_id in self._acronyms.items():
            if re.search(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", text, re.IGNORECASE):
                return trial_id, None
        return None, None

    def name(self, trial_id: str) -> str:
        """How answers refer to a trial: its acronym and id, or its id."""
        trial = self.trials[trial_id]
        return f"{trial.acronym} ({trial_id})" if trial.acronym else trial_id

    def choices(self) -> list[tuple[str, str]]:
        """(label, id) for pickers: "NCT04615455 · AMASS · Mesenchymal Stem Cell ..."."""
        return [
            (" · ".join(filter(None, [t.id, t.acronym, _clip(t.title or "", 70)])), t.id)
            for t in sorted(self.trials.values(), key=lambda t: t.id)
        ]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
