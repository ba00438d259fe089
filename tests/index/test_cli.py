"""``trialsieve index`` and ``trialsieve match`` as a user runs them (in-process, real models)."""

import json
import re
import shutil

import pytest
from typer.testing import CliRunner

from tests.conftest import FIXTURES, INDEXED, ROOT
from trialsieve.cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def said(result) -> str:
    """The output with the error panel's frame and line wrapping taken out."""
    return re.sub(r"[\s│╭╮╰╯─]+", " ", result.output)


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory):
    directory = tmp_path_factory.mktemp("cli") / "ix"
    result = invoke("index", "build", *INDEXED[:1], "--index", directory, "--no-progress")
    assert result.exit_code == 0, result.output
    assert "added 2 trials" in result.output
    return directory


def test_build_add_info_search(cli_index):
    result = invoke("index", "add", *INDEXED, "--index", cli_index, "--no-progress")
    assert result.exit_code == 0, result.output
    assert "added 3 trials" in result.output and "already indexed, unchanged: 2" in result.output
    info = json.loads(invoke("index", "info", "--index", cli_index, "--json").stdout)
    described = (info["trials"], info["model"], info["dimension"], info["index_type"])
    assert described == (5, "all-MiniLM-L6-v2", 384, "flat")
    assert info["bytes"] > 0
    found = invoke("index", "search", "Schirmer test dry eye Sjogren", "--index", cli_index, "-k", "3", "--json")
    hits = [json.loads(line) for line in found.stdout.splitlines()]
    assert len(hits) == 3 and hits[0]["chunk"]["trial_id"] == "NCT04615455"
    table = invoke("index", "search", "heart failure", "--index", cli_index, "--trials", "--status", "recruiting")
    assert table.exit_code == 0 and "NCT05000001" in table.output and "NCT04615455" not in table.output


def test_unreadable_inputs_are_reported_and_exit_non_zero(tmp_path):
    result = invoke("index", "build", FIXTURES / "broken.json", INDEXED[1], "--index", tmp_path / "ix", "--no-progress")
    assert result.exit_code == 1
    assert "FAILED" in result.output and "added 1 trials" in result.output


def test_no_readable_trial_changes_nothing(tmp_path):
    result = invoke("index", "build", FIXTURES / "broken.json", "--index", tmp_path / "ix", "--no-progress")
    assert result.exit_code == 1 and "no trials read" in result.output
    assert not (tmp_path / "ix").exists()


def test_bad_index_and_options_are_usage_errors(tmp_path, cli_index):
    missing = invoke("index", "search", "x", "--index", tmp_path / "none")
    assert missing.exit_code == 2 and "not a trialsieve index" in said(missing)
    method = invoke("index", "search", "x", "--index", cli_index, "--method", "magic")
    assert method.exit_code == 2 and "not one of" in said(method)
    sex = invoke("index", "search", "x", "--index", cli_index, "--sex", "other")
    assert sex.exit_code == 2


def test_match_ranks_trials_for_a_patient(cli_index):
    patient = ROOT / "data" / "patients" / "amass-ruled-out-schirmer.json"
    result = invoke("match", "--patient", patient, "--index", cli_index, "-k", "3", "--as-of", "2026-11-01", "--json")
    assert result.exit_code == 0, result.output
    ranked = [json.loads(line) for line in result.stdout.splitlines()]
    amass = next(r for r in ranked if r["trial_id"] == "NCT04615455")
    open_ones = [r for r in ranked if r["overall"] != "ineligible"]
    assert amass["retrieval_rank"] == 1 and amass["overall"] == "ineligible"
    assert open_ones and amass["rank"] == len(open_ones) + 1  # below every trial still open
    human = invoke("match", "--patient", patient, "--index", cli_index, "-k", "3", "--as-of", "2026-11-01")
    assert "ruled out by I3: Schirmer's test 1-5 mm/5 minutes" in human.stdout  # its words, not only its id


def test_eval_retrieval_writes_one_object_per_method(tmp_path):
    report = tmp_path / "retrieval.json"
    data = FIXTURES / "trialgpt_trials_tiny.jsonl"
    result = invoke("eval", "retrieval", "--data", data, "--json", report, "--no-progress")
    assert result.exit_code == 0, result.output
    scores = json.loads(report.read_text())
    for method in ("bm25", "dense", "hybrid"):
        assert {"ndcg@10", "p@10", "mrr", "recall@10", "recall@50"} <= set(scores[method])
    assert "NDCG" in result.output or "ndcg@10" in result.output


@pytest.mark.parametrize("change", [{"files": {}}, {"dimension": 768}])
def test_info_refuses_an_index_that_search_refuses(cli_index, tmp_path, change):
    broken = shutil.copytree(cli_index, tmp_path / "broken")
    manifest = json.loads((broken / "manifest.json").read_text())
    (broken / "manifest.json").write_text(json.dumps(manifest | change))
    for args in (["info"], ["search", "dry eye", "--method", "bm25"]):
        result = invoke("index", *args, "--index", broken)
        assert result.exit_code == 2 and "rebuild the index" in said(result), (args, result.output)


@pytest.mark.parametrize("k", [0, 1001, 1000000000])
def test_match_k_is_bounded(cli_index, k):
    patient = ROOT / "data" / "patients" / "amass-ruled-out-schirmer.json"
    result = invoke("match", "--patient", patient, "--index", cli_index, "-k", k)
    assert result.exit_code == 2 and "-k" in said(result)
