"""An exception to a limit waives the limit.

"Total bilirubin <= 1.5 x ULN (unless attributable to Gilbert's disease)" does not narrow a concept
the way "malignancy other than basal cell carcinoma" does: it says for whom the limit does not hold.
``logic.excepting`` reads every exception as a narrowing, all(limit, NOT Gilbert's as exception),
and an exception leaf asks nothing of its own, so a patient with Gilbert's disease and a bilirubin
of 2 x ULN failed the inclusion. Here the exception decides: an inclusion is met by the limit or by
the exception, any(limit, Gilbert's); an exclusion rules out by the limit only without the
exception, all(limit, NOT Gilbert's), a leaf that asks.
"""

from __future__ import annotations

from trialsieve.rules import All, Any, Comparison, Not, Presence, Rule


def waived(rule: Rule, section: str) -> Rule:
    """``rule`` with each limit's exceptions made what waives it, as ``section`` reads a waiver."""
    if isinstance(rule, (All, Any, Not)) or rule.type == "at_least":
        rule = rule.model_copy(update={"args": [waived(arg, section) for arg in rule.args]})
    if not isinstance(rule, All):
        return rule
    limits = [arg for arg in rule.args if isinstance(arg, Comparison)]
    waivers = [arg for arg in rule.args if arg not in limits]
    exceptions = [_exception(arg) for arg in waivers]
    if not limits or not waivers or None in exceptions:
        return rule
    waiving = [_plain(waiver) for group in exceptions for waiver in group]
    if section == "inclusion":
        return Any(args=[limits[0] if len(limits) == 1 else All(args=limits), *waiving])
    return All(args=[*limits, Not(args=[waiving[0] if len(waiving) == 1 else Any(args=waiving)])])


def _exception(rule: Rule) -> list[Rule] | None:
    """The waivers one exception stands for: X, the alternatives of not(any(X, Y)), or one waiver of
    all its parts ("unless secondary to hepatic infiltration with leukemia": all(infiltration,
    leukemia)); None when ``rule`` is no exception."""
    if isinstance(rule, Presence) and rule.role == "exception":
        return [rule.model_copy(update={"role": None})]
    if isinstance(rule, Not) and isinstance(rule.args[0], Any):
        found = rule.args[0].args
        if all(isinstance(leaf, Presence) and leaf.role == "exception" for leaf in found):
            return [leaf.model_copy(update={"role": None}) for leaf in found]
    if isinstance(rule, All) and all(isinstance(leaf, Presence) and leaf.role == "exception" for leaf in rule.args):
        return [All(args=[leaf.model_copy(update={"role": None}) for leaf in rule.args])]
    return None


def _plain(waiver: Rule) -> Rule:
    """``waiver`` asked as written: the exception's leaves are not denied."""
    if isinstance(waiver, All):
        return waiver.model_copy(update={"args": [_plain(arg) for arg in waiver.args]})
    return waiver.model_copy(update={"negated": False})
