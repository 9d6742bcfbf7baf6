"""One small stylesheet: the theme's CSS cut down to what the site uses.

Material ships one stylesheet for every feature and Markdown extension it
supports (137 KB, 23 KB gzipped) and another for all of its palettes; with
this site's own, a first visit waited on three render-blocking requests for
about 27 KB, most of it rules that match nothing here. After the build, this
hook keeps only the rules whose selectors can match: every class, id and
attribute a selector needs must occur in some built page or in the theme's
scripts, which create the search results, tooltips and dialogs themselves.
Custom properties that nothing reads any more (the palettes' colours, icons
for admonition types the site never uses) go too. What is left of the theme's
two files and ``extra_css`` becomes one file, linked instead of the three.

Hand-written because no maintained Python package does this; PurgeCSS would
need Node.js for every build, including ``mkdocs serve``. The rules are kept
in their order and otherwise untouched, so the cascade is the theme's. The
browser tests check that no selector removed here matches anything on any
page (tests/test_stylesheets.py).

The work is plain functions (``index``, ``used_names``, ``choose``) that a pre-build or
post-build step could call without MkDocs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import buildcache
import shared
import tinycss2
from mkdocs.exceptions import PluginError
from tags import Tag, start_tags

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

WORD = re.compile(r"[A-Za-z_][\w-]*")
TAG = re.compile(r"<([a-zA-Z][\w-]*)")
# Without a leading \s, which makes these several times slower: a match
# inside a longer attribute name would only keep a rule, never drop one.
CLASS_ATTR = re.compile(r'class="([^"]*)"')
ID_ATTR = re.compile(r'id="([^"]*)"')
ATTR_VALUE = re.compile(r'="([^"]*)"')
VAR_USE = re.compile(r"var\(\s*--([\w-]+)")
CLASSED_TABLE = re.compile(r"<table\s[^>]*?class=")
LINK_TAG = '<link rel="stylesheet" href="{}">'


# Attributes whose rules go although the theme's script sets them. Material
# sets "data-md-color-switching" on <body> when the palette mounts, that is on
# every page load, and takes it off a moment later; its rule
# ("[data-md-color-switching] *": no transitions) made the browser restyle
# every element both times, 7-20 ms each on this machine and four times that
# on Lighthouse's simulated phone: most of the main-thread blocking left
# (make bench). Without it, colours fade for a quarter of a second when a
# reader switches palette.
COSTLY_ATTRIBUTES = {"data-md-color-switching"}

# Classes the theme's script puts on the page that are not "md-" names: the
# <html> element's "js" and the focus-visible polyfill's class.
SCRIPT_CLASSES = {"js", "focus-visible"}
BLOCK = re.compile(r"md-[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class Names:
    """Everything a selector may refer to that occurs in the site."""

    classes: set[str]
    ids: set[str]
    tags: set[str]
    attributes: set[str]
    values: set[str]
    words: set[str]  # every word in the scripts
    classed: set[str] = field(default_factory=set)  # elements with a class attribute

    def has_class(self, name: str) -> bool:
        # Material's script names every class it creates "md-block__element"
        # or "md-block--modifier", for a block that the page already has (the
        # search results, the dialog, a table to wrap) or that only a feature
        # this site does not use creates (tooltips, annotations, versions,
        # code copy buttons). Its other words (Pygments' one-letter classes,
        # "highlight", "tabbed-...") would keep rules for markup never here.
        return (
            name in self.classes
            or name in SCRIPT_CLASSES
            or (
                name in self.words
                and (block := BLOCK.match(name)) is not None
                and block.group(0) in self.classes
            )
        )

    def has_id(self, name: str) -> bool:
        return name in self.ids or (name.startswith("__") and name in self.words)

    def has_tag(self, name: str) -> bool:
        return name in self.tags or name in self.words

    def has_attribute(self, name: str, value: str | None) -> bool:
        if name in COSTLY_ATTRIBUTES:
            return False
        if name not in self.attributes and name not in self.words:
            return False
        if value is None or value in self.values:
            return True
        # The text direction comes from the template alone: right-to-left
        # rules are for sites written in right-to-left languages.
        return name != "dir" and value in self.words


def gather(names: Names, html: str, attributes: set[str]) -> None:
    """Add to ``names`` the classes, ids, elements and attribute values in
    ``html``, and which of ``attributes`` it has."""
    names.classes.update(" ".join(CLASS_ATTR.findall(html)).split())
    names.ids.update(ID_ATTR.findall(html))
    names.tags.update(t.lower() for t in set(TAG.findall(html)))
    if "table" not in names.classed and CLASSED_TABLE.search(html):
        names.classed.add("table")
    names.attributes.update(a for a in attributes - names.attributes if _has_attribute(html, a))
    for value in set(ATTR_VALUE.findall(html)) - names.values:
        names.values.add(value)
        names.values.update(value.split())


ATTRIBUTE_ENDS = ('="', ">", " ", "/")


def _has_attribute(html: str, name: str) -> bool:
    # A substring search is far quicker than matching every attribute of
    # every element, and one search per name (then a look at what follows)
    # quicker than one per way an attribute can end.
    needle = " " + name
    at = html.find(needle)
    while at != -1:
        if html.startswith(ATTRIBUTE_ENDS, at + len(needle)):
            return True
        at = html.find(needle, at + len(needle))
    return False


def used_names(pages: list[str], scripts: list[str], attributes: set[str]) -> Names:
    """The names in ``pages`` (HTML) that :func:`gather` finds, and every word
    in ``scripts`` (JavaScript)."""
    names = Names(set(), set(), set(), set(), set(), set())
    for html in pages:
        gather(names, html, attributes)
    for script in scripts:
        names.words.update(WORD.findall(script))
    return names


def attributes_in(items: list) -> set[str]:
    """Every attribute name the selectors in ``items`` (an index) test."""
    found: set[str] = set()
    for rule in _rules(items):
        for _, needs in rule[1]:
            found.update(need[1] for need in needs if need[0] == "attr")
    return found


# ---------------------------------------------------------------------------
# Stylesheets, parsed once into a plain index
# ---------------------------------------------------------------------------
#
# Parsing the theme's CSS takes longer than choosing from it, and the CSS
# changes only with the theme or extra_css; so each file is parsed once into
# an index of plain lists (kept between builds by hooks/buildcache.py), and
# each build only chooses from the index:
#   ["rule", [[selector, requirements], ...], [[property, declaration], ...]]
#   ["group", "@media ...", [item, ...]]
#   ["other", text]
# A requirement is ["class", name], ["id", name], ["tag", name] or
# ["attr", name, value or None].

GROUPS = {"media", "supports", "container", "layer"}


def _split(tokens: list) -> list[list]:
    """A selector list's tokens, split at top-level commas."""
    selectors, current = [], []
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            selectors.append(current)
            current = []
        else:
            current.append(token)
    selectors.append(current)
    return selectors


def requirements(selector: list) -> list[list]:
    """What ``selector`` (tokens) needs present to match anything.

    Pseudo-classes are not requirements, and nor are the arguments of
    functional ones (``:not(.absent)`` matches everything).
    """
    needs: list[list] = []
    previous = None
    for token in selector:
        after = previous.value if previous is not None and previous.type == "literal" else None
        if token.type == "ident":
            if after == ".":
                needs.append(["class", token.value])
            elif after != ":":
                needs.append(["tag", token.value.lower()])
        elif token.type == "hash" and token.is_identifier:
            needs.append(["id", token.value])
        elif token.type == "[] block":
            parts = [t for t in token.content if t.type != "whitespace"]
            if parts and parts[0].type == "ident":
                # Only [a=v] and [a~=v] need the whole value (or word) v; for
                # prefix, suffix and substring matches the name is enough.
                exact = len(parts) > 2 and parts[1].value in ("=", "~=")
                value = parts[2].value if exact else None
                needs.append(["attr", parts[0].value.lower(), value])
        previous = token
    return needs


def _index_rules(rules: list) -> list:
    items: list = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [
                [tinycss2.serialize(s).strip(), requirements(s)] for s in _split(rule.prelude)
            ]
            declarations = []
            for d in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True):
                name = d.name if d.type == "declaration" and d.name.startswith("--") else ""
                text = tinycss2.serialize([d])
                declarations.append([name, text if text.endswith(";") else text + ";"])
            items.append(["rule", selectors, declarations])
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPS and rule.content:
            prelude = f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}".rstrip()
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            items.append(["group", prelude, _index_rules(inner)])
        elif rule.type in ("at-rule", "qualified-rule"):
            items.append(["other", tinycss2.serialize([rule])])
        elif rule.type == "error":
            raise PluginError(f"cannot parse CSS at line {rule.source_line}: {rule.message}")
    return items


def index(css: str, cache: Path | None = None) -> list:
    """``css`` as an index (see above), kept between builds (hooks/buildcache.py;
    on disk in ``cache``)."""

    def make() -> list:
        rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        return _index_rules(rules)

    return buildcache.kept("stylesheet", css, make, code=(__file__,), folder=cache)


# ---------------------------------------------------------------------------
# Choosing
# ---------------------------------------------------------------------------


def can_match(needs: list[list], names: Names) -> bool:
    """Whether every class, id, element and attribute in ``needs`` occurs."""
    for need in needs:
        kind = need[0]
        if kind == "class" and not names.has_class(need[1]):
            return False
        if kind == "id" and not names.has_id(need[1]):
            return False
        if kind == "tag" and not names.has_tag(need[1]):
            return False
        if kind == "attr" and not names.has_attribute(need[1], need[2]):
            return False
    return True


# Material styles content tables as "table:not([class])". A selector on the
# class attribute makes the browser restyle an element and everything in it
# whenever any of its classes changes: every element on the page when the
# theme's script marks <html>, the whole nav as the reader scrolls; 8-12 ms a
# time on this machine (make bench). Where no page has a table with a class,
# a class no element has says the same, with the same specificity, and the
# browser restyles only what that class could change.
UNCLASSED = ":not([class])"
NO_CLASS = ":not(.dn-no-such-class)"


def _restyle_cheaply(selector: list, names: Names) -> list:
    if UNCLASSED not in selector[0] or "table" in names.classed:
        return selector
    if re.search(r"(?<![\w-])(?!table:)[\w-]*" + re.escape(UNCLASSED), selector[0]):
        return selector  # on something other than tables
    return [selector[0].replace(UNCLASSED, NO_CLASS), *selector[1:]]


def _choose(items: list, names: Names) -> list:
    """``items`` with only the selectors that can match, made cheap to
    restyle; rules and groups left empty go."""
    kept: list = []
    for item in items:
        if item[0] == "rule":
            selectors = [_restyle_cheaply(s, names) for s in item[1] if can_match(s[1], names)]
            if selectors:
                kept.append(["rule", selectors, list(item[2])])
        elif item[0] == "group":
            inner = _choose(item[2], names)
            if inner:
                kept.append(["group", item[1], inner])
        else:
            kept.append(item)
    return kept


def _rules(items: list):
    for item in items:
        if item[0] == "rule":
            yield item
        elif item[0] == "group":
            yield from _rules(item[2])


def _drop_unread_properties(items: list, read_elsewhere: set[str]) -> None:
    """Remove custom property declarations that nothing reads, until none is
    left to remove (properties read other properties)."""
    while True:
        read = set(read_elsewhere)
        for rule in _rules(items):
            for _, text in rule[2]:
                if "var(" in text:
                    read.update(VAR_USE.findall(text))
        removed = False
        for rule in _rules(items):
            keep = [d for d in rule[2] if not d[0] or d[0][2:] in read]
            if len(keep) != len(rule[2]):
                rule[2] = keep
                removed = True
        if not removed:
            break
    _drop_empty(items)
    _drop_unused_keyframes(items)


KEYFRAMES = re.compile(r"@(?:-webkit-)?keyframes\s+([\w-]+)")


def _drop_unused_keyframes(items: list) -> None:
    """Remove animations that no kept rule runs."""
    text = " ".join(d[1] for rule in _rules(items) for d in rule[2] if "animation" in d[1])
    items[:] = [
        item
        for item in items
        if not (
            item[0] == "other"
            and (name := KEYFRAMES.match(item[1]))
            and not re.search(rf"(?<![\w-]){re.escape(name.group(1))}(?![\w-])", text)
        )
    ]


def _drop_empty(items: list) -> None:
    """Remove rules left without declarations, and groups left empty."""
    for item in items:
        if item[0] == "group":
            _drop_empty(item[2])
    items[:] = [
        item
        for item in items
        if not (item[0] == "rule" and not item[2]) and not (item[0] == "group" and not item[2])
    ]


def _serialize(items: list) -> str:
    out = []
    for item in items:
        if item[0] == "rule":
            out.append(",".join(s[0] for s in item[1]) + "{" + "".join(d[1] for d in item[2]) + "}")
        elif item[0] == "group":
            out.append(item[1] + "{" + _serialize(item[2]) + "}")
        else:
            out.append(item[1])
    return "".join(out)


def dropped(items: list, names: Names) -> list[str]:
    """The selectors in ``items`` that :func:`choose` leaves out (for tests)."""
    out: list[str] = []
    for rule in _rules(items):
        out += [s[0] for s in rule[1] if not can_match(s[1], names)]
    return out


def choose(indexes: list[list], names: Names) -> str:
    """The stylesheets indexed as ``indexes``, one after the other, without
    the rules that cannot match and the custom properties that nothing reads
    (in any of them: the palette reads properties the main sheet sets)."""
    kept = [item for items in indexes for item in _choose(items, names)]
    # A property the theme's script reads counts only if the block it belongs
    # to is on the pages: "--md-mermaid-..." only where there are diagrams,
    # "--md-tooltip-..." only where there are tooltips.
    scripts = {w for w in names.words if not w.startswith("md-") or _block(w) in names.classes}
    _drop_unread_properties(kept, scripts | names.values)
    return _serialize(kept)


def _block(name: str) -> str:
    """ "md-mermaid" for "md-mermaid-font-family"."""
    return "-".join(name.split("-")[:2])


# ---------------------------------------------------------------------------
# Hook
# ---------------------------------------------------------------------------

OUTPUT = "assets/stylesheets/site.css"
KEY = "dn_stylesheets"


@dataclass
class Build:
    """What one build gathers from its pages: the stylesheets they all link
    (paths in the site), those stylesheets indexed, and the names in the
    pages. Made afresh in ``on_config``, so nothing outlives a build."""

    site: Path
    cache: Path | None = None
    links: list[str] | None = None
    indexes: list[list] = field(default_factory=list)
    attributes: set[str] = field(default_factory=set)
    # The names of each page rendered in this build, by how messages name it.
    pages: dict[str, Names] = field(default_factory=dict)
    # Every page of the site (its path in the site), rendered in this build
    # or not (``mkdocs build --dirty`` renders only the pages that changed).
    expected: dict[str, str] = field(default_factory=dict)


def stylesheet_links(html: str) -> list[Tag]:
    """The page's ``<link rel="stylesheet">`` tags, but the lightbox's (only
    on pages with images, so not part of the one combined stylesheet)."""
    return [
        t
        for t in start_tags(html, "link")
        if "stylesheet" in t.attrs.get("rel", "").lower().split()
        and "glightbox" not in t.attrs.get("href", "")
    ]


def relink(html: str, where: str, build: Build, href_to: Callable[[str], str | None]) -> str:
    """``html`` linking the one combined stylesheet instead of the theme's and
    ``extra_css``; its names are added to ``build``. ``href_to`` maps an href
    to its path in the site (None if it is not in it)."""
    links = stylesheet_links(html)
    own = [t.attrs.get("href", "") for t in links]
    targets = [href_to(h) for h in own]
    if build.links is None:
        if None in targets:
            raise PluginError(f"{where}: a stylesheet from outside the site: {own}")
        build.links = targets
        for link in targets:
            build.indexes.append(
                index((build.site / link).read_text(encoding="utf-8"), build.cache)
            )
        build.attributes = set().union(*(attributes_in(i) for i in build.indexes))
    elif targets != build.links:
        raise PluginError(
            f"{where} links other stylesheets ({targets}) than the rest of the site "
            f"({build.links}); hooks/stylesheets.py combines one set that every page shares."
        )
    build.pages[where] = names = no_names()
    gather(names, html, build.attributes)
    if not links:
        return html
    prefix = own[0].removesuffix(targets[0])
    out, at = [], 0
    for number, tag in enumerate(links):
        out.append(html[at : tag.start])
        if number == 0:
            out.append(LINK_TAG.format(prefix + OUTPUT))
        at = tag.end
    return "".join(out) + html[at:]


def no_names() -> Names:
    return Names(set(), set(), set(), set(), set(), set())


_KEPT_FIELDS = ("classes", "ids", "tags", "attributes", "values", "classed")


def site_names(build: Build, kept: dict) -> tuple[Names, dict]:
    """The names of every page of the site, and what to keep of them for the
    next build. A page this build did not render (a dirty build) counts with
    the names kept from the build that rendered it, or, if none were kept or
    the stylesheets now test other attributes, with the names in its built
    file. Pages no longer in the site are dropped, so the kept file stays
    the size of the site."""
    pages = build.expected or dict.fromkeys(build.pages, "")
    names, keep = no_names(), {}
    for where, dest in pages.items():
        page = build.pages.get(where)
        entry = kept.get(where)
        if page is None and entry and set(entry["candidates"]) >= build.attributes:
            page = Names(**{k: set(entry["names"][k]) for k in _KEPT_FIELDS}, words=set())
        if page is None and dest and (build.site / dest).is_file():
            page = no_names()
            gather(page, (build.site / dest).read_text(encoding="utf-8"), build.attributes)
        if page is None:
            continue
        for name in _KEPT_FIELDS:
            getattr(names, name).update(getattr(page, name))
        keep[where] = {
            "candidates": sorted(build.attributes),
            "names": {k: sorted(getattr(page, k)) for k in _KEPT_FIELDS},
        }
    return names, keep


def write(build: Build) -> Path | None:
    """Write the combined stylesheet for every page of the site."""
    if not build.links:
        return None
    kept_file = build.cache / "pages.json" if build.cache else None
    try:
        kept = json.loads(kept_file.read_text(encoding="utf-8")) if kept_file else {}
    except (OSError, ValueError):
        kept = {}
    names, keep = site_names(build, kept if isinstance(kept, dict) else {})
    if kept_file is not None:
        buildcache.write_text(kept_file, json.dumps(keep, sort_keys=True))
    # The theme's scripts and the lightbox's, not the search worker's.
    for script in sorted((build.site / "assets" / "javascripts").glob("*.js")):
        names.words.update(WORD.findall(script.read_text(encoding="utf-8")))
    out = build.site / OUTPUT
    out.write_text(choose(build.indexes, names), encoding="utf-8")
    return out


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    cache = buildcache.folder(config.config_file_path, "stylesheets")
    shared.put(config, KEY, Build(Path(config.site_dir), cache))
    return config


def href_to(config: MkDocsConfig, page_url: str) -> Callable[[str], str | None]:
    """Maps a stylesheet href on the page at ``page_url`` to its path in the
    site. The 404 page links from the site's base path."""
    base = urlsplit(config.site_url or "/").path.rstrip("/") + "/"

    def href_to(href: str) -> str | None:
        path = href.removeprefix(base) if href.startswith("/") else urljoin(page_url, href)
        return None if path.startswith(("/", "..")) or "://" in path else path

    return href_to


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Every page of the site, rendered in this build or not."""
    build = shared.get(config, KEY, "hooks/stylesheets.py")
    docs = shared.docs_label(config)
    build.expected = {f"{docs}/{f.src_uri}": f.dest_uri for f in files.documentation_pages()}
    build.expected.update({t: t for t in config.theme.static_templates if t.endswith(".html")})
    return files


def on_post_build(*, config: MkDocsConfig) -> None:
    write(shared.get(config, KEY, "hooks/stylesheets.py"))
