"""Content cannot inject script, hide things, or load from other hosts.

Checked on each page's rendered content (so Markdown, raw HTML and
``attr_list`` attributes are all covered) and on every SVG file under docs/:

* no ``<script>``, ``<iframe>``, ``<object>``, ``<embed>``, ``<style>``,
  ``<link>``, ``<meta>``, ``<base>``, ``<form>`` or SVG ``<foreignObject>``;
* no event-handler attributes (``onclick=`` ...) and no ``srcdoc``;
* no ``javascript:``, ``vbscript:`` or ``data:text/html`` URLs;
* no ``style`` attributes (they could hide the disclaimer), except the
  ``text-align`` that Markdown tables write for column alignment;
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
    needle: str  # text to look for in the source, to find the line


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[Problem] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in FORBIDDEN_TAGS:
            self.problems.append(Problem(f"<{tag}>: {FORBIDDEN_TAGS[tag]}", f"<{tag}"))
        for name, value in attrs:
            name, value = name.lower(), value or ""
            if name.startswith("on"):
                self.problems.append(
                    Problem(f"'{name}=' event handler: scripts are not allowed in pages", name)
                )
            elif name == "srcdoc":
                self.problems.append(Problem("'srcdoc=': embedded documents are not allowed", name))
            elif name in URL_ATTRIBUTES and BAD_SCHEME.match(as_url(value)):
                scheme = as_url(value).strip().split(":")[0]
                self.problems.append(
                    Problem(
                        f"a '{scheme}:' link: only http(s), mailto and page links are allowed",
                        scheme + ":",
                    )
                )
            elif name == "style" and not (tag in {"td", "th"} and TABLE_ALIGN.match(value)):
                self.problems.append(
                    Problem(
                        "a 'style' attribute: inline styles are not allowed (they can hide "
                        "content); use Markdown, or ask for a class in extra.css",
                        "style",
                    )
                )
        if tag == "img" and not dict(attrs).get("alt", "").strip():
            src = dict(attrs).get("src", "")
            self.problems.append(
                Problem(
                    f"image '{src}' has no alt text: describe what it shows, "
                    "e.g. ![A needle entering a muscle](needle.svg)",
                    Path(src).name or "![",
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


def line_of(source: str, needle: str) -> int | None:
    """The first line of ``source`` containing ``needle`` (case-insensitive)."""
    needle = needle.lower()
    for number, line in enumerate(source.splitlines(), 1):
        if needle in line.lower():
            return number
    return None


def report(problems: list[Problem], source: str, where: str) -> list[str]:
    out = []
    for problem in problems:
        line = line_of(source, problem.needle)
        out.append(f"{where}:{line}: {problem.what}" if line else f"{where}: {problem.what}")
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


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    problems = []
    for file in files:
        if file.src_uri.endswith(".svg"):
            text = file.content_string
            problems += report(scan_svg(text), text, f"docs/{file.src_uri}")
    if problems:
        raise ContentSafetyError("unsafe SVG files:\n" + "\n".join(problems))
    return files


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    problems = scan_html(html)
    if problems:
        where = f"docs/{page.file.src_uri}"
        raise ContentSafetyError(
            "unsafe content:\n" + "\n".join(report(problems, page.file.content_string, where))
        )
    return html
