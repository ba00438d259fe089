"""The trials the app serves: the index, every trial record, and their rule trees on demand."""

from __future__ import annotations

import re
from functools import lru_cache

from trialsieve.extract.structure import structure_trial
from trialsieve.extract.tagger import EntityTagger
from trialsieve.index.search import TrialIndex
from trialsieve.trial import StructuredTrial, Trial

_NCT = re.compile(r"\bNCT\d{8}\b", re.IGNORECASE)
#: A title's parenthesis holding a short name with two or more capitals, closing the title or its first part
#: ("(HiTBIC)", "(OPTIMIZE-HF)", "(GRIP) Study: Are ...", "(SPORT): A ..."); ``named`` is set when "Study" or
#: "Trial" follows, which makes it the study's name even when it spells the words before it.
_TITLE_ACRONYM = re.compile(
    r"\((?=(?:[^)]*[A-Z]){2})([A-Za-z][A-Za-z0-9-]{2,19})\)\s*(?P<named>(?:[Ss]tudy|STUDY|[Tt]rial|TRIAL)\b)?\s*(?::|\s[-–]\s|$)"
)
#: A title that opens with its short name: "e-CHAMP: Enhancing Care ...", "TELI TON - Telithromycin in ...".
_LEADING_ACRONYM = re.compile(
    r"^\s*([A-Za-z0-9][A-Za-z0-9-]{1,19}(?: [A-Za-z0-9][A-Za-z0-9-]{1,19})?)\s*(?::|\s[-–]\s)"
)


class Catalog:
    def __init__(self, index: TrialIndex, tagger: EntityTagger | None = None) -> None:
        self.index = index
        self.tagger = tagger
        self.trials: dict[str, Trial] = {t.id: t for t in index.metadata.trials()}
        self.acronyms: dict[str, str] = {}  # trial id -> the name it goes by: registry acronym, else title acronym
        for trial in self.trials.values():
            if acronym := trial.acronym or title_acronym(trial.title or ""):
                self.acronyms[trial.id] = acronym
        seen = [a.lower() for a in self.acronyms.values()]
        self._acronyms = {a.lower(): i for i, a in self.acronyms.items() if seen.count(a.lower()) == 1}
        self._spaced = {_key(a): i for a, i in self._acronyms.items()}
        names = "|".join(_spelled(a) for a in sorted(self._acronyms, key=len, reverse=True)) or "(?!)"
        self._names = re.compile(rf"(?<![\w-])(?P<name>{names})(?![\w-])(?:['’]s\b)?", re.IGNORECASE)
        self.structured = lru_cache(maxsize=256)(self._structure)

    def _structure(self, trial_id: str) -> StructuredTrial:
        return structure_trial(self.trials[trial_id], self.tagger)

    def named(self, text: str) -> tuple[str | None, str | None]:
        """(the trial ``text`` names, an NCT id it names that is not indexed)."""
        for match in _NCT.finditer(text):
            trial_id = match[0].upper()
            return (trial_id, None) if trial_id in self.trials else (None, trial_id)
        if match := self._names.search(text):
            return self._trial_of(match["name"]), None
        return None, None

    def _trial_of(self, written: str) -> str:
        """The trial an acronym as the question spells it names ("optimize hf" for OPTIMIZE-HF)."""
        return self._acronyms.get(written.lower()) or self._spaced[_key(written)]

    def named_by_prefix(self, name: str) -> str | None:
        """The trial whose short name opens ``name`` before a hyphen: the example patient "care-ssc-branch-i" is
        for CARE-SSc. The longest name wins, so "care-ssc-..." is not taken for a trial called "CARE"."""
        lowered = name.lower()
        for acronym in sorted(self._acronyms, key=len, reverse=True):
            if lowered.startswith(acronym + "-"):
                return self._acronyms[acronym]
        return None

    def mentioned(self, text: str) -> list[str]:
        """Every indexed trial ``text`` names, by NCT id or acronym, in the order written."""
        found: dict[str, int] = {}
        for match in _NCT.finditer(text):
            if match[0].upper() in self.trials:
                found.setdefault(match[0].upper(), match.start())
        for match in self._names.finditer(text):
            found.setdefault(self._trial_of(match["name"]), match.start())
        return sorted(found, key=found.__getitem__)

    def without_names(self, text: str) -> str:
        """``text`` with trial names (NCT ids, acronyms, with any possessive) blanked out, so that the words left
        say what kind of question it is."""
        text = _NCT.sub(" ", text)
        return self._names.sub(" ", text)

    def name(self, trial_id: str) -> str:
        """How answers refer to a trial: its acronym and id, or its id."""
        acronym = self.acronyms.get(trial_id)
        return f"{acronym} ({trial_id})" if acronym else trial_id

    def choices(self) -> list[tuple[str, str]]:
        """(label, id) for pickers: "NCT04615455 · AMASS · Mesenchymal Stem Cell ..."."""
        return [
            (" · ".join(filter(None, [t.id, self.acronyms.get(t.id), _clip(t.title or "", 70)])), t.id)
            for t in sorted(self.trials.values(), key=lambda t: t.id)
        ]


def title_acronym(title: str) -> str | None:
    """The short name a title ends with, "... in Children (HiTBIC)", or opens with, "e-CHAMP: Enhancing ...",
    when the record has no acronym field.

    A parenthesised abbreviation of just the last few words ("... Acute Coronary Syndrome (ACS)") names a
    term, not the trial, so it is taken only when it spells at least half the title's words, is no plain
    initialism of the words before it ("(CASTLE)", "(DEFENSE-PFO)") or is followed by "Study" or "Trial".
    An opening name must be mostly capitals ("TELI TON", "e-CHAMP"), not a phrase ("Psychotherapy Plus:")."""
    if (leading := _LEADING_ACRONYM.match(title)) and _mostly_capitals(leading[1]):
        return leading[1]
    found = _TITLE_ACRONYM.search(title)
    if not found:
        return None
    acronym = found[1]
    if found["named"]:
        return acronym
    before = re.findall(r"[\w'-]+", title[: found.start()])
    letters = re.sub(r"[^A-Za-z]", "", acronym).lower()
    initials = "".join(w[0] for w in before[-len(letters) :]).lower() if letters else ""
    if initials == letters and len(letters) * 2 < len(before):
        return None
    return acronym


def _mostly_capitals(name: str) -> bool:
    """Whether every word of ``name`` has two or more capitals and more capitals than small letters."""
    return all(
        len(re.findall("[A-Z]", word)) >= 2 and len(re.findall("[A-Z]", word)) > len(re.findall("[a-z]", word))
        for word in name.split()
    )


def _key(name: str) -> str:
    """An acronym without case, hyphens or spaces: "TELI TON", "teli-ton" and "TELITON" are one name."""
    return re.sub(r"[\s-]+", "", name.lower())


def _spelled(acronym: str) -> str:
    """A regex for ``acronym`` as a question may write it: a hyphen or space in it may be either, or left out."""
    return r"[\s-]?".join(re.escape(part) for part in re.split(r"[\s-]+", acronym))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
