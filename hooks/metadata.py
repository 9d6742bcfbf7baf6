"""Page metadata: every page's YAML front matter is checked at build time, and
its review dates are shown at the bottom of the page.

Fields (all required):

``title``          the page title (its H1).
``description``    50-160 characters; the meta description and social summary.
``audience``       ``patients``, ``clinicians`` or ``everyone``.
``last_reviewed``  date of the last editorial review (YYYY-MM-DD).
``next_review``    date the next review is due: at most 24 months after
                   ``last_reviewed`` for a page that cites sources (clinical
                   claims), 36 months for others.
``reviewed_by``    ``editorial-team`` until named reviewers sign off; then a
                   list of ``{name: ..., profession: ...}``. Never invent one.

MkDocs itself drops front matter it cannot parse without a word, so this hook
parses it again, strictly, and reports the file, the line and the fix.

Overdue reviews print a warning but do not stop the build: a correction to
one page must still be publishable while another waits for review. The
``review`` command (``make review``, also run weekly in CI) fails on them.

Run ``python hooks/metadata.py --help`` for that command.

"Today" (for overdue reviews and a ``last_reviewed`` in the future) is the
environment variable ``DN_TODAY`` if it is set, as YYYY-MM-DD, or else the
real date. It exists so that tests use a fixed clock: the test suite builds
with ``DN_TODAY=2026-12-01``, so a page falling overdue in the real world
does not change what the tests see. An invalid value stops the build.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import difflib
import html
import logging
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import markupsafe
import plaintext
import shared
import yaml
import yamlsafe
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

# Outside the "mkdocs" logger on purpose: MkDocs counts that logger's warnings
# to fail strict builds, and an overdue review must not block a correction.
review_log = logging.getLogger("dn_guide.review")

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
# Each audience: the Topics tags its pages get, and schema.org's audience
# types for their structured data (hooks/seo.py). The one table of audiences.
AUDIENCE_TABLE = {
    "patients": {"tags": ["For patients"], "schema": ["Patient"]},
    "clinicians": {"tags": ["For clinicians"], "schema": ["Clinician"]},
    "everyone": {"tags": ["For patients", "For clinicians"], "schema": ["Patient", "Clinician"]},
}
AUDIENCES = tuple(AUDIENCE_TABLE)
EDITORIAL_TEAM = "editorial-team"
REQUIRED = ("title", "description", "audience", "last_reviewed", "next_review", "reviewed_by")
# Material's own front matter that pages may use. Not "template": a page must
# not swap its template (and with it the medical disclaimer).
# Not "icon" or "status" either: the theme prints them into an include path
# and a class attribute, and this site uses neither.
OPTIONAL = ("hide", "search", "tags", "subtitle", "search_terms")
# What Material's templates look for in ``hide:`` (base.html, partials/*.html).
HIDE_VALUES = ("navigation", "toc", "footer", "path", "tags", "feedback")

CITATION = re.compile(r"\[@[a-z0-9]")
DUE_SOON_DAYS = 60
TODAY_VARIABLE = "DN_TODAY"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class MetadataError(PluginError):
    """A problem with a page's front matter, reported without a traceback."""


def today() -> dt.date:
    """The date the build and the review command take as today: ``DN_TODAY``
    (YYYY-MM-DD) if it is set and not empty, else the real date."""
    value = os.environ.get(TODAY_VARIABLE, "")
    if not value:
        return dt.date.today()
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise MetadataError(
            f"the environment variable {TODAY_VARIABLE} is {value!r}, not a date: set it as "
            f"YYYY-MM-DD (e.g. {TODAY_VARIABLE}=2026-12-01), or unset it to use today's date."
        ) from None


@dataclass
class FrontMatter:
    meta: dict[str, Any]
    lines: dict[str, int]  # field -> line in the file


# ---------------------------------------------------------------------------
# Parsing and checking
# ---------------------------------------------------------------------------


def parse_front_matter(text: str, where: str) -> FrontMatter:
    """Parse the front matter of a page's source ``text`` (``where`` names it)."""
    match = FRONT_MATTER.match(text)
    if not match:
        raise MetadataError(
            f"{where}:1: the page has no front matter. Start it with a '---' line, the "
            f"fields ({', '.join(REQUIRED)}), and another '---' line; see CONTRIBUTING.md."
        )
    block = match.group(1) or ""
    try:
        meta, root = yamlsafe.parse(block)
    except yaml.MarkedYAMLError as err:
        line, what = yamlsafe.describe_error(err, first_line=2, text=block)
        raise MetadataError(
            f"{where}:{line or 2}: the front matter is not valid YAML ({what}). Check the "
            "indentation and quotes, and put text with a colon in quotes."
        ) from None
    if not isinstance(meta, dict) or not isinstance(root, yaml.MappingNode):
        raise MetadataError(
            f"{where}:2: the front matter must be 'field: value' lines, e.g. 'title: Neck pain'."
        )
    return FrontMatter(meta, node_lines(root, first_line=2))


def node_lines(root: yaml.MappingNode, first_line: int) -> dict[str, int]:
    """The file line of each field and of the items in its lists
    (``reviewed_by[0].name``, ``search_terms[2]``), so a problem in one
    item is reported where it is."""
    lines = {}
    for key, value in root.value:
        name = str(key.value)
        lines[name] = first_line + key.start_mark.line
        if isinstance(value, yaml.SequenceNode):
            for i, item in enumerate(value.value):
                lines[f"{name}[{i}]"] = first_line + item.start_mark.line
                if isinstance(item, yaml.MappingNode):
                    for k, v in item.value:
                        lines[f"{name}[{i}].{k.value}"] = first_line + v.start_mark.line
        elif isinstance(value, yaml.MappingNode):
            for k, v in value.value:
                lines[f"{name}.{k.value}"] = first_line + v.start_mark.line
    return lines


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def check_front_matter(fm: FrontMatter, where: str, cites: bool) -> list[str]:
    """Every problem with one page's front matter, as 'file:line: what to do'."""
    meta, problems = fm.meta, []

    def at(name: str) -> str:
        return f"{where}:{fm.lines.get(name, 1)}"

    for name in REQUIRED:
        if meta.get(name) in (None, ""):
            problems.append(f"{where}:1: front matter field '{name}' is missing. {_HELP[name]}")
    for name in meta:
        if name not in REQUIRED and name not in OPTIONAL:
            near = difflib.get_close_matches(name, REQUIRED + OPTIONAL, n=1)
            hint = f" Did you mean '{near[0]}'?" if near else ""
            if name == "template":
                hint = " Pages may not change their template: it carries the medical disclaimer."
            if name in ("icon", "status"):
                hint = " This site does not use it: remove it."
            problems.append(f"{at(name)}: unknown front matter field '{name}'.{hint}")

    title, description = meta.get("title"), meta.get("description")
    if title is not None and not (isinstance(title, str) and 3 <= len(title.strip()) <= 80):
        problems.append(f"{at('title')}: 'title' must be text of 3 to 80 characters.")
    if description is not None and not (
        isinstance(description, str) and 50 <= len(description.strip()) <= 160
    ):
        length = len(description) if isinstance(description, str) else 0
        problems.append(
            f"{at('description')}: 'description' must be 50 to 160 characters of plain text "
            f"(it has {length}); search engines show it under the title."
        )
    audience = meta.get("audience")
    if audience is not None and audience not in AUDIENCES:
        problems.append(f"{at('audience')}: 'audience' is {audience!r}; use one of {AUDIENCES}.")

    dates = {}
    for name in ("last_reviewed", "next_review"):
        value = meta.get(name)
        if value is None:
            continue
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            problems.append(
                f"{at(name)}: '{name}' is {value!r}, not a date; write it as YYYY-MM-DD, "
                "e.g. 2026-11-22 (no quotes)."
            )
        else:
            dates[name] = value
    if len(dates) == 2:
        last, due = dates["last_reviewed"], dates["next_review"]
        months = 24 if cites else 36
        if due <= last:
            problems.append(f"{at('next_review')}: 'next_review' must come after 'last_reviewed'.")
        elif due > add_months(last, months):
            kind = "cites sources (clinical claims)" if cites else "makes no clinical claims"
            problems.append(
                f"{at('next_review')}: 'next_review' {due} is more than {months} months after "
                f"'last_reviewed' {last}; this page {kind}, so set it to "
                f"{add_months(last, months)} or earlier."
            )
    # The real date, or the fixed one if later: a fixed clock that tests set in
    # the past must not turn today's real reviews into future ones.
    if "last_reviewed" in dates and dates["last_reviewed"] > max(today(), dt.date.today()):
        problems.append(f"{at('last_reviewed')}: 'last_reviewed' is in the future.")

    for name, value in plain_text_values(meta):
        if found := plaintext.problem(name, value):
            problems.append(f"{where}:{fm.lines.get(name, 1)}: {found}")
    problems += _check_theme_fields(meta, at)

    terms = meta.get("search_terms")
    if terms is not None and not (
        isinstance(terms, list) and terms and all(isinstance(t, str) and t.strip() for t in terms)
    ):
        problems.append(
            f"{at('search_terms')}: 'search_terms' must be a list of words, "
            "e.g. [pnuemothorax, lymphedema]."
        )

    reviewers = meta.get("reviewed_by")
    if reviewers is not None and reviewers != EDITORIAL_TEAM:
        ok = (
            isinstance(reviewers, list)
            and reviewers
            and all(
                isinstance(r, dict)
                and set(r) <= {"name", "profession"}
                and all(isinstance(r.get(k), str) and r[k].strip() for k in ("name", "profession"))
                for r in reviewers
            )
        )
        if not ok:
            problems.append(
                f"{at('reviewed_by')}: 'reviewed_by' is {reviewers!r}. {_HELP['reviewed_by']}"
            )
    return problems


def plain_text_values(meta: dict[str, Any]) -> list[tuple[str, str]]:
    """Every text in the front matter that reaches a built page, named as
    :func:`node_lines` names its line. All of it is plain text: the theme
    prints some of it unescaped (the title in <title>, the nav and the
    header; subtitles in the nav), and search results show the rest as HTML."""
    out = []
    for name in ("title", "description", "subtitle"):
        if isinstance(meta.get(name), str):
            out.append((name, meta[name]))
    for name in ("tags", "search_terms"):
        if isinstance(meta.get(name), list):
            out += [(f"{name}[{i}]", v) for i, v in enumerate(meta[name]) if isinstance(v, str)]
    if isinstance(meta.get("reviewed_by"), list):
        for i, reviewer in enumerate(meta["reviewed_by"]):
            if isinstance(reviewer, dict):
                out += [
                    (f"reviewed_by[{i}].{k}", v) for k, v in reviewer.items() if isinstance(v, str)
                ]
    return out


def _check_theme_fields(meta: dict[str, Any], at: Any) -> list[str]:
    """Problems with the optional fields the theme reads: ``hide``, ``search``,
    ``tags`` and ``subtitle``. The theme ignores values it does not know, so
    a misspelt one would do nothing without a word."""
    problems = []
    hide = meta.get("hide")
    if hide is not None:
        values = hide if isinstance(hide, list) else [hide]
        unknown = [v for v in values if v not in HIDE_VALUES]
        if not isinstance(hide, list) or unknown:
            problems.append(
                f"{at('hide')}: 'hide' must be a list of {', '.join(HIDE_VALUES)}"
                f"{f'; {unknown[0]!r} is not one of them' if unknown else ''}, "
                "e.g. 'hide: [toc]'. The medical disclaimer cannot be hidden."
            )
    search = meta.get("search")
    if search is not None:
        ok = isinstance(search, dict) and set(search) <= {"boost", "exclude"}
        boost, exclude = (search.get("boost"), search.get("exclude")) if ok else (None, None)
        ok = ok and (boost is None or (isinstance(boost, int | float) and boost > 0))
        ok = ok and (exclude is None or isinstance(exclude, bool))
        if not ok:
            problems.append(
                f"{at('search')}: 'search' takes 'boost:' (a number above 0, e.g. 1.5) "
                "or 'exclude: true', e.g. 'search: {boost: 2}'."
            )
    for name in ("tags", "subtitle"):
        value = meta.get(name)
        if value is None:
            continue
        ok = isinstance(value, str) and value.strip()
        if name == "tags":
            ok = isinstance(value, list) and all(isinstance(t, str) and t.strip() for t in value)
        if not ok:
            example = "tags: [Neck pain]" if name == "tags" else "subtitle: For patients"
            kind = "a list of tags" if name == "tags" else "text"
            problems.append(f"{at(name)}: '{name}' must be {kind}, e.g. '{example}'.")
    return problems


_HELP = {
    "title": "Give the page title, e.g. 'title: Dry needling for neck pain'.",
    "description": "Give a 50-160 character summary; it becomes the meta description.",
    "audience": "Say who the page is for: patients, clinicians or everyone.",
    "last_reviewed": "Give the date of the last review, e.g. 2026-11-22.",
    "next_review": "Give the date the next review is due (at most 24 months on).",
    "reviewed_by": (
        f"Write '{EDITORIAL_TEAM}' until a named reviewer has signed off; then a list of "
        "'- name: ...' and 'profession: ...'. Never invent a reviewer."
    ),
}


def cites_sources(text: str) -> bool:
    return bool(CITATION.search(text))


def check_pages(sources: dict[str, str], docs_label: str = "docs") -> dict[str, FrontMatter]:
    """Parse and check every page once per build; raise listing every problem."""
    parsed, problems = {}, []
    for src_uri, text in sources.items():
        where = f"{docs_label}/{src_uri}"
        try:
            fm = parse_front_matter(text, where)
        except MetadataError as err:
            problems.append(str(err))
            continue
        problems += check_front_matter(fm, where, cites_sources(text))
        problems += [
            f"{where}:{line}: a '# heading' (a level-1 heading) in the page. The page's "
            "title is its front matter 'title', which the build puts at the top; make this "
            "a '## heading', or change 'title:' if the title should read differently."
            for line in h1_lines(text)
        ]
        parsed[src_uri] = fm
    if problems:
        raise MetadataError("page metadata problems:\n" + "\n".join(problems))
    return parsed


# ---------------------------------------------------------------------------
# Review dates
# ---------------------------------------------------------------------------


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def reviewer_names(meta: dict[str, Any]) -> str:
    """Who reviewed the page, as the reader sees it."""
    reviewers = meta["reviewed_by"]
    if reviewers == EDITORIAL_TEAM:
        return "the editorial team"
    return ", ".join(f"{r['name']} ({r['profession']})" for r in reviewers)


def review_status(meta: dict[str, Any], today: dt.date, within: int = DUE_SOON_DAYS) -> str | None:
    """'overdue', 'due' (within ``within`` days) or None."""
    due = meta["next_review"]
    if due < today:
        return "overdue"
    if (due - today).days <= within:
        return "due"
    return None


def review_report(
    pages: dict[str, FrontMatter], today: dt.date, within: int = DUE_SOON_DAYS
) -> list[tuple[str, str, dt.date]]:
    """Pages whose review is overdue or due within ``within`` days, soonest first."""
    rows = []
    for src, fm in pages.items():
        status = review_status(fm.meta, today, within)
        if status:
            rows.append((status, src, fm.meta["next_review"]))
    return sorted(rows, key=lambda r: (r[2], r[1]))


def main(argv: list[str] | None = None) -> int:
    """The review command: list pages whose review is overdue or due soon."""
    parser = argparse.ArgumentParser(
        prog="python hooks/metadata.py",
        description="List pages whose review is overdue or due soon. Exits 1 if any is overdue.",
    )
    parser.add_argument("--docs", default="docs", help="the docs folder (default: docs)")
    parser.add_argument("--within", type=int, default=DUE_SOON_DAYS, help="days ahead (60)")
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help=f"the date to check against, YYYY-MM-DD (default: ${TODAY_VARIABLE}, else today)",
    )
    args = parser.parse_args(argv)
    docs = Path(args.docs)
    sources = {p.relative_to(docs).as_posix(): p.read_text("utf-8") for p in docs.rglob("*.md")}
    try:
        day = args.today or today()
        pages = check_pages(dict(sorted(sources.items())), docs.as_posix())
    except MetadataError as err:
        print(err, file=sys.stderr)
        return 2
    rows = review_report(pages, day, args.within)
    if not rows:
        print(f"No page is overdue or due for review within {args.within} days of {day}.")
    for status, src, due in rows:
        label = "OVERDUE" if status == "overdue" else "due soon"
        print(f"{label:8}  next review {due}  {docs.as_posix()}/{src}")
    return 1 if any(r[0] == "overdue" for r in rows) else 0


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


# Before the hooks that read the front matter (hooks/shared.py).
@event_priority(90)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Once per build: check every page's front matter."""
    sources = {f.src_uri: f.content_string for f in files.documentation_pages()}
    shared.put(config, "dn_metadata", check_pages(sources, shared.docs_label(config)))
    return files


# Level-1 headings in Markdown: "# Title", a line underlined with "=", or
# raw <h1>. Lines inside fenced code are skipped.
ATX_H1 = re.compile(r"^\s*#(?:[ \t]|$)")
SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$")
HTML_H1 = re.compile(r"<h1[\s>]", re.I)
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def h1_lines(text: str) -> list[int]:
    """The lines of ``text`` (a page's whole source) that make a level-1
    heading: the title comes from front matter, so that the visible heading,
    <title> and the structured data say the same."""
    match = FRONT_MATTER.match(text)
    start = text.count("\n", 0, match.end()) if match else 0
    lines, fence, previous = [], None, ""
    for number, line in enumerate(text.splitlines()[start:], start + 1):
        opened = FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
        elif opened:
            fence = opened.group(1)
        elif ATX_H1.match(line) or HTML_H1.search(line):
            lines.append(number)
        elif SETEXT_H1.match(line) and previous.strip() and not previous.startswith("    "):
            lines.append(number - 1)
        previous = line
    return lines


# Python-Markdown's backslash escapes: the title reads as written, not as
# Markdown ("*", "_", "[@key]" and "{#id}" stay text).
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")


def title_heading(markdown: str, title: str) -> str:
    """The page's Markdown with its front matter title as the H1.

    Without it Material prints the nav label ("Home") as the H1."""
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", title)
    return f"# {escaped}\n\n{markdown}"


def audience_tags(meta: dict[str, Any]) -> list[str]:
    """The page's tags: its own, then its audience's (one source: `audience:`)."""
    own = list(meta.get("tags") or [])
    return own + [t for t in AUDIENCE_TABLE[meta["audience"]]["tags"] if t not in own]


def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    """Every page's title and sitemap date from its checked front matter,
    before any page is read. A full build sets them again when it reads each
    page; ``mkdocs build --dirty`` reads only the pages that changed, and
    without this the others would be "None" in the navigation and dated
    today in the sitemap (mkdocs/mkdocs#4047)."""
    pages = shared.get(config, "dn_metadata", "hooks/metadata.py")
    for page in nav.pages:
        fm = pages.get(page.file.src_uri)
        if fm is None:
            continue
        # MkDocs' own title returns None until the page is read; a title the
        # nav gives ("Home: index.md") is already set on the page and stays.
        if "title" not in vars(page):
            page.title = fm.meta["title"]
        page.update_date = fm.meta["last_reviewed"].isoformat()
    return nav


# After hooks/citations.py (0), so nothing in a title is read as a citation;
# before Material's tags plugin (-50) reads the tags.
@event_priority(-10)
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    meta = shared.get(config, "dn_metadata", "hooks/metadata.py")[page.file.src_uri].meta
    markdown = title_heading(markdown, meta["title"])
    # Read by Material's tags plugin, which runs later (priority -50).
    page.meta["tags"] = audience_tags(meta)
    page.meta["dn_review"] = {
        "last": long_date(meta["last_reviewed"]),
        "last_iso": meta["last_reviewed"].isoformat(),
        "next": long_date(meta["next_review"]),
        "next_iso": meta["next_review"].isoformat(),
        "by": reviewer_names(meta),
    }
    # Material's base.html prints the description into an attribute without
    # escaping it; escaped here (as Markup, which templates that escape leave
    # alone), a quote in it cannot end the attribute.
    # Apostrophes stay as they are: every attribute is double-quoted.
    page.meta["description"] = markupsafe.Markup(
        html.escape(meta["description"], quote=False).replace('"', "&quot;")
    )
    # The sitemap's <lastmod>: when the page's content was last reviewed.
    page.update_date = meta["last_reviewed"].isoformat()
    if review_status(meta, today(), within=-1) == "overdue":
        review_log.warning(
            f"WARNING -  docs/{page.file.src_uri}: review overdue since {meta['next_review']}; "
            "review the page and update 'last_reviewed' and 'next_review'."
        )
    return markdown


if __name__ == "__main__":
    sys.exit(main())
