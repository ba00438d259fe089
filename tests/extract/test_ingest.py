import json

from tests.conftest import FIXTURES, SEEDS
from trialsieve.extract.ingest import Failure, expand, read_file, read_text
from trialsieve.trial import Trial


def trials(path):
    return [t for t in read_file(path) if isinstance(t, Trial)]


def failures(path):
    return [f for f in read_file(path) if isinstance(f, Failure)]


def test_ctgov_single_study_fields():
    (trial,) = trials(FIXTURES / "ctgov_study.json")
    assert trial.id == "NCT05000001"
    assert trial.acronym == "DAPA-REF" and trial.title.startswith("A Randomized Trial")
    assert trial.secondary_ids == ["HF-2021-07", "2021-001234-11"]
    assert trial.conditions == ["Heart Failure", "Ventricular Dysfunction, Left"]
    assert trial.interventions == ["Drug: Dapagliflozin 10 mg", "Drug: Placebo"]
    assert trial.phases == ["PHASE3"] and trial.status == "RECRUITING"
    assert trial.sex == "all" and trial.healthy_volunteers is False
    assert (trial.minimum_age.value, trial.minimum_age.unit) == (18, "a")
    assert (trial.maximum_age.value, trial.maximum_age.unit) == (85, "a")
    assert trial.criteria_text.startswith("Inclusion Criteria:")


def test_ctgov_jsonl_and_api_page_read_the_same_studies():
    from_lines = trials(FIXTURES / "ctgov_studies.jsonl")
    from_page = trials(FIXTURES / "ctgov_page.json")
    assert [t.id for t in from_lines] == [t.id for t in from_page] == ["NCT05000002", "NCT05000003"]
    assert from_lines[0].sex == "female" and from_lines[0].maximum_age.value == 40


def test_bad_records_are_reported_not_dropped():
    path = FIXTURES / "ctgov_list_with_bad.json"
    assert [t.id for t in trials(path)] == ["NCT05000002"]
    reasons = [(f.source, f.reason) for f in failures(path)]
    assert reasons == [
        (f"{path}#1", "study has no identificationModule.nctId"),
        (f"{path}#2", "not a ClinicalTrials.gov API v2 study: no protocolSection"),
    ]


def test_broken_json_file(tmp_path):
    (failure,) = failures(FIXTURES / "broken.json")
    assert failure.reason.startswith("invalid JSON")
    bad_line = tmp_path / "mixed.jsonl"
    good = (FIXTURES / "ctgov_studies.jsonl").read_text().splitlines()[0]
    bad_line.write_text(good + "\n{not json\n")
    items = list(read_file(bad_line))
    assert isinstance(items[0], Trial) and isinstance(items[1], Failure) and items[1].source.endswith(":2")


def test_empty_and_undecodable_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert failures(empty)[0].reason == "empty file"
    assert failures(binary)[0].reason.startswith("cannot read file")


def test_seed_pages():
    (amass,) = trials(next(SEEDS.glob("NCT04615455*")))
    assert amass.id == "NCT04615455" and amass.acronym == "AMASS"
    assert amass.status == "Completed" and amass.phases == ["Phase 2"]
    assert amass.conditions == ["Keratoconjunctivitis Sicca, in Sjogren's Syndrome"]
    assert amass.interventions == ["Drug: Cryostor CS10", "Drug: ASCs"]
    assert amass.secondary_ids == ["2020-002804-38"]
    assert amass.sex == "all" and amass.minimum_age.value == 18 and amass.maximum_age is None
    assert amass.healthy_volunteers is False
    assert amass.criteria_text.startswith("Inclusion criteria") and "Trial design" not in amass.criteria_text
    (care,) = trials(next(SEEDS.glob("NCT04356287*")))
    assert care.phases == ["Phase 2", "Phase 1"] and care.status == "Enrolling"


def test_plain_criteria_text():
    (trial,) = trials(FIXTURES / "criteria_plain.txt")
    assert trial.id == "criteria_plain" and trial.source.endswith("(criteria text)")
    assert read_text("Inclusion Criteria: adults", "x", "x").criteria_text == "Inclusion Criteria: adults"


def test_expand_folders_globs_and_missing(tmp_path):
    files, missing = expand([str(SEEDS), str(FIXTURES / "ctgov_*.json"), str(tmp_path / "nope.json")])
    names = [f.name for f in files]
    assert sum(n.endswith(".txt") for n in names) == 2 and "ctgov_study.json" in names
    assert [m.reason for m in missing] == ["no such file, folder or matching pattern"]


def test_json_list_of_one_study_keeps_index_in_source(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps([json.loads((FIXTURES / "ctgov_study.json").read_text())]))
    (trial,) = trials(path)
    assert trial.source == f"{path}#0 (ctgov v2)"
