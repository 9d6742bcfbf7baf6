"""Nothing the theme loads blocks the first paint.

Material ends ``<body>`` with a plain ``<script src>`` for its bundle. A
classic script there is still parser-blocking: Chromium reports it as
render-blocking, and Lighthouse's simulated phone waits for its 35 KB before
the first paint. With ``defer`` it runs at the same point, once the document is
parsed, but the page can paint while it downloads. Deferred scripts run in
document order, so plugin libraries after the bundle still find it; inline
code that needs them must be a module script (see hooks/lightbox.py), since
inline classic scripts cannot wait.

The base template names the bundle by its content hash, so the attribute is
added to the finished page rather than by copying the template's block.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

# An external classic script: a src, and no type, async, defer or module.
EXTERNAL_SCRIPT = re.compile(r"<script(?![^>]*\s(?:type|async|defer)[\s=>])(\s[^>]*\bsrc=[^>]*)>")


def defer_scripts(html: str) -> str:
    """``html`` with every external classic script deferred."""
    return EXTERNAL_SCRIPT.sub(r"<script defer\1>", html)


# After the lightbox hook places its library (priority -50), before the CSP
# hashes the page (-100).
@event_priority(-60)
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return defer_scripts(output)


@event_priority(-60)
def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    return defer_scripts(output_content) if template_name.endswith(".html") else output_content
