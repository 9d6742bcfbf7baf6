"""Abbreviations show their meaning from the keyboard and on touch, not only
on hover, at their first use on a page.

The glossary (includes/abbreviations.md, appended to every page) turns every
occurrence of an abbreviation into ``<abbr title="...">``. Only the first on
each page stays one, as in print: after it, a keyboard user would otherwise
tab through every repeat (48 stops on the neck pain page, 7 terms). The
browser shows the title on hover only; docs/stylesheets/extra.css shows it
on focus. An ``<abbr>`` cannot take focus by itself, so this hook makes each
one focusable.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

ABBR = re.compile(r"<abbr\b(?![^>]*\btabindex=)(?=[^>]*\btitle=)")
# Inside a link the link takes focus: a focusable <abbr> there would be a
# focus stop nested in another, which HTML forbids.
LINK = re.compile(r"(<a\b.*?</a>)", re.S)


def focusable(html: str) -> str:
    """``html`` with every titled <abbr> outside links able to take focus."""
    parts = LINK.split(html)
    return "".join(p if i % 2 else ABBR.sub('<abbr tabindex="0"', p) for i, p in enumerate(parts))


ABBR_ELEMENT = re.compile(r"<abbr\b[^>]*>(.*?)</abbr>", re.S)


def first_only(html: str) -> str:
    """``html`` with each abbreviation marked up only where it first occurs."""
    seen: set[str] = set()

    def keep_first(match: re.Match[str]) -> str:
        if match.group(1) in seen:
            return match.group(1)
        seen.add(match.group(1))
        return match.group(0)

    return ABBR_ELEMENT.sub(keep_first, html)


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return focusable(first_only(html)) if "<abbr" in html else html
