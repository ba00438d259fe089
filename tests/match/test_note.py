import datetime as dt

import pytest

from trialsieve.match.note import mentions, read_note

NOTE = (
    "A 58-year-old woman with a history of hypertension presents with chest pain. "
    "She denies diabetes or smoking. She is not compliant with her asthma medication. "
    "Labs: hemoglobin 9.5 g/dL, creatinine 2.1 mg/dL; blood pressure 150/95 mmHg."
)


def test_age_sex_and_negations(tagger):
    patient = read_note(NOTE, tagger)
    assert (patient.age, patient.sex) == (58, "female")
    present = {f.text.lower(): f.present for f in patient.facts if f.value is None}
    assert present["hypertension"] and present["chest pain"]  # the tagger keeps "pain"; the site before it is read
    assert present["diabetes"] is False and present["smoking"] is False
    assert present["asthma"] is True  # "not compliant with" negates nothing


def test_measured_values(tagger):
    values = {f.text.lower(): (f.value, f.unit) for f in read_note(NOTE, tagger).facts if f.value is not None}
    assert values["hemoglobin"] == (9.5, "g/dL")
    assert values["creatinine"] == (2.1, "mg/dL")
    assert values["systolic blood pressure"] == (150, "mm[Hg]")
    assert values["diastolic blood pressure"] == (95, "mm[Hg]")


def test_durations_are_not_measurements():
    patient = read_note("An 8-year-old boy with fever up to 39 C and cough for 2 days.")
    assert (patient.age, patient.sex) == (8, "male")
    assert [(f.value, f.unit) for f in patient.facts if f.value is not None] == [(39, "Cel")]
    assert [(f.text, f.days_before) for f in patient.facts if f.value is None] == [("fever", 2)]


def test_findings_that_bound_a_value_are_read_even_untagged():
    patient = read_note("On examination she is pale, tachypneic and tachycardic, not febrile.")
    assert [(f.text, f.present) for f in patient.facts] == [
        ("tachypneic", True),
        ("tachycardic", True),
        ("febrile", False),
    ]


def test_a_blood_pressure_needs_no_unit():
    patient = read_note("Her blood pressure is 80/60 and her oxygen saturation 92%.")
    assert [(f.text, f.value, f.unit) for f in patient.facts] == [
        ("systolic blood pressure", 80, "mm[Hg]"),
        ("diastolic blood pressure", 60, "mm[Hg]"),
        ("oxygen saturation", 92, "%"),
    ]


def test_each_event_takes_the_time_said_nearest_it(tagger):
    patient = read_note(
        "He had a myocardial infarction 2 years earlier and a transient ischemic attack 6 months ago.", tagger
    )
    days = {f.text: f.days_before for f in patient.facts}
    assert (days["myocardial infarction"], days["transient ischemic attack"]) == (730.5, 182.625)


def test_a_concept_written_out_is_found_where_the_tagger_cut_it_otherwise():
    note = "She woke with stabbing chest pain. She denies back pain."
    assert [(f.text, f.present, f.source) for f in mentions(note, "chest pain")] == [
        ("chest pain", True, "note sentence 0")
    ]
    assert [f.present for f in mentions(note, "back pain")] == [False]
    assert mentions(note, "pain") == []  # one word alone says too little


def test_a_family_history_is_a_relatives_not_the_patients(tagger):
    from trialsieve.extract.structure import structure_text
    from trialsieve.match.concepts import ConceptMatcher
    from trialsieve.match.verdicts import Judge

    patient = read_note("A 50-year-old man with asthma. Family history of colon cancer in his father.", tagger)
    family = {f.text.lower(): f.family for f in patient.facts}
    assert family["asthma"] is False and family["colon cancer"] is True  # the tagger keeps "cancer"; the site too
    judge = Judge(patient, dt.date(2026, 1, 1), ConceptMatcher())
    for text, verdict in (("History of cancer", "unknown"), ("Family history of cancer", "met")):
        assert judge.rule(structure_text(text).rule, text)[0] == verdict, text


@pytest.mark.parametrize(
    ("note", "named"),
    [
        ("Elizabeth has HER2 positive breast cancer.", "her2 positive breast cancer"),  # the site, and the status
        ("Patients with Multicentric breast cancer.", "breast cancer"),
        ("History of spinal cord injury.", "spinal cord injury"),
        ("Patients with HER2 positive breast or colon carcinoma.", "carcinoma"),  # two sites: not the last one alone
    ],
)
def test_a_site_written_before_a_condition_is_part_of_it(tagger, note, named):
    assert named in {f.text.lower() for f in read_note(note, tagger).facts}


@pytest.mark.parametrize(
    ("note", "named"),
    [
        ("Patients who had major surgery in the last two weeks.", "major surgery"),  # issue 21
        ("She had minor surgery 2 days ago.", "minor surgery"),
    ],
)
def test_the_size_written_before_an_operation_is_part_of_it(tagger, note, named):
    """The tagger names only "surgery", which neither meets nor rules out "Major surgery within 2 weeks"."""
    assert named in {f.text.lower() for f in read_note(note, tagger).facts}


@pytest.mark.parametrize(
    ("note", "named"),
    [
        ("Patients with HER2 positive breast cancer.", "her2 positive breast cancer"),  # issue 21
        ("Patients with ER+ and PR- breast cancer.", "er+ and pr- breast cancer"),
        ("A woman with triple negative breast cancer.", "triple negative breast cancer"),
        (
            "HER2-negative, hormone receptor-positive breast cancer.",
            "her2-negative, hormone receptor-positive breast cancer",
        ),
    ],
)
def test_a_biomarker_status_written_before_a_cancer_is_part_of_it(tagger, note, named):
    """The tagger names only the cancer, which neither meets nor rules out "HER2-negative breast cancer"."""
    assert named in {f.text.lower() for f in read_note(note, tagger).facts}


def test_a_score_and_a_time_in_seconds_are_values_but_a_duration_is_not(tagger):
    from trialsieve.match.note import read_note

    note = "54-year-old woman with Sjogren's syndrome. OSDI score 45. NIKBUT 6 sec. Cough for 2 days."
    values = {(f.text, f.value, f.unit) for f in read_note(note, tagger).facts if f.value is not None}
    assert values == {("OSDI", 45.0, "{score}"), ("NIKBUT", 6.0, "s")}


def test_a_unit_written_as_people_write_it_converts():
    from trialsieve.extract.quantities import convert

    assert convert(4, "mm/5min", "mm/(5.min)") == 4 and convert(6, "sec", "s") == 6


def test_a_score_is_the_scales_own_though_a_concept_was_named_before_it(tagger):
    """ "breast cancer and an ECOG of 3": the number after the scale's name is the ECOG's, not the cancer's."""
    patient = read_note("Patients with left-sided breast cancer and an ECOG of 3.", tagger)
    assert [(f.text, f.value, f.unit) for f in patient.facts if f.value is not None] == [("ECOG", 3.0, "{score}")]


def test_a_score_written_with_a_bound_is_read():
    """ "ECOG score between 3-5", "Karnofsky Index < 80": a bound between the scale and its number; the
    question's reader keeps it as the bound it is."""
    written = (("ECOG score between 3-5.", 3.0), ("Karnofsky Index  < 80.", 80.0), ("KPS of at least 70.", 70.0))
    for note, value in written:
        assert [(f.value, f.unit) for f in read_note(note).facts] == [(value, "{score}")], note
    assert read_note("Hemoglobin < 9.").facts == []  # no unit and no scale: not read


def test_a_group_in_the_plural_has_its_sex():
    assert read_note("Men with a left ventricular ejection fraction > 50%.").sex == "male"
    assert read_note("Spanish women with a heart rate of 70 bpm.").sex == "female"
    assert read_note("Women and men aged 40.").sex is None


def test_a_value_s_name_leaves_out_its_bound_and_who_has_it():
    """ "Patients with a diameter of less than 4 cm": the value is a diameter, not "Patients diameter less"."""
    facts = read_note("Patients with a diameter of less than 4 cm.").facts
    assert [(f.text, f.value, f.unit) for f in facts] == [("diameter", 4.0, "cm")]
    facts = read_note("Women with a body weight of at least 50 kg.").facts
    assert [(f.text, f.value) for f in facts] == [("body weight", 50.0)]
