"""The logic layer: the learned relation model and the trees it assembles, with the shipped models."""

import json
from pathlib import Path

import pytest

from trialsieve.extract import lct
from trialsieve.extract.logic import shared_heads
from trialsieve.extract.relation_training import examples, pair_label, things, train
from trialsieve.extract.relations import LogicModel, default_model
from trialsieve.extract.structure import structure_text
from trialsieve.rules import leaves

ROOT = Path(__file__).parents[2]


def _rule(tagger, text: str, section: str = "exclusion"):
    return structure_text(text, section, tagger.tag([text])[0], default_model()).rule


def _presences(rule):
    return {leaf.concept.text: leaf for leaf in leaves(rule) if leaf.type == "presence"}


def test_the_shipped_model_loads_and_reads_a_list():
    model = default_model()
    assert model is not None and set(model.info) >= {"pairs", "negation"}
    text = "HIV, hepatitis B or hepatitis C"
    label, p = model.pair(text, (5, 16), (20, 31), ("condition", "condition"), "exclusion")
    assert label == "or" and 0.5 < p <= 1


def test_an_exception_is_left_out_of_its_category(tagger):
    rule = _rule(
        tagger, "History of malignancy within the past 5 years (other than squamous or basal cell skin cancer)."
    )
    assert rule.type == "all"
    base = next(leaf for leaf in leaves(rule) if leaf.type == "presence" and leaf.role is None)
    assert base.concept.text == "malignancy" and base.temporal is not None
    assert [c.text for c in base.excepted] == ["squamous cell skin cancer", "basal cell skin cancer"]
    exceptions = [leaf for leaf in leaves(rule) if leaf.type == "presence" and leaf.role == "exception"]
    assert exceptions and all(leaf.negated for leaf in exceptions)


def test_examples_are_alternatives_to_their_category(tagger):
    rule = _rule(tagger, "Treatment with CYP3A4 inhibitors (e.g. indinavir, ritonavir, ketoconazole)")
    assert rule.type == "any"
    assert {"CYP3A4 inhibitors", "indinavir", "ritonavir", "ketoconazole"} <= set(_presences(rule))


def test_a_negation_before_a_list_denies_every_item(tagger):
    rule = _rule(tagger, "No prior treatment with bevacizumab or other VEGF inhibitors", "inclusion")
    assert rule.type == "not" and rule.args[0].type == "any"
    assert not any(leaf.negated for leaf in leaves(rule))  # the negation sits above the list


def test_list_items_share_their_head_noun(tagger):
    rule = _rule(tagger, "No serious heart, lung, liver, or kidney disease;", "inclusion")
    names = set(_presences(rule))
    assert {"lung disease", "liver disease", "kidney disease"} <= names
    assert any(name.endswith("heart disease") for name in names)
    assert shared_heads("drug or alcohol abuse") == ["drug abuse", "alcohol abuse"]
    assert shared_heads("non-melanoma skin cancer or in-situ cervical cancer") == [
        "non-melanoma skin cancer",
        "in-situ cervical cancer",
    ]


def test_a_qualifier_that_names_the_disease_stays_on_it(tagger):
    assert set(_presences(_rule(tagger, "Type 1 diabetes"))) == {"Type 1 diabetes"}


def test_limits_in_brackets_define_the_concept_before_them(tagger):
    rule = _rule(tagger, "Uncontrolled diabetes mellitus (Haemoglobin A1c > 12%)")
    concept = next(leaf for leaf in leaves(rule) if leaf.type == "presence")
    assert concept.role == "defined"
    assert any(leaf.type == "comparison" and leaf.value == 12 for leaf in leaves(rule))


def test_a_phrase_with_no_clinical_concept_is_not_a_structured_leaf(tagger):
    rule = _rule(tagger, "Ineligibility or unwillingness to undergo autologous stem cell transplant")
    assert all(leaf.type == "unstructured" for leaf in leaves(rule))


def test_without_the_model_the_cue_lexicons_decide():
    rule = structure_text("Eye drops other than artificial tears", "exclusion", None, None).rule
    assert rule.type == "all"
    assert [leaf.negated for leaf in leaves(rule)] == [False, True]


def test_pair_labels_come_from_the_corpus_relations():
    row = {
        "text": "HIV or HCV other than treated HBV",
        "entities": [
            {"id": "T1", "type": "Condition", "start": 0, "end": 3, "text": "HIV"},
            {"id": "T2", "type": "Condition", "start": 7, "end": 10, "text": "HCV"},
            {"id": "T3", "type": "Exception", "start": 11, "end": 21, "text": "other than"},
            {"id": "T4", "type": "Condition", "start": 30, "end": 33, "text": "HBV"},
        ],
        "relations": [
            {"type": "Or", "head": "T1", "tail": "T2"},
            {"type": "Except", "head": "T3", "tail": "T4"},
            {"type": "From", "head": "T3", "tail": "T1"},
        ],
    }
    hiv, hcv, hbv = things(row)
    assert pair_label(row, hiv, hcv) == "or"
    assert pair_label(row, hcv, hbv) == "except"  # excepted from the group HCV belongs to
    pairs, negations = examples([row])
    assert [label for _, label in pairs] == ["or", "except"] and len(negations) == 3


def test_training_is_deterministic_and_round_trips(tmp_path):
    rows = lct.read(ROOT / "data" / "lct" / "criteria_entities.dev.jsonl")[:1500]
    first, second = train(rows, log=lambda _: None, grid=(1.0,)), train(rows, log=lambda _: None, grid=(1.0,))
    assert first.info == second.info
    first.save(tmp_path / "m")
    loaded = LogicModel.load(tmp_path / "m")
    feats = ["btw=or", "bias", "cue=or"]
    assert loaded.pairs.predict(feats) == pytest.approx(first.pairs.predict(feats))
    assert json.loads((tmp_path / "m" / "relations.json").read_text())["pairs"]["labels"][0] == "none"


def test_train_relations_names_a_missing_file(tmp_path):
    from typer.testing import CliRunner

    from trialsieve.cli import app

    result = CliRunner().invoke(app, ["train-relations", "--data", str(tmp_path / "none.jsonl"), "-o", str(tmp_path)])
    assert result.exit_code != 0 and "no such file" in result.output


def test_a_sex_piece_with_states_is_read_whole(tagger):
    rule = _rule(tagger, "Male and non-pregnant female volunteers", "inclusion")
    sexes = [leaf for leaf in leaves(rule) if leaf.type == "demographic"]
    assert {leaf.value_text for leaf in sexes} == {"male", "female"}
    assert any(leaf.type == "presence" and leaf.negated for leaf in leaves(rule))  # not pregnant


def test_only_a_modifier_shares_the_next_items_head():
    assert shared_heads("HIV or hepatitis B") == ["HIV", "hepatitis B"]
