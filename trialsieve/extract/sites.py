"""A procedure done on an organ is a procedure, not the organ.

The tagger often names only the organ in "invasive treatment of prostate gland" and tags it a
condition, so the exclusion read "prostate gland" and caught every man. A procedure word right
before "of" (or "on", "to", "in") and a body site (``cues.json`` ``body_sites``, ``scope.json``
``site_procedures``) makes the leaf that procedure on that site: "invasive treatment of prostate
gland", a procedure. A disease after the word ("treatment of prostate cancer") is left as it was.

A site written after the last of a list of procedures is where each was done (``lend``): "Prior surgery
or radiotherapy in pelvic region" asks about pelvic surgery, where a bare "surgery" excluded every
patient ever operated on. Only an item named by a word that says no site (``lent_heads``: surgery,
radiotherapy) takes it; "radical prostatectomy or radiation therapy to the pelvis" keeps its own.

A site written right before a concept the tagger named without it is part of it (``written_before``):
"spinal cord injury", not any injury.
"""

from __future__ import annotations

import re

from trialsieve.extract import context
from trialsieve.extract.lexicon import alternation, load
from trialsieve.rules import LOGIC_TYPES, Presence, Rule

_LEXICON = load("scope")["site_procedures"]
_HEAD = re.compile(_LEXICON["heads"], re.IGNORECASE)
_SITE = re.compile(
    rf"(?:(?:left|right|upper|lower)\s+)*(?:{alternation(load('cues')['body_sites']['words'])}){_LEXICON['site_tail']}",
    re.IGNORECASE,
)
#: a procedure named by a word that says no site of its own: the list's site is lent to it
_LENT = re.compile(rf"(?:{alternation(_LEXICON['lent_heads'])})$", re.IGNORECASE)
#: a site named anywhere in a concept ("pelvic surgery"): it has one of its own
_NAMED_SITE = re.compile(
    f"(?:{alternation([*load('cues')['body_sites']['words'], *load('cues')['body_sites']['region_adjectives']])})",
    re.IGNORECASE,
)
#: a body site written right before a concept the tagger named without it: "spinal cord |injury",
#: "pelvic |trauma", "head |injury"
_SITE_BEFORE = re.compile(
    rf"(?<![\w-])(?:(?:left|right|upper|lower)\s+)*(?:{_NAMED_SITE.pattern})[ \t-]+$", re.IGNORECASE
)
#: a site, then a list's connective: the site after it is one of a list of sites
_SITE_LISTED = re.compile(
    rf"(?<![\w-])(?:{_NAMED_SITE.pattern})\s*(?:,\s*)?(?:(?:and/or|or|and)\s+|/\s*)?$", re.IGNORECASE
)
#: a bare head that takes the site written before the item ahead of it: "prostate surgery and/or |trauma|"
_TAKING = re.compile(rf"(?:{alternation(_LEXICON['taking_heads'])})", re.IGNORECASE)
#: the words between two items of a list: a connective, a comma
_JOINED = re.compile(r"\s*(?:,\s*)?(?:(?:and/or|or|and|/)\s*)?", re.IGNORECASE)
#: a procedure's concept that ends on its site: "surgery on the |genitals|"
_ON_SITE = re.compile(rf"\s(?:on|of|to|in)\s+(?:the\s+)?(?P<site>{_SITE.pattern})$", re.IGNORECASE)
#: how far before the site to look for the procedure word: a word or two and its link
_NEAR = 60


def procedure_on(text: str, floor: int, start: int, end: int) -> int | None:
    """Where the procedure done on the body site ``text[start:end]`` starts (not before ``floor``),
    or None when the span is no bare site or no procedure word stands right before it."""
    if not _SITE.fullmatch(text, start, end):
        return None
    found = _HEAD.search(text, max(floor, start - _NEAR), start)
    return found.start() if found else None


def written_before(text: str, floor: int, start: int) -> int | None:
    """Where a body site written right before the concept at ``start`` begins (not before ``floor``),
    or None. The site is part of what is asked: "History of spinal cord injury" read as "injury"
    excluded a patient who once sprained an ankle; "Previous pelvic trauma" is no broken wrist."""
    found = _SITE_BEFORE.search(text, max(floor, start - 40), start)
    if found is None or _SITE_LISTED.search(text, max(0, found.start() - 40), found.start()):
        return None  # "spinal, pelvic, or femur surgery": the sites are a list, not the last one alone
    return found.start()


def lend(text: str, rule: Rule) -> Rule:
    """``rule`` with the site written after the last of a list of procedures lent to the items before
    it that name no site ("surgery or radiotherapy in pelvic region": both in the pelvic region)."""
    if rule.type not in LOGIC_TYPES:
        return rule
    args = [lend(text, arg) for arg in rule.args]
    for i in range(len(args) - 1, 0, -1):
        site = _site_at_end(text, args[i])
        if site is None:
            continue
        j = i - 1
        while j >= 0 and _takes(text, args[j], args[j + 1], first=j == i - 1):
            leaf = args[j]
            args[j] = leaf.model_copy(
                update={"concept": leaf.concept.model_copy(update={"text": f"{leaf.concept.text} {site}"})}
            )
            j -= 1
    for i in range(1, len(args)):
        if i >= 2 and _site_ahead(text, args[i - 2], args[i - 1], listed=True) is not None:
            continue  # "pelvic, spine, brain trauma or surgery": whose surgery the list does not say
        if (site := _site_ahead(text, args[i - 1], args[i])) is not None:
            leaf = args[i]
            words = f"{site} {leaf.concept.text}"
            args[i] = leaf.model_copy(update={"concept": leaf.concept.model_copy(update={"text": words})})
    if rule.type == "any":
        args = _sites_listed(text, args)
    return rule.model_copy(update={"args": args})


def _sites_listed(text: str, args: list[Rule]) -> list[Rule]:
    """A list of bare sites after a procedure on a site is where else it was done: in "Previous surgery on
    the genitals, prostate, bladder, or urethra" the prostate, bladder and urethra had been reviews of
    words naming nothing, so a prostatectomy did not meet the exclusion. The new leaf's concept words
    are the procedure's ("surgery"), its span the site's."""
    out: list[Rule] = []
    done: tuple[Presence, re.Match[str]] | None = None
    for arg in args:
        if isinstance(arg, Presence) and not arg.negated and (on := _ON_SITE.search(arg.concept.text)):
            done = (arg, on)
        elif done is not None and arg.type == "unstructured" and not arg.negated and _SITE.fullmatch(arg.text.strip()):
            leaf, on = done
            words = f"{leaf.concept.text[: on.start('site')]}{arg.text.strip()}"
            start, end = leaf.concept.span or arg.span
            head = (start, start + on.start()) if text[start:end] == leaf.concept.text else arg.span
            arg = leaf.model_copy(
                update={"concept": leaf.concept.model_copy(update={"text": words, "span": head}), "span": arg.span}
            )
        else:
            done = None
        out.append(arg)
    return out


def _site_ahead(text: str, before: Rule, item: Rule, listed: bool = False) -> str | None:
    """The site written before the concept of ``before`` that the bare head ``item`` right after it
    takes ("prostate surgery and/or |trauma|": prostate), or None. ``listed``: whether ``before``
    and ``item`` are two sited items of one list (each with a site of its own, any connective)."""
    if not all(isinstance(r, Presence) and r.concept.span is not None for r in (before, item)):
        return None
    b_end, (i_start, i_end) = before.concept.span[1], item.concept.span
    gap = text[b_end:i_start]
    if listed:
        sited = [_SITE_START.match(r.concept.text) for r in (before, item)]
        return sited[1][1] if all(sited) and _JOINED.fullmatch(gap) and b_end <= i_start else None
    if b_end > i_start or not _JOINED.fullmatch(gap) or not re.search(r"\b(?:or|and)\b|/", gap, re.IGNORECASE):
        return None
    if not _TAKING.fullmatch(text, i_start, i_end) or item.concept.text != text[i_start:i_end]:
        return None  # a head of its own words only: not "stroke", not one already given a site
    site = _SITE_START.match(before.concept.text)  # its words: "spinal cord trauma" where "trauma" was tagged
    return site[1] if site and site.end() < len(before.concept.text) else None


#: the site that opens a concept: "|prostate| surgery", "|spinal cord| trauma", "|pelvic| surgery"
_SITE_START = re.compile(
    rf"((?:(?:left|right|upper|lower)\s+)*(?:{_NAMED_SITE.pattern}))(?![\w-])[ \t-]+", re.IGNORECASE
)


def _procedure(rule: Rule) -> bool:
    return isinstance(rule, Presence) and rule.concept.kind == "procedure" and rule.concept.span is not None


def _site_at_end(text: str, rule: Rule) -> str | None:
    """The site written at the end of a procedure's concept ("in pelvic region"), or None."""
    if not _procedure(rule):
        return None
    start, end = rule.concept.span
    found = [m for m in context.SITE_AFTER.finditer(text, start, end) if m.end() == end]
    return text[found[0].start() : end].strip() if found else None


def _takes(text: str, item: Rule, after: Rule, first: bool) -> bool:
    """May ``item`` take the site of the list item ``after`` it? A procedure named without a site, and
    nothing but list words between them; right before the site's item, a connective ("or", "and"): a
    comma alone ("Rectal extirpation, radiation therapy to the pelvic area") lists, it does not share."""
    if not _procedure(item) or not _procedure(after) or _site_at_end(text, item) is not None:
        return False
    gap = text[item.concept.span[1] : after.concept.span[0]]
    if item.concept.span[1] > after.concept.span[0] or not _JOINED.fullmatch(gap):
        return False
    if first and not re.search(r"\b(?:or|and)\b|/", gap, re.IGNORECASE):
        return False
    named = item.concept.text.strip()
    return _LENT.search(named) is not None and _NAMED_SITE.search(named) is None
