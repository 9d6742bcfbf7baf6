"""Load the lightbox (mkdocs-glightbox) only on pages that have images.

The plugin adds its script, stylesheet and set-up code to every page; on a
text page that is weight and work for nothing. Its own switch is
``page.meta["glightbox"] = False``. It must be set before the plugin's
``on_page_content`` runs: that step re-serialises the content as a whole
document, which only the plugin's later ``on_post_page`` step repairs; skip
one without the other and the page is left with a nested <html>. So the
decision is made on the Markdown.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

# A Markdown image (![alt](src) or ![alt][ref]) or a raw <img>.
IMAGE = re.compile(r"!\[[^\]]*\][(\[]|<img\b", re.I)


def has_images(markdown: str) -> bool:
    return bool(IMAGE.search(markdown))


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not has_images(markdown):
        page.meta["glightbox"] = False
    return markdown
