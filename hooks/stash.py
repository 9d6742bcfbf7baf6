"""Keep hook-made HTML out of the Markdown parser.

Hooks that build HTML (citation links, reference lists, the evidence map)
used to put it into the page's Markdown, where every tag is stashed by
Python-Markdown, re-parsed by md_in_html's HTML parser and again by MkDocs'
anchor validation: most of the extra time of this site's build over a plain
one. Instead a hook stores the HTML on the page and leaves a placeholder in
the Markdown, which the parser passes through untouched: a comment for a
block, a plain word for inline HTML. After conversion the placeholders are
swapped back.

An inline placeholder in a heading would reach the table of contents, which
is built from the Markdown; callers keep headings' HTML as it is.

Other hooks call :func:`put` and :func:`put_inline`. Inline HTML is put
back first thing after conversion, so that other hooks see it where it
belongs (a figure caption's citation is copied into an attribute, escaped).
Blocks are put back after the search plugin has indexed the page, and the
index is given the page without the inline HTML either: citation links,
reference lists and the evidence map, which the index leaves out anyway, and
parsing them there cost as much again. Hooks that check content
(hooks/content_safety.py, hooks/links.py) see a comment where a block goes;
blocks are built from checked data and escaped.

The blocks live in ``page.meta``, which MkDocs reads afresh from the file on
every build, so nothing carries over between ``mkdocs serve`` rebuilds.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mkdocs.plugins import CombinedEvent, event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

KEY = "dn_stash"
BLOCK = re.compile(r"<!-- dn-stash (\d+) -->")
INLINE = re.compile(r"dnstash(\d+)z")


def _stash(page: Page) -> dict[str, list[str]]:
    return page.meta.setdefault(KEY, {"block": [], "inline": []})


def put(page: Page, html: str) -> str:
    """A Markdown block that :func:`restore` will turn back into ``html``."""
    blocks = _stash(page)["block"]
    blocks.append(html)
    return f"\n\n<!-- dn-stash {len(blocks) - 1} -->\n\n"


def put_inline(page: Page, html: str) -> str:
    """A word (letters and digits only, which no Markdown syntax touches)
    that :func:`restore` will turn back into ``html``."""
    inline = _stash(page)["inline"]
    inline.append(html)
    return f"dnstash{len(inline) - 1}z"


def restore(html: str, page: Page, placeholder: re.Pattern[str]) -> str:
    """``html`` with every ``placeholder`` (:data:`BLOCK` or :data:`INLINE`)
    replaced by its HTML."""
    if KEY not in page.meta:
        return html
    found = page.meta[KEY]["block" if placeholder is BLOCK else "inline"]
    return placeholder.sub(lambda m: found[int(m.group(1))], html)


def for_search(html: str, page: Page) -> str:
    """``html`` as the search index should see it: without the inline HTML."""
    for piece in dict.fromkeys(page.meta[KEY]["inline"]):
        html = html.replace(piece, "")
    return html


# First of all content handlers, so that the others see the finished text.
@event_priority(100)
def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files) -> str:
    return restore(html, page, INLINE)


# Just before the search plugin (priority 0) indexes the page...
@event_priority(10)
def _before_search(context, *, page: Page, config: MkDocsConfig, nav):
    if KEY in page.meta:
        page.meta[KEY]["content"] = page.content
        page.content = for_search(page.content, page)
    return context


# ...and just after it.
@event_priority(-10)
def _after_search(context, *, page: Page, config: MkDocsConfig, nav):
    if KEY in page.meta:
        page.content = restore(page.meta[KEY].pop("content"), page, BLOCK)
    return context


on_page_context = CombinedEvent(_before_search, _after_search)
