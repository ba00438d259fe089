"""An exception never covers its own category: "carcinoma in situ" keeps its "in situ", an example
that names only a site is the excepted concept at that site, and the kinds listed in brackets after
an excepted item are excepted with it, never asked for. Criteria are real registry text (issue 18);
the first three failed before their fix; the last two guard what must stay (an "in-situ" written before
its concept, a new subject after the bracket)."""

from tests.extract.reading import presences, rule_of
from trialsieve.rules import leaves


def _excepted(rule) -> set[str]:
    return {c.text for leaf in leaves(rule) if leaf.type == "presence" for c in leaf.excepted}


def _asked(rule) -> set[str]:
    """The presence leaves that ask something: not the ones that only say what was excepted."""
    return {name for name, leaf in presences(rule).items() if leaf.role is None}


def test_carcinoma_in_situ_is_no_carcinoma_of_any_kind(tagger):
    # NCT00576225
    rule = rule_of(tagger, "Concurrent primary malignancies except for carcinoma in situ or non-melanoma skin cancer.")
    assert _excepted(rule) == {"carcinoma in situ", "non-melanoma skin cancer"}


def test_an_example_naming_a_site_is_the_excepted_concept_there(tagger):
    # NCT05993949: a bare "breast" excepted every breast cancer
    rule = rule_of(
        tagger,
        "History of malignancy other than non-melanoma skin cancer or carcinoma in situ (e.g. cervix, bladder, "
        "breast) unless disease free for at least 2 years",
    )
    excepted = _excepted(rule)
    assert {"carcinoma in situ", "carcinoma in situ of the breast", "carcinoma in situ of the cervix"} <= excepted
    assert not {"breast", "cervix", "bladder", "carcinoma"} & excepted, excepted


def test_the_kinds_in_brackets_after_an_excepted_item_are_excepted_not_asked(tagger):
    # NCT06620835: the carcinomas in brackets and the prostate cancer after them were required
    rule = rule_of(
        tagger,
        "No history of other malignant tumor during the previous 5 years, except for adequately treated carcinomas "
        "(in situ cervical carcinoma, basal cell carcinoma, squamous cell skin carcinoma) and low-grade localized "
        "prostate cancer",
        "inclusion",
    )
    assert _asked(rule) == {"malignant tumor"}, _asked(rule)
    excepted = _excepted(rule)
    assert {"in situ cervical carcinoma", "basal cell carcinoma", "low-grade localized prostate cancer"} <= excepted


def test_in_situ_before_the_concept_stays_on_it(tagger):
    # NCT02087397
    rule = rule_of(
        tagger,
        "History of cancer (other than non-melanoma skin cancer or in-situ cervical cancer) in the last five years.",
    )
    assert _excepted(rule) == {"non-melanoma skin cancer", "in-situ cervical cancer"} and _asked(rule) == {"cancer"}


def test_a_new_subject_after_the_bracket_ends_the_exceptions(tagger):
    # NCT05914155: the secondary nephrotic syndrome is excluded, not excepted
    rule = rule_of(
        tagger,
        "1. Patients with primary nephrotic syndrome other than membranous nephropathy (IgA nephropathy, minimal "
        "change disease, focal segmental glomerulosclerosis and so forth), and patients with secondary nephrotic "
        "syndrome (autoimmune disease, metabolic disease, infection, allergic/hypersensitive disease, tumor, and "
        "drug-induced disease)",
    )
    assert "secondary nephrotic syndrome" in _asked(rule) and "secondary nephrotic syndrome" not in _excepted(rule)


def test_what_a_judged_phrase_excepts_is_no_alternative_to_it(tagger):
    """In "neurological disorders (other than migraine) that would interfere" a migraine excludes no one."""
    text = (
        "significant neurological disorders (other than migraine) that in the opinion of the "
        "investigator would interfere with study participation"
    )
    assert "migraine" not in _asked(rule_of(tagger, text))


def test_every_alternative_of_an_exception_is_excepted(tagger):
    """NCT05925803 E9: the "or" in "basal or squamous cell carcinoma" joins two kinds of one item; the
    exception had stopped there, and a carcinoma in situ of the cervix excluded the patient."""
    text = (
        "Known malignancy or a history of malignancy within 5 years, with exception of excised/cured local "
        "basal or squamous cell carcinoma of the skin or carcinoma in situ of the uterine cervix"
    )
    rule = rule_of(tagger, text)
    assert {"squamous cell carcinoma of the skin", "carcinoma in situ"} <= _excepted(rule), rule
    assert _asked(rule) == {"malignancy"}, rule


PENILE = (  # NCT05366504 E2 (and NCT03518983, NCT03642366, NCT04050020)
    "Previous penile surgery of any kind except circumcision and condyloma removal, such as penile lengthening, "
    "penile cancer surgery, penile plication, grafting."
)


def test_examples_after_an_except_list_are_examples_of_the_category(tagger):
    # the examples are kinds of penile surgery, though the tagger named the first a condition: all six
    # had been exceptions, so a plication no longer excluded in an erectile-dysfunction trial
    rule = rule_of(tagger, PENILE)
    assert _excepted(rule) == {"circumcision", "condyloma removal"}
    asked = presences(rule)
    assert {"penile plication", "grafting"} <= _asked(rule)
    assert "history of" in asked["penile cancer surgery"].qualifiers  # previous, as the category is


def test_examples_of_the_excepted_drug_stay_excepted(tagger):
    rule = rule_of(  # NCT05879653 E1.20: the drugs are kinds of the replacement therapy
        tagger,
        "Has active autoimmune disease that has required systemic treatment in the past 2 years except replacement "
        "therapy (eg., thyroxine, insulin, or physiologic corticosteroid).",
    )
    assert "thyroxine" in _excepted(rule)
