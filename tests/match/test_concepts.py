import datetime as dt
import json
from importlib import resources

import pytest

from tests.conftest import ROOT
from trialsieve.match.concepts import ConceptMatcher, _qualified, in_context, normalise, variants
from trialsieve.match.patient import Fact, Patient
from trialsieve.match.records import read_patient
from trialsieve.rules import Code, Concept, Presence


def _fact(text: str, **extra) -> Fact:
    return Fact(kind="condition", text=text, **extra)


def _found(matcher, concept, facts, code=None, context=None):
    return [(m.fact.text, m.how) for m in matcher.find(concept, facts, code, context=context)]


def test_synonyms_and_abbreviations_match():
    facts = [_fact("SSc"), _fact("heart attack"), _fact("Type 2 diabetes")]
    matcher = ConceptMatcher()
    assert _found(matcher, "systemic sclerosis", facts) == [("SSc", "lexicon")]
    assert _found(matcher, "history of MI", facts) == [("heart attack", "lexicon")]
    assert _found(matcher, "diabetes", facts) == [("Type 2 diabetes", "lexicon")]


@pytest.mark.parametrize(
    ("written", "recorded"),
    [
        ("malignancies", "Malignant neoplasm of breast"),  # NCT05827016 E4, NCT06610240 E1
        ("brain tumors", "Malignant neoplasm of brain"),
        ("prior strokes", "Cerebrovascular accident"),
        ("heart attacks", "Myocardial infarction"),
    ],
)
def test_a_synonym_written_in_the_plural_is_the_synonym(written, recorded):
    """A synonym group knew each name in the singular only: "History of malignancies" had found no record
    of a breast cancer that "malignancy" found."""
    assert ConceptMatcher().find(written, [_fact(recorded)])


@pytest.mark.parametrize(
    ("written", "recorded"),
    [
        ("Leukaemia", "Acute myeloid leukemia"),  # as NCT05756322 E3 writes it
        ("anaemia", "Anemia"),
        ("oedema", "Edema"),
        ("diarrhoea", "Diarrhea"),
        ("coeliac disease", "Celiac disease"),
        ("paediatric asthma", "Pediatric asthma"),
    ],
)
def test_a_british_spelling_is_the_american_one(written, recorded):
    assert ConceptMatcher().find(written, [_fact(recorded)])


def test_a_spelling_rewrite_leaves_other_words_alone():
    """Guard: only parts of words English writes so are rewritten ("shoe", "coexisting" keep their "oe")."""
    assert normalise("shoe coexisting toe") == "shoe coexisting toe"


@pytest.mark.parametrize("recorded", ["Benign neoplasm of skin", "Benign tumor of brain"])
def test_a_benign_neoplasm_is_no_malignancy(recorded):
    """A "neoplasm" is read as a cancer; a benign one had met every "malignancy" exclusion."""
    matcher = ConceptMatcher()
    assert not matcher.find("malignancy", [_fact(recorded)])
    assert matcher.find("benign tumor", [_fact(recorded)])
    assert matcher.find("malignancy", [_fact("Neoplasm of prostate")])


def test_a_lactiferous_duct_carcinoma_is_a_breast_cancer():
    """The plural reading let "Prior malignancies ... other than breast cancer" find a record of "Lactiferous
    duct carcinomas" (NLI4CT study part); the exception did not know it for a breast cancer."""
    matcher = ConceptMatcher()
    assert matcher.find("breast cancer", [_fact("Lactiferous duct carcinomas")])
    assert not matcher.find("lung cancer", [_fact("Lactiferous duct carcinomas")])


def test_a_plural_guess_makes_no_name_of_a_word_that_is_one():
    """Guard: "diabetes" and "AIDS" end in "s" and have no plural to guess."""
    assert normalise("type 2 diabetes") == normalise("Type 2 diabetes")
    assert not ConceptMatcher().find("diabetes insipidus", [_fact("Type 2 diabetes mellitus")])


def test_a_receptor_is_not_the_substance_it_binds():
    """ "Breast cancer that has estrogen receptors" names the tumour's receptor status, not estrogen taken: it does not
    answer "hormone replacement (estrogen or progestin) therapy", and a criterion naming the receptor still finds it."""
    matcher = ConceptMatcher()
    assert _found(matcher, "estrogen", [_fact("estrogen receptors")]) == []
    assert _found(matcher, "estrogen receptor", [_fact("estrogen receptors")])


def test_a_broader_record_does_not_satisfy_a_narrower_criterion():
    matcher = ConceptMatcher()
    assert _found(matcher, "type 1 diabetes", [_fact("Type 2 diabetes")]) == []
    assert _found(matcher, "type 2 diabetes", [_fact("diabetes")]) == []


def test_diabetes_insipidus_is_no_diabetes_mellitus():
    """ "diabetes" is diabetes mellitus, and the rewrite once reached inside "diabetes insipidus": a
    recorded diabetes met "Diabetes insipidus" (and an insipidus met "diabetes")."""
    matcher = ConceptMatcher()
    assert _found(matcher, "diabetes insipidus", [_fact("Diabetes")]) == []
    assert _found(matcher, "diabetes", [_fact("Diabetes insipidus")]) == []
    assert _found(matcher, "endocrine disease", [_fact("Diabetes insipidus")]) == [("Diabetes insipidus", "kind_of")]


def test_class_members_match_the_class_only():
    matcher = ConceptMatcher()
    drug = Fact(kind="drug", text="prednisone 10 mg")
    assert _found(matcher, "corticosteroids", [drug]) == [("prednisone 10 mg", "kind_of")]
    assert _found(matcher, "dexamethasone", [drug]) == []


def test_codes_match_whatever_the_words():
    code = Code(system="http://snomed.info/sct", code="89155008")
    assert _found(ConceptMatcher(), "severe scleroderma", [_fact("SSc-ILD", codes=[code])], code) == [
        ("SSc-ILD", "code")
    ]


def test_parentheses_give_variants():
    assert variants("forced vital capacity (FVC) < 80% predicted") == (
        "forced vital capacity (FVC) < 80% predicted",
        "forced vital capacity   < 80% predicted",
        "FVC",
    )


def test_embedding_similarity_above_the_threshold(embedder):
    facts = [_fact("renal failure requiring dialysis"), _fact("broken wrist")]
    strict = ConceptMatcher(embedder, threshold=0.99)
    loose = ConceptMatcher(embedder, threshold=0.5)
    assert _found(strict, "kidney failure treated with dialysis", facts) == []
    found = loose.find("kidney failure treated with dialysis", facts)
    assert [m.fact.text for m in found] == ["renal failure requiring dialysis"]
    assert found[0].how == "embedding" and 0.5 <= found[0].score < 0.99


# --- words that change the concept (lexicons/qualifiers.json) ---------------------------------


def _against(matcher, concept, facts, context=None):
    return [m.fact.text for m in matcher.contradicts(concept, facts, context=context)]


@pytest.mark.parametrize(
    ("written", "axis", "values"),
    [
        ("Type II diabetes", "type", {"2"}),
        ("T1DM", "type", {"1"}),
        ("chronic kidney disease stages 3 to 5", "stage", {"3", "4", "5"}),
        ("CKD stage 3b", "stage", {"3"}),
        ("stage II-IV melanoma", "stage", {"2", "3", "4"}),
        ("stage \u2265 III ovarian cancer", "stage", {"3", "4", "5"}),
        ("heart failure (NYHA class II or III)", "class", {"2", "3"}),
        ("NYHA functional class III and IV", "class", {"3", "4"}),
        ("grade 2 or higher peripheral neuropathy", "grade", {"2", "3", "4", "5"}),
        ("Child-Pugh class B or C cirrhosis", "child-pugh", {"2", "3"}),
        ("locally advanced or metastatic urothelial carcinoma", "stage", {"3", "4"}),
        ("non-metastatic castration-resistant prostate cancer", "stage", {"0", "1", "2", "3"}),
        ("ductal carcinoma in situ", "stage", {"0"}),
        ("HER2-positive gastric cancer", "status:her2", {"positive"}),
        ("triple negative breast cancer", "status:er", {"negative"}),
        ("EGFR mutation-positive NSCLC", "status:egfr", {"positive"}),
        ("pancreatic adenocarcinoma", "site", {"pancreas"}),
        ("poorly controlled asthma", "control", {"uncontrolled"}),
    ],
)
def test_qualifiers_are_read_as_values_on_their_axis(written, axis, values):
    assert _qualified(written)[0][axis] == values


@pytest.mark.parametrize("written", ["end-stage renal disease", "PR interval > 200 ms", "ER visit", "blood type O"])
def test_words_that_only_look_like_qualifiers_are_none(written):
    assert _qualified(written)[0] == {}


def test_another_type_rules_the_criterion_out_and_no_type_says_nothing():
    matcher = ConceptMatcher()
    facts = [_fact("Diabetes mellitus type 2 (disorder)"), _fact("diabetes mellitus"), _fact("gestational diabetes")]
    assert _found(matcher, "type 1 diabetes mellitus", facts) == []
    assert _against(matcher, "type 1 diabetes mellitus", facts) == [
        "Diabetes mellitus type 2 (disorder)",
        "gestational diabetes",
    ]
    assert _found(matcher, "Type 2 DM", facts) == [("Diabetes mellitus type 2 (disorder)", "lexicon")]
    # the word test is unchanged: a broader criterion is answered by a narrower fact
    assert _found(matcher, "diabetes", facts) == [(f.text, "lexicon") for f in facts]


def test_the_qualifiers_next_to_the_concept_in_the_criterion_are_its_own():
    assert in_context("diabetes mellitus", "Known type 1 diabetes mellitus on an insulin pump") == (
        "type 1 diabetes mellitus"
    )
    # "Symptomatic" is a qualifier too (the symptoms axis): NYHA class III-IV heart failure has symptoms
    assert in_context("heart failure", "Symptomatic heart failure (NYHA class III-IV) at screening") == (
        "Symptomatic heart failure (NYHA class III-IV)"
    )
    assert in_context("breast cancer", "locally advanced or metastatic breast cancer") == (
        "locally advanced or metastatic breast cancer"
    )
    assert in_context("tumours", "History of primary brain tumours") == "primary brain tumours"
    # a qualifier of another concept in the same criterion is not this one's
    assert in_context("hypertension", "type 2 diabetes with hypertension") == "hypertension"
    assert in_context("metformin", "on a stable dose of metformin") == "metformin"
    # a word that makes a concept the drugs for it
    assert in_context("PAH", "receiving PAH therapy") == "PAH therapy"


def test_nyha_class_ckd_and_cancer_stage_must_agree():
    matcher = ConceptMatcher()
    heart = [_fact("congestive heart failure, NYHA class II"), _fact("NYHA functional class IV heart failure")]
    context = "Symptomatic heart failure (NYHA class III-IV) at screening"
    assert _found(matcher, "heart failure", heart, context=context) == [
        ("NYHA functional class IV heart failure", "lexicon")
    ]
    assert _against(matcher, "heart failure", heart[:1], context=context) == ["congestive heart failure, NYHA class II"]

    kidneys = [_fact("CKD stage 2"), _fact("chronic kidney disease stage 4"), _fact("chronic kidney disease")]
    assert _found(matcher, "chronic kidney disease stages 3 to 5", kidneys) == [
        ("chronic kidney disease stage 4", "lexicon")
    ]
    assert _against(matcher, "chronic kidney disease stages 3 to 5", kidneys) == ["CKD stage 2"]

    prostate = [
        _fact("prostate adenocarcinoma, stage II"),
        _fact("prostate cancer with bone metastases"),
        _fact("metastatic colorectal cancer"),
    ]
    assert _found(matcher, "metastatic prostate cancer", prostate) == [
        ("prostate cancer with bone metastases", "lexicon")
    ]
    # another site is another cancer: it neither answers nor rules out
    assert _against(matcher, "metastatic prostate cancer", prostate) == ["prostate adenocarcinoma, stage II"]
    assert _against(matcher, "metastatic cancer", prostate[:1]) == []


def test_primary_and_secondary():
    matcher = ConceptMatcher()
    facts = [_fact("essential hypertension"), _fact("primary pulmonary hypertension"), _fact("hypertension")]
    assert _found(matcher, "hypertension", facts, None) == [(f.text, "lexicon") for f in facts]
    assert _found(matcher, "secondary hypertension", facts) == []
    # only the same disease rules it out: pulmonary hypertension is another one
    assert _against(matcher, "secondary hypertension", facts) == ["essential hypertension"]
    renovascular = [_fact("renovascular hypertension")]
    assert [m.fact.text for m in matcher.find("secondary hypertension", renovascular)] == ["renovascular hypertension"]
    tumours = [_fact("brain metastases from lung adenocarcinoma"), _fact("left frontal glioblastoma")]
    assert _found(matcher, "primary brain tumour", tumours) == [("left frontal glioblastoma", "kind_of")]
    # a metastasis and a primary tumour can coexist: not a contradiction
    assert _against(matcher, "primary brain tumour", tumours) == []


def test_biomarker_status_and_non_names_must_agree():
    matcher = ConceptMatcher()
    facts = [_fact("HER2-negative breast cancer"), _fact("ER-positive, HER2-positive invasive breast carcinoma")]
    assert _found(matcher, "HER2-positive breast cancer", facts) == [
        ("ER-positive, HER2-positive invasive breast carcinoma", "lexicon")
    ]
    assert _against(matcher, "HER2-positive breast cancer", facts) == ["HER2-negative breast cancer"]
    assert _found(matcher, "small cell lung cancer", [_fact("non-small cell lung cancer")]) == []
    assert _found(matcher, "melanoma", [_fact("non-melanoma skin cancer")]) == []
    assert _found(matcher, "smoker", [_fact("non-smoker")]) == []


def test_lenient_qualifiers_block_only_a_different_value():
    matcher = ConceptMatcher()
    assert _found(matcher, "chronic hepatitis B", [_fact("acute hepatitis B infection")]) == []
    assert _found(matcher, "hepatitis B", [_fact("chronic hepatitis B")]) == [("chronic hepatitis B", "lexicon")]
    drugs = [Fact(kind="drug", text="hydrocortisone 1% cream"), Fact(kind="drug", text="prednisolone 5 mg tablet")]
    assert _found(matcher, "systemic corticosteroids", drugs) == [("prednisolone 5 mg tablet", "kind_of")]
    assert _found(matcher, "corticosteroids", drugs) == [(d.text, "kind_of") for d in drugs]
    # the words of a lenient qualifier stay part of the name
    assert _found(matcher, "systemic sclerosis", [_fact("multiple sclerosis")]) == []


def test_qualifiers_keep_the_embedding_from_matching_neighbours(embedder):
    matcher = ConceptMatcher(embedder, threshold=0.5)
    facts = [_fact("type 2 diabetes mellitus"), _fact("metastatic colorectal cancer")]
    assert _found(matcher, "type 1 diabetes mellitus", facts) == []
    assert _found(matcher, "metastatic breast cancer", facts) == []


def _presence(concept, written, negated=False):
    leaf = Presence(concept=Concept(text=concept, kind="condition"), negated=negated, span=(0, len(written)))
    return leaf, written


def _judge(*facts):
    from trialsieve.match.verdicts import Judge

    patient = Patient(id="p", age=50, sex="male", facts=list(facts))
    return Judge(patient, dt.date(2026, 11, 22), ConceptMatcher())


def test_a_documented_type_makes_the_presence_leaf_not_met_with_that_fact_as_evidence():
    leaf, written = _presence("diabetes mellitus", "Type 1 diabetes mellitus")
    verdict, (evidence,) = _judge(_fact("type 2 diabetes mellitus")).rule(leaf, written, "exclusion")
    assert (verdict, evidence.fact, evidence.match) == ("not_met", "type 2 diabetes mellitus", "contradicts")
    negated, _ = _presence("diabetes mellitus", "No type 1 diabetes mellitus", negated=True)
    assert _judge(_fact("type 2 diabetes mellitus")).rule(negated, "No type 1 diabetes mellitus")[0] == "met"
    # a diabetes of no stated type, or a type 2 recorded absent, does not say
    assert _judge(_fact("diabetes mellitus")).rule(leaf, written)[0] == "unknown"
    assert _judge(_fact("type 2 diabetes mellitus", present=False)).rule(leaf, written)[0] == "unknown"
    # a fact that matches wins over one that contradicts
    both = _judge(_fact("type 2 diabetes mellitus"), _fact("type 1 diabetes mellitus"))
    assert both.rule(leaf, written)[0] == "met"


# --- class membership (lexicons/classes.json) --------------------------------------------------


@pytest.mark.parametrize(
    ("concept", "fact", "kind"),
    [
        ("ED medications", "sildenafil 50 mg as needed", "drug"),
        ("Treatment with a PDE-5 inhibitor", "Cialis 5 mg", "drug"),
        ("strong CYP3A4 inhibitors", "ketoconazole 200 mg", "drug"),
        ("CYP3A inhibitors", "diltiazem ER 240 mg", "drug"),
        ("other VEGF inhibitors", "pazopanib 800 mg", "drug"),
        ("anti-angiogenic therapy", "Avastin", "drug"),
        ("alpha-blockers", "doxazosin 4 mg", "drug"),
        ("Nitrates", "isosorbide mononitrate 30 mg", "drug"),
        ("blood thinners", "Coumadin 5 mg", "drug"),
        ("blood thinners", "clopidogrel 75 mg", "drug"),
        ("anticoagulant therapy", "Eliquis 5 mg twice daily", "drug"),
        ("immunosuppressive drugs", "tacrolimus 2 mg", "drug"),
        ("psychotropic medication", "quetiapine 50 mg", "drug"),
        ("anti-depressants", "escitalopram 10 mg", "drug"),
        ("antidiabetic medication", "Ozempic 1 mg weekly", "drug"),
        ("local anaesthetics", "Xylocaine 2%", "drug"),
        ("Inflammatory Bowel Disease", "Crohn's disease of ileum", "condition"),
        ("cerebrovascular disease", "transient ischemic attack", "condition"),
        ("malignancy", "multiple myeloma", "condition"),
        ("mental illness", "bipolar disorder", "condition"),
        ("hepatic dysfunction", "alcoholic cirrhosis", "condition"),
        ("renal insufficiency", "chronic kidney disease stage 3", "condition"),
        ("kidney disease", "IgA nephropathy", "condition"),
        ("neurological disease", "Parkinson's disease", "condition"),
        ("autoimmune disease", "Hashimoto thyroiditis", "condition"),
        ("spinal surgery", "lumbar laminectomy", "procedure"),
        ("organ transplant", "kidney transplantation", "procedure"),
    ],
)
def test_a_member_answers_its_class_however_the_criterion_says_it(concept, fact, kind):
    found = ConceptMatcher().find(concept, [Fact(kind=kind, text=fact)])
    assert [m.fact.text for m in found] == [fact]


@pytest.mark.parametrize(
    ("concept", "fact", "kind"),
    [
        ("CYP3A4 inhibitors", "rifampin 600 mg", "drug"),  # an inducer
        ("alpha blockers", "amlodipine 10 mg", "drug"),
        ("nitrates", "nitrofurantoin 100 mg", "drug"),
        ("ED", "tadalafil 5 mg", "drug"),  # the condition, not its drugs
        ("liver disease", "hepatitis B vaccination", "procedure"),
        ("tamsulosin", "alpha blocker", "drug"),  # never the reverse
        ("anticoagulants", "aspirin 81 mg", "drug"),
    ],
)
def test_what_is_not_a_member_does_not_answer(concept, fact, kind):
    assert ConceptMatcher().find(concept, [Fact(kind=kind, text=fact)]) == []


def test_a_fact_that_names_the_class_or_a_list_of_classes():
    matcher = ConceptMatcher()
    absent = [Fact(kind="drug", text="alpha blocker", present=False), Fact(kind="drug", text="Nitrates", present=False)]
    assert [m.fact.text for m in matcher.find("alpha-blockers", absent)] == ["alpha blocker"]
    assert [m.fact.text for m in matcher.find("Alpha-blockers and nitrates of any kind", absent)] == [
        "alpha blocker",
        "Nitrates",
    ]
    assert _found(matcher, "myocardial infarction, cerebrovascular disease", [_fact("lacunar infarct")]) == [
        ("lacunar infarct", "kind_of")
    ]
    # "and" joins two diseases the patient may have to have both of: not split
    assert _found(matcher, "type 2 diabetes and hypertension", [_fact("hypertension")]) == []


def test_a_suffix_word_next_to_the_concept_names_its_drugs():
    matcher = ConceptMatcher()
    drugs = [Fact(kind="drug", text="vardenafil 10 mg"), _fact("erectile dysfunction")]
    assert _found(matcher, "ED", drugs, context="must not use ED drugs during the study") == [
        ("vardenafil 10 mg", "kind_of")
    ]
    assert _found(matcher, "ED", drugs, context="history of ED") == []  # "ED" alone names no drug


def test_classes_of_real_patients():
    patients = ROOT / "data" / "patients"
    ssc = read_patient(patients / "care-ssc-branch-ii-c.json").facts
    sjogren = read_patient(patients / "amass-eligible.json").facts
    matcher = ConceptMatcher()
    assert "Systemic sclerosis" in [m.fact.text for m in matcher.find("connective tissue disease", ssc)]
    assert "Mild pericardial effusion" in [m.fact.text for m in matcher.find("cardiac disease", ssc)]
    # a documented severity rules out another one of the same finding
    assert [m.fact.text for m in matcher.contradicts("severe pericardial effusion", ssc)] == [
        "Mild pericardial effusion"
    ]
    assert [m.fact.text for m in matcher.find("autoimmune disorders", sjogren)] == ["Sjögren's syndrome"]
    # a disease named without its origin is its primary form; a secondary one must be written
    assert [m.fact.text for m in matcher.find("primary Sjögren's syndrome", sjogren)] == ["Sjögren's syndrome"]
    assert matcher.find("secondary Sjögren's syndrome", sjogren) == []
    assert matcher.find("multiple sclerosis", ssc) == []


# --- the lexicons are data: their structure is checked here ----------------------------------


def _lexicon(name):
    return json.loads(resources.files("trialsieve.match").joinpath("lexicons", f"{name}.json").read_text("utf-8"))


def test_the_class_lexicon_is_well_formed():
    lexicon = _lexicon("classes")
    classes, shared, brands = lexicon["classes"], lexicon["shared"], lexicon["brands"]
    assert len(classes) >= 60
    for name, spec in classes.items():
        assert name == name.lower().strip() and spec["kind"] in ("drug", "condition", "procedure", "measurement"), name
        assert spec["members"] or spec.get("includes"), f"{name} is empty"
        for phrase in [*spec["aliases"], *spec["members"]]:
            assert phrase == phrase.lower().strip() and phrase, (name, phrase)
        assert len(set(spec["members"])) == len(spec["members"]), name
        assert all(c in classes and c != name for c in spec.get("includes", [])), name

    def below(name, seen=()):
        assert name not in seen, f"includes loop through {name}"
        return {name}.union(*(below(c, (*seen, name)) for c in classes[name].get("includes", [])))

    under = {name: below(name) for name in classes}
    homes = {}
    for name, spec in classes.items():
        for member in spec["members"]:
            homes.setdefault(normalise(member), set()).add(name)
    for member, where in homes.items():
        related = [(a, b) for a in where for b in where if a != b and b in under[a]]
        assert not related, (
            f"{member} is listed under {related[0][0]} and again under {related[0][1]}, which it includes"
        )
        if len(where) > 1:
            assert shared.get(member), f"{member} is listed under unrelated classes {sorted(where)} without a reason"
    assert not [m for m in shared if len(homes.get(normalise(m), ())) < 2], "shared lists members that are not shared"

    # an alias names one class: "blood thinners" cannot mean two things ("diabetes medication" and
    # "diabetes" differ by the suffix word)
    from trialsieve.match.concepts import _ALIASES

    for key, named in _ALIASES.items():
        for needs in (True, False):
            assert len({c for n, c in named if n == needs}) <= 1, (sorted(key), named)

    names = {n for g in _lexicon("synonyms")["groups"] for n in g}
    for generic, others in brands.items():
        assert generic == generic.lower() and all(b == b.lower() for b in others), generic
        assert not (set(others) & names), f"a brand of {generic} is already a synonym of something"
    every = [b for others in brands.values() for b in others]
    assert len(every) == len(set(every)) and not (set(every) & set(brands)), "a name is a brand of two generics"


def test_the_qualifier_lexicon_is_well_formed():
    axes = _lexicon("qualifiers")["axes"]
    for name, spec in axes.items():
        assert name == name.lower() and isinstance(spec["exclusive"], bool) and isinstance(spec["strict"], bool)
        assert spec.get("keywords") or spec.get("words"), name
        for phrase in [*spec.get("keywords", []), *spec.get("words", {})]:
            assert phrase == phrase.lower().strip(), (name, phrase)


def test_a_generic_word_or_a_snomed_tag_names_nothing():
    matcher = ConceptMatcher()
    sinusitis = [Fact(kind="condition", text="Chronic sinusitis (disorder)")]
    assert not matcher.find("disorder", sinusitis)  # the tag is no part of the name
    assert not matcher.find("disease", [Fact(kind="condition", text="Coronary Heart Disease")])
    assert matcher.find("sinusitis", sinusitis)


def test_members_of_device_and_parathyroid_classes_in_the_plural():
    # NLI4CT (NCT02635737): "Patients with a Pacemaker or implanted device" excludes ICDs; NCT00656019: "History of
    # parathyroid disease" covers hyperparathyroidism. A member may be written in the plural.
    matcher = ConceptMatcher()
    for criterion, fact, kind in [
        ("implanted device", "implantable cardioverter defibrillators", "procedure"),
        ("implanted device", "ICDs", "procedure"),
        ("parathyroid disease", "hyperparathyroidism", "condition"),
        ("endocrine disease", "hypoparathyroidism", "condition"),
    ]:
        assert [m.how for m in matcher.find(criterion, [Fact(kind=kind, text=fact)])] == ["kind_of"], fact
    assert not matcher.find("Pacemaker", [Fact(kind="procedure", text="implantable cardioverter defibrillators")])
    assert not matcher.find("parathyroid disease", [Fact(kind="condition", text="hypercalcemia")])


@pytest.mark.parametrize(
    ("concept", "fact", "found"),
    [
        ("brain metastases", "Secondary malignant neoplasm of brain", True),
        ("brain metastases", "Metastasis from malignant tumor of breast to brain", True),
        ("liver metastases", "liver metastases", True),
        ("CNS metastases", "brain metastases", True),
        ("brain metastases", "Secondary malignant neoplasm of liver", False),
        ("brain metastases", "Neoplasm of brain", False),
    ],
)
def test_a_concept_named_only_by_qualifiers_is_found_by_them(concept, fact, found):
    """A concept "brain metastases" has no disease word left once its qualifiers are read: it matched nothing,
    not even itself, and a patient with brain metastases passed the exclusion."""
    assert bool(ConceptMatcher().find(concept, [Fact(kind="condition", text=fact)])) is found


def test_a_name_with_accents_is_the_name_without():
    """Registries translated from French or Spanish keep the accents ("Diabètes", "Sjögren"): the
    synonym groups are spelt without them and must still name the concept."""
    matcher = ConceptMatcher()
    assert normalise("Insipid Diabètes") == normalise("diabetes insipidus")
    assert _found(matcher, "Insipid Diabètes", [_fact("Diabetes")]) == []
    assert _found(matcher, "Insipid Diabètes", [_fact("Diabetes insipidus")]) == [("Diabetes insipidus", "lexicon")]
    assert _found(matcher, "Diabètes", [_fact("Diabetes")]) == [("Diabetes", "lexicon")]
    assert _found(matcher, "Sjögren's syndrome", [_fact("Sjogren syndrome")]) == [("Sjogren syndrome", "lexicon")]


def test_the_form_a_drug_is_given_in_names_no_drug():
    """ "Use of any treatment for ED ... including oral medications, vacuum devices, constrictive devices,
    injections or urethral suppositories" (NCT01317693): "injections" asks for injections for ED, and an
    intramuscular vaccine, an adrenaline injection or a docetaxel injection met it."""
    matcher = ConceptMatcher()
    facts = [
        Fact(kind="procedure", text="Intramuscular injection"),
        Fact(kind="drug", text="1 ML DOCEtaxel 20 MG/ML Injection"),
        Fact(kind="procedure", text="Injection of adrenaline"),
    ]
    assert _found(matcher, "injections", facts) == []
    assert _found(matcher, "tablets", [Fact(kind="drug", text="Metformin 500 MG Oral Tablet")]) == []
    # a drug named with its form is still that drug
    assert _found(matcher, "docetaxel injection", facts) == [("1 ML DOCEtaxel 20 MG/ML Injection", "lexicon")]


def test_a_form_alone_is_no_paraphrase_either(embedder):
    matcher = ConceptMatcher(embedder)
    assert _found(matcher, "injections", [Fact(kind="procedure", text="Intramuscular injection")]) == []


def test_kidney_failure_is_not_any_chronic_kidney_disease():
    """A "Chronic kidney failure" was a synonym of CKD: a CKD stage 1 record (a normal filtration rate) met it."""
    matcher = ConceptMatcher()
    assert not matcher.find("Chronic kidney failure", [_fact("Chronic kidney disease stage 1 (disorder)")])
    assert matcher.find("renal failure", [_fact("chronic renal failure")])


def test_diabetic_names_diabetes():
    """Only embedding similarity found "Diabetes" for "diabetic"; "Diabetes mellitus type 2" it missed."""
    assert _found(ConceptMatcher(), "diabetic", [_fact("Diabetes mellitus type 2")]) == [
        ("Diabetes mellitus type 2", "lexicon")
    ]


def test_hours_after_a_number_are_no_heart_rate():
    """NCT01348880 E1.17 "... blood pressure, heart rate": "24 HR Metformin ... Extended Release" met it."""
    metformin = Fact(kind="drug", text="24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet")
    pulse = Fact(kind="observation", text="HR")
    found = ConceptMatcher().find("heart rate", [metformin, pulse])
    assert [m.fact for m in found] == [pulse]
    assert ConceptMatcher().find("metformin", [metformin])
