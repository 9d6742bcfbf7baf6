"""Small repairs to the theme's markup, so every page is valid HTML.

* Material writes ``tabindex=""`` on navigation labels; an empty tabindex is
  not a valid integer (Nu HTML Checker) and browsers ignore it, so removing it
  changes nothing for readers.
* Its search dialog (``role="dialog"``) has no accessible name (Lighthouse,
  axe aria-dialog-name): screen readers announce it as an unnamed dialog.

Other theme findings that do have a purpose are listed, with reasons, in
tests/test_html_validity.py.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

EMPTY_TABINDEX = re.compile(r'(<label\b[^>]*?)\s+tabindex=""')
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


def repair(html: str) -> str:
    html = EMPTY_TABINDEX.sub(r"\1", html)
    return html.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + ' aria-label="Search">', 1)


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return repair(output)


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    return repair(output_content) if template_name.endswith(".html") else output_content
