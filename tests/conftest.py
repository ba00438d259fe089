import shutil
from pathlib import Path

import pytest

from trialsieve.extract.ingest import read_file, read_inputs
from trialsieve.extract.structure import structure_trial
from trialsieve.extract.tagger import EntityTagger
from trialsieve.trial import StructuredTrial

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "trials" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def tagger() -> EntityTagger:
    """The shipped entity model, as a fresh install has it."""
    return EntityTagger.load()


def _structured(name: str, tagger: EntityTagger) -> StructuredTrial:
    (trial,) = list(read_file(next(SEEDS.glob(f"{name}*.txt"))))
    return structure_trial(trial, tagger)


@pytest.fixture(scope="session")
def amass(tagger) -> StructuredTrial:
    return _structured("NCT04615455", tagger)


@pytest.fixture(scope="session")
def care_ssc(tagger) -> StructuredTrial:
    return _structured("NCT04356287", tagger)


@pytest.fixture(scope="session")
def embedder():
    """The bundled all-MiniLM-L6-v2, loaded offline."""
    from trialsieve.index.embeddings import Embedder

    return Embedder()


#: Two seed trial pages and three ClinicalTrials.gov records with status, phase, sex, ages, conditions.
INDEXED = [str(SEEDS), str(FIXTURES / "ctgov_study.json"), str(FIXTURES / "ctgov_studies.jsonl")]


@pytest.fixture(scope="session")
def trials():
    found, failures = read_inputs(INDEXED)
    assert not failures
    return found


@pytest.fixture(scope="session")
def built(tmp_path_factory, trials, embedder) -> Path:
    """A real index (all-MiniLM-L6-v2, FAISS, BM25, SQLite) of the five trials; do not modify it."""
    from trialsieve.index.build import build

    directory = tmp_path_factory.mktemp("index") / "trials"
    build(directory, trials, embedder, progress=False)
    return directory


@pytest.fixture
def index_copy(built, tmp_path) -> Path:
    """A private copy of ``built`` for tests that change or break it."""
    return Path(shutil.copytree(built, tmp_path / "copy"))
