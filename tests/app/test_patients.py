from pathlib import Path

import pytest

from trialsieve.app import patients
from trialsieve.match.patient import PatientError


def test_the_form_makes_a_patient_with_ucum_units():
    patient = patients.from_form(
        54,
        "Female",
        "Sjogren syndrome\n- dry eye\n",
        "hydroxychloroquine",
        [
            ["hemoglobin", 10.5, "g/dl"],
            ["neutrophils", "1.2", "x10^9/L"],
            ["", None, ""],
        ],
    )
    assert (patient.age, patient.sex) == (54, "female")
    assert [(f.kind, f.text) for f in patient.facts[:3]] == [
        ("condition", "Sjogren syndrome"),
        ("condition", "dry eye"),
        ("drug", "hydroxychloroquine"),
    ]
    assert [(f.text, f.value, f.unit) for f in patient.facts[3:]] == [
        ("hemoglobin", 10.5, "g/dL"),
        ("neutrophils", 1.2, "10*9/L"),
    ]


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (["hemoglobin", "high", "g/dL"], "is not a number"),
        (["hemoglobin", 10, "furlongs"], "unknown unit"),
        (["", 10, "g/dL"], "no name"),
    ],
)
def test_bad_measurements_are_named(row, says):
    with pytest.raises(PatientError, match=says):
        patients.from_form(None, None, "", "", [row])


def test_pasted_text_is_checked_and_capped(tagger):
    with pytest.raises(PatientError, match="not valid JSON"):
        patients.from_text("{not json", "json", tagger)
    with pytest.raises(PatientError, match="over 16 MB"):
        patients.from_text("x" * 17_000_000, "json", tagger)
    with pytest.raises(PatientError, match="over 50,000 characters"):
        patients.from_text("x" * 60_000, "note", tagger)
    with pytest.raises(PatientError, match="nothing was pasted"):
        patients.from_text("  ", "note", tagger)
    note = patients.from_text("58-year-old woman with Sjogren's syndrome.", "note", tagger)
    assert note.age == 58 and note.sex == "female"


def test_uploads_and_examples(tmp_path, tagger):
    examples = patients.examples()
    assert "amass-eligible" in examples and len(examples) >= 9
    patient = patients.from_upload(str(examples["amass-eligible"]), tagger)
    assert patient.facts
    binary = tmp_path / "scan.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(PatientError, match="not UTF-8"):
        patients.from_upload(str(binary), tagger)
    with pytest.raises(PatientError, match="no file"):
        patients.from_upload(None, tagger)


SYNTHEA = [
    Path(__file__).resolve().parents[2] / "data" / "fhir" / "synthea",
    Path(__file__).resolve().parents[3] / "shared" / "data" / "fhir" / "synthea",  # 20 more, up to 2.5 MB
]


def test_real_synthea_bundles_of_long_lives_upload():
    """Every Synthea export at hand must pass the upload cap: real EHR exports run to MBs."""
    bundles = sorted((p for folder in SYNTHEA if folder.is_dir() for p in folder.glob("*.json")), key=_size)
    for bundle in bundles[-3:]:
        patient = patients.from_upload(str(bundle), None)
        assert patient.birth_date is not None and patient.facts, bundle


def _size(path: Path) -> int:
    return path.stat().st_size


@pytest.mark.parametrize("value", ["inf", "-1e400", "1e308"])
def test_an_impossible_value_in_the_form_is_a_clear_error(value):
    with pytest.raises(PatientError, match="is not a value a test gives"):
        patients.from_form(54, "female", "", "", [["hemoglobin", value, "g/dL"]])


@pytest.mark.parametrize(("given", "age"), [("", None), ("  ", None), (None, None), ("54", 54.0), (54, 54.0)])
def test_a_blank_form_age_is_not_recorded(given, age):
    """Blank is unknown, never 0: a patient of age 0 fails every adult trial's minimum age."""
    assert patients.from_form(given, "female", "dry eye", "", None).age == age


@pytest.mark.parametrize(("given", "says"), [("fifty", "not a number"), ("200", "not between"), ("nan", "not between")])
def test_a_form_age_that_is_no_age_is_refused(given, says):
    with pytest.raises(PatientError, match=says):
        patients.from_form(given, None, "", "", None)
