"""The human form of a check report: the overall verdict, then one row per criterion with its evidence."""

from __future__ import annotations

import textwrap

from trialsieve.match.check import Report

_MARK = {"met": "met", "not_met": "NOT MET", "unknown": "unknown", "needs_review": "review"}


def render(report: Report, width: int = 100, wide: bool = False) -> str:
    """The report as text, a row per criterion and evidence item cut to ``width`` with "[...]"; ``wide``
    wraps them whole instead (``check --wide``), since the cut part is often the deciding value."""
    fit = _wrapped if wide else _shortened
    lines = [f"{report.trial_id} / {report.patient_id} (as of {report.as_of}): {report.overall.upper()}"]
    if report.ruled_out_by:
        lines.append(f"ruled out by: {', '.join(report.ruled_out_by)}")
    if report.missing_data:
        lines.append(f"data to collect: {'; '.join(report.missing_data)}")
    if report.review:
        lines.append(f"for review: {', '.join(report.review)}")
    lines.append("")
    for criterion in report.criteria:
        flag = " <- rules out" if criterion.against and criterion.parent is None else ""
        head = f"{criterion.id:<22}{criterion.section[:3]}  {_MARK[criterion.verdict]:<8} "
        lines.append(fit(head, criterion.text, width, len(head), flag))
        for e in criterion.evidence:
            lines.append(fit(" " * 26, f"{_MARK[e.verdict]}: {e.reason}{_cited(e)}", width, 26))
    return "\n".join(lines)


def _shortened(head: str, text: str, width: int, indent: int, tail: str = "") -> str:
    return head + textwrap.shorten(text, max(width - indent, 20)) + tail


def _wrapped(head: str, text: str, width: int, indent: int, tail: str = "") -> str:
    return textwrap.fill(text + tail, max(width, indent + 20), initial_indent=head, subsequent_indent=" " * indent)


def _cited(e) -> str:
    """The fact a verdict used: its value, date, place in the record and how it matched."""
    if not e.fact:
        return ""
    parts = [e.fact + (f" = {e.value:g} {e.unit or ''}".rstrip() if e.value is not None else "")]
    parts += [str(p) for p in (e.date, e.source, e.match) if p]
    return f" [{', '.join(parts)}]"
