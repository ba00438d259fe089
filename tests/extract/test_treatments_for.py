"""A treatment named only by what it treats (real ClinicalTrials.gov text): "Use of any treatment for ED
within 7 days of Visit 1" asks for a drug for ED. The tagger names the disease alone, so the disease was
the leaf, and an erectile-dysfunction trial's exclusion excluded every patient with erectile dysfunction."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Fact

ED_WITHIN_7_DAYS = "Use of any treatment for ED within 7 days of Visit 1"


def test_a_patient_with_the_disease_is_not_excluded_for_its_treatment(tagger):
    diagnosed = [{"kind": "condition", "text": "Erectile dysfunction", "date": "2025-01-10"}]
    treated = [*diagnosed, {"kind": "drug", "text": "sildenafil", "date": "2026-11-27"}]
    assert verdict_of(tagger, "Exclusion", ED_WITHIN_7_DAYS, diagnosed) != "met"
    assert verdict_of(tagger, "Exclusion", ED_WITHIN_7_DAYS, treated) == "met"


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        (ED_WITHIN_7_DAYS, ["treatment for ED"]),
        (
            "Taking medications for hypertension, diabetes or hyperlipidemia",
            ["medications for hypertension", "medications for diabetes", "medications for hyperlipidemia"],
        ),
        (
            "Use of any drug for the treatment of erectile dysfunction within 4 weeks",
            ["drug for the treatment of erectile dysfunction"],
        ),
        ("Concomitant use of therapeutic agents to treat ED", ["therapeutic agents to treat ED"]),
        ("Concomitant psychological treatment for sleep problems", ["psychological treatment for sleep problems"]),
        ("Previous treatment for LTBI.", ["treatment for LTBI"]),
    ],
)
def test_the_treatment_is_the_leaf(tagger, text, concepts):
    found = presences(rule_of(tagger, text))
    assert sorted(found) == sorted(concepts), found
    assert all(leaf.concept.kind in ("drug", "procedure") for leaf in found.values())


def test_a_denied_treatment_stays_denied(tagger):
    rule = rule_of(tagger, "No prior anticancer therapy for treatment of NSCLC", "inclusion")
    assert rule.type == "presence" and rule.negated and rule.concept.text == "anticancer therapy for treatment of NSCLC"


def test_the_words_of_a_tagged_treatment_keep_its_qualifiers(tagger):
    leaf = presences(rule_of(tagger, "Concomitant use of therapeutic agents to treat ED"))[
        "therapeutic agents to treat ED"
    ]
    assert "current" in leaf.qualifiers


def test_a_treatment_named_before_as_keeps_the_disease(tagger):
    found = presences(
        rule_of(tagger, "patients not undergoing retropubic prostatectomy as treatment for prostate cancer")
    )
    assert found["prostate cancer"].concept.kind == "condition"


def test_a_non_drug_treatment_is_not_met_by_a_drug(tagger):
    criterion = "currently on non-pharmacological treatment for insomnia"
    on_zolpidem = [{"kind": "drug", "text": "zolpidem", "date": "2026-11-27"}]
    assert verdict_of(tagger, "Exclusion", criterion, on_zolpidem) != "met"


def test_a_pharmacological_treatment_is_met_by_the_drugs_of_its_class():
    facts = [Fact(kind="drug", text="sildenafil"), Fact(kind="condition", text="Erectile dysfunction")]
    found = ConceptMatcher().find("Pharmacological treatment for erectile dysfunction", facts)
    assert [m.fact.text for m in found] == ["sildenafil"]
