import re
import tempfile
from pathlib import Path
from types import SimpleNamespace

from trialsieve.app import ui


def test_explore_writes_the_download_to_a_private_folder_whatever_the_trial_id(amass, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    hostile = "../../escaped"
    structured = amass.model_copy(update={"trial": amass.trial.model_copy(update={"id": hostile})})
    services = SimpleNamespace(
        catalog=SimpleNamespace(trials={hostile: structured.trial}, structured=lambda _: structured)
    )
    _, _, download = ui._explore(services, hostile)
    name = download.value["orig_name"]
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.json", name)
    written = ui.downloads() / name
    assert f'"id": "{hostile}"' in written.read_text()
    assert ui.downloads() != Path(tempfile.gettempdir()) / "trialsieve"  # no fixed folder other users share
    assert (ui.downloads().stat().st_mode & 0o777) == 0o700
    assert not (tmp_path / "escaped.json").exists()


def test_work_in_a_child_that_overruns_is_stopped_and_says_so(monkeypatch):
    import time

    import pytest

    from trialsieve.app import work

    monkeypatch.setattr(work, "TIME_LIMIT", 1.0)
    started = time.perf_counter()
    with pytest.raises(work.TookTooLong, match="took too long"):
        work.in_child(time.sleep, 30)
    assert time.perf_counter() - started < 10
    assert work.in_child(len, "four") == 4
