"""The editorial machinery as a reader (and a search engine) gets it: review
dates, references, JSON-LD that matches the page, sharing tags, sitemap."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, Build, html_pages

DOCS = ROOT / "docs"


def front_matter(src: Path) -> dict:
    return yaml.safe_load(src.read_text(encoding="utf-8").split("---\n")[1])


def content_pages(site: Path) -> list[tuple[Path, Path]]:
    """(source, built page) for every Markdown page."""
    pairs = []
    for src in sorted(DOCS.rglob("*.md")):
        rel = src.relative_to(DOCS).with_suffix("")
        built = site / ("index.html" if rel.name == "index" and rel.parent == Path(".") else "")
        if rel.name == "index":
            built = site / rel.parent / "index.html"
        else:
            built = site / rel / "index.html"
        pairs.append((src, built))
    return pairs


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def pages(built_site: Build) -> list[tuple[Path, Path, dict, BeautifulSoup]]:
    return [(s, b, front_matter(s), soup(b)) for s, b in content_pages(built_site.site)]


def test_every_page_shows_its_review_dates(pages) -> None:
    for src, _, meta, page in pages:
        review = page.select_one(".dn-review")
        assert review is not None, src
        text = " ".join(review.get_text().split())
        last, due = meta["last_reviewed"], meta["next_review"]
        assert f"Page last reviewed: {last.day} {last:%B %Y} · Next review due: " in text, src
        assert f"{due.day} {due:%B %Y}" in text, src
        assert [t["datetime"] for t in review.select("time")] == [str(last), str(due)]
        if meta["reviewed_by"] == "editorial-team":
            assert "Reviewed by the editorial team." in text, src


def test_json_ld_matches_what_the_reader_sees(pages) -> None:
    for src, _, meta, page in pages:
        scripts = page.select('script[type="application/ld+json"]')
        assert len(scripts) == 1, src
        data = json.loads(scripts[0].string)
        assert data["@type"] == "MedicalWebPage" and data["@context"] == "https://schema.org"
        assert data["name"] == page.select_one("article h1").get_text().strip().rstrip("¶")
        assert data["description"] == page.select_one('meta[name="description"]')["content"]
        assert data["description"] == meta["description"]
        assert data["lastReviewed"] == page.select_one(".dn-review time")["datetime"]
        assert data["about"] == {"@type": "PhysicalTherapy", "name": "Dry needling"}
        assert data["url"] == page.select_one('link[rel="canonical"]')["href"]
        refs = page.select("ol.dn-references > li")
        assert len(data.get("citation", [])) == len(refs), src
        for item, li in zip(data.get("citation", []), refs, strict=True):
            assert item["name"].rstrip(".") in li.get_text(), src


def meta_content(page: BeautifulSoup, name: str) -> str | None:
    tag = page.select_one(f'meta[property="{name}"]') or page.select_one(f'meta[name="{name}"]')
    return tag["content"] if tag else None


def test_sharing_tags(pages) -> None:
    for src, _, meta, page in pages:
        canonical = page.select_one('link[rel="canonical"]')["href"]
        assert meta_content(page, "og:title") == meta["title"], src
        assert meta_content(page, "og:description") == meta["description"], src
        assert meta_content(page, "twitter:description") == meta["description"], src
        assert meta_content(page, "og:url") == canonical, src
        assert meta_content(page, "twitter:card") == "summary", src


def test_sitemap_lastmod_is_the_review_date(built_site: Build, pages) -> None:
    tree = ET.parse(built_site.site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {
        urlsplit(u.findtext("s:loc", namespaces=ns)).path: u.findtext("s:lastmod", namespaces=ns)
        for u in tree.getroot()
    }
    for _, _, meta, page in pages:
        path = urlsplit(page.select_one('link[rel="canonical"]')["href"]).path
        assert lastmod[path] == str(meta["last_reviewed"]), path
    robots = (built_site.site / "robots.txt").read_text()
    assert re.search(r"^Sitemap: https://\S+/sitemap\.xml$", robots, re.M)


def test_citations_link_to_numbered_references(pages) -> None:
    for src, _, _, page in pages:
        cites = page.select("sup.dn-cite a")
        refs = page.select("ol.dn-references > li")
        if not cites:
            assert not refs, src
            continue
        ids = [li["id"] for li in refs]
        numbers = [int(a.get_text().replace("reference", "").strip()) for a in cites]
        assert sorted(set(numbers)) == list(range(1, len(ids) + 1)), src
        for a, n in zip(cites, numbers, strict=True):
            assert a["href"] == f"#{ids[n - 1]}", f"{src}: citation {n} -> {a['href']}"
        heading = page.select_one("h2#references")
        assert heading is not None and heading.get_text().strip().startswith("References")
        for li in refs:
            assert li.select_one('a[href^="https://doi.org/"], a[href^="https://pubmed"], a'), li


def test_references_page_lists_every_source_with_backlinks(built_site: Build) -> None:
    bib = yaml.safe_load((ROOT / "data" / "bibliography.yaml").read_text(encoding="utf-8"))
    page = soup(built_site.site / "references" / "index.html")
    items = page.select("ol.dn-bibliography > li")
    assert {li["id"] for li in items} == {f"ref-{e['id']}" for e in bib}
    for li in items:
        links = li.select(".dn-cited-on a")
        assert links, f"{li['id']} has no page citing it"
        for a in links:
            target = urlsplit(urljoin("http://s/references/", a["href"])).path.lstrip("/")
            assert (built_site.site / target / "index.html").exists(), a["href"]


def test_abbreviations_have_tooltips(built_site: Build) -> None:
    found = {}
    for page in html_pages(built_site.site):
        for abbr in soup(page).select("article abbr[title]"):
            found[abbr.get_text()] = abbr["title"]
    for term in ["MTrP", "LTR", "RCT", "SMD", "CI", "GRADE", "PPT", "VAS"]:
        assert term in found, f"{term} never gets a tooltip"
    assert (built_site.site / "glossary" / "index.html").exists()
