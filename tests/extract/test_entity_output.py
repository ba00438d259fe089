"""The ``entities`` a criterion is written with are the tagger's spans as it gave them.

Structuring mends the tagger's spans for the rule's concepts ("neurologic or psychiatric disorder":
the second item is "psychiatric disorder", where the tagger named "disorder"). Written out as entities, the
mended spans part from the annotation convention the tagger learned, and entity F1 fell.
"""

from trialsieve.extract.structure import structure_text

TEXT = "Any neurologic or psychiatric disorder, or alcohol or substance abuse"


def test_entities_are_the_taggers_own_while_the_rule_reads_the_mended_concept(tagger):
    tagged = tagger.tag([TEXT])[0]
    extraction = structure_text(TEXT, "exclusion", tagged)

    def spans(entities):
        return sorted((e.start, e.end, e.type) for e in entities)

    assert spans(extraction.entities) == spans(tagged)
    concepts = [leaf.concept.text for leaf in _leaves(extraction.rule) if leaf.type == "presence"]
    assert "psychiatric disorder" in concepts and "substance abuse" in concepts, concepts


def _leaves(rule):
    from trialsieve.rules import leaves

    return leaves(rule)
