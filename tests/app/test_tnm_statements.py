"""Statements about patients with a TNM stage, judged on the stages the trial's criteria take or rule out: the
statements are NLI4CT's (train part) or written beside them, the criterion lines are those trials' own."""

from trialsieve.app.tnm_statements import judge_tnm, stated_stages

#: NCT01097642, cut to the lines the tests read
COMBINED = """Inclusion Criteria:
* Patients with histologic confirmation of invasive breast carcinoma.
* Patients should have T1N1-3M0 or T2-4 N0-3M0.
* Patients with bilateral breast cancer are eligible.
Exclusion Criteria:
* Patients with Inflammatory breast cancer (IBC) are excluded.
"""
#: NCT00633750, cut to the lines the tests read: an inclusion of stages, a term defined under the exclusions (it
#: excludes only with a planned therapy), and a note that admits some T3 patients
DEFINED = """Inclusion Criteria:
* Clinical stage I or II (T1 or T2, N0 or N1) invasive mammary carcinoma
Exclusion Criteria:
* Patients with locally advanced disease who are planning to undergo preoperative neoadjuvant therapy are not eligible*
* Locally advanced disease includes any of the following:
* Primary tumor  5 cm (T3)
* Fixed axillary lymph node metastases (N2)
* Metastasis to ipsilateral internal mammary node (N3) NOTE: *Patients with primary tumors  5 cm (T3) or tumors \
involving the chest wall or skin who are not candidates for preoperative chemotherapy are eligible
"""
#: NCT00005957: an inclusion that rules stages out
NEGATED = """DISEASE CHARACTERISTICS:
* Histologically proven invasive carcinoma of the breast
* No evidence of T4, N2-3, or M1 disease prior to surgery
"""


def written(text: str, tagger):
    from trialsieve.extract.structure import structure_trial
    from trialsieve.trial import Trial

    return structure_trial(Trial(id="NCT99999999", criteria_text=text, source="test"), tagger)


def test_stages_are_read_written_apart_together_and_as_ranges():
    assert stated_stages("Patients with T1N2M0, T2N1M0 and TxN1M0 tumors") == [
        {"T": {1}, "N": {2}, "M": {0}},
        {"T": {2}, "N": {1}, "M": {0}},
        {"T": None, "N": {1}, "M": {0}},
    ]
    assert stated_stages("T2-4 N0-3M0") == [{"T": {2, 3, 4}, "N": {0, 1, 2, 3}, "M": {0}}]
    assert stated_stages("pT2N1aM0") == [{"T": {2}, "N": {1}, "M": {0}}]
    assert stated_stages("a history of H1N1 influenza") == []


def test_a_stage_outside_what_the_inclusion_takes_is_ruled_out(tagger):
    """NLI4CT: "Adult Patients with histologic confirmation of invasive bilateral breast carcinoma (T1 N1 M1) are
    eligible for the primary trial." (Contradiction): the trial takes M0 only. T3 N1 M0 is taken by the stages,
    but a stage is not all a trial asks: that is not said."""
    trial = written(COMBINED, tagger)
    stated = "Adult Patients with histologic confirmation of invasive bilateral breast carcinoma (T1 N1 M1)"
    judged = judge_tnm(stated, "admitted", trial)
    assert judged.verdict == "no"
    assert judged.parts[0].criteria == ("I2",)
    assert judge_tnm(stated, "excluded", trial).verdict == "yes"
    assert judge_tnm(stated.replace("T1 N1 M1", "T3 N1 M0"), "admitted", trial).verdict == "cannot tell"


def test_a_defined_term_rules_nothing_out_and_a_note_makes_stages_unsure(tagger):
    """NLI4CT: "Patients with Clinical stage II (T2 N2) invasive mammary carcinoma are not eligible for the primary
    trial." (Entailment): the inclusion takes N0 or N1 only; "Fixed axillary lymph node metastases (N2)" only
    defines locally advanced disease and is not what decides. T3, which a note admits for some, is not said to
    be ruled out."""
    trial = written(DEFINED, tagger)
    judged = judge_tnm("Patients with Clinical stage II (T2 N2) invasive mammary carcinoma", "excluded", trial)
    assert judged.verdict == "yes"
    assert judged.parts[0].criteria == ("I1",)
    assert judge_tnm("Patients with T3 N0 tumors", "excluded", trial).verdict == "cannot tell"


def test_a_negated_inclusion_rules_its_stages_out(tagger):
    """NLI4CT: "T4 N3 M0 adenocarcinoma of the breast are eligible ..." (Contradiction) against "No evidence of T4,
    N2-3, or M1 disease"; a statement with a negation of its own is not judged."""
    trial = written(NEGATED, tagger)
    assert judge_tnm("Patients with T4 N3 M0 adenocarcinoma of the breast", "admitted", trial).verdict == "no"
    assert judge_tnm("Patients with T2 N1 M0 adenocarcinoma of the breast", "admitted", trial).verdict == (
        "cannot tell"
    )
    assert judge_tnm("Patients without T4 disease", "admitted", trial).verdict == "cannot tell"
