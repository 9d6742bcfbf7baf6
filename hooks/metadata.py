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
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import difflib
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
import yamlsafe
from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

# Outside the "mkdocs" logger on purpose: MkDocs counts that logger's warnings
# to fail strict builds, and an overdue review must not block a correction.
review_log = logging.getLogger("dn_guide.review")

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
AUDIENCES = ("patients", "clinicians", "everyone")
EDITORIAL_TEAM = "editorial-team"
REQUIRED = ("title", "description", "audience", "last_reviewed", "next_review", "reviewed_by")
# Material's own front matter that pages may use. Not "template": a page must
# not swap its template (and with it the medical disclaimer).
OPTIONAL = ("hide", "search", "tags", "icon", "status", "subtitle", "search_terms")
CITATION = re.compile(r"\[@[a-z0-9]")
DUE_SOON_DAYS = 60


class MetadataError(PluginError):
    """A problem with a page's front matter, reported without a traceback."""


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
        mark = err.problem_mark or err.context_mark
        line = 1 + (mark.line + 1 if mark else 1)
        raise MetadataError(
            f"{where}:{line}: the front matter is not valid YAML ({err.problem}). Check the "
            "indentation, and put text with a colon in quotes."
        ) from None
    if not isinstance(meta, dict) or not isinstance(root, yaml.MappingNode):
        raise MetadataError(
            f"{where}:2: the front matter must be 'field: value' lines, e.g. 'title: Neck pain'."
        )
    lines = {k.value: k.start_mark.line + 2 for k, _ in root.value}
    return FrontMatter(meta, lines)


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
    if "last_reviewed" in dates and dates["last_reviewed"] > dt.date.today():
        problems.append(f"{at('last_reviewed')}: 'last_reviewed' is in the future.")

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
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args(argv)
    docs = Path(args.docs)
    sources = {p.relative_to(docs).as_posix(): p.read_text("utf-8") for p in docs.rglob("*.md")}
    try:
        pages = check_pages(dict(sorted(sources.items())), docs.as_posix())
    except MetadataError as err:
        print(err, file=sys.stderr)
        return 2
    rows = review_report(pages, args.today, args.within)
    if not rows:
        print(f"No page is overdue or due for review within {args.within} days of {args.today}.")
    for status, src, due in rows:
        label = "OVERDUE" if status == "overdue" else "due soon"
        print(f"{label:8}  next review {due}  {docs.as_posix()}/{src}")
    return 1 if any(r[0] == "overdue" for r in rows) else 0


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Once per build: check every page's front matter."""
    sources = {f.src_uri: f.content_string for f in files.documentation_pages()}
    config["dn_metadata"] = check_pages(sources)
    return files


def title_heading(markdown: str, title: str) -> str:
    """Start the page with its front matter title as the H1, unless it has one.

    Without it Material prints the nav label ("Home") as the H1."""
    if re.match(r"\s*# ", markdown):
        return markdown
    return f"# {title}\n\n{markdown}"


AUDIENCE_TAGS = {
    "patients": ["For patients"],
    "clinicians": ["For clinicians"],
    "everyone": ["For patients", "For clinicians"],
}


def audience_tags(meta: dict[str, Any]) -> list[str]:
    """The page's tags: its own, then its audience's (one source: `audience:`)."""
    own = list(meta.get("tags") or [])
    return own + [t for t in AUDIENCE_TAGS[meta["audience"]] if t not in own]


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    meta = config["dn_metadata"][page.file.src_uri].meta
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
    # The sitemap's <lastmod>: when the page's content was last reviewed.
    page.update_date = meta["last_reviewed"].isoformat()
    if review_status(meta, dt.date.today(), within=-1) == "overdue":
        review_log.warning(
            f"WARNING -  docs/{page.file.src_uri}: review overdue since {meta['next_review']}; "
            "review the page and update 'last_reviewed' and 'next_review'."
        )
    return markdown


if __name__ == "__main__":
    sys.exit(main())
