"""Content cannot inject script, hide things, or load from other hosts.

Checked on each page's rendered content (so Markdown, raw HTML and
``attr_list`` attributes are all covered) and on every SVG file under docs/:

* no ``<script>``, ``<iframe>``, ``<object>``, ``<embed>``, ``<style>``,
  ``<link>``, ``<meta>``, ``<base>``, ``<form>`` or SVG ``<foreignObject>``;
* no event-handler attributes (``onclick=`` ...) and no ``srcdoc``;
* no ``javascript:``, ``vbscript:`` or ``data:text/html`` URLs;
* no ``style`` attributes (they could hide the disclaimer), except the
  ``text-align`` that Markdown tables write for column alignment;
* nothing hidden from sighted readers: no ``hidden`` attribute, and no class
  that the site's, the theme's or a plugin's CSS uses to hide things
  (``display: none``, ``opacity: 0``, clipping...), looked for in the classes
  the Markdown itself writes (``{ .class }``, ``class="..."``);
* every image has alt text.

Any problem fails the build with the file, the line of the Markdown it comes
from (where it can be found) and what to do instead.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import buildcache
import shared
import tinycss2
from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

FORBIDDEN_TAGS = {
    "script": "scripts are not allowed in pages",
    "iframe": "embedded frames are not allowed; link to the page instead",
    "frame": "frames are not allowed",
    "object": "embedded objects are not allowed; link to the file instead",
    "embed": "embedded content is not allowed; link to the file instead",
    "style": "page styles are not allowed; ask for a change to docs/stylesheets/extra.css",
    "link": "<link> is not allowed in pages",
    "meta": "<meta> is not allowed in pages",
    "base": "<base> is not allowed in pages",
    "form": "forms are not allowed in pages",
    "foreignobject": "SVG foreignObject is not allowed",
}
# What marks the medical disclaimer notice (overrides/partials/disclaimer.html):
# content may not carry it, so that no page shows a second, look-alike box.
DISCLAIMER_ATTRIBUTES = {"data-dn-disclaimer"}
LABEL_ATTRIBUTES = {"aria-label", "title"}
DISCLAIMER_CLASS = "dn-disclaimer"
DISCLAIMER_HELP = (
    "the template adds to every page: a page may not add another. Remove it; to point "
    "readers to the disclaimer, link to about/disclaimer.md."
)
URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "data", "poster"}
BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data\s*:\s*text/html)", re.I)


def as_url(value: str) -> str:
    """``value`` as a browser reads a URL, without tabs and line breaks (so
    "java\tscript:" cannot pass for something other than "javascript:")."""
    return value.replace("\t", "").replace("\n", "").replace("\r", "")


TABLE_ALIGN = re.compile(r"^\s*text-align:\s*(left|right|center);?\s*$", re.I)


class ContentSafetyError(PluginError):
    """Unsafe content, reported without a traceback."""


@dataclass
class Problem:
    what: str  # what is wrong and what to do
    needle: str | re.Pattern[str]  # what to look for in the source, to find the line


def attribute_needle(name: str) -> re.Pattern[str]:
    """The attribute ``name`` in Markdown or HTML source, not the word in text
    ("style" is not "lifestyle", "hidden=" is not "hidden")."""
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?=\s*=|[\s/>}}]|$)", re.I)


def source_needle(src: str) -> re.Pattern[str]:
    """Where an image's exact source is written: ``](src``, ``src="src"`` or
    a reference definition ``[ref]: src``."""
    before = r"(?:\]\(\s*<?|\bsrc\s*=\s*[\"']?|^\s*\[[^\]]+\]:\s*<?)"
    return re.compile(before + re.escape(src) + r"""(?=[\s)"'>]|$)""", re.I)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[Problem] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in FORBIDDEN_TAGS:
            self.problems.append(
                Problem(f"<{tag}>: {FORBIDDEN_TAGS[tag]}", re.compile(rf"<{tag}\b", re.I))
            )
        for name, value in attrs:
            name, value = name.lower(), value or ""
            if name.startswith("on"):
                self.problems.append(
                    Problem(
                        f"'{name}=' event handler: scripts are not allowed in pages",
                        attribute_needle(name),
                    )
                )
            elif name == "srcdoc":
                self.problems.append(
                    Problem("'srcdoc=': embedded documents are not allowed", attribute_needle(name))
                )
            elif name == "hidden":
                self.problems.append(
                    Problem(
                        "the 'hidden' attribute hides text from sighted readers, who then read "
                        "a different page from search engines and screen readers: remove it, "
                        "or remove the text",
                        attribute_needle(name),
                    )
                )
            elif (
                name in DISCLAIMER_ATTRIBUTES
                or (name in LABEL_ATTRIBUTES and "disclaimer" in value.lower())
                or (name == "role" and value.strip().lower() == "note")
                or (name == "class" and DISCLAIMER_CLASS in value.lower())
            ):
                self.problems.append(
                    Problem(
                        f"'{name}=\"{value}\"' imitates the medical disclaimer notice, which "
                        f"{DISCLAIMER_HELP}",
                        attribute_needle(name),
                    )
                )
            elif name in URL_ATTRIBUTES and BAD_SCHEME.match(as_url(value)):
                scheme = as_url(value).strip().split(":")[0]
                self.problems.append(
                    Problem(
                        f"a '{scheme}:' link: only http(s), mailto and page links are allowed",
                        re.compile(r"\s*".join(map(re.escape, scheme)), re.I),
                    )
                )
            elif name == "style" and not (tag in {"td", "th"} and TABLE_ALIGN.match(value)):
                self.problems.append(
                    Problem(
                        "a 'style' attribute: inline styles are not allowed (they can hide "
                        "content); use Markdown, or ask for a class in extra.css",
                        attribute_needle("style"),
                    )
                )
        if tag == "img" and not dict(attrs).get("alt", "").strip():
            src = dict(attrs).get("src", "")
            self.problems.append(
                Problem(
                    f"image '{src}' has no alt text: describe what it shows, "
                    "e.g. ![A needle entering a muscle](needle.svg)",
                    source_needle(src) if src else "![",
                )
            )

    handle_startendtag = handle_starttag


# Anything the full scan could object to but images. Most pages contain none
# of it, and parsing a page's HTML in Python is the slow part of this check.
# One search each, in the lower-cased page: as one case-blind alternation
# they tried every branch at every character, about 1 ms a page.
SUSPECT_MARKUP = tuple(
    re.compile(pattern)
    for pattern in (
        r"<(?:script|iframe|frame|object|embed|style|link|meta|base|form|foreignobject)\b",
        r"on\w+\s*=",  # without a space before it: "<svg/onload=" is a handler too
        r"style\s*=",
        r"srcdoc",
        r"hidden",
        r"disclaimer",
        r"role\s*=",
    )
)
# Searched with character references decoded and tabs and line breaks gone,
# as a browser reads a URL: "java&#x09;script&colon;" is "javascript:".
SUSPECT_URL = re.compile(r"script\s*:|data\s*:\s*text/html")
# Pages with figures have images, and only need the full scan if an image's
# alt text cannot be read off plainly: every attribute double-quoted (so
# ' alt="' can only start an attribute), no character reference in the alt.
IMAGE = re.compile(r"<img\b([^<>]*)>", re.I)
PLAIN_ATTRIBUTES = re.compile(r'(?:\s+[\w:.-]+(?:="[^"]*")?)*\s*/?')
ALT = re.compile(r'\salt="([^"]*)"')


def _images_plainly_have_alt(html: str) -> bool:
    for image in IMAGE.finditer(html):
        attributes = image.group(1)
        if not PLAIN_ATTRIBUTES.fullmatch(attributes):
            return False
        alt = ALT.search(attributes)
        if alt is None or "&" in alt.group(1) or not alt.group(1).strip():
            return False
    return True


def scan_html(html: str) -> list[Problem]:
    """The unsafe things in a fragment of HTML."""
    lower = html.lower()
    if (
        not any(p.search(lower) for p in SUSPECT_MARKUP)
        and not SUSPECT_URL.search(as_url(unescape(lower)))
        and _images_plainly_have_alt(html)
    ):
        return []
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.problems


def line_of(source: str, needle: str | re.Pattern[str]) -> int | None:
    """The first line of ``source`` containing ``needle`` (a pattern, or text
    looked for case-insensitively)."""
    if isinstance(needle, str):
        needle = re.compile(re.escape(needle), re.I)
    for number, line in enumerate(source.splitlines(), 1):
        if needle.search(line):
            return number
    return None


def report(
    problems: list[Problem], source: str, where: str, includes: dict[str, str] | None = None
) -> list[str]:
    """Each problem as 'file:line: what to do'. A problem not in the page's
    own ``source`` may come from a snippet it includes (the glossary is
    appended to every page): ``includes`` maps those files' names to their text."""
    out = []
    for problem in problems:
        place = where
        line = line_of(source, problem.needle)
        for name, text in (includes or {}).items():
            if line is None and (line := line_of(text, problem.needle)):
                place = name
        out.append(f"{place}:{line}: {problem.what}" if line else f"{where}: {problem.what}")
    return out


def snippet_files(config: MkDocsConfig) -> dict[str, str]:
    """The files pymdownx.snippets can include, by their path from the
    project's folder, with their text."""
    root = Path(config.config_file_path).parent
    settings = config.mdx_configs.get("pymdownx.snippets", {})
    found = {}
    for base in settings.get("base_path", ["."]):
        folder = root / base
        for path in sorted(folder.rglob("*.md") if folder.is_dir() else []):
            found[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    return found


# ---------------------------------------------------------------------------
# Classes that hide content
# ---------------------------------------------------------------------------

# Declarations that take an element out of sight (a value pattern for each
# property): "display: none", "opacity: 0", clipping to nothing...
HIDING = {
    "display": re.compile(r"^none\b"),
    "visibility": re.compile(r"^(hidden|collapse)\b"),
    "opacity": re.compile(r"^0*\.?0*\s*(!important)?$"),
    "clip": re.compile(r"."),
    "clip-path": re.compile(r"."),
    "font-size": re.compile(r"^0(px|em|rem|%)?\b"),
    "height": re.compile(r"^0(px|em|rem|%)?\b"),
    "max-height": re.compile(r"^0(px|em|rem|%)?\b"),
    "width": re.compile(r"^0(px|em|rem|%)?\b"),
    "max-width": re.compile(r"^0(px|em|rem|%)?\b"),
    "content-visibility": re.compile(r"^hidden\b"),
    "transform": re.compile(r"scale[xy]?\(\s*0\s*\)"),
}


def _hides(declarations: list) -> bool:
    return any(
        d.type == "declaration"
        and d.lower_name in HIDING
        and HIDING[d.lower_name].search(tinycss2.serialize(d.value).strip().lower())
        for d in declarations
    )


def _subject_classes(selector: str) -> set[str]:
    """The classes of the element a selector styles (its last compound), when
    it styles it in every state (no ":hover", ":checked", ":not(...)")."""
    last = re.split(r"\s*[>+~]\s*|\s+", selector.strip())[-1]
    return set() if ":" in last else set(re.findall(r"\.([\w-]+)", last))


def _collect(rules: list, out: set[str]) -> None:
    for rule in rules:
        if rule.type == "qualified-rule":
            body = tinycss2.parse_declaration_list(
                rule.content, skip_comments=True, skip_whitespace=True
            )
            if _hides(body):
                for selector in tinycss2.serialize(rule.prelude).split(","):
                    out |= _subject_classes(selector)
        elif rule.type == "at-rule" and rule.content is not None:
            condition = tinycss2.serialize(rule.prelude).lower()
            if (
                rule.lower_at_keyword == "media"
                and "print" in condition
                and "screen" not in condition
            ):
                continue  # hidden on paper only
            if rule.lower_at_keyword in {"media", "supports", "layer", "container"}:
                inner = tinycss2.parse_rule_list(
                    rule.content, skip_comments=True, skip_whitespace=True
                )
                _collect(inner, out)


def hiding_classes(css: str) -> list[str]:
    """The classes that ``css`` uses to hide the element that carries them."""
    found: set[str] = set()
    _collect(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), found)
    return sorted(found)


# Code is shown as written, so classes in it are text.
CODE_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})[^\n]*\n.*?^\1\2[`~]*[ \t]*$", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
ATTR_LIST = re.compile(r"\{:?([^{}\n]*)\}")
CLASS_ATTRIBUTE = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>}]+))""", re.I)


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def written_classes(source: str) -> list[tuple[int, str]]:
    """Each class the Markdown ``source`` gives an element, with its line:
    ``{ .name }`` (attr_list) and ``class="..."`` (raw HTML or attr_list)."""
    text = CODE_SPAN.sub(_blank, CODE_FENCE.sub(_blank, source))
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for attrs in ATTR_LIST.findall(line):
            found += [(number, name) for name in re.findall(r"(?:^|\s)\.([\w-]+)", attrs)]
        for match in CLASS_ATTRIBUTE.finditer(line):
            value = next(group for group in match.groups() if group is not None)
            found += [(number, name) for name in value.split()]
    return found


def class_problems(source: str, hiding: set[str], where: str) -> list[str]:
    """The classes written in ``source`` that hide their element, or imitate
    the disclaimer notice, as 'file:line: what to do'."""
    out = []
    for line, name in written_classes(source):
        if DISCLAIMER_CLASS in name.lower():
            out.append(
                f"{where}:{line}: the class '{name}' imitates the medical disclaimer notice, "
                f"which {DISCLAIMER_HELP}"
            )
        elif name in hiding:
            out.append(
                f"{where}:{line}: the class '{name}' hides its text from sighted readers "
                "(the site's or the theme's CSS hides what carries it). Remove the class; "
                "text that should not show does not belong on the page."
            )
    return out


def scan_svg(text: str) -> list[Problem]:
    """The unsafe things in an SVG file: scripts, handlers, foreign content,
    links to other hosts."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        return [Problem(f"the SVG is not well-formed XML ({err})", "<")]
    problems = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in {"script", "foreignobject", "iframe", "object", "embed"}:
            problems.append(Problem(f"<{tag}> is not allowed in SVG files", f"<{tag}"))
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                problems.append(Problem(f"'{local}=' event handler in an SVG file", local))
            if local == "href" and (
                BAD_SCHEME.match(as_url(value)) or re.match(r"^\s*(https?:)?//", as_url(value))
            ):
                problems.append(
                    Problem(f"SVG link to '{value}': SVGs may only refer inside themselves", value)
                )
    return problems


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


KEY = "dn_hiding_classes"


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    problems = []
    for file in files:
        if file.src_uri.endswith(".svg"):
            text = file.content_string
            where = f"{shared.docs_label(config)}/{file.src_uri}"
            problems += report(scan_svg(text), text, where)
    if problems:
        raise ContentSafetyError("unsafe SVG files:\n" + "\n".join(problems))
    # Every stylesheet a page may use: the theme's, the plugins' and extra_css.
    css = "\n".join(
        f.content_string
        for f in sorted(files, key=lambda f: f.src_uri)
        if f.src_uri.endswith(".css")
    )
    shared.put(
        config,
        KEY,
        set(
            buildcache.kept(
                "hiding-classes",
                css,
                lambda: hiding_classes(css),
                code=(__file__,),
                folder=buildcache.folder(config.config_file_path, "content_safety"),
            )
        ),
    )
    hiding = shared.get(config, KEY, "hooks/content_safety.py")
    # Snippets go into pages; their own classes are checked here, once.
    problems = [
        problem
        for name, text in snippet_files(config).items()
        for problem in class_problems(text, hiding, name)
    ]
    if problems:
        raise ContentSafetyError("unsafe content:\n" + "\n".join(problems))
    return files


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    source, where = page.file.content_string, shared.page_label(config, page)
    problems = scan_html(html)
    if problems:
        problems = report(problems, source, where, snippet_files(config))
    problems += class_problems(source, shared.get(config, KEY, "hooks/content_safety.py"), where)
    if problems:
        raise ContentSafetyError("unsafe content:\n" + "\n".join(problems))
    return html
