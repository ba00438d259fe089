"""The shipped entity model, loaded for real from the package, tagging the seed trials' criteria."""

import pytest

from trialsieve.extract.tagger import read_weights, shipped, write_weights
from trialsieve.rules import leaves


def _types(tagger, text: str) -> dict[str, str]:
    (entities,) = tagger.tag([text])
    return {e.text: e.type for e in entities}


@pytest.mark.parametrize(
    ("criterion", "phrase", "kind"),
    [
        ("Schirmer's test 1-5 mm/5 minutes", "Schirmer's test", "observation"),
        ("Reduced immune response (e.g. HIV positive)", "HIV", "condition"),
        ("Pregnancy or planned pregnancy within the next 2 years", "Pregnancy", "condition"),
        ("LG volume on MRI < 0,2 cm3 in the study eye", "LG volume", "observation"),
    ],
)
def test_seed_criteria_entities(tagger, criterion, phrase, kind):
    found = _types(tagger, criterion)
    assert any(phrase in text and t == kind for text, t in found.items()), found


def test_numbers_operators_and_units_are_tagged(tagger):
    found = _types(tagger, "Hemoglobin < 11 g/dL")
    assert found.get("<") == "operator" and found.get("11") == "value" and found.get("g") == "unit", found


def test_the_registry_types_the_trials_own_interventions(amass):
    """The model alone calls the unseen "ASCs" a condition; AMASS's record lists "Drug: ASCs"."""
    (criterion,) = [c for c in amass.criteria if c.text.startswith("Previous treatment with ASCs")]
    (leaf,) = [leaf for leaf in leaves(criterion.rule) if leaf.type == "presence" and "ASCs" in leaf.concept.text]
    assert (leaf.concept.text, leaf.concept.kind) == ("ASCs", "drug")


def test_batches_give_the_same_spans_as_single_texts(tagger):
    texts = ["Age ≥ 18 years", "No prior chemotherapy within 6 months", "", "HIV, HTLV-1/2 or hepatitis B infection"]
    assert tagger.tag(texts, batch_size=2) == [tagger.tag([t])[0] for t in texts]


def test_the_shipped_model_is_small_and_int8():
    assert sum(f.stat().st_size for f in shipped().iterdir()) < 50 * 2**20
    stored = read_weights(shipped() / "weights.safetensors")
    assert stored["bert.embeddings.word_embeddings.weight"].shape[0] == 30522


def test_int8_rows_round_trip_within_half_a_step(tmp_path):
    import torch

    weight = torch.randn(64, 32)
    write_weights({"w": weight, "b": torch.randn(32)}, tmp_path / "w.safetensors")
    back = read_weights(tmp_path / "w.safetensors")
    step = weight.abs().amax(dim=1, keepdim=True) / 127
    assert ((back["w"] - weight).abs() <= step / 2 + 1e-6).all()
