"""Two allergy words joined by "or" share their object: "Subject has a known hypersensitivity or allergy
to any of the ingredients in the IP" (NCT02390960) asks about an allergy to the product, and "Known
hypersensitivity or allergy to penicillin" about one to penicillin. The first word was a bare
"hypersensitivity" leaf, which any recorded allergy met: a Synthea patient with a house dust mite
allergy was ruled out."""

import datetime as dt

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.match.patient import Fact

AS_OF = dt.date(2026, 11, 29)
MITES = Fact(text="House dust mite allergy", kind="condition", date=dt.date(2020, 1, 1))
PENICILLIN = Fact(text="Allergy to penicillin", kind="condition", date=dt.date(2020, 1, 1))


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        ("Known hypersensitivity or allergy to penicillin", {"allergy to penicillin"}),
        ("Allergy or intolerance to sildenafil", {"allergy to sildenafil"}),
        (
            "Known or suspected allergy, hypersensitivity, or intolerance to any ingredients of study product",
            {"allergy to any ingredients of study product"},
        ),
        (
            "Known allergy or hypersensitivity to sildenafil or tadalafil",
            {"allergy to sildenafil", "allergy to tadalafil"},
        ),
        (
            "Known allergy or hypersensitivity to any component of the study drug",
            {"allergy to any component of the study drug"},
        ),
    ],
)
def test_the_first_allergy_word_takes_the_object_of_the_second(tagger, text, concepts):
    assert set(presences(rule_of(tagger, text))) == concepts


@pytest.mark.parametrize(
    ("text", "fact", "expected"),
    [
        ("Subject has a known hypersensitivity or allergy to any of the ingredients in the IP.", MITES, "unknown"),
        ("Known hypersensitivity or allergy to penicillin", MITES, "unknown"),
        ("Known hypersensitivity or allergy to penicillin", PENICILLIN, "met"),
    ],
)
def test_another_allergy_does_not_meet_it(tagger, text, fact, expected):
    assert verdict_of(tagger, "Exclusion", text, [fact], age=60, as_of=AS_OF) == expected
