"""A requirement written for a group of patients applies to that group only.

"Women of childbearing potential must have a negative pregnancy test within 7 days prior to randomization"
asks nothing of a man, nor of a woman after menopause. Read as all(childbearing potential, ...), the
inclusion turned away every man, since the check knows a man has no childbearing potential. In an
inclusion, a logic node that holds a group's leaf (``scope.json`` ``subgroup_requirements`` ``groups``)
beside what is asked of it is any(not group, all(what is asked)) when the words set the requirement on
the group (a modal, ``requires``, or a "for" before the group, ``for_group``) or what is asked is a state
the group must not be in ("negative pregnancy test", "non-lactating"). "Women of childbearing potential"
alone, or beside no such words, is still asked as written (a contraception trial may ask for it).
"""

from __future__ import annotations

import re

from trialsieve.extract.lexicon import load
from trialsieve.extract.trees import nodes, replace_node
from trialsieve.rules import All, Any, Presence, Rule, leaves

_LEXICON = load("scope")["subgroup_requirements"]
_GROUPS = tuple(g.lower() for g in _LEXICON["groups"])
_REQUIRES = re.compile(_LEXICON["requires"], re.IGNORECASE)
_FOR_GROUP = re.compile(_LEXICON["for_group"], re.IGNORECASE)
_NOT_THE_PATIENT = re.compile(_LEXICON["not_the_patient"], re.IGNORECASE)
_DENIED_GROUP = re.compile(_LEXICON["denied_group"], re.IGNORECASE)


def conditional(text: str, rule: Rule, section: str) -> Rule:
    """``rule`` with each requirement an inclusion sets on a group made to apply to that group only."""
    if section != "inclusion":
        return rule
    for node in nodes(rule):
        if node.type not in ("all", "any") or len(node.args) < 2:
            continue
        group = next((a for a in node.args if _is_group(text, a)), None)
        if group is None:
            continue
        asked = [a for a in node.args if a is not group]
        denied = any(isinstance(leaf, Presence) and leaf.negated and not leaf.role for a in asked for leaf in leaves(a))
        start = (group.concept.span or group.span)[0]
        if not (denied or _REQUIRES.search(text) or _FOR_GROUP.search(text, 0, start)):
            continue
        unless = group.model_copy(update={"negated": True})
        if node.type == "any":  # "... or postmenopausal or surgically sterile": other ways out stay ways out
            return replace_node(rule, node, Any(args=[unless, *asked], confidence=node.confidence))
        then = asked[0] if len(asked) == 1 else All(args=asked)
        return replace_node(rule, node, Any(args=[unless, then], confidence=node.confidence))
    return rule


def _is_group(text: str, rule: Rule) -> bool:
    """A presence that names the patient's group ("women of childbearing potential (WOCBP)"): not a denial
    of it ("Lack of childbearing potential") nor someone else's ("the male subject's female partner is of
    childbearing potential")."""
    if not isinstance(rule, Presence) or rule.negated or rule.role is not None:
        return False
    name = rule.concept.text.lower()
    if not any(group in name for group in _GROUPS) or _DENIED_GROUP.search(name):
        return False
    return not _NOT_THE_PATIENT.search(text, 0, (rule.concept.span or rule.span)[0])
