"""A "non" written apart from the name it opens reaches the verdict (issue 18): "Histologically
confirmed non small cell lung cancer", read as "small cell lung cancer", turned away the very
patients the inclusion is for and let in those it excludes. The record's hyphen and the criterion's
space are the same name, and "non-small cell" is never "small cell"."""

import pytest

from tests.extract.reading import verdict_of

NSCLC = "Histologically confirmed non small cell lung cancer"  # the inclusion


@pytest.mark.parametrize(
    ("criterion", "record", "met"),
    [
        (NSCLC, "Non-small cell lung cancer", True),
        (NSCLC, "Small cell lung cancer", False),
        ("Non small cell lung cancer stage IV", "Small cell lung cancer, stage IV", False),
        ("small cell lung cancer", "Non-small cell lung cancer", False),
    ],
)
def test_a_non_written_apart_reaches_the_verdict(tagger, criterion, record, met):
    verdict = verdict_of(tagger, "Inclusion", criterion, [{"kind": "condition", "text": record}])
    assert (verdict == "met") is met, verdict
