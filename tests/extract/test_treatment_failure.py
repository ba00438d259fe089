"""A treatment that did not work is no denial of it and no bare requirement for it: "Non responders to
methotrexate" means the patient took methotrexate and it failed. Read with the "non" as a negation it
became NOT methotrexate (the very patients asked for were turned away); read as the drug alone it asked
for any methotrexate user. The concept is the whole phrase, as for "non-response to" and "failure of"
(cues.json ``consequence_heads``: its words, and its verbs written with no link, "failed"). Criteria are
real ones (ClinicalTrials.gov, LCT)."""

import pytest

from trialsieve.extract.relations import default_model
from trialsieve.extract.structure import structure_text
from trialsieve.rules import leaves


def _presences(tagger, text: str, section: str = "inclusion"):
    rule = structure_text(text, section, tagger.tag([text])[0], default_model()).rule
    return [leaf for leaf in leaves(rule) if leaf.type == "presence"]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Non responders to methotrexate", "Non responders to methotrexate"),
        ("non-responders to PDE5 inhibitor", "non-responders to PDE5 inhibitor"),
        ("non responder to Sildenafil were included in our study", "non responder to Sildenafil"),
        ("Inadequate response to methotrexate", "Inadequate response to methotrexate"),
        ("Refractory to methotrexate", "Refractory to methotrexate"),
        ("Subjects who have failed conservative care for at least 6 weeks", "failed conservative care"),
        (
            "Relapse after 12 months but failed to respond to conventional treatment",
            "failed to respond to conventional treatment",
        ),
    ],
)
def test_a_failed_treatment_is_one_concept_and_not_denied(tagger, text, concept):
    leaf = next(p for p in _presences(tagger, text) if p.concept.text.endswith(concept.split()[-1]))
    assert leaf.concept.text == concept
    assert not leaf.negated


def test_a_non_before_a_person_still_denies(tagger):
    """Only a failure word is read so: "Non-smokers" still asks for no smoking."""
    (leaf,) = _presences(tagger, "Non-smokers")
    assert leaf.negated


def test_intolerant_of_a_drug_is_an_allergy_to_it_not_the_drug_taken(tagger):
    """As "intolerant to" is (cues.json ``allergy_heads``): a drug record does not answer it."""
    (leaf,) = _presences(tagger, "Intolerant of metformin", "exclusion")
    assert (leaf.concept.text, leaf.concept.kind, leaf.negated) == ("allergy to metformin", "condition", False)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Contraindication to the use of Insulin glargine", "Insulin glargine"),
        (
            "Contraindications to the administration of macrocyclic GBCAs (depending on local product label)",
            "macrocyclic GBCAs",
        ),
    ],
)
def test_a_contraindication_to_giving_a_drug_is_not_the_drug(tagger, text, concept):
    """Without its head the exclusion ruled out everyone on insulin glargine: the drug is what the
    contraindication review is to, a leaf that asks nothing of its own."""
    (leaf,) = _presences(tagger, text, "exclusion")
    assert (leaf.concept.text, leaf.role) == (concept, "contraindicated")


def test_a_denied_contraindication_to_doing_something_does_not_deny_doing_it(tagger):
    text = "Subject not presenting any contraindications to the practice of adapted physical activity;"
    (leaf,) = _presences(tagger, text)
    assert not leaf.negated and leaf.role == "contraindicated"  # the activity is not denied
