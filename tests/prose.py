"""The prose of a built page as a reader reads it, for readability checks.

Headings, citations, reference lists, the disclaimer notice, the review dates
and code are left out; each paragraph, list item and table cell counts as one
or more sentences."""

from __future__ import annotations

import re

import textstat
from bs4 import BeautifulSoup, Tag

LEFT_OUT = (
    "h1, h2, h3, h4, h5, h6, sup.dn-cite, ol.dn-references, .dn-disclaimer, .dn-review, "
    "pre, code, .headerlink, .admonition-title, .md-source-file, nav, .dn-sr-only"
)
BLOCKS = "p, li, td, th, dd, dt"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")


def sentences(node: Tag) -> list[str]:
    """The sentences of ``node``'s own prose."""
    node = BeautifulSoup(str(node), "html.parser")
    for tag in node.select(LEFT_OUT):
        tag.decompose()
    out = []
    for block in node.select(BLOCKS):
        if block.select_one(BLOCKS):  # a list item with a nested list: count the inner ones
            continue
        text = " ".join(block.get_text(" ").split())
        text = re.sub(r"\s+([.,;:!?)])", r"\1", text)
        if len(text.split()) < 2:
            continue
        if not text.endswith((".", "!", "?", ":")):
            text += "."
        out += [s for s in SENTENCE_END.split(text) if s.strip()]
    return out


def grade(parts: list[str]) -> float:
    """Flesch-Kincaid grade of the sentences ``parts``."""
    return textstat.flesch_kincaid_grade(" ".join(parts))


def long_share(parts: list[str], words: int = 20) -> float:
    """The share of sentences of ``words`` words or more."""
    return sum(len(s.split()) >= words for s in parts) / max(len(parts), 1)
