"""Finding elements in finished pages by their attributes, whatever their
order and quoting.

The final-HTML steps (hooks/finish.py) rewrite a few tags the theme and the
lightbox plugin write. Matching them as fixed strings (``<link
rel="stylesheet" href="...">``) would break silently if a theme release put
the attributes in another order or quoted them otherwise; these helpers
read a tag's attributes the way a browser does (double, single or no
quotes, any order, any case) and leave everything else to plain string
slicing. A full HTML parser would re-serialise the page, which the CSP
hashes and the tests compare byte for byte.

Hand-written: the standard library's HTMLParser gives attributes but not
where a tag starts and ends in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

_ATTRIBUTE = r"""[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_ATTRIBUTE_PARTS = re.compile(
    r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)


@dataclass(frozen=True)
class Tag:
    """A start tag: its name, attributes (names in lower case, values
    unescaped) and where it is in the page."""

    name: str
    attrs: dict[str, str]
    start: int
    end: int  # just after the ">"

    def has(self, name: str, value: str | None = None) -> bool:
        """Whether the tag has attribute ``name`` (with ``value``, if given)."""
        return name in self.attrs and (value is None or self.attrs[name] == value)

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"<({name})((?:\s+{_ATTRIBUTE})*)\s*/?>", re.I)


_PATTERNS: dict[str, re.Pattern[str]] = {}


def start_tags(html: str, name: str, start: int = 0, containing: str = "") -> list[Tag]:
    """Every start tag ``<name ...>`` in ``html`` from ``start`` on; only
    those whose text contains ``containing``, if given (reading every <div>
    of a page for one of them is the slow part)."""
    pattern = _PATTERNS.get(name) or _PATTERNS.setdefault(name, _pattern(re.escape(name)))
    found = []
    for match in pattern.finditer(html, start):
        if containing not in match.group(0):
            continue
        attrs = {}
        for key, double, single, bare in _ATTRIBUTE_PARTS.findall(match.group(2)):
            value = double or single or bare
            attrs.setdefault(key.lower(), unescape(value))
        found.append(Tag(match.group(1).lower(), attrs, match.start(), match.end()))
    return found


def end_of(html: str, tag: Tag) -> int:
    """Where the element ``tag`` opens ends: just after its ``</name>``
    (script and style content cannot hold another one)."""
    close = re.compile(rf"</{re.escape(tag.name)}\s*>", re.I).search(html, tag.end)
    return close.end() if close else tag.end


def content_of(html: str, tag: Tag) -> str:
    """The text between ``tag`` and its end tag (a script's or style's body)."""
    close = re.compile(rf"</{re.escape(tag.name)}\s*>", re.I).search(html, tag.end)
    return html[tag.end : close.start()] if close else ""


def elements(html: str, name: str) -> list[tuple[Tag, int]]:
    """Each ``<name>`` element of a raw-text kind (script, style) with where
    it ends, skipping anything that only looks like one inside another's text
    (JSON-LD may quote "<script>" in a string)."""
    found, after = [], 0
    for tag in start_tags(html, name):
        if tag.start < after:
            continue
        after = end_of(html, tag)
        found.append((tag, after))
    return found
