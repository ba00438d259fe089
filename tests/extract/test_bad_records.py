"""Malformed and wrongly typed ClinicalTrials.gov records: each is a clear error naming where it is,
never a traceback and never a trial with fields misread."""

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from trialsieve.extract.ctgov import read_study
from trialsieve.extract.ingest import Failure, read_file, read_inputs
from trialsieve.trial import RecordError, Trial

GOOD = json.loads((FIXTURES / "ctgov_study.json").read_text())


def study(path: str, value, base=GOOD) -> dict:
    """The good study with the field at dotted ``path`` (under protocolSection) set to ``value``."""
    record = copy.deepcopy(base)
    node = record["protocolSection"]
    *parents, last = path.split(".")
    for key in parents:
        node = node[key]
    node[last] = value
    return record


BAD_FIELDS = [
    ("conditionsModule.conditions", "Diabetes", "conditionsModule.conditions is a string, expected a list"),
    ("designModule.phases", "PHASE2", "designModule.phases is a string, expected a list"),
    ("eligibilityModule.minimumAge", "-5 Years", "minimumAge '-5 Years' is not an age"),
    ("eligibilityModule.minimumAge", "1e308 Years", "minimumAge '1e308 Years' is not an age"),
    ("eligibilityModule.maximumAge", "999 Years", "maximumAge '999 Years' is not an age"),
    ("eligibilityModule.minimumAge", 18, "minimumAge is a number, expected a string"),
    ("eligibilityModule.sex", ["FEMALE"], "sex is a list, expected one of"),
    ("eligibilityModule.sex", "BOTH", "sex is 'BOTH', expected one of"),
    ("eligibilityModule.healthyVolunteers", "yes", "healthyVolunteers is a string, expected true or false"),
    ("eligibilityModule", "x", "protocolSection.eligibilityModule is a string, expected an object"),
    ("eligibilityModule.eligibilityCriteria", ["a"], "eligibilityCriteria is a list, expected a string"),
    ("armsInterventionsModule.interventions", ["aspirin"], "interventions[0] is a string, expected an object"),
    ("identificationModule.nctId", 5, "nctId is a number, expected a string"),
    ("identificationModule.secondaryIdInfos", {"id": "x"}, "secondaryIdInfos is an object, expected a list"),
    ("designModule.enrollmentInfo", {"count": "306"}, "enrollmentInfo.count is a string, expected an integer"),
    ("designModule.enrollmentInfo", {"count": 30.6}, "enrollmentInfo.count is a number, expected an integer"),
    ("designModule.enrollmentInfo", {"count": -5}, "enrollmentInfo.count is -5, expected a count >= 0"),
]


def test_enrollment_is_read_from_the_design_module():
    assert read_study(study("designModule.enrollmentInfo", {"count": 306, "type": "ESTIMATED"}), "x").enrollment == 306
    assert read_study(study("designModule.enrollmentInfo", None), "x").enrollment is None


@pytest.mark.parametrize(("path", "value", "message"), BAD_FIELDS)
def test_wrongly_typed_field_is_an_error_naming_it(path, value, message):
    with pytest.raises(RecordError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_study(study(path, value), "x")


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"protocolSection": []}, "protocolSection is a list, expected an object"),
        ({"protocolSection": None}, "protocolSection is null, expected an object"),
        (None, "record is null"),
        (5, "record is a number"),
        (True, "record is a boolean"),
        ("NCT05000001", "record is a string"),
    ],
)
def test_malformed_record_is_an_error(record, message):
    with pytest.raises(RecordError, match=message):
        read_study(record, "x")


def test_bad_records_in_a_list_are_reported_by_index_and_the_good_ones_read(tmp_path):
    records = [GOOD, {"protocolSection": []}, study("conditionsModule.conditions", "Diabetes"), None]
    records[2]["protocolSection"]["identificationModule"]["nctId"] = "NCT05000009"
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(records))
    items = list(read_file(path))
    assert [t.id for t in items if isinstance(t, Trial)] == ["NCT05000001"]
    assert [(f.source, f.reason.split(" is ")[0]) for f in items if isinstance(f, Failure)] == [
        (f"{path}#1", "protocolSection"),
        (f"{path}#2", "protocolSection.conditionsModule.conditions"),
        (f"{path}#3", "record"),
    ]


@pytest.mark.parametrize("text", ["null", "5", "true", "[" * 100_000 + "]" * 100_000, '{"a": ' + "1" * 5000 + "}"])
def test_top_level_junk_and_deep_nesting_are_failures(tmp_path, text):
    for name in ("bad.json", "bad.jsonl"):
        path = tmp_path / name
        path.write_text(text + "\n")
        (failure,) = read_file(path)
        assert isinstance(failure, Failure) and failure.source.startswith(str(path)), failure


@pytest.mark.parametrize("nct", ["../evil", "a/b", "..", "a\\b", ".hidden", "-x", "x" * 101, "NCT1 2", "NCT1\n"])
def test_unsafe_trial_ids_are_reported_not_read(tmp_path, nct):
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(study("identificationModule.nctId", nct)) + "\n")
    (failure,) = read_file(path)
    assert isinstance(failure, Failure) and failure.source == f"{path}:1"


def test_file_names_become_safe_ids(tmp_path):
    path = tmp_path / "my trial (v2).txt"
    path.write_text("Inclusion Criteria:\n- Adults\n")
    (trial,) = read_file(path)
    assert trial.id == "my_trial_v2_"


def test_same_id_with_other_content_is_reported(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(GOOD))
    (tmp_path / "b.json").write_text(json.dumps(GOOD))  # the same record twice: read once, quietly
    (tmp_path / "c.json").write_text(json.dumps(study("conditionsModule.conditions", ["Asthma"])))
    trials, failures = read_inputs([str(tmp_path)])
    assert [t.conditions for t in trials] == [GOOD["protocolSection"]["conditionsModule"]["conditions"]]
    (failure,) = failures
    assert failure.source.startswith(str(tmp_path / "c.json")) and "other content" in failure.reason


# Property: any JSON value in place of a field either is read exactly as the API means it, or is a
# RecordError; nothing else is raised and nothing is misread.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
STRING_LISTS = {"conditionsModule.conditions": "conditions", "designModule.phases": "phases"}
STRINGS = {
    "statusModule.overallStatus": "status",
    "identificationModule.acronym": "acronym",
    "descriptionModule.briefSummary": "summary",
}
FIELDS = [
    *STRING_LISTS,
    *STRINGS,
    "eligibilityModule.sex",
    "eligibilityModule.minimumAge",
    "eligibilityModule.healthyVolunteers",
    "eligibilityModule.eligibilityCriteria",
    "armsInterventionsModule.interventions",
    "identificationModule.nctId",
    "identificationModule",
    "eligibilityModule",
]


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(FIELDS), value=JSON | st.lists(st.text(max_size=8), max_size=3))
def test_any_value_in_a_field_is_read_exactly_or_is_a_record_error(field, value):
    try:
        trial = read_study(study(field, value), "x")
    except RecordError:
        return
    if field in STRING_LISTS:
        assert isinstance(value, list | None) and getattr(trial, STRING_LISTS[field]) == (value or [])
    elif field in STRINGS:
        assert isinstance(value, str | None) and getattr(trial, STRINGS[field]) == value
    elif field == "eligibilityModule.sex":
        assert value in ("ALL", "FEMALE", "MALE", None) and trial.sex == (value.lower() if value else None)
    elif field == "eligibilityModule.minimumAge":
        assert value is None or isinstance(value, str)
        assert trial.minimum_age is None or 0 <= trial.minimum_age.value <= 150 * 525600
    elif field == "eligibilityModule.healthyVolunteers":
        assert trial.healthy_volunteers is value and value in (True, False, None)
    elif field == "eligibilityModule.eligibilityCriteria":
        assert isinstance(value, str | None) and trial.criteria_text == (value or "")
    elif field == "armsInterventionsModule.interventions":
        assert value is None or all(isinstance(i, dict) for i in value)
        assert len(trial.interventions) == len(value or [])
    elif field == "identificationModule.nctId":
        assert isinstance(value, str) and trial.id == value
    else:  # a whole module: an object whose known fields are well typed, or null
        assert isinstance(value, dict | None)
