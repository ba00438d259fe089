"""Citations: which trial, which part of it, and the words quoted, linking to the trial explorer.

[NCT04615455 · Inclusion 2] "OSDI-score ≥ 33"

Quoted words are trial text, which anyone may have written: they are escaped (``plain``) so that
markdown shows them as written, and an image or tag in them fetches nothing. This module lives below
the app because the LLM's grounded answers cite passages too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote as url_quote

from trialsieve.index.chunks import Chunk
from trialsieve.rules import Criterion

_SECTION = {"I": "Inclusion", "E": "Exclusion", "U": "Criterion"}
_KIND = {"title": "Title", "summary": "Summary", "conditions": "Conditions"}
QUOTE_LIMIT = 300
_MARKUP = re.compile(r"([\\`*_\[\]()<>!~$])")
_ACTIVE = re.compile(r"([\\<!])")
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=\bwww)(?=\.)", re.IGNORECASE)  # where a bare URL would start


def plain(text: str) -> str:
    """``text`` with every character markdown or HTML acts on escaped: it shows as written, and an
    image or tag in it is only text, so the browser fetches nothing it names. A bare URL is kept from
    becoming a link too, since inside one the escapes would show."""
    return _AUTOLINK.sub("\\\\", _MARKUP.sub(r"\\\1", text))


def inert(text: str) -> str:
    """Markdown from elsewhere (an LLM's reply) kept as markdown, but with no image or raw HTML: a
    ``<`` or ``!`` is escaped, and so is a backslash, so that an escape cannot be undone."""
    return _ACTIVE.sub(r"\\\1", text)


def criterion_label(criterion_id: str) -> str:
    """ "I2" -> "Inclusion 2", "E4.a" -> "Exclusion 4.a", "registry.minimum_age" -> "Registry: minimum age"."""
    if criterion_id.startswith("registry."):
        return "Registry: " + criterion_id.removeprefix("registry.").replace("_", " ")
    section = _SECTION.get(criterion_id[:1])
    return f"{section} {criterion_id[1:]}" if section and criterion_id[1:2].isdigit() else criterion_id


@dataclass(frozen=True)
class Citation:
    trial_id: str
    label: str
    quote: str

    @classmethod
    def of_chunk(cls, chunk: Chunk) -> Citation:
        label = criterion_label(chunk.criterion_id) if chunk.criterion_id else _KIND[chunk.kind]
        return cls(chunk.trial_id, label, chunk.text)

    @classmethod
    def of_criterion(cls, trial_id: str, criterion: Criterion) -> Citation:
        return cls(trial_id, criterion_label(criterion.id), criterion.text)

    def markdown(self) -> str:
        quote = " ".join(self.quote.split())
        quote = quote if len(quote) <= QUOTE_LIMIT else quote[: QUOTE_LIMIT - 1] + "…"
        link = f"?trial={url_quote(self.trial_id, safe='')}"
        return f'[{plain(self.trial_id)} · {plain(self.label)}]({link}) "{plain(quote)}"'
