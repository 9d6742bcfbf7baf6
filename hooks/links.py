"""External links: checked for form at every build, checked for life on demand.

At build time every link that leaves the site must be a well-formed
``https://`` address (an ``http://`` link fails the build: readers of health
information should not be sent over plain HTTP). Internal links and anchors
are MkDocs' own job (``validation:`` in mkdocs.yml).

Whether the addresses still answer needs a network, which builds do not
have, so it is a separate command, run weekly by GitHub Actions::

    python hooks/links.py            # list every external link and where it is
    python hooks/links.py --check    # request each one; exit 1 if any fails
"""

from __future__ import annotations

import argparse
import concurrent.futures
import re
import sys
import urllib.error
import urllib.request
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import shared
import yaml
from content_safety import line_of
from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", re.I)
MARKDOWN_URL = re.compile(r"https?://[^\s)>\]\"'`]+")


class LinkError(PluginError):
    """A malformed or insecure external link, reported without a traceback."""


# The href of every link in rendered HTML: Python-Markdown always writes
# attributes double-quoted, and a regex is far cheaper than a parser per page.
HREF = re.compile(r'<a\b[^>]*?\shref="([^"]*)"', re.I)


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in HREF.findall(html)]


def link_problem(url: str) -> str | None:
    """What is wrong with an external ``url``, or None."""
    parts = urlsplit(url.strip())
    if parts.scheme == "http":
        return f"'{url}' uses http://; link to the https:// address instead"
    if parts.scheme != "https":
        return None  # mailto:, tel:, relative links
    if not HOST.match(parts.hostname or "") or " " in url:
        return f"'{url}' is not a well-formed web address; check it for typos"
    return None


def external_links(docs: Path, bibliography: Path) -> dict[str, list[str]]:
    """Every external address the guide uses, with where each is used."""
    found: dict[str, list[str]] = {}
    for page in sorted(docs.rglob("*.md")):
        for number, line in enumerate(page.read_text("utf-8").splitlines(), 1):
            for url in MARKDOWN_URL.findall(line):
                found.setdefault(url.rstrip(".,;:"), []).append(f"{page}:{number}")
    for entry in yaml.safe_load(bibliography.read_text("utf-8")) or []:
        where = f"{bibliography} ({entry['id']})"
        if entry.get("DOI"):
            found.setdefault(f"https://doi.org/{entry['DOI']}", []).append(where)
        if entry.get("PMID"):
            found.setdefault(f"https://pubmed.ncbi.nlm.nih.gov/{entry['PMID']}/", []).append(where)
        if entry.get("URL"):
            found.setdefault(entry["URL"], []).append(where)
    return found


def check(url: str, timeout: float = 20) -> str | None:
    """None if ``url`` answers, else why not."""
    headers = {"User-Agent": "dry-needling-guide-link-check/1 (+https://github.com/)"}
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return None
        except urllib.error.HTTPError as err:
            if method == "HEAD" and err.code in {403, 405, 501}:
                continue  # some servers refuse HEAD; try GET
            return f"HTTP {err.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            return str(getattr(err, "reason", err))
    return "no answer"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python hooks/links.py", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--check", action="store_true", help="request every link (needs a network)")
    parser.add_argument("--docs", default="docs")
    parser.add_argument("--bibliography", default="data/bibliography.yaml")
    args = parser.parse_args(argv)
    links = external_links(Path(args.docs), Path(args.bibliography))
    if not args.check:
        for url, places in sorted(links.items()):
            print(
                f"{url}\t{places[0]}" + (f" (+{len(places) - 1} more)" if len(places) > 1 else "")
            )
        print(f"{len(links)} external links", file=sys.stderr)
        return 0
    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        for url, problem in zip(links, pool.map(check, links), strict=True):
            if problem:
                failures += 1
                print(f"BROKEN  {url}  ({problem})  used at {', '.join(links[url][:3])}")
    print(f"{len(links)} external links checked, {failures} broken", file=sys.stderr)
    return 1 if failures else 0


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    where = shared.page_label(config, page)
    problems = []
    for url in hrefs(html):
        if problem := link_problem(url):
            line = line_of(page.file.content_string, url.split("#")[0])
            problems.append(f"{where}:{line}: {problem}" if line else f"{where}: {problem}")
    if problems:
        raise LinkError("external links that need fixing:\n" + "\n".join(problems))
    return html


if __name__ == "__main__":
    sys.exit(main())
