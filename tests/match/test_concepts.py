from trialsieve.match.concepts import ConceptMatcher, variants
from trialsieve.match.patient import Fact
from trialsieve.rules import Code


def _fact(text: str, **extra) -> Fact:
    return Fact(kind="condition", text=text, **extra)


def _found(matcher, concept, facts, code=None):
    return [(m.fact.text, m.how) for m in matcher.find(concept, facts, code)]


def test_synonyms_and_abbreviations_match():
    facts = [_fact("SSc"), _fact("heart attack"), _fact("Type 2 diabetes")]
    matcher = ConceptMatcher()
    assert _found(matcher, "systemic sclerosis", facts) == [("SSc", "lexicon")]
    assert _found(matcher, "history of MI", facts) == [("heart attack", "lexicon")]
    assert _found(matcher, "diabetes", facts) == [("Type 2 diabetes", "lexicon")]


def test_a_broader_record_does_not_satisfy_a_narrower_criterion():
    matcher = ConceptMatcher()
    assert _found(matcher, "type 1 diabetes", [_fact("Type 2 diabetes")]) == []
    assert _found(matcher, "type 2 diabetes", [_fact("diabetes")]) == []


def test_class_members_match_the_class_only():
    matcher = ConceptMatcher()
    drug = Fact(kind="drug", text="prednisone 10 mg")
    assert _found(matcher, "corticosteroids", [drug]) == [("prednisone 10 mg", "kind_of")]
    assert _found(matcher, "dexamethasone", [drug]) == []


def test_codes_match_whatever_the_words():
    code = Code(system="http://snomed.info/sct", code="89155008")
    assert _found(ConceptMatcher(), "severe scleroderma", [_fact("SSc-ILD", codes=[code])], code) == [
        ("SSc-ILD", "code")
    ]


def test_parentheses_give_variants():
    assert variants("forced vital capacity (FVC) < 80% predicted") == (
        "forced vital capacity (FVC) < 80% predicted",
        "forced vital capacity   < 80% predicted",
        "FVC",
    )


def test_embedding_similarity_above_the_threshold(embedder):
    facts = [_fact("renal failure requiring dialysis"), _fact("broken wrist")]
    strict = ConceptMatcher(embedder, threshold=0.99)
    loose = ConceptMatcher(embedder, threshold=0.5)
    assert _found(strict, "kidney failure treated with dialysis", facts) == []
    found = loose.find("kidney failure treated with dialysis", facts)
    assert [m.fact.text for m in found] == ["renal failure requiring dialysis"]
    assert found[0].how == "embedding" and 0.5 <= found[0].score < 0.99
