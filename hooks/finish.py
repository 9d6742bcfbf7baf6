"""The finished page: every rewrite of a page's final HTML, in one stage, in
this order. Each step is a plain function of the page (tested on its own in
tests/test_finish_unit.py); this module only says the order and why.

1. theme fixes (hooks/theme_fixes.py): valid HTML, a named search dialog;
   fails if the theme's markup has changed so that the repair no longer applies.
2. lightbox (hooks/lightbox.py): the plugin's library moves next to its
   set-up script, which waits for the loader. After the plugin has added its
   tags (mkdocs-glightbox's on_post_page, priority 0): this stage runs at -50.
3. loading (hooks/loading.py): external scripts load after the first paint,
   the lightbox's library included, so after step 2.
4. stylesheets (hooks/stylesheets.py): one combined stylesheet is linked;
   the page's names are gathered for it.
5. minify (hooks/minify.py): no template indentation; after the steps that
   leave empty lines where tags were.
6. disclaimer (hooks/disclaimer.py): exactly one notice on the page.
7. CSP (hooks/csp.py): the policy lists the hashes of exactly the inline
   scripts and styles the page carries, so it comes last, when they are final.

The 404 page, rendered from a template, goes through the same steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import csp
import disclaimer
import lightbox
import loading
import minify
import shared
import stylesheets
import theme_fixes
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page


@dataclass(frozen=True)
class At:
    """Which page is being finished: its name in messages, its URL (for
    relative links) and the build's config."""

    where: str
    url: str
    config: MkDocsConfig


def _stylesheets(html: str, at: At) -> str:
    build = shared.get(at.config, stylesheets.KEY, "hooks/finish.py (stylesheets)")
    return stylesheets.relink(html, at.where, build, stylesheets.href_to(at.config, at.url))


def _disclaimer(html: str, at: At) -> str:
    disclaimer.check_notice_count(html, at.where)
    return html


def _csp(html: str, at: At) -> str:
    allowed = shared.get(at.config, csp.KEY, "hooks/finish.py (csp)")
    return csp.add_policy(html, at.where, allowed)


STEPS: tuple[tuple[str, Callable[[str, At], str]], ...] = (
    ("theme fixes", lambda html, at: theme_fixes.repair(html, at.where)),
    ("lightbox", lambda html, at: lightbox.move_script(html)),
    ("loading", lambda html, at: loading.load_after_paint(html)),
    ("stylesheets", _stylesheets),
    ("minify", lambda html, at: minify.collapse(html)),
    ("disclaimer", _disclaimer),
    ("csp", _csp),
)


def finish(html: str, at: At) -> str:
    """``html`` through every step, in order."""
    for _name, step in STEPS:
        html = step(html, at)
    return html


# After the plugins' own rewrites (mkdocs-glightbox adds its tags at 0).
@event_priority(-50)
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return finish(output, At(shared.page_label(config, page), page.url, config))


@event_priority(-50)
def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    if not template_name.endswith(".html"):
        return output_content
    return finish(output_content, At(template_name, template_name, config))
