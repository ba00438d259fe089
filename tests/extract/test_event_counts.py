"""A count written after the events it counts asks for the events: "History of suicide attempt > 1"
is all(suicide attempt > 1, suicide attempt), as "> 2 suicide attempts" is, not a limit on a value
named "History of suicide attempt" that no record answers (issue 18)."""

import datetime as dt

import pytest

from tests.extract.reading import verdict_of
from trialsieve.extract.ingest import read_text
from trialsieve.extract.relations import default_model
from trialsieve.extract.structure import structure_text, structure_trial
from trialsieve.match.check import check
from trialsieve.match.concepts import ConceptMatcher
from trialsieve.match.patient import Fact, Patient


def _rule(tagger, text: str, section: str = "exclusion"):
    return structure_text(text, section, tagger.tag([text])[0], default_model()).rule


@pytest.mark.parametrize(
    ("text", "event", "operator", "value"),
    [
        ("History of suicide attempt > 1", "suicide attempt", ">", 1.0),  # issue 18
        ("Suicide attempts > 1", "Suicide attempts", ">", 1.0),
        ("Number of relapses >= 2 in the last 12 months", "relapses", ">=", 2.0),
    ],
)
def test_a_count_after_its_events_asks_for_them(tagger, text, event, operator, value):
    rule = _rule(tagger, text)
    assert rule.type == "all"
    count, presence = rule.args
    assert (count.type, count.variable, count.operator, count.value) == ("comparison", event, operator, value)
    assert (presence.type, presence.concept.text, presence.negated) == ("presence", event, False)


def test_an_upper_bound_on_a_count_asks_for_no_event(tagger):
    rule = _rule(tagger, "Relapses < 2")
    assert (rule.type, rule.operator, rule.value) == ("comparison", "<", 2.0)


def test_a_count_written_first_keeps_one_event(tagger):
    rule = _rule(tagger, "> 2 suicide attempts")
    assert [a.type for a in rule.args] == ["comparison", "presence"]


@pytest.mark.parametrize(
    ("present", "verdict"),
    [(False, "not_met"), (True, "unknown")],
)
def test_the_event_settles_what_the_count_cannot(tagger, present, verdict):
    """Never attempted: not excluded; attempted, how often unrecorded: a person must look."""
    trial = structure_trial(read_text("Exclusion Criteria:\n- History of suicide attempt > 1", "test", "T1"), tagger)
    attempt = Fact(text="suicide attempt", kind="condition", present=present)
    patient = Patient(id="p", age=40, sex="male", facts=[attempt])
    (criterion,) = check(trial, patient, dt.date(2026, 11, 29), ConceptMatcher()).criteria
    assert criterion.verdict == verdict


@pytest.mark.parametrize(
    ("text", "section", "thing"),
    [
        ("Did not receive at least 2 cycles of chemotherapy", "exclusion", "chemotherapy"),
        ("Has not received more than 2 prior lines of therapy", "inclusion", "therapy"),
        ("patients that did not have at least one post-treatment free PSA blood test.", "exclusion", "PSA blood test"),
        (
            "  4. In the retrospective cohorts - patients that did not have at least one post-treatment free PSA "
            "blood test.",
            "inclusion",
            "PSA blood test",
        ),  # the words before the count are no leaf of their own
    ],
)
def test_a_denial_before_a_count_denies_the_count(tagger, text, section, thing):
    rule = _rule(tagger, text, section)
    assert rule.type == "not"  # not(all(count, thing)): no words-only leaf for "Did not receive"
    (counted,) = rule.args
    kinds = sorted(leaf.type for leaf in (counted.args if counted.type == "all" else [counted]))
    assert kinds == ["comparison", "presence"]
    (presence,) = [leaf for leaf in counted.args if leaf.type == "presence"]
    assert presence.concept.text == thing and not presence.negated


def test_an_inclusion_that_denies_a_count_lets_in_who_never_had_the_thing(tagger):
    """A patient never given chemotherapy has not received more than 2 lines of it: read as all(review,
    lines > 2, NOT therapy) the inclusion asked for more than two lines of a therapy never given."""
    trial = read_text("Inclusion Criteria:\n* Has not received more than 2 prior lines of chemotherapy\n", "t", "t")
    never = Fact(kind="procedure", text="chemotherapy", present=False)
    patient = Patient(facts=[never], age=60)
    (criterion,) = check(structure_trial(trial, tagger), patient, dt.date(2026, 11, 29), ConceptMatcher()).criteria
    assert criterion.verdict == "met"


@pytest.mark.parametrize(
    "text",
    [
        "did not achieve remission after at least one treatment",  # the treatment was given
        "Ph + all patients with T315I mutation are not required to receive at least two TKI",  # a waiver
    ],
)
def test_a_denial_of_something_else_before_a_count_leaves_the_count(tagger, text):
    assert "not" not in {rule.type for rule in _walk(_rule(tagger, text, "inclusion"))}


def _walk(rule):
    yield rule
    for arg in getattr(rule, "args", None) or []:
        yield from _walk(arg)


@pytest.mark.parametrize(
    ("text", "thing"),
    [
        ("No more than 2 prior lines of systemic therapy", "systemic therapy"),
        ("Less than 3 prior chemotherapy regimens", "chemotherapy regimens"),
    ],
)
def test_a_cap_on_a_count_is_met_by_none_of_the_thing(tagger, text, thing):
    """A patient never treated has fewer than three regimens: the cap asks for no therapy."""
    rule = _rule(tagger, text, "inclusion")
    assert rule.type == "any"
    denied, count = rule.args
    assert (denied.type, denied.args[0].concept.text) == ("not", thing)
    assert (count.type, count.operator) == ("comparison", "<=" if "No more" in text else "<")
    never = verdict_of(tagger, "Inclusion", text, [Fact(text=thing, kind="procedure", present=False)])
    treated = verdict_of(tagger, "Inclusion", text, [Fact(text=thing, kind="procedure", present=True)])
    assert (never, treated) == ("met", "unknown")


@pytest.mark.parametrize(
    ("text", "thing"),
    [
        ("Use of multiple anti-hypertensive medications", "anti-hypertensive medications"),
        ("Multiple prior surgeries", "surgeries"),
        ("contraindications to sildenafil (patients on nitrate, multiple anti-hypertensive medications)", None),
    ],
)
def test_a_count_word_asks_for_at_least_two(tagger, text, thing):
    """One antihypertensive does not meet "multiple anti-hypertensive medications"."""
    counts = [r for r in _walk(_rule(tagger, text)) if r.type == "comparison"]
    assert [(c.operator, c.value) for c in counts] == [(">=", 2.0)]
    if thing:
        assert counts[0].variable == thing
        one = Fact(text="anti-hypertensive medications", kind="drug", present=True)
        assert verdict_of(tagger, "Exclusion", text, [one]) != "met"


@pytest.mark.parametrize(
    "text",
    ["Multiple sclerosis", "multiple myeloma or multiple sclerosis", "multiple pregnancies", "single or multiple foci"],
)
def test_a_disease_named_with_the_word_is_no_count(tagger, text):
    assert not [r for r in _walk(_rule(tagger, text)) if r.type == "comparison"]


def _walk(rule):
    yield rule
    for arg in getattr(rule, "args", []):
        yield from _walk(arg)
