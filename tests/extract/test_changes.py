"""A change in a measurement is no reading of it (issue 18): NCT03102398 defined orthostatic
hypotension as "a decrease in systolic blood pressure of 20 mm Hg or a decrease in diastolic blood
pressure of 10 mm Hg", read as the pressures' presence: leaves any record of a blood pressure
answers, which say nothing of a fall."""

from tests.extract.reading import rule_of
from trialsieve.rules import leaves

_TEXT = (
    "History of orthostatic hypotension Note: Orthostatic hypotension is defined as a decrease in systolic blood "
    "pressure of 20 mm Hg or a decrease in diastolic blood pressure of 10 mm Hg."
)


def test_a_change_in_a_measurement_is_read_by_a_person(tagger):
    found = leaves(rule_of(tagger, _TEXT))
    assert not [leaf for leaf in found if leaf.type == "presence" and "blood pressure" in leaf.concept.text]
    assert [leaf.reason for leaf in found if leaf.type == "unstructured"] == ["change", "change"]


def test_a_measurement_without_a_change_word_stays_a_leaf(tagger):
    found = leaves(rule_of(tagger, "Patients with a documented systolic blood pressure reading", "inclusion"))
    assert not [leaf for leaf in found if leaf.type == "unstructured" and leaf.reason == "change"]
