"""Read a FHIR R4 patient record (a Bundle, or a single Patient) into a ``Patient``.

Each resource is validated with ``fhir.resources`` (its R4B models, which read R4 records); a
resource that fails names its entry. Patient gives birth date and gender; Condition, Observation,
MedicationStatement/MedicationRequest and Procedure become facts with their codes and dates.
A refuted condition, a medication not taken and a procedure not done are facts of absence.
"""

from __future__ import annotations

import datetime as dt
import re

from trialsieve.extract.units import ucum
from trialsieve.match.patient import Fact, Patient, PatientError
from trialsieve.rules import Code

UCUM_SYSTEM = "http://unitsofmeasure.org"
PREGNANCY_STATUS = {"82810-3", "11449-6"}  # LOINC: pregnancy status
_PREGNANT = {"77386006": True, "60001007": False}  # SNOMED CT: pregnant, not pregnant
_NEGATIVE_VALUE = re.compile(r"^\W*(?:no|not|never|none|negative|absent|non)\b", re.IGNORECASE)
_KINDS = {
    "Condition": "condition",
    "Observation": "measurement",
    "MedicationStatement": "drug",
    "MedicationRequest": "drug",
    "Procedure": "procedure",
}


def read_fhir(data: dict, source: str = "") -> Patient:
    """A patient from a FHIR Bundle or Patient resource (parsed JSON)."""
    from fhir.resources.R4B import get_fhir_model_class

    kind = data.get("resourceType") if isinstance(data, dict) else None
    if kind == "Patient":
        entries = [data]
    elif kind == "Bundle":
        listed = data.get("entry") or []
        if not isinstance(listed, list):
            raise PatientError(f"{source}: the bundle's entry is not a list")
        entries = [e.get("resource") if isinstance(e, dict) else None for e in listed]
    else:
        raise PatientError(f"{source}: not a FHIR Bundle or Patient (resourceType {kind!r})")
    resources = []
    for number, resource in enumerate(entries):
        where = f"{source}: entry {number}"
        if not isinstance(resource, dict) or "resourceType" not in resource:
            raise PatientError(f"{where}: no resource with a resourceType")
        try:
            model = get_fhir_model_class(resource["resourceType"])
            resources.append(model.model_validate(resource))
        except Exception as error:  # unknown type (KeyError) or pydantic's ValidationError
            first = str(error).strip().splitlines()
            raise PatientError(
                f"{where} ({resource['resourceType']}/{resource.get('id', '?')}): invalid: {' '.join(first[:3])}"
            ) from error
    people = [r for r in resources if r.get_resource_type() == "Patient"]
    if not people:
        raise PatientError(f"{source}: the bundle has no Patient resource")
    person = people[0]
    patient = Patient(
        id=person.id or "patient",
        birth_date=person.birthDate,
        sex=person.gender if person.gender in ("female", "male", "other") else None,
        source=source,
    )
    for resource in resources:
        kind = resource.get_resource_type()
        if kind == "Observation" and _codes_in(resource.code) & PREGNANCY_STATUS:
            patient.pregnant = _pregnant(resource)
        elif kind in _KINDS:
            fact = _fact(resource, kind)
            if fact is not None:
                patient.facts.append(fact)
    return patient


def _fact(resource, kind: str) -> Fact | None:
    concept = resource.medicationCodeableConcept if kind.startswith("Medication") else resource.code
    text, codes = _concept(concept)
    if not text:
        return None
    fact = Fact(kind=_KINDS[kind], text=text, codes=codes, source=f"{kind}/{resource.id or '?'}")
    if kind == "Condition":
        verification = _first_code(resource.verificationStatus)
        fact.present = verification not in ("refuted", "entered-in-error")
        fact.date = _day(resource.onsetDateTime or resource.recordedDate)
    elif kind == "Observation":
        fact.date = _day(resource.effectiveDateTime or resource.issued)
        quantity = resource.valueQuantity
        if quantity is not None and quantity.value is not None:
            fact.value = float(quantity.value)
            fact.unit = quantity.code if quantity.system == UCUM_SYSTEM and quantity.code else ucum(quantity.unit or "")
            high = resource.referenceRange[0].high if resource.referenceRange else None
            fact.reference_high = float(high.value) if high is not None and high.value is not None else None
        elif resource.valueCodeableConcept is not None:  # "Current every day smoker", "Never smoker"
            value_text, _ = _concept(resource.valueCodeableConcept)
            fact.kind, fact.text = "observation", value_text or text
            fact.present = not _NEGATIVE_VALUE.match(value_text or "")
    elif kind == "MedicationStatement":
        fact.present = resource.status not in ("not-taken", "entered-in-error")
        period = resource.effectivePeriod
        fact.date = _day(resource.effectiveDateTime or (period.start if period else None) or resource.dateAsserted)
    elif kind == "MedicationRequest":
        fact.present = resource.status not in ("cancelled", "entered-in-error")
        fact.date = _day(resource.authoredOn)
    else:  # Procedure
        fact.present = resource.status not in ("not-done", "entered-in-error")
        period = resource.performedPeriod
        fact.date = _day(resource.performedDateTime or (period.start if period else None))
    return fact


def _concept(concept) -> tuple[str | None, list[Code]]:
    """A CodeableConcept's text (else its first display) and its codings."""
    if concept is None:
        return None, []
    codes = [Code(system=c.system, code=c.code, display=c.display) for c in concept.coding or [] if c.system and c.code]
    text = concept.text or next((c.display for c in concept.coding or [] if c.display), None)
    return text, codes


def _codes_in(concept) -> set[str]:
    return {c.code for c in (concept.coding or []) if c.code} if concept is not None else set()


def _first_code(concept) -> str | None:
    return next(iter(sorted(_codes_in(concept))), None)


def _pregnant(resource) -> bool | None:
    for code in _codes_in(resource.valueCodeableConcept):
        if code in _PREGNANT:
            return _PREGNANT[code]
    text, _ = _concept(resource.valueCodeableConcept)
    if text:
        return not _NEGATIVE_VALUE.match(text)
    return None


def _day(value) -> dt.date | None:
    """A FHIR date or dateTime as a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
