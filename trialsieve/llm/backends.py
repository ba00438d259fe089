"""One small interface over two kinds of local model: ``reply(messages, schema) -> validated object``.

- ``transformers:PATH``: a causal LM folder with a chat template (or a .gguf file, which
  transformers de-quantizes), loaded offline, GPU if there is one. Decoding is constrained to
  the reply's JSON Schema with ``outlines``, so the model cannot emit JSON that does not fit
  (a reply cut off at ``max_new_tokens`` is the one way to fail, and it is reported).
- ``openai:BASE_URL``: an OpenAI-compatible chat-completions server (llama.cpp, Ollama, vLLM, LM
  Studio) asked for ``response_format`` = the JSON Schema; timeouts, retries with backoff, and a
  plain error when the server is down.

Either way the reply is validated with the pydantic model; what does not validate raises
``LLMError`` and the caller keeps what it had.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Protocol, TypeVar

from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)
Messages = list[dict[str, str]]


class LLMError(RuntimeError):
    """A backend that cannot be used, or a reply that cannot be trusted; the message says which."""


class LLM(Protocol):
    name: str

    def reply(self, messages: Messages, schema: type[T]) -> T: ...


def instructed(system: str, user: str) -> Messages:
    """The two-message chat every use sends: what to do, then the material."""
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def from_spec(spec: str | None = None, model: str | None = None) -> LLM | None:
    """The backend a spec names (default: ``TRIALSIEVE_LLM``), or None for no LLM."""
    spec = spec or os.environ.get("TRIALSIEVE_LLM")
    if not spec or spec == "none":
        return None
    kind, _, target = spec.partition(":")
    if kind == "transformers" and target:
        return TransformersLLM(Path(target))
    if kind == "openai" and target:
        return OpenAICompatible(target, model or os.environ.get("TRIALSIEVE_LLM_MODEL") or "default")
    raise LLMError(f"{spec!r}: expected transformers:PATH or openai:BASE_URL")


def validated(text: str, schema: type[T], backend: str) -> T:
    try:
        return schema.model_validate_json(text)
    except ValidationError as error:
        first = str(error).splitlines()[:3]
        raise LLMError(f"{backend} replied with JSON that does not fit {schema.__name__}: {' '.join(first)}") from error


class TransformersLLM:
    """A local model folder (or one .gguf file), in-process; replies constrained to the schema by outlines."""

    def __init__(self, path: Path, max_new_tokens: int = 400) -> None:
        gguf = {"gguf_file": path.name} if path.suffix == ".gguf" and path.is_file() else {}
        folder = path.parent if gguf else path
        if not gguf and not (path / "config.json").is_file():
            raise LLMError(f"{path} is not a local model folder (no config.json) or .gguf file")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import outlines
        except ImportError as error:
            raise LLMError("the transformers backend needs outlines: pip install 'trialsieve[llm]'") from error
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.name = f"transformers:{path.name}"
        self.tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True, **gguf)
        if not self.tokenizer.chat_template:
            raise LLMError(f"{path} has no chat template")
        device = "cuda" if torch.cuda.is_available() else "cpu"
        model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, **gguf).to(device)
        self.model = outlines.from_transformers(model, self.tokenizer)
        self.max_new_tokens = max_new_tokens

    def reply(self, messages: Messages, schema: type[T]) -> T:
        prompt = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        text = self.model(prompt, schema, max_new_tokens=self.max_new_tokens)
        return validated(text, schema, self.name)


class OpenAICompatible:
    """A chat-completions server; JSON Schema in ``response_format``."""

    def __init__(self, base_url: str, model: str, timeout: float = 60.0, retries: int = 3) -> None:
        self.url = base_url.rstrip("/") + (
            "/chat/completions" if base_url.rstrip("/").endswith("/v1") else "/v1/chat/completions"
        )
        self.model, self.timeout, self.retries = model, timeout, retries
        self.name = f"openai:{base_url} ({model})"

    def reply(self, messages: Messages, schema: type[T]) -> T:
        import httpx

        body = {
            "model": self.model,
            "messages": messages,
            "temperature": 0,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": schema.__name__, "schema": schema.model_json_schema(), "strict": True},
            },
        }
        problem = ""
        for attempt in range(self.retries):
            if attempt:
                time.sleep(0.5 * 2 ** (attempt - 1))
            try:
                response = httpx.post(self.url, json=body, timeout=self.timeout)
            except httpx.TimeoutException:
                problem = f"no reply within {self.timeout:g} s"
                continue
            except httpx.TransportError as error:
                problem = f"cannot reach the LLM server at {self.url}: {error}"
                continue
            if response.status_code >= 500 or response.status_code == 429:
                problem = f"the LLM server answered {response.status_code}"
                continue
            if response.status_code != 200:
                raise LLMError(f"the LLM server refused the request ({response.status_code}): {response.text[:200]}")
            try:
                content = response.json()["choices"][0]["message"]["content"]
            except (ValueError, KeyError, IndexError, TypeError) as error:
                raise LLMError(f"the LLM server's reply is not a chat completion: {response.text[:200]}") from error
            return validated(content if isinstance(content, str) else json.dumps(content), schema, self.name)
        raise LLMError(f"{self.name}: {problem} (after {self.retries} tries)")


class Counted:
    """A backend that counts its calls and failures, so a run can say how the LLM fared.

    Every use of the LLM catches ``LLMError`` and keeps what it had, which is right for one reply
    and wrong for a whole run: a server that is down, or a model that cannot load, used to end a
    run with exit code 0 and the reason only in ``OUT.llm.jsonl``. The commands wrap their backend
    in this and report ``summary()`` on stderr and in the exit code.
    """

    def __init__(self, backend: LLM) -> None:
        self.backend, self.name = backend, backend.name
        self.calls = 0
        self.failures = 0
        self.first_error: str | None = None

    def reply(self, messages: Messages, schema: type[T]) -> T:
        self.calls += 1
        try:
            return self.backend.reply(messages, schema)
        except LLMError as error:
            self.failures += 1
            self.first_error = self.first_error or str(error)
            raise

    def summary(self) -> str:
        """One line: calls, failures and the first reason (empty when nothing failed)."""
        if not self.failures:
            return ""
        return f"LLM {self.name}: {self.failures} of {self.calls} calls failed; first: {self.first_error}"
