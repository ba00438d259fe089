"""``structure --engine ray`` on a real local Ray instance: the same lines as the one-machine run on
1,000 real ClinicalTrials.gov trials, with the entity model too, and a kill -9 mid-run (driver, Ray
and actors at once) followed by a rerun losing and doubling nothing. Skipped where Ray is not
installed (``pip install -e '.[ray]'``)."""

from __future__ import annotations

import json
import time

import pytest

from tests.test_cli import run
from tests.test_registry import INDEXED, STRUCTURED, kill_mid_run, rates, studies, write_jsonl
from trialsieve.batch import Summary
from trialsieve.ray_engine import append_shards, settle_shards, shard_dir

pytest.importorskip("ray")


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """1,000 real trials (the 656 dev records, then 344 again under new ids) and the one-machine output."""
    folder = tmp_path_factory.mktemp("registry")
    source = write_jsonl(folder / "in.jsonl", studies(1000))
    reference = folder / "reference.jsonl"
    started = time.monotonic()
    done = run("structure", str(source), "-o", str(reference), "--no-model", "--no-progress", "--workers", "2")
    assert done.returncode == 0, done.stderr
    print(f"--workers 2, 1,000 trials: {time.monotonic() - started:.1f} s")
    return source, reference


def ids(path):
    return [json.loads(line)["trial"]["id"] for line in path.read_text("utf-8").splitlines()]


def sorted_lines(path):
    return sorted(path.read_text("utf-8").splitlines())


def test_ray_writes_what_one_machine_writes_on_1000_real_trials(registry, tmp_path):
    source, reference = registry
    out = tmp_path / "ray.jsonl"
    started = time.monotonic()
    done = run("structure", str(source), "-o", str(out), "--no-model", "--no-progress", "--engine", "ray", "-w", "2")
    print(f"--engine ray -w 2, 1,000 trials: {time.monotonic() - started:.1f} s")
    assert done.returncode == 0, done.stderr
    assert "trials 1000," in done.stdout
    assert rates(STRUCTURED, done.stderr)[0] == 1000
    assert sorted_lines(out) == sorted_lines(reference)
    assert not shard_dir(out).exists()


def test_ray_actors_load_the_entity_model(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", studies(24))
    local, ray = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    assert run("structure", str(source), "-o", str(local), "--no-progress").returncode == 0
    done = run("structure", str(source), "-o", str(ray), "--no-progress", "--engine", "ray", "-w", "2")
    assert done.returncode == 0, done.stderr
    assert sorted_lines(ray) == sorted_lines(local)


def test_kill_9_mid_ray_run_then_rerun_loses_and_doubles_nothing(registry, tmp_path):
    source, reference = registry
    out = tmp_path / "ray.jsonl"
    command = ["structure", str(source), "-o", str(out), "--no-model", "--no-progress", "--engine", "ray", "-w", "2"]
    kill_mid_run(command, out, lambda: any(shard_dir(out).glob("*.jsonl")))
    assert not out.exists() or len(sorted_lines(out)) < 1000  # killed before the end
    rerun = run(*command)
    assert rerun.returncode == 0, rerun.stderr
    assert "merged" in rerun.stdout and "an interrupted Ray run left" in rerun.stdout
    assert sorted(ids(out)) == sorted(set(ids(reference))) and len(ids(reference)) == 1000  # none lost or doubled
    assert sorted_lines(out) == sorted_lines(reference)


def test_merging_shards_twice_writes_each_trial_once(registry, tmp_path):
    """A crash between appending a shard to OUT and deleting it: the next merge skips what OUT holds."""
    _, reference = registry
    lines = reference.read_text("utf-8").splitlines(keepends=True)[:6]
    out = tmp_path / "out.jsonl"
    out.write_text("".join(lines[:3]) + lines[3][:40])  # the last line cut short, as a kill leaves it
    shards = shard_dir(out)
    shards.mkdir()
    (shards / "a-000001.jsonl").write_text("".join(lines[2:5]))  # line 2 was merged before the crash
    (shards / "a-000002.jsonl").write_text("".join(lines[5:]))
    (shards / "a-000003.jsonl.tmp").write_text(lines[0][:30])  # being written at the kill: never whole
    summary = Summary()
    assert settle_shards(out, summary) == 3
    assert out.read_text("utf-8") == "".join(lines)
    assert not shards.exists()


def test_a_runs_own_shards_are_appended_whole_in_order_and_a_kill_mid_append_is_merged_next_run(registry, tmp_path):
    """The end of a run appends its shards as bytes (no line parsed, OUT not read again); a kill during
    that append leaves the shards, and the next run's merge writes each trial once."""
    _, reference = registry
    lines = reference.read_text("utf-8").splitlines(keepends=True)[:7]
    out = tmp_path / "out.jsonl"
    out.write_text("".join(lines[:2]).rstrip("\n"))  # OUT as a user left it: no newline at its end
    shards = shard_dir(out)
    shards.mkdir()
    (shards / "r-000002.jsonl").write_text("".join(lines[4:]))
    (shards / "r-000001.jsonl").write_text("".join(lines[2:4]))
    (shards / "r-000003.jsonl.tmp").write_text(lines[0][:30])  # a write stopped midway: never whole
    append_shards(out)
    assert out.read_text("utf-8") == "".join(lines)  # shards in the order written, after OUT's last line
    assert not shards.exists()

    out.write_text("".join(lines[:5]) + lines[5][:50])  # killed mid-append: shards not yet deleted
    shards.mkdir()
    (shards / "r-000001.jsonl").write_text("".join(lines[2:4]))
    (shards / "r-000002.jsonl").write_text("".join(lines[4:]))
    assert settle_shards(out, Summary()) == 2
    assert out.read_text("utf-8") == "".join(lines)
    assert not shards.exists()


def test_index_build_on_ray_is_the_one_machine_index(tmp_path):
    """The vectors are embedded by Ray actors a slice at a time and put back in chunk order: the same
    chunks, the same rows, vectors equal to float precision, and the same dense search results."""
    import numpy as np

    from trialsieve.index import dense, store

    source = write_jsonl(tmp_path / "in.jsonl", studies(15))
    built = {}
    for engine in ("local", "ray"):
        index = tmp_path / engine
        extra = ["--engine", "ray", "-w", "2"] if engine == "ray" else []
        done = run("index", "build", str(source), "--index", str(index), "--no-progress", *extra)
        assert done.returncode == 0, done.stderr
        manifest = store.read_manifest(index)
        assert rates(INDEXED, done.stderr)[:2] == (15, manifest.chunks)
        vectors = dense.read(store.generation_dir(index, manifest) / store.DENSE)
        query = ["index", "search", "hepatitis C treatment", "--index", str(index), "--method", "dense", "--json"]
        built[engine] = (manifest, vectors.reconstruct_n(0, vectors.ntotal), run(*query).stdout.splitlines())
    (local, local_vectors, local_hits), (ray, ray_vectors, ray_hits) = built["local"], built["ray"]
    facts = ("trials", "chunks", "index_type", "model", "dimension")
    assert [getattr(ray, f) for f in facts] == [getattr(local, f) for f in facts]
    assert np.allclose(ray_vectors, local_vectors, atol=1e-5)
    assert [json.loads(h)["chunk"] for h in ray_hits] == [json.loads(h)["chunk"] for h in local_hits]
