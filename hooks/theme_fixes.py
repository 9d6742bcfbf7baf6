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

from mkdocs.exceptions import PluginError
from tags import Tag, start_tags

EMPTY_TABINDEX = re.compile(r'(<label\b[^>]*?)\s+tabindex=""')


class ThemeChangedError(PluginError):
    """The theme's markup changed: a repair no longer applies."""


def search_dialog(html: str) -> Tag | None:
    """The theme's search dialog: the element with class "md-search" that is
    its search component and a dialog."""
    return next(
        (
            t
            for t in start_tags(html, "div", containing="md-search")
            if t.has_class("md-search") and t.has("data-md-component", "search")
        ),
        None,
    )


def repair(html: str, where: str = "the page") -> str:
    """``html`` with the theme's empty tabindexes gone and its search dialog
    named; fails if the dialog is not there to name, or is named already
    (the theme changed: see whether the repair is still needed)."""
    html = EMPTY_TABINDEX.sub(r"\1", html)
    dialog = search_dialog(html)
    if dialog is None or not dialog.has("role", "dialog") or dialog.has("aria-label"):
        raise ThemeChangedError(
            f"{where}: Material's search dialog is not as hooks/theme_fixes.py expects "
            '(a <div class="md-search" data-md-component="search" role="dialog"> without '
            "aria-label). The theme has changed: check whether the dialog still lacks an "
            "accessible name (axe rule aria-dialog-name), then update or remove the repair."
        )
    at = dialog.end - 1
    return html[:at] + ' aria-label="Search"' + html[at:]
