"""A Content-Security-Policy ``<meta>`` on every page, the 404 page included.

The policy allows only the site's own scripts, styles, images, fonts, fetches
and workers, and nothing from any other host. Material writes a few small
inline scripts (palette and scope set-up; the lightbox's options) whose
text differs with the page's depth, so instead of 'unsafe-inline' each page's
policy lists the SHA-256 hash of the inline scripts it carries.
JSON data blocks (``application/json``, ``application/ld+json``) are not run
by browsers and need no hash.

Which inline scripts and styles may be hashed is decided before any page is
rendered, from their producers: the theme's script partials
(``partials/javascripts/*.html``, the overrides' included) rendered for each
page depth, the loader of hooks/loading.py, and the lightbox plugin's set-up
run on an empty page. A page that carries any other inline script or style
fails the build, naming the page: whatever put it there (front matter printed
by a template, a hook, a plugin), the policy never approves it.

A static host such as GitHub Pages cannot send the header, so the policy is a
``<meta>``; ``frame-ancestors`` and reporting, which need the header, are left
out for that reason.

Runs last (priority -100) so that it hashes the final HTML.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import shared
from lightbox import move_script
from loading import LOADER
from minify import collapse
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url
from tags import content_of, elements

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

THEME_SCRIPT_PARTIALS = "partials/javascripts/"

DATA_TYPES = {"application/json", "application/ld+json"}
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


def inline_styles(html: str) -> list[str]:
    """The bodies of the inline <style> elements in ``html`` (plugins such as
    the lightbox add one), in order, without repeats."""
    return list(dict.fromkeys(content_of(html, t) for t, _ in elements(html, "style")))


def inline_scripts(html: str) -> list[str]:
    """The bodies of the inline scripts in ``html`` that a browser runs, in
    order, without repeats. JSON data blocks are not run."""
    bodies = [
        content_of(html, t)
        for t, _ in elements(html, "script")
        if "src" not in t.attrs and t.attrs.get("type", "").lower() not in DATA_TYPES
    ]
    return list(dict.fromkeys(bodies))


@dataclass(frozen=True)
class Allowed:
    """The inline scripts and styles the theme, the templates, the hooks and
    the plugins make: known before any page is rendered."""

    scripts: frozenset[str]
    styles: frozenset[str]


class CSPError(PluginError):
    """A page carries an inline script or style that no template made."""


def snippets_of(html: str) -> Allowed:
    return Allowed(frozenset(inline_scripts(html)), frozenset(inline_styles(html)))


def theme_snippets(env: Environment, config: MkDocsConfig, base_urls: set[str]) -> str:
    """The theme's script partials, the overrides' included, rendered as on a
    page at each of ``base_urls``. Material writes every inline script of its
    pages from these partials; if a version moves one elsewhere, pages fail
    the check below and the build says so."""
    # From the theme's folders, not env.list_templates(), which walks the
    # theme's thousands of icons (0.1 s a build).
    names = sorted(
        {
            f"{THEME_SCRIPT_PARTIALS}{path.name}"
            for folder in config.theme.dirs
            for path in Path(folder, THEME_SCRIPT_PARTIALS).glob("*.html")
        }
    )
    if not names:
        raise CSPError(
            f"the theme has no '{THEME_SCRIPT_PARTIALS}*.html' templates; hooks/csp.py "
            "renders them to learn which inline scripts pages may carry. Has the theme changed?"
        )
    return "".join(
        env.get_template(name).render(config=config, base_url=base_url, page=None)
        for name in names
        for base_url in sorted(base_urls)
    )


def plugin_snippets(config: MkDocsConfig) -> str:
    """What the lightbox plugin adds to a page (its set-up script and style),
    run on an empty page and moved as hooks/lightbox.py moves it."""
    plugin = config.plugins.get("glightbox")
    if plugin is None:
        return ""
    probe = SimpleNamespace(meta={}, url="")
    empty = "<html><head></head><body></body></html>"
    return move_script(plugin.on_post_page(empty, page=probe, config=config))


def allowed_snippets(env: Environment, config: MkDocsConfig, page_urls: list[str]) -> Allowed:
    """Every inline script and style a page of this build may carry."""
    base_urls = {get_relative_url(".", url) for url in page_urls}
    base_urls.add(urlsplit(config.site_url or "/").path)  # the 404 page's
    # Collapsed as hooks/minify.py collapses every page before this hook runs.
    return snippets_of(
        collapse(
            theme_snippets(env, config, base_urls)
            + plugin_snippets(config)
            + f"<script>{LOADER}</script>"
        )
    )


def check_snippets(html: str, allowed: Allowed, where: str) -> None:
    """Fail if ``html`` carries an inline script or style outside ``allowed``."""
    for kind, bodies, known in (
        ("script", inline_scripts(html), allowed.scripts),
        ("style", inline_styles(html), allowed.styles),
    ):
        for body in bodies:
            if body not in known:
                shown = " ".join(body.split())[:80]
                raise CSPError(
                    f"{where}: an inline <{kind}> that no template of the site makes "
                    f"('{shown}'). Pages, front matter and data cannot add scripts or styles, "
                    "so this one is not allowed to run. If a change to a template, hook or "
                    "plugin added it on purpose, make hooks/csp.py's allowed_snippets know "
                    "its producer."
                )


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


def add_policy(html: str, where: str, allowed: Allowed) -> str:
    """``html`` with its policy as the first element of ``<head>``; only the
    inline scripts and styles in ``allowed`` are hashed, any other fails."""
    head = HEAD.search(html)
    if head is None:
        raise CSPError(f"{where}: no <head> to put the Content-Security-Policy in.")
    check_snippets(html, allowed, where)
    hashes = (
        [_sha256(body) for body in inline_scripts(html)],
        [_sha256(body) for body in inline_styles(html)],
    )
    meta = (
        '<meta http-equiv="Content-Security-Policy" '
        f'content="{policy(*hashes, lightbox=loads_lightbox(html))}">'
    )
    return html[: head.end()] + meta + html[head.end() :]


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


KEY = "dn_csp_allowed"


# After the other hooks have set the environment up (the overrides' escaping).
@event_priority(-100)
def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
    urls = [f.url for f in files.documentation_pages()]
    shared.put(config, KEY, allowed_snippets(env, config, urls))
    return env
