"""The entity tagger: a token-classification encoder that tags criteria words with entity types.

The shipped model lives in ``trialsieve/extract/model/`` (``trialsieve train-entities`` makes it).
Inference runs its ONNX graph (``model.onnx``) with ONNX Runtime and the tokenizers library, so
tagging never imports torch or transformers: that import and model build were most of a cold
``check`` or ``structure`` (issue 22). ``weights.safetensors`` keeps the same weights for torch,
which training and the tests comparing both use. Weights are stored as int8 with one scale a row
(a quarter of fp32, well inside the 50 MB a wheel should carry). Loading reads local files only: no
model hub is ever asked.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from trialsieve.extract import bio
from trialsieve.onnxbert import pad as pad  # training pads its batches with it too
from trialsieve.rules import Entity

if TYPE_CHECKING:
    import numpy as np
    import torch
    from tokenizers import Encoding, Tokenizer

MAX_TOKENS = 256
#: Words a window holds when a text is longer than MAX_TOKENS (a word is about 1.3 pieces), and how
#: many words neighbouring windows share.
WINDOW_WORDS = 150
WINDOW_OVERLAP = 30
WEIGHTS = "weights.safetensors"
ONNX = "model.onnx"
#: Most texts x tokens² a batch may hold. Attention keeps batch x 12 heads x tokens² floats a layer:
#: 32 texts of 256 tokens took 200 MB at once, and the runtime keeps its peak; long texts go in
#: smaller batches (8 of 256 tokens, 32 of 128 or fewer), at no cost in speed.
BATCH_AREA = 32 * 128 * 128
#: How the shipped graph multiplies matrices: "int8" (inputs quantised on the fly; fastest) or
#: "float" (weights widened to fp32 at load; the torch model's numbers). See ``trialsieve.onnxbert``.
ACTIVATIONS = "int8"


def shipped() -> Path:
    """Where the package keeps its trained model."""
    return Path(str(resources.files("trialsieve.extract").joinpath("model")))


def encode(tokenizer: Tokenizer, texts: list[str]) -> list[tuple[list[tuple[int, int]], Encoding]]:
    """Each text's words and their encoding (word ids index the words)."""
    spans = [bio.words(t) for t in texts]
    pieces = [[t[s:e] for s, e in w] or [""] for t, w in zip(texts, spans, strict=True)]
    return list(zip(spans, tokenizer.encode_batch(pieces, is_pretokenized=True), strict=True))


def first_pieces(encoding: Encoding) -> list[int]:
    """Token positions of each word's first piece: where a word's tag is read."""
    seen: set[int] = set()
    positions = []
    for position, word in enumerate(encoding.word_ids):
        if word is not None and word not in seen:
            seen.add(word)
            positions.append(position)
    return positions


def load_tokenizer(directory: Path) -> Tokenizer:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(_require(directory / "tokenizer.json")))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


#: Token ids and attention mask (batch x tokens, int64) in, log-probabilities of each tag out.
Forward = Callable[["np.ndarray", "np.ndarray"], "np.ndarray"]


class OnnxForward:
    """The ONNX graph run by ONNX Runtime: what inference uses."""

    def __init__(self, model: Path | bytes) -> None:
        from trialsieve.onnxbert import session

        self.session = session(model)

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run(["log_probs"], {"input_ids": ids, "attention_mask": mask})[0]


class TorchForward:
    """A torch token-classification module: training scores its epochs with it before any ONNX exists."""

    def __init__(self, module: torch.nn.Module) -> None:
        self.module = module

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import torch

        self.module.eval()  # training switches it back to train mode at each epoch
        with torch.inference_mode():
            inputs = {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask)}
            return self.module(**inputs).logits.log_softmax(-1).numpy()


@dataclass
class EntityTagger:
    """Tags batches of criterion texts with entity spans (types from the model's label list)."""

    forward: Forward
    tokenizer: Tokenizer
    tags: list[str]
    batch_size: int = 32  # 32 tags about 3x faster than one text at a time on 2 cores

    @classmethod
    def load(cls, directory: Path | None = None) -> EntityTagger:
        """The model in ``directory`` (default: the shipped one), from local files only, run by ONNX
        Runtime. A directory written before models carried ``model.onnx`` has its graph built in
        memory from ``weights.safetensors`` (a fraction of a second, no torch). A model of an
        architecture the graph does not cover (trained with another ``--base``) runs on torch."""
        directory = Path(directory) if directory else shipped()
        config = json.loads(_require(directory / "config.json").read_text("utf-8"))
        labels = {int(i): name for i, name in config["id2label"].items()}
        tags = [labels[i] for i in range(len(labels))]
        if (directory / ONNX).is_file():
            forward = OnnxForward(directory / ONNX)
        else:
            try:
                forward = OnnxForward(graph(directory).SerializeToString())
            except ValueError as error:
                print(f"trialsieve: {directory}: {error}; tagging with torch", file=sys.stderr)
                return cls.load_torch(directory)
        return cls(forward, load_tokenizer(directory), tags)

    @classmethod
    def load_torch(cls, directory: Path | None = None) -> EntityTagger:
        """The same model run by torch and transformers (for comparisons; inference uses ``load``)."""
        from transformers import AutoConfig, AutoModelForTokenClassification

        directory = Path(directory) if directory else shipped()
        config = AutoConfig.from_pretrained(str(_require(directory / "config.json")), local_files_only=True)
        model = AutoModelForTokenClassification.from_config(config)
        model.load_state_dict(read_weights(directory / WEIGHTS))
        tags = [config.id2label[i] for i in range(config.num_labels)]
        return cls(TorchForward(model), load_tokenizer(directory), tags)

    def tag(self, texts: list[str], batch_size: int | None = None) -> list[list[Entity]]:
        """Entities for each text. Texts are batched by length so little time goes to padding; a text
        longer than the model reads at once is tagged in overlapping windows of words, each word by
        the window it sits furthest inside, so that nothing after the first few hundred tokens is
        lost."""
        encoded = encode(self.tokenizer, texts)
        pieces: list[tuple[int, int, int, int]] = []  # (text, first word, first word kept, end kept)
        encodings: list[Encoding] = []
        for i, (words, encoding) in enumerate(encoded):
            if _cut_short(encoding, len(words)):
                for start, end, keep, stop in windows(len(words)):
                    pieces.append((i, start, keep, stop))
                    encodings.append(_encode_words(self.tokenizer, texts[i], words[start:end]))
            else:
                pieces.append((i, 0, 0, len(words)))
                encodings.append(encoding)
        tags: list[list[str]] = [[bio.OUTSIDE] * len(words) for words, _ in encoded]
        for batch in _batches(encodings, batch_size or self.batch_size):
            for j, predicted in zip(batch, self._predict([encodings[j] for j in batch]), strict=True):
                i, start, keep, stop = pieces[j]
                for w in range(keep, min(stop, start + len(predicted))):  # words cut off stay outside
                    tags[i][w] = predicted[w - start]
        return [bio.decode(words, t, text) for (words, _), t, text in zip(encoded, tags, texts, strict=True)]

    def _predict(self, encodings: list[Encoding]) -> list[list[str]]:
        log_probs = self.forward(*pad(encodings))
        return [bio.best_tags(log_probs[row, first_pieces(e)], self.tags) for row, e in enumerate(encodings)]


def windows(n_words: int, size: int = WINDOW_WORDS, overlap: int = WINDOW_OVERLAP) -> list[tuple[int, int, int, int]]:
    """Overlapping windows over ``n_words`` words: (start, end, first word kept, end of words kept).
    Each word is kept from the window where it has the most context on both sides."""
    step = size - overlap
    starts = list(range(0, max(n_words - overlap, 1), step))
    result = []
    for k, start in enumerate(starts):
        end = min(start + size, n_words)
        keep = start if k == 0 else start + overlap // 2
        stop = end if k == len(starts) - 1 else end - (overlap - overlap // 2)
        result.append((start, end, keep, stop))
    return result


def _cut_short(encoding: Encoding, n_words: int) -> bool:
    """Whether truncation left words of the text untagged."""
    ids = [w for w in encoding.word_ids if w is not None]
    return n_words > 0 and (not ids or max(ids) < n_words - 1)


def _encode_words(tokenizer: Tokenizer, text: str, words: list[tuple[int, int]]) -> Encoding:
    return tokenizer.encode([text[s:e] for s, e in words], is_pretokenized=True)


def _batches(encodings: list[Encoding], size: int) -> Iterator[list[int]]:
    """Texts in order of length, at most ``size`` a batch and at most ``BATCH_AREA`` texts x tokens²."""
    order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
    batch: list[int] = []
    for i in order:
        width = len(encodings[i].ids)
        if batch and (len(batch) >= size or (len(batch) + 1) * width * width > BATCH_AREA):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


def write_weights(state: dict[str, torch.Tensor], path: Path) -> None:
    """Save a state dict with every matrix as int8 rows plus one fp32 scale a row."""
    import torch
    from safetensors.torch import save_file

    stored: dict[str, torch.Tensor] = {}
    for name, tensor in state.items():
        tensor = tensor.detach().contiguous()
        if tensor.is_floating_point() and tensor.dim() == 2 and min(tensor.shape) >= 16:
            tensor = tensor.float()
            scale = tensor.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / 127
            stored[name] = torch.round(tensor / scale).to(torch.int8).contiguous()
            stored[name + ".__scale__"] = scale.contiguous()
        else:
            stored[name] = tensor
    save_file(stored, str(path), metadata={"format": "trialsieve-int8-rows"})


def read_weights(path: Path) -> dict[str, torch.Tensor]:
    """The fp32 state dict that :func:`write_weights` stored."""
    from safetensors.torch import load_file

    stored = load_file(str(_require(path)))
    return {
        name: tensor.float() * stored[name + ".__scale__"] if name + ".__scale__" in stored else tensor
        for name, tensor in stored.items()
        if not name.endswith(".__scale__")
    }


def write_model(model: torch.nn.Module, tokenizer_dir: Path, out: Path) -> None:
    """The model in the shipped layout: config, tokenizer, int8 weights for torch, and the ONNX graph
    of those same int8 weights that inference runs."""
    out.mkdir(parents=True, exist_ok=True)
    model.config.to_json_file(str(out / "config.json"))
    tokenizer = json.loads((tokenizer_dir / "tokenizer.json").read_text("utf-8"))
    tokenizer["truncation"] = tokenizer["padding"] = None  # the tagger sets its own
    (out / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), "utf-8")
    write_weights(model.state_dict(), out / WEIGHTS)
    try:
        export_onnx(out)
    except ValueError as error:  # another architecture: loading falls back to torch
        print(f"trialsieve: no ONNX graph for this model ({error}); it will run on torch", file=sys.stderr)


def graph(directory: Path, activations: str = ACTIVATIONS):
    """The ONNX model of the tagger in ``directory``, built from its config and int8 weights."""
    from trialsieve.onnxbert import build, read_state

    config = json.loads(_require(directory / "config.json").read_text("utf-8"))
    state = read_state(_require(directory / WEIGHTS))
    prefix = next(
        (k[: -len("embeddings.word_embeddings.weight")] for k in state if k.endswith("word_embeddings.weight")), ""
    )
    return build(state, config, "token", activations, prefix=prefix)  # type: ignore[arg-type]


def export_onnx(directory: Path, activations: str = ACTIVATIONS) -> Path:
    """Write ``model.onnx`` beside the weights in ``directory`` (training does; so can an older model)."""
    from trialsieve.onnxbert import save

    path = directory / ONNX
    save(graph(directory, activations), path)
    print(f"wrote {path}", file=sys.stderr)
    return path


def _require(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"no {path.name} in {path.parent}: not a trialsieve entity model directory")
    return path
