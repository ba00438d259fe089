"""An exception never excepts its own category: "History of malignancy other than ... carcinoma in situ
(e.g. cervix, bladder, breast)" (NCT05993949) excludes a patient with breast cancer, and "Concurrent
primary malignancies except for carcinoma in situ or non-melanoma skin cancer" (NCT00576225) one with
a cancer. Before the fix "carcinoma in situ" was read as "carcinoma" and "breast" as an exception
of its own, so no cancer patient was excluded. Criteria are real ones, structured as `check`
structures them."""

import datetime as dt

import pytest

from tests.extract.reading import verdict_of
from trialsieve.match.patient import Fact

AS_OF = dt.date(2026, 11, 29)
SITES = (
    "History of malignancy other than non-melanoma skin cancer or carcinoma in situ (e.g. cervix, bladder, breast) "
    "unless disease free for at least 2 years"
)
IN_SITU = "Concurrent primary malignancies except for carcinoma in situ or non-melanoma skin cancer."


def _verdict(tagger, text: str, condition: str) -> str:
    facts = [Fact(text=condition, kind="condition", date=dt.date(2025, 5, 1))]
    return verdict_of(tagger, "Exclusion", text, facts, age=60, sex="female", as_of=AS_OF, presume=True)


@pytest.mark.parametrize(
    ("text", "condition", "verdict"),
    [
        (SITES, "Malignant neoplasm of breast (disorder)", "met"),
        (SITES, "Carcinoma of bladder", "met"),
        (SITES, "Carcinoma in situ of breast", "not_met"),  # what the exception leaves out
        (SITES, "Basal cell carcinoma of skin", "not_met"),
        (IN_SITU, "Cancer", "met"),  # a record that names no kind of cancer
        (IN_SITU, "Carcinoma in situ of breast", "not_met"),
        # what the exception leaves out does not leave the primary malignancy open either ("is recorded, but
        # not whether it is primary"): the excepted fact is set aside before the qualifiers are asked
        (IN_SITU.replace("malignancies", "malignancy"), "Carcinoma in situ of breast", "not_met"),
    ],
)
def test_an_exception_leaves_its_category_in_force(tagger, text, condition, verdict):
    assert _verdict(tagger, text, condition) == verdict


PENILE = (  # NCT05366504 E2
    "Previous penile surgery of any kind except circumcision and condyloma removal, such as penile lengthening, "
    "penile cancer surgery, penile plication, grafting."
)


@pytest.mark.parametrize(
    ("procedure", "verdict"),
    [("penile plication", "met"), ("grafting", "met"), ("circumcision", "not_met")],
)
def test_a_penile_surgery_given_as_an_example_excludes(tagger, procedure, verdict):
    facts = [Fact(text=procedure, kind="procedure", date=dt.date(2019, 5, 1))]
    assert verdict_of(tagger, "Exclusion", PENILE, facts, age=60, sex="male", as_of=AS_OF, presume=True) == verdict
