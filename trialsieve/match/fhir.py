"""Read a FHIR R4 patient record (a Bundle, or a single Patient) into a ``Patient``.

Each resource is validated with ``fhir.resources`` (its R4B models, which read R4 records); a
resource that fails names its entry. Patient gives birth date and gender; Condition, Observation,
MedicationStatement/MedicationRequest, Procedure, AllergyIntolerance, Immunization, inpatient
Encounters and DiagnosticReports become facts with their codes and dates. What the record says is over stays history
(``Fact.ended``, ``Fact.end``): a resolved, inactive or abated condition, a stopped or completed
medication. A refuted condition, a medication not taken and a procedure not done are facts of
absence. An Observation's components (a blood pressure panel's systolic and diastolic) are facts of
their own, and a coded answer keeps what was measured ("HIV 1+2 Ab: Negative" is an absent HIV test
result, not an absent "Negative").
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import ValidationError

from trialsieve.extract.lexicon import load
from trialsieve.extract.units import ucum
from trialsieve.match.patient import Fact, Patient, PatientError, describe, plausible
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
    "AllergyIntolerance": "condition",
    "Immunization": "procedure",
    "Encounter": "procedure",
    "DiagnosticReport": "procedure",
}
#: Statuses that say a condition or an allergy is over, and a medication no longer taken.
_OVER = {"resolved", "inactive", "remission"}
_STOPPED = {"stopped", "completed", "on-hold"}
_NOT_SO = {"refuted", "entered-in-error"}
#: Encounter classes that are a stay in hospital (v3 ActCode): the others are visits.
_INPATIENT = {"IMP", "ACUTE", "NONAC", "SS", "EMER"}


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
    if version := _older_version(entries):
        raise PatientError(
            f"{source}: this is FHIR {version}; trialsieve reads FHIR R4 (convert the record to R4 first, "
            "for example with the HL7 FHIR converter or Synthea's R4 export)"
        )
    resources, warnings = [], []
    for number, resource in enumerate(entries):
        where = f"{source}: entry {number}"
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise PatientError(f"{where}: no resource with a resourceType")
        name = f"{resource['resourceType']}/{str(resource.get('id', '?'))[:64]}"
        try:
            model = get_fhir_model_class(resource["resourceType"])
        except (KeyError, ValueError, AttributeError) as error:  # what fhir.resources raises for a name it lacks
            raise PatientError(f"{where} ({name}): not a FHIR R4 resource type") from error
        try:
            resources.append(model.model_validate(resource))
            continue
        except Exception as error:  # pydantic's ValidationError
            first = str(error).strip().splitlines()
            message = f"{where} ({name}): invalid: {' '.join(first[:3])}"
            fields = _invalid_fields(error)
        if not fields or fields & _NEEDED.get(resource["resourceType"], set()):
            raise PatientError(message)
        try:  # one bad field the check never reads (Patient.name) does not cost the whole record
            resources.append(model.model_validate({k: v for k, v in resource.items() if k not in fields}))
        except Exception as error:
            raise PatientError(message) from error
        warnings.append(f"{name}: left out the invalid {', '.join(sorted(fields))}")
    people = [r for r in resources if r.get_resource_type() == "Patient"]
    if not people:
        raise PatientError(f"{source}: the bundle has no Patient resource")
    if len(people) > 1:  # whose record is it? reading the first would judge one person on another's facts
        named = ", ".join(f"Patient/{p.id or '?'}" for p in people[:5])
        raise PatientError(f"{source}: the bundle has {len(people)} Patient resources ({named}); give one patient's")
    person = people[0]
    if person.gender not in (None, "female", "male", "other", "unknown"):
        warnings.append(
            f"Patient/{person.id or '?'}: gender {str(person.gender)[:40]!r} is no FHIR gender; sex unknown"
        )
    try:
        patient = Patient(
            id=person.id or "patient",
            birth_date=person.birthDate,
            sex=person.gender if person.gender in ("female", "male", "other") else None,
            source=source,
            warnings=warnings,
        )
    except ValidationError as error:
        raise PatientError(f"{source}: Patient/{person.id or '?'}: {describe(error)}") from error
    if patient.birth_precision != "day":
        patient.warnings.append(
            f"Patient/{person.id or '?'}: the birth date {person.birthDate} gives only the {patient.birth_precision}: "
            f"ages are read as the range it allows, and as of {patient.birth_date} where one day is needed"
        )
    for resource in resources:
        kind = resource.get_resource_type()
        try:
            if kind == "Observation" and _codes_in(resource.code) & PREGNANCY_STATUS:
                patient.pregnant = _pregnant(resource)
            elif kind in _KINDS:
                patient.facts.extend(_facts(resource, kind))
        except (ValidationError, PatientError) as error:  # a value no record can hold (1e308): the record is at fault
            why = describe(error) if isinstance(error, ValidationError) else str(error)
            raise PatientError(f"{source}: {kind}/{resource.id or '?'}: {why}") from error
    return patient


#: The fields each resource is read by: an invalid one rejects the record, any other is left out.
_NEEDED = {
    "Patient": {"birthDate", "gender", "resourceType"},
    "Condition": {"code", "clinicalStatus", "verificationStatus", "onsetDateTime", "abatementDateTime", "resourceType"},
    "Observation": {"code", "valueQuantity", "valueCodeableConcept", "component", "effectiveDateTime", "resourceType"},
    "MedicationRequest": {"medicationCodeableConcept", "status", "authoredOn", "resourceType"},
    "MedicationStatement": {"medicationCodeableConcept", "status", "effectiveDateTime", "effectivePeriod"},
    "Procedure": {"code", "status", "performedDateTime", "performedPeriod", "resourceType"},
    "AllergyIntolerance": {"code", "clinicalStatus", "verificationStatus", "resourceType"},
    "DiagnosticReport": {"code", "status", "conclusionCode", "effectiveDateTime", "resourceType"},
}
#: What only the earlier FHIR versions have: resource types, and fields written as a bare code.
_DSTU2_TYPES = {"MedicationOrder", "DiagnosticOrder", "Order", "OrderResponse", "DeviceUseRequest"}
_STU3_TYPES = {"ProcedureRequest", "ReferralRequest", "ProcessRequest", "EligibilityRequest"}
_CODED_IN_R4 = {"Condition": ("clinicalStatus", "verificationStatus"), "AllergyIntolerance": ("clinicalStatus",)}


def _older_version(entries: list) -> str | None:
    """ "DSTU2" or "STU3" when the resources are written in that version of FHIR, else None."""
    for resource in entries:
        if not isinstance(resource, dict):
            continue
        kind = resource.get("resourceType")
        if not isinstance(kind, str):
            continue  # read_fhir names it
        names = resource.get("name") if kind == "Patient" else None
        if kind in _DSTU2_TYPES or (
            isinstance(names, list) and any(isinstance(n, dict) and isinstance(n.get("family"), list) for n in names)
        ):
            return "DSTU2"
        if kind in _STU3_TYPES or any(isinstance(resource.get(f), str) for f in _CODED_IN_R4.get(kind, ())):
            return "STU3"
    return None


def _invalid_fields(error: Exception) -> set[str]:
    """The top-level fields a validation error is about."""
    try:
        return {str(e["loc"][0]) for e in error.errors() if e.get("loc")}  # type: ignore[attr-defined]
    except Exception:
        return set()


def _facts(resource, kind: str) -> list[Fact]:
    """The facts one resource gives: most give one, an Observation with components one per component."""
    if kind == "Encounter":
        return [fact] if (fact := _stay(resource)) is not None else []
    if kind == "DiagnosticReport":
        return _reported(resource)
    concept = {
        "MedicationStatement": "medicationCodeableConcept",
        "MedicationRequest": "medicationCodeableConcept",
        "Immunization": "vaccineCode",
    }.get(kind, "code")
    text, codes = _concept(getattr(resource, concept))
    if not text:
        return []
    fact = Fact(kind=_KINDS[kind], text=text, codes=codes, source=f"{kind}/{resource.id or '?'}")
    if kind == "Condition":
        fact.present = _first_code(resource.verificationStatus) not in _NOT_SO
        fact.date = _day(resource.onsetDateTime or (resource.onsetPeriod.start if resource.onsetPeriod else None))
        fact.date = fact.date or _day(resource.recordedDate)
        fact.end = _day(
            resource.abatementDateTime or (resource.abatementPeriod.end if resource.abatementPeriod else None)
        )
        fact.ended = fact.end is not None or _first_code(resource.clinicalStatus) in _OVER
        stages = [_concept(stage.summary)[0] for stage in resource.stage or [] if stage.summary is not None]
        if stages and stages[0] and stages[0].lower() not in text.lower():
            fact.text = f"{text}, {stages[0]}"  # "Non-small cell lung cancer, stage IV": the stage is read
    elif kind == "Observation":
        fact.date = _day(
            resource.effectiveDateTime or (resource.effectivePeriod.start if resource.effectivePeriod else None)
        )
        fact.date = fact.date or _day(resource.issued)
        facts = [_observed(fact, resource)]
        for part in resource.component or []:  # a blood pressure panel: systolic and diastolic
            part_text, part_codes = _concept(part.code)
            if part_text:
                facts.append(_observed(fact.model_copy(update={"text": part_text, "codes": part_codes}), part))
        return [f for f in facts if f is not None]
    elif kind == "MedicationStatement":
        fact.present = resource.status not in ("not-taken", "entered-in-error")
        period = resource.effectivePeriod
        fact.date = _day(resource.effectiveDateTime or (period.start if period else None) or resource.dateAsserted)
        fact.end = _day(period.end if period else None)
        fact.ended = resource.status in _STOPPED or (fact.end is not None)
    elif kind == "MedicationRequest":
        fact.present = resource.status not in ("cancelled", "entered-in-error")
        fact.date = _day(resource.authoredOn)
        fact.ended = resource.status in _STOPPED
    elif kind == "AllergyIntolerance":  # "Allergy to peanuts", "Latex allergy"
        fact.present = _first_code(resource.verificationStatus) not in _NOT_SO
        fact.date = _day(resource.onsetDateTime or resource.recordedDate)
        fact.ended = _first_code(resource.clinicalStatus) in _OVER
        if "allerg" not in text.lower() and "intoleran" not in text.lower():
            fact.text = f"allergy to {text}"
    elif kind == "Immunization":
        fact.present = resource.status not in ("not-done", "entered-in-error")
        fact.date = _day(resource.occurrenceDateTime)
    else:  # Procedure
        fact.present = resource.status not in ("not-done", "entered-in-error")
        period = resource.performedPeriod
        fact.date = _day(resource.performedDateTime or (period.start if period else None))
        fact.end = _day(period.end if period else None)
        # where it was done is part of what was done: "Teleradiotherapy procedure" to the neck is no
        # radiotherapy to the breast (the matcher reads the site on its procedure_site axis)
        sites = [
            site for site, _ in map(_concept, resource.bodySite or []) if site and site.lower() not in text.lower()
        ]
        if sites:
            fact.text = f"{text} of {', '.join(sites)}"
    return [fact]


def _observed(fact: Fact, part) -> Fact | None:
    """``fact`` with the value an Observation (or one of its components) gives; None when it gives none."""
    quantity = part.valueQuantity
    if quantity is not None and quantity.value is not None:
        unit = quantity.code if quantity.system == UCUM_SYSTEM and quantity.code else ucum(quantity.unit or "")
        unit = unit or quantity.unit or quantity.code or None  # kept as written when not read: never "no unit"
        ranges = getattr(part, "referenceRange", None)
        high = ranges[0].high if ranges else None
        reference = float(high.value) if high is not None and high.value is not None else None
        if not (plausible(float(quantity.value)) and plausible(reference)):
            raise PatientError(f"the value {quantity.value} {quantity.unit or ''} is beyond any measurement")
        return fact.model_copy(update={"value": float(quantity.value), "unit": unit, "reference_high": reference})
    if part.valueCodeableConcept is not None:  # "Never smoker"; "HIV 1+2 Ab: Negative"
        answer, _ = _concept(part.valueCodeableConcept)
        denied = bool(_NEGATIVE_VALUE.match(answer or ""))
        bare = denied and not _content_after_negation(answer or "")
        text = fact.text if bare else (answer or fact.text)  # a bare "Negative" says the test found nothing
        return fact.model_copy(update={"kind": "observation", "text": text, "present": not denied})
    return fact if fact.kind == "measurement" and getattr(part, "component", None) is None else None


def _content_after_negation(answer: str) -> bool:
    """Whether a coded answer names something beyond its negation: "Never smoker" does, "Negative" not."""
    rest = _NEGATIVE_VALUE.sub("", answer).strip(" .,:;-()")
    return bool(
        re.search(r"[A-Za-z]{3,}", re.sub(r"\b(?:detected|found|present|seen|reactive)\b", "", rest, flags=re.I))
    )


def _reported(resource) -> list[Fact]:
    """A DiagnosticReport: the report itself (a test done, which answers no diagnosis: "Lipid Panel"),
    and each diagnosis it concludes (``conclusionCode``: a pathology report's "Adenocarcinoma").
    Its results are Observations of their own, read as such."""
    text, codes = _concept(resource.code)
    period = resource.effectivePeriod
    when = _day(resource.effectiveDateTime or (period.start if period else None) or resource.issued)
    present = resource.status not in ("cancelled", "entered-in-error")
    source = f"DiagnosticReport/{resource.id or '?'}"
    facts = [Fact(kind="procedure", text=text, codes=codes, date=when, present=present, source=source)] if text else []
    for concluded in resource.conclusionCode or []:
        found, found_codes = _concept(concluded)
        if found and present:
            facts.append(Fact(kind="condition", text=found, codes=found_codes, date=when, source=source))
    return facts


def _stay(resource) -> Fact | None:
    """A stay in hospital (an inpatient, acute or emergency Encounter) as a procedure fact, dated by its period."""
    kind = resource.class_fhir.code if getattr(resource, "class_fhir", None) is not None else None
    if kind not in _INPATIENT:
        return None
    period = resource.period
    reasons = [_concept(r)[0] for r in resource.reasonCode or []]
    what = "emergency visit" if kind == "EMER" else "hospitalization"
    text = f"{what} for {reasons[0]}" if reasons and reasons[0] else what
    return Fact(
        kind="procedure",
        text=text,
        date=_day(period.start if period else None),
        end=_day(period.end if period else None),
        ended=bool(period and period.end),  # a stay that ended is history: it meets a window, not "now"
        present=resource.status not in ("cancelled", "entered-in-error"),
        source=f"Encounter/{resource.id or '?'}",
    )


def _concept(concept) -> tuple[str | None, list[Code]]:
    """A CodeableConcept's text (else its first display) and its codings; the name its code fixes when
    the text says less (``lexicons/coded_names.json``: Synthea's "Diabetes" for type 2 diabetes)."""
    if concept is None:
        return None, []
    codes = [Code(system=c.system, code=c.code, display=c.display) for c in concept.coding or [] if c.system and c.code]
    text = concept.text or next((c.display for c in concept.coding or [] if c.display), None)
    named = next((_CODED[c.system][c.code] for c in codes if c.code in _CODED.get(c.system, {})), None)
    if named and (text is None or _words(text) <= _words(named)):
        text = named
    return text, codes


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


_CODED = load("coded_names", "trialsieve.match")["names"]


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
