"""The ``structure`` batch under bad input: bad records are reported by path and index while the
good ones are written, resume keeps every valid line, and a file that is not ours is never emptied."""

import json

import pytest

from tests.conftest import FIXTURES
from tests.extract.test_bad_records import GOOD, study
from tests.test_cli import read_jsonl, run
from trialsieve.batch import OutputError, structure_files


def short(nct: str, criteria: str = "Inclusion Criteria:\n\n* Age >= 18 years") -> dict:
    """A small, quick-to-structure study."""
    record = study("eligibilityModule.eligibilityCriteria", criteria)
    record["protocolSection"]["identificationModule"]["nctId"] = nct
    return record


BAD = [
    {"protocolSection": []},
    study("eligibilityModule", "x"),
    study("armsInterventionsModule.interventions", ["aspirin"]),
    study("eligibilityModule.minimumAge", 18),
    study("conditionsModule.conditions", "Diabetes"),
    short("../escape"),
    None,
    5,
    True,
]


def structure(inputs, out, **options):
    return structure_files([str(i) for i in inputs], out, progress=False, **options)


def test_bad_records_are_reported_and_the_good_ones_written(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_bad.json").write_text(json.dumps([short("NCT00000001"), *BAD]))
    (folder / "b_deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "c_good.jsonl").write_text(json.dumps(short("NCT00000002")) + "\n" + "5\n")
    out = tmp_path / "out.jsonl"
    summary = structure([folder], out)
    assert [line["trial"]["id"] for line in read_jsonl(out)] == ["NCT00000001", "NCT00000002"]
    sources = [f.source for f in summary.failures]
    bad = folder / "a_bad.json"
    assert sources == [f"{bad}#{i}" for i in range(1, len(BAD) + 1)] + [
        str(folder / "b_deep.json"),
        f"{folder / 'c_good.jsonl'}:2",
    ]
    assert summary.trials == 2 and not list(tmp_path.glob("escape*"))


def test_cli_goes_on_past_bad_records_and_exits_non_zero(tmp_path):
    bad, good = tmp_path / "bad.json", tmp_path / "good.json"
    bad.write_text(json.dumps({"protocolSection": []}))
    good.write_text(json.dumps(short("NCT00000003")))
    out = tmp_path / "out.jsonl"
    result = run("structure", str(bad), str(good), "-o", str(out), "--no-model", "--no-progress")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"FAILED {bad}: protocolSection is a list, expected an object" in result.stderr
    assert "trials 1," in result.stdout and [line["trial"]["id"] for line in read_jsonl(out)] == ["NCT00000003"]


def test_same_id_with_other_content_is_a_failure_not_a_skip(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps(short("NCT00000004")))
    second.write_text(json.dumps(short("NCT00000004", "Inclusion Criteria:\n\n* Age >= 21 years")))
    out = tmp_path / "out.jsonl"
    summary = structure([first, second], out)
    assert summary.trials == 1 and summary.skipped == 0
    (failure,) = summary.failures
    assert failure.source.startswith(str(second)) and "other content" in failure.reason
    again = structure([first], out)  # the same record again: resume skips it, quietly
    assert again.skipped == 1 and not again.failures
    changed = structure([second], out)  # other content than what OUT holds: said, not skipped
    assert changed.skipped == 0 and f"{out}:1" in changed.failures[0].reason


def test_trial_with_no_criteria_is_written_and_counted(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text(json.dumps([short("NCT00000005", ""), short("NCT00000006", "Inclusion Criteria:\n\n")]))
    summary = structure([path], tmp_path / "out.jsonl")
    assert summary.trials == 2 and summary.no_criteria == 2 and not summary.failures
    assert "with no criteria 2" in summary.lines()[0]


def test_resume_keeps_valid_lines_after_a_corrupt_one(tmp_path):
    out = tmp_path / "out.jsonl"
    inputs = [tmp_path / f"{n}.json" for n in range(4)]
    for n, path in enumerate(inputs):
        path.write_text(json.dumps(short(f"NCT0000001{n}")))
    structure(inputs[:3], out)
    lines = out.read_text().splitlines()
    out.write_text("\n".join([lines[0], "{corrupt", lines[1], lines[2]]) + "\n")
    summary = structure(inputs, out)
    kept = out.read_text().splitlines()
    assert kept[:4] == [lines[0], "{corrupt", lines[1], lines[2]]  # nothing valid deleted
    assert [json.loads(line)["trial"]["id"] for line in kept[4:]] == ["NCT00000013"]
    assert summary.skipped == 3 and [f.source for f in summary.failures] == [f"{out}:2"]


def test_resume_removes_only_a_last_line_cut_short(tmp_path):
    out = tmp_path / "out.jsonl"
    path = tmp_path / "a.json"
    path.write_text(json.dumps(short("NCT00000020")))
    structure([path], out)
    whole = out.read_text()
    out.write_text(whole + '{"schema_version": "1.0", "trial": {"id": "NCT0')
    summary = structure([path], out)
    assert out.read_text() == whole and summary.skipped == 1 and not summary.failures
    assert summary.notes and "cut short" in summary.notes[0]


@pytest.mark.parametrize("resume", [True, False])
def test_an_output_that_is_not_ours_is_never_emptied(tmp_path, resume):
    out = tmp_path / "notes.txt"
    out.write_text("my precious notes\nline two\n")
    path = tmp_path / "a.json"
    path.write_text(json.dumps(short("NCT00000030")))
    with pytest.raises(OutputError, match="not trialsieve output"):
        structure([path], out, resume=resume)
    assert out.read_text() == "my precious notes\nline two\n"
    summary = structure([path], out, resume=resume, force=True)
    assert summary.trials == 1 and [line["trial"]["id"] for line in read_jsonl(out)] == ["NCT00000030"]


def test_cli_refuses_an_output_that_is_not_ours(tmp_path):
    out = tmp_path / "data.json"
    out.write_text(json.dumps(GOOD))
    criteria = run("structure", "--criteria-jsonl", str(FIXTURES / "criteria_lines.jsonl"), "-o", str(out))
    trials = run("structure", str(FIXTURES / "ctgov_study.json"), "-o", str(out), "--no-resume", "--no-model")
    for result in (criteria, trials):
        assert result.returncode == 2 and "not trialsieve output" in result.stderr and "--force" in result.stderr
    assert json.loads(out.read_text()) == GOOD
