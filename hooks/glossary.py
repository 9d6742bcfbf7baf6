"""Abbreviations show their meaning from the keyboard and on touch, not only
on hover.

The glossary (includes/abbreviations.md, appended to every page) turns each
abbreviation into ``<abbr title="...">``. The browser shows the title on
hover only; docs/stylesheets/extra.css shows it on focus. An ``<abbr>``
cannot take focus by itself, so this hook makes each one focusable.
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


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return focusable(html) if "<abbr" in html else html
