"""Split eligibility text into criteria, keeping the nesting the text shows.

Lines give the first structure: section headers, list markers (bullets, 1., i), a), (b)), indents,
continuation lines. Inside a line, enumerations written inline ("i) ... or ii) ... a) ...; b)")
are split too, nested by where they fall. Every criterion keeps exact offsets into the text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from trialsieve.rules import Criterion

_HEADER = re.compile(
    r"^\s*(?:key\s+|main\s+|general\s+|major\s+)?(?P<section>inclusion|exclusion|eligibility)"
    r"(?:\s+(?:criteria|criterion|conditions?))?\s*(?:\((?:[^)]*)\))?\s*[:.\-]?\s*",
    re.IGNORECASE,
)
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
_MARKER = re.compile(
    r"(?P<marker>[•\-*·▪●○◦‣⁃–—]"
    r"|\(?(?P<num>\d{1,2})(?:\.\)|[.)])(?!\d)|\((?P<pnum>\d{1,2})\)"
    r"|\(?(?P<alpha>[ivxIVX]{1,4}|[a-zA-Z])(?:\.\)|[.)])|\((?P<palpha>[ivxIVX]{1,4}|[a-zA-Z])\))(?=\s)"
)
_INLINE = re.compile(r"(?:^|(?<=[\s;:,(]))\(?(?P<label>[ivx]{1,4}|[a-h]|\d{1,2})\.?\)(?=\s)")
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
    criteria: list[Criterion] = []
    counters: dict[str, int] = {}
    for root in _expand_inline(roots):
        counters[root.section] = counters.get(root.section, 0) + 1
        _emit(text, root, f"{_PREFIX[root.section]}{counters[root.section]}", None, criteria)
    return criteria


def _line_tree(text: str) -> list[_Node]:
    roots: list[_Node] = []
    stack: list[_Node] = []
    section = "unknown"
    previous_blank = True
    pos = 0
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        body = line.rstrip("\r\n")
        if not any(ch.isalnum() for ch in body):  # blank, or a stray ":" or "--" line
            previous_blank = True
            continue
        indent = len(body) - len(body.lstrip())
        header = _HEADER.match(body)
        if header and _is_header(body, header):
            section = {"eligibility": section}.get(header["section"].lower(), header["section"].lower())
            stack.clear()
            rest = start + header.end()
            if body[header.end() :].strip():
                node = _Node(section, "para", None, rest, rest, start + len(body), indent)
                roots.append(node)
                stack.append(node)
            previous_blank = False
            continue
        marker = _MARKER.match(body, indent)
        if marker is None:
            if stack and (indent > stack[-1].indent or not previous_blank):
                stack[-1].end = start + len(body)  # continuation line
                _extend_ancestors(stack)
                previous_blank = False
                continue
            node = _Node(section, "para", None, start + indent, start + indent, start + len(body), indent)
        else:
            style, label = _style(marker, stack, indent)
            content = start + marker.end() + (len(body) - marker.end() - len(body[marker.end() :].lstrip()))
            node = _Node(section, style, label, start + indent, content, start + len(body), indent)
        _attach(node, stack, roots, text)
        previous_blank = False
    return roots


def _is_header(body: str, header: re.Match[str]) -> bool:
    """A header line, not a criterion that starts with the word 'inclusion'."""
    rest = body[header.end() :].strip()
    return header[0].rstrip().endswith((":", "criteria", "Criteria", "CRITERIA")) or not rest


def _style(marker: re.Match[str], stack: list[_Node], indent: int) -> tuple[str, str | None]:
    if marker["num"] or marker["pnum"]:
        return "number", marker["num"] or marker["pnum"]
    alpha = marker["alpha"] or marker["palpha"]
    if alpha is None:
        return "bullet", None
    label = alpha.lower()
    sibling = next((n for n in reversed(stack) if n.indent == indent), None)
    single_after_letter = len(label) == 1 and sibling is not None and sibling.style == "letter"
    roman_here = len(label) > 1 or label == "i" or sibling is None or sibling.style == "roman"
    if label in _ROMAN and not single_after_letter and roman_here:
        return "roman", label  # a lone "v" or "x" after a bullet or number stays a letter
    return "letter", label


def _attach(node: _Node, stack: list[_Node], roots: list[_Node], text: str) -> None:
    while stack and stack[-1].indent > node.indent:
        stack.pop()
    if stack and stack[-1].indent == node.indent:
        top = stack[-1]
        ends_with_colon = text[top.content_start : top.end].rstrip().endswith(":")
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


def _extend_ancestors(stack: list[_Node]) -> None:
    for parent, child in zip(reversed(stack[:-1]), reversed(stack[1:]), strict=False):
        parent.end = max(parent.end, child.end)


def _split_inline(text: str, node: _Node) -> None:
    """Find inline enumerations in the node's own text and attach them as children (recursively)."""
    for child in node.children:
        _split_inline(text, child)
    own_end = node.children[0].marker_start if node.children else node.end
    scan_from = node.marker_start if node.style in ("roman", "letter", "number") else node.content_start
    candidates = [(m.start(), m.end(), m["label"]) for m in _INLINE.finditer(text, scan_from, own_end)]
    if node.label and node.style != "bullet" and all(c[0] != node.marker_start for c in candidates):
        candidates.insert(0, (node.marker_start, node.content_start, node.label))
    sequences = [seq for seq in (_sequence(candidates, kind) for kind in ("roman", "letter", "number")) if seq]
    sequences.sort(key=lambda seq: seq[0][0])
    if not sequences:
        return
    outer = sequences[0]
    items = _run(text, node, outer, own_end)
    for seq in sequences[1:]:
        host = next((it for it in items if it.marker_start < seq[0][0] < it.end), None)
        if host is not None and all(host.marker_start < s < host.end for s, _, _ in seq):
            host.children.extend(_run(text, node, seq, host.end))
    node.inline, node.starts_run = items, outer[0][0] == node.marker_start


def _run(text: str, node: _Node, seq: list[tuple[int, int, str]], end: int) -> list[_Node]:
    """Nodes for one inline enumeration; each item ends where the next begins, the last at ``end``."""
    kind = _kind_of(seq[0][2], seq)
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
            items[-1].children.extend(node.children)
            items[-1].end = node.end
            result.extend(items)
        else:
            node.children = items + node.children
            result.append(node)
    return result


def _sequence(candidates: list[tuple[int, int, str]], kind: str) -> list[tuple[int, int, str]]:
    labels = {
        "roman": _ROMAN,
        "letter": [chr(c) for c in range(ord("a"), ord("i"))],
        "number": [str(n) for n in range(1, 30)],
    }[kind]
    seq: list[tuple[int, int, str]] = []
    for cand in candidates:
        expected = labels[len(seq)] if len(seq) < len(labels) else None
        if cand[2] == expected:
            seq.append(cand)
    return seq if len(seq) >= 2 else []


def _kind_of(label: str, seq: list[tuple[int, int, str]]) -> str:
    if label.isdigit():
        return "number"
    return "roman" if len(seq) > 1 and seq[1][2] == "ii" else "letter"


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


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
        used.add(label)
        _emit(text, child, f"{ident}.{label}", ident, out)
