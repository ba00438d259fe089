"""A serostatus names the infection it is for: "known seropositivity for HIV" is HIV, known. Read as
written, "seropositivity" was a leaf of its own (a condition, or a drug) AND-ed to the infection, and an
exclusion held only a patient whose record names both: every patient with HIV passed it."""

import pytest

from tests.extract.reading import presences, rule_of, verdict_of
from trialsieve.rules import leaves


@pytest.mark.parametrize(
    ("text", "infections"),
    [
        # NCT03319901 E4
        (
            "Hepatitis B or C infection, or known seropositivity for human immunodeficiency virus (HIV)",
            {"Hepatitis B", "Hepatitis C infection", "human immunodeficiency virus (HIV)"},
        ),
        ("Seropositive for HIV-1 or -2, HTLV-1 or -2", {"HIV", "HTLV-1"}),  # NCT05507827 E2.2
        ("Known HIV seropositivity", {"HIV"}),
        ("Seropositive for hepatitis C", {"hepatitis C"}),
    ],
)
def test_a_serostatus_is_a_presence_of_the_infection(tagger, text, infections):
    rule = rule_of(tagger, text)
    assert set(presences(rule)) == infections, rule
    assert rule.type != "all" and not any(leaf.type != "presence" for leaf in leaves(rule)), rule


def test_the_state_of_the_serostatus_goes_to_the_infection(tagger):
    rule = rule_of(tagger, "Known active hepatitis B or C infection or known seropositivity for HIV.")  # NCT05464836 E7
    assert "known" in presences(rule)["HIV"].qualifiers, rule


def test_a_patient_with_hiv_is_excluded(tagger):
    facts = [{"kind": "condition", "text": "HIV infection"}]
    assert verdict_of(tagger, "Exclusion", "Seropositive for HIV", facts) == "met"
