"""The logic layer: the learned relation model and the trees it assembles, with the shipped models."""

import datetime as dt
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


def test_a_bracket_that_opens_with_an_article_defines_too(tagger):
    # NCT00661700 E9: a blood pressure of 180 with no hypertension on record had let the patient through
    text = (
        "Resting hypotension (a resting systolic blood pressure of <90 mm Hg) or hypertension (a resting "
        "systolic blood pressure >170 mm Hg or a resting diastolic blood pressure >110 mm Hg)."
    )
    concepts = [leaf for leaf in leaves(_rule(tagger, text)) if leaf.type == "presence"]
    assert len(concepts) == 2 and all(leaf.role == "defined" for leaf in concepts)


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


def test_a_window_bounds_a_concept_and_its_bracketed_exceptions(tagger):
    # the limit "in the last five years" once swallowed the brackets into one leaf, losing the exceptions
    text = "History of cancer (other than non-melanoma skin cancer or in-situ cervical cancer) in the last five years."
    rule = _rule(tagger, text)
    base = next(leaf for leaf in leaves(rule) if leaf.type == "presence" and leaf.role is None)
    assert base.temporal is not None and base.temporal.value == 5
    assert [c.text for c in base.excepted] == ["non-melanoma skin cancer", "in-situ cervical cancer"]
    exceptions = [leaf for leaf in leaves(rule) if leaf.type == "presence" and leaf.role == "exception"]
    assert len(exceptions) == 2 and all(leaf.negated for leaf in exceptions)  # "non-" names, it does not deny


def test_an_example_belongs_to_the_category_right_before_it(tagger):
    rule = _rule(
        tagger, "International normalized ratio (INR) > 3 for patients using blood thinners (such as Coumadin)"
    )
    assert rule.type == "all"
    alternatives = next(arg for arg in rule.args if arg.type == "any")
    assert set(_presences(alternatives)) == {"blood thinners", "Coumadin"}
    assert any(arg.type == "comparison" for arg in rule.args)


def test_an_unbracketed_example_list_runs_to_its_last_item(tagger):
    rule = _rule(
        tagger,
        "Known history of physical impairment such as immobility, use of walking aids, or required wheelchair use.",
    )
    assert rule.type == "any" and len(rule.args) == 4


def test_a_negation_before_a_category_denies_its_examples_and_the_rest_of_the_list(tagger):
    rule = _rule(tagger, "No blood thinners (e.g. warfarin or heparin) or antiplatelets", "inclusion")
    assert rule.type == "not" and not any(leaf.negated for leaf in leaves(rule))
    assert {"blood thinners", "warfarin", "heparin", "antiplatelets"} <= set(_presences(rule))


def test_how_long_a_treatment_lasted_bounds_the_treatment_and_its_examples(tagger):
    text = "At least six weeks of prior conservative treatment (e.g., physical therapy and/or use of narcotics)"
    rule = _rule(tagger, text, "inclusion")
    found = _presences(rule)
    assert "conservative treatment" in found and "physical therapy" in found
    assert all(leaf.temporal.measure == "duration" and leaf.temporal.value == 6 for leaf in found.values())
    assert not any("weeks" in name for name in found)  # no leaf named after the duration itself


def test_a_class_and_its_scale_stay_on_the_concept(tagger):
    for text in ("NYHA class III or IV heart failure", "CHF (NYHA) class III or greater measured within 2 weeks"):
        rule = _rule(tagger, text, "inclusion")
        assert rule.type == "presence" and rule.concept.kind == "condition", text
        assert "III" in rule.concept.text and "NYHA" in rule.concept.text


def test_lead_words_that_say_how_a_concept_is_met_ask_nothing(tagger):
    text = "Compliance with the diagnostic criteria for abdominal obesity (waist circumference ≥90 cm for males)"
    assert not any(leaf.type == "unstructured" for leaf in leaves(_rule(tagger, text, "inclusion")))
    text = "Males with erectile dysfunction for more than 6 months according to the NIH Consensus definition"
    assert not any(leaf.type == "unstructured" for leaf in leaves(_rule(tagger, text, "inclusion")))


def test_a_negated_limit_is_denied_not_kept():
    rule = structure_text("Not drinking more than 2 alcoholic drinks per day", "inclusion")
    assert rule.rule.type == "not" and rule.rule.args[0].type == "comparison"
    assert rule.rule.args[0].variable == "drinking"


def test_alternatives_are_alike(tagger):
    # "and" between a finding and a measured limit asks both; between two drug classes the model may read "or"
    rule = _rule(tagger, "have fixed dilated pupils and GCS = 3")
    assert rule.type == "all"


def test_what_a_patient_can_tolerate_is_for_review(tagger):
    # "can tolerate surgery" asks a judgment of fitness, not for a surgery on record
    rule = _rule(tagger, "Heart, lung, liver, brain and kidney function can tolerate surgery", "inclusion")
    assert [leaf.type for leaf in leaves(rule)] == ["unstructured"]


def test_an_organ_stays_on_its_concept(tagger):
    # "pelvic radiotherapy" is not any radiotherapy; "renal or hepatic impairment" shares its head
    assert _rule(tagger, "History of pelvic radiotherapy").concept.text == "pelvic radiotherapy"
    assert set(_presences(_rule(tagger, "Renal or hepatic impairment"))) == {"Renal impairment", "hepatic impairment"}


@pytest.mark.parametrize(
    ("text", "windowed", "unbounded"),
    [
        # a window after the list's last item bounds every item, and a qualifier qualifies only its own
        ("Myocardial infarction, unstable angina, or stroke within the past 6 months", 3, 0),
        ("History of stroke, or myocardial infarction within 6 months", 1, 1),  # a history keeps what it says
        ("Stroke within 6 months, or diabetes", 1, 1),  # the window is not after the list's last item
    ],
)
def test_a_window_after_a_list_bounds_each_item(tagger, text, windowed, unbounded):
    found = [leaf for leaf in leaves(_rule(tagger, text)) if leaf.type == "presence"]
    assert (sum(p.temporal is not None for p in found), sum(p.temporal is None for p in found)) == (windowed, unbounded)
    if "angina" in text:
        qualified = {p.concept.text: p.qualifiers for p in found}
        assert qualified["Myocardial infarction"] == [] and qualified["angina"] == ["unstable"]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        (
            "Exposure to any investigational drug or procedure within 1 month prior to study entry",
            "investigational procedure",
        ),
        ("Treatment with investigational drug, device or procedure", "investigational procedure"),
        ("Blood transfusion or surgery within 3 months", "surgery"),  # "blood" lends nothing: no modifier
    ],
)
def test_a_bare_generic_head_takes_the_modifier_of_the_item_before(tagger, text, concept):
    assert concept in _presences(_rule(tagger, text))


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Men with insufficient manual dexterity to operate a vacuum device", "insufficient manual dexterity"),
        ("Insulin-dependent diabetes mellitus", "Insulin-dependent diabetes mellitus"),
        ("History of drug-induced liver injury", "drug-induced liver injury"),
        ("Smoldering myeloma", "Smoldering myeloma"),  # NCT05827016 E2: read "myeloma", it excluded every patient
    ],
)
def test_words_that_change_the_concept_stay_on_it(tagger, text, concept):
    assert concept in _presences(_rule(tagger, text))


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        ("lung, heart, or autoimmune disease", {"lung disease", "heart disease", "autoimmune disease"}),
        (
            "atrial or ventricular rhythm disturbances",
            {"atrial rhythm disturbances", "ventricular rhythm disturbances"},
        ),
        (
            "Compressive pathology due to stenosis or herniated or sequestered discs",
            {"herniated discs", "sequestered discs"},
        ),
        ("serious or significant cardiac disease", {"cardiac disease"}),  # a qualifier alone is no item
        # NCT02226237 I2: "localized cancer" took any cancer; a state may carry an adverb ("locally advanced")
        ("diagnosed with localized or locally advanced prostate cancer", {"localized prostate cancer"}),
        # the tagger's "Histologically" says how it was found: locally advanced patients had failed the inclusion
        ("Histologically confirmed locally advanced or metastatic breast cancer", {"advanced breast cancer"}),
    ],
)
def test_list_items_share_the_head_the_tagger_named_alone(tagger, text, concepts):
    found = set(_presences(_rule(tagger, text)))
    assert concepts <= found and not any(name in found for name in ("disease", "discs", "herniated", "serious disease"))


def test_a_state_of_its_own_shares_no_head(tagger):
    # NCT05071482 E10: read as "pregnant feeding", no pregnant patient matched the exclusion
    found = set(_presences(_rule(tagger, "Female patients who are pregnant or breast feeding.")))
    assert {"pregnant", "breast feeding"} <= found and "pregnant feeding" not in found


def test_modifiers_tagged_alone_share_the_head_and_lead_words_ask_nothing(tagger):
    found = _presences(_rule(tagger, "Hypertrophic obstructive or other clinically significant cardiomyopathy"))
    assert "Hypertrophic obstructive cardiomyopathy" in found and "Hypertrophic obstructive" not in found
    text = "Have a history of blood donation of 1 unit (approximately 450 mL) or more in the last 3 months"
    # no review leaf for the lead words; the amount ("1 unit or more") is a limit not read, so the donation is
    # one review of it (extract/unread_limits.py)
    assert [(leaf.type, getattr(leaf, "reason", None)) for leaf in leaves(_rule(tagger, text))] == [
        ("unstructured", "a limit not read")
    ]


def test_a_thing_named_by_its_effect_is_for_a_person_and_its_examples_count(tagger):
    from trialsieve.match.concepts import ConceptMatcher
    from trialsieve.match.patient import Fact, Patient
    from trialsieve.match.verdicts import Judge

    text = "Medications that affect behavior/learning/appetite"
    rule = _rule(tagger, text)
    reviews = [leaf for leaf in leaves(rule) if leaf.type == "unstructured"]
    assert [leaf.reason for leaf in reviews] == ["effect"]
    assert all(p.role == "effect" for p in _presences(rule).values())  # "appetite" asks nothing of its own
    hungry = Patient(id="p", age=40, sex="female", facts=[Fact(kind="condition", text="loss of appetite")])
    assert Judge(hungry, dt.date(2026, 11, 30), ConceptMatcher()).rule(rule, text, "exclusion")[0] == "needs_review"
    text = "Medical condition that would increase risk of neuromuscular blockade (myasthenia gravis, Eaton Lambert)"
    weak = Patient(id="p", age=40, sex="female", facts=[Fact(kind="condition", text="Myasthenia gravis")])
    assert Judge(weak, dt.date(2026, 11, 30), ConceptMatcher()).rule(_rule(tagger, text), text, "exclusion")[0] == "met"


@pytest.mark.parametrize(
    ("recorded", "verdict"), [("patent foramen ovale", "not_met"), ("atrial septal defect", "met")]
)
def test_several_exceptions_are_left_out_together(tagger, recorded, verdict):
    from trialsieve.match.concepts import ConceptMatcher
    from trialsieve.match.patient import Fact, Patient
    from trialsieve.match.verdicts import Judge

    text = "Congenital heart defect, other than PDA and/or patent foramen ovale (PFO)"
    rule = _rule(tagger, text)
    (group,) = [arg for arg in rule.args if arg.type == "not"]  # not(any(PDA, PFO)): neither counts
    assert group.args[0].type == "any" and all(leaf.role == "exception" for leaf in leaves(group))
    patient = Patient(
        id="p", age=30, sex="female", facts=[Fact(kind="condition", text=f"Congenital heart defect: {recorded}")]
    )
    judge = Judge(patient, dt.date(2026, 11, 30), ConceptMatcher(), presume=True)
    assert judge.rule(rule, text, "exclusion")[0] == verdict


@pytest.mark.parametrize(
    ("text", "section", "concept", "negated"),
    [
        ("Untreated brain metastases", "exclusion", "Untreated brain metastases", False),  # a state, no denial
        ("Has unresolved toxicities from previous anticancer therapy;", "exclusion", "toxicities", False),
        ("Subjects could not be on androgens or alpha blockers.", "exclusion", "androgens", False),  # a prohibition
        ("Patients must not have received prior chemotherapy", "inclusion", "chemotherapy", True),
    ],
)
def test_states_heads_and_prohibitions_keep_their_polarity(tagger, text, section, concept, negated):
    rule = _rule(tagger, text, section)
    found = [(p, path) for p, path in _leaf_paths(rule) if concept.lower() in p.concept.text.lower()]
    assert found and all((p.negated != (path.count("not") % 2 == 1)) == negated for p, path in found)
    assert "anticancer therapy" not in _presences(rule)  # the therapy alone is not what excludes


def _leaf_paths(rule, path=()):
    if rule.type in ("all", "any", "not", "at_least"):
        return [x for arg in rule.args for x in _leaf_paths(arg, (*path, rule.type))]
    return [(rule, list(path))] if rule.type == "presence" else []


def test_a_semicolon_parts_items_as_the_section_does(tagger):
    text = "History of autoimmune disease; interstitial pneumonitis"
    assert _rule(tagger, text, "exclusion").type == "any"  # either excludes
    assert _rule(tagger, text, "inclusion").type == "all"


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Progressive neurological deficit (usually requiring urgent surgery)", "Progressive neurological deficit"),
        ("Robot-assisted radical prostatectomy", "Robot-assisted radical prostatectomy"),
        ("Platinum-based chemotherapy", "Platinum-based chemotherapy"),
    ],
)
def test_hedged_asides_ask_nothing_and_hyphenated_modifiers_stay(tagger, text, concept):
    found = _presences(_rule(tagger, text, "inclusion"))
    assert concept in found and "surgery" not in found and "Robot" not in found


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Anatomical malformation of the penis", "Anatomical malformation of the penis"),
        ("Previous radiation therapy to pelvis", "radiation therapy to pelvis"),
        ("Symptomatic disc herniation at L4-L5", "disc herniation at L4-L5"),
    ],
)
def test_a_site_written_after_a_concept_stays_on_it(tagger, text, concept):
    assert any(name.endswith(concept) for name in _presences(_rule(tagger, text)))


def test_an_undertaking_keeps_its_examples_and_a_state_its_words(tagger):
    text = "Agree not to use any other treatments for ED (including herbal or over-the-counter drugs) during the study"
    (leaf,) = leaves(_rule(tagger, text, "inclusion"))  # what is promised: no "drugs" leaf any patient meets
    assert (leaf.type, leaf.reason, leaf.negated) == ("unstructured", "willingness", False)
    assert "Normal fasting glucose" in _presences(_rule(tagger, "Normal fasting glucose", "inclusion"))
    found = _presences(_rule(tagger, "Hospitalisation for acute decompensation", "inclusion"))
    assert "Hospitalisation for acute decompensation" in found


def test_a_new_subject_after_a_comma_starts_another_item_of_the_section(tagger):
    text = "International Normalized Ratio greater than 2.5, and men on any blood thinners other than 81mg aspirin"
    rule = _rule(tagger, text)
    (either,) = [arg for arg in rule.args if arg.type == "any"]  # each excludes on its own
    assert {leaf.type for leaf in leaves(either)} == {"comparison", "presence"}


def test_spine_levels_are_a_site_not_a_limit_or_a_concept(tagger):
    text = "Have previous trauma to the C3 to C7 levels"
    rule = _rule(tagger, text)
    assert not [leaf for leaf in leaves(rule) if leaf.type == "comparison"]
    assert any("C3 to C7" in name for name in _presences(rule)) and "C" not in _presences(rule)


def test_eg_without_dots_gives_examples_and_no_allergen(tagger):
    text = "Any serious allergic reaction to penicillins or any BLIs (eg, tazobactam, sulbactam)"
    found = _presences(_rule(tagger, text))
    assert "allergy to tazobactam" in found and not any(name.endswith(" eg") for name in found)


def test_and_written_in_an_inclusion_asks_for_both(tagger):
    assert _rule(tagger, "Patients with diabetes and erectile dysfunction", "inclusion").type == "all"


def test_examples_restating_what_is_left_after_an_exception_meet_the_category(tagger):
    text = (
        "  -  Patients planned to undergo cancer therapy other than chemotherapy (i.e., radiation, surgery or "
        "hormonal treatment alone)"
    )
    paths = {p.concept.text: (p, path) for p, path in _leaf_paths(_rule(tagger, text))}
    therapy, _ = paths["cancer therapy"]
    assert [c.text for c in therapy.excepted] == ["chemotherapy"]
    for example in ("radiation", "surgery", "hormonal treatment"):
        leaf, path = paths[example]
        assert not leaf.negated and leaf.role is None and "not" not in path  # an alternative, not excepted
