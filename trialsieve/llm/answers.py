"""Grounded answers: an LLM phrases an answer from the retrieved passages only, citing them.

The passages are numbered [1]..[n] in the prompt. The reply must cite at least one of them,
only them, and write each citation marker in its text. Otherwise it is refused and the
caller keeps the extractive answer. Markers become the usual citation links.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from trialsieve.llm.backends import LLM, LLMError, instructed
from trialsieve.llm.citations import Citation, inert

PROMPT = (
    "Answer the question about clinical trials using only the numbered passages. Cite every "
    "claim with its passage number in brackets, like [1]. If the passages do not answer the "
    "question, say so. Be brief."
)
_MARKER = re.compile(r"\[(\d+)\]")


class Phrased(BaseModel):
    answer: str = Field(max_length=1200)
    cited: list[int] = Field(max_length=8)


def phrase(llm: LLM, question: str, citations: list[Citation]) -> tuple[str | None, str | None]:
    """(the answer with citation links, None) or (None, why it was refused)."""
    numbered = "\n".join(f"[{n}] ({c.trial_id} · {c.label}) {c.quote}" for n, c in enumerate(citations, start=1))
    try:
        reply = llm.reply(instructed(PROMPT, f"Passages:\n{numbered}\n\nQuestion: {question}"), Phrased)
    except LLMError as error:
        return None, str(error)
    given = set(range(1, len(citations) + 1))
    markers = {int(m) for m in _MARKER.findall(reply.answer)}
    if not reply.cited or not set(reply.cited) <= given or not markers or not markers <= given:
        return None, f"the reply cites {sorted(set(reply.cited) | markers)}, not only passages 1-{len(citations)}"
    sources = [f"[{n}] {citations[n - 1].markdown()}" for n in sorted(markers)]
    return "\n".join([inert(reply.answer.strip()), "", *sources]), None  # no image or tag it was led to write
