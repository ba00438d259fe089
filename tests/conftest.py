from pathlib import Path

import pytest

from trialsieve.extract.ingest import read_file
from trialsieve.extract.structure import structure_trial
from trialsieve.trial import StructuredTrial

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "trials" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _structured(name: str) -> StructuredTrial:
    (trial,) = list(read_file(next(SEEDS.glob(f"{name}*.txt"))))
    return structure_trial(trial)


@pytest.fixture(scope="session")
def amass() -> StructuredTrial:
    return _structured("NCT04615455")


@pytest.fixture(scope="session")
def care_ssc() -> StructuredTrial:
    return _structured("NCT04356287")
