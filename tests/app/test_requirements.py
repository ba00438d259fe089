"""Statements about what a trial requires, judged against the limits its criteria set: the statements and the
criterion lines are NLI4CT's (train part), the trials are written from those lines."""

import pytest

from trialsieve.app.requirements import judge, judge_sex, requirement_statement


def written(text: str, tagger):
    """A trial whose criteria are ``text``, structured as the app structures it."""
    from trialsieve.extract.structure import structure_trial
    from trialsieve.trial import Trial

    return structure_trial(Trial(id="NCT99999999", criteria_text=text, source="test"), tagger)


def verdict(statement: str, trial, tagger) -> str:
    stated = requirement_statement(statement)
    assert stated is not None, statement
    return judge(stated, trial, tagger).verdict


@pytest.mark.parametrize(
    ("statement", "requirement"),
    [
        ("Patients must have an ECOG score below 3 to participate in the primary trial.", "have an ECOG score below 3"),
        (
            "A minimum bodyweight of 50kg is required to participate in the primary trial.",
            "a bodyweight of at least 50kg",
        ),
        (
            "ECOG > 1 and a life expectancy over 12 weeks are necessary to participate in the primary trial.",
            "ECOG > 1 and a life expectancy over 12 weeks",
        ),
        (
            "Candidates for the primary trial must have a life expectancy over 6 months.",
            "have a life expectancy over 6 months",
        ),
        ("the primary trial requires participants to have a primary tumor > 5cm", "have a primary tumor > 5cm"),
        (
            "Patients must have a life expectancy over half a year to participate in the primary trial.",
            "have a life expectancy over 6 months",
        ),
        # issue 21: "only" those with it are eligible: it is required
        (
            "Only patients with HER2 positive breast carcinoma are eligible for the primary trial.",
            "HER2 positive breast carcinoma",
        ),
    ],
)
def test_the_stated_requirement_is_found_and_written_as_the_grammar_reads(statement, requirement):
    stated = requirement_statement(statement)
    assert stated is not None and stated.text == requirement


@pytest.mark.parametrize(
    "statement",
    [
        "Patients with HIV are not eligible for the primary trial.",
        "What is the minimum age for AMASS?",
        "Patients with Extracranial metastases are still permited to enter in the primary trial.",
        "Only Black women are eligible for the primary trial, as long as they do not have brain metastases.",
    ],
)
def test_other_statements_state_no_requirement(statement):
    assert requirement_statement(statement) is None


def test_below_3_is_0_to_2_on_a_whole_number_scale(tagger):
    """ECOG (Zubrod) takes whole numbers: "below 3" is the trial's "0-2"; "below 2" and "over 1" are not."""
    trial = written("Inclusion Criteria:\n* Patients must have a performance status of 0-2 by Zubrod criteria", tagger)
    assert (
        verdict("Patients must have an ECOG score below 3 to participate in the primary trial.", trial, tagger) == "yes"
    )
    assert (
        verdict("Patients must have an ECOG score below 2 to participate in the primary trial.", trial, tagger) == "no"
    )
    assert verdict("ECOG > 1 is necessary to participate in the primary trial.", trial, tagger) == "no"


def test_a_bound_in_other_words_or_units_is_the_same_bound(tagger):
    """ "half a year" is "six months"; 50 kg is 110 lb within rounding; a mojibake unit ("/mm¬¨‚â•") is read."""
    months = written(
        "Inclusion Criteria:\n* Patient who have estimated life expectancy of more than six months", tagger
    )
    half = "Patients must have a life expectancy over half a year to participate in the primary trial."
    assert verdict(half, months, tagger) == "yes"
    year = "Patients must have a life expectancy over a year to participate in the primary trial."
    assert verdict(year, months, tagger) == "no"
    pdq = written("PATIENT CHARACTERISTICS:\n* Body weight > 110 lbs (without clothes)\n* WBC > 1,500/mm³", tagger)
    assert (
        verdict("A minimum bodyweight of 50kg is required to participate in the primary trial.", pdq, tagger) == "yes"
    )
    assert verdict("A minimum bodyweight of 60kg is required to participate in the primary trial.", pdq, tagger) == "no"
    wbc = "Patients must have a white blood cell count above 1,500/mm¬¨‚â• to participate in the primary trial."
    assert verdict(wbc, pdq, tagger) == "yes"


def test_a_conjunction_holds_only_when_every_part_is_read_and_holds(tagger):
    """An exclusion's limit is turned round ("ECOG >= 3" excludes, so "ECOG < 3" is required); 12 weeks is 3 months;
    one part contradicted makes the statement false; a part that is not a limit ("stage 4 breast cancer") leaves a
    "yes" unsaid; an option ("either ... or") is not a conjunction at all."""
    trial = written(
        "Inclusion Criteria:\n* Estimated life expectancy of at least 3 months\n* 18 years of age or older\n"
        "Exclusion Criteria:\n* ECOG performance status >= 3",
        tagger,
    )
    both = "ECOG < 3 and a life expectancy over 12 weeks are necessary to participate in the primary trial."
    assert verdict(both, trial, tagger) == "yes"
    older = "Patients must be over the age of {} and have a life expectancy over 12 weeks to participate in the trial."
    assert verdict(older.format(18), trial, tagger) == "yes"
    assert verdict(older.format(21), trial, tagger) == "no"
    staged = (
        "Patients must be older than 18, have histologically confirmed stage 4 breast cancer and a life expectancy "
        "exceeding 3 months to participate in the primary trial."
    )
    assert verdict(staged, trial, tagger) == "cannot tell"
    either = (
        "Patients must have either ECOG < 3 or a life expectancy over 12 weeks to participate in the primary trial."
    )
    assert verdict(either, trial, tagger) == "cannot tell"


def test_a_measure_limited_twice_or_on_another_scale_is_not_settled(tagger):
    """ "AST <= 5 x ULN if liver metastases" beside "AST and ALT <= 2.5 x ULN": which the statement means is not
    settled. A Karnofsky limit is not an ECOG limit, though both are a "performance status"."""
    liver = written("Inclusion Criteria:\n* AST and ALT <= 2.5 x ULN\n* AST <= 5 x ULN if liver metastases", tagger)
    assert (
        verdict("Patients must have AST < 2.5 ULN to participate in the primary trial.", liver, tagger) == "cannot tell"
    )
    karnofsky = written("Inclusion Criteria:\n* Karnofsky performance status >= 70", tagger)
    ecog = "Patients must have an ECOG score below 2 to participate in the primary trial."
    assert verdict(ecog, karnofsky, tagger) == "cannot tell"


def test_a_limit_on_what_the_trial_never_speaks_of_is_not_required(tagger):
    """No criterion speaks of life expectancy: the trial does not require one. "Life expectancy: Not specified" (the
    PDQ style, indented or, as NLI4CT's lines lost the indent, on the next line) says so outright. A heading with
    anything else under it ("At least 6 months") or a criterion that speaks of it otherwise is not settled so."""
    stated = "Candidates for the primary trial must have a life expectancy over 6 months."
    silent = written("Inclusion Criteria:\n* Histologically confirmed breast cancer", tagger)
    assert verdict(stated, silent, tagger) == "no"
    for pdq in (
        "PATIENT CHARACTERISTICS:\n* Life expectancy\n  * Not specified",
        "PATIENT CHARACTERISTICS:\n* Life expectancy\n* Not specified\n* Performance status\n* ECOG 0-1",
        "PATIENT CHARACTERISTICS:\n* Life expectancy: Not specified",
    ):
        assert verdict(stated, written(pdq, tagger), tagger) == "no", pdq
    for unsettled in (
        "PATIENT CHARACTERISTICS:\n* Life expectancy\n* More than 3 months",
        "PATIENT CHARACTERISTICS:\n* Life expectancy\n* Performance status\n* Not specified",
        "Inclusion Criteria:\n* Life expectancy compatible with the study, if not specified otherwise",
    ):
        assert verdict(stated, written(unsettled, tagger), tagger) == "cannot tell", unsettled


@pytest.mark.parametrize(
    ("statement", "sexes", "expected"),
    [
        ("Men are not eligible for the primary trial.", {"female"}, "yes"),
        ("Males are not eligible for the primary trial.", {"all"}, "no"),
        ("Only men can be eligible for the primary trial.", {"female"}, "no"),
        ("All genders are eligible for the primary trial.", {"all"}, "yes"),
        ("All genders are eligible for the primary trial.", {"female"}, "no"),
        ("Men are not eligible for the primary trial.", set(), "cannot tell"),
    ],
)
def test_which_sexes_a_trial_takes_is_judged_from_the_sexes_its_criteria_admit(statement, sexes, expected):
    stated = requirement_statement(statement)
    assert stated is not None and stated.sex_claim and judge_sex(stated, sexes) == expected


def test_a_scale_s_lowest_value_is_what_a_limit_without_a_lower_bound_admits(tagger):
    """ECOG starts at 0: "ECOG <= 1" is "0-1", and "ECOG > 1" differs from "0-2" at its lower end, though both
    admit ECOG 2. "18 years or older" bounds a limit: its "or" is no option."""
    trial = written("Inclusion Criteria:\n* ECOG performance status <= 1\n* 18 years of age or older", tagger)
    assert verdict("An ECOG of 0-1 is required for the primary trial.", trial, tagger) == "yes"
    assert verdict("In the primary trial, patients must be aged 18 years or older.", trial, tagger) == "yes"
    wide = written("Inclusion Criteria:\n* Patients must have a performance status of 0-2 by Zubrod criteria", tagger)
    assert verdict("ECOG > 1 is necessary to participate in the primary trial.", wide, tagger) == "no"


def test_one_part_contradicted_makes_the_statement_false_whatever_the_rest(tagger):
    """NCT00077857 asks ">=1 target lesion": "three or more target lesions" (a plural of the same measure) is not
    that, so the statement is false though "female" and the chemotherapy part go unread."""
    trial = written(
        "Inclusion Criteria:\n* women >=18 years of age;\n* >=1 target lesion;\n"
        "* locally advanced or metastatic breast cancer;\n"
        "* >=2 regimens of chemotherapy for advanced/metastatic disease.",
        tagger,
    )
    statement = (
        "Patients must be older than 18, female, have three or more target lesions and more than 1 regiment of "
        "chemotherapy to participate in the primary trial."
    )
    assert verdict(statement, trial, tagger) == "no"
