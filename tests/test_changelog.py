"""hooks/changelog.py: the editors' changelog checked, the What's new page,
its Atom feed, and each page's latest changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml
from bs4 import BeautifulSoup
from changelog import ChangelogError, anchor, check_entry, load_changelog
from conftest import ROOT, Build
from yamlsafe import Item

ATOM = "{http://www.w3.org/2005/Atom}"
TODAY = dt.date(2026, 12, 4)
PAGES = {"conditions/whiplash.md", "about/whats-new.md"}
GOOD = {
    "date": dt.date(2026, 12, 1),
    "kind": "correction",
    "title": "A fixed number",
    "pages": ["conditions/whiplash.md"],
    "text": "The number now matches the review.",
    "was": "The page gave 12 instead of 21.",
}


def entries() -> list[dict]:
    return yaml.safe_load((ROOT / "data" / "changelog.yaml").read_text())["entries"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"date": dt.date(2026, 12, 5)}, "in the future"),
        ({"date": "2026-12-01"}, "must be a date"),
        ({"kind": "fix"}, "use one of: new-page"),
        ({"was": None}, "a correction says what was wrong"),
        ({"pages": ["conditions/whiplash"]}, "does not exist"),
        ({"text": "<b>bold</b>"}, "'text'"),
        ({"title": None}, "'title' is missing"),
        ({"colour": "red"}, "unknown field"),
    ],
)
def test_bad_entries_are_reported_with_the_fix(changes: dict, expected: str) -> None:
    data = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    problems = check_entry(data, PAGES, TODAY)
    assert any(expected in p for p in problems), problems


def test_a_good_entry_passes() -> None:
    assert check_entry(GOOD, PAGES, TODAY) == []


def write(tmp_path: Path, items: list[dict]) -> Path:
    path = tmp_path / "changelog.yaml"
    path.write_text(yaml.safe_dump({"entries": items}, sort_keys=False))
    return path


def test_entries_must_go_newest_first_and_be_told_apart(tmp_path: Path) -> None:
    older = {**GOOD, "date": dt.date(2026, 11, 1), "title": "Older"}
    path = write(tmp_path, [older, GOOD])
    with pytest.raises(ChangelogError, match=r"changelog\.yaml:\d+: entries go newest first"):
        load_changelog(path, "changelog.yaml", PAGES, TODAY)
    path = write(tmp_path, [GOOD, GOOD])
    with pytest.raises(ChangelogError, match="an entry of the same date and title"):
        load_changelog(path, "changelog.yaml", PAGES, TODAY)


def test_an_entry_keeps_its_id_when_others_are_added() -> None:
    assert anchor(Item(GOOD, 3)) == anchor(Item(GOOD, 30)) == "change-2026-12-01-a-fixed-number"


def test_the_feed_is_atom_with_every_entry(built_site: Build) -> None:
    feed = ET.parse(built_site.site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{name}") is not None, name
    items = feed.findall(f"{ATOM}entry")
    data = entries()
    assert len(items) == len(data) >= 5
    ids = [e.findtext(f"{ATOM}id") for e in items]
    assert len(set(ids)) == len(ids)
    for item, entry in zip(items, data, strict=True):
        assert item.findtext(f"{ATOM}title").endswith(entry["title"])
        assert item.findtext(f"{ATOM}updated") == f"{entry['date'].isoformat()}T00:00:00Z"
        summary = item.findtext(f"{ATOM}summary")
        assert " ".join(entry["text"].split()) in summary
        if entry["kind"] == "correction":
            assert "What was wrong: " + " ".join(entry["was"].split()) in summary
        links = [link.get("href") for link in item.findall(f"{ATOM}link")]
        assert all(href.startswith("https://") for href in links), links
    dates = [e["date"] for e in data]
    assert dates == sorted(dates, reverse=True)
    assert feed.findtext(f"{ATOM}updated").startswith(dates[0].isoformat())
    home = (built_site.site / "index.html").read_text()
    assert 'type="application/atom+xml"' in home


def test_whats_new_lists_every_entry_and_corrections_say_what_was_wrong(
    built_site: Build,
) -> None:
    page = BeautifulSoup(
        (built_site.site / "about" / "whats-new" / "index.html").read_text(), "html.parser"
    )
    headings = [h for h in page.select("article h3") if h.get("id", "").startswith("change-")]
    data = entries()
    assert len(headings) == len(data)
    for heading, entry in zip(headings, data, strict=True):
        assert entry["title"] in heading.get_text()
    text = " ".join(page.get_text(" ").split())
    for entry in data:
        if entry["kind"] == "correction":
            assert "What was wrong: " + " ".join(entry["was"].split()) in text


def test_each_condition_page_shows_its_own_latest_changes(built_site: Build) -> None:
    conditions = yaml.safe_load((ROOT / "data" / "evidence.yaml").read_text())["conditions"]
    data = entries()
    for condition in conditions.values():
        src = condition["page"]
        html = (built_site.site / Path(src).with_suffix("") / "index.html").read_text()
        page = BeautifulSoup(html, "html.parser")
        section = page.find(id="changes")
        assert section is not None, src
        items = section.find_next("ul")
        mine = [e for e in data if src in e["pages"]][:3]
        if not mine:
            assert "No change to this page is listed yet" in section.find_next("p").get_text()
            continue
        texts = [" ".join(li.get_text(" ").split()) for li in items.find_all("li")]
        assert len(texts) == len(mine), src
        for text, entry in zip(texts, mine, strict=True):
            assert " ".join(entry["text"].split()) in text, src
