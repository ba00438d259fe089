"""What a disease needs, said right after it, is part of the concept: "infections requiring
hospitalization" is not every infection. Cut to the bare disease, the exclusion ruled out every
patient with a urinary tract infection. A treatment the tagger names ("requiring dialysis") stays a
leaf of its own beside the disease (cues.json ``needs``). Criteria are real ClinicalTrials.gov and LCT text."""

import pytest

from trialsieve.extract.relations import default_model
from trialsieve.extract.structure import structure_text
from trialsieve.rules import leaves


def _concepts(tagger, text: str, section: str = "exclusion") -> list[str]:
    rule = structure_text(text, section, tagger.tag([text])[0], default_model()).rule
    return [leaf.concept.text for leaf in leaves(rule) if leaf.type == "presence"]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Presence of a ventricular arrhythmia requiring treatment", "ventricular arrhythmia requiring treatment"),
        ("Patient with multi-segmental lumbar disease requiring treatment", "lumbar disease requiring treatment"),
        ("Serious arrhythmias requiring treatment", "arrhythmias requiring treatment"),
        (
            "Severe acute or chronic infections requiring systemic treatment",
            "infections requiring systemic treatment",
        ),
        ("Active infection requiring treatment", "infection requiring treatment"),  # LCT
        ("Patients who were acutely unwell requiring hospital admission", "unwell requiring hospital admission"),  # LCT
    ],
)
def test_the_need_stays_on_the_disease(tagger, text, concept):
    found = _concepts(tagger, text)
    assert any(c.endswith(concept) for c in found), found


def test_a_named_treatment_stays_its_own_leaf(tagger):
    assert _concepts(tagger, "Renal failure requiring dialysis") == ["Renal failure", "dialysis"]
