"""The app in a real headless browser (Debian's chromium, driven by Playwright), offline.

Every request the page makes to anywhere but the app is recorded and refused: the page must
render and work without them. Screenshots go to $TRIALSIEVE_SCREENSHOTS (docs/screenshots for
the README) or a temp folder.
"""

import os
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
    page.get_by_label("Patient note").fill("54-year-old woman with Sjogren's syndrome and severe dry eye disease.")
    page.get_by_role("button", name="Find trials").click()
    page.get_by_text("NCT04615455", exact=True).locator("visible=true").last.wait_for(timeout=60_000)
    page.screenshot(path=shots / "match.png", full_page=True)


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
