"""A state a list lends its items reaches the verdict: "Uncontrolled hypertension or diabetes" is not
met by a diabetes that may be controlled, while a record that settles the state (recorded absent, or
words that imply it: CKD stage 4, decompensated) still decides. Criteria are real ones, structured as
`check` structures them."""

import datetime as dt

import pytest

from trialsieve.extract.ingest import read_text
from trialsieve.extract.structure import structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher, _implications
from trialsieve.match.patient import Fact, Patient

AS_OF = dt.date(2026, 11, 29)


def _one(tagger, section: str, text: str, facts: list[tuple[str, bool]], presume: bool = False) -> str:
    """The verdict of one criterion ``text`` in ``section`` for a patient with ``facts`` (text, present)."""
    heading = "Inclusion" if section == "inclusion" else "Exclusion"
    trial = structure_trial(read_text(f"{heading} Criteria:\n- {text}", "test", "T1"), tagger)
    recorded = [Fact(text=name, kind="condition", present=present) for name, present in facts]
    patient = Patient(id="p", age=50, sex="female", facts=recorded)
    (criterion,) = check(trial, patient, AS_OF, ConceptMatcher(), presume).criteria
    return criterion.verdict


ORGANS = "No serious heart, lung, liver, or kidney disease;"
DYSFUNCTION = "Uncontrolled pulmonary, renal, or hepatic dysfunction."
ABSENT_ORGANS = [(f"{organ} disease", False) for organ in ("heart", "lung", "liver", "kidney")]


@pytest.mark.parametrize(
    ("section", "text", "facts", "verdict"),
    [
        # a fact whose words imply the lent state settles it: stage 4 CKD is serious kidney disease
        ("inclusion", ORGANS, [("chronic kidney disease stage 4", True)], "not_met"),
        # recorded absent, the general disease denies the serious one
        ("inclusion", ORGANS, ABSENT_ORGANS, "met"),
        # decompensated Child-Pugh C cirrhosis is uncontrolled hepatic dysfunction
        (
            "exclusion",
            DYSFUNCTION,
            [("alcoholic cirrhosis, decompensated, Child-Pugh class C", True), ("ascites", True)],
            "met",
        ),
        # a plain diabetes may be controlled: review, never a quiet exclusion
        ("exclusion", "Uncontrolled hypertension or diabetes", [("diabetes", True)], "unknown"),
        ("exclusion", "Uncontrolled hypertension or diabetes", [("type 2 diabetes mellitus", True)], "unknown"),
        ("exclusion", "Uncontrolled hypertension or diabetes", [("poorly controlled type 2 diabetes", True)], "met"),
        (
            "exclusion",
            "Uncontrolled hypertension or diabetes",
            [("diabetes", False), ("hypertension", False)],
            "not_met",
        ),
        ("exclusion", "Severe asthma or COPD", [("COPD", True)], "unknown"),
        ("exclusion", "Severe asthma or COPD", [("severe COPD", True)], "met"),
        # written, not lent: absence denies the qualified form all the same
        ("inclusion", "No serious heart disease", [("heart disease", False)], "met"),
        ("inclusion", "No severe heart disease", [("heart disease", False)], "met"),
        ("exclusion", "Uncontrolled diabetes", [("diabetes", False)], "not_met"),
        # NCT04424394 E5: a state the first item's words open with is lent too; a treated thyroid disease
        # ruled the patient out
        (
            "exclusion",
            "Patients with untreated hypogonadism or thyroid disease.",
            [("hypothyroidism", True)],
            "unknown",
        ),
        (
            "exclusion",
            "Patients with untreated hypogonadism or thyroid disease.",
            [("untreated hypothyroidism", True)],
            "met",
        ),
    ],
)
def test_a_lent_state_reaches_the_verdict(tagger, section, text, facts, verdict):
    assert _one(tagger, section, text, facts) == verdict


def test_a_lent_state_is_not_presumed_away(tagger):
    """Presuming in the patient's favour reads silence, not a recorded diabetes of unknown control."""
    facts = [("diabetes", True)]
    assert _one(tagger, "exclusion", "Uncontrolled hypertension or diabetes", facts, presume=True) == "unknown"


def test_the_matcher_reads_lent_qualifiers_and_implications():
    matcher = ConceptMatcher()
    ckd, plain = (
        Fact(kind="condition", text="chronic kidney disease stage 4"),
        Fact(kind="condition", text="kidney disease"),
    )
    assert [m.fact for m in matcher.find("kidney disease", [ckd, plain], lent=("severe",))] == [ckd]
    assert [m.fact for m in matcher.undetermined("kidney disease", [plain], lent=("severe",))] == [plain]
    # a lent state that is no axis word changes nothing the matcher reads
    assert matcher.find("kidney disease", [plain], lent=("known",))
    # a value the fact writes wins over one its words would imply
    mild = Fact(kind="condition", text="mild chronic kidney disease stage 4")
    assert not matcher.find("kidney disease", [mild], lent=("severe",))
    absent = Fact(kind="condition", text="mild COPD", present=False)  # absent with a value says nothing of another
    assert not matcher.find("COPD", [absent], lent=("severe",))


@pytest.mark.parametrize(
    "implies",
    [
        {"4": {"words": ["decompensated"]}},  # not a value of the axis
        {"3": {"word": ["decompensated"]}},  # a misspelt key
        {"3": {"values": {"stages": ["4"]}}},  # no such axis
        {"3": {}},  # implies nothing
    ],
)
def test_a_wrong_implication_fails_when_the_lexicon_loads(implies):
    spec = {"exclusive": True, "strict": True, "words": {"mild": ["1"], "severe": ["3"]}, "implies": implies}
    with pytest.raises(ValueError, match="implies"):
        _implications("severity", spec)
