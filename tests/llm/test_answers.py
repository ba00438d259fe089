import json

from trialsieve.app.citations import Citation
from trialsieve.llm.answers import phrase
from trialsieve.llm.backends import OpenAICompatible

PASSAGES = [
    Citation("NCT04615455", "Inclusion 3", "Schirmer's test 1-5 mm/5 minutes"),
    Citation("NCT04615455", "Inclusion 2", "OSDI-score ≥ 33"),
]


def test_an_answer_citing_its_passages_is_kept_with_links(server):
    server.content(json.dumps({"answer": "Patients need a Schirmer's test of 1-5 mm [1].", "cited": [1]}))
    text, why = phrase(OpenAICompatible(server.url, "tiny"), "What Schirmer result is required?", PASSAGES)
    assert why is None and text.startswith("Patients need a Schirmer's test of 1-5 mm [1].")
    assert '[1] [NCT04615455 · Inclusion 3](?trial=NCT04615455) "Schirmer\'s test 1-5 mm/5 minutes"' in text
    prompt = server.requests[0]["messages"][1]["content"]
    assert "[1] (NCT04615455 · Inclusion 3)" in prompt and "[2] (NCT04615455 · Inclusion 2)" in prompt


def test_an_answer_citing_what_it_was_not_given_is_refused(server):
    llm = OpenAICompatible(server.url, "tiny")
    server.content(json.dumps({"answer": "It needs an MRI [3].", "cited": [3]}))
    assert phrase(llm, "What imaging?", PASSAGES)[0] is None
    server.content(json.dumps({"answer": "No citation at all.", "cited": []}))
    text, why = phrase(llm, "What imaging?", PASSAGES)
    assert text is None and "not only passages 1-2" in why


def test_the_ask_tab_falls_back_to_the_extractive_answer(server, built, embedder):
    from trialsieve.app.answer import Answerer
    from trialsieve.app.catalog import Catalog
    from trialsieve.index.search import TrialIndex

    answerer = Answerer(Catalog(TrialIndex(built, embedder)), OpenAICompatible(server.url, "tiny", retries=1))
    server.content(json.dumps({"answer": "Made up [9].", "cited": [9]}))
    refused = answerer.answer("Schirmer test results needed")
    assert refused.text.startswith("The passages that best match") and "Made up" not in refused.text
    server.content(json.dumps({"answer": "A Schirmer's test of 1-5 mm/5 minutes is required [1].", "cited": [1]}))
    kept = answerer.answer("Schirmer test results needed")
    assert kept.text.startswith("A Schirmer's test") and "NCT04615455" in kept.text
