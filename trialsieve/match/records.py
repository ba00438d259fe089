"""Read a patient file, whatever its form: FHIR R4 JSON, the simple patient file, or a note.

- ``.json`` with a ``resourceType``: FHIR (``fhir.py``);
- ``.json``, ``.yaml``, ``.yml`` otherwise: the simple patient file, the ``Patient`` model itself
  (``trialsieve patient-schema`` prints it; docs/eligibility.md shows an example);
- anything else: a free-text clinical note (``note.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from trialsieve.match.fhir import read_fhir
from trialsieve.match.note import read_note
from trialsieve.match.patient import Patient, PatientError, describe

if TYPE_CHECKING:
    from trialsieve.extract.tagger import EntityTagger

#: The largest patient file read, by form: a FHIR bundle of a long life runs to tens of MB (Synthea's
#: are 0.1-3 MB); a hand-written YAML file or a note is far smaller, and reading either costs much more
#: per byte (a YAML parser in Python, the entity tagger).
MAX_BYTES = {".json": 64_000_000, ".yaml": 2_000_000, ".yml": 2_000_000}
MAX_NOTE_BYTES = 1_000_000


def read_patient(path: Path, tagger: EntityTagger | None = None, source: str | None = None) -> Patient:
    """The patient in ``path`` (named ``source`` in messages, default the path); a file that cannot be
    read raises ``PatientError`` saying why."""
    source = source or str(path)
    try:
        _within_limit(source, path.stat().st_size, path.suffix.lower())
        text = path.read_text("utf-8")
    except UnicodeDecodeError as error:
        raise PatientError(
            f"{source}: not UTF-8 text (a FHIR JSON bundle, a patient JSON/YAML file or a note)"
        ) from error
    except OSError as error:
        raise PatientError(f"{source}: cannot read: {error}") from error
    return parse_patient(text, path.suffix.lower(), source, tagger, path.stem)


def parse_patient(
    text: str, suffix: str, source: str, tagger: EntityTagger | None = None, name: str = "patient"
) -> Patient:
    """A patient from text in the format ``suffix`` names (.json, .yaml, .yml; anything else is a note)."""
    _within_limit(source, len(text.encode("utf-8", "surrogatepass")), suffix)
    if not text.strip():
        raise PatientError(f"{source}: the file is empty")
    if suffix in (".json", ".yaml", ".yml"):
        data = _parse(source, text, suffix)
        if isinstance(data, dict) and "resourceType" in data:
            return read_fhir(data, source)
        if not isinstance(data, dict):
            raise PatientError(f"{source}: not a patient file: the top level is a {type(data).__name__}, not a mapping")
        try:
            return Patient.model_validate({"source": source, **data})
        except ValidationError as error:
            raise PatientError(f"{source}: not a valid patient file: {describe(error)}") from error
    return read_note(text, tagger, name, source)


def _within_limit(source: str, size: int, suffix: str) -> None:
    """Refuse a file over the size its form is read at (``MAX_BYTES``, ``MAX_NOTE_BYTES``)."""
    limit = MAX_BYTES.get(suffix, MAX_NOTE_BYTES)
    if size > limit:
        what = "note" if suffix not in MAX_BYTES else f"{suffix[1:].upper()} patient file"
        raise PatientError(f"{source}: {size:,} bytes is over the {limit:,} a {what} may have; give a smaller one")


def _parse(source: str, text: str, suffix: str):
    try:
        if suffix == ".json":
            return json.loads(text)
        return _yaml(source, text)
    except PatientError:
        raise
    except Exception as error:  # json.JSONDecodeError, yaml.YAMLError, RecursionError on deep nesting
        raise PatientError(f"{source}: not valid {suffix[1:].upper()}: {str(error)[:500]}") from error


def _yaml(source: str, text: str):
    """YAML without aliases: a few hundred bytes of nested aliases (a "billion laughs") expand to
    billions of values, which validation then walks for minutes. A patient file has no use for them."""
    import yaml

    class NoAliases(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                mark = self.peek_event().start_mark
                raise PatientError(
                    f"{source}: line {mark.line + 1}: YAML aliases (*name) are not read in a patient file; "
                    "write each value out"
                )
            return super().compose_node(parent, index)

    return yaml.load(text, Loader=NoAliases)  # a SafeLoader: plain data, no Python objects
