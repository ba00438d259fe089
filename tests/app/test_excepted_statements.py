"""Statements about patients a criterion's exception names, judged on the criterion's words: the statements are
NLI4CT's (train part) or written beside them, the criterion lines are those trials' own."""

from trialsieve.app.excepted_statements import judge_excepted

#: NCT00416572, cut to the lines the tests read
OTHER_MALIGNANCIES = """Exclusion Criteria:
* Other prior malignancies except skin cancer
* Pregnant or nursing
"""
#: NCT02005549, cut to the lines the tests read: a negated inclusion with two exceptions
NEGATED_INCLUSION = """Inclusion Criteria:
* histologically-proven invasive breast cancer;
* no prior or current neoplasm except for non-melanoma skin cancer, or in situ cancer of the cervix;
Exclusion Criteria:
* pregnant or lactating women;
"""


def written(text: str, tagger):
    from trialsieve.extract.structure import structure_trial
    from trialsieve.trial import Trial

    return structure_trial(Trial(id="NCT99999999", criteria_text=text, source="test"), tagger)


def test_patients_an_exclusion_excepts_are_not_excluded(tagger):
    """NLI4CT: "Patients with a prior malignancy of skin cancer are excluded from the primary trial."
    (Contradiction): the exclusion of other malignancies excepts skin cancer."""
    trial = written(OTHER_MALIGNANCIES, tagger)
    judged = judge_excepted("Patients with a prior malignancy of skin cancer", "excluded", trial)
    assert judged.verdict == "no"
    assert judged.parts[0].criteria == ("E1",)
    assert judge_excepted("Patients with prior skin cancer", "admitted", trial).verdict == "yes"


def test_an_option_is_named_only_with_all_its_words(tagger):
    """NLI4CT: "Patients with Cervical carcinoma in situ are excluded from the primary trial." (Contradiction):
    "in situ cancer of the cervix" is excepted ("cervical" is "cervix", a carcinoma a cancer). A skin cancer is
    not "non-melanoma skin cancer" (a melanoma is still ruled out), nor is a cervical cancer not said to be in situ."""
    trial = written(NEGATED_INCLUSION, tagger)
    judged = judge_excepted("Patients with Cervical carcinoma in situ", "excluded", trial)
    assert judged.verdict == "no"
    assert judged.parts[0].criteria == ("I2",)
    assert judge_excepted("Patients with skin cancer", "excluded", trial).verdict == "cannot tell"
    assert judge_excepted("Patients with cervical cancer", "excluded", trial).verdict == "cannot tell"
    assert judge_excepted("Patients with non-melanoma skin cancer", "excluded", trial).verdict == "no"


def test_words_outside_the_criterion_or_another_criterion_leave_it_untold(tagger):
    """A word of the statement that neither the exception nor what the criterion rules out holds ("ovarian") is a
    feature the criterion does not settle; another criterion that names the exception may rule it out."""
    trial = written(OTHER_MALIGNANCIES, tagger)
    assert judge_excepted("Patients with prior ovarian skin cancer", "excluded", trial).verdict == "cannot tell"
    assert judge_excepted("Patients with lung cancer", "excluded", trial).verdict == "cannot tell"
    both = written(OTHER_MALIGNANCIES + "* Active skin infection\n", tagger)
    assert judge_excepted("Patients with a prior malignancy of skin cancer", "excluded", both).verdict == "cannot tell"


def test_a_criterion_that_asks_for_what_it_excepts_from_decides_nothing(tagger):
    """An inclusion that asks for a therapy and excepts some of it, or an exclusion that opens with a negation,
    does not rule the excepted patients out to begin with."""
    asks = written("Inclusion Criteria:\n* Prior chemotherapy except anthracyclines\n", tagger)
    assert judge_excepted("Patients with prior anthracyclines", "excluded", asks).verdict == "cannot tell"
    runs_back = written("Exclusion Criteria:\n* No prior malignancy except skin cancer\n", tagger)
    assert judge_excepted("Patients with skin cancer", "excluded", runs_back).verdict == "cannot tell"
    assert judge_excepted("Patients with skin cancer", "required", written(OTHER_MALIGNANCIES, tagger)).verdict == (
        "cannot tell"
    )
