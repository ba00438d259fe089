"""ClinicalTrials.gov API v2 study records -> ``Trial``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from trialsieve.extract.ages import parse_age
from trialsieve.trial import RecordError, Trial

_SEX = {"ALL": "all", "FEMALE": "female", "MALE": "male"}


def is_study(obj: Any) -> bool:
    return isinstance(obj, dict) and "protocolSection" in obj


def studies(obj: Any) -> Iterator[Any]:
    """The study records in a parsed JSON document: one study, a list, or an API page."""
    if isinstance(obj, dict) and isinstance(obj.get("studies"), list):
        yield from obj["studies"]
    elif isinstance(obj, list):
        yield from obj
    else:
        yield obj


def read_study(study: Any, source: str) -> Trial:
    """One API v2 study as a ``Trial``; raises ``RecordError`` naming what is missing."""
    if not is_study(study):
        raise RecordError("not a ClinicalTrials.gov API v2 study: no protocolSection")
    protocol = study["protocolSection"]
    ident = protocol.get("identificationModule") or {}
    nct = ident.get("nctId")
    if not nct:
        raise RecordError("study has no identificationModule.nctId")
    eligibility = protocol.get("eligibilityModule") or {}
    arms = protocol.get("armsInterventionsModule") or {}
    secondary = [s["id"] for s in ident.get("secondaryIdInfos") or [] if s.get("id")]
    org_id = (ident.get("orgStudyIdInfo") or {}).get("id")
    return Trial(
        id=nct,
        secondary_ids=[org_id, *secondary] if org_id else secondary,
        title=ident.get("officialTitle") or ident.get("briefTitle"),
        acronym=ident.get("acronym"),
        summary=(protocol.get("descriptionModule") or {}).get("briefSummary"),
        conditions=list((protocol.get("conditionsModule") or {}).get("conditions") or []),
        interventions=[_intervention(i) for i in arms.get("interventions") or []],
        phases=list((protocol.get("designModule") or {}).get("phases") or []),
        status=(protocol.get("statusModule") or {}).get("overallStatus"),
        sex=_SEX.get(str(eligibility.get("sex", "")).upper()),
        minimum_age=parse_age(eligibility.get("minimumAge")),
        maximum_age=parse_age(eligibility.get("maximumAge")),
        healthy_volunteers=eligibility.get("healthyVolunteers"),
        criteria_text=eligibility.get("eligibilityCriteria") or "",
        source=source,
    )


def _intervention(item: dict) -> str:
    kind = str(item.get("type", "")).replace("_", " ").title()
    return f"{kind}: {item.get('name', '')}" if kind else str(item.get("name", ""))
