"""The registry at scale, one machine: its full-study zip archive read as a stream (``extract/archive.py``),
``structure`` and ``index build`` taking the archive directly, and a kill -9 mid-run followed by a
rerun losing and doubling nothing. Real ClinicalTrials.gov records (``shared/data/ctgov``, else the
bundled ones), made into an archive in the registry's layout (one API v2 JSON file per study)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.test_cli import ROOT, run
from trialsieve.extract.archive import ArchiveError, members
from trialsieve.extract.ingest import Failure, fingerprint, read_file
from trialsieve.trial import Trial

DEV = ROOT.parent / "shared" / "data" / "ctgov" / "studies.dev.jsonl"
# where ../shared is absent (CI's clean clone), the 104 ClinicalTrials.gov records bundled with the app: the
# tests run everywhere, on real records either way
BUNDLED = [ROOT / "data" / "trials" / "ctgov20.jsonl", ROOT / "data" / "trials" / "trialgpt.jsonl"]


def studies(n: int) -> list[dict]:
    """``n`` real studies: the dev records (or the bundled ones), then the same again under new ids."""
    sources = [DEV] if DEV.is_file() else BUNDLED
    real = [json.loads(line) for path in sources for line in path.read_text("utf-8").splitlines() if line.strip()]
    out = []
    for k in range(n):
        study = json.loads(json.dumps(real[k % len(real)]))
        if k >= len(real):
            ident = study["protocolSection"]["identificationModule"]
            ident["nctId"] = f"{ident['nctId']}-r{k // len(real)}"
        out.append(study)
    return out


def nct(study: dict) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


def write_archive(path: Path, records: list[dict], **member_options) -> Path:
    """The registry's layout: one pretty-printed API v2 JSON file per study, named by its NCT id."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for record in records:
            with archive.open(f"{nct(record)}.json", "w", **member_options) as member:
                member.write(json.dumps(record, indent=2).encode())
    return path


def without_source(path: Path) -> list[str]:
    """Output lines, sorted, with the trial's ``source`` (where it was read from) left out."""
    lines = []
    for line in path.read_text("utf-8").splitlines():
        record = json.loads(line)
        record["trial"].pop("source", None)
        lines.append(json.dumps(record, sort_keys=True))
    return sorted(lines)


@pytest.mark.parametrize("zip64", [False, True])
def test_archive_members_are_read_as_zipfile_reads_them(tmp_path, zip64):
    path = write_archive(tmp_path / "a.zip", studies(40), force_zip64=zip64)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("folder/", "")  # a directory entry: left out
        archive.writestr("stored.json", json.dumps(studies(1)[0]), compress_type=zipfile.ZIP_STORED)
    with zipfile.ZipFile(path) as archive:
        expected = [(i.filename, archive.read(i)) for i in archive.infolist() if not i.is_dir()]
    assert list(members(path)) == expected


def test_a_damaged_member_is_reported_and_the_others_read(tmp_path):
    records = studies(3)
    path = write_archive(tmp_path / "a.zip", records)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("README.txt", "not a study")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        second = archive.infolist()[1]
    start = second.header_offset + 30 + len(second.filename.encode()) + len(second.extra)
    data[start + 5] ^= 0xFF  # one bit of compressed data: the CRC-32 no longer matches
    path.write_bytes(bytes(data))
    items = list(read_file(path))
    assert [type(i) for i in items] == [Trial, Failure, Trial, Failure]
    assert items[1].source == f"{path}!{nct(records[1])}.json" and "cannot read archive member" in items[1].reason
    assert "not a .json member" in items[3].reason
    assert items[0].id == nct(records[0]) and items[0].source == f"{path}!{nct(records[0])}.json (ctgov v2)"


def test_a_file_that_is_not_a_zip_is_one_failure(tmp_path):
    path = tmp_path / "registry.zip"
    path.write_text("not a zip")
    (failure,) = read_file(path)
    assert isinstance(failure, Failure) and "not a zip archive" in failure.reason
    with pytest.raises(ArchiveError):
        list(members(path))


def test_archive_records_are_the_jsonl_records(tmp_path):
    records = studies(656)
    from_zip = list(read_file(write_archive(tmp_path / "a.zip", records)))
    from_jsonl = list(read_file(write_jsonl(tmp_path / "a.jsonl", records)))
    assert len(from_zip) == 656 and all(isinstance(t, Trial) for t in from_zip)
    assert [fingerprint(t) for t in from_zip] == [fingerprint(t) for t in from_jsonl]


def test_structure_and_index_build_take_the_archive(tmp_path):
    records = studies(120)
    archive = write_archive(tmp_path / "registry.zip", records)
    from_zip, from_jsonl = tmp_path / "zip.jsonl", tmp_path / "jsonl.jsonl"
    done = run("structure", str(archive), "-o", str(from_zip), "--no-model", "--no-progress")
    assert done.returncode == 0, done.stderr
    assert f"read {archive} as ctgov v2 (120 trials)" in done.stdout
    jsonl = write_jsonl(tmp_path / "registry.jsonl", records)
    assert run("structure", str(jsonl), "-o", str(from_jsonl), "--no-model", "--no-progress").returncode == 0
    assert without_source(from_zip) == without_source(from_jsonl)
    again = run("structure", str(archive), "-o", str(from_zip), "--no-model", "--no-progress")  # resumes
    assert again.returncode == 0 and "nothing to do: 120 trials already in" in again.stdout

    small = write_archive(tmp_path / "small.zip", records[:12])
    built = run("index", "build", str(small), "--index", str(tmp_path / "idx"), "--no-progress")
    assert built.returncode == 0, built.stderr
    assert "added 12 trials" in built.stdout


STRUCTURED = re.compile(
    r"^structured ([\d,]+) trials \(([\d,]+) criteria\) in ([\d.]+) s: ([\d,.]+) trials/s, ([\d,]+) criteria/s$"
)
INDEXED = re.compile(
    r"^indexed ([\d,]+) trials, ([\d,]+) passages in ([\d.]+) s: ([\d,.]+) trials/s, ([\d,.]+) passages/s$"
)


def rates(pattern: re.Pattern, stderr: str) -> tuple[int, int, float]:
    """(trials, criteria or passages, seconds) from the run's last stderr line, after checking that its
    two rates are those counts over those seconds (to the precision printed)."""
    found = pattern.match(stderr.strip().splitlines()[-1])
    assert found, stderr
    trials, items, seconds, trial_rate, item_rate = found.groups()
    trials, items, seconds = int(trials.replace(",", "")), int(items.replace(",", "")), float(seconds)
    trial_rate, item_rate = float(trial_rate.replace(",", "")), float(item_rate.replace(",", ""))
    assert 0 < seconds < 600
    slack = 0.06 / seconds + 0.01  # seconds are printed to 0.1 s
    assert trial_rate == pytest.approx(trials / seconds, rel=slack, abs=0.1)
    assert item_rate == pytest.approx(items / seconds, rel=slack, abs=1)
    return trials, items, seconds


def test_structure_and_index_build_end_with_their_throughput(tmp_path):
    archive = write_archive(tmp_path / "registry.zip", studies(80))
    out = tmp_path / "out.jsonl"
    done = run("structure", str(archive), "-o", str(out), "--no-model", "--no-progress", "--workers", "2")
    assert done.returncode == 0, done.stderr
    criteria = int(re.search(r"criteria (\d+)", done.stdout).group(1))
    assert criteria > 80 and rates(STRUCTURED, done.stderr)[:2] == (80, criteria)

    small = write_archive(tmp_path / "small.zip", studies(6))
    built = run("index", "build", str(small), "--index", str(tmp_path / "idx"), "--no-progress")
    assert built.returncode == 0, built.stderr
    passages = int(re.search(r"added 6 trials \((\d+) chunks\)", built.stdout).group(1))
    assert passages > 6 and rates(INDEXED, built.stderr)[:2] == (6, passages)


def kill_mid_run(command: list[str], out: Path, ready, timeout: float = 300) -> None:
    """Run ``command`` in its own process group and kill -9 the whole group once ``ready()``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "trialsieve.cli", *command],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            assert process.poll() is None, "the run ended before it could be killed: make it longer"
            assert time.monotonic() < deadline, "the run never got far enough to be killed"
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def lines_in(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_kill_9_mid_run_then_rerun_loses_and_doubles_nothing(tmp_path):
    records = studies(400)
    source = write_jsonl(tmp_path / "in.jsonl", records)
    reference, out = tmp_path / "reference.jsonl", tmp_path / "out.jsonl"
    assert run("structure", str(source), "-o", str(reference), "--no-model", "--no-progress").returncode == 0
    command = ["structure", str(source), "-o", str(out), "--no-model", "--no-progress", "--workers", "2"]
    kill_mid_run(command, out, lambda: lines_in(out) >= 60)
    assert 60 <= lines_in(out) < 400
    rerun = run(*command)
    assert rerun.returncode == 0, rerun.stderr
    trial_ids = [json.loads(line)["trial"]["id"] for line in out.read_text("utf-8").splitlines()]
    assert sorted(trial_ids) == sorted(nct(r) for r in records)  # none lost, none doubled
    assert sorted(out.read_text("utf-8").splitlines()) == sorted(reference.read_text("utf-8").splitlines())


def test_what_an_engine_cannot_do_is_refused_not_ignored(tmp_path):
    study = str(ROOT / "tests" / "fixtures" / "ctgov_study.json")
    out = str(tmp_path / "out.jsonl")
    cases = [
        (["structure", study, "-o", out, "--engine", "spark"], "is not local or ray"),
        (["structure", study, "-o", out, "--address", "auto"], "give it with --engine ray"),
        (["structure", "--criteria-jsonl", study, "-o", out, "--engine", "ray"], "runs in one process"),
        (["index", "build", study, "--index", str(tmp_path / "idx"), "--workers", "2"], "are for --engine ray"),
    ]
    for command, message in cases:
        result = run(*command)
        assert result.returncode == 2 and message in result.stderr, (command, result.stderr)
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "idx").exists()
