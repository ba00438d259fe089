"""Every endpoint of the running app through gradio_client, bad input included, and 8 users at once."""

import time
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from tests.conftest import ROOT

AMASS = "NCT04615455"
PATIENTS = ROOT / "data" / "patients"


@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, verbose=False)


def test_every_handler_is_an_endpoint(client):
    endpoints = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    expected = {"/ask", "/check_form", "/check_json", "/check_upload", "/check_note", "/search", "/explore", "/match"}
    assert endpoints == expected


def test_ask_answers_with_a_citation(client):
    answer = client.predict("What is the minimum age for the AMASS trial?", api_name="/ask")
    assert "**18 years**" in answer and f"[{AMASS} · Registry: minimum age]" in answer


def test_eight_concurrent_questions_are_all_answered(client, app_url):
    questions = [
        "What is the minimum age for the AMASS trial?",
        "What are the exclusion criteria of NCT04356287?",
        "Which trials exclude pregnant women?",
        "Schirmer test results needed",
    ] * 2

    def ask(question):
        return Client(app_url, verbose=False).predict(question, api_name="/ask")

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, questions))
    assert all(answers) and all("NCT" in a for a in answers)


def test_checks_from_a_record_an_upload_a_form_and_a_note(client):
    record = (PATIENTS / "amass-ruled-out-schirmer.json").read_text()
    verdict, table, notes = client.predict(AMASS, "2026-11-01", False, record, api_name="/check_json")
    assert "INELIGIBLE" in verdict and "Inclusion 3" in verdict
    assert table["headers"][:3] == ["criterion", "section", "verdict"] and len(table["data"]) > 5
    assert "Data to collect" in notes
    uploaded = client.predict(
        AMASS, "2026-11-01", False, handle_file(PATIENTS / "amass-eligible.json"), api_name="/check_upload"
    )
    assert "INELIGIBLE" not in uploaded[0]
    form = {"headers": ["name", "value", "unit"], "data": [["hemoglobin", 12, "g/dL"]]}
    by_form = client.predict(AMASS, "2026-11-01", False, 15, "female", "dry eye", "", form, api_name="/check_form")
    assert "INELIGIBLE" in by_form[0]  # 15 years old; the trial starts at 18
    note = "17-year-old girl with Sjogren's syndrome and dry eyes."
    assert "INELIGIBLE" in client.predict(AMASS, "", False, note, api_name="/check_note")[0]


@pytest.mark.parametrize(
    ("record", "says"),
    [
        ("{not json", "not valid JSON"),
        ("x" * 17_000_000, "over 16 MB"),
        ('{"resourceType": "Bundle", "entry": 5}', "entry is not a list"),
    ],
)
def test_bad_records_give_a_message_and_the_app_keeps_serving(client, record, says):
    with pytest.raises(AppError, match=says):
        client.predict(AMASS, "", False, record, api_name="/check_json")
    assert "18 years" in client.predict("minimum age of AMASS", api_name="/ask")


def test_bad_trial_date_and_upload_are_refused(client, tmp_path):
    record = (PATIENTS / "amass-eligible.json").read_text()
    with pytest.raises(AppError, match="NCT00000000"):
        client.predict("NCT00000000", "", False, record, api_name="/check_json")
    with pytest.raises(AppError, match="not a date"):
        client.predict(AMASS, "next week", False, record, api_name="/check_json")
    image = tmp_path / "scan.txt"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff")
    with pytest.raises(AppError, match="not UTF-8"):
        client.predict(AMASS, "", False, handle_file(image), api_name="/check_upload")


def test_search_explore_and_match(client):
    found = client.predict("Schirmer test dry eye Sjogren", api_name="/search")
    assert found["data"][0][1] == AMASS
    rules, source, download = client.predict("NCT04356287", api_name="/explore")
    assert "Inclusion 2" in rules and "at least 1 of" in rules and "Severe disease defined as" in source
    assert download["value"].endswith("NCT04356287.json")
    ranked = client.predict("54-year-old woman with Sjogren's syndrome and dry eye disease", None, 3, api_name="/match")
    assert ranked["headers"][:3] == ["rank", "trial", "verdict"] and ranked["data"][0][1] == AMASS
    with pytest.raises(AppError, match="nothing was pasted"):
        client.predict("", None, 3, api_name="/match")


def _alias_bomb(path):
    """A ~330-byte patient file whose facts, once anything walks them, are 9**9 strings (by YAML aliases)."""
    names = "abcdefghi"
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]" for p, n in pairwise(names)]
    path.write_text("\n".join([*lines, "facts: *i"]) + "\n")
    return path


def test_an_ask_is_answered_in_under_a_second_while_another_client_uploads_the_alias_bomb(
    app_url, tmp_path, monkeypatch
):
    from trialsieve.app import work

    monkeypatch.setattr(work, "TIME_LIMIT", 5.0)  # the bomb's request ends soon either way
    bomb = handle_file(_alias_bomb(tmp_path / "bomb.yaml"))
    uploader, asker = Client(app_url, verbose=False), Client(app_url, verbose=False)
    asker.predict("minimum age of AMASS", api_name="/ask")  # warm
    with ThreadPoolExecutor(1) as pool:
        # The app runs in this process: timed from before the pause, in case the bomb holds the GIL.
        started = time.perf_counter()
        upload = pool.submit(uploader.predict, AMASS, "", False, bomb, api_name="/check_upload")
        time.sleep(1.0)  # the upload is being read
        answer = asker.predict("What is the minimum age for the AMASS trial?", api_name="/ask")
        took = time.perf_counter() - started - 1.0
        with pytest.raises(AppError):  # refused by the reader or stopped by the time limit
            upload.result(timeout=60)
    assert "18 years" in answer
    assert took < 1.0, f"the Ask took {took:.2f} s while the bomb was read"


def test_a_check_that_runs_too_long_says_it_took_too_long(client, monkeypatch):
    from trialsieve.app import ui, work

    def slow_check(*args):
        time.sleep(3)

    monkeypatch.setattr(ui, "check", slow_check)
    monkeypatch.setattr(work, "TIME_LIMIT", 0.5)
    record = (PATIENTS / "amass-eligible.json").read_text()
    started = time.perf_counter()
    with pytest.raises(AppError, match="took too long"):
        client.predict(AMASS, "", False, record, api_name="/check_json")
    assert time.perf_counter() - started < 2.5


@pytest.mark.parametrize("field", ["conditions", "medications"])
def test_a_megabyte_in_a_form_field_is_refused_at_once(client, field):
    big = "dry eye disease\n" * 65_000  # about 1 MB
    conditions, medications = (big, "") if field == "conditions" else ("", big)
    form = {"headers": ["name", "value", "unit"], "data": [["", None, ""]]}
    started = time.perf_counter()
    with pytest.raises(AppError, match=f"{field} are over"):
        client.predict(AMASS, "", False, 40, "female", conditions, medications, form, api_name="/check_form")
    assert time.perf_counter() - started < 3


def test_a_megabyte_date_or_question_is_refused_with_a_short_message(client):
    record = (PATIENTS / "amass-eligible.json").read_text()
    with pytest.raises(AppError, match="not a date") as refused:
        client.predict(AMASS, "2026" * 250_000, False, record, api_name="/check_json")
    assert len(str(refused.value)) < 500
    assert "limited to 2,000 characters" in client.predict("why? " * 200_000, api_name="/ask")


def test_a_refused_request_logs_one_line_and_no_traceback(client, capfd, caplog):
    """The user gets the message in the page; the console gets one line, not Gradio's 30-line traceback."""
    capfd.readouterr()
    with caplog.at_level("WARNING", logger="trialsieve.app"):
        with pytest.raises(AppError, match="not valid JSON"):
            client.predict(AMASS, "", False, "{not json", api_name="/check_json")
        with pytest.raises(AppError, match="Type something"):
            client.predict("  ", api_name="/search")
    printed = capfd.readouterr()
    assert "Traceback" not in printed.out + printed.err
    refused = [r.getMessage() for r in caplog.records if r.name == "trialsieve.app"]
    assert len(refused) == 2 and "not valid JSON" in refused[0] and "\n" not in refused[0]


def test_a_match_quotes_the_criterion_that_rules_the_patient_out(client):
    ranked = client.predict("", handle_file(PATIENTS / "amass-ruled-out-schirmer.json"), 5, api_name="/match")
    amass = next(row for row in ranked["data"] if row[1] == AMASS)
    assert "INELIGIBLE" in amass[2]
    assert "Inclusion 3: “Schirmer's test 1-5 mm/5 minutes”" in amass[6]


def test_explore_shows_the_criteria_as_registered_not_the_record(client):
    _, source, _ = client.predict(AMASS, api_name="/explore")
    assert source.lstrip().lower().startswith("inclusion criteria") and '"id":' not in source
