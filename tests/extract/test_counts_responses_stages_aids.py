"""Four classes of real ClinicalTrials.gov criteria (issue 18): a count of prior treatments, a failed
response the tagger names apart from its drug, a stage's value read as a concept, and the measures a
lab value must hold without. Each criterion is real registry text; each test failed before its fix."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.rules import leaves

# --- 1. a count of prior treatments counts the treatments ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "variable", "operator", "value"),
    [
        ("Cohort 7: Participant has had at least one prior systemic treatment for locally advanced or metastatic NSCLC",
         "prior systemic treatment", ">=", 1),
        ("Patient has had at least one prior systemic treatment for NSCLC, but no more than three prior "
         "systemic therapy", "prior systemic therapy", "<=", 3),
        ("Patients who have failed at least two prior lines of therapy with a platinum-based regimen",
         "prior lines of therapy", ">=", 2),
    ],
)  # fmt: skip
def test_a_count_before_prior_treatments_counts_them(tagger, text, variable, operator, value):
    limits = [leaf for leaf in leaves(rule_of(tagger, text, "inclusion")) if leaf.type == "comparison"]
    assert any((c.variable, c.operator, c.value) == (variable, operator, value) for c in limits), limits
    assert all(c.variable not in ("Participant", "Patient", "failed") for c in limits), limits


def test_prior_to_after_a_time_is_still_a_time(tagger):
    rule = rule_of(tagger, "Chemotherapy within 4 weeks prior to study entry")
    assert not [leaf for leaf in leaves(rule) if leaf.type == "comparison" and "prior" in leaf.variable], rule


# --- 2. a failed response is one concept with the drug it failed ----------------------------------------


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Loss of response to infliximab", "Loss of response to infliximab"),
        ("Patients with loss of response to vedolizumab", "loss of response to vedolizumab"),
        (
            "Patients whose tumor present known mutationts confering resistance to JAK inhibitors",
            "resistance to JAK inhibitors",
        ),
    ],
)
def test_a_failed_response_tagged_apart_is_one_concept_with_its_drug(tagger, text, concept):
    found = presences(rule_of(tagger, text, "inclusion"))
    assert concept in found and not found[concept].negated, found
    assert found[concept].concept.kind == "drug"
    assert not {"Loss of response", "loss of response", "resistance"} & set(found), found


def test_a_drug_taken_does_not_say_the_response_was_lost(tagger):
    facts = [{"kind": "drug", "text": "infliximab", "date": "2026-01-01"}]
    assert verdict_of(tagger, "Inclusion", "Loss of response to infliximab", facts) == "unknown"


# --- 3. a stage's value is no concept; a stage in brackets qualifies the disease ----------------------


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Stage IB-IIIA Non-squamous NSCLC (Based on AJCC Version 7 TNM Disease Stages)",
         "Stage IB-IIIA Non-squamous NSCLC"),
        ("Previously untreated, histologically confirmed resectable stage IB-IIIA NSCLC (AJCC 9th edition staging);",
         "stage IB-IIIA NSCLC"),
        ("Chronic kidney disease (Stage IV-V)", "kidney disease (Stage IV-V)"),  # "chronic": a qualifier
        ("Chronic kidney disease (stage 3 or greater), or hepatic failure", "kidney disease (stage 3 or greater)"),
        ("Individuals with localized prostate cancer (Stage I-II) undergoing Robot-Assisted Laparoscopic or Open "
         "Bilateral Nerve-Sparing Radical Prostatectomy", "localized prostate cancer (Stage I-II)"),
    ],
)  # fmt: skip
def test_a_stage_range_stays_on_its_disease(tagger, text, concept):
    found = presences(rule_of(tagger, text, "inclusion"))
    assert concept in found, found
    assert not [c for c in found if c.rstrip("- ").lower() in ("stage ib", "known stage ib", "ib")], found


@pytest.mark.parametrize(("fact", "verdict"), [("Chronic kidney disease stage 2", "not_met"), ("CKD stage 5", "met")])
def test_a_bracketed_stage_range_decides_the_verdict(tagger, fact, verdict):
    facts = [{"kind": "condition", "text": fact, "date": "2026-01-01"}]
    assert verdict_of(tagger, "Exclusion", "Chronic kidney disease (Stage IV-V)", facts) == verdict


# --- 4. what a lab value must hold without is denied as one list --------------------------------------


def _denied(rule) -> set[str]:
    """The concepts under a ``not`` in ``rule``, and the presence leaves denied on their own."""
    out: set[str] = set()
    for node in [rule, *(getattr(rule, "args", None) or [])]:
        if node.type == "not":
            out |= {leaf.concept.text for leaf in leaves(node) if leaf.type == "presence"}
        elif node.type == "presence" and node.negated:
            out.add(node.concept.text)
    return out


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("Blood routine (no blood transfusion or granulocyte colony-stimulating factor therapy within 14 days before "
         "examination):ANC≥1.5×109/L;PLT≥75×109/L;Hb≥90 g/L;",
         {"blood transfusion", "granulocyte colony-stimulating factor therapy"}),
        ("Normal pre-operative erectile function (defined as IIEF-EF ≥ 26) without the use of therapy or devices for "
         "the improvement of erections.", {"therapy", "devices"}),
        ("Participants with nonsquamous tumors were required to have available genetic testing to confirm without "
         "EGFR, ALK, or ROS1 driver mutations;", {"EGFR", "ALK", "ROS1 driver mutations"}),
    ],
)  # fmt: skip
def test_a_list_after_without_is_denied_whole(tagger, text, denied):
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "all", rule  # never an alternative to the rest of the criterion
    assert denied <= _denied(rule), rule


def test_the_lab_limits_after_a_bracketed_denial_stay_required(tagger):
    text = (
        "Blood routine (no blood transfusion or granulocyte colony-stimulating factor therapy within 14 days before "
        "examination):ANC≥1.5×109/L;PLT≥75×109/L;Hb≥90 g/L;"
    )
    rule = rule_of(tagger, text, "inclusion")
    limits = [a for a in rule.args if a.type == "comparison"]
    assert len(limits) == 3, rule


def test_a_transfusion_bars_the_platelet_count(tagger):
    text = "Platelets >= 100,000/mm3 without the aid of growth factors or transfusions"
    facts = [
        {"kind": "measurement", "text": "Platelets", "value": 150000, "unit": "/uL", "date": "2026-11-20"},
        {"kind": "procedure", "text": "Platelet transfusion", "date": "2026-11-20"},
    ]
    assert verdict_of(tagger, "Inclusion", text, facts) != "met"


def test_a_limit_after_or_opens_its_own_alternative(tagger):
    text = (
        "Alanine aminotransferase (ALT) ≤2.5x the upper limit of normal (ULN) if no demonstrable liver metastases or "
        "≤5xULN in the presence of liver metastases;"
    )
    assert rule_of(tagger, text, "inclusion").type == "any"
