"""Citations: ``[@key]`` in Markdown becomes a numbered link to a References
list at the end of the page; ``docs/references.md`` lists every source with
links back to the pages that cite it.

The bibliography is one CSL-YAML file (``extra.bibliography`` in mkdocs.yml),
the format Zotero and other reference managers export. Every entry needs a
DOI, a PMID or an official https URL.

Why a hook and not mkdocs-bibtex: that plugin renders citations as Markdown
footnotes, has no site-wide list that links back to the citing pages, and does
not report the file and line of an unknown key or a malformed DOI. Those are
what contributors to a medical guide most need, and they are small to write.

Plain functions do the work (``load_bibliography``, ``find_citations``,
``scan_citations``, ``render_page``, ``render_bibliography_page``,
``format_entry``); the MkDocs handlers at the bottom only wire them in.
"""

from __future__ import annotations

import difflib
import html
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import buildcache
import shared
import stash
import yaml
import yamlsafe
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.citations")

# [@key] or [@key1; @key2]; keys are lower-case letters and digits.
CITATION = re.compile(r"\[(@[^\]\s;]+(?:\s*;\s*@[^\]\s;]+)*)\]")
KEY = re.compile(r"^[a-z][a-z0-9]*$")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
PMID = re.compile(r"^[1-9]\d{0,8}$")
# Fenced code blocks and inline code: citations there are examples, not citations.
CODE = re.compile(r"^( {0,3}|    )(```|~~~).*?^\1\2[^\S\n]*$|`[^`\n]+`", re.M | re.S)
# Where docs/references.md wants the full list.
BIBLIOGRAPHY_MARKER = "<!-- bibliography -->"
CSL_TYPES = {
    "article",
    "article-journal",
    "book",
    "chapter",
    "document",
    "legislation",
    "paper-conference",
    "post-weblog",
    "report",
    "thesis",
    "webpage",
}


class CitationError(PluginError):
    """A problem with a citation or the bibliography, reported without a traceback."""


@dataclass
class Entry:
    """One bibliography entry, with the line it starts on."""

    key: str
    data: dict[str, Any]
    line: int

    # Formatted once a build: most sources are cited on several pages, and
    # each citation carries the label. (Entries are made afresh each build.)
    @cached_property
    def formatted(self) -> str:
        return format_entry(self)

    @cached_property
    def escaped_label(self) -> str:
        return html.escape(short_label(self))


@dataclass
class Citation:
    """One ``[@...]`` marker in a page: its keys, where it is, its line."""

    keys: list[str]
    start: int
    end: int
    line: int


@dataclass
class CitationIndex:
    """What one build knows about citations: the bibliography, and which
    pages cite which keys (in nav-independent source order)."""

    bibliography: dict[str, Entry]
    # Who cites what: from the pages' Markdown, and added by hooks whose
    # tables cite sources (hooks/guidelines.py), before on_nav.
    cited_by: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    path: Path | None = None  # the bibliography file, for messages

    def cite(self, key: str, src_uri: str) -> None:
        """Record that page ``src_uri`` cites ``key`` (a hook's table does)."""
        pages = self.cited_by.setdefault(key, [])
        if src_uri not in pages:
            pages.append(src_uri)


# ---------------------------------------------------------------------------
# The bibliography
# ---------------------------------------------------------------------------


def _field_lines(node: yaml.MappingNode) -> dict[str, int]:
    return {k.value: v.start_mark.line + 1 for k, v in node.value if isinstance(k.value, str)}


def _check_entry(data: dict[str, Any], lines: dict[str, int], line: int) -> list[tuple[int, str]]:
    """The problems with one entry, each with the line it is on."""
    problems: list[tuple[int, str]] = []
    key = data.get("id")

    def at(name: str) -> int:
        return lines.get(name, line)

    if data.get("type") not in CSL_TYPES:
        problems.append(
            (
                at("type"),
                f"'type' is {data.get('type')!r}; use one of {', '.join(sorted(CSL_TYPES))}",
            )
        )
    if not str(data.get("title") or "").strip():
        problems.append((line, "has no 'title'"))
    authors = data.get("author")
    if not isinstance(authors, list) or not authors:
        problems.append(
            (at("author"), "needs 'author': a list of {family, given} or {literal} names")
        )
    else:
        for author in authors:
            if not isinstance(author, dict) or not (author.get("family") or author.get("literal")):
                problems.append(
                    (at("author"), f"author {author!r} needs 'family' (and 'given') or 'literal'")
                )
    if year_of(data) is None and not (data.get("URL") and _date_parts(data, "accessed")):
        problems.append(
            (
                at("issued"),
                "needs 'issued: {date-parts: [[YEAR]]}' with a 4-digit year or, for a web "
                "page that shows no date, 'accessed: {date-parts: [[YEAR, MONTH, DAY]]}'",
            )
        )
    if data.get("type") == "article-journal" and not data.get("container-title"):
        problems.append((line, "is a journal article without 'container-title' (the journal)"))

    doi, pmid, url = data.get("DOI"), data.get("PMID"), data.get("URL")
    if not (doi or pmid or url):
        problems.append(
            (line, "has no DOI, PMID or URL; give at least one so readers can check it")
        )
    if doi is not None and not DOI.match(str(doi)):
        problems.append(
            (
                at("DOI"),
                f"'DOI' {doi!r} is not a DOI; write it bare, starting '10.' "
                "(for example 10.2519/jospt.2017.7096), without 'https://doi.org/'",
            )
        )
    if pmid is not None and not PMID.match(str(pmid)):
        problems.append(
            (at("PMID"), f"'PMID' {pmid!r} is not a PubMed ID; it is digits only (e.g. '28158962')")
        )
    if url is not None and not str(url).startswith("https://"):
        problems.append((at("URL"), f"'URL' {url!r} must be an https:// address"))
    return [(n, f"entry '{key}' {p}") for n, p in problems]


def load_bibliography(path: Path, cache: Path | None = None) -> dict[str, Entry]:
    """Read and check the CSL-YAML bibliography at ``path``; a bibliography
    checked before is not parsed again (hooks/buildcache.py; on disk in ``cache``).

    Raises CitationError listing every problem with its line and the fix.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CitationError(f"{path}: the bibliography file does not exist.") from None
    rows = buildcache.kept(
        "bibliography",
        text,
        lambda: [[e.key, e.line, e.data] for e in _check_bibliography(text, str(path))],
        code=(__file__, yamlsafe.__file__),
        folder=cache,
    )
    return {key: Entry(key, data, line) for key, line, data in rows}


def _check_bibliography(text: str, where: str) -> list[Entry]:
    """The entries in ``text`` (the bibliography at ``where``), checked."""
    try:
        data, root = yamlsafe.parse(text)
    except yaml.MarkedYAMLError as err:
        line, what = yamlsafe.describe_error(err, text=text)
        raise CitationError(
            f"{where}{f':{line}' if line else ''}: the bibliography is not valid YAML ({what}). "
            "Check the indentation and quotes on this line and the one before."
        ) from None
    if not isinstance(root, yaml.SequenceNode) or not isinstance(data, list):
        raise CitationError(
            f"{where}: the bibliography must be a YAML list of entries ('- id: ...')."
        )

    entries: dict[str, Entry] = {}
    problems: list[tuple[int, str]] = []
    for node, item in zip(root.value, data, strict=True):
        line = node.start_mark.line + 1
        if not isinstance(item, dict) or not isinstance(node, yaml.MappingNode):
            problems.append((line, "each entry must be a mapping that starts with '- id: key'"))
            continue
        key = item.get("id")
        if not isinstance(key, str) or not KEY.match(key):
            problems.append(
                (
                    line,
                    f"entry id {key!r} must be lower-case letters and digits, e.g. 'gattie2017'",
                )
            )
            continue
        if key in entries:
            problems.append(
                (
                    line,
                    f"duplicate key '{key}' (first at line {entries[key].line}); "
                    "give the second source another key, e.g. with a letter: "
                    f"'{key}a', '{key}b'",
                )
            )
            continue
        problems += _check_entry(item, _field_lines(node), line)
        entries[key] = Entry(key, item, line)
    if problems:
        raise CitationError(
            "the bibliography has problems:\n"
            + "\n".join(f"  {where}:{n}: {p}" for n, p in sorted(problems))
        )
    return list(entries.values())


def _date_parts(data: dict[str, Any], name: str) -> list[int] | None:
    try:
        parts = data[name]["date-parts"][0]
    except (KeyError, IndexError, TypeError):
        return None
    ok = isinstance(parts, list) and parts and all(isinstance(p, int) for p in parts)
    return parts if ok and 1000 <= parts[0] <= 2999 else None


def year_of(data: dict[str, Any]) -> int | None:
    parts = _date_parts(data, "issued")
    return parts[0] if parts else None


def year_label(data: dict[str, Any]) -> str:
    """The year, or 'n.d.' (no date) for an undated web page."""
    year = year_of(data)
    return str(year) if year else "n.d."


# ---------------------------------------------------------------------------
# Finding citations
# ---------------------------------------------------------------------------


def find_citations(markdown: str) -> list[Citation]:
    """Every ``[@key]`` marker outside code, with its 1-based line in ``markdown``."""
    masked = CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), markdown)
    found = []
    for match in CITATION.finditer(masked):
        keys = [k.strip().lstrip("@") for k in match.group(1).split(";")]
        line = markdown.count("\n", 0, match.start()) + 1
        found.append(Citation(keys, match.start(), match.end(), line))
    return found


def check_keys(citations: list[Citation], bibliography: dict[str, Entry], where: str) -> list[str]:
    """Problems with the keys cited in one file: unknown or malformed keys."""
    problems = []
    for citation in citations:
        for key in citation.keys:
            if key in bibliography:
                continue
            near = difflib.get_close_matches(key, bibliography, n=1)
            hint = f" Did you mean '@{near[0]}'?" if near else ""
            problems.append(
                f"{where}:{citation.line}: unknown citation key '@{key}'.{hint} "
                "Cite a key from the bibliography, or add the source to it first."
            )
    return problems


def scan_citations(
    sources: dict[str, str], bibliography: dict[str, Entry], docs_label: str = "docs"
) -> dict[str, list[str]]:
    """Check every page's citations once per build.

    ``sources`` maps each page's source path to its Markdown. Returns, for each
    key, the pages that cite it. Raises CitationError listing every unknown key.
    """
    cited_by: dict[str, list[str]] = {}
    problems: list[str] = []
    for src_uri, markdown in sources.items():
        citations = find_citations(markdown)
        problems += check_keys(citations, bibliography, f"{docs_label}/{src_uri}")
        for citation in citations:
            for key in citation.keys:
                pages = cited_by.setdefault(key, [])
                if src_uri not in pages:
                    pages.append(src_uri)
    if problems:
        raise CitationError("citations that cannot be resolved:\n" + "\n".join(problems))
    return cited_by


def uncited(bibliography: dict[str, Entry], cited_by: dict[str, list[str]]) -> list[Entry]:
    """Entries no page cites."""
    return [e for k, e in bibliography.items() if k not in cited_by]


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


def _initials(given: str) -> str:
    parts = re.split(r"[\s.]+", given.strip())
    return "".join(p[0] for p in parts if p and p[0].isalpha()).upper()


def format_authors(authors: list[dict[str, str]]) -> str:
    """Vancouver style: 'Gattie E, Cleland JA, Snodgrass S'; after six, 'et al.'"""
    names = []
    for author in authors:
        if author.get("literal"):
            names.append(author["literal"])
        else:
            names.append(f"{author['family']} {_initials(author.get('given', ''))}".strip())
    etal = [n for n in names if n.rstrip(".") == "et al"]
    names = [n for n in names if n.rstrip(".") != "et al"]
    if len(names) > 6 or etal:
        return ", ".join(names[:6]) + ", et al"
    return ", ".join(names)


def short_label(entry: Entry) -> str:
    """'Gattie 2017', for tooltips."""
    author = entry.data["author"][0]
    name = author.get("family") or author.get("literal", "")
    more = " et al." if len(entry.data["author"]) > 1 else ""
    return f"{name}{more} {year_label(entry.data)}"


def format_entry(entry: Entry) -> str:
    """One reference as HTML: authors, year, title, journal, volume/pages, links."""
    d = entry.data
    esc = html.escape
    parts = [f"{esc(format_authors(d['author']))}. {esc(str(d['title']).rstrip('.'))}."]
    source = d.get("container-title") or d.get("publisher")
    details = year_label(d)
    if d.get("volume"):
        details += f";{esc(str(d['volume']))}"
        if d.get("issue"):
            details += f"({esc(str(d['issue']))})"
    if d.get("page"):
        details += f":{esc(str(d['page']))}"
    details += "" if details.endswith(".") else "."  # "n.d." takes no second full stop
    parts.append(f"<em>{esc(str(source))}</em>. {details}" if source else details)
    links = []
    if d.get("DOI"):
        doi = esc(str(d["DOI"]))
        links.append(f'doi: <a href="https://doi.org/{doi}">{doi}</a>')
    if d.get("PMID"):
        pmid = esc(str(d["PMID"]))
        links.append(f'PubMed: <a href="https://pubmed.ncbi.nlm.nih.gov/{pmid}/">{pmid}</a>')
    if d.get("URL") and not d.get("DOI"):
        url = esc(str(d["URL"]))
        accessed = _date_parts(d, "accessed")
        seen = f" (accessed {'-'.join(f'{p:02d}' for p in accessed)})" if accessed else ""
        links.append(f'<a href="{url}">{url}</a>{seen}')
    if links:
        parts.append(" · ".join(links))
    return " ".join(parts)


SETEXT_UNDERLINE = re.compile(r"[ ]{0,3}(=+|-+)[ \t]*$")


def in_heading(markdown: str, pos: int) -> bool:
    """Whether ``pos`` is on a heading line (``# ...`` or underlined)."""
    lines = markdown[markdown.rfind("\n", 0, pos) + 1 :].split("\n", 2)
    if lines[0].lstrip(" ").startswith("#"):
        return True
    return len(lines) > 1 and bool(SETEXT_UNDERLINE.match(lines[1]))


def render_page(
    markdown: str,
    bibliography: dict[str, Entry],
    block: Callable[[str], str] = str,
    inline: Callable[[str], str] = str,
) -> tuple[str, list[str]]:
    """Replace a page's citations with numbered links and append its References.

    Numbers follow first appearance on the page. Returns the new Markdown and
    the cited keys in number order. A page without citations is unchanged.
    ``block`` and ``inline`` turn the list's and each citation's HTML into
    what goes in the Markdown (the hook passes hooks/stash.py's placeholder
    makers); a citation in a heading keeps its HTML.
    """
    citations = find_citations(markdown)
    if not citations:
        return markdown, []
    order: list[str] = []
    for citation in citations:
        order += [k for k in citation.keys if k not in order]
    number = {key: i for i, key in enumerate(order, 1)}

    out, last = [], 0
    for citation in citations:
        links = ", ".join(
            f'<a href="#ref-{k}" title="{bibliography[k].escaped_label}">'
            f'<span class="dn-sr-only">reference </span>{number[k]}</a>'
            for k in sorted(set(citation.keys), key=number.get)
        )
        out.append(markdown[last : citation.start])
        if in_heading(markdown, citation.start):
            out.append(f'<sup class="dn-cite" data-search-exclude>[{links}]</sup>')
        else:  # kept from the search index by hooks/stash.py
            out.append(inline(f'<sup class="dn-cite">[{links}]</sup>'))
        last = citation.end
    out.append(markdown[last:])

    items = "\n".join(f'<li id="ref-{k}">{bibliography[k].formatted}</li>' for k in order)
    out.append("\n\n## References { #references data-search-exclude }\n\n")
    # role="list": the stylesheet draws the numbers itself (list-style: none),
    # which makes Safari stop announcing a list without it.
    out.append(
        block(f'<ol class="dn-references" role="list" data-search-exclude>\n{items}\n</ol>\n')
    )
    return "".join(out), order


def render_bibliography_page(
    markdown: str, index: CitationIndex, urls: dict[str, str], block: Callable[[str], str] = str
) -> str:
    """Fill ``docs/references.md``'s marker with every source, alphabetically,
    each with links to the pages that cite it.

    ``urls`` maps each page's source path to its URL relative to the
    References page. The list is plain HTML: Markdown inside 180-odd list
    items made this one page a large share of the build time.
    """
    if BIBLIOGRAPHY_MARKER not in markdown:
        return markdown

    def sort_key(entry: Entry) -> tuple[str, int]:
        return (format_authors(entry.data["author"]).lower(), year_of(entry.data) or 0)

    items = []
    for entry in sorted(index.bibliography.values(), key=sort_key):
        pages = sorted(index.cited_by.get(entry.key, []), key=lambda s: index.titles.get(s, s))
        back = ", ".join(
            f'<a href="{html.escape(urls[src])}">{html.escape(index.titles.get(src, src))}</a>'
            for src in pages
        )
        items.append(
            f'<li id="ref-{entry.key}">{entry.formatted}'
            f'<br><span class="dn-cited-on">Cited on: {back}</span></li>'
        )
    listing = '<ol class="dn-bibliography" role="list">\n' + "\n".join(items) + "\n</ol>"
    return markdown.replace(BIBLIOGRAPHY_MARKER, block(listing))


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


# After hooks/metadata.py (90) has read the titles, before hooks/evidence.py (70).
@event_priority(80)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Once per build: check the bibliography and every page's citations."""
    path, _ = shared.data_file(config, "bibliography")
    bibliography = load_bibliography(
        path, buildcache.folder(config.config_file_path, "bibliography")
    )
    sources = {f.src_uri: f.content_string for f in files.documentation_pages()}
    index = CitationIndex(
        bibliography, scan_citations(sources, bibliography, shared.docs_label(config))
    )
    pages = shared.get(config, "dn_metadata", "hooks/citations.py")
    index.titles = {src: str(pages[src].meta["title"]) for src in sources}
    index.path = path
    shared.put(config, "dn_citations", index)
    return files


def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    """After every hook has added the citations its generated tables make
    (hooks/guidelines.py): warn about entries no page cites."""
    index: CitationIndex = shared.get(config, "dn_citations", "hooks/citations.py")
    for entry in uncited(index.bibliography, index.cited_by):
        log.warning(
            f"{index.path}:{entry.line}: entry '{entry.key}' is cited by no page; "
            "cite it or remove it from the bibliography."
        )
    return nav


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    index: CitationIndex = shared.get(config, "dn_citations", "hooks/citations.py")

    def block(html_: str) -> str:
        return stash.put(page, html_)

    def inline(html_: str) -> str:
        return stash.put_inline(page, html_)

    if BIBLIOGRAPHY_MARKER in markdown:
        urls = {
            f.src_uri: get_relative_url(f.url, page.file.url) for f in files.documentation_pages()
        }
        markdown = render_bibliography_page(markdown, index, urls, block)
    markdown, keys = render_page(markdown, index.bibliography, block, inline)
    page.meta["dn_references"] = [index.bibliography[k].data for k in keys]
    return markdown
