"""Verdicts on agreements and adequacies (issue 18): a man who agrees to contraception is not failed
for using none of the listed methods today (NCT02495467 I7), and an adequate function with no limit
is for a person to judge, not a diagnosis the record lacks (NCT05907980 I3)."""

from tests.extract.reading import verdict_of

AGREEMENT = (
    "Both partners must agree to use one of the acceptable methods of contraception listed below:\n"
    "  * Occlusive cap (diaphragm or cervical/vault caps).\n"
    "  * The female partner uses oral contraceptives, injectable progesterone or subdermal implants."
)


def test_an_agreement_is_presumed_not_a_method_in_use(tagger):
    assert verdict_of(tagger, "Inclusion", AGREEMENT, [], sex="male", presume=True) == "met"


def test_an_adequate_function_without_limits_is_for_review(tagger):
    facts = [{"kind": "condition", "text": "hypertension", "date": "2020-01-10"}]
    verdict = verdict_of(tagger, "Inclusion", "Adequate hematologic and end-organ function", facts, presume=True)
    assert verdict == "needs_review"
