"""A window written after a list of examples bounds their category too: "Anti-cancer therapy including
chemotherapy, radiotherapy, ... within the 3 weeks prior to start of therapy" (NCT01562210) excludes a
patient treated last week, not one whose anti-cancer therapy ended years ago. Before the fix the
category had no window and any anti-cancer therapy ever received excluded. Criteria are real ones,
structured as `check` structures them."""

import datetime as dt

import pytest

from tests.extract.reading import verdict_of
from trialsieve.match.patient import Fact

AS_OF = dt.date(2026, 11, 29)
LONG_AGO, LAST_WEEK = dt.date(2020, 5, 1), dt.date(2026, 11, 20)
ANTI_CANCER = (  # NCT01562210
    "Anti-cancer therapy including chemotherapy, radiotherapy, endocrine therapy, immunotherapy or use of other "
    "investigational agents within the 3 weeks prior to start of therapy"
)
ANTI_TUMOR = "anti-tumor therapy such as chemotherapy, radiotherapy or immunotherapy within 4 weeks before enrollment"


def _verdict(tagger, text: str, when: dt.date) -> str:
    facts = [Fact(text="Anticancer therapy", kind="procedure", date=when)]
    return verdict_of(tagger, "Exclusion", text, facts, age=60, sex="male", as_of=AS_OF, presume=True)


@pytest.mark.parametrize("text", [ANTI_CANCER, ANTI_TUMOR])
@pytest.mark.parametrize(("when", "verdict"), [(LAST_WEEK, "met"), (LONG_AGO, "not_met")])
def test_the_window_after_the_examples_bounds_the_category(tagger, text, when, verdict):
    assert _verdict(tagger, text, when) == verdict
