"""The printable leaflet: the leaflet page, also as an A4 PDF.

``extra.leaflet`` in mkdocs.yml names the page (``patients/leaflet.md``)
and the PDF (``patients/leaflet.pdf``). After the build, this hook reads the
leaflet page as built (its article: the disclaimer notice, the text, the
numbers drawn from the data files, the review date) and writes it as a PDF
of at most ``max_pages`` A4 pages, with the web address and the date on
every page. So the PDF says exactly what the page says: one source.

The engine is fpdf2: pure Python (a hashed wheel, no system libraries, no
browser in the Pages build), a few milliseconds a build, and output that is
the same for the same input (its dates are the page's review date). It
writes Helvetica, which covers Latin-1 only: other characters are replaced
by their plain equivalents below, and any other fails the build, named.
The PDF is registered as a generated file first, so links to it are checked
like any link, then written when the page exists.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import buildcache
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

# Kept as they are; the rest of the markup is dropped, its text kept. A
# table becomes a list, a row an item (the writer's tables need fixed widths).
KEEP = {"h1", "h2", "h3", "p", "ul", "ol", "li", "b", "i", "a", "br"}
RENAME = {"strong": "b", "em": "i", "h4": "h3", "table": "ul", "tr": "li"}
# Dropped with their text: pictures (their numbers follow in words), citation
# numbers, buttons, the page's own navigation.
SKIP = {"svg", "figure", "script", "style", "sup", "button", "nav", "form", "template", "thead"}
# Sections of the page the leaflet leaves out, by their heading's id.
STOP_AT = {"references", "changes"}
PLAIN = {
    "\u2013": "-", "\u2014": " - ", "\u2212": "-", "\u2018": "'", "\u2019": "'",
    "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u00a0": " ", "\u2264": "<=",
    "\u2265": ">=", "\u2192": "->", "\u00b6": "", "\u200b": "", "\u2022": "-",
}  # fmt: skip


class LeafletError(PluginError):
    """The leaflet cannot be made; said without a traceback."""


class _Simplifier(HTMLParser):
    """The article's HTML cut to what the PDF writer understands."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.out: list[str] = []
        self.skip = 0
        self.stopped = False
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.stopped:
            return
        if tag == "h2" and values.get("id") in STOP_AT:
            self.stopped = True
            return
        if self.skip or tag in SKIP or "headerlink" in (values.get("class") or ""):
            self.skip += tag not in {"br", "img", "hr", "input", "meta", "link"}
            return
        name = RENAME.get(tag, tag)
        if "admonition-title" in (values.get("class") or "") and tag == "p":
            self.out.append("<p><b>")
            self.stack.append("admonition-title")
            return
        self.stack.append(name)
        if name not in KEEP:
            return
        if name == "a":
            href = values.get("href") or ""
            self.out.append(f'<a href="{_attr(urljoin(self.page_url, href))}">')
        else:
            self.out.append(f"<{name}>")

    def handle_endtag(self, tag: str) -> None:
        if self.stopped:
            return
        if self.skip:
            if tag not in {"br", "img", "hr", "input", "meta", "link"}:
                self.skip -= 1
            return
        if not self.stack:
            return
        name = self.stack.pop()
        if name == "admonition-title":
            self.out.append("</b></p>")
        elif name in KEEP and name != "br":
            self.out.append(f"</{name}>")

    def handle_data(self, data: str) -> None:
        if not self.skip and not self.stopped:
            if self.stack and self.stack[-1] in {"td", "th"} and self.out[-1:] != ["<li>"]:
                self.out.append(" ")  # between the cells of a row
            self.out.append(_text(data))


def _text(data: str) -> str:
    return data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;")


def article(page_html: str) -> str:
    """The ``<article>`` of a built page."""
    found = re.search(r"<article\b[^>]*>(.*?)</article>", page_html, re.S)
    if not found:
        raise LeafletError("the leaflet page has no <article>: has the theme changed?")
    return found.group(1)


def simplify(article_html: str, page_url: str) -> str:
    parser = _Simplifier(page_url)
    parser.feed(article_html)
    parser.close()
    html = "".join(parser.out)
    html = re.sub(r"<(p|li|h[123])>\s*</\1>", "", html)
    html = re.sub(r"[ \t\r\n]+", " ", html)
    # Where a citation number was dropped: "blood ." -> "blood."
    return re.sub(r" +([.,;:?!)])", r"\1", html)


def latin1(text: str, where: str) -> str:
    """``text`` in the characters the PDF's font has; fails on any other."""
    for char, plain in PLAIN.items():
        text = text.replace(char, plain)
    bad = sorted({c for c in text if ord(c) > 255})
    if bad:
        raise LeafletError(
            f"{where}: the leaflet PDF cannot show {', '.join(repr(c) for c in bad)}; use a "
            "plain character, or add its plain equivalent to PLAIN in hooks/leaflet.py"
        )
    return text


def make_pdf(html: str, *, title: str, url: str, reviewed: dt.date, where: str) -> bytes:
    # Imported here: fpdf2 and its image and font modules take about 0.35 s to
    # import, which a build whose leaflet has not changed does not pay (the
    # PDF is kept in .cache/, see on_post_build).
    from fpdf import FPDF

    footer = latin1(f"Checked {reviewed.day} {reviewed:%B %Y}. Online: {url}", where)

    class Leaflet(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("helvetica", size=8)
            self.cell(0, 5, f"{footer}   Page {self.page_no()} of {{nb}}", align="C")

    pdf = Leaflet(format="A4")
    pdf.set_title(latin1(title, where))
    pdf.set_author("Dry Needling Guide")
    pdf.set_lang("en")
    moment = dt.datetime(reviewed.year, reviewed.month, reviewed.day, tzinfo=dt.UTC)
    pdf.set_creation_date(moment)
    pdf.set_margins(14, 12, 14)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font("helvetica", size=9.5)
    pdf.write_html(
        latin1(html, where),
        tag_styles=None,
        li_prefix_color=(0, 0, 0),
    )
    return bytes(pdf.output())


def settings(config: MkDocsConfig) -> dict[str, str | int] | None:
    found = config.extra.get("leaflet")
    if not found:
        return None
    return {"page": found["page"], "pdf": found["pdf"], "max_pages": int(found["max_pages"])}


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Register the PDF so that links to it are checked; written after the build."""
    wanted = settings(config)
    if wanted and files.get_file_from_path(str(wanted["page"])):
        files.append(File.generated(config, str(wanted["pdf"]), content=b""))
    return files


def on_post_build(*, config: MkDocsConfig) -> None:
    wanted = settings(config)
    if not wanted:
        return
    page_src = str(wanted["page"])
    site = Path(config.site_dir)
    built = site / re.sub(r"(index)?\.md$", "", page_src).rstrip("/") / "index.html"
    if not built.exists():
        raise LeafletError(f"{page_src}: not built, so the leaflet PDF cannot be made")
    page_html = built.read_text(encoding="utf-8")
    url = urljoin(config.site_url or "", built.parent.relative_to(site).as_posix() + "/")
    title = re.search(r"<h1[^>]*>(.*?)</h1>", page_html, re.S)
    reviewed = re.search(r'<time datetime="(\d{4}-\d{2}-\d{2})"', page_html)
    if not title or not reviewed:
        raise LeafletError(f"{page_src}: the built page has no title or review date")
    text = re.sub(r'<a class="headerlink".*?</a>', "", title.group(1))
    text = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
    simple = simplify(article(page_html), url)
    day = dt.date.fromisoformat(reviewed.group(1))
    where = f"{config.docs_dir}/{page_src}"
    # The same page makes the same PDF: kept in .cache/ (base64, as JSON).
    kept = buildcache.kept(
        "leaflet",
        json.dumps([simple, text, url, day.isoformat()]),
        lambda: base64.b64encode(
            make_pdf(simple, title=text, url=url, reviewed=day, where=where)
        ).decode(),
        code=(__file__,),
        folder=buildcache.folder(config.config_file_path, "leaflet"),
    )
    pdf = base64.b64decode(kept)
    pages = pdf.count(b"/Type /Page\n") or len(re.findall(rb"/Type\s*/Page\b", pdf))
    if pages > int(wanted["max_pages"]):
        raise LeafletError(
            f"{page_src}: the leaflet is {pages} A4 pages; it must fit on "
            f"{wanted['max_pages']}. Shorten the page."
        )
    (site / str(wanted["pdf"])).write_bytes(pdf)
