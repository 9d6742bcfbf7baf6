"""The theme's script, without the two whole-page restyles on every load.

When Material's palette component starts, on every page load, it adds
``<meta name="color-scheme">`` to ``<head>`` and a moment later sets the tag's
content. Chromium restyles every element of the page each time (it does not
compare the new value with the old): on the References page 7-13 ms each on
this machine, four times that on Lighthouse's simulated phone, and most of
the main-thread blocking left on the long pages (make bench).

The tag only tells the browser which scheme its own parts (scrollbars, the
canvas behind the page) should use. docs/stylesheets/extra.css does the same
with ``color-scheme`` on the root element, from the attribute the palette
sets on ``<body>``, which restyles the page only when a reader switches
palette. So the build takes the tag out of the script: the statement that
creates and adds it becomes an empty object, which the later assignment to
its ``content`` writes to harmlessly. The replacement is padded with spaces
to the statement's length, so the theme's source map still lines up.

Hand-written because neither the theme nor a plugin offers it. The theme is
pinned (requirements.txt); if an update changes the statement so that it is
not found, the build stops and says so instead of silently keeping the cost.
``patch`` is a plain function that a pre-build step could call.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

BUNDLE = re.compile(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js")
# Minified: let o=x("meta",{name:"color-scheme"});document.head.appendChild(o);
COLOR_SCHEME_META = re.compile(
    r'let ([\w$]+)=[\w$]+\("meta",\{name:"color-scheme"\}\);document\.head\.appendChild\(\1\);'
)


class ThemeScriptError(PluginError):
    """The theme's script is not the one this hook was written for."""


def patch(script: str, where: str) -> str:
    """``script`` (the theme's bundle) without the color-scheme meta tag."""
    found = list(COLOR_SCHEME_META.finditer(script))
    if len(found) != 1:
        raise ThemeScriptError(
            f'{where}: expected the theme\'s script to add <meta name="color-scheme"> '
            f"in one place, found {len(found)}. The theme has changed: check whether "
            "its palette still restyles the page on load, then update or remove "
            "hooks/theme_script.py (and the color-scheme rule in "
            "docs/stylesheets/extra.css)."
        )
    match = found[0]
    replacement = f"let {match.group(1)}={{}};"
    replacement += " " * (len(match.group(0)) - len(replacement))
    return script[: match.start()] + replacement + script[match.end() :]


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    bundles = [f for f in files if BUNDLE.fullmatch(f.src_uri)]
    if len(bundles) != 1:
        raise ThemeScriptError(
            f"expected one theme script (assets/javascripts/bundle.*.min.js), found "
            f"{len(bundles)}. Update hooks/theme_script.py for the theme in use."
        )
    bundle = bundles[0]
    patched = patch(bundle.content_string, bundle.abs_src_path or bundle.src_uri)
    files.remove(bundle)
    files.append(File.generated(config, bundle.src_uri, content=patched))
    return files
