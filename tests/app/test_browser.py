"""The app in a real headless browser (Debian's chromium, driven by Playwright), offline.

Every request the page makes to anywhere but the app is recorded and refused: the page must
render and work without them. Screenshots go to $TRIALSIEVE_SCREENSHOTS (docs/screenshots for
the README) or a temp folder.
"""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# CI installs chromium and sets TRIALSIEVE_REQUIRE_BROWSER, so there a missing browser fails, never skips.
pytestmark = pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not os.environ.get("TRIALSIEVE_REQUIRE_BROWSER"),
    reason="needs Debian's chromium: apt-get install chromium",
)


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.outside = []

        def guard(route):
            host = urlparse(route.request.url).hostname
            if host in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                page.outside.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.goto(app_url)
        page.get_by_text("trials indexed").wait_for(timeout=30_000)
        yield page
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("TRIALSIEVE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_ask_the_minimum_age_and_see_the_citation(page, shots):
    question = page.get_by_label("Question")
    question.fill("What is the minimum age for the AMASS trial?")
    question.press("Enter")
    answer = page.locator(".message").filter(has_text="18 years").last
    answer.wait_for(timeout=30_000)
    assert "NCT04615455 · Registry: minimum age" in answer.inner_text()
    link = answer.get_by_role("link", name="NCT04615455 · Registry: minimum age")
    assert link.get_attribute("href").endswith("?trial=NCT04615455")
    page.screenshot(path=shots / "ask.png", full_page=True)


@pytest.mark.parametrize(
    ("question", "says", "cites"),
    [
        ("Do both AMASS and CARE-SSc exclude pregnant women?", "CARE-SSc", "NCT04356287 · Exclusion"),
        ("Which trials exclude pregnancy?", "indexed trials", "NCT04615455 · Exclusion 4"),
        ("Would a pregnant woman with Sjögren's syndrome be eligible for AMASS?", "No:", "NCT04615455 · Exclusion 4"),
    ],
    ids=["comparison", "list", "eligibility"],
)
def test_ask_a_comparison_a_list_and_an_eligibility_question(page, question, says, cites):
    page.get_by_role("tab", name="Ask").click()
    box = page.get_by_label("Question")
    box.fill(question)
    box.press("Enter")
    answer = page.locator(".message").filter(has_text=cites).filter(has_text=says).last
    answer.wait_for(timeout=30_000)  # this question's answer: the chat keeps the earlier ones


def test_check_an_example_patient(page, shots):
    page.get_by_role("tab", name="Check eligibility").click()
    trial = page.get_by_role("combobox", name="Trial")
    trial.click()
    trial.fill("NCT04615455")
    page.get_by_role("option", name="NCT04615455", exact=False).first.click()
    page.get_by_role("tab", name="FHIR or patient JSON").click()
    page.get_by_role("button", name="amass-ruled-out-schirmer").click()
    page.get_by_text('"resourceType"').first.wait_for(timeout=10_000)
    page.get_by_role("button", name="Check this record").click()
    verdict = page.get_by_text("INELIGIBLE")
    verdict.wait_for(timeout=30_000)
    page.get_by_text("Ruled out by: Inclusion 3").wait_for(timeout=5_000)
    page.screenshot(path=shots / "check.png", full_page=True)


def test_explore_and_match(page, shots):
    page.get_by_role("tab", name="Explore trials").click()
    search = page.get_by_label("Search the trials")
    search.fill("Schirmer test dry eye")
    search.press("Enter")
    cell = page.get_by_text("NCT04615455", exact=True).locator("visible=true").first
    cell.wait_for(timeout=30_000)
    cell.click()
    page.get_by_text("Schirmer's test 1-5 mm/5 minutes").locator("visible=true").first.wait_for(timeout=30_000)
    page.screenshot(path=shots / "explore.png", full_page=True)
    page.get_by_role("tab", name="Match").click()
    page.get_by_label("Patient note").fill(
        "54-year-old woman with Sjogren's syndrome and severe dry eye disease. Schirmer's test 8 mm/5 minutes."
    )
    page.get_by_role("button", name="Find trials").click()
    # AMASS, ruled out by her Schirmer's test: the row quotes the criterion, not only its label
    quoted = page.get_by_text("Inclusion 3: “Schirmer's test 1-5 mm/5 minutes”").locator("visible=true").first
    quoted.wait_for(timeout=60_000)
    page.screenshot(path=shots / "match.png", full_page=True)


def test_the_ask_tabs_examples_ask_when_clicked(page):
    page.get_by_role("tab", name="Ask").click()
    page.get_by_role("button", name="What are the exclusion criteria of NCT04356287?").click()
    page.locator(".message").filter(has_text="Exclusion criteria of CARE-SSc").last.wait_for(timeout=30_000)
    page.get_by_role("button", name="Which trials exclude pregnant women?").click()
    asked = page.locator(".message").filter(has_text="Which trials exclude pregnant women?").last
    asked.wait_for(timeout=30_000)
    page.locator(".message").filter(has_text="NCT04615455 · Exclusion 4").last.wait_for(timeout=30_000)


def test_a_long_list_folds_its_rest_and_opens(page, monkeypatch):
    """Past the list's limit the rest sit in a fold the reader opens; each line names its trial once."""
    from trialsieve.app import answer

    monkeypatch.setitem(answer._lexicon(), "max_listed_trials", 1)  # this index lists 4 trials, the app 15
    page.get_by_role("tab", name="Ask").click()
    box = page.get_by_role("textbox", name="Question")  # a reply that says "the question" is labelled so too
    box.fill("Which trials exclude pregnant women?")
    box.press("Enter")
    reply = page.locator(".message").filter(has_text="more").last
    reply.wait_for(timeout=30_000)
    fold = reply.locator("details")
    assert not fold.locator("li").first.is_visible()
    fold.locator("summary").click()
    hidden = fold.locator("li")
    hidden.first.wait_for(state="visible", timeout=10_000)
    assert hidden.count() == int(fold.locator("summary").inner_text().split()[2]) >= 1
    shown = reply.locator("li").all_inner_texts()
    assert len(shown) >= 2 and all(text.count("NCT") == 1 and "Exclusion" in text for text in shown)


def test_no_label_floats_over_the_chat(page):
    """Gradio's label badge sat over the chat and hid the top message once it scrolled."""
    page.get_by_role("tab", name="Ask").click()
    page.locator(".message").first.wait_for(timeout=30_000)
    floating = page.evaluate(
        """() => [...document.querySelector('.message').closest('.block').querySelectorAll('*')]
            .filter(e => getComputedStyle(e).position === 'absolute' && (e.innerText || '').trim())
            .map(e => e.innerText.trim())"""
    )
    assert floating == []


def test_a_blank_age_is_not_recorded(page):
    """An age left blank is unknown, not 0: a woman of no stated age is not ruled out by a minimum age."""
    page.get_by_role("tab", name="Check eligibility").click()
    _pick_trial(page, "NCT04615455")
    page.get_by_role("tab", name="Form").click()
    assert page.get_by_label("Age (years)").input_value() == ""
    page.get_by_label("female", exact=True).check()
    page.get_by_label("Conditions, one per line").fill("Sjogren syndrome\ndry eye")
    page.get_by_role("button", name="Check the form's patient").click()
    page.get_by_text("age not recorded").first.wait_for(timeout=30_000)
    body = page.locator("body").inner_text()
    assert "age 0" not in body and "Ruled out by: Registry: minimum age" not in body


def test_an_example_patient_picks_its_trial(page):
    page.get_by_role("tab", name="Check eligibility").click()
    _pick_trial(page, "NCT04356287")
    page.get_by_role("tab", name="FHIR or patient JSON").click()
    page.get_by_role("button", name="amass-eligible").click()
    trial = page.get_by_role("combobox", name="Trial")
    page.wait_for_function(
        "() => document.querySelector('input[aria-label=\"Trial\"]')?.value.startsWith('NCT04615455')",
        timeout=10_000,
    )
    assert "AMASS" in trial.input_value()
    page.get_by_role("button", name="care-ssc-branch-i", exact=True).click()
    page.wait_for_function(
        "() => document.querySelector('input[aria-label=\"Trial\"]')?.value.startsWith('NCT04356287')",
        timeout=10_000,
    )


def test_a_search_opens_its_first_trial_with_the_criteria_beside_it(page):
    """The tree shown is the first result's, the source panel holds the criteria as registered (not the
    record as JSON), and no leaf runs past the panel's right edge."""
    page.goto(page.url.split("?")[0] + "?trial=NCT04356287")  # another trial open before the search
    page.get_by_text("Severe disease defined as").locator("visible=true").first.wait_for(timeout=30_000)
    search = page.get_by_label("Search the trials")
    search.fill("Schirmer test dry eye")
    search.press("Enter")
    heading = page.locator(".rule-tree h3").filter(has_text="NCT04615455")
    heading.wait_for(timeout=30_000)
    source = page.get_by_label("Source text (the criteria as registered)")
    page.wait_for_function(
        "() => [...document.querySelectorAll('textarea')].some(t => t.value.includes('Schirmer'))", timeout=10_000
    )
    text = source.input_value()
    assert text.lstrip().lower().startswith("inclusion criteria") and '"id":' not in text
    page.goto(page.url.split("?")[0] + "?trial=NCT04356287")  # long leaves
    page.get_by_text("Severe disease defined as").locator("visible=true").first.wait_for(timeout=30_000)
    cut = page.evaluate(
        "() => [...document.querySelectorAll('.rule-tree pre')].filter(p => p.scrollWidth > p.clientWidth + 1).length"
    )
    assert cut == 0


def _pick_trial(page, trial_id: str) -> None:
    trial = page.get_by_role("combobox", name="Trial")
    trial.click()
    trial.fill(trial_id)
    page.get_by_role("option", name=trial_id, exact=False).first.click()


def test_a_narrow_window_does_not_scroll_sideways(page, shots):
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.get_by_role("tab", name="Ask").click()
    page.wait_for_timeout(500)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=shots / "narrow.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert overflow <= 0


def test_the_page_asked_nothing_of_the_internet(page):
    assert page.outside == []


PAYLOADS = "![x](http://example.invalid/a.png) <img src=http://example.invalid/b.png>"


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory, embedder, tagger):
    """A second app whose one trial carries markdown-image and HTML-image payloads in its title and criteria."""
    import json

    from tests.app.conftest import serving
    from tests.conftest import FIXTURES
    from trialsieve.app.catalog import Catalog
    from trialsieve.app.ui import Services
    from trialsieve.extract.ingest import read_inputs
    from trialsieve.index.build import build
    from trialsieve.index.search import TrialIndex
    from trialsieve.match.concepts import ConceptMatcher

    folder = tmp_path_factory.mktemp("hostile")
    study = json.loads((FIXTURES / "ctgov_study.json").read_text())
    module = study["protocolSection"]
    module["identificationModule"].update(nctId="NCT05999999", briefTitle=f"Heart failure {PAYLOADS}")
    module["eligibilityModule"]["eligibilityCriteria"] = (
        f"Inclusion Criteria:\n\n* Age ≥ 18 years\n* Heart failure {PAYLOADS}\n\n"
        f"Exclusion Criteria:\n\n* Pregnancy {PAYLOADS}\n* Type 1 diabetes ```\n<img src=http://example.invalid/c.png>"
    )
    (folder / "hostile.json").write_text(json.dumps(study))
    trials, _ = read_inputs([str(folder / "hostile.json")])
    build(folder / "index", trials, embedder, progress=False)
    services = Services(Catalog(TrialIndex(folder / "index", embedder), tagger), tagger, ConceptMatcher(embedder))
    with serving(services) as url:
        yield url


def test_image_payloads_in_a_trial_and_a_question_fetch_nothing_outside(page, hostile_url):
    """Trial text, a question and an error quoting what was typed all show their images as text."""
    context = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    hostile = context.new_page()
    outside = []

    def loopback(url):
        return urlparse(url).hostname in ("127.0.0.1", "localhost")

    hostile.on("request", lambda request: None if loopback(request.url) else outside.append(request.url))
    hostile.route("**/*", lambda route: route.continue_() if loopback(route.request.url) else route.abort())
    hostile.goto(hostile_url + "?trial=NCT05999999")
    hostile.get_by_text("Type 1 diabetes").locator("visible=true").first.wait_for(timeout=30_000)
    explored = hostile.inner_html("body")
    hostile.get_by_role("tab", name="Ask").click()
    question = hostile.get_by_label("Question")
    question.fill(f"What are the exclusion criteria of NCT05999999? {PAYLOADS}")
    question.press("Enter")
    hostile.locator(".message").filter(has_text="Pregnancy").last.wait_for(timeout=30_000)
    hostile.wait_for_timeout(1_000)
    asked = hostile.inner_html("body")
    said = hostile.locator(".message").filter(has_text="What are the exclusion criteria").first.inner_text()
    assert PAYLOADS in said  # the question shows as typed
    hostile.get_by_role("tab", name="Check eligibility").click()
    hostile.get_by_label("Evaluate as of (YYYY-MM-DD)").fill("<img src=http://example.invalid/d.png>")
    hostile.get_by_role("button", name="Check the form's patient").click()
    hostile.get_by_text("is not a date").first.wait_for(timeout=30_000)  # the error quotes the date
    hostile.wait_for_timeout(1_000)
    hostile.get_by_label("Evaluate as of (YYYY-MM-DD)").fill("2026-01-01")
    hostile.get_by_role("button", name="Check the form's patient").click()
    hostile.get_by_text("as of 2026-01-01").first.wait_for(timeout=30_000)  # a table quoting the criteria
    hostile.get_by_role("tab", name="Explore trials").click()
    hostile.get_by_label("Search the trials").fill("heart failure")
    hostile.get_by_label("Search the trials").press("Enter")
    hostile.get_by_text("NCT05999999", exact=True).locator("visible=true").first.wait_for(timeout=30_000)
    hostile.wait_for_timeout(1_000)
    images = hostile.eval_on_selector_all("img", "images => images.map(i => i.src)")
    context.close()
    assert outside == []
    assert "example.invalid" in explored and "example.invalid" in asked  # the payloads are shown, as text
    assert [src for src in images if "example.invalid" in src] == []
    assert not re.search(r"<img[^>]*example\.invalid", explored + asked)
