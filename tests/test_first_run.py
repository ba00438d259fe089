"""Issue 22, "first run to daily use": the command line says what it did, what it skipped and why,
whatever the terminal, and stops cleanly. Each test runs the real command (a subprocess where exit
codes, signals and stderr matter) and fails on the behaviour the issue reported."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import FIXTURES, ROOT, SEEDS
from trialsieve import cli
from trialsieve.cli import app

AMASS = SEEDS / "NCT04615455-AMASS.txt"
CARE_SSC = SEEDS / "NCT04356287-CARE-SSc.txt"


def run(*args, cwd=ROOT, env=None):
    return subprocess.run(
        [sys.executable, "-m", "trialsieve.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


# --- errors and help ---------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", ["40", "300"])
def test_an_error_reads_the_same_whatever_the_terminal_width(tmp_path, columns):
    """The README's own test run failed on a fresh clone: Rich boxed the error and wrapped it at the
    terminal's width, so a phrase was found or not depending on the temporary path's length."""
    deep = tmp_path / ("a-long-folder-name-" * 6)
    deep.mkdir()
    bad = deep / "bad.json"
    bad.write_text('{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient", "gender": 7}}]}')
    result = run("check", "--patient", bad, "--trial", AMASS, "--no-embeddings", env={"COLUMNS": columns})
    assert result.returncode == 2
    assert f"Invalid value for --patient: {bad}: " in result.stderr  # the whole path, on one line
    assert "entry 0 (Patient/?): invalid" in result.stderr and "│" not in result.stderr


def test_help_shows_no_python_types():
    for args in (["structure", "--help"], ["index", "build", "--help"], ["check", "--help"]):
        text = CliRunner().invoke(app, args).output
        assert "<bool>" not in text and "<list[str]>" not in text, text
    assert "INPUT" in CliRunner().invoke(app, ["structure", "--help"]).output


# --- annotated JSONL: a bad row is named, counted, skipped ------------------------------------------------


def test_eval_eligibility_skips_a_null_criterion_text_and_says_so(tmp_path):
    """A real public TrialGPT row has "criterion_text": null; it crashed the run with a TypeError."""
    rows = [json.loads(line) for line in (FIXTURES / "trialgpt_tiny.jsonl").read_text().splitlines()]
    rows[1]["criterion_text"] = None
    data, scores, predictions = tmp_path / "rows.jsonl", tmp_path / "s.json", tmp_path / "p.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    args = ["--json", scores, "--predictions-out", predictions]
    result = run("eval", "eligibility", "--data", data, "--no-embeddings", "--no-progress", *args)
    assert result.returncode == 1, result.stderr
    assert f"SKIPPED {data}:2: not a TrialGPT criterion row: criterion_text is null, not a string" in result.stderr
    assert "skipped 1 bad rows" in result.stdout and f"criteria {len(rows) - 1}" in result.stdout
    written = json.loads(scores.read_text())
    assert written["skipped_rows"] == 1 and written["skipped"][0].startswith(f"{data}:2:")
    assert len(jsonl(predictions)) == len(rows) - 1


@pytest.mark.parametrize(
    ("command", "good"),
    [
        ("extraction", {"trial_id": "NCT00000001", "text": "Age >= 18 years", "entities": []}),
        ("logic", {"trial_id": "NCT00000001", "text": "Age >= 18 years", "entities": [], "relations": []}),
    ],
)
def test_eval_commands_skip_a_bad_row_and_go_on(tmp_path, command, good):
    data, scores = tmp_path / "rows.jsonl", tmp_path / "s.json"
    data.write_text(json.dumps(good) + "\n{oops\n" + json.dumps({**good, "text": None}) + "\n")
    result = CliRunner().invoke(
        app, ["eval", command, "--data", str(data), "--no-model", "--no-progress", "--json", str(scores)]
    )
    assert result.exit_code == 1, result.output
    assert f"{data}:2: not an LCT row" in result.output and f"{data}:3: not an LCT row" in result.output
    assert "skipped 2 bad rows" in result.output
    assert json.loads(scores.read_text())["skipped_rows"] == 2


def test_the_readers_owned_elsewhere_follow_the_same_rule(tmp_path):
    """qa, nli4ct and retrieval read through ``read_rows``: inside ``skipping()`` they record a bad
    line and keep the good ones, which is what their commands do through ``cli._data``."""
    from trialsieve.eval import nli4ct, qa, retrieval
    from trialsieve.jsonl import skipping

    for reader, good_file in (
        (qa.read, ROOT / "data" / "qa" / "questions.jsonl"),
        (nli4ct.read, FIXTURES / "nli4ct_statements_tiny.jsonl"),
        (retrieval.read, FIXTURES / "trialgpt_trials_tiny.jsonl"),
    ):
        good = good_file.read_text().splitlines()[0]
        data = tmp_path / "rows.jsonl"
        data.write_text(good + "\n[1, 2]\n")
        with skipping() as skipped:
            read = reader(data)
        assert [s.where for s in skipped] == [f"{data}:2"], reader
        assert "not a JSON object" in skipped[0].reason
        assert read if isinstance(read, list) else read.trials
        with pytest.raises(ValueError, match=r"rows\.jsonl:2"):  # outside, the first bad line is an error
            reader(data)


# --- --llm: failures are not silent --------------------------------------------------------------------


def test_criteria_jsonl_refuses_what_it_cannot_do(tmp_path):
    """--llm, --workers and --resume were accepted and ignored in --criteria-jsonl mode (exit 0)."""
    lines, out = FIXTURES / "criteria_lines.jsonl", tmp_path / "o.jsonl"
    base = ["structure", "--criteria-jsonl", lines, "-o", out, "--no-model", "--no-progress"]
    broken = run(*base, "--llm", "transformers:/nonexistent")
    assert broken.returncode == 2 and "/nonexistent is not a local model folder" in broken.stderr
    workers = run(*base, "--workers", "2")
    assert workers.returncode == 2 and "--workers" in workers.stderr
    resume = run(*base, "--resume")
    assert resume.returncode == 2 and "cannot resume" in resume.stderr
    assert not out.exists()


def test_an_unreachable_llm_server_is_said_on_stderr_and_in_the_exit_code(tmp_path):
    """The server being down was only logged in OUT.llm.jsonl; the run exited 0."""
    data, out = tmp_path / "lines.jsonl", tmp_path / "o.jsonl"
    data.write_text(json.dumps({"id": "c1", "text": "Able to comply with all study procedures"}) + "\n")
    args = ["--llm", "openai:http://127.0.0.1:9", "--no-model", "--no-progress"]
    result = run("structure", "--criteria-jsonl", data, "-o", out, *args)
    assert result.returncode == 1, result.stderr
    assert "FAILED LLM openai:http://127.0.0.1:9" in result.stderr and "1 of 1 calls failed" in result.stderr
    assert "cannot reach the LLM server" in result.stderr
    assert [r["id"] for r in jsonl(out)] == ["c1"]  # the rules' reading is kept
    (logged,) = jsonl(out.with_suffix(".llm.jsonl"))
    assert logged["criterion_id"] == "c1" and "cannot reach" in logged["error"]


# --- eval extraction without --part ------------------------------------------------------------------------


def test_eval_extraction_without_part_warns_that_it_scores_training_lines(tmp_path):
    """Without --part, the dev file's train lines were scored too (F1 0.908 against 0.725), unlabelled."""
    tiny, scores = FIXTURES / "lct_tiny.jsonl", tmp_path / "s.json"  # all three lines fall in the train part
    result = CliRunner().invoke(
        app, ["eval", "extraction", "--data", str(tiny), "--no-progress", "--json", str(scores)]
    )
    assert result.exit_code == 0, result.output
    assert "WARNING: no --part: 3 of 3 lines are in the train part" in result.output
    assert "scored: all parts, 3 of 3 lines from the train part (optimistic)" in result.output
    written = json.loads(scores.read_text())
    assert (written["part"], written["train_lines_scored"]) == ("all", 3)
    grammar = CliRunner().invoke(app, ["eval", "extraction", "--data", str(tiny), "--no-progress", "--no-model"])
    assert grammar.exit_code == 0 and "WARNING" not in grammar.output  # nothing was learned from them


# --- structure output and summary ----------------------------------------------------------------------------


def test_every_criterion_has_a_parent_null_at_the_top(tmp_path):
    """docs/rules.md: "the id of the enclosing criterion, or null"; top-level criteria had no key."""
    out = tmp_path / "o.jsonl"
    assert run("structure", CARE_SSC, "-o", out, "--no-model", "--no-progress").returncode == 0
    criteria = jsonl(out)[0]["criteria"]
    assert all("parent" in c for c in criteria)
    top = [c for c in criteria if c["parent"] is None]
    assert top and len(top) < len(criteria)  # CARE-SSc nests
    assert list(criteria[0])[:3] == ["id", "section", "parent"]


def test_the_summary_says_what_each_file_was_read_as(tmp_path):
    """A note caught by a *.txt glob was structured as a trial with no word about it."""
    note = tmp_path / "note.txt"
    note.write_text("A 64-year-old man with type 2 diabetes and hypertension. HbA1c 8.1%.\n")
    (tmp_path / AMASS.name).write_text(AMASS.read_text())
    result = run("structure", str(tmp_path / "*.txt"), "-o", tmp_path / "o.jsonl", "--no-model", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert f"read {note} as criteria text (1 trial)" in result.stdout
    assert f"read {tmp_path / AMASS.name} as trial page (1 trial)" in result.stdout


def test_the_structure_bar_has_a_total(tmp_path):
    result = run("structure", SEEDS, "-o", tmp_path / "o.jsonl", "--no-model")
    assert result.returncode == 0 and "2/2 [" in result.stderr  # a total, so tqdm shows an ETA


def test_eval_eligibility_shows_progress_after_the_notes():
    result = run("eval", "eligibility", "--data", FIXTURES / "trialgpt_tiny.jsonl", "--no-embeddings", "--no-model")
    assert result.returncode == 0, result.stderr
    assert "criteria: 100%" in result.stderr and "8/8" in result.stderr


def test_demo_structures_again_when_what_it_depends_on_changes(tmp_path, capsys):
    """A resume skips every trial already written, so demo served stale trees after an upgrade."""
    out = tmp_path / "out" / "trials.jsonl"
    cli._structure_for_demo([str(SEEDS)], out, None, progress=False)
    key = out.with_name("trials.jsonl.key")
    assert key.read_text().strip() == cli_key()
    cli._structure_for_demo([str(SEEDS)], out, None, progress=False)
    assert "nothing to do: 2 trials already in" in capsys.readouterr().out
    key.write_text("a key from another version\n")
    cli._structure_for_demo([str(SEEDS)], out, None, progress=False)
    said = capsys.readouterr()
    assert "structuring again" in said.err and "trials 2, criteria" in said.out
    assert len(jsonl(out)) == 2 and key.read_text().strip() == cli_key()


def cli_key() -> str:
    from trialsieve.batch import structure_key

    return structure_key(None)


def test_the_demo_key_follows_the_model_files(tmp_path):
    from trialsieve.batch import structure_key

    model = tmp_path / "model"
    model.mkdir()
    (model / "weights.bin").write_bytes(b"one")
    before = structure_key(model)
    (model / "weights.bin").write_bytes(b"two")
    assert structure_key(model) != before and structure_key(None) != before


# --- stopping ------------------------------------------------------------------------------------------------


def _started(process: subprocess.Popen, marker: str, timeout: float = 120) -> str:
    """Read the process's stderr until ``marker`` shows (the bar has started), then keep draining it."""
    seen, found = [], threading.Event()

    def drain():
        for chunk in iter(lambda: process.stderr.read(1), ""):
            seen.append(chunk)
            if marker in "".join(seen[-200:]):
                found.set()

    threading.Thread(target=drain, daemon=True).start()
    assert found.wait(timeout), "".join(seen)
    return seen


def _interruptible() -> None:
    """Ctrl-C as a terminal gives it. A job started in the background (``cmd &``, nohup, some CI runners)
    inherits SIGINT ignored, and Python then installs no KeyboardInterrupt: the command would rightly
    ignore the test's Ctrl-C and finish with 0."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in children.read_text().split()] if children.exists() else []


@pytest.mark.parametrize(
    ("sent", "code", "name", "workers"),
    [(signal.SIGINT, 130, "Ctrl-C", "2"), (signal.SIGTERM, 143, "SIGTERM", "2"), (signal.SIGTERM, 143, "SIGTERM", "1")],
)
def test_stopping_structure_stops_the_workers_and_says_how_to_resume(tmp_path, sent, code, name, workers):
    """Ctrl-C printed nothing; SIGTERM on --workers 2 left the workers running for ~20 s."""
    out, many = tmp_path / "o.jsonl", tmp_path / "many.jsonl"
    with many.open("w") as sink:  # enough trials (about a minute's work) that the run is stopped midway
        for copy in range(25):
            for line in (ROOT / "data" / "trials" / "trialgpt.jsonl").read_text().splitlines():
                record = json.loads(line)
                ident = record["protocolSection"]["identificationModule"]
                ident["nctId"] = f"{ident['nctId']}-{copy}"
                sink.write(json.dumps(record) + "\n")
    args = ["structure", many, "-o", out, "--workers", workers]
    process = subprocess.Popen(
        [sys.executable, "-m", "trialsieve.cli", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=_interruptible,
    )
    seen = _started(process, "structuring:")
    children = _children(process.pid)
    assert children or workers == "1", "no worker processes"
    time.sleep(1)  # inside the structuring loop
    process.send_signal(sent)
    start = time.monotonic()
    stdout = process.stdout.read()
    assert process.wait(30) == code
    assert time.monotonic() - start < 10
    time.sleep(0.5)
    assert not [c for c in children if Path(f"/proc/{c}").exists() and "zombie" not in _state(c)]
    stderr = "".join(seen)
    assert f"stopped by {name}: " in stderr and "run the same command again to resume" in stderr, stderr
    assert "Traceback" not in stderr
    assert "trials " in stdout and "structuring failed" not in stderr
    if out.exists():  # what was written is whole lines
        jsonl(out)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except FileNotFoundError:
        return "zombie"


# --- check -------------------------------------------------------------------------------------------------------


def test_check_refuses_a_file_with_several_trials_and_takes_trial_id(tmp_path):
    """It silently checked the patient against the file's first trial."""
    patient = ROOT / "data" / "patients" / "amass-eligible.json"
    several = FIXTURES / "ctgov_studies.jsonl"
    ids = [json.loads(line)["protocolSection"]["identificationModule"]["nctId"] for line in several.open()]
    base = ["check", "--patient", patient, "--trial", several, "--no-embeddings", "--no-model", "--json"]
    refused = run(*base)
    assert refused.returncode == 2
    assert f"holds {len(ids)} trials ({', '.join(ids)}); choose one with --trial-id" in refused.stderr
    chosen = run(*base, "--trial-id", ids[-1])
    assert chosen.returncode == 0, chosen.stderr
    assert json.loads(chosen.stdout)["trial_id"] == ids[-1]
    unknown = run(*base, "--trial-id", "NCT99999999")
    assert unknown.returncode == 2 and "no trial NCT99999999" in unknown.stderr


def test_check_wide_prints_evidence_whole():
    """The human form cut criteria and evidence with [...] and had no way to widen it."""
    patient = ROOT / "data" / "patients" / "amass-eligible.json"
    base = ["check", "--patient", patient, "--trial", AMASS, "--as-of", "2026-11-22", "--no-embeddings"]
    cut, wide = run(*base), run(*base, "--wide")
    assert cut.returncode == 0 and wide.returncode == 0, wide.stderr
    assert "[...]" in cut.stdout and "[...]" not in wide.stdout
    judged = " ".join(wide.stdout.split())
    assert "Any other disease/condition judged by the investigator to" in judged
    assert all(len(line) <= 100 for line in wide.stdout.splitlines()[1:] if line.startswith(" "))


# --- training and model loading --------------------------------------------------------------------------------


def test_train_entities_never_defaults_to_the_installed_model(tmp_path):
    from trialsieve.extract.tagger import shipped

    data = tmp_path / "lct.jsonl"
    data.write_text(json.dumps({"trial_id": "NCT00000004", "text": "Age >= 18", "entities": []}) + "\n")
    before = (shipped() / "weights.safetensors").stat().st_mtime_ns
    result = run("train-entities", "--data", data, "--no-progress", cwd=tmp_path)
    assert "training into models/entities-" in result.stderr, result.stderr
    assert str(shipped()) not in result.stderr
    assert (shipped() / "weights.safetensors").stat().st_mtime_ns == before


def test_commands_do_not_print_transformers_loading_bars():
    """Every command that loaded a model printed transformers' "Loading weights" bar."""
    code = "import trialsieve.cli, transformers.utils.logging as l; print(l.is_progress_bar_enabled())"
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_DISABLE_PROGRESS_BARS"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.stdout.strip() == "False", done.stderr


# --- index search ----------------------------------------------------------------------------------------------


def test_index_search_prints_a_header_and_a_score_a_person_reads(tmp_path):
    """The table had no header and RRF scores (~0.03) nobody can read."""
    index = tmp_path / "ix"
    assert run("index", "build", SEEDS, "--index", index, "--no-progress").returncode == 0
    found = run("index", "search", "dry eye Schirmer", "--index", index, "-k", "3")
    assert found.returncode == 0, found.stderr
    header, first, *rest = found.stdout.splitlines()
    assert header.split() == ["rank", "match", "trial", "where", "passage"]
    assert first.split()[:3] == ["1", "100%", "NCT04615455"]
    assert all(line.split()[1].endswith("%") for line in rest[:2])
    assert rest[-1].startswith("match: the hybrid score as a share of the first result's")
    raw = json.loads(run("index", "search", "dry eye", "--index", index, "-k", "1", "--json").stdout)
    assert 0 < raw["score"] < 1  # --json keeps the raw score


def test_stopping_criteria_jsonl_keeps_whole_lines_and_says_so(tmp_path):
    lines, out = ROOT / "data" / "lct" / "criteria_entities.dev.jsonl", tmp_path / "o.jsonl"
    command = [sys.executable, "-m", "trialsieve.cli", "structure", "--criteria-jsonl", str(lines), "-o", str(out)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, preexec_fn=_interruptible
    )
    seen = _started(process, "structuring:")
    time.sleep(1)
    process.send_signal(signal.SIGINT)
    process.stdout.read()
    assert process.wait(30) == 130
    stderr = "".join(seen)
    assert "stopped by Ctrl-C: the first " in stderr and "OUT is rewritten" in stderr, stderr
    assert "Traceback" not in stderr
    jsonl(out)  # whole lines only


def test_the_readme_command_table_is_one_table():
    """A blank line split it, so GitHub rendered its second half as text."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Commands") :]
    section = section[: section.index("\n## ", 1)]
    rows = [i for i, line in enumerate(section.splitlines()) if line.startswith("| `trialsieve ")]
    assert len(rows) > 10 and rows == list(range(rows[0], rows[0] + len(rows)))
