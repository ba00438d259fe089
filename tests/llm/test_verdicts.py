"""Unknown verdicts settled from the note by an LLM: checked sentence ids, quoted evidence."""

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from tests.conftest import FIXTURES
from trialsieve.cli import app
from trialsieve.llm.backends import OpenAICompatible
from trialsieve.llm.verdicts import note_reader, settle, verdict_from_note
from trialsieve.match.check import FOCUS, check
from trialsieve.match.patient import Patient

NOTE = "A 45-year-old man presents with chest pain. He has smoked a pack a day for 20 years. No known allergies."
CRITERION = "Current smoker"


@pytest.fixture
def llm(server):
    return OpenAICompatible(server.url, "tiny", retries=1)


def test_a_supported_verdict_quotes_its_sentences(server, llm):
    server.content(json.dumps({"verdict": "met", "sentences": [1]}))
    evidence = verdict_from_note(llm, CRITERION, "inclusion", NOTE)
    assert (evidence.verdict, evidence.source, evidence.match) == ("met", "note sentence 1", "llm")
    assert evidence.fact == "He has smoked a pack a day for 20 years."
    assert "1. He has smoked" in server.requests[0]["messages"][1]["content"]


@pytest.mark.parametrize(
    "reply",
    [
        {"verdict": "met", "sentences": []},  # no support named
        {"verdict": "not_met", "sentences": [7]},  # a sentence the note does not have
        {"verdict": "unknown", "sentences": [0]},
        "{broken",
    ],
)
def test_unsupported_or_failed_replies_leave_it_unknown(server, llm, reply):
    server.content(reply if isinstance(reply, str) else json.dumps(reply))
    assert verdict_from_note(llm, CRITERION, "inclusion", NOTE) is None
    server.content(reply if isinstance(reply, str) else json.dumps(reply))
    assert settle(llm, "unknown", [], CRITERION, "inclusion", NOTE) == ("unknown", [])


def test_settled_verdicts_are_never_asked_about(server, llm):
    assert settle(llm, "met", [], CRITERION, "inclusion", NOTE) == ("met", [])
    assert settle(None, "unknown", [], CRITERION, "inclusion", NOTE) == ("unknown", [])
    assert server.requests == []


def test_check_asks_only_about_unknown_top_level_criteria(server, llm, amass):
    patient = Patient(id="p", age=54, sex="female", note="54-year-old woman. She has Sjogren's syndrome.")
    plain = check(amass, patient, dt.date(2026, 1, 1))
    unknown = [
        c.id for c in plain.criteria if c.parent is None and c.verdict == "unknown" and c.id != FOCUS
    ]  # the trial's focus is no criterion
    for _ in unknown:
        server.content(json.dumps({"verdict": "not_met", "sentences": [1]}))
    report = check(amass, patient, dt.date(2026, 1, 1), read_note=note_reader(llm))
    assert len(server.requests) == len(unknown) > 0
    settled = [c for c in report.criteria if c.id in unknown]
    assert all(c.verdict == "not_met" and c.evidence[-1].match == "llm" for c in settled)


def test_the_apps_check_asks_the_llm_too(server, llm, built, embedder, tagger):
    from trialsieve.app.catalog import Catalog
    from trialsieve.app.ui import Services, _check
    from trialsieve.index.search import TrialIndex
    from trialsieve.match.concepts import ConceptMatcher

    services = Services(Catalog(TrialIndex(built, embedder), tagger), tagger, ConceptMatcher(embedder), llm)
    patient = Patient(id="p", age=54, sex="female", note="54-year-old woman. She has Sjogren's syndrome.")
    server.content(json.dumps({"facts": []}))  # the note's facts are read first
    for _ in range(40):
        server.content(json.dumps({"verdict": "not_met", "sentences": [1]}))
    _, rows, _ = _check(services, lambda: patient, "NCT04615455", "2026-11-01", False)
    assert len(server.requests) > 1
    assert any("read the note" in row[-1] for row in rows)


def test_eval_eligibility_reports_with_and_without_the_llm(server, tmp_path):
    for _ in range(100):
        server.content(json.dumps({"verdict": "unknown", "sentences": []}))
    report = tmp_path / "scores.json"
    args = ["eval", "eligibility", "--data", str(FIXTURES / "trialgpt_tiny.jsonl"), "--json", str(report)]
    result = CliRunner().invoke(app, [*args, "--no-progress", "--no-embeddings", "--llm", f"openai:{server.url}"])
    assert result.exit_code == 0, result.output
    scores = json.loads(report.read_text())
    assert scores["llm"]["accuracy"] == scores["accuracy"]  # every reply was "unknown": nothing changed
    assert scores["seconds_per_criterion"] > 0 and scores["llm"]["seconds_per_criterion"] > 0
    assert "without LLM: accuracy" in result.output and "with openai:" in result.output
