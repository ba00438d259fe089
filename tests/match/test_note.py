import datetime as dt

from trialsieve.match.note import read_note

NOTE = (
    "A 58-year-old woman with a history of hypertension presents with chest pain. "
    "She denies diabetes or smoking. She is not compliant with her asthma medication. "
    "Labs: hemoglobin 9.5 g/dL, creatinine 2.1 mg/dL; blood pressure 150/95 mmHg."
)


def test_age_sex_and_negations(tagger):
    patient = read_note(NOTE, tagger)
    assert (patient.age, patient.sex) == (58, "female")
    present = {f.text.lower(): f.present for f in patient.facts if f.value is None}
    assert present["hypertension"] and present["pain"]  # the tagger keeps "pain" of "chest pain"
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
    assert [(f.value, f.unit) for f in patient.facts] == [(39, "Cel")]


def test_a_family_history_is_a_relatives_not_the_patients(tagger):
    from trialsieve.extract.structure import structure_text
    from trialsieve.match.concepts import ConceptMatcher
    from trialsieve.match.verdicts import Judge

    patient = read_note("A 50-year-old man with asthma. Family history of colon cancer in his father.", tagger)
    family = {f.text.lower(): f.family for f in patient.facts}
    assert family["asthma"] is False and family["cancer"] is True  # the tagger keeps "cancer"
    judge = Judge(patient, dt.date(2026, 1, 1), ConceptMatcher())
    for text, verdict in (("History of cancer", "unknown"), ("Family history of cancer", "met")):
        assert judge.rule(structure_text(text).rule, text)[0] == verdict, text
