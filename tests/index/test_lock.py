"""One writer at a time: real processes write to one index at once, and a held lock makes writers wait or give up."""

import fcntl
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from trialsieve.index import build as builder
from trialsieve.index.lock import LOCK, IndexBusy
from trialsieve.index.search import TrialIndex
from trialsieve.index.store import read_manifest

CTGOV20 = ROOT / "data" / "trials" / "ctgov20.jsonl"


@pytest.fixture
def held(index_copy):
    """The index's write lock, held by someone else (flock locks conflict between open files)."""
    with (index_copy / LOCK).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield index_copy


def test_two_adds_at_once_both_land(index_copy, tmp_path):
    lines = CTGOV20.read_text().splitlines()
    halves = [tmp_path / "first.jsonl", tmp_path / "second.jsonl"]
    halves[0].write_text("\n".join(lines[:8]) + "\n")
    halves[1].write_text("\n".join(lines[8:16]) + "\n")
    command = [sys.executable, "-m", "trialsieve.cli", "index", "add", "--index", str(index_copy), "--no-progress"]
    writers = [
        subprocess.Popen([*command, str(half)], stdout=subprocess.PIPE, stderr=subprocess.PIPE) for half in halves
    ]
    outputs = [writer.communicate(timeout=300) for writer in writers]
    for writer, (out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err.decode()
        assert b"Traceback" not in err and b"added 8 trials" in out
    assert read_manifest(index_copy).trials == 5 + 16
    opened = TrialIndex(index_copy)
    assert opened.metadata.counts()[0] == 5 + 16
    assert [p.name for p in index_copy.iterdir() if p.is_dir()] == [read_manifest(index_copy).generation]
    opened.close()


def test_a_writer_gives_up_on_a_busy_index_and_changes_nothing(held, trials, embedder):
    before = read_manifest(held)
    extra = trials[0].model_copy(update={"id": "NCT09999999"})
    with pytest.raises(IndexBusy, match="busy"):
        builder.add(held, [extra], embedder, progress=False, wait=0.3)
    with pytest.raises(IndexBusy, match="busy"):
        builder.build(held, [extra], embedder, progress=False, wait=0)
    assert read_manifest(held) == before


def test_the_cli_says_the_index_is_busy_in_one_line(held):
    command = [sys.executable, "-m", "trialsieve.cli", "index", "add", str(CTGOV20), "--index", str(held)]
    done = subprocess.run([*command, "--wait", "0.5", "--no-progress"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{held} is busy" in done.stderr and "--wait" in done.stderr


def test_the_lock_file_does_not_make_a_folder_look_foreign(tmp_path, trials, embedder):
    (tmp_path / LOCK).touch()  # left by an earlier build that failed
    outcome = builder.build(tmp_path, trials[:1], embedder, progress=False)
    assert outcome.added == [trials[0].id]
