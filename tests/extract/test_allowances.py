"""A last sentence that allows something after what a criterion asks (real ClinicalTrials.gov text).

Read as one more requirement, "Steroids used to treat inflammation are allowed" after an exclusion
of immunosuppressive therapy made steroids a reason to exclude; now what is allowed is left out of
the exclusion, an inclusion takes it as an alternative, and an allowance on a condition is left for
a person."""

import datetime as dt

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.extract.allowances import find, whole
from trialsieve.extract.ingest import read_text
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Patient
from trialsieve.rules import leaves

STEROIDS = (
    "Patient has previously undergone or currently on immunosuppressive therapy. "
    "Steroids used to treat inflammation are allowed."
)
SURGERY = (
    "Major surgery within 30 days of randomization. Minor surgical procedures, such as catheter placement or "
    "minimally invasive biopsies, are allowed."
)


@pytest.mark.parametrize(
    ("text", "allowed", "conditional"),
    [
        (SURGERY, "Minor surgical procedures, such as catheter placement or minimally invasive biopsies", False),
        (STEROIDS, "Steroids used to treat inflammation", False),
        (
            "Prior prostate surgery including transurethral resection of prostate (TURP). (Prior vasectomy is allowed)",
            "Prior vasectomy",
            False,
        ),
        (
            "History of another primary invasive malignancy that has not been definitively treated and in remission. "
            "Patients with non-melanoma skin cancers or with carcinomas in situ are eligible regardless of the time "
            "from diagnosis (including concomitant diagnoses).",
            "Patients with non-melanoma skin cancers or with carcinomas in situ",
            False,
        ),
        (
            "Concurrent active malignancy other than non-melanoma skin cancer. Patients with previous malignancies "
            "are eligible provided that they have been disease free for ≥2 years",
            "Patients with previous malignancies",
            True,
        ),
        (
            "Current or chronic hepatitis B or C infection. Patients with HIV but an undetectable viral load are "
            "eligible for enrollment.",
            "Patients with HIV but an undetectable viral load",
            True,
        ),
        (  # NCT05740449 E17.6: a biopsy or a shunt had excluded as major surgery
            "SURGERY: Major surgery within 21 days of the first dose. Gastrostomy, ventriculo-peritoneal shunt, "
            "tumor biopsy and insertion of central venous access devices are not considered major surgery.",
            "Gastrostomy, ventriculo-peritoneal shunt, tumor biopsy and insertion of central venous access devices",
            False,
        ),
        (  # NCT05838768 E5: antiviral therapy had excluded; a state of the disease is a condition on it
            "Active Hepatitis B Virus (HBV), Hepatitis C Virus (HCV) or Tuberculosis infection. Patients whose "
            "disease is controlled under antiviral therapy should not be excluded.",
            "Patients whose disease is controlled under antiviral therapy",
            True,
        ),
        (  # NCT04870190 I4: the corticosteroids it lets through were a second requirement
            "The brain condition is stable for at least 2 weeks, without any systemic corticosteroid treatment. "
            "Non-absorbable corticosteroids can be used locally and inhaled according to the indications.",
            "Non-absorbable corticosteroids",
            True,
        ),
        (  # NCT01967251 E1: the testosterone it lets through was AND-ed to anabolic steroids
            "Participants that are currently taking nitrates, antiandrogens, estrogens, or anabolic steroids at study "
            "entry. Participants that are taking a stable dose level of testosterone are not excluded.",
            "Participants that are taking a stable dose level of testosterone",
            False,
        ),
        (  # NCT02650414 E7: a note opens the sentence; "e.g. CART19" starts none
            "Receipt of a prior investigational study agent within 4 weeks prior to screening visit. \\*Note- patients "
            "who have received anti-CD19 CART cells (e.g. CART19/CTL019) on an investigational study are NOT excluded.",
            "patients who have received anti-CD19 CART cells (e.g. CART19/CTL019) on an investigational study",
            False,
        ),
        (  # NCT05714891 E3.4: a person decides
            "Clinically significant cardiac arrhythmias; (Note: patients with clinically controlled, asymptomatic "
            "atrial arrhythmias may be eligible; please consult CCTG).",
            "patients with clinically controlled, asymptomatic atrial arrhythmias",
            True,
        ),
        (  # NCT05751044 I7.1.3: a sentence after it sends the patient to the sponsor
            "ALT ≤ 5 x ULN; AST ≤ 5 x ULN. Note: Patients with hepatic disfunction related to the underling disease "
            "can be eligible. In these cases, patients need to be discussed with the sponsor to confirm the "
            "eligibility.",
            "Patients with hepatic disfunction related to the underling disease",
            True,
        ),
    ],
)
def test_the_allowing_sentence_is_found(text, allowed, conditional):
    found = find(text)
    assert found is not None and text[found.start : found.end] == allowed and found.conditional == conditional


@pytest.mark.parametrize(
    "text",
    [
        "Implantation of antibiotic powder into the surgical wound. "
        "(No irrigation is allowed after Oxiplex application.)",
        "Has had previous treatment with docetaxel. If docetaxel was received in the adjuvant setting, progressive "
        "disease must have occurred ≥6 months after the last dose to be eligible.",
        "Nonmelanoma skin cancer or carcinoma in situ (e.g. cervix, bladder, breast) is eligible.",
        "Prior neoadjuvant chemotherapy allowed",
    ],
)
def test_no_allowance_after_a_requirement(text):
    assert find(text) is None


def test_what_an_exclusion_allows_is_left_out_of_it(tagger):
    found = presences(rule_of(tagger, STEROIDS))
    therapy = next(leaf for name, leaf in found.items() if "immunosuppressive therapy" in name)
    assert "Steroids" in {c.text for c in therapy.excepted}
    assert found["Steroids"].role == "exception"  # says what is left out, asks nothing


def test_minor_surgery_does_not_exclude_where_minor_surgery_is_allowed(tagger):
    minor = [{"kind": "procedure", "text": "Minor surgery", "date": "2026-11-20"}]
    major = [{"kind": "procedure", "text": "Major surgery", "date": "2026-11-20"}]
    assert verdict_of(tagger, "Exclusion", SURGERY, minor) == "not_met"
    assert verdict_of(tagger, "Exclusion", SURGERY, major) == "met"


def test_an_allowance_on_a_condition_is_left_for_a_person(tagger):
    text = (
        "Patients on chronic immunosuppressive transplant therapy. "
        "Patients receiving \\<5 mg of Prednisone daily may be included."
    )
    rule = rule_of(tagger, text)
    reviews = [leaf for leaf in leaves(rule) if leaf.type == "unstructured"]
    assert rule.type == "all" and [r.reason for r in reviews] == ["conditional permission"]
    assert "Prednisone" not in presences(rule)  # not a drug the exclusion asks for


def test_an_inclusion_takes_an_allowance_on_a_condition_as_the_alternative(tagger):
    text = (
        "Age \\>/= 60 years. Patients aged \\< 60 years who are unsuitable for standard induction therapy "
        "may be eligible after discussion with PI"
    )
    rule = rule_of(tagger, text, "inclusion")
    assert rule.type == "any" and rule.args[1].reason == "conditional permission"


def test_an_allowance_as_wide_as_the_exclusion_is_left_for_a_person(tagger):
    text = (
        "Has received a live vaccine or live-attenuated vaccine within 30 days before the first dose of study "
        "intervention. Administration of killed vaccines is allowed."
    )
    rule = rule_of(tagger, text)
    assert not any(leaf.excepted for leaf in leaves(rule) if leaf.type == "presence")
    assert any(leaf.type == "unstructured" and leaf.reason == "conditional permission" for leaf in leaves(rule))


NOTE = (
    "Note: Participants with basal cell carcinoma of the skin, squamous cell carcinoma of the skin, or carcinoma in "
    "situ (eg, breast carcinoma, cervical cancer in situ) who have undergone potentially curative therapy are not "
    "excluded. Participants with low-risk prostate cancer (T1-T2a, Gleason score ≤6, and PSA \\<10 ng/mL) either "
    "treated with definitive intent or untreated in active surveillance are not excluded."
)


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        (NOTE, ["Participants with basal cell carcinoma", "Participants with low-risk prostate cancer"]),
        ("Nonmelanoma skin cancer or carcinoma in situ (e.g. cervix, bladder, breast) is eligible.", ["Nonmelanoma"]),
        ("Transient diabetes (e.g. gestational and steroid-induced) is not an exclusion.", ["Transient diabetes"]),
        # what does not only allow
        ("Using a medically acceptable form of birth control for at least 1 month prior to screening", []),
        ("Patients who are taking the following: ritonavir, or ketoconazole (topical forms are allowed).", []),
        ("Must have a potential study participant who can participate in the study after onset of symptoms", []),
        ("Clinically significant cardiac arrhythmias; (Note: atrial arrhythmias may be eligible).", []),
        ("Major surgery within 30 days. Minor surgery is allowed.", []),
    ],
)
def test_a_criterion_that_only_allows(text, subjects):
    found = [text[a.start : a.end] for a in whole(text)]
    assert [subject[: len(start)] for subject, start in zip(found, subjects, strict=False)] == subjects
    assert len(found) == len(subjects)


MALIGNANCY = (
    "Exclusion Criteria:\n"
    "* Has a known additional malignancy that is progressing or has required active therapy within the past 3 "
    "years.\n"
    f"  * {NOTE}\n"
)


def test_a_note_under_an_exclusion_lets_through_what_it_allows(tagger):
    """NCT05879653 E1.5: AND-ed under its parent, the note had made basal cell carcinoma the one cancer that
    excluded and a melanoma none."""
    trial = structure_trial(read_text(MALIGNANCY, "note.txt", "note"), tagger)
    verdict = {}
    for disease in ("Basal cell carcinoma of skin", "Malignant melanoma of skin"):
        patient = Patient(facts=[{"kind": "condition", "text": disease, "date": "2025-01-01"}], age=50, sex="male")
        verdict[disease] = check(trial, patient, dt.date(2026, 11, 30), ConceptMatcher()).criteria[0].verdict
    # a melanoma excludes unless a person finds the low-risk prostate cancer the note also lets through
    assert verdict == {"Basal cell carcinoma of skin": "unknown", "Malignant melanoma of skin": "needs_review"}
    assert trial.criteria[1].rule.reason == "permission"  # the note alone asks nothing
    reviews = [leaf for leaf in leaves(trial.criteria[0].rule) if leaf.type == "unstructured"]
    assert [leaf.reason for leaf in reviews] == ["conditional permission"]  # the prostate cancer on its limits


HEPATIC = (
    "Inclusion Criteria:\n"
    "* Adequate hepatic function:\n"
    "  * ALT ≤ 5 x ULN. Note: Patients with hepatic disfunction related to the underling disease can be eligible "
    "even if they do not fulfill the aforementioned values. In these cases, patients need to be discussed with the "
    "sponsor to confirm the eligibility.\n"
)


def test_an_inclusion_that_a_person_may_waive_is_reviewed_not_failed(tagger):
    """NCT05751044 I7.1.3: the hepatic dysfunction it lets through had been required beside the limits."""
    trial = structure_trial(read_text(HEPATIC, "waiver.txt", "waiver"), tagger)
    alt = {"kind": "observation", "text": "Alanine aminotransferase", "value": 300, "unit": "U/L", "reference_high": 40}
    patient = Patient(facts=[{**alt, "date": "2026-11-20"}], age=50, sex="female")
    assert check(trial, patient, dt.date(2026, 11, 30), ConceptMatcher()).criteria[0].verdict == "needs_review"
    normal = Patient(facts=[{**alt, "value": 30, "date": "2026-11-20"}], age=50, sex="female")
    assert check(trial, normal, dt.date(2026, 11, 30), ConceptMatcher()).criteria[0].verdict == "met"


@pytest.mark.parametrize(
    "text",
    [
        # NCT05838768 E5: read as an exception of the therapy from the disease, no record of the disease was
        # ever excepted, and every patient with hepatitis B controlled on tenofovir was excluded
        "Active Hepatitis B Virus (HBV), Hepatitis C Virus (HCV) or Tuberculosis infection. Patients whose disease "
        "is controlled under antiviral therapy should not be excluded.",
        # a bracket that opens with who it allows
        "Known HIV infection (patients with HIV on stable antiretroviral therapy are allowed)",
    ],
)
def test_an_allowance_of_a_state_of_the_disease_is_left_for_a_person(tagger, text):
    facts = [{"kind": "condition", "text": "Chronic hepatitis B", "date": "2020-01-01"}]
    facts += [{"kind": "condition", "text": "HIV infection", "date": "2020-01-01"}]
    assert verdict_of(tagger, "Exclusion", text, facts) in ("unknown", "needs_review")
