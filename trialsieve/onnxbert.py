"""BERT-family encoders as ONNX graphs, run by ONNX Runtime: inference never imports torch.

Why: importing torch, transformers and sentence-transformers and building their models took most of
a cold ``check`` (6-10 s, 650 MiB, issue 22). ONNX Runtime loads a 23 MB graph in a fraction of
a second and runs it in about a third of the memory.

Why a hand-written graph rather than ``torch.onnx.export``: the graph is built from the weights
alone (a numpy state dict read with safetensors), so the shipped tagger's int8 rows go into the
file exactly as stored, and the sentence embedder can be converted on a machine where torch is
installed but should not be imported. The graph is the encoder of ``transformers``'
``BertModel`` (absolute positions, post-layer-norm, exact GELU), with one of two heads: per-token
log-probabilities (token classification) or mean pooling and L2 normalisation (sentence
embeddings, as sentence-transformers' Transformer + Pooling(mean) + Normalize). Tests compare both
to the torch models on real criteria.

Weights are stored as int8 with one fp32 scale a row (a quarter of fp32, so the tagger fits in the
wheel), or kept in fp32 (``"fp32"``: the embedder, converted into a cache, not shipped). Matrix
products run either in int8 (``activations="int8"``; fastest) or in fp32 with the weights widened
once at load (``"float"``: what the torch model computes, to float rounding). In int8 each token's
input vector is quantised on the fly on its own scale. ``quantize_dynamic``'s DynamicQuantizeLinear
uses one scale for the whole batch instead, which made a text's tags depend on the texts batched
with it (5 of 60 criteria tagged differently alone) and was further from torch (entity spans
0.952 alike against 0.987 per token, at the same speed). Measured on the LCT test part, int8 ran
2-4x faster than fp32 and moved micro F1 by under 0.002.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np
    import onnxruntime
    from tokenizers import Encoding

OPSET = 17
#: Bumped whenever the graph changes, so that cached conversions are rebuilt.
GRAPH_VERSION = 1
Head = Literal["token", "mean"]
Activations = Literal["int8", "float", "fp32"]


def quantize_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and one fp32 scale a row (the largest magnitude of a row maps to 127)."""
    import numpy as np

    matrix = matrix.astype(np.float32)
    scale = np.maximum(np.abs(matrix).max(axis=1, keepdims=True), 1e-12) / 127
    return np.round(matrix / scale).astype(np.int8), scale.astype(np.float32)


def read_state(path: Path) -> dict[str, np.ndarray]:
    """A safetensors file as numpy arrays (int8 rows keep their ``.__scale__`` companions)."""
    from safetensors.numpy import load_file

    return load_file(str(path))


class _Graph:
    """Accumulates nodes and initialisers; every name it makes is unique."""

    def __init__(self, state: dict[str, np.ndarray], prefix: str, activations: Activations) -> None:
        self.state, self.prefix, self.activations = state, prefix, activations
        self.nodes: list = []
        self.initializers: list = []
        self._count = 0

    def name(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, value, hint: str = "c") -> str:
        import numpy as np
        from onnx import numpy_helper

        name = self.name(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(self, kind: str, *inputs: str, outputs: int = 1, **attrs) -> str | list[str]:
        from onnx import helper

        names = [self.name(kind.lower()) for _ in range(outputs)]
        self.nodes.append(helper.make_node(kind, list(inputs), names, **attrs))
        return names[0] if outputs == 1 else names

    def weight(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """A matrix's int8 rows and row scales: as stored, or quantised here from fp32."""
        import numpy as np

        key = self.prefix + key
        if key + ".__scale__" in self.state:
            return self.state[key].astype(np.int8), self.state[key + ".__scale__"].astype(np.float32)
        return quantize_rows(self.state[key])

    def vector(self, key: str) -> str:
        import numpy as np

        return self.const(self.state[self.prefix + key].astype(np.float32), key.replace(".", "_"))

    def linear(self, x: str, key: str, activations: Activations | None = None) -> str:
        """``x @ W.T + b`` for the torch ``Linear`` named ``key``."""
        import numpy as np

        mode = activations or self.activations
        full = self.prefix + key + ".weight"
        if mode == "fp32" and full + ".__scale__" not in self.state:  # fp32 weights as given
            y = self.op("MatMul", x, self.const(np.ascontiguousarray(self.state[full].T.astype(np.float32)), "w"))
            return self.op("Add", y, self.vector(key + ".bias"))
        rows, scale = self.weight(key + ".weight")
        columns = np.ascontiguousarray(rows.T)  # [in, out]
        scale = scale.reshape(1, -1)  # one scale an output column
        if mode == "int8":
            # each token's vector on its own int8 scale (symmetric), not one scale for the whole batch
            # as DynamicQuantizeLinear has: a text's tags must not depend on what it is batched with
            peak = self.op("ReduceMax", self.op("Abs", x), axes=[-1], keepdims=1)
            x_scale = self.op("Div", self.op("Max", peak, self.const(np.float32(1e-8))), self.const(np.float32(127)))
            # both sides as uint8 around 128, zero points taken out in the product. Not int8 weights:
            # without VNNI, x86 sums pairs of u8 x s8 products in int16, which 255 x 127 x 2 overflows,
            # and the tags would depend on the CPU; u8 x u8 has no such shortcut
            zero = self.const(np.uint8(128), "zero")
            shifted = self.op("Add", self.op("Round", self.op("Div", x, x_scale)), self.const(np.float32(128)))
            q = self.op("Cast", shifted, to=2)  # uint8
            weights = self.const((columns.astype(np.int16) + 128).astype(np.uint8), "w8")
            product = self.op("MatMulInteger", q, weights, zero, zero)
            y = self.op("Mul", self.op("Mul", self.op("Cast", product, to=1), x_scale), self.const(scale, "w_scale"))
        else:  # constant-folded by ONNX Runtime at load: fp32 weights in memory, int8 on disk
            widened = self.op("Mul", self.op("Cast", self.const(columns, "w8"), to=1), self.const(scale, "w_scale"))
            y = self.op("MatMul", x, widened)
        return self.op("Add", y, self.vector(key + ".bias"))

    def embedding(self, key: str, ids: str) -> str:
        """Rows of an embedding table, int8 rows widened after the lookup (so the table stays int8)."""
        import numpy as np

        full = self.prefix + key
        small = self.state[full].shape[0] <= 4096
        if full + ".__scale__" not in self.state and (small or self.activations == "fp32"):
            return self.op("Gather", self.const(self.state[full].astype(np.float32), "table"), ids)
        rows, scale = self.weight(key)
        picked = self.op("Cast", self.op("Gather", self.const(rows, "table8"), ids), to=1)
        return self.op("Mul", picked, self.op("Gather", self.const(scale, "table_scale"), ids))

    def layer_norm(self, x: str, key: str, eps: float) -> str:
        return self.op(
            "LayerNormalization", x, self.vector(key + ".weight"), self.vector(key + ".bias"), axis=-1, epsilon=eps
        )


def build(state: dict[str, np.ndarray], config: dict, head: Head, activations: Activations = "int8", prefix: str = ""):
    """The ONNX model of a BERT encoder (``config``: its ``config.json``) with ``head``.

    Inputs ``input_ids`` and ``attention_mask`` (int64, batch x tokens); output ``log_probs``
    (batch x tokens x labels) for ``token``, ``embeddings`` (batch x hidden, unit length) for ``mean``.
    """
    import numpy as np
    from onnx import TensorProto, helper

    if (
        config.get("model_type") not in ("bert", None)
        or config.get("position_embedding_type", "absolute") != "absolute"
    ):
        raise ValueError(f"not a BERT encoder with absolute positions: {config.get('model_type')}")
    if config.get("hidden_act", "gelu") != "gelu":
        raise ValueError(f"activation {config.get('hidden_act')} is not supported (gelu only)")
    g = _Graph(state, prefix, activations)
    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    size, eps = hidden // heads, config.get("layer_norm_eps", 1e-12)

    # embeddings: words + positions 0..T-1 + token type 0 (every text here is one segment)
    length = g.op("Shape", "input_ids", start=1, end=2)
    positions = g.op("Range", g.const(np.int64(0)), g.op("Squeeze", length), g.const(np.int64(1)))
    x = g.op(
        "Add",
        g.embedding("embeddings.word_embeddings.weight", "input_ids"),
        g.embedding("embeddings.position_embeddings.weight", positions),
    )
    token_type = state[prefix + "embeddings.token_type_embeddings.weight"][0].astype(np.float32)
    x = g.layer_norm(g.op("Add", x, g.const(token_type, "token_type")), "embeddings.LayerNorm", eps)

    mask = g.op("Cast", "attention_mask", to=TensorProto.FLOAT)  # [B, T]
    blocked = g.op("Mul", g.op("Sub", g.const(np.float32(1)), mask), g.const(np.float32(-1e4)))
    blocked = g.op("Unsqueeze", blocked, g.const(np.array([1, 2], dtype=np.int64)))  # [B, 1, 1, T]
    split = g.const(np.array([0, 0, heads, size], dtype=np.int64))
    joined = g.const(np.array([0, 0, hidden], dtype=np.int64))
    scale = g.const(np.float32(1 / math.sqrt(size)))
    for i in range(config["num_hidden_layers"]):
        layer = f"encoder.layer.{i}."

        q, k, v = (
            g.op("Transpose", g.op("Reshape", g.linear(x, layer + "attention.self." + key), split), perm=perm)
            for key, perm in (("query", [0, 2, 1, 3]), ("key", [0, 2, 3, 1]), ("value", [0, 2, 1, 3]))
        )
        scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), blocked)
        context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
        context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), joined)
        attended = g.linear(context, layer + "attention.output.dense")
        x = g.layer_norm(g.op("Add", attended, x), layer + "attention.output.LayerNorm", eps)
        inner = g.linear(x, layer + "intermediate.dense")
        erf = g.op("Erf", g.op("Mul", inner, g.const(np.float32(1 / math.sqrt(2)))))
        inner = g.op("Mul", g.op("Mul", inner, g.const(np.float32(0.5))), g.op("Add", erf, g.const(np.float32(1))))
        x = g.layer_norm(g.op("Add", g.linear(inner, layer + "output.dense"), x), layer + "output.LayerNorm", eps)

    if head == "token":
        g.prefix = ""  # the classifier sits beside the encoder ("classifier.*", not "bert.classifier.*")
        logits = g.linear(x, "classifier", activations="float")  # small; kept in fp32 for the argmax
        out_name, labels = "log_probs", state["classifier.bias"].shape[0]
        g.nodes.append(helper.make_node("LogSoftmax", [logits], [out_name], axis=-1))
        output = helper.make_tensor_value_info(out_name, TensorProto.FLOAT, ["batch", "tokens", labels])
    else:
        weights = g.op("Unsqueeze", mask, g.const(np.array([2], dtype=np.int64)))  # [B, T, 1]
        axis = g.const(np.array([1], dtype=np.int64))
        summed = g.op("ReduceSum", g.op("Mul", x, weights), axis, keepdims=0)
        counts = g.op("Max", g.op("ReduceSum", weights, axis, keepdims=0), g.const(np.float32(1e-9)))
        mean = g.op("Div", summed, counts)
        norm = g.op("Max", g.op("ReduceL2", mean, axes=[1], keepdims=1), g.const(np.float32(1e-12)))
        g.nodes.append(helper.make_node("Div", [mean, norm], ["embeddings"]))
        output = helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", hidden])
    inputs = [
        helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "tokens"])
        for n in ("input_ids", "attention_mask")
    ]
    graph = helper.make_graph(g.nodes, f"bert-{head}", inputs, [output], g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="trialsieve")
    model.ir_version = 8  # readable by every ONNX Runtime since 1.10
    return model


def save(model, path: Path) -> None:
    """Write ``model`` atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{hashlib.sha1(str(path).encode()).hexdigest()[:8]}.part")
    partial.write_bytes(model.SerializeToString())
    partial.replace(path)


def session(model: Path | bytes, threads: int | None = None) -> onnxruntime.InferenceSession:
    """An ONNX Runtime CPU session. Threads do not spin while idle: on a shared machine a spinning
    pool burns the cores other processes need, for a gain of microseconds a call. No memory pattern:
    ONNX Runtime would keep one for every input shape it sees, and a batch of criteria has a new
    shape almost every time (memory must stay flat over thousands of trials)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # warnings about unused initialisers are noise to a user
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.enable_mem_pattern = False  # it keeps a plan per input shape: criteria come in every length
    if threads:
        options.intra_op_num_threads = threads
    source = str(model) if isinstance(model, Path) else model
    return onnxruntime.InferenceSession(source, options, providers=["CPUExecutionProvider"])


def fingerprint(*paths: Path, extra: str = "") -> str:
    """A short key for a conversion: the sources' paths, sizes and modification times, and the graph
    version, so a changed model or a changed graph is converted again."""
    parts = [str(GRAPH_VERSION), extra]
    for path in paths:
        stat = path.stat()
        parts.append(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def pad(encodings: list[Encoding]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids and attention mask (int64 numpy arrays), padded to the longest encoding."""
    import numpy as np

    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros((len(encodings), width), dtype=np.int64)
    for row, e in enumerate(encodings):
        ids[row, : len(e.ids)] = e.ids
        mask[row, : len(e.ids)] = 1
    return ids, mask
