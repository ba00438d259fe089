"""A criterion that only allows something asks nothing of the patient: read as a requirement, "Prior
neoadjuvant chemotherapy allowed" would rule out everyone who never had chemotherapy."""

import datetime as dt

import pytest

from trialsieve.extract.ingest import read_text
from trialsieve.extract.structure import structure_text, structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Patient
from trialsieve.rules import leaves, status_of


@pytest.mark.parametrize(
    "text",
    [
        "Prior neoadjuvant chemotherapy allowed",
        "May have received one prior adjuvant chemotherapy regimen",
        "Concurrent bisphosphonates permitted",
        "* Prior cystoscopy is permitted.",
        # ClinicalTrials.gov NCT05740449, listed among the exclusions: read as one, it excluded them
        "Patients who have previously received venetoclax or navitoclax separately can be eligible for this sub-study.",
        "Patients with treated brain metastases may be included.",
        # NCT05925803 I8: the examples were a list one of which every patient had to take
        "Stable background therapies can be used including hydroxychloroquine, methotrexate, azathioprine, "
        "mycophenolate mofetil, mycophenolic sodium, mycophenolic acid, oral glucocorticoids or tacrolimus",
    ],
)
def test_a_permission_asks_nothing(text, tagger):
    rule = structure_text(text, "inclusion", tagger.tag([text])[0]).rule
    assert (rule.type, rule.reason) == ("unstructured", "permission")
    assert status_of(rule) == "structured"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Brain metastases at inclusion are allowed if asymptomatic", "conditional permission"),
        ("Prior radiotherapy is allowed provided there has been progression of the lesion", "conditional permission"),
    ],
)
def test_a_permission_on_a_condition_is_for_a_person(text, reason):
    rule = structure_text(text, "inclusion").rule
    assert (rule.type, rule.reason) == ("unstructured", reason)


@pytest.mark.parametrize(
    "text",
    [
        "No other concurrent anticancer therapy allowed",
        "Concurrent radiotherapy is not permitted",
        "Radiotherapy within 21 days prior to the first dose. Palliative radiation in past 21 days is allowed.",
        "Any condition that requires systemic immunosuppressive therapy during the dosing period excluding "
        "pre-medications - inhaled and topical steroids are permitted",
        "Both partners must agree to use one of the acceptable methods of contraception listed below:",
    ],
)
def test_a_prohibition_or_a_requirement_beside_a_permission_is_not_one(text):
    rule = structure_text(text, "exclusion").rule
    assert getattr(rule, "reason", None) not in ("permission", "conditional permission")


PDQ = """DISEASE CHARACTERISTICS:
* Histologically confirmed breast cancer

PRIOR CONCURRENT THERAPY:
* Prior neoadjuvant chemotherapy allowed
* May have received one prior adjuvant chemotherapy regimen
* Concurrent bisphosphonates permitted
"""


def test_permissions_in_a_pdq_record_rule_no_one_out(tagger):
    trial = read_text(PDQ, "pdq.txt", "pdq")
    structured = structure_trial(trial, tagger)
    patient = Patient(facts=[{"kind": "condition", "text": "breast cancer"}])
    report = check(structured, patient, dt.date(2026, 11, 30), ConceptMatcher())
    assert report.overall == "eligible", [(c.id, c.verdict) for c in report.criteria]


@pytest.mark.parametrize(
    "text",
    [
        "Patients with treated brain metastases could be enrolled",
        "Patients with stable brain metastases can be enrolled.",
        # NCT07247227 I7: read as a requirement, every patient needed brain and liver metastases
        "Patients with active brain metastases and liver metastases could be enrolled (Concurrent radiotherapy, "
        "intervention, dehydration, and other local treatment are permitted).",
    ],
)
def test_could_be_enrolled_is_a_permission(text, tagger):
    rule = structure_text(text, "inclusion", tagger.tag([text])[0]).rule
    assert (rule.type, rule.reason) == ("unstructured", "permission"), rule


def test_a_last_sentence_that_could_be_included_is_an_allowance(tagger):
    text = "Prior chemotherapy within 4 weeks. Patients on low-dose tamoxifen could be included."
    rule = structure_text(text, "exclusion", tagger.tag([text])[0]).rule
    asked = [leaf for leaf in leaves(rule) if leaf.type == "presence" and leaf.role != "exception"]
    assert [leaf.concept.text for leaf in asked] == ["chemotherapy"], rule
    assert "tamoxifen" in [excepted.text for excepted in asked[0].excepted], rule
