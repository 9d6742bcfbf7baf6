"""Figures: original SVG diagrams with alt text and captions, a dark-palette
twin built from each, and the lightbox in a real browser."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import DESKTOPS, ROOT, Build, Visit, html_pages, page_check, site_base_path
from figures import dark_variant

SVG = "{http://www.w3.org/2000/svg}"
FIGURE_PAGES = [
    "basics/trigger-points/",
    "technique/",
    "mechanisms/",
    "patients/",
    "safety/",
]


SOURCES = sorted((ROOT / "docs" / "assets" / "figures").glob("*.svg"))


def site_file(site: Path, page: Path, url: str) -> Path | None:
    """The file in ``site`` that ``url`` on built page ``page`` names (None if
    it is on another host)."""
    base = "http://site" + site_base_path()
    page_url = urljoin(base, page.relative_to(site).as_posix())
    target = urlsplit(urljoin(page_url, url))
    if target.netloc != "site":
        return None
    path = unquote(target.path).removeprefix(site_base_path())
    return site / (path + "index.html" if path.endswith("/") or not path else path)


def figures_shown(site: Path) -> dict[str, list[str]]:
    """Each figure file the pages show in an article (image or lightbox
    link) -> the pages, as "page: url"; files that do not exist included."""
    shown: dict[str, list[str]] = {}
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        if "<img" not in text and "glightbox" not in text:
            continue  # parsing is the slow part
        tree = BeautifulSoup(text, "html.parser")
        for tag in tree.select("article img[src], article a.glightbox[href]"):
            url = tag.get("src") or tag["href"]
            target = site_file(site, page, url)
            if target is not None:
                rel = target.relative_to(site).as_posix()
                shown.setdefault(rel, []).append(f"{page.relative_to(site)}: <{tag.name}> {url}")
    return shown


def missing_figures(site: Path, shown: dict[str, list[str]]) -> list[str]:
    """A problem for each file a page shows (``shown``) that ``site`` lacks,
    and each figure shown without its dark twin (or a twin without its figure)."""
    problems = [f"{where} is missing" for rel, pages in shown.items() for where in pages
                if not (site / rel).is_file()]  # fmt: skip
    for rel, pages in shown.items():
        if not rel.startswith("assets/figures/"):
            continue
        name = rel.removesuffix(".svg").removesuffix("-dark")
        for twin in (f"{name}.svg", f"{name}-dark.svg"):
            if twin not in shown:
                problems.append(f"{pages[0]}: shown without {twin}")
    return problems


def test_every_figure_a_page_shows_is_in_the_site(built_site: Build) -> None:
    shown = figures_shown(built_site.site)
    figures = {rel for rel in shown if rel.startswith("assets/figures/")}
    # Every source figure, light and dark, on some page (so none is untested).
    assert figures == {f"assets/figures/{s.stem}{v}.svg" for s in SOURCES for v in ("", "-dark")}
    missing = missing_figures(built_site.site, shown)
    assert not missing, "\n".join(missing)


def test_every_figure_has_a_dark_twin(built_site: Build) -> None:
    sources = sorted((ROOT / "docs" / "assets" / "figures").glob("*.svg"))
    assert len(sources) >= 5
    for source in sources:
        dark = built_site.site / "assets" / "figures" / f"{source.stem}-dark.svg"
        assert dark.exists(), dark
        assert dark.read_text() == dark_variant(source.read_text(), str(source))


@pytest.mark.parametrize("name", [s.stem for s in SOURCES])
def test_svg_files_are_small_safe_and_titled(built_site: Build, name: str) -> None:
    for variant in (name, f"{name}-dark"):
        path = built_site.site / "assets" / "figures" / f"{variant}.svg"
        assert path.is_file(), f"{path.name} is not in the built site"
        size = path.stat().st_size
        assert size <= 30 * 1024, f"{path.name}: {size} bytes"
        root = ET.parse(path).getroot()
        assert root.tag == f"{SVG}svg" and root.get("role") == "img", path.name
        assert "width" not in root.attrib and "height" not in root.attrib, "scales with viewBox"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and title.text.strip(), f"{path.name}: no <title>"
        assert desc is not None and len(desc.text.split()) >= 15, f"{path.name}: no <desc>"
        for element in root.iter():
            tag = element.tag.removeprefix(SVG)
            assert tag not in {"script", "image", "foreignObject"}, f"{path.name}: <{tag}>"
            for attribute in element.attrib:
                assert not attribute.lower().startswith("on"), f"{path.name}: {attribute}"


def test_figure_markup_has_alt_text_and_captions(built_site: Build) -> None:
    figures = 0
    for page in html_pages(built_site.site):
        text = page.read_text(encoding="utf-8")
        if "<img" not in text and "<figure" not in text:
            continue  # parsing is the slow part
        tree = BeautifulSoup(text, "html.parser")
        for img in tree.select("article img"):
            assert img.get("alt", "").strip(), f"{page}: image without alt text"
        # Figures of images; the pictures drawn from data (figure.dn-picture,
        # inline SVG) are checked in tests/test_patient_tools.py.
        for figure in tree.select("article figure:not(.dn-picture)"):
            figures += 1
            assert figure.select("img"), page
            caption = figure.select_one("figcaption")
            assert caption is not None and len(caption.get_text().split()) >= 10, page
            sources = [img["src"] for img in figure.select("img")]
            assert any(s.endswith("#only-light") for s in sources), page
            assert any(s.endswith("-dark.svg#only-dark") for s in sources), page
    assert figures >= 5
    # The lightbox is tried on every page with a figure.
    with_figures = {
        page.parent.relative_to(built_site.site).as_posix() + "/"
        for page in html_pages(built_site.site)
        if re.search(r"<figure(?![^>]*dn-picture)", page.read_text(encoding="utf-8"))
    }
    assert with_figures == set(FIGURE_PAGES)


@page_check("lightbox", viewings=DESKTOPS, paths=FIGURE_PAGES, order=2)
def lightbox_opens_and_closes(visit: Visit) -> list[str]:
    """Run by conftest's page passes, after axe, on each figure page's load."""
    page = visit.page
    # The link is an inline box around a block image: click the image.
    image = page.locator("article figure a.glightbox img:visible").first
    image.scroll_into_view_if_needed()
    wanted = "-dark.svg#only-dark" if visit.viewing.scheme == "dark" else ".svg#only-light"
    src = image.get_attribute("src") or ""
    assert src.endswith(wanted), f"the figure shown is {src}"
    # Lazy images load once in view: wait for it to decode, then check.
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0, "no image"
    caption = page.locator("article figure:has(a.glightbox) figcaption").first.inner_text()
    image.click()
    box = page.locator(".glightbox-container")
    box.wait_for(state="visible", timeout=5_000)
    shown = page.locator(".gslide.current .gslide-desc").inner_text(timeout=5_000)
    assert shown and shown.split()[:6] == caption.split()[:6], f"lightbox caption {shown!r}"
    page.keyboard.press("Escape")
    box.wait_for(state="detached", timeout=5_000)
    csp = page.evaluate("window.__csp")
    return [] if csp == [] else [f"Content-Security-Policy violations: {csp}"]


@pytest.mark.browser
@pytest.mark.page_checks("lightbox")
@pytest.mark.parametrize("viewing", DESKTOPS, ids=str)
def test_lightbox_opens_and_closes(page_pass, viewing) -> None:
    failures = page_pass(viewing).failures("lightbox", on=FIGURE_PAGES)
    assert not failures, f"{viewing}:\n" + "\n".join(failures)


def test_dark_variant_and_figure_preparation() -> None:
    from figures import caption_text, prepare_figures, viewbox_size

    svg = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 450">'
    assert dark_variant(svg, "x").endswith('viewBox="0 0 800 450" class="dark">')
    with pytest.raises(Exception, match="has a class"):
        dark_variant('<svg class="x">', "docs/assets/figures/x.svg")
    assert viewbox_size(svg) == ("800", "450")
    figure = (
        '<figure><a><img alt="A" src="../assets/figures/muscle.svg#only-light"></a>'
        '<a><img alt="A" src="../assets/figures/muscle-dark.svg#only-dark"></a>'
        '<figcaption>A taut band <sup class="dn-cite">[<a href="#r">1</a>]</sup>.</figcaption>'
        "</figure>"
    )
    assert caption_text(figure) == "A taut band."
    out = prepare_figures(figure, {"muscle": ("800", "450")})
    assert out.count('width="800" height="450"') == 2
    assert out.count('data-description="A taut band."') == 2
    assert prepare_figures("<p>No figure</p>", {}) == "<p>No figure</p>"
