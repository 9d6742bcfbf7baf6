"""Patient decision support (issue 20): the pictures of risk and time drawn
from data, the one list of emergency numbers, the printable leaflet (a PDF
built from its page) and print styles."""

from __future__ import annotations

import re
from pathlib import Path

import emergency
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, Build, goto
from pictures import PicturesError, icon_array, load_pictures, timeline
from pypdf import PdfReader

PICTURES = yaml.safe_load((ROOT / "data" / "pictures.yaml").read_text())
NUMBERS = yaml.safe_load((ROOT / "data" / "emergency.yaml").read_text())
LEAFLET = "patients/leaflet"


def built(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


# -- Pictures ------------------------------------------------------------------


def test_an_icon_array_fills_the_rate_and_outlines_an_upper_limit() -> None:
    array = {
        "title": "T",
        "per": 100,
        "of": "treatments",
        "rows": [
            {"label": "A", "value": 19.18, "kind": "observed", "words": "w", "source": "k"},
            {"label": "B", "value": 4, "kind": "upper-limit", "words": "w", "source": "k"},
        ],
    }
    svg = BeautifulSoup(icon_array("t", array), "html.parser")
    groups = svg.select("g")
    assert len(groups) == 200
    filled = [g for g in groups[:100] if "dn-icon-filled" in g["class"]]
    assert len(filled) == 19
    assert not [g for g in groups[100:] if "dn-icon-filled" in g["class"]]
    assert len(svg.select("rect.dn-icon-limit")) == 1
    assert "up to 4 in 100 (upper limit)" in svg.get_text(" ")


def test_the_timeline_draws_open_bars_where_the_sources_give_no_end() -> None:
    data = PICTURES["timeline"]
    svg = BeautifulSoup(timeline(data), "html.parser")
    open_rows = [r for r in data["rows"] if r["end"] is None]
    assert len(svg.select("rect.dn-time-open")) == len(open_rows) > 0
    assert len(svg.select("rect.dn-time-emergency")) == sum(
        r["zone"] == "emergency" for r in data["rows"]
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["arrays"]["minor-side-effects"]["rows"][0].update(value=120), "between 0"),
        (lambda d: d["arrays"]["minor-side-effects"]["rows"][0].update(source="x"), "bibliography"),
        (lambda d: d["arrays"]["serious-harm"]["rows"][0].update(kind="guess"), "'kind' is"),
        (lambda d: d["arrays"]["serious-harm"].update(title="<b>x</b>"), "plain text"),
        (lambda d: d["timeline"]["rows"][0].update(end=-1), "'end' -1 must be an hour"),
    ],
)
def test_bad_picture_data_fails_at_its_line(tmp_path: Path, change, expected: str) -> None:
    data = yaml.safe_load((ROOT / "data" / "pictures.yaml").read_text())
    change(data)
    path = tmp_path / "pictures.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    references = {"brady2014", "boyce2020", "navarrosantana2020", "martinpintadozugasti2016",
                  "gloshospitalsnd", "mintken2025", "weagle2021"}  # fmt: skip
    with pytest.raises(PicturesError) as err:
        load_pictures(path, "data/pictures.yaml", references)
    assert re.search(r"data/pictures\.yaml:\d+: ", str(err.value)), str(err.value)
    assert expected in str(err.value)


PICTURE_PAGES = ["safety", "patients", LEAFLET, "patients/after-care", "safety/warning-signs"]


def test_pictures_are_on_the_pages_where_patients_decide(built_site: Build) -> None:
    """Icon arrays on at least three such pages; each an image with a title
    and a description, followed by its numbers in words with citations, and
    showing the data's numbers (not typed ones)."""
    with_arrays = 0
    for path in PICTURE_PAGES:
        page = built(built_site.site, path)
        for figure in page.select("figure.dn-picture"):
            svg = figure.select_one("svg[role=img]")
            assert svg is not None, path
            ids = svg["aria-labelledby"].split()
            assert all(svg.find(id=i) for i in ids), path
            words = figure.find_next("ul")
            assert words and words.select("a[href^='#ref-'], sup"), f"{path}: no cited words"
        for name, array in PICTURES["arrays"].items():
            svg = page.select_one(f"svg[aria-labelledby^='dn-{name}-title']")
            if svg is None:
                continue
            with_arrays += 1
            text = svg.get_text(" ")
            for row in array["rows"]:
                shown = f"{row['value']:,.2f}".rstrip("0").rstrip(".")
                assert f"{shown} in {array['per']:,}" in text, (path, name)
    assert with_arrays >= 3 * 2, with_arrays  # both arrays on at least three pages


# -- Emergency numbers -----------------------------------------------------------


def test_the_notice_on_every_page_gives_the_one_list_of_numbers(built_site: Build) -> None:
    short = emergency.short_list(NUMBERS)
    for page in (built_site.site).rglob("index.html"):
        if "assets" in page.parts:
            continue
        notice = BeautifulSoup(page.read_text(), "html.parser").select_one("[data-dn-disclaimer]")
        assert notice is not None and short in " ".join(notice.get_text(" ").split()), page


def test_no_page_types_an_emergency_number(built_site: Build) -> None:
    """Every emergency number comes from data/emergency.yaml: the sources
    name none of them outside the markers."""
    typed = re.compile(r"\b(999|911|112)\b|(?<![\d,])000\b|triple zero", re.I)
    found = [
        f"{source.relative_to(ROOT)}:{number}: {line.strip()[:90]}"
        for source in [*(ROOT / "docs").rglob("*.md"), *(ROOT / "includes").glob("*.md")]
        for number, line in enumerate(source.read_text().splitlines(), 1)
        if typed.search(line)
    ]
    assert not found, "\n".join(found)


# -- The leaflet -----------------------------------------------------------------


def test_the_leaflet_pdf_says_what_its_page_says(built_site: Build) -> None:
    pdf = PdfReader(built_site.site / "patients" / "leaflet.pdf")
    assert 1 <= len(pdf.pages) <= 2
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "This is general information, not medical advice." in text
    for item in NUMBERS["numbers"]:
        assert item["emergency"] in text, item["places"]
    assert "https://" in text and "patients/leaflet/" in text
    assert re.search(r"Checked \d{1,2} [A-Z][a-z]+ 20\d\d", text)
    page = built(built_site.site, LEAFLET)
    assert page.find("a", href="../leaflet.pdf"), "the page links to its PDF"
    for heading in page.select("article h2"):
        if heading.get("id") in {"references", "changes"}:
            continue
        words = " ".join(heading.get_text(" ").replace("¶", "").split())
        assert words in text, words
    assert pdf.metadata.title == page.select_one("h1").get_text().replace("¶", "").strip()


def test_patient_pages_link_to_the_leaflet(built_site: Build) -> None:
    for path in ("patients", "patients/after-care", "safety/warning-signs"):
        links = [a["href"] for a in built(built_site.site, path).select("article a[href]")]
        assert any(h.endswith("leaflet/") or h.endswith("leaflet.pdf") for h in links), path


@pytest.mark.browser
def test_pages_print_without_navigation_search_or_buttons(browser, site_url: str) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        goto(page, site_url + "safety/")
        page.emulate_media(media="print")
        hidden = page.evaluate(
            """() => ['.md-header', '.md-sidebar--primary', '.md-search', '.md-footer',
                      '.md-top'].map(s => [s, [...document.querySelectorAll(s)]
                      .every(e => getComputedStyle(e).display === 'none')])"""
        )
        assert all(ok for _, ok in hidden), hidden
        assert page.locator("article").is_visible()
        assert page.locator("[data-dn-disclaimer]").first.is_visible()
        after = page.evaluate(
            """() => { const a = [...document.querySelectorAll('article a[href^="http"]')]
                 .find(a => !a.closest('.dn-references'));
               return a ? [a.href, getComputedStyle(a, '::after').content] : null; }"""
        )
        assert after and after[0] in after[1], after
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
    finally:
        ctx.close()
