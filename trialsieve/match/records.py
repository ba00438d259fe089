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
from trialsieve.match.patient import Patient, PatientError

if TYPE_CHECKING:
    from trialsieve.extract.tagger import EntityTagger


def read_patient(path: Path, tagger: EntityTagger | None = None, source: str | None = None) -> Patient:
    """The patient in ``path`` (named ``source`` in messages, default the path); a file that cannot be
    read raises ``PatientError`` saying why."""
    source = source or str(path)
    try:
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
    if suffix in (".json", ".yaml", ".yml"):
        data = _parse(source, text, suffix)
        if isinstance(data, dict) and "resourceType" in data:
            return read_fhir(data, source)
        try:
            return Patient.model_validate({"source": source, **data} if isinstance(data, dict) else data)
        except ValidationError as error:
            raise PatientError(f"{source}: not a valid patient file: {error}") from error
    return read_note(text, tagger, name, source)


def _parse(source: str, text: str, suffix: str):
    try:
        if suffix == ".json":
            return json.loads(text)
        import yaml

        return yaml.safe_load(text)
    except Exception as error:  # json.JSONDecodeError or yaml.YAMLError
        raise PatientError(f"{source}: not valid {suffix[1:].upper()}: {error}") from error
