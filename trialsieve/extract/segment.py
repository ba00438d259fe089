"""Split eligibility text into criteria, keeping the nesting a reader sees.

Lines give the first structure: section headers, list markers (bullets, 1., i), a), (b), "* 1)", escaped
"1\\)"), indents, and lines without a marker, each its own criterion unless it finishes the sentence the line
before left open. Inside a line, enumerations written inline ("i) ... or ii) ... a) ...; b)", "10. ... 11. ...
12.") are split too, nested by where they fall. Then labels take the items the registry flattened to their own
level: sub-headings ("PATIENT CHARACTERISTICS:", "Hepatic:"), cohorts ("Group 1:", "Part A only") and lines that
announce a list ("at least one of the following:"). Every criterion keeps exact offsets into the text, and every
character that is not a section header, whitespace or a list mark belongs to one criterion.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from trialsieve.extract import context
from trialsieve.extract.lexicon import alternation, load, phrase_regex
from trialsieve.rules import Criterion

_CUES = load("cues")
_LAYOUT = _CUES["segmentation"]
#: "Ineligibility Criteria" and "Non-inclusion criteria" head the exclusions (NSABP protocols, French ones). A
#: protocol's own section number may lead ("* 4.2 Exclusion Criteria", "3.2 Exclusion Criteria"): two levels
#: or more, so a list's "1. Inclusion criteria met" stays an item. "Citeria" is a spelling registries hold.
_HEADER = re.compile(
    r"^\s*(?:[•*\-]\s+)?(?P<number>\d{1,2}(?:\.\d{1,2}){1,3}\.?\s+)?"
    r"(?:key\s+|main\s+|general\s+|major\s+)?(?P<section>non[-\s]?inclusion|inclusion|exclusion|ineligibility|eligibility)"
    r"(?:\s+(?:criteria|criterion|conditions?|citeria|critera))?\s*[:.\-]*\s*",
    re.IGNORECASE,
)
#: "Partner Inclusion Criteria:", "Intra-operative exclusion criteria": a section for some of the participants.
_QUALIFIED_HEADER = re.compile(
    r"^\W*(?P<qualifier>(?:[\w./+\-]+\s+){1,3}?)(?P<section>inclusion|exclusion)\s+criteri(?:a|on)\b"
    r"(?P<rest>\s*(?:(?:for|in|of)\b[^:.]*|\([^)]*\))?)\s*[:：.]?\s*$",
    re.IGNORECASE,
)
#: A section header run into a line after a sentence ("... vitamin B12. Exclusion Criteria: - You are pregnant"),
#: as a registry record typed as one paragraph has it: the line is cut before it.
_RUN_IN_HEADER = re.compile(
    r"(?<=[.;!?])[ \t]+(?P<header>(?:Inclusion|Exclusion|INCLUSION|EXCLUSION)[ \t]+(?:Criteria|CRITERIA)[ \t]*:)"
)
_PAREN_LABEL = re.compile(r"\s*\([^)]*\)\s*[:.\-]?\s*")  # "(Patient Characteristics):" after a header
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
_LABELS = {
    "roman": _ROMAN,
    "letter": [chr(c) for c in range(ord("a"), ord("i"))],
    "number": [str(n) for n in range(1, 30)],
}
#: A bullet; "o" and escaped "\\*" are bullets too in registry text ("o History of HIV", "\\* If available").
_BULLET = re.compile(r"(?:[•\-*·▪●○◦‣⁃–—]|\\[*\-]|o(?=\s+[A-Z(]))(?=\s)")
_LABEL = re.compile(
    r"(?P<circled>[\u2460-\u2473])"
    r"|(?:\(?(?P<num>\d{1,2})\\?(?:\.\)|[.)])(?!\d)|\((?P<pnum>\d{1,2})\\?\)"
    r"|\(?(?P<alpha>[ivxIVX]{1,4}|[a-zA-Z])\\?(?:\.\)|[.)])|\((?P<palpha>[ivxIVX]{1,4}|[a-zA-Z])\\?\))(?=\s)"
)
_INLINE = re.compile(r"(?:^|(?<=[\s;:,(]))\(?(?P<label>[ivx]{1,4}|[a-h]|\d{1,2})\.?\\?\)(?=\s)")
#: "... disorder. 6. Subject has ...": a dotted number inside a line, before a word.
_INLINE_DOT = re.compile(r"(?<=\s)(?P<label>\d{1,2}|[ivx]{1,4})\\?\.(?=\s+(?:[^\W\d_]|\())")
_NUMBERED_BY = frozenset(_LAYOUT["numbered_by"])
_OPEN_ENDS = frozenset(_LAYOUT["open_line_ends"])
_FINAL = ".;:!?。；："
_CONNECTIVE_END = re.compile(r"\b(?:and/or|or|and)\W*$", re.IGNORECASE)
_CONNECTIVE_LINE = re.compile(r"\s*(?:and/or|or|and)\W*", re.IGNORECASE)
_LIST_OPENER = re.compile(rf"{phrase_regex(_LAYOUT['list_openers']).pattern}[^\w.]*(?:[^\W\d]+[^\w.]*){{0,2}}$", re.I)
_COHORT_WORDS = frozenset(_LAYOUT["cohort_words"])
_COHORT_FILLERS = frozenset(_LAYOUT["cohort_fillers"])
_COMMON = frozenset(_LAYOUT["common_to_all"])
_PEOPLE = frozenset(_LAYOUT["cohort_people"])
_BREAKERS = {kind: frozenset(words) for kind, words in _LAYOUT["list_breakers"].items() if not kind.startswith("_")}
_IDENT = re.compile(r"\d{1,3}[a-zA-Z]?|[A-Z]|[IVX]{1,4}[a-z]?|[ivx]{2,4}")  # 1, 2b, A, IIa, ii: not "a"
_STOPWORDS = frozenset(_CUES["stopwords"])
_ESCAPE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
#: Fullwidth ASCII (U+FF01-U+FF5E: "，", "；", "：", "（", "＞") is ASCII shifted by 0xFEE0; the
#: ideographic punctuation outside that block is the lexicon's. One character for one: offsets hold.
_IDEOGRAPHIC = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {
    ord(k): v for k, v in _LAYOUT["ideographic"].items() if not k.startswith("_")
}
_PREFIX = {"inclusion": "I", "exclusion": "E", "unknown": "U"}


@dataclass
class _Node:
    section: str
    style: str  # bullet, number, roman, letter, para
    label: str | None
    marker_start: int
    content_start: int
    end: int
    indent: int = 0
    children: list[_Node] = field(default_factory=list)
    inline: list[_Node] = field(default_factory=list)  # an enumeration written inside this node's text
    starts_run: bool = False  # the node's own marker is the first of that enumeration


def segment(text: str) -> list[Criterion]:
    """Criteria of ``text`` in reading order, parents before their children."""
    roots = _line_tree(text)
    for root in roots:
        _split_inline(text, root)
    roots, _ = _regroup(text, _expand_inline(roots))
    roots = [node for root in roots for node in _unnested(text, root)]
    criteria: list[Criterion] = []
    counters: dict[str, int] = {}
    for root in roots:
        counters[root.section] = counters.get(root.section, 0) + 1
        _emit(text, root, f"{_PREFIX[root.section]}{counters[root.section]}", None, criteria)
    return criteria


def _unnested(text: str, root: _Node) -> list[_Node]:
    """``root``, and after it its children when they are its siblings pasted in under it: a first item
    that carries a bullet of its own ("* • Renal failure patients." then "  * Type I DM patients.", as
    ClinicalTrials.gov renders a list pasted from a word processor) and closes its sentence is no
    heading; the indented items after it are the list's next items."""
    own = _own_text(text, root).strip()
    if not root.children or not _PASTED_BULLET.match(own) or own.endswith((":", "：")):
        return [root]
    children, root.children = root.children, []
    root.end = children[0].marker_start
    return [root, *children]


_PASTED_BULLET = re.compile(r"[•·‣▪◦●]\s*\w")


def is_heading(text: str) -> bool:
    """Whether a criterion's own text only labels the criteria under it ("DISEASE CHARACTERISTICS:", "Hepatic:",
    "Group 1:", "For Both Dose Escalation and Expansion"): it asks nothing of a patient, so its rule is its
    children's, all of them in inclusion, and without children it requires nothing."""
    rank = _label_rank(text)
    if _RECORD_HEADING.fullmatch(text.strip(" \t*-:.")):  # "Medical and surgical history": a record part
        return True
    return rank is not None and rank < 3 and not _split_label(text.strip())[2].strip()


_RECORD = _LAYOUT["record_headings"]
_JOIN = r"\s*(?:/|,|&|and/or|and|or)\s*"
_TIMES = rf"(?:{alternation(_RECORD['times'])})"
_DOMAINS = rf"(?:{alternation(_RECORD['domains'])})"
#: the name of a part of the record: two or more of its times before a head ("Prior/Concomitant Therapy"), or
#: its domains, after any times, before a domain head ("Medical and surgical history")
_RECORD_HEADING = re.compile(
    rf"{_TIMES}(?:{_JOIN}{_TIMES})+\s+(?:{_DOMAINS}\s+)?(?:{alternation(_RECORD['heads'])})"
    rf"|(?:{_TIMES}(?:{_JOIN}{_TIMES})*\s+)?{_DOMAINS}(?:{_JOIN}{_DOMAINS})*\s+(?:{alternation(_RECORD['domain_heads'])})",
    re.IGNORECASE,
)


def is_cohort(text: str) -> bool:
    """Whether a criterion heads, or is written for, one group of participants ("Group 1:", "Part A only:",
    "Female participants:", "Part 2 Cohort B: relapsed CLL"): a patient belongs to one group, so sibling cohorts
    combine as any. "For Both Dose Escalation and Expansion" is common to all groups, no cohort."""
    return _cohort_kind(text.strip()) == "cohort"


def about_someone_else(text: str) -> bool:
    """Whether ``text`` is a section heading for someone other than the patient ("Donor Inclusion Criteria",
    "Partner Exclusion Criteria:"): what follows is asked of that person, and the patient's record cannot
    answer it (``segmentation`` ``other_people``)."""
    found = _QUALIFIED_HEADER.match(text.strip())
    return found is not None and _OTHER_PEOPLE.search(found["qualifier"]) is not None


_OTHER_PEOPLE = re.compile(rf"\b(?:{alternation(_LAYOUT['other_people'])})\b", re.IGNORECASE)


def readable(text: str) -> str:
    """``text`` with ClinicalTrials.gov's markdown escapes read ("\\>" is ">", "\\[" is "["), character for
    character: each escaping backslash becomes a space, so every offset into the result is the same offset into
    ``text``. Structuring can read this and still cite the registry's own characters. Chinese and Japanese
    punctuation ("，", "；", "（ECOG）", "、") is read as its ASCII counterpart the same way, so a list
    written with it splits as one written with "," does."""
    return _ESCAPE.sub(" ", text).translate(_IDEOGRAPHIC)


def unmarked(text: str) -> str:
    """``text`` with the list marker it opens with ("  -  ", "  2. ", "• ") blanked, character for character:
    a criterion passed as its raw line (LCT rows, `check` input) reads as the segmented one does, and offsets
    are unchanged. A dash left in would be read as part of the first words ("- Non-smoker")."""
    if found := _LEADING_MARKER.match(text):
        return " " * found.end() + text[found.end() :]
    return text


_LEADING_MARKER = re.compile(r"\s*(?:[•\-*·▪●○◦‣⁃–—]|\d{1,2}[.)]|\(?[a-z]\))(?=\s)")


# --- lines ----------------------------------------------------------------------------------


def _line_tree(text: str) -> list[_Node]:
    """The nodes the lines make, nested by section, marker, indent and numbering."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    section = "unknown"
    previous_blank, last = True, ""
    for start, body in _lines(text):
        if not any(ch.isalnum() for ch in body):  # blank, or a stray ":" or "--" line
            previous_blank = True
            continue
        indent = len(body) - len(body.lstrip())
        header = _section_header(body)
        if header:
            found, mark, rest = header
            section = {"eligibility": section, "ineligibility": "exclusion"}.get(found, found)
            section = "exclusion" if found.startswith("non") else section  # "Non-inclusion criteria:"
            stack.clear()
            if rest is not None:  # text after the header, or the header's own qualifier: kept as a criterion
                node = _Node(section, "para", None, start + mark, start + rest, start + len(body), indent)
                roots.append(node)
                stack.append(node)
            previous_blank, last = False, body
            continue
        mark = _marker(body, indent)
        if stack and _CONNECTIVE_LINE.fullmatch(body[mark[0] if mark else indent :]):
            stack[-1].end = start + len(body)  # a lone "OR" between items belongs to the item before
            _extend_ancestors(stack)
            previous_blank, last = False, body
            continue
        if mark is None:
            if stack and _continues(last, body) and (not previous_blank or indent > stack[-1].indent):
                stack[-1].end = start + len(body)  # the rest of the sentence
                _extend_ancestors(stack)
                previous_blank, last = False, body
                continue
            node = _Node(section, "para", None, start + indent, start + indent, start + len(body), indent)
        else:
            end, kind, raw = mark
            style, label = _style(kind, raw, stack, indent)
            node = _Node(
                section, style, label, start + indent, start + _skip_space(body, end), start + len(body), indent
            )
        _attach(node, stack, roots, text)
        previous_blank, last = False, body
    return roots


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for each line of ``text`` less its line break; a line that runs a section header into it
    after a sentence (``_RUN_IN_HEADER``) is two lines, cut before the header, so what follows it falls in its
    section and not in the criterion before."""
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        cuts = [0, *(found.start("header") for found in _RUN_IN_HEADER.finditer(body)), len(body)]
        for begin, end in itertools.pairwise(cuts):
            yield pos + begin, body[begin:end].rstrip()
        pos += len(line)


def _section_header(body: str) -> tuple[str, int, int | None] | None:
    """(section, marker start, criterion text start or None) for a section header line.

    "Inclusion Criteria (Disease Characteristics):" keeps its parenthesis as a criterion, a label over the
    section; "Partner Inclusion Criteria:" switches the section and stays as a heading over what follows. On a
    bullet a header stands alone ("* Exclusion criteria must be read with the label" is a criterion) and a
    qualified one ends with its colon ("* See inclusion criteria" is a criterion too).
    """
    indent = len(body) - len(body.lstrip())
    header = _HEADER.match(body)
    if header and _is_header(body, header):
        tail = body[header.end() :]
        has_text = any(ch.isalnum() for ch in tail)
        numbered = header["number"] is not None  # "* 4.1 Inclusion Criteria 4.1.1 Histologically proven ..."
        if not (has_text and _BULLET.match(body, indent) and not _PAREN_LABEL.fullmatch(tail) and not numbered):
            return header["section"].lower(), header.end(), header.end() if has_text else None
    qualified = _qualified_header(body)
    if qualified and (_marker(body, indent) is None or body.rstrip().endswith((":", "："))):
        return qualified["section"].lower(), indent, indent + qualified.start("qualifier")
    return None


def _is_header(body: str, header: re.Match[str]) -> bool:
    """A header line, not a criterion that starts with the word 'inclusion'."""
    rest = body[header.end() :].strip()
    ends = header[0].rstrip().endswith((":", "criteria", "Criteria", "CRITERIA", "-", "."))
    return ends or not rest or _PAREN_LABEL.fullmatch(rest) is not None


def _qualified_header(line: str) -> re.Match[str] | None:
    """ "Donor Inclusion Criteria", not "Must meet all inclusion criteria": one to three content words before."""
    found = _QUALIFIED_HEADER.match(line.strip())
    if found is None or len(found["rest"].split()) > 10:
        return None
    words = found["qualifier"].lower().split()
    if any(w in _STOPWORDS for w in words) or not any(ch.isalpha() for ch in found["qualifier"]):
        return None
    return found


def _marker(body: str, pos: int) -> tuple[int, str, str | None] | None:
    """(end, kind, label) of the list marker at ``pos``; kind is number, alpha or bullet.

    A bullet before a number or a closed letter ("* 1)", "- 1.", "* (i)") is one marker: the inner one's, which
    says where the item falls; "* A. baumannii" stays a bullet.
    """
    found = _LABEL.match(body, pos)
    if found is None:
        bullet = _BULLET.match(body, pos)
        if bullet is None:
            return None
        found = _LABEL.match(body, _skip_space(body, bullet.end()))
        if found is None or not (found["num"] or found["pnum"] or found["circled"] or found[0].endswith(")")):
            return bullet.end(), "bullet", None
    if found["circled"]:
        return found.end(), "number", str(ord(found["circled"]) - 0x2460 + 1)
    if found["num"] or found["pnum"]:
        return found.end(), "number", found["num"] or found["pnum"]
    return found.end(), "alpha", found["alpha"] or found["palpha"]


def _style(kind: str, raw: str | None, stack: list[_Node], indent: int) -> tuple[str, str | None]:
    if kind != "alpha" or raw is None:
        return kind, raw
    label = raw.lower()
    sibling = next((n for n in reversed(stack) if n.indent == indent), None)
    single_after_letter = len(label) == 1 and sibling is not None and sibling.style == "letter"
    roman_here = len(label) > 1 or label == "i" or sibling is None or sibling.style == "roman"
    if label in _ROMAN and not single_after_letter and roman_here:
        return "roman", label  # a lone "v" or "x" after a bullet or number stays a letter
    return "letter", label


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` finishes the sentence ``previous`` left open: no final punctuation there, and it stops on a
    word or sign that needs more ("Known allergy to", "HIV, HBV or", "creatinine clearance ≥"), or on a comma with
    the line going on without a capital, or the line starts with a mark that cannot start a sentence ("; easily
    fatigue"). Starting in lower case is not enough: registry lists often do ("absolute neutrophil count > 1,500"
    then "hemoglobin > 9.5 g/dL")."""
    before, after = previous.rstrip(), line.lstrip()
    if not before or not after or before[-1] in _FINAL:
        return False
    if after[0] in ",;)]/&+" or before[-1] in "(/&+-–<>=≤≥":
        return True
    word = re.search(r"[\w/]+$", before)
    if word is not None and word[0].lower() in _OPEN_ENDS:
        return True  # "Known allergy to" / "HIV drugs", "HIV, HBV or" / "HCV": whatever the case
    return before[-1] == "," and not after[0].isupper()


def _attach(node: _Node, stack: list[_Node], roots: list[_Node], text: str) -> None:
    """Put ``node`` under the open node it belongs to: deeper indents are children, and a numbered item that
    continues an open list is that list's next item whatever its indent."""
    if not any(n.indent == node.indent and _succeeds(n, node) for n in stack):
        before = next((n for n in reversed(stack) if _succeeds(n, node)), None)
        if before is not None:  # "* 4\." then an indented "5\.", "  i." then "ii.": numbering says sibling
            node.indent = before.indent
    while stack and stack[-1].indent > node.indent:
        stack.pop()
    if stack and stack[-1].indent == node.indent:
        top = stack[-1]
        ends_with_colon = text[top.content_start : top.end].rstrip().endswith((":", "："))
        if top.style != node.style and ends_with_colon and not top.children:
            pass  # a new list style under "defined as:" at the same indent: a child list
        else:
            same = next(
                (
                    i
                    for i in range(len(stack) - 1, -1, -1)
                    if stack[i].style == node.style and stack[i].indent == node.indent
                ),
                None,
            )
            del stack[same if same is not None else len(stack) - 1 :]
    (stack[-1].children if stack else roots).append(node)
    stack.append(node)
    _extend_ancestors(stack)


def _succeeds(before: _Node, node: _Node) -> bool:
    """Whether ``node``'s marker comes right after ``before``'s in one list style: "5." after "4.", "h." after "g"."""
    labels = _LABELS.get(node.style, [])
    if before.style != node.style or before.label not in labels or node.label not in labels:
        return False
    return labels.index(node.label) == labels.index(before.label) + 1


def _extend_ancestors(stack: list[_Node]) -> None:
    for parent, child in zip(reversed(stack[:-1]), reversed(stack[1:]), strict=False):
        parent.end = max(parent.end, child.end)


# --- inline enumerations --------------------------------------------------------------------


def _split_inline(text: str, node: _Node) -> None:
    """Find inline enumerations in the node's own text and attach them as children (recursively)."""
    for child in node.children:
        _split_inline(text, child)
    own_end = node.children[0].marker_start if node.children else node.end
    candidates = _candidates(text, node.content_start, own_end)
    own = (node.marker_start, node.content_start, node.label) if node.label and node.style != "bullet" else None
    sequences = [(kind, seq) for kind in ("roman", "letter", "number") if (seq := _sequence(candidates, kind, own))]
    sequences.sort(key=lambda found: found[1][0][0])
    if not sequences:
        node.inline = _listed(text, node, own_end)  # "any of the following: A; B; or C"
        return
    kind, outer = sequences[0]
    items = _run(text, node, kind, outer, own_end)
    for inner_kind, seq in sequences[1:]:
        host = next((it for it in items if it.marker_start < seq[0][0] < it.end), None)
        if host is not None and all(host.marker_start < s < host.end for s, _, _ in seq):
            host.children.extend(_run(text, node, inner_kind, seq, host.end))
    node.inline, node.starts_run = items, outer[0][0] == node.marker_start


def _listed(text: str, node: _Node, end: int) -> list[_Node]:
    """The items a criterion's own text lists after announcing them ("satisfying any of the following: A; B;
    or C"), one node each, cut at the semicolons outside brackets; none unless there are two."""
    cue = _INLINE_LIST_CUE.search(text, node.content_start, end)
    if cue is None:
        return []
    cuts, depth = [cue.end()], 0
    for pos in range(cue.end(), end):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(text[pos], 0)
        if text[pos] in ";；" and depth <= 0:
            cuts.append(pos + 1)
    spans = [(_connective_skipped(text, a), b) for a, b in itertools.pairwise([*cuts, end])]
    spans = [(a, b) for a, b in spans if re.search(r"[^\W\d_]{2}", text[a:b])]
    if len(spans) < 2:
        return []
    return [_Node(node.section, "para", None, a, a, b, node.indent) for a, b in spans]


_INLINE_LIST_CUE = re.compile(_LAYOUT["inline_list_cue"], re.IGNORECASE)


def _connective_skipped(text: str, pos: int) -> int:
    """Where an item's words start: after the space and the "or" that joins it to the one before."""
    pos = _skip_space(text, pos)
    joined = _CONNECTIVE_LINE.match(text, pos)
    return (
        _skip_space(text, joined.end()) if joined and joined.end() > pos and text[joined.end() - 1].isspace() else pos
    )


def _candidates(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Inline markers in ``text[start:end]``: "a)", "(ii)", "3)", and "3." unless a word before owns the number."""
    found = [(m.start(), m.end(), m["label"]) for m in _INLINE.finditer(text, start, end)]
    found += [
        (m.start(), m.end(), m["label"]) for m in _INLINE_DOT.finditer(text, start, end) if not _owned(text, m.start())
    ]
    return sorted(found)


def _owned(text: str, pos: int) -> bool:
    """Whether the number at ``pos`` belongs to what precedes it: "stage 2.", "0 to 1.", "version 1.", "2 - 5."."""
    before = text[max(0, pos - 40) : pos].rstrip()
    if not before or before[-1] in "<>=≤≥~-–—/+×*^#":
        return True
    word = re.search(r"[^\W_]+$", before)
    return word is not None and (word[0].lower() in _NUMBERED_BY or word[0].isdigit())


def _sequence(
    candidates: list[tuple[int, int, str]], kind: str, own: tuple[int, int, str] | None
) -> list[tuple[int, int, str]]:
    """The enumeration of ``kind`` among ``candidates``, in order, two items at least: a fresh one inside the
    text (1, 2, ...), else one going on from the node's own marker ("3) ... 4) ... 5)"), so "version 2. 5 mg"
    and a number out of turn do not split."""
    labels = _LABELS[kind]
    fresh = _in_order(candidates, labels, 0)
    if fresh or own is None or own[2] not in labels:
        return fresh
    return _in_order([own, *candidates], labels, labels.index(own[2]))


def _in_order(candidates: list[tuple[int, int, str]], labels: list[str], first: int) -> list[tuple[int, int, str]]:
    seq: list[tuple[int, int, str]] = []
    for cand in candidates:
        index = first + len(seq)
        if index < len(labels) and cand[2] == labels[index]:
            seq.append(cand)
    return seq if len(seq) >= 2 else []


def _run(text: str, node: _Node, kind: str, seq: list[tuple[int, int, str]], end: int) -> list[_Node]:
    """Nodes for one inline enumeration; each item ends where the next begins, the last at ``end``."""
    items = [_Node(node.section, kind, label, s, _skip_space(text, e), end, node.indent) for s, e, label in seq]
    for item, nxt in itertools.pairwise(items):
        item.end = nxt.marker_start
    return items


def _expand_inline(nodes: list[_Node]) -> list[_Node]:
    """Replace each node whose own marker starts an inline run by the run; nest the rest."""
    result: list[_Node] = []
    for node in nodes:
        node.children = _expand_inline(node.children)
        if not node.inline:
            result.append(node)
            continue
        items = node.inline
        for item in items:
            item.children = _expand_inline(item.children)
        if node.starts_run:
            run = items + _continuing(items[-1], node.children)
            rest = node.children[len(run) - len(items) :]
            run[-1].children.extend(rest)
            if rest or len(run) == len(items):
                run[-1].end = max(run[-1].end, node.end)
            result.extend(run)
        else:
            node.children = items + node.children
            result.append(node)
    return result


def _continuing(last: _Node, children: list[_Node]) -> list[_Node]:
    """The leading children whose markers go on numbering after ``last``: in "* 1) A. 2) B." followed by an
    indented "3) C", item 3 is a sibling of 1 and 2, not a child of 2."""
    found: list[_Node] = []
    for child in children:
        if not _succeeds(found[-1] if found else last, child):
            break
        found.append(child)
    return found


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


# --- labels ---------------------------------------------------------------------------------


@dataclass
class _Open:
    """A label taking the siblings after it."""

    rank: int
    node: _Node
    last: bool = False  # the next item is its list's last ("...; or" came before)


def _regroup(text: str, nodes: list[_Node], within: int | None = None) -> tuple[list[_Node], list[_Node]]:
    """Let each label take the siblings after it that the registry flattened to its level; (kept, lifted).

    A label with no children of its own takes the following siblings until a label as strong as it (unless it
    has taken nothing yet), a new section, the next number of its own list, or the end of the list. A line
    announcing a list ("one of the following:") also stops after the item that follows one ending in "or"/"and",
    and before an item that starts unlike its first one, with a negation or a subject ("No other malignancy",
    "Patients with ..."). ``within`` is the rank of the label these nodes are under: a heading of its rank, a
    trial part or an all-capitals one ("PATIENT CHARACTERISTICS:" under "DISEASE CHARACTERISTICS:"), starts
    ``lifted``, which belongs beside that label.
    """
    queue, result = list(nodes), []
    hosts: list[_Open] = []  # outermost first
    while queue:
        node = queue.pop(0)
        rank = _rank(text, node)
        if within is not None and within < 2 and rank == within:
            return result, [node, *queue]
        if node.children:
            first = node.children[0].marker_start
            node.children, lifted = _regroup(text, node.children, rank)
            if lifted:
                queue[:0] = lifted
                node.end = max([first, *(child.end for child in node.children)])
        if hosts and hosts[-1].node.section != node.section:
            hosts.clear()
        closed = next((i for i, host in enumerate(hosts) if _succeeds(host.node, node)), None)
        if closed is not None:  # "5. ... as follows:", its items, then "6.": the list goes on
            del hosts[closed:]
        while hosts and (rank is not None and hosts[-1].rank >= rank and not _leads(hosts[-1], rank)):
            hosts.pop()
        while hosts and hosts[-1].rank == 3 and _breaks_list(text, hosts[-1].node, node):
            hosts.pop()
        if hosts:
            hosts[-1].node.children.append(node)
            for host in hosts:
                host.node.end = max(host.node.end, node.end)
            if hosts[-1].last:
                hosts.pop()
            elif hosts[-1].rank == 3 and _CONNECTIVE_END.search(_own_text(text, node)):
                hosts[-1].last = True
        else:
            result.append(node)
        if rank is not None and not node.children:
            hosts.append(_Open(rank, node))
    return result, []


def _leads(host: _Open, rank: int) -> bool:
    """An empty label takes a next label of its kind as its first item: "Laboratory requirements:" then
    "Hematology:", "Females:" then "Of childbearing potential must:". Headings of a trial's parts do not nest."""
    return not host.node.children and host.rank == rank >= 2


def _breaks_list(text: str, host: _Node, node: _Node) -> bool:
    """Whether ``node`` starts unlike the first item of ``host``'s list, with a negation or a subject."""
    if not host.children:
        return False
    opening = _opening(_own_text(text, node))
    return opening != "plain" and opening != _opening(_own_text(text, host.children[0]))


def _opening(own: str) -> str:
    first = re.match(r"\W*(\w+)", own)
    word = first[1].lower() if first else ""
    return next((kind for kind, words in _BREAKERS.items() if word in words), "plain")


def _rank(text: str, node: _Node) -> int | None:
    return _label_rank(_own_text(text, node))


def _own_text(text: str, node: _Node) -> str:
    return text[node.content_start : node.children[0].marker_start if node.children else node.end]


def _label_rank(own: str) -> int | None:
    """How strongly a line heads the lines after it: 0 a group of participants or a qualified section ("Group 1:",
    "Partner Inclusion Criteria:"), 1 an all-capitals heading ending with ':', 2 a short label ending with ':'
    ("Hepatic:"), 3 another line announcing a list ("Treatment with any of the following:"); None: a criterion."""
    line = own.strip()
    if not line:
        return None
    head, _, rest = _split_label(line)
    if _named_group(line) or _qualified_header(line) or (rest.strip() and _named_group(head)):
        return 0  # "Part 2 (Cohort H): confirmed WM" heads its part too
    colon = line.endswith((":", "："))
    announces = colon or _LIST_OPENER.search(line) is not None
    if announces and context.group_cue(line):
        return 3  # "ANY OF THE FOLLOWING:" says how its items combine; it is no mere label
    letters = [ch for ch in line if ch.isalpha()]
    if colon and len(letters) >= 3 and all(ch.isupper() for ch in letters):
        return 1
    words = len(line.split())
    if words <= _LAYOUT["label_max_words"] and (colon or re.fullmatch(r"\([^()]*\)", line)):
        return 2  # "Hepatic:"; "(main conditions)" after a section header
    return 3 if announces else None


def _cohort_kind(line: str) -> str | None:
    """ "cohort" for a short line naming groups of participants ("Group 1:", "Part 1 and Part 2 (Cohorts A to C)",
    "Phase IIa", "[Expansion Part]", "Female participants:") or a criterion for one ("Part 2 (Cohort H): WM"),
    "common" for one shared by all groups ("For Both Dose Escalation and Expansion"), else None."""
    head, colon, rest = _split_label(line)
    if rest.strip():
        return "cohort" if _cohort_kind(head + colon) == "cohort" else None
    words = head.lower().split()
    if colon and 0 < len(words) <= _LAYOUT["label_max_words"] and words[-1] in _PEOPLE:
        return "common" if any(w in _COMMON for w in words) else "cohort"
    return _named_group(line)


def _split_label(line: str) -> tuple[str, str, str]:
    """("Group 1", ":", " text") for "Group 1: text"; (line, "", "") without a colon."""
    parts = re.split(r"([:：])", line, maxsplit=1)
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (line, "", "")


def _named_group(line: str) -> str | None:
    """ "cohort" or "common" for a line made of cohort words, identifiers and fillers, as ``_cohort_kind``."""
    if line.endswith((".", ";")):
        return None
    written = [w for w in re.split(r"[\s,:;()\[\]\\/\-–：]+", line) if w]
    words = [w.lower() for w in written]
    if not words or len(words) > 10 or not any(w in _COHORT_WORDS for w in words):
        return None
    known = _COHORT_WORDS | _COHORT_FILLERS | _COMMON
    if any(w.lower() not in known and not _IDENT.fullmatch(w) for w in written):
        return None
    common = any(w in _COMMON for w in words)
    named = any(_IDENT.fullmatch(w) for w in written) or "only" in words or words[0] == "for"
    if not (common or named or len({w for w in words if w in _COHORT_WORDS}) >= 2):
        return None
    return "common" if common else "cohort"


# --- output ---------------------------------------------------------------------------------


def _emit(text: str, node: _Node, ident: str, parent: str | None, out: list[Criterion]) -> None:
    own_end = node.children[0].marker_start if node.children else node.end
    start, end = node.content_start, own_end
    while end > start and text[end - 1].isspace():
        end -= 1
    marker = text[node.marker_start : node.content_start].strip() or None
    out.append(
        Criterion(
            id=ident, section=node.section, parent=parent, marker=marker, text=text[start:end], start=start, end=end
        )
    )
    used: set[str] = set()
    for index, child in enumerate(node.children, 1):
        label = child.label if child.label and child.label not in used else str(index)
        while label in used:  # a numbered item taken in among bullets can hold the bullet's position number
            label += "b"
        used.add(label)
        _emit(text, child, f"{ident}.{label}", ident, out)
