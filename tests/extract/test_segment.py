import re

from trialsieve.extract import context
from trialsieve.extract.ingest import read_text
from trialsieve.extract.segment import is_cohort, is_heading, readable, segment
from trialsieve.extract.structure import structure_trial
from trialsieve.rules import leaves


def ids(text):
    return [(c.id, c.parent, c.section) for c in segment(text)]


def test_ctgov_bullets_with_sub_bullets():
    text = (
        "Inclusion Criteria:\n\n* Age >= 18\n* One of the following:\n\n  * diabetes\n  * obesity\n\n"
        "Exclusion Criteria:\n\n* Pregnancy\n"
    )
    assert ids(text) == [
        ("I1", None, "inclusion"),
        ("I2", None, "inclusion"),
        ("I2.1", "I2", "inclusion"),
        ("I2.2", "I2", "inclusion"),
        ("E1", None, "exclusion"),
    ]


def test_numbers_letters_and_romans():
    text = "Inclusion Criteria:\n1. Severe disease defined as:\n   a) FEV1 < 50%\n   b) DLCO < 40%\n2. Age > 18\n"
    assert ids(text) == [
        ("I1", None, "inclusion"),
        ("I1.a", "I1", "inclusion"),
        ("I1.b", "I1", "inclusion"),
        ("I2", None, "inclusion"),
    ]


def test_inline_enumeration_nests_by_position():
    text = "Inclusion Criteria:\n1. Either:\n   i) A > 1, or ii) B > 2 with at least one of: a) C; b) D; c) E\n"
    assert ids(text) == [
        ("I1", None, "inclusion"),
        ("I1.i", "I1", "inclusion"),
        ("I1.ii", "I1", "inclusion"),
        ("I1.ii.a", "I1.ii", "inclusion"),
        ("I1.ii.b", "I1.ii", "inclusion"),
        ("I1.ii.c", "I1.ii", "inclusion"),
    ]


def test_continuation_lines_join_their_criterion():
    text = "Exclusion Criteria:\n- Known allergy to\n  the study drug\n- Pregnancy\n"
    criteria = segment(text)
    assert [c.text for c in criteria] == ["Known allergy to\n  the study drug", "Pregnancy"]


def test_header_with_text_on_the_same_line_and_plain_paragraphs():
    text = "Inclusion Criteria: adults with asthma\n\nExclusion Criteria: smokers\n"
    assert [(c.id, c.text) for c in segment(text)] == [("I1", "adults with asthma"), ("E1", "smokers")]


def test_text_without_headers_is_unknown_section():
    assert ids("- Age > 18\n- BMI < 30\n") == [("U1", None, "unknown"), ("U2", None, "unknown")]


def test_offsets_index_the_text():
    text = "Inclusion Criteria:\n\n  1. Age ≥ 18\n  2. Signed consent\n"
    for c in segment(text):
        assert text[c.start : c.end] == c.text


def test_empty_text():
    assert segment("") == []


def test_registry_text_with_dotted_inline_markers_and_stray_lines():
    text = (
        "Inclusion criteria:\n\n Adults with malaria as shown by both of the following: a.) smear positive "
        "b.) fever\n\nExclusion criteria:\n: \n\n Severe malaria\n"
    )
    assert ids(text) == [
        ("I1", None, "inclusion"),
        ("I1.a", "I1", "inclusion"),
        ("I1.b", "I1", "inclusion"),
        ("E1", None, "exclusion"),
    ]
    assert segment(text)[-1].text == "Severe malaria"


# Real registry text. ClinicalTrials.gov records (National Library of Medicine), quoted as the registry's API v2
# gives them, with each record's last update; "via NLI4CT": the record as the NLI4CT release (SemEval-2023 Task 7)
# gives it, its list markers dropped or turned into "* ".


def tree(text):
    return [(c.id, c.parent, c.text) for c in segment(text)]


def uncovered(text, criteria):
    """What no criterion, list marker or section header accounts for."""
    chars = list(text)
    for c in criteria:
        chars[c.start : c.end] = " " * (c.end - c.start)
        if c.marker:
            at = text.rfind(c.marker, 0, c.start)
            chars[at : at + len(c.marker)] = " " * len(c.marker)
    rest = re.sub(r"(?im)^\s*(?:[*•-]\s+)?(?:inclusion|exclusion) criteria\s*:?", "", "".join(chars))
    return rest.split()


def test_lines_without_markers_are_criteria_unless_a_sentence_goes_on():
    # NCT00756717 via NLI4CT: one criterion a line; "... OR" goes on, a lower-case list item does not.
    text = (
        "Inclusion Criteria:\n  platelets >100,000/μL\n"
        "  total bilirubin 1.5 x the institutional upper limit of normal\n"
        "  AST(SGOT)/ALT(SGPT) <2 X institutional upper limit of normal\n"
        "  creatinine within normal institutional limits OR\n"
        "  creatinine clearance >60 mL/min/1.73 m2 for patients with creatinine levels above institutional normal\n"
        "Exclusion Criteria:\n  HIV infection, preexisting neuropathy,\n  pregnancy or breast feeding.\n"  # NCT01091168
    )
    assert [c.text for c in segment(text)] == [
        "platelets >100,000/μL",
        "total bilirubin 1.5 x the institutional upper limit of normal",
        "AST(SGOT)/ALT(SGPT) <2 X institutional upper limit of normal",
        "creatinine within normal institutional limits OR\n  creatinine clearance >60 mL/min/1.73 m2 for patients with "
        "creatinine levels above institutional normal",
        "HIV infection, preexisting neuropathy,\n  pregnancy or breast feeding.",
    ]


def test_lines_under_a_heading_at_the_margin_are_its_items():
    # NCT00662129 via NLI4CT
    text = (
        "DISEASE CHARACTERISTICS:\n  Histologically or cytologically confirmed infiltrating breast cancer\n"
        "  Clinical evidence of metastatic disease\n"
        "  Measurable disease, defined as at least one measurable lesion per RECIST criteria\n"
        "  PATIENT CHARACTERISTICS:\n  Menopausal status not specified\n"
    )
    assert [(i, p) for i, p, _ in tree(text)] == [
        ("U1", None),
        ("U1.1", "U1"),
        ("U1.2", "U1"),
        ("U1.3", "U1"),
        ("U2", None),
        ("U2.1", "U2"),
    ]


def test_inline_numbers_split_when_they_run_in_sequence():
    # NCT02390960, last updated 2017-10-12
    text = (
        "Exclusion Criteria:\n\n5. Subject has an active ulcer or clinically significant bleeding disorder. "
        "6. Subject has a history of myocardial infarction, stroke, or life-threatening arrhythmia within 6 months "
        "prior to Visit 1; a history of coronary disease causing angina; or congestive heart failure requiring "
        "medical intervention.\n\n7. Subject has uncontrolled hypertension or untreated hypertension. 8. Subject has "
        "a history of orthostatic hypotension or orthostatic hypotension."
    )
    criteria = segment(text)
    assert [c.marker for c in criteria] == ["5.", "6.", "7.", "8."]
    assert criteria[0].text == "Subject has an active ulcer or clinically significant bleeding disorder."
    # NCT03518983 (2022-05-05), NCT05832827 (2023-04-27): "2 - 5." and "0 to 1." end a value, not an item
    text = (
        "Inclusion Criteria:\n\n11. At Visit 2, IIEF-EF score 11 - 16.\n\n"
        "13. At Visit 2, IIEF Q3 score 2 - 5. 14. At Visit 2, IIEF Q4 score 1 - 3.\n\n"
        "12. Have an Eastern Cooperative Oncology Group (ECOG) performance status of 0 to 1. Evaluation of ECOG is to "
        "be performed within 14 days before registration."
    )
    criteria = segment(text)
    assert [c.marker for c in criteria] == ["11.", "13.", "14.", "12."]
    assert criteria[1].text == "At Visit 2, IIEF Q3 score 2 - 5."
    assert criteria[3].text.endswith(
        "0 to 1. Evaluation of ECOG is to be performed within 14 days before registration."
    )


def test_numbering_inside_a_bullet_goes_on_across_lines():
    # NCT05787769, last updated 2023-03-28: "* 1) ... 2) ..." then "3) ..., 4) ..." on the next paragraph
    text = (
        "Inclusion Criteria:\n\n* 1) Signed an ethics committee-reviewed and approved informed consent form. "
        "2) Subjects must meet all inclusion criteria to be eligible for study enrollment.\n\n"
        "  3) Men between 30 and 75 years old, 4) Sexually active in a stable, heterosexual relationship of at least "
        "six months duration.\n"
    )
    criteria = segment(text)
    assert [(c.id, c.parent, c.marker) for c in criteria] == [
        ("I1", None, "* 1)"),
        ("I2", None, "2)"),
        ("I3", None, "3)"),
        ("I4", None, "4)"),
    ]
    assert criteria[2].text == "Men between 30 and 75 years old,"
    assert uncovered(text, criteria) == []


def test_sub_headings_head_the_items_flattened_after_them():
    # NCT05847673, last updated 2024-07-19
    text = (
        "Inclusion Criteria:\n\n* DEMOGRAPHIC CRITERIA:\n* Participants must self-identify being between 18 and 30 "
        "years of age\n* Participants must currently reside in the United States, with a United States (US) mailing "
        "address, and anticipate remaining in the US for the duration of the study (3 months)\n* SMOKING CRITERIA:\n"
        "* Participants must self-report smoking at least 1 cigarette per day in the 30 days prior to screening\n"
        "* TREATMENT ACCESSIBILITY:\n* Participants must self-report having at least weekly Internet access for the "
        "next three months\n* Participants must self-report current use of a personal email account\n"
    )
    criteria = segment(text)
    assert [(c.id, c.parent) for c in criteria] == [
        ("I1", None),
        ("I1.1", "I1"),
        ("I1.2", "I1"),
        ("I2", None),
        ("I2.1", "I2"),
        ("I3", None),
        ("I3.1", "I3"),
        ("I3.2", "I3"),
    ]
    assert [c.id for c in criteria if is_heading(c.text)] == ["I1", "I2", "I3"]


def test_nci_pdq_headings_nest_by_rank():
    # NCT00004092 via NLI4CT, which flattened every line to "* "
    text = (
        "DISEASE CHARACTERISTICS:\n* Stage II with at least 10 positive axillary nodes OR\n* Stage IIIA or IIIB\n"
        "* Hormone receptor status:\n* Hormone receptor status known\n* PATIENT CHARACTERISTICS:\n* Age:\n"
        "* Physiological age 60 or under\n* Menopausal status:\n* Not specified\nPerformance status:\n"
        "* Karnofsky 80-100%\n"
    )
    assert [(i, p, t) for i, p, t in tree(text) if is_heading(t)] == [
        ("U1", None, "DISEASE CHARACTERISTICS:"),
        ("U1.3", "U1", "Hormone receptor status:"),
        ("U2", None, "PATIENT CHARACTERISTICS:"),
        ("U2.1", "U2", "Age:"),
        ("U2.2", "U2", "Menopausal status:"),
        ("U2.3", "U2", "Performance status:"),
    ]
    assert ("U2.3.1", "U2.3", "Karnofsky 80-100%") in tree(text)


def test_a_heading_parent_is_all_of_its_items_and_asks_nothing_itself():
    from trialsieve.extract.structure import structure_criteria

    # NCT05847673, last updated 2024-07-19
    text = (
        "Inclusion Criteria:\n\n* TREATMENT ACCESSIBILITY:\n* Participants must self-report having at least weekly "
        "Internet access for the next three months\n* Participants must self-report current use of a personal email "
        "account\n"
    )
    heading = structure_criteria(segment(text))[0]
    assert heading.rule.type == "all" and len(heading.rule.args) == 2
    concepts = [leaf.concept.text for leaf in leaves(heading.rule) if leaf.type == "presence"]
    assert not any("ACCESSIBILITY" in concept for concept in concepts)


def test_a_line_naming_a_part_of_the_record_is_a_heading_that_asks_nothing():
    from trialsieve.extract.structure import structure_criteria

    # NCT01348880 (2011-05-05): the heading has no colon, and the criteria after it are its siblings
    text = (
        "Exclusion Criteria:\n\n* Medical and surgical history\n* Known left ventricular outflow syndrome (LVO)\n"
        "* Prior/Concomitant Therapy\n"
    )
    criteria = structure_criteria(segment(text))
    assert [c.rule.type == "any" and not c.rule.args for c in criteria] == [True, False, True]
    assert all(
        is_heading(t) for t in ("Previous or current Medical Conditions", "Past medical history", "Medical history:")
    )
    # NCT05879653 (2025): the heading is indented under the criterion before it, and asks nothing of it
    text = (
        "Exclusion Criteria:\n\n6. Has a history of radiation therapy to the pelvic region for any reason.\n\n"
        "   Prior/Concomitant Therapy\n7. Has received prior pelvic radiation therapy.\n"
    )
    radiation = structure_criteria(segment(text))[0]
    assert radiation.rule.type == "presence" and radiation.rule.concept.text.startswith("radiation therapy")
    # a time alone, a procedure, or a history of something named stays a criterion
    assert not any(is_heading(t) for t in ("Prior therapy", "Surgical procedures", "Medical history of diabetes"))


def test_a_line_announcing_a_list_takes_the_separate_bullets_after_it():
    # NCT01252810, last updated 2018-08-29
    text = (
        "Inclusion Criteria:\n\n* The subject has at least one of the following comorbidities:\n"
        "* 1) Chronic renal insufficiency, (eGFR \\<60 but 15 mL/min/1.73 m2 according to the MDRD equation) as "
        "measured within 2 weeks or at the screening visit;\n* 2) DM diagnosed greater than 6 months prior to study "
        "entry and which requires either insulin or anti-hyperglycemic drug therapy;\n* 3) CHF (NYHA) class III or "
        "greater measured within 2 weeks of enrollment or at the screening visit.\n\nExclusion Criteria:\n\n"
        # NCT02856893, last updated 2025-10-31
        "* Any of the following cardiac criteria:\n* Mean resting corrected QT interval (QTc) \\>470 msec, obtained "
        "from 3 ECGs using local clinic ECG machine-derived QTcF value\n* Abnormal cardiac function: LVEF \\< 50% "
        "(assessed by MUGA or ECHO)\n"
    )
    criteria = segment(text)
    assert [(c.id, c.parent, c.marker) for c in criteria] == [
        ("I1", None, "*"),
        ("I1.1", "I1", "* 1)"),
        ("I1.2", "I1", "* 2)"),
        ("I1.3", "I1", "* 3)"),
        ("E1", None, "*"),
        ("E1.1", "E1", "*"),
        ("E1.2", "E1", "*"),
    ]
    assert context.group_cue(criteria[0].text)[:2] == ("at_least", 1)
    assert context.group_cue(criteria[4].text)[:2] == ("any", 1)


def test_cohorts_head_their_criteria():
    # NCT04728893, last updated 2023-11-06
    text = (
        "Inclusion Criteria:\n\nPart 1 and Part 2 (Cohorts A to C)\n\n* Has a confirmed diagnosis of CLL/SLL with\n\n"
        "  * At least 2 lines of prior therapy (Part 1 only)\n"
        "  * Part 2 Cohort B: CLL/SLL participants who are relapsed or refractory following at least 1 line of prior "
        "therapy and are BTKi treatment naive\n"
        "* Has active disease for CLL/SLL clearly documented to initiate therapy\n\nPart 2 (Cohorts D to G)\n\n"
        "* Have measurable disease defined as at least 1 lesion that can be accurately measured in at least 2 "
        "perpendicular dimensions\n"
    )
    criteria = segment(text)
    assert [(c.id, c.parent) for c in criteria] == [
        ("I1", None),
        ("I1.1", "I1"),
        ("I1.1.1", "I1.1"),
        ("I1.1.2", "I1.1"),
        ("I1.2", "I1"),
        ("I2", None),
        ("I2.1", "I2"),
    ]
    assert [is_cohort(c.text) for c in criteria] == [True, False, False, True, False, True, False]
    assert is_heading(criteria[0].text) and not is_heading(criteria[3].text)  # "Part 2 Cohort B: ..." asks things
    # NCT03102398 (2017-11-22): bulleted phases; NCT05907980 (2023-06-18): a bracketed part; shared parts are no cohort
    assert all(is_cohort(t) and is_heading(t) for t in ("Phase I", "Phase IIa", "\\[Expansion Part\\]", "Group 1:"))
    shared = "For Both Dose Escalation and Expansion"
    assert is_heading(shared) and not is_cohort(shared)
    assert not is_heading("Stage IV disease") and not is_cohort("Arm weakness")


def test_no_text_is_lost():
    # NCT00416572 via NLI4CT: the header's parenthesis labels the section
    text = (
        "INCLUSION CRITERIA (Disease Characteristics):\n* Diagnosis of breast cancer\n* Stage I or II disease\n"
        "* INCLUSION CRITERIA (Patient Characteristics):\n* Female patients only\n"
    )
    criteria = segment(text)
    assert [(c.id, c.parent, c.text) for c in criteria] == [
        ("I1", None, "(Disease Characteristics):"),
        ("I1.1", "I1", "Diagnosis of breast cancer"),
        ("I1.2", "I1", "Stage I or II disease"),
        ("I2", None, "(Patient Characteristics):"),
        ("I2.1", "I2", "Female patients only"),
    ]
    assert uncovered(text, criteria) == []


def test_markdown_escapes_keep_offsets_and_read_as_written():
    from trialsieve.extract.structure import structure_text

    # NCT04265963 (2023-04-18), NCT04870190 (2021-05-03): "\>" in a limit, "3\." as a list marker
    text = "Inclusion Criteria:\n4. KPS\\>60;\n\n3\\. Progressed after receiving first or second generation EGFR-TKI"
    criteria = segment(text)
    assert [(c.marker, c.text) for c in criteria] == [
        ("4.", "KPS\\>60;"),
        ("3\\.", "Progressed after receiving first or second generation EGFR-TKI"),
    ]
    assert all(text[c.start : c.end] == c.text for c in criteria)
    # NCT03102398, last updated 2017-11-22: "25\~30" is a range once read, at the same offsets
    written = "With Erectile Function domain of the IIEF score of 25\\~30"
    read = readable(written)
    assert len(read) == len(written) and "\\" not in read
    (limit,) = [leaf for leaf in leaves(structure_text(read).rule) if leaf.type == "comparison"]
    assert (limit.operator, limit.value, limit.value2) == ("between", 25, 30)
    assert written[limit.span[0] : limit.span[1]].endswith("25\\~30")


def test_items_pasted_under_a_first_item_with_its_own_bullet_are_its_siblings():
    # as ClinicalTrials.gov renders a list pasted from a word processor (NCT06059833)
    text = (
        "Exclusion Criteria:\n\n* • Renal failure patients.\n\n  * Type I DM patients.\n  * Acute pancreatitis.\n"
        "  * Patients on Mg supplement.\n"
    )
    found = [(c.id, c.parent, c.text) for c in segment(text)]
    assert [(i, p) for i, p, _ in found] == [("E1", None), ("E2", None), ("E3", None), ("E4", None)]
    assert found[1][2] == "Type I DM patients."
    # a heading with a bullet of its own and a colon keeps its items
    nested = segment("Exclusion Criteria:\n\n* • Any of the following:\n\n  * Stroke\n  * Myocardial infarction\n")
    assert [c.parent for c in nested] == [None, "E1", "E1"]


def test_more_than_one_of_the_following_asks_for_two():
    """ "> 1 of the following risk factors" was read as all of them: a patient with two was ruled out."""
    from trialsieve.extract.structure import structure_criteria

    # NCT05303051, as the registry writes it (a markdown-escaped ">")
    text = (
        "Inclusion Criteria:\n\n* Participants with \\> 1 of the following risk factors for DM:\n"
        "* Age \\> 40\n* Obesity: BMI \\> 30\n* Smoking\n"
    )
    parent = structure_criteria(segment(text))[0]
    assert (parent.rule.type, parent.rule.n, len(parent.rule.args)) == ("at_least", 2, 3)
    assert context.group_cue("more than one of the following:")[:2] == ("at_least", 2)


def test_a_raw_line_reads_as_its_segmented_criterion(tagger):
    from trialsieve.extract.structure import structure_text
    from trialsieve.rules import leaves

    # LCT NCT03863431: the line as the registry lists it, marker and all
    raw = "  -  Non-smoker (including the use of vaporisers and e-cigarettes)"
    rule = structure_text(raw, "inclusion", tagger.tag([raw])[0]).rule
    bare = raw.removeprefix("  -  ")
    expected = structure_text(bare, "inclusion", tagger.tag([bare])[0]).rule
    assert rule.type == expected.type == "not"
    assert not any(arg.type == "not" for arg in rule.args[0].args)  # the examples are not negated twice
    first = leaves(rule)[0]
    assert raw[first.span[0] : first.span[1]].startswith("Non-smoker")


def test_a_section_header_run_into_a_line_starts_its_section():
    # NCT00190671 via NLI4CT: a record typed as one paragraph runs "Exclusion Criteria:" into the last inclusion
    text = (
        "Inclusion Criteria: - You must be female and at least 18 years old. - You must be willing to take folic "
        "acid and vitamin B12. Exclusion Criteria: - You are pregnant or breastfeeding. - You are currently taking "
        "aspirin or aspirin-like medicine and are unable to stop for a few days during each cycle of therapy."
    )
    criteria = segment(text)
    assert [(c.id, c.section) for c in criteria] == [("I1", "inclusion"), ("E1", "exclusion")]
    assert criteria[0].text.endswith("vitamin B12.") and criteria[1].text.startswith("- You are pregnant")
    assert text[criteria[1].start : criteria[1].end] == criteria[1].text
    # within a sentence the words are a criterion's, no header
    aside = "Inclusion Criteria:\n* Patients who fail the exclusion criteria: see below\n"
    assert ids(aside) == [("I1", None, "inclusion")]


def test_numbered_and_ineligibility_section_headers():
    # NCT00266110 via NLI4CT: the protocol's section numbers lead its headers
    text = (
        "PATIENT ELIGIBILITY\n* 4.1 Inclusion Criteria 4.1.1 Histologically proven metastatic breast cancer.\n"
        "* 4.1.8 Bilirubin no more than 2 times normal.\n* 4.2 Exclusion Criteria\n"
        "* 4.2.3 Patient is currently taking steroid medications.\n"
    )
    assert [(c.id, c.section, c.text) for c in segment(text)] == [
        ("U1", "unknown", "PATIENT ELIGIBILITY"),
        ("I1", "inclusion", "4.1.1 Histologically proven metastatic breast cancer."),
        ("I2", "inclusion", "4.1.8 Bilirubin no more than 2 times normal."),
        ("E1", "exclusion", "4.2.3 Patient is currently taking steroid medications."),
    ]
    # NCT00093795 via NLI4CT: NSABP protocols head their exclusions "Ineligibility Criteria"
    text = (
        "* The tumor must be invasive carcinoma of the breast on histologic examination.\n* Ineligibility Criteria\n"
        "* Primary tumor staged as T4 for any reason.\n* History of hepatitis B or C.\n"
    )
    assert [(c.id, c.section) for c in segment(text)] == [("U1", "unknown"), ("E1", "exclusion"), ("E2", "exclusion")]
    assert ids("Inclusion Criteria:\n1. Inclusion criteria of the parent study met\n") == [("I1", None, "inclusion")]
    # NCT04506658 and NCT04801368: "Non-inclusion criteria:" and a misspelt "Exclusion Citeria:" head the
    # exclusions; read as more inclusions, a patient with none of the conditions failed them all
    for header in ("Non-inclusion criteria:", "Exclusion Citeria:"):
        text = f"Inclusion Criteria:\n* Men aged 18 to 79\n{header}\n* Peyronie's disease\n"
        assert [(c.id, c.section) for c in segment(text)] == [("I1", "inclusion"), ("E1", "exclusion")]


def test_a_list_announced_and_written_inline_is_its_children(tagger):
    """NCT04728893 I12.2: read as one text, the inclusion asked the lesion and the IgM together; NCT00734604 E8:
    the window before the colon stopped at the first item, so a bypass years ago excluded."""
    text = (
        "Inclusion Criteria:\n* Has measurable disease, satisfying any of the following: at least 1 lesion (>15 mm "
        "in the longest diameter; >10 mm in the short axis); IgM ≥450 mg/dL; or bone marrow infiltration of 10%\n"
        "Exclusion Criteria:\n* Have had any of the following in the past 90 days: Heart attack; Heart bypass surgery; "
        "stroke\n"
    )
    found = segment(text)
    assert [(c.id, c.parent) for c in found] == [
        ("I1", None),
        ("I1.1", "I1"),
        ("I1.2", "I1"),
        ("I1.3", "I1"),
        ("E1", None),
        ("E1.1", "E1"),
        ("E1.2", "E1"),
        ("E1.3", "E1"),
    ]
    assert found[3].text.startswith("bone marrow")  # the "or" joining it is no word of its own
    rules = {c.id: c.rule for c in structure_trial(read_text(text, "inline.txt", "inline"), tagger).criteria}
    assert rules["I1"].type == "any" and len(rules["I1"].args) == 3
    windows = [leaf.temporal for leaf in leaves(rules["E1"]) if leaf.type == "presence"]
    assert len(windows) == 3 and all(w is not None and w.value == 90 for w in windows)


def test_an_announced_list_needs_two_items_after_its_colon():
    text = "Inclusion Criteria:\n* Must meet one of the following: adequate renal function (see below)\n"
    assert [c.id for c in segment(text)] == ["I1"]
