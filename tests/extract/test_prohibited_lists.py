"""An exclusion written as the rule it enforces, over a list (real ClinicalTrials.gov text, issue 18):
"May not receive other investigational agents or devices during 30 days prior to start of study drug"
forbids each item. Only a denial of the whole rule was taken off, so the list kept a denied device
leaf: the tree said "excluded when no recent device" (the check happens to leave a denied leaf under
a prohibition unmet, so no verdict showed it)."""

from tests.extract.reading import rule_of
from trialsieve.rules import leaves

DEVICES = "May not receive other investigational agents or devices during 30 days prior to start of study drug."


def test_each_item_of_a_prohibited_list_is_what_excludes(tagger):
    rule = rule_of(tagger, DEVICES)
    assert rule.type == "any"
    assert not [leaf for leaf in leaves(rule) if getattr(leaf, "negated", False)], rule
