"""How the tests read a criterion: its rule tree (with the tagger and the shipped logic model), its
presence leaves by concept, and a patient's verdict on it as ``check`` gives it."""

import datetime as dt

from trialsieve.extract.ingest import read_text
from trialsieve.extract.relations import default_model
from trialsieve.extract.structure import structure_text, structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Fact, Patient
from trialsieve.rules import leaves


def rule_of(tagger, text: str, section: str = "exclusion"):
    return structure_text(text, section, tagger.tag([text])[0], default_model()).rule


def presences(rule) -> dict:
    return {leaf.concept.text: leaf for leaf in leaves(rule) if leaf.type == "presence"}


def verdict_of(
    tagger,
    section: str,
    criterion: str,
    facts: list,
    *,
    age: float | None = None,
    sex: str | None = None,
    as_of: dt.date = dt.date(2026, 11, 30),
    presume: bool = False,
) -> str:
    """The verdict on ``criterion`` (a "Inclusion"/"Exclusion" section's only one) for a patient of ``facts``
    (``Fact``s or their dicts), of ``age`` and ``sex`` when given, as ``check`` gives it on ``as_of``."""
    trial = read_text(f"{section} Criteria:\n* {criterion}\n", "one.txt", "one")
    patient = Patient(facts=facts, age=age, sex=sex)
    report = check(structure_trial(trial, tagger), patient, as_of, ConceptMatcher(), presume)
    return report.criteria[0].verdict


def bilirubin_verdict(tagger, section: str, criterion: str, bilirubin: float, gilbert: bool) -> str:
    """The verdict for a woman of 50 whose total bilirubin is ``bilirubin`` mg/dL with an upper limit
    of 1 mg/dL (so also ``bilirubin`` x ULN), with Gilbert's syndrome recorded or not."""
    as_of = dt.date(2026, 11, 30)
    value = Fact(
        text="Total bilirubin", kind="observation", value=bilirubin, unit="mg/dL", reference_high=1, date=as_of
    )
    facts = [value, *([Fact(text="Gilbert's syndrome", kind="condition")] if gilbert else [])]
    return verdict_of(tagger, section, criterion, facts, age=50, sex="female", as_of=as_of)
