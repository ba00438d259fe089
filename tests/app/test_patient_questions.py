"""Questions about a described patient, answered by checking the patient the words describe against
the trial's rules: yes, no or cannot tell, with the deciding criteria cited."""

import pytest

from trialsieve.app.patient_questions import answer_patient, described_patient, patient_question
from trialsieve.match.concepts import ConceptMatcher


@pytest.mark.parametrize(
    ("question", "described", "denied"),
    [
        ("Would a 45-year-old woman with HbA1c 8% be eligible for AMASS?", "a 45-year-old woman with HbA1c 8%", False),
        ("Can a 16-year-old with systemic sclerosis join CARE-SSc?", "a 16-year-old with systemic sclerosis", False),
        ("Patients with HIV are not eligible for the primary trial.", "Patients with HIV", True),
        ("Women with a BMI over 30 are eligible for the secondary trial", "Women with a BMI over 30", False),
        ("Is a pregnant woman excluded from AMASS?", "a pregnant woman", True),
        ("Patients with HIV cannot participate in the primary trial", "Patients with HIV", True),
    ],
)
def test_a_described_patient_is_found_in_questions_and_statements(question, described, denied):
    asked = patient_question(question)
    assert asked is not None and (asked.described, asked.denied) == (described, denied)


@pytest.mark.parametrize(
    "question",
    [
        "What is the minimum age for AMASS?",
        "Which trials exclude pregnant women?",
        "Is AMASS recruiting?",
        "Can men take part in AMASS?",
        "Are healthy volunteers eligible for the study?",
    ],
)
def test_other_questions_are_not_about_a_patient(question):
    assert patient_question(question) is None


@pytest.fixture(scope="module")
def matcher():
    return ConceptMatcher()


def ask(question, structured, tagger, matcher):
    return answer_patient(patient_question(question), structured, "the trial", tagger, matcher)


def test_a_patient_an_exclusion_rules_out_is_a_no_citing_it(amass, tagger, matcher):
    found = ask("Would a pregnant woman with Sjögren's syndrome be eligible for AMASS?", amass, tagger, matcher)
    assert found.verdict == "no" and found.text.startswith("No:")
    assert any(c.label == "Exclusion 4" and "Pregnancy" in c.quote for c in found.citations)


def test_an_age_below_the_minimum_is_a_no(care_ssc, tagger, matcher):
    found = ask("Would a 16-year-old with systemic sclerosis be eligible for CARE-SSc?", care_ssc, tagger, matcher)
    assert found.verdict == "no" and "16" in found.text


def test_what_the_question_leaves_out_is_cannot_tell_not_yes(amass, tagger, matcher):
    found = ask("Would a 40-year-old with Sjögren's syndrome be eligible for AMASS?", amass, tagger, matcher)
    assert found.verdict == "cannot tell" and "Schirmer" in found.text
    assert found.citations and all(c.label.startswith(("Inclusion", "Exclusion", "Registry")) for c in found.citations)


def test_a_range_in_the_description_is_not_read_as_a_value(tagger):
    """ "ANC < 1,700/mm3" could be 500: read as 1,700 it would meet "ANC >= 1,500" for a patient who fails it. It is
    kept as the bound it is, and so is a "between"."""
    patient = described_patient("Patients with ANC < 1,700/mm3 and hemoglobin 9 g/dL", tagger)
    assert [(f.value, f.bound) for f in patient.facts if f.value is not None] == [(1700.0, "<"), (9.0, None)]
    ranged = described_patient("Patients with hemoglobin between 4 to 5 grams per deciliter", tagger)
    assert [(f.text, f.bound, f.value, f.value2, f.unit) for f in ranged.facts if f.value is not None] == [
        ("hemoglobin", "between", 4.0, 5.0, "g/dL")
    ]


def test_a_bound_settles_a_limit_only_when_every_value_it_allows_agrees(tagger, matcher):
    """NLI4CT's lab statements give bounds, in mojibake units ("/mm¬¨‚â•" for "/mm³"): hemoglobin between 4 and 5
    g/dL fails "Hemoglobin >= 9.0 g/dL" whatever its value, so the answer is no; ANC < 1,700 may be 1,600 or 500,
    so on "ANC >= 1,500" alone it cannot tell; platelets over 100,000 meet "Platelet count >= 100,000"."""
    trial = written(
        "Inclusion Criteria:\n* ANC >= 1,500/mm³\n* Platelet count >= 100,000/mm³\n* Hemoglobin >= 9.0 g/dL", tagger
    )
    lab = "Patients with Platelet count over 100,000/mm¬¨‚â•, ANC <  1,700/mm¬¨‚â• and Hemoglobin between {} grams per"
    low = ask(lab.format("4 to 5") + " deciliter are eligible for the primary trial.", trial, tagger, matcher)
    assert low.verdict == "no" and [c.label for c in low.citations] == ["Inclusion 3"]
    unsure = ask(lab.format("11 to 15") + " deciliter are eligible for the primary trial.", trial, tagger, matcher)
    assert unsure.verdict == "cannot tell" and "ANC" in unsure.text
    high = ask("Patients with platelet count over 100,000/mm3 are eligible for the trial.", trial, tagger, matcher)
    assert high.verdict == "yes" and "not checked" in high.text


def test_a_statement_that_denies_eligibility_is_judged_true_or_false(amass, tagger, matcher):
    true = ask("Patients who are pregnant are not eligible for the primary trial.", amass, tagger, matcher)
    assert true.verdict == "yes" and true.text.startswith("The statement is true")


def test_of_the_criteria_left_unsettled_the_answer_quotes_those_nearest_the_question(amass, tagger, matcher):
    """Every criterion a question says nothing about is unsettled; in reading order the quoted ones are rarely
    what the question is about, so a search's order (``nearest``) picks them: a sub-criterion counts for its
    root, a criterion that does not decide (a settled exclusion) is passed over, the rest keep reading order."""
    asked = patient_question("Would a 40-year-old with Sjögren's syndrome be eligible for AMASS?")
    plain = answer_patient(asked, amass, "the trial", tagger, matcher)
    assert [c.label for c in plain.citations] == ["Inclusion 2", "Inclusion 3", "Inclusion 4"]
    found = answer_patient(asked, amass, "the trial", tagger, matcher, nearest=["I4.a", "E2", "I3"])
    assert found.verdict == "cannot tell"
    assert [c.label for c in found.citations] == ["Inclusion 4", "Inclusion 3", "Inclusion 2"]
    quoted = found.text.split("\n", 1)[1]  # the criteria's lines, after the data still needed
    assert quoted.index("NIKBUT") < quoted.index("Schirmer") < quoted.index("OSDI")


def written(text: str, tagger):
    """A trial whose criteria are ``text``, structured as the app structures it."""
    from trialsieve.extract.structure import structure_trial
    from trialsieve.trial import Trial

    return structure_trial(Trial(id="NCT99999999", criteria_text=text, source="test"), tagger)


def test_a_patient_who_may_be_the_criterion_s_exception_is_cannot_tell_not_no(tagger, matcher):
    """ "Other prior malignancies except skin cancer": skin cancer is a malignancy, and read as one it rules the
    patient out; but it is the exception. Sharing only "cancer" with it, ovarian cancer is still ruled out."""
    trial = written("Exclusion Criteria:\n* Other prior malignancies except skin cancer", tagger)
    skin = ask(
        "Patients with a prior malignancy of skin cancer are excluded from the primary trial.", trial, tagger, matcher
    )
    assert skin.verdict == "cannot tell" and "may rule out" in skin.text and skin.citations
    ovarian = ask("Patients with prior ovarian cancer are excluded from the primary trial.", trial, tagger, matcher)
    assert ovarian.verdict == "yes"


def test_a_no_that_rests_only_on_what_the_question_leaves_out_is_not_certain():
    """A criterion that goes against the patient only through presumptions ("docetaxel not in the record:
    presumed absent", as a heading's sub-criteria in a section of unknown kind can) reads the question's silence
    against the patient: no ground for a "no". One that used something the question says (a fact, an age) is."""
    from trialsieve.app.patient_questions import _certain
    from trialsieve.match.check import CriterionVerdict, Report
    from trialsieve.match.verdicts import Evidence

    def report(*evidence: Evidence) -> Report:
        root = CriterionVerdict(id="U3", section="inclusion", text="PRIOR THERAPY:", verdict="not_met", evidence=[])
        child = CriterionVerdict(
            id="U3.1", section="inclusion", text="Prior docetaxel", parent="U3", verdict="not_met", evidence=evidence
        )
        return Report(
            trial_id="NCT99999999",
            patient_id="p",
            as_of="2026-01-01",
            overall="ineligible",
            ruled_out_by=["U3"],
            missing_data=[],
            review=[],
            criteria=[root, child],
        )

    presumed = Evidence(text="docetaxel", verdict="not_met", reason="docetaxel not in the record: presumed absent")
    assert not _certain(report(presumed), "U3", "Patients with hemoglobin 12 g/dL")
    said = Evidence(
        text="docetaxel", verdict="not_met", reason="recorded absent", fact="docetaxel", source="note sentence 0"
    )
    assert _certain(report(presumed, said), "U3", "Patients who never had docetaxel")


def test_a_statement_with_a_condition_of_its_own_gets_no_verdict(amass, tagger, matcher):
    """The check reads the described patient, not "unless they ...": a verdict would answer another statement."""
    plain = ask("Patients who are pregnant are not eligible for the primary trial.", amass, tagger, matcher)
    assert plain.verdict == "yes"
    found = ask(
        "Patients who are pregnant are not eligible for the primary trial, unless they stop breastfeeding.",
        amass,
        tagger,
        matcher,
    )
    assert found.verdict == "cannot tell" and "condition of its own" in found.text


def test_a_count_of_zero_is_an_absence(tagger):
    patient = described_patient("Patients with a nonpalpable breast lesion and 0 palpable axillary lymph nodes", tagger)
    nodes = [f for f in patient.facts if "axillary" in f.text]
    assert nodes and not any(f.present for f in nodes)
    graded = described_patient("Patients with grade 0 neuropathy", tagger)  # a grade, not a count
    assert all("no neuropathy" not in f.text for f in graded.facts)


@pytest.mark.parametrize(
    ("question", "described", "denied"),
    [
        (
            "Adele is an 85 year old woman with Stage II breast cancer with an ECOG of 0, she is eligible for the "
            "primary trial",
            "Adele is an 85 year old woman with Stage II breast cancer with an ECOG of 0",
            False,
        ),
        (
            "Rachel is 19 years old and has skin ulcerations, she cannot take part in the primary trial.",
            "Rachel is 19 years old and has skin ulcerations",
            True,
        ),
        ("Sharone had a hip replacement 3 weeks prior, she is not elgible for the primary trial.", None, True),
        (
            "A patient with severe anginal syndrome would be unable to participate in the primary trial.",
            "A patient with severe anginal syndrome",
            True,
        ),
        ("Candidates with hyperparathyroidism are automatically excluded from the primary trial.", None, True),
        ("Patients with Leukemia cannot be included in the primary trial.", "Patients with Leukemia", True),
        ("Patients with type 1 Diabetes are not suitable for the primary trial.", None, True),
        ("the primary trial does not accept patients with grade 1 alopecia.", "patients with grade 1 alopecia", True),
        ("the primary trial accepts patients with grade 3 neuropathy.", "patients with grade 3 neuropathy", False),
    ],
)
def test_statements_about_a_named_or_described_patient_are_eligibility_questions(question, described, denied):
    """NLI4CT writes eligibility statements many ways: a named patient and a pronoun ("..., she is eligible"),
    "would be unable to participate", "cannot be included", "are not suitable", "the trial does not accept ..."."""
    asked = patient_question(question)
    assert asked is not None and asked.denied == denied
    assert described is None or asked.described == described


def test_a_statement_that_gives_its_own_reason_gets_no_verdict():
    """ "..., as it would prevent follow-up": a check that rules her out on something else would not make it true."""
    said = "A 56 year old patient with a masectomy would not be eligible for the trial"
    asked = patient_question(said + ", as it would prevent prolonged follow-up")
    assert asked is not None and asked.denied and asked.conditional
    assert not patient_question(said).conditional


def test_a_statement_whose_reason_is_the_age_is_judged_by_the_age_alone(tagger, matcher):
    """ "..., due to her age": the age is checked alone. Admitted by the criteria on age, the reason is false,
    whatever else rules the patient out (here the mastectomy); below the minimum, it is true."""
    trial = written("Inclusion Criteria:\n* Female, age 18 or older\n* Intact breast (not surgically absent)", tagger)
    said = "A {} year old patient with a masectomy would not be eligible for the primary trial, due to her age."
    asked = patient_question(said.format(56))
    assert asked is not None and asked.by_age and not asked.conditional
    older = ask(said.format(56), trial, tagger, matcher)
    assert older.verdict == "no" and older.citations[0].label == "Inclusion 1"
    assert ask(said.format(16), trial, tagger, matcher).verdict == "yes"
    unless = said.format(56).replace(", due", ", unless she consents, due")  # a condition of its own besides
    assert patient_question(unless).conditional
    eligible = "A 56 year old patient is eligible for the primary trial because of her age."
    assert ask(eligible, trial, tagger, matcher).verdict == "cannot tell"  # the age admitted says nothing else
    no_age = "Patients with a masectomy would not be eligible for the primary trial, due to their age."
    assert ask(no_age, trial, tagger, matcher).verdict == "cannot tell"


def test_a_single_value_in_the_description_is_read_and_a_scale_needs_no_unit(tagger):
    """ "Karnofsky index = 72" is one value, not a range; "an ECOG of 3" is a score though it has no unit."""
    patient = described_patient("Patients with Karnofsky index = 72 and an ECOG of 3", tagger)
    values = sorted((f.value, f.unit) for f in patient.facts if f.value is not None)
    assert values == [(3.0, "{score}"), (72.0, "{score}")]


def test_an_ecog_above_the_limit_is_a_no_citing_it(tagger, matcher):
    trial = written("Inclusion Criteria:\n* ECOG performance status 0-1", tagger)
    found = ask("Patients with an ECOG of 3 are eligible for the primary trial.", trial, tagger, matcher)
    assert found.verdict == "no" and any(c.label == "Inclusion 1" for c in found.citations)


def test_the_disease_an_inclusion_asks_for_does_not_rule_the_patient_out(tagger, matcher):
    """ "Prior history of ipsilateral breast cancer" matches a patient "with invasive breast cancer", but the trial
    asks for that very disease: the exclusion is about a kind of it (an earlier one) the statement does not say,
    so it is no ground for a "no". A concept no inclusion asks for still is."""
    trial = written(
        "Inclusion Criteria:\n* Biopsy-proven invasive breast cancer\n"
        "Exclusion Criteria:\n* Prior history of ipsilateral breast cancer\n* Pregnancy",
        tagger,
    )
    own = ask("Patients with invasive breast cancer are not eligible for the primary trial.", trial, tagger, matcher)
    assert own.verdict == "cannot tell"
    pregnant = ask("Patients who are pregnant are not eligible for the primary trial.", trial, tagger, matcher)
    assert pregnant.verdict == "yes"


def test_an_inclusion_that_asks_for_absence_rules_out_what_the_question_says(tagger, matcher):
    """ "No prior radiotherapy or mastectomy" is not(any(...)): the mastectomy the statement names is met under the
    `not`, and that is what rules the patient out, so the "no" is certain and cites it, with the mastectomy as the
    reason (not "radiotherapy not in the record")."""
    trial = written("Inclusion Criteria:\n* No prior radiotherapy or mastectomy\n* Female", tagger)
    found = ask("Patients with a prior mastectomy are not eligible for the primary trial.", trial, tagger, matcher)
    assert found.verdict == "yes" and "mastectomy" in found.text.split("Inclusion 1")[1].split("\n")[0].lower()
    assert "radiotherapy not in the record" not in found.text


def test_what_another_item_under_a_heading_asks_for_does_not_rule_out(tagger, matcher):
    """Under a heading ("DISEASE CHARACTERISTICS:") every item is one family; an item that asks for the surgery
    ("... since completion of therapy, including mastectomy") still makes "No prior mastectomy" (of the other
    breast, as such trials mean it) no ground for a "no"."""
    trial = written(
        "DISEASE CHARACTERISTICS:\n* At least 3 months since completion of all local therapy, including mastectomy\n"
        "* No prior radiotherapy or mastectomy",
        tagger,
    )
    found = ask("Patients with a prior mastectomy are not eligible for the primary trial.", trial, tagger, matcher)
    assert found.verdict == "cannot tell"


def test_a_value_that_meets_a_criterion_by_its_name_alone_is_no_yes(tagger, matcher):
    """A score whose listed values skip a step ("0 or 2") is no limit the grammar reads: met by the name alone
    it would take any ECOG, 3 too, and a "yes" would send a coordinator after a patient the limit rules out. The
    criterion is a review of the limit not read (``extract/unread_limits.py``), so the answer is "cannot tell",
    citing it. Listed consecutive values are a limit ("0 or 1": ``extract/scales.py``), and settle it."""
    question = "Patients with an ECOG performance status of 3 are eligible for the trial."
    trial = written("Inclusion Criteria:\n* ECOG performance status of 0 or 2", tagger)
    found = ask(question, trial, tagger, matcher)
    assert found.verdict == "cannot tell" and "a limit not read" in found.text
    assert [c.label for c in found.citations] == ["Inclusion 1"]
    listed = ask(question, written("Inclusion Criteria:\n* ECOG performance status of 0 or 1", tagger), tagger, matcher)
    assert listed.verdict == "no" and [c.label for c in listed.citations][:1] == ["Inclusion 1"]


@pytest.mark.parametrize(
    ("question", "described", "denied"),
    [
        (
            "Prior use of Anthracycline drugs for anticancer therapy is prohibted for patients in the primary trial.",
            "Prior use of Anthracycline drugs for anticancer therapy",
            True,
        ),
        (
            "Scheduled flap reconstruction within 10 days prior to beginning is acceptable for patients entering the "
            "primary trial.",
            "Scheduled flap reconstruction within 10 days prior to beginning",
            False,
        ),
        (
            "Breast implants and Diffuse microcalcifications will not disqualify a patient from entry to the primary "
            "trial.",
            "Breast implants and Diffuse microcalcifications",
            False,
        ),
        ("Orange juice is banned for patients undertaking the primary trial.", "Orange juice", True),
        (
            "Sarah has been experiencing epileptic seizures from a brain tumor. This will not prevent her from "
            "participating in the primary trial.",
            "Sarah has been experiencing epileptic seizures from a brain tumor",
            False,
        ),
        (
            "Clinically depressed patients are not able to participate in the primary trial.",
            "Clinically depressed patients",
            True,
        ),
        (
            "Patients currently prescribed laxatives are not excluded from the primary trial.",
            "Patients currently prescribed laxatives",
            False,
        ),
        (
            "Patients with Extracranial metastases are still permited to enter in the primary trial.",
            "Patients with Extracranial metastases",
            False,
        ),
        (
            "Presence of Extracranial metastases is part of the exclusion critera for the primary trial.",
            "Presence of Extracranial metastases",
            True,
        ),
        (
            "T2 N1 M0 adenocarcinoma of the breast are eligible for the primary trial.",
            "T2 N1 M0 adenocarcinoma of the breast",
            False,
        ),
        ("Stage IV breast cancer is not eligible for the secondary trial", "Stage IV breast cancer", True),
    ],
)
def test_what_a_patient_has_may_be_named_without_the_patient(question, described, denied):
    """ "X is prohibited / acceptable / will not disqualify a patient": the statement is about patients with X. A
    population may open with its own words ("Clinically depressed patients"); a patient described in a sentence of
    her own may be judged in the next ("This excludes her from participating")."""
    asked = patient_question(question)
    assert asked is not None and (asked.described, asked.denied) == (described, denied)


@pytest.mark.parametrize(
    "question",
    [
        "Prior axillary surgery, axillary radiation, breast cancer and breast radiation are not permitted for entry to "
        "the primary trial.",  # each is excluded, says the statement; the check of a patient with all says if any is
        "Only Black women are eligible for the primary trial.",  # "only": not a statement about Black women alone
        "Men are not eligible for the primary trial.",  # who the trial takes, not a patient
        "Males are ineligible for the primary trial.",
        "All patients are eligible for the primary trial.",
        "There are patients with HIV who are eligible for the primary trial.",  # a claim about some, not all
        "Breast cancer, after surgery, is eligible for the primary trial.",  # no list or clause: a plain subject
        "Stage IV breast cancer is eligible for the primary trial unless it relapses.",  # no more than eligibility
        "Pregnancy, lactation or HIV are part of the exclusion criteria for the primary trial.",  # a list: each one
    ],
)
def test_a_list_prohibited_or_an_only_is_not_read_as_one_patient(question):
    assert patient_question(question) is None


def test_a_prohibition_is_judged_as_the_patient_it_names(tagger, matcher):
    """NCT00149214 excludes "Prior anthracyclines as part of prior anticancer therapy.": the statement that their
    prior use is prohibited is true; that it is acceptable, false."""
    trial = written("Exclusion Criteria:\n* Prior anthracyclines as part of prior anticancer therapy.", tagger)
    prohibited = (
        "Prior use of Anthracycline drugs for anticancer therapy is prohibted for patients in the primary trial."
    )
    assert ask(prohibited, trial, tagger, matcher).verdict == "yes"
    acceptable = "Prior use of Anthracycline drugs is acceptable for patients entering the primary trial."
    assert ask(acceptable, trial, tagger, matcher).verdict == "no"


def test_a_place_among_the_exclusions_is_judged_as_the_patient_it_names(tagger, matcher):
    """NLI4CT, NCT00617539: "Presence of Extracranial metastases is part of the exclusion critera for the primary
    trial." (Contradiction): the trial allows them; for one that excludes them it is true."""
    statement = "Presence of Extracranial metastases is part of the exclusion critera for the primary trial."
    allowed = written("Exclusion Criteria:\n* Brain metastases\n* Extracranial metastases allowed", tagger)
    assert ask(statement, allowed, tagger, matcher).verdict == "no"
    excluded = written("Exclusion Criteria:\n* Extracranial metastases", tagger)
    assert ask(statement, excluded, tagger, matcher).verdict == "yes"


def test_a_claim_about_another_trial_beside_it_is_a_condition_of_its_own():
    asked = patient_question(
        "histologically confirmed invasive ductal breast cancer would result in exclusion from the primary trial, "
        "but not from the secondary trial."
    )
    assert asked is not None and asked.denied and asked.conditional


def test_an_ecog_grade_written_out_is_read_as_the_grade(tagger, matcher):
    """ "ambulatory and capable of all selfcare but unable to carry out any work activities" is the definition of
    ECOG 2, "fully active, able to carry on all pre-disease performance without restriction" that of ECOG 0."""
    trial = written(
        "Inclusion Criteria:\n* Eastern Cooperative Oncology Group (ECOG) performance status of 0-1.", tagger
    )
    two = "Patients that are ambulatory and capable of all selfcare but unable to carry out any work activities"
    assert [(f.text, f.value) for f in described_patient(two, tagger).facts if f.value is not None] == [("ECOG", 2)]
    assert ask(two + " are excluded from the primary trial.", trial, tagger, matcher).verdict == "yes"
    zero = "Patients that are fully active and able to carry on all pre-disease performance without restriction"
    assert ask(zero + " are excluded from the primary trial.", trial, tagger, matcher).verdict == "no"
    assert (
        ask("Patients that are fully active are eligible for the primary trial.", trial, tagger, matcher).verdict
        == "yes"
    )
    active = described_patient("Patients with active brain metastases", tagger)  # "active" alone is no grade
    assert all(f.value is None for f in active.facts)


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        # issue 21: the tagger named only "surgery", which neither meets nor rules out "major surgery"
        ("Patients who had major surgery in the last two weeks are eligible for the primary trial.", "no"),
        # major by definition: a hip replacement 10 days ago is the recent major surgery
        ("A patient who had a hip replacement 10 days ago would be excluded from the primary trial.", "yes"),
        # it may have been laparoscopic: its size unsaid, it settles nothing
        ("A patient who had an appendectomy 10 days ago would be excluded from the primary trial.", "cannot tell"),
    ],
)
def test_a_named_operation_is_judged_against_major_surgery(tagger, matcher, question, verdict):
    trial = written("Exclusion Criteria:\n* Major surgery within 2 weeks before study entry", tagger)
    assert ask(question, trial, tagger, matcher).verdict == verdict


def test_the_pronoun_for_the_patient_gives_their_sex(tagger, matcher):
    """Issue 21: "Mark ..., he is eligible" describes a man, though the description names no sex."""
    trial = written("Inclusion Criteria:\n* Women aged > 18 years\n* Breast cancer", tagger)
    asked = patient_question("Mark has breast cancer, he is eligible for the primary trial.")
    assert asked is not None and asked.sex == "male"
    assert ask("Mark has breast cancer, he is eligible for the primary trial.", trial, tagger, matcher).verdict == "no"
    she = ask("Sarah has breast cancer, she is eligible for the primary trial.", trial, tagger, matcher)
    assert she.verdict != "no"


def test_a_status_written_with_the_trials_own_disease_does_not_make_it_another(tagger, matcher):
    """NCT00030823: read with its status, "triple negative breast cancer" was no longer the breast cancer an inclusion
    asks for, and "No other active cancer" ruled it out; the disease is the same, whatever its status."""
    trial = written(
        "DISEASE CHARACTERISTICS:\n* Diagnosis of breast cancer at high risk for recurrence\n"
        "PATIENT CHARACTERISTICS:\n* Other:\n* No other active cancer except basal cell or squamous cell skin cancer",
        tagger,
    )
    statement = "Patients with triple negative breast cancer are not eligible for the primary trial."
    assert ask(statement, trial, tagger, matcher).verdict == "cannot tell"
