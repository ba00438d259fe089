"""A name of one thing that holds a list connective (issue 18): "head and neck", "head or neck", "ear,
nose and throat" and "signs or symptoms" are never cut as a list, and a concept that reaches into one
takes all of it. Criteria are real ClinicalTrials.gov ones (NCT ids beside them) and the issue's own."""

import copy

import pytest

from tests.extract.reading import presences, rule_of
from trialsieve.extract import fixed_names
from trialsieve.extract.lexicon import load
from trialsieve.rules import leaves


@pytest.mark.parametrize(
    ("text", "section", "concept"),
    [
        # the issue: read as "neck squamous cell carcinoma", and before that any squamous cell carcinoma
        ("Histologically confirmed head and neck squamous cell carcinoma", "inclusion", "head and neck squamous"),
        (
            "1. Locally Recurrent Head and Neck Squamous Cell Carcinoma after chemo radiotherapy or radiation therapy.",
            "inclusion",
            "Head and Neck Squamous Cell Carcinoma",
        ),  # NCT05883007
        (
            "2. Primary Head or Neck Squamous Cell Carcinoma with no indicated of radical radiation therapy for the"
            " target lesions.",
            "inclusion",
            "Head or Neck Squamous Cell Carcinoma",
        ),  # NCT05883007
        ("* Histologically confirmed a primary lesion of Head and Neck cancer.", "inclusion", "Head and Neck cancer"),
        # a site list after a procedure: the radiotherapy reaches both, "neck" is no review of its own
        ("Prior radiotherapy to the head or neck", "exclusion", "radiotherapy to the head or neck"),
    ],
)
def test_a_fixed_name_is_one_concept(tagger, text, section, concept):
    rule = rule_of(tagger, text, section)
    names = [leaf.concept.text for leaf in leaves(rule) if leaf.type == "presence"]
    assert any(name.startswith(concept) for name in names), names
    reviews = [leaf.text for leaf in leaves(rule) if leaf.type == "unstructured"]
    assert not any(r.strip().lower() in ("neck", "recurrent", "primary head") for r in reviews), reviews


def test_a_list_of_states_before_a_fixed_name_shares_all_of_it(tagger):
    rule = rule_of(tagger, "Recurrent or metastatic head and neck cancer", "inclusion")
    assert rule.type == "any"
    assert set(presences(rule)) == {"Recurrent head and neck cancer", "metastatic head and neck cancer"}


def test_signs_or_symptoms_are_not_cut_from_what_they_are_of(tagger):
    # NCT05507827: read as a review of "Donor has no signs" OR the infection, it excluded every donor
    rule = rule_of(tagger, "o The donor has no signs or symptoms consistent with active Zika virus infection and")
    assert [leaf.type for leaf in leaves(rule)] == ["presence"]
    (leaf,) = leaves(rule)
    assert "Zika virus infection" in leaf.concept.text and leaf.negated


def test_a_real_list_beside_a_fixed_name_is_still_cut(tagger):
    rule = rule_of(tagger, "No serious heart, lung, liver, or kidney disease")
    assert {"heart disease", "lung disease", "liver disease", "kidney disease"} <= set(presences(rule))


def test_the_lexicon_is_checked_when_it_loads():
    lexicon = load("fixed_names")
    text = "Recurrent or metastatic head and neck cancer"
    assert fixed_names.inside(text, text.index(" and ")) and not fixed_names.inside(text, text.index(" or "))
    assert fixed_names.widened(text, text.index("neck"), len(text)) == (text.index("head"), len(text))
    with pytest.raises(ValueError, match="keys"):
        fixed_names._checked({**copy.deepcopy(lexicon), "name": {}})
    no_connective = copy.deepcopy(lexicon)
    no_connective["names"]["head and neck"].append("head neck")
    with pytest.raises(ValueError, match="no connective"):
        fixed_names._checked(no_connective)
