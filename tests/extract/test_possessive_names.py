"""An eponym's name is one concept, however the tagger cuts it at the apostrophe: "other than cutaneous
Kaposi's sarcoma" (NCT05896748 E22) had excepted "Kaposi'" and left a bare "sarcoma" that excluded every
patient with the very sarcoma the trial allows (issue 18)."""

import datetime as dt

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.match.patient import Fact

_TEXT = (
    "Ongoing malignancy other than cutaneous Kaposi's sarcoma, basal cell carcinoma, or resected, non-invasive "
    "cutaneous squamous cell carcinoma, or cervical, anal or penile intraepithelial neoplasia"
)


def test_an_excepted_eponym_is_excepted_whole(tagger):
    facts = [Fact(kind="condition", text="Kaposi's sarcoma of skin", date=dt.date(2026, 1, 5))]
    assert verdict_of(tagger, "Exclusion", _TEXT, facts) != "met"


def test_an_eponym_is_one_leaf(tagger):
    found = presences(rule_of(tagger, "History of Hodgkin's lymphoma or Crohn's disease"))
    assert "Hodgkin's lymphoma" in found and "lymphoma" not in found
