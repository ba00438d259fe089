"""Both backends for real: an in-process model with constrained JSON, and an HTTP server."""

import json
from typing import Literal

import pytest
from pydantic import BaseModel, Field

from trialsieve.llm.backends import LLMError, OpenAICompatible, TransformersLLM, from_spec
from trialsieve.llm.leftovers import Reading


class Small(BaseModel):
    """Bounded everywhere (a string's length, a choice, a flag), so even a random model must finish."""

    word: str = Field(max_length=8)
    kind: Literal["condition", "drug"]
    negated: bool


MESSAGES = [{"role": "user", "content": "Able to walk 1 mile"}]


def test_a_random_model_still_returns_schema_valid_json(tiny_model):
    llm = TransformersLLM(tiny_model, max_new_tokens=200)
    reply = llm.reply(MESSAGES, Small)  # constrained decoding: nonsense words, valid JSON
    assert isinstance(reply, Small) and len(reply.word) <= 8 and reply.kind in ("condition", "drug")


def test_the_rule_reading_schema_is_constrained_too(tiny_model):
    llm = TransformersLLM(tiny_model, max_new_tokens=400)
    try:
        reading = llm.reply(MESSAGES, Reading)
    except LLMError as error:  # cut off by max_new_tokens: reported, never half-parsed
        assert "does not fit" in str(error)
    else:
        assert isinstance(reading, Reading)


def test_a_folder_that_is_not_a_model_is_refused(tmp_path):
    with pytest.raises(LLMError, match="not a local model folder"):
        TransformersLLM(tmp_path)
    with pytest.raises(LLMError, match="expected transformers:PATH or openai:BASE_URL"):
        from_spec("ollama")
    assert from_spec(None) is None


def test_the_server_is_asked_for_the_schema_and_its_reply_validated(server):
    server.content(json.dumps({"word": "walk", "kind": "condition", "negated": False}))
    llm = from_spec(f"openai:{server.url}/v1", "tiny")
    assert llm.reply(MESSAGES, Small) == Small(word="walk", kind="condition", negated=False)
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions" and request["model"] == "tiny"
    assert request["response_format"]["json_schema"]["schema"]["properties"]["word"]["maxLength"] == 8


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        ("not json at all", "does not fit Small"),
        (json.dumps({"word": "far too long a word", "kind": "drug", "negated": False}), "does not fit Small"),
    ],
)
def test_malformed_replies_are_errors(server, reply, says):
    server.content(reply)
    with pytest.raises(LLMError, match=says):
        OpenAICompatible(server.url, "tiny").reply(MESSAGES, Small)


def test_a_reply_that_is_not_a_completion_is_an_error(server):
    server.raw(200, {"unexpected": True})
    with pytest.raises(LLMError, match="not a chat completion"):
        OpenAICompatible(server.url, "tiny").reply(MESSAGES, Small)


def test_server_errors_are_retried_with_backoff(server):
    server.raw(503, "busy")
    server.content(json.dumps({"word": "ok", "kind": "drug", "negated": True}))
    assert OpenAICompatible(server.url, "tiny").reply(MESSAGES, Small).negated
    assert len(server.requests) == 2


def test_timeouts_and_a_dead_server_give_a_plain_error(server):
    for _ in range(2):
        server.content(json.dumps({"word": "late", "kind": "drug", "negated": True}), delay=1.0)
    with pytest.raises(LLMError, match=r"no reply within 0.2 s \(after 2 tries\)"):
        OpenAICompatible(server.url, "tiny", timeout=0.2, retries=2).reply(MESSAGES, Small)
    with pytest.raises(LLMError, match="cannot reach the LLM server"):
        OpenAICompatible("http://127.0.0.1:9", "tiny", retries=1).reply(MESSAGES, Small)
