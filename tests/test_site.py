"""What a reader gets from the built site: the disclaimer on every page, the
404 page, the search index, a strict build without warnings, no third-party
assets."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, Build, html_pages, mkdocs_build

NOTICE_FILE = ROOT / "includes" / "disclaimer-notice.md"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def notice_sentences() -> list[str]:
    """The notice's sentences in plain text, as the source file words them."""
    text = re.sub(r"<!--.*?-->", "", NOTICE_FILE.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text).replace("**", "")
    text = " ".join(text.split())
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 4]


def page_url(site: Path, page: Path) -> str:
    """The URL path of a built page, relative to the site root."""
    rel = page.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


# hooks/metadata.py's report of a page overdue for review: printed outside
# MkDocs' logger, it never fails a build (tests/test_review_dates.py).
REVIEW_LINE = re.compile(r"WARNING -  docs/\S+: review overdue since \d{4}-\d{2}-\d{2}; ")


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml's plain values; tags it does not know (``!ENV``) read as None."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def test_strict_build_has_no_warnings(built_site: Build) -> None:
    """The build succeeds and MkDocs warns of nothing. Lines reporting a page
    overdue for review are allowed (the session's fixed clock has none)."""
    assert built_site.returncode == 0, built_site.output
    warnings = [
        line
        for line in built_site.output.splitlines()
        if ("WARNING" in line or "ERROR" in line) and not REVIEW_LINE.match(line)
    ]
    assert warnings == [], built_site.output
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), _AnyTagLoader)
    assert config.get("strict") is True, "mkdocs.yml must set 'strict: true'"


def test_every_page_shows_the_disclaimer_once(built_site: Build) -> None:
    pages = html_pages(built_site.site)
    assert len(pages) >= 10
    for page in pages:
        notices = soup(page).select("section.dn-disclaimer")
        assert len(notices) == 1, f"{page}: {len(notices)} disclaimer notices"
        notice = notices[0]
        assert notice["role"] == "note" and notice["aria-label"] == "Medical disclaimer"
        # Same place on every page: first thing in the article.
        assert notice.find_parent("article", class_="md-content__inner") is not None, page
        text = " ".join(notice.get_text().split())
        for sentence in notice_sentences():
            assert sentence in text, f"{page}: notice lacks {sentence!r}"


def test_every_page_links_to_the_full_disclaimer(built_site: Build) -> None:
    site = built_site.site
    target = site / "about" / "disclaimer" / "index.html"
    assert target.exists()
    for page in html_pages(site):
        link = soup(page).select_one("section.dn-disclaimer a[href]")
        assert link is not None, page
        href = link["href"]
        if page.name == "404.html":  # absolute: the 404 page is served at any depth
            resolved = href.removeprefix("/dry-needling-guide/")
        else:
            resolved = urljoin("http://site/" + page_url(site, page), href)
            resolved = resolved.removeprefix("http://site/")
        assert resolved.rstrip("/") == "about/disclaimer", f"{page}: links to {href}"


def test_full_disclaimer_page_says_what_it_must(built_site: Build) -> None:
    page = soup(built_site.site / "about" / "disclaimer" / "index.html")
    text = " ".join(page.select_one("article").get_text().split()).lower()
    for phrase in [
        "not medical advice",
        "call your local emergency number",
        "never delay seeking care",
        "does not create a relationship",
        "does not endorse",
        "may be incomplete or out of date",
    ]:
        assert phrase in text, phrase


def test_search_index_leaves_the_notice_out(built_site: Build) -> None:
    index = json.loads((built_site.site / "search" / "search_index.json").read_text())
    docs = index["docs"]
    assert len(docs) >= 10
    for sentence in notice_sentences():
        hits = [d["location"] for d in docs if sentence.lower() in d["text"].lower()]
        assert hits == [], f"{sentence!r} is in the search index at {hits}"
    # The words of the notice lead to the About pages, not to every page.
    pages = {d["location"].split("#")[0] for d in docs if "medical advice" in d["text"].lower()}
    assert "about/disclaimer/" in pages and len(pages) <= 3, pages
    assert all(p.startswith("about/") for p in pages), pages


def test_404_page_is_themed_and_has_the_disclaimer(built_site: Build) -> None:
    page = soup(built_site.site / "404.html")
    assert page.select_one("header.md-header") is not None
    assert page.select_one('link[rel="stylesheet"][href$="/assets/stylesheets/site.css"]')
    assert "Page not found" in page.select_one("h1").get_text()
    assert len(page.select("section.dn-disclaimer")) == 1


def test_no_third_party_assets(built_site: Build) -> None:
    """Nothing in the built HTML or CSS loads from another host."""
    remote = re.compile(r"^(https?:)?//", re.I)
    for page in html_pages(built_site.site):
        tree = soup(page)
        for tag, attr in [("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")]:
            for node in tree.find_all(tag):
                value = node.get(attr)
                if (
                    tag == "link"
                    and "stylesheet" not in node.get("rel", [])
                    and not any(
                        r in node.get("rel", []) for r in ("preload", "modulepreload", "icon")
                    )
                ):
                    continue  # canonical, alternate: links, not requests
                assert not (value and remote.match(value)), f"{page}: <{tag} {attr}={value}>"
    for css in built_site.site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "@import url(http" not in text, css


def test_notice_has_one_source(project_copy: Path, tmp_path: Path) -> None:
    """Editing the notice file changes the notice on every page."""
    notice = project_copy / "includes" / "disclaimer-notice.md"
    notice.write_text(
        "**Changed wording for a test.** [Full text](about/disclaimer.md).", encoding="utf-8"
    )
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode == 0, build.output
    for page in html_pages(build.site):
        assert "Changed wording for a test." in soup(page).select_one("section.dn-disclaimer").text


def test_no_script_runs_before_the_first_paint(built_site: Build) -> None:
    """No external script is in the page as a tag: the loader adds them after
    the first paint, and inline code that needs them waits for it
    (hooks/loading.py)."""
    for page in html_pages(built_site.site):
        scripts = soup(page).find_all("script")
        assert not [s for s in scripts if s.get("src")], page
        loaders = [s for s in scripts if s.get("data-scripts")]
        assert len(loaders) == 1, page
        assert "assets/javascripts/bundle." in loaders[0]["data-scripts"], page
        for node in scripts:
            if "document$" in node.text or "GLightbox" in node.text:
                assert "addEventListener('dn:scripts-loaded'" in node.text, page
