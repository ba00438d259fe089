"""Trial pages copied as plain text (ClinicalTrials.Veeva style) -> ``Trial``.

Such a page is a sequence of headed blocks ("Status and phase", "Conditions", "Identifiers",
"Sex", "Ages", "Inclusion criteria"...). The criteria text is kept as an exact slice of the page,
from the "Inclusion criteria" heading to the block after "Exclusion criteria".
"""

from __future__ import annotations

import re

from trialsieve.extract.ages import parse_age_range
from trialsieve.trial import RecordError, Trial

HEADINGS = (
    "Status and phase",
    "Conditions",
    "Treatments",
    "Study type",
    "Funder types",
    "Identifiers",
    "Details and patient eligibility",
    "About",
    "Full description",
    "Enrollment",
    "Sex",
    "Ages",
    "Volunteers",
    "Inclusion criteria",
    "Exclusion criteria",
    "Trial design",
    "Primary purpose",
    "Trial contacts and locations",
    "Central trial contact",
    "Sponsors",
    "Data sourced from clinicaltrials.gov",
)
_CRITERIA = ("Inclusion criteria", "Exclusion criteria")
_NCT = re.compile(r"\bNCT\d{8}\b")
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9-]{1,20})\)\s*$")


def looks_like_page(text: str) -> bool:
    """A trial page has several of the page headings on lines of their own."""
    lines = {line.strip() for line in text.splitlines()}
    return sum(h in lines for h in HEADINGS) >= 4 and any(h in lines for h in _CRITERIA)


def read_page(text: str, source: str, fallback_id: str) -> Trial:
    blocks = _blocks(text)
    if not any(h in blocks for h in _CRITERIA):
        raise RecordError("trial page has no 'Inclusion criteria' or 'Exclusion criteria' section")
    ids = blocks.get("Identifiers", [])
    nct = next((m[0] for line in ids for m in [_NCT.search(line)] if m), None)
    title = _title(text)
    status_phase = blocks.get("Status and phase", [])
    minimum, maximum = parse_age_range(" ".join(blocks.get("Ages", [])))
    volunteers = " ".join(blocks.get("Volunteers", [])).lower()
    acronym = _ACRONYM.search(title or "")
    return Trial(
        id=nct or fallback_id,
        secondary_ids=[line for line in ids if line != nct],
        title=title,
        acronym=acronym[1] if acronym else None,
        summary=" ".join(blocks.get("About", [])) or None,
        conditions=blocks.get("Conditions", []),
        interventions=blocks.get("Treatments", []),
        phases=[line for line in status_phase if line.lower().startswith(("phase", "early phase"))],
        status=next((line for line in status_phase if not line.lower().startswith(("phase", "early phase"))), None),
        sex=(blocks.get("Sex") or [None])[0] and blocks["Sex"][0].lower(),
        minimum_age=minimum,
        maximum_age=maximum,
        healthy_volunteers=None if not volunteers else not volunteers.startswith("no"),
        criteria_text=_criteria_slice(text),
        source=source,
    )


def _blocks(text: str) -> dict[str, list[str]]:
    """Heading -> its non-empty lines, up to the next heading."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped in HEADINGS:
            current = blocks.setdefault(stripped, [])
        elif stripped and current is not None:
            current.append(stripped)
    return blocks


def _title(text: str) -> str | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    start = lines.index("Menu") + 1 if "Menu" in lines else 0
    return lines[start] if start < len(lines) and lines[start] not in HEADINGS else None


def _criteria_slice(text: str) -> str:
    starts = [m.start() for h in _CRITERIA for m in re.finditer(rf"^[ \t]*{h}[ \t]*$", text, re.MULTILINE)]
    if not starts:
        return ""
    start = min(starts)
    after = [
        m.start()
        for h in HEADINGS
        if h not in _CRITERIA
        for m in re.finditer(rf"^[ \t]*{re.escape(h)}[ \t]*$", text[start:], re.MULTILINE)
    ]
    end = start + min(after) if after else len(text)
    return text[start:end].rstrip()
