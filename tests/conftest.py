from pathlib import Path

import pytest

from trialsieve.extract.ingest import read_file
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
