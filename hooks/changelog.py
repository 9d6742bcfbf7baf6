"""What changed, for readers: one changelog file, a page, a feed, and each
page's own latest changes.

``data/changelog.yaml`` (``extra.changelog`` in mkdocs.yml) holds the dated
changes that matter to readers (a new page, a changed conclusion, a
correction), newest first. The build checks it (bad data fails with
``file:line`` and the fix), then:

* replaces ``<!-- changelog -->`` on the What's new page with every entry;
* writes ``feed.xml``, an Atom feed of the same entries. Hand-written: the
  maintained feed plugin (mkdocs-rss-plugin) makes one entry per page from
  its dates and git history, not entries from an editors' changelog file;
* adds "Changes to this page" (its latest entries) to every condition page
  and every page an entry names.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

import metadata
import plaintext
import shared
import yamlsafe
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

MARKER = "<!-- changelog -->"
FEED = "feed.xml"
KEY = "dn_changelog"
KINDS = {
    "new-page": "New page",
    "changed-conclusion": "Changed conclusion",
    "correction": "Correction",
    "update": "Update",
}
REQUIRED = ("date", "kind", "title", "pages", "text")
TEXT = ("title", "text", "was")
LATEST = 3  # entries shown on a page

Entry = yamlsafe.Item


class ChangelogError(PluginError):
    """Bad changelog data, reported without a traceback."""


@dataclass
class Changelog:
    entries: list[Entry]

    def for_page(self, src_uri: str) -> list[Entry]:
        return [e for e in self.entries if src_uri in e["pages"]]


def check_entry(data: Any, pages: set[str], today: dt.date) -> list[str]:
    """What is wrong with one entry, each with the fix."""
    if not isinstance(data, dict):
        return ["an entry must be a mapping ('- date: ...')"]
    problems = [f"'{name}' is missing" for name in REQUIRED if data.get(name) in (None, "", [])]
    unknown = set(data) - {*REQUIRED, "was"}
    if unknown:
        problems.append(f"unknown field(s) {sorted(unknown)}; use {', '.join(REQUIRED)}, was")
    date = data.get("date")
    if date is not None:
        if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
            problems.append(f"'date' {date!r} must be a date, YYYY-MM-DD, without quotes")
        elif date > today:
            problems.append(f"'date' {date} is in the future; date an entry when it is published")
    kind = data.get("kind")
    if kind is not None and kind not in KINDS:
        problems.append(f"'kind' is {kind!r}; use one of: {', '.join(KINDS)}")
    if kind == "correction" and not data.get("was"):
        problems.append("a correction says what was wrong: add 'was', in plain words")
    for name in TEXT:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(f"'{name}' must be text (put it in quotes)")
        elif isinstance(value, str) and (
            found := plaintext.problem(name, value) or plaintext.problem(name, value, cell=True)
        ):
            problems.append(found)
    named = data.get("pages")
    if named is not None:
        if not (isinstance(named, list) and all(isinstance(p, str) for p in named)):
            problems.append("'pages' must be a list of pages, e.g. [conditions/whiplash.md]")
        else:
            problems += [
                f"page {p!r} does not exist; give its path under docs/, e.g. conditions/whiplash.md"
                for p in named
                if p not in pages
            ]
    return problems


def load_changelog(path: Path, where: str, pages: set[str], today: dt.date) -> Changelog:
    data, root = yamlsafe.read(path, where, ChangelogError, "changelog")
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ChangelogError(f"{where}: needs 'entries:', a list of entries ('- date: ...').")
    lines = yamlsafe.item_lines(root, "entries")
    problems, entries = [], []
    for item, line in zip(data["entries"], lines, strict=True):
        problems += [f"{where}:{line}: {p}" for p in check_entry(item, pages, today)]
        if isinstance(item, dict):
            entries.append(Entry(item, line))
    seen: dict[str, int] = {}
    for e in entries:
        if isinstance(e.get("date"), dt.date) and isinstance(e.get("title"), str):
            if (key := anchor(e)) in seen:
                problems.append(
                    f"{where}:{e.line}: an entry of the same date and title is at line "
                    f"{seen[key]}; give each entry its own title"
                )
            seen.setdefault(key, e.line)
    dated = [e for e in entries if isinstance(e.get("date"), dt.date)]
    for before, after in itertools.pairwise(dated):
        if after["date"] > before["date"]:
            problems.append(
                f"{where}:{after.line}: entries go newest first, but {after['date']} comes "
                f"after {before['date']}; move it up"
            )
    if problems:
        raise ChangelogError("the changelog has problems:\n" + "\n".join(problems))
    return Changelog(entries)


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def anchor(entry: Entry) -> str:
    """A lasting id from the date and the title (the feed's entry ids: a reader
    would see an entry again as new if its id changed)."""
    words = re.findall(r"[a-z0-9]+", entry["title"].lower())
    return f"change-{entry['date']:%Y-%m-%d}-" + "-".join(words)[:60].strip("-")


def render_entry(entry: Entry, here: str, titles: dict[str, str], level: str = "###") -> str:
    """One entry in Markdown, its links relative to the page at ``here``."""
    links = ", ".join(
        f"[{html.escape(titles.get(p, p))}]({posixpath.relpath(p, posixpath.dirname(here) or '.')})"
        for p in entry["pages"]
    )
    parts = [
        f"{level} {long_date(entry['date'])}: {html.escape(entry['title'])} {{ #{anchor(entry)} }}",
        "",
        f"**{KINDS[entry['kind']]}.** {html.escape(' '.join(entry['text'].split()))}",
    ]
    if entry.get("was"):
        parts += ["", f"What was wrong: {html.escape(' '.join(entry['was'].split()))}"]
    parts += ["", f"Pages: {links}", ""]
    return "\n".join(parts)


def render_page_changes(entries: list[Entry], here: str, titles: dict[str, str]) -> str:
    """The "Changes to this page" section: its latest entries, or none yet."""
    lines = ["", "## Changes to this page { #changes }", ""]
    if not entries:
        lines.append(
            "No change to this page is listed yet. Every change that matters to readers is "
            f"on [What's new]({posixpath.relpath('about/whats-new.md', posixpath.dirname(here))})."
        )
        return "\n".join(lines) + "\n"
    for e in entries[:LATEST]:
        whats_new = posixpath.relpath("about/whats-new.md", posixpath.dirname(here))
        was = f" What was wrong: {html.escape(' '.join(e['was'].split()))}" if e.get("was") else ""
        lines.append(
            f"- **{long_date(e['date'])}, {KINDS[e['kind']].lower()}:** "
            f"{html.escape(' '.join(e['text'].split()))}{was} "
            f"([all changes]({whats_new}#{anchor(e)}))"
        )
    return "\n".join(lines) + "\n"


def atom(changelog: Changelog, site_url: str, titles: dict[str, str], urls: dict[str, str]) -> str:
    """The Atom feed (RFC 4287) of every entry, newest first."""
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
        element.text = text
        return element

    def stamp(day: dt.date) -> str:
        return f"{day.isoformat()}T00:00:00Z"

    whats_new = site_url + urls.get("about/whats-new.md", "")
    feed = ET.Element(f"{{{ns}}}feed")
    sub(feed, "title", "Dry Needling Guide: what's new")
    sub(feed, "subtitle", "New pages, changed conclusions and corrections.")
    sub(feed, "id", site_url + FEED)
    sub(feed, "link", rel="self", href=site_url + FEED)
    sub(feed, "link", rel="alternate", type="text/html", href=whats_new)
    newest = changelog.entries[0]["date"] if changelog.entries else dt.date(2026, 1, 1)
    sub(feed, "updated", stamp(newest))
    author = sub(feed, "author")
    sub(author, "name", "Dry Needling Guide editorial team")
    sub(feed, "rights", "CC BY 4.0")
    for e in changelog.entries:
        entry = sub(feed, "entry")
        sub(entry, "title", f"{KINDS[e['kind']]}: {e['title']}")
        sub(entry, "id", f"{whats_new}#{anchor(e)}")
        sub(entry, "updated", stamp(e["date"]))
        sub(entry, "link", rel="alternate", type="text/html", href=f"{whats_new}#{anchor(e)}")
        for p in e["pages"]:
            sub(
                entry,
                "link",
                rel="related",
                href=site_url + urls.get(p, ""),
                title=titles.get(p, p),
            )
        summary = " ".join(e["text"].split())
        if e.get("was"):
            summary += " What was wrong: " + " ".join(e["was"].split())
        sub(entry, "summary", summary, type="text")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def condition_pages(config: MkDocsConfig) -> set[str]:
    evidence = shared.get(config, "dn_evidence", "hooks/changelog.py")
    return {c["page"] for c in evidence.conditions.values()}


# After hooks/metadata.py (90, the titles) and hooks/evidence.py (70, the
# condition pages).
@event_priority(50)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    path, relative = shared.data_file(config, "changelog")
    pages = {f.src_uri for f in files.documentation_pages()}
    # The later of the build's clock and the real date: an entry dated today
    # is never "in the future" under a fixed test clock.
    today = max(metadata.today(), dt.date.today())
    changelog = load_changelog(path, relative, pages, today)
    shared.put(config, KEY, changelog)
    meta = shared.get(config, "dn_metadata", "hooks/changelog.py")
    titles = {src: str(m.meta.get("title", src)) for src, m in meta.items()}
    urls = {f.src_uri: f.url for f in files.documentation_pages()}
    site_url = config.site_url or ""
    files.append(File.generated(config, FEED, content=atom(changelog, site_url, titles, urls)))
    return files


# Before hooks/citations.py (0) adds the References after the page's end.
@event_priority(40)
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    changelog: Changelog = shared.get(config, KEY, "hooks/changelog.py")
    src = page.file.src_uri
    meta = shared.get(config, "dn_metadata", "hooks/changelog.py")
    titles = {s: str(m.meta.get("title", s)) for s, m in meta.items()}
    if MARKER in markdown:
        body = "\n".join(render_entry(e, src, titles) for e in changelog.entries)
        markdown = markdown.replace(MARKER, body or "No changes are listed yet.")
    entries = changelog.for_page(src)
    if entries or src in condition_pages(config):
        markdown = markdown.rstrip("\n") + "\n" + render_page_changes(entries, src, titles)
    return markdown
