"""Real backends for the LLM tests: a tiny random causal LM on disk, and an OpenAI-style server.

The model is built here (two layers, a byte-level BPE tokenizer trained on a few lines, a chat
template), so nothing is downloaded; its words are nonsense, but decoding is constrained, so its
JSON must still parse and fit. The server speaks the chat-completions protocol on loopback and
answers from a script the test sets, including slow, broken and malformed replies.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-llm")
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300, special_tokens=["<s>", "</s>", "<pad>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tokenizer.train_from_iterator(['{"limits": [], "concepts": [{"text": "walk", "kind": "condition"}]}'] * 5, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", pad_token="<pad>")
    fast.chat_template = (
        "{% for m in messages %}<s>{{ m['role'] }}: {{ m['content'] }}</s>{% endfor %}"
        "{% if add_generation_prompt %}<s>assistant: {% endif %}"
    )
    fast.save_pretrained(folder)
    config = LlamaConfig(
        vocab_size=len(fast),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        bos_token_id=fast.bos_token_id,
        eos_token_id=fast.eos_token_id,
        pad_token_id=fast.pad_token_id,
    )
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    model.generation_config.do_sample = False  # greedy: the same reply every run
    model.save_pretrained(folder)
    return folder


class Script:
    """What the server answers next: a list of (status, body or callable, delay in seconds)."""

    def __init__(self) -> None:
        self.replies: list[tuple[int, object, float]] = []
        self.requests: list[dict] = []

    def content(self, content: str, status: int = 200, delay: float = 0.0) -> None:
        body = {"choices": [{"message": {"role": "assistant", "content": content}}]}
        self.replies.append((status, body, delay))

    def raw(self, status: int, body: object, delay: float = 0.0) -> None:
        self.replies.append((status, body, delay))


@pytest.fixture
def server():
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            script.requests.append({"path": self.path, **json.loads(self.rfile.read(length))})
            status, body, delay = script.replies.pop(0) if script.replies else (500, "no reply scripted", 0)
            time.sleep(delay)
            payload = (json.dumps(body) if not isinstance(body, str) else body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting, as a timeout test wants

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    script.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield script
    httpd.shutdown()
