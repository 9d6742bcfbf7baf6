"""A Content-Security-Policy ``<meta>`` on every page, the 404 page included.

The policy allows only the site's own scripts, styles, images, fonts, fetches
and workers, and nothing from any other host. Material writes a few small
inline scripts (palette and scope set-up; the lightbox's options) whose
text differs with the page's depth, so instead of 'unsafe-inline' each page's
policy lists the SHA-256 hash of exactly the inline scripts it carries.
JSON data blocks (``application/json``, ``application/ld+json``) are not run
by browsers and need no hash.

A static host such as GitHub Pages cannot send the header, so the policy is a
``<meta>``; ``frame-ancestors`` and reporting, which need the header, are left
out for that reason.

Runs last (priority -100) so that it hashes the final HTML.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
INLINE_STYLE = re.compile(r"<style(?P<attrs>[^>]*)>(?P<body>.*?)</style>", re.S | re.I)
DATA_TYPES = re.compile(r'type\s*=\s*"application/(ld\+)?json"', re.I)
HEAD = re.compile(r"<head[^>]*>", re.I)

# Everything the site needs, all from its own origin. data: images are the
# icons Material's stylesheet embeds; workers run the search index.
DIRECTIVES = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "object-src": ["'none'"],
}


def _sha256(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode('utf-8')).digest()).decode()}'"


def inline_style_hashes(html: str) -> list[str]:
    """CSP sources for the inline <style> elements in ``html`` (plugins such as
    the lightbox add one), in order, without repeats."""
    return list(dict.fromkeys(_sha256(m.group("body")) for m in INLINE_STYLE.finditer(html)))


def inline_script_hashes(html: str) -> list[str]:
    """CSP sources for the inline scripts in ``html``, in order, without repeats."""
    hashes = []
    for match in INLINE_SCRIPT.finditer(html):
        attrs, body = match.group("attrs"), match.group("body")
        if "src=" in attrs.lower() or DATA_TYPES.search(attrs):
            continue
        source = _sha256(body)
        if source not in hashes:
            hashes.append(source)
    return hashes


# The lightbox (GLightbox) sizes and animates slides through style attributes.
# Pages that load it may use style attributes, which cannot run script;
# <style> elements and scripts still need their hashes. Content itself cannot
# add style attributes (hooks/content_safety.py). Looked for as substrings:
# as one regex, an alternation without a common prefix, it took 12 ms a build.
LIGHTBOX = ('<script id="init-glightbox"', "glightbox.min.js")


def loads_lightbox(html: str) -> bool:
    """Whether the page ``html`` loads the lightbox."""
    return any(marker in html for marker in LIGHTBOX)


def policy(script_hashes: list[str], style_hashes: list[str] = (), lightbox: bool = False) -> str:
    extra = {"script-src": list(script_hashes), "style-src": list(style_hashes)}
    directives = dict(DIRECTIVES)
    if lightbox:
        directives["style-src-attr"] = ["'unsafe-inline'"]
    return "; ".join(
        " ".join([name, *sources, *extra.get(name, [])]) for name, sources in directives.items()
    )


def add_policy(html: str, where: str) -> str:
    """``html`` with its policy as the first element of ``<head>``."""
    head = HEAD.search(html)
    if head is None:
        raise PluginError(f"{where}: no <head> to put the Content-Security-Policy in.")
    hashes = inline_script_hashes(html), inline_style_hashes(html)
    meta = (
        '<meta http-equiv="Content-Security-Policy" '
        f'content="{policy(*hashes, lightbox=loads_lightbox(html))}">'
    )
    return html[: head.end()] + meta + html[head.end() :]


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


@event_priority(-100)
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return add_policy(output, f"docs/{page.file.src_uri}")


@event_priority(-100)
def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    if not template_name.endswith(".html"):
        return output_content
    return add_policy(output_content, template_name)
