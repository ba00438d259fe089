import pytest

from trialsieve.index.chunks import chunk_trial
from trialsieve.index.metadata import Filters, Metadata, phase_key, status_key


@pytest.fixture
def metadata(tmp_path, trials):
    store = Metadata(tmp_path / "m.sqlite", create=True)
    chunks = [c for t in trials for c in chunk_trial(t)]
    store.add(trials, enumerate(chunks))
    yield store, chunks
    store.close()


def admitted(metadata, **filters) -> set[str]:
    store, chunks = metadata
    return {chunks[row].trial_id for row in store.rows(Filters(**filters))}


def test_keys_normalise_registry_spellings():
    assert status_key("NOT_YET_RECRUITING") == status_key("Not yet recruiting")
    assert phase_key("PHASE2") == phase_key("Phase 2") == phase_key("2") == "phase2"
    assert phase_key("EARLY_PHASE1") != phase_key("PHASE1")


def test_filters_select_trials_by_their_fields(metadata):
    assert admitted(metadata, status=["recruiting"]) == {"NCT05000001"}
    assert admitted(metadata, phase=["3"]) == {"NCT05000001"}
    assert admitted(metadata, phase=["Phase 2"]) == {"NCT05000002", "NCT05000003", "NCT04615455", "NCT04356287"}
    assert admitted(metadata, phase=["1"]) == {"NCT04356287"}  # phase 1/2
    assert admitted(metadata, condition="heart failure") == {"NCT05000001"}
    assert "NCT05000002" not in admitted(metadata, sex="male")  # a trial for women only
    assert "NCT05000002" in admitted(metadata, sex="female")


def test_age_filter_reads_limits_in_years(metadata):
    at_30 = admitted(metadata, age=30)
    assert {"NCT05000001", "NCT05000002"} <= at_30 and "NCT05000003" not in at_30  # 40 years and over
    assert "NCT05000002" not in admitted(metadata, age=41)  # 18 to 40
    assert "NCT05000001" not in admitted(metadata, age=90)  # 18 to 85


def test_no_filter_admits_every_row_and_chunks_round_trip(metadata):
    store, chunks = metadata
    assert len(store.rows(Filters())) == len(chunks)
    assert store.chunks([0, 5]) == {0: chunks[0], 5: chunks[5]}
    assert store.counts() == (5, len(chunks))


def test_condition_wildcards_are_plain_text(metadata):
    assert admitted(metadata, condition="%") == set()
    assert admitted(metadata, condition="_") == set()
    assert admitted(metadata, condition="heart_failure") == set()  # '_' is not "any character"
    assert admitted(metadata, condition="heart%failure") == set()
    assert admitted(metadata, condition="\\") == set()
    assert admitted(metadata, condition="HEART failure") == {"NCT05000001"}
