"""Fixtures shared by the index tests."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from trialsieve.extract.ingest import read_inputs
from trialsieve.index.chunks import chunk_trial

DEV = ROOT.parent / "shared" / "data" / "ctgov" / "studies.dev.jsonl"
# where ../shared is absent (CI's clean clone), the ClinicalTrials.gov records bundled with the app
BUNDLED = [ROOT / "data" / "trials" / "ctgov20.jsonl", ROOT / "data" / "trials" / "trialgpt.jsonl"]


@pytest.fixture(scope="module")
def passages() -> list[str]:
    """Every passage of the real dev records (about 12,000; 1,463 bundled), in the order a build numbers them."""
    trials, failures = read_inputs([str(DEV)] if DEV.is_file() else [str(p) for p in BUNDLED])
    assert not failures and len(trials) >= 100
    return [chunk.text for trial in trials for chunk in chunk_trial(trial)]
