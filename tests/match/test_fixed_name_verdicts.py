"""Verdicts on a cancer named with a fixed name that holds a connective (issue 18): "head and neck" (and
"head or neck") is one site, so a laryngeal or oropharyngeal cancer is a head and neck cancer and a lung
one is not; a list of states before the name ("Recurrent or metastatic") holds of all of it."""

import pytest

from tests.extract.reading import verdict_of

SCC = "Histologically confirmed head and neck squamous cell carcinoma"
RECURRENT = "Recurrent or metastatic head and neck cancer"
PRIMARY = "2. Primary Head or Neck Squamous Cell Carcinoma"  # NCT05883007, less its radiotherapy clause


@pytest.mark.parametrize(
    ("criterion", "record", "verdict"),
    [
        (SCC, "Squamous cell carcinoma of the head and neck", "met"),
        (SCC, "Laryngeal squamous cell carcinoma", "met"),
        (SCC, "Lung squamous cell carcinoma", "unknown"),  # another site: no head and neck cancer on record
        (RECURRENT, "Recurrent oropharyngeal squamous cell carcinoma", "met"),  # read as "neck cancer": unknown
        (RECURRENT, "Recurrent laryngeal cancer", "met"),
        (RECURRENT, "Metastatic lung cancer", "unknown"),
        (RECURRENT, "Laryngeal cancer", "unknown"),  # neither recurrent nor metastatic on record
        (PRIMARY, "Laryngeal squamous cell carcinoma", "met"),  # "head or neck" names the site too
        (PRIMARY, "Lung squamous cell carcinoma", "unknown"),
    ],
)
def test_a_head_and_neck_cancer_is_one_site(tagger, criterion, record, verdict):
    facts = [{"text": record, "kind": "condition", "present": True}]
    assert verdict_of(tagger, "Inclusion", criterion, facts) == verdict
