"""The guide's content standards, measured on the built pages:

- patient pages, and every "In short" summary, read at Flesch-Kincaid grade 8
  or below (references, headings and boilerplate excluded), with most
  sentences under 20 words;
- every page but navigation, glossary and About pages cites its sources;
- every bibliography entry is cited somewhere;
- no walls of text; pages link to related pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, Build
from prose import grade, long_share, sentences

DOCS = ROOT / "docs"
MAX_GRADE = 8.0
MAX_LONG_SHARE = 0.2  # "mostly under 20 words"
# Pages that need no citation: navigation, glossary, about.
UNCITED_OK = {"references.md", "glossary.md", "tags.md"}
UNCITED_OK_DIRS = {"about"}
MAX_PARAGRAPH_WORDS = 150


def pages() -> list[tuple[str, dict]]:
    return [
        (p.relative_to(DOCS).as_posix(), yaml.safe_load(p.read_text("utf-8").split("---\n")[1]))
        for p in sorted(DOCS.rglob("*.md"))
    ]


def built(site: Path, src: str) -> BeautifulSoup:
    rel = Path(src).with_suffix("")
    path = site / (rel.parent if rel.name == "index" else rel) / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("article")


PAGES = pages()
PATIENT_PAGES = [src for src, meta in PAGES if meta["audience"] == "patients"]


def test_there_are_patient_pages() -> None:
    assert len(PATIENT_PAGES) >= 4


@pytest.mark.parametrize("src", PATIENT_PAGES)
def test_patient_pages_are_plain_english(built_site: Build, src: str) -> None:
    parts = sentences(built(built_site.site, src))
    assert len(parts) >= 10, f"{src}: too little text measured"
    assert grade(parts) <= MAX_GRADE, f"{src}: reading grade {grade(parts):.1f} > {MAX_GRADE}"
    assert long_share(parts) <= MAX_LONG_SHARE, (
        f"{src}: {long_share(parts):.0%} of sentences have 20 words or more"
    )


def test_in_short_summaries_are_plain_english(built_site: Build) -> None:
    measured = 0
    for src, _ in PAGES:
        for box in built(built_site.site, src).select(".admonition.summary"):
            parts = sentences(box)
            measured += 1
            assert grade(parts) <= MAX_GRADE, f"{src}: 'In short' at grade {grade(parts):.1f}"
    assert measured >= 15


def test_condition_pages_open_with_in_short(built_site: Build) -> None:
    for src, _ in PAGES:
        if src.startswith("conditions/") and src != "conditions/index.md":
            first = built(built_site.site, src).select_one(".admonition")
            assert first is not None and "summary" in first["class"], src
            assert first.select_one(".admonition-title").get_text().strip() == "In short", src


def test_content_pages_cite_sources(built_site: Build) -> None:
    for src, _ in PAGES:
        if src in UNCITED_OK or src.split("/")[0] in UNCITED_OK_DIRS:
            continue
        assert built(built_site.site, src).select("sup.dn-cite"), f"{src} cites no source"


def test_every_bibliography_entry_is_cited(built_site: Build) -> None:
    bib = yaml.safe_load((ROOT / "data" / "bibliography.yaml").read_text(encoding="utf-8"))
    cited = set()
    for src, _ in PAGES:
        for li in built(built_site.site, src).select("ol.dn-references > li"):
            cited.add(li["id"].removeprefix("ref-"))
    assert {e["id"] for e in bib} - cited == set()


def test_no_walls_of_text(built_site: Build) -> None:
    for src, _ in PAGES:
        for p in built(built_site.site, src).select("p"):
            words = len(p.get_text().split())
            assert words <= MAX_PARAGRAPH_WORDS, f"{src}: a paragraph of {words} words"


def test_pages_link_to_related_pages(built_site: Build) -> None:
    for src, _ in PAGES:
        links = [
            a["href"]
            for a in built(built_site.site, src).select("a[href]")
            if not a["href"].startswith(("#", "http")) and "dn-disclaimer" not in str(a.parent)
        ]
        assert links, f"{src} links to no other page of the guide"
