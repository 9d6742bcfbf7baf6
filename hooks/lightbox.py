"""Load the lightbox (mkdocs-glightbox) only on pages that have images.

The plugin adds its script, stylesheet and set-up code to every page; on a
text page that is weight and work for nothing. Its own switch is
``page.meta["glightbox"] = False``. It must be set before the plugin's
``on_page_content`` runs: that step re-serialises the content as a whole
document, which only the plugin's later ``on_post_page`` step repairs; skip
one without the other and the page is left with a nested <html>. So the
decision is made on the Markdown.

On those pages the plugin's re-serialised content still carries the
<html><head></head><body> wrapper until its later step; the search index is
built from the content in between, so the wrapper is removed at once.

On pages that keep it, the plugin puts its script in <head>, where it blocks
rendering; it is moved to just before the plugin's set-up script at the end
of <body>, which is the only code that needs it. Theme and library scripts
load after the first paint (hooks/loading.py), so the set-up script, which
needs both, waits for the loader's ``dn:scripts-loaded`` event.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from loading import EVENT as SCRIPTS_LOADED
from mkdocs.plugins import event_priority
from tags import content_of, elements, end_of

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

# The plugin's library and its set-up script (hooks/finish.py moves them).
LIBRARY = "glightbox.min.js"
SETUP_ID = "init-glightbox"

# A Markdown image (![alt](src) or ![alt][ref]) or a raw <img>.
IMAGE = re.compile(r"!\[[^\]]*\][(\[]|<img\b", re.I)


def has_images(markdown: str) -> bool:
    return bool(IMAGE.search(markdown))


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not has_images(markdown):
        page.meta["glightbox"] = False
    return markdown


def move_script(html: str) -> str:
    """``html`` with the lightbox library loaded just before its set-up script
    instead of in <head>, and the set-up run once the scripts are loaded."""
    scripts = [tag for tag, _ in elements(html, "script")]
    library = next((t for t in scripts if t.attrs.get("src", "").endswith(LIBRARY)), None)
    setup = next((t for t in scripts if t.has("id", SETUP_ID)), None)
    if library is None or setup is None or setup.start < library.start:
        return html
    library_html = html[library.start : end_of(html, library)]
    body = content_of(html, setup)
    moved = (
        library_html
        + html[setup.start : setup.end]
        + f"document.addEventListener('{SCRIPTS_LOADED}',()=>{{{body}}},{{once:true}})</script>"
    )
    return (
        html[: library.start]
        + html[end_of(html, library) : setup.start]
        + moved
        + html[end_of(html, setup) :]
    )


WRAPPER_START = "<html><head></head><body>"
WRAPPER_END = "</body></html>"


def unwrap(html: str) -> str:
    """The page content without the document wrapper the plugin adds."""
    stripped = html.strip()
    if stripped.startswith(WRAPPER_START) and stripped.endswith(WRAPPER_END):
        return stripped[len(WRAPPER_START) : -len(WRAPPER_END)]
    return html


# After the plugin wraps the content (priority 0), before the search plugin
# indexes it (on_page_context).
@event_priority(-50)
def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return unwrap(html)
