"""What a reader gets in a real browser: Debian's headless Chromium, driven by
Playwright, against the built site served on loopback."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from urllib.parse import urlsplit

import pytest
from conftest import Build, goto, wait_for_scripts

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def third_party(requests: list[str]) -> list[str]:
    return [
        url
        for url in requests
        if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
        and urlsplit(url).hostname not in LOCAL_HOSTS
    ]


def a_word_on_one_page(built_site: Build) -> tuple[str, str]:
    """A word of the site's own text found on exactly one page, and that page.

    Search stems words and matches prefixes, so the word's stem-like prefix
    (all but its last three letters) must also be on no other page."""
    index = json.loads((built_site.site / "search" / "search_index.json").read_text())
    pages_of = defaultdict(set)
    for doc in index["docs"]:
        page = doc["location"].split("#")[0]
        for word in re.findall(r"[a-z]{5,}", (doc["title"] + " " + doc["text"]).lower()):
            pages_of[word[:5]].add(page)
            pages_of[word].add(page)
    unique = sorted(
        (w, next(iter(pages_of[w])))
        for w in pages_of
        if len(w) >= 9
        and len(pages_of[w]) == 1
        and all(pages_of.get(w[:n], pages_of[w]) == pages_of[w] for n in range(5, len(w) - 2))
    )
    assert unique, "no word is found on exactly one page"
    return unique[len(unique) // 2]


def search(page, query: str):
    """Type ``query`` into the search box, opened from the keyboard as a reader
    would ("/" is Material's shortcut); return the result links."""
    wait_for_scripts(page)
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    assert box.evaluate("el => el === document.activeElement"), "'/' did not focus the search"
    box.press_sequentially(query, delay=20)
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=10_000)
    return results


def test_home_page_loads_with_the_disclaimer_in_view(context, site_url: str) -> None:
    page = context.new_page()
    response = goto(page, site_url)
    assert response is not None and response.status == 200
    assert "Dry Needling Guide" in page.title()
    notice = page.locator("section.dn-disclaimer")
    assert notice.count() == 1
    # Visible without hunting: inside the first screen, on a desktop and a phone.
    for width, height in [(1280, 900), (360, 740)]:
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        box = notice.bounding_box()
        assert box is not None and notice.is_visible()
        assert box["y"] + box["height"] <= height, f"notice below the fold at {width}px"


def test_search_finds_the_page_a_word_is_on(context, site_url: str, built_site: Build) -> None:
    word, expected = a_word_on_one_page(built_site)
    page = context.new_page()
    goto(page, site_url)
    href = search(page, word).first.get_attribute("href") or ""
    assert urlsplit(href).path.endswith("/" + expected) or href.startswith(expected), (
        f"searching {word!r}: first result {href}, expected {expected}"
    )


def test_palette_toggle_switches_and_is_remembered(context, site_url: str) -> None:
    page = context.new_page()
    goto(page, site_url)

    def scheme() -> str:
        return page.evaluate("document.body.getAttribute('data-md-color-scheme')")

    start = scheme()
    for _ in range(3):  # system -> light -> dark, whatever the start
        if scheme() == "slate":
            break
        page.locator("form[data-md-component='palette'] label:visible").first.click()
    assert scheme() == "slate" and start != "slate"
    page.reload()
    assert scheme() == "slate", "the dark palette was not remembered"
    goto(page, site_url + "safety/")
    assert scheme() == "slate", "the dark palette was not kept on another page"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_browser_chrome_follows_the_palette_without_a_meta_tag(
    browser, site_url: str, scheme: str
) -> None:
    """The theme's <meta name="color-scheme"> restyled the whole page on each
    load (hooks/theme_script.py); the root's color-scheme does its work."""
    ctx = browser.new_context(color_scheme=scheme)
    try:
        page = ctx.new_page()
        goto(page, site_url + "references/")

        def state() -> tuple[str, str, int]:
            return page.evaluate(
                "[document.body.dataset.mdColorScheme,"
                " getComputedStyle(document.documentElement).colorScheme,"
                " document.querySelectorAll('meta[name=color-scheme]').length]"
            )

        expected = {"default": "normal", "slate": "dark"}
        body, root, metas = state()
        assert metas == 0, "the theme's script still adds <meta name=color-scheme>"
        assert body == {"light": "default", "dark": "slate"}[scheme]
        assert root == expected[body]
        # Switching palette by hand: the root follows.
        for _ in range(2):  # system -> light -> dark
            page.locator("form[data-md-component='palette'] label:visible").first.click()
            if state()[0] != body:
                break
        switched, root, metas = state()
        assert switched != body and root == expected[switched] and metas == 0
    finally:
        ctx.close()


def test_no_request_leaves_the_machine(context, site_url: str) -> None:
    page = context.new_page()
    goto(page, site_url)
    # A link, search (a web worker), a 404.
    page.locator("a.md-nav__link[href$='safety/']").first.click()
    page.wait_for_url("**/safety/")
    search(page, "needle")
    goto(page, site_url + "no-such-page/")
    page.wait_for_load_state("networkidle")
    assert len(context.requests) > 5
    assert third_party(context.requests) == []


# Material's default palette fails AA contrast in places; ours must not: axe's
# contrast rule runs on every page in both palettes, on the one load of each
# page per viewing (test_accessibility.test_every_page_passes_axe_and_stays_local).


def test_abbreviation_tooltips_open_from_the_keyboard(browser, site_url: str) -> None:
    """Focus each abbreviation on a small phone: its meaning appears (and not
    before), and never makes the page wider than the screen."""
    ctx = browser.new_context(viewport={"width": 320, "height": 640})
    bubble = """() => {
        const s = getComputedStyle(document.activeElement, "::after");
        return {content: s.content, display: s.display, position: s.position};
    }"""
    try:
        page = ctx.new_page()
        goto(page, site_url + "conditions/neck-pain/")
        abbrs = page.locator("article abbr[title]")
        assert abbrs.count() >= 5
        first = abbrs.first
        assert first.evaluate("e => getComputedStyle(e, '::after').content") == "none"
        for i in range(abbrs.count()):
            abbr = abbrs.nth(i)
            meaning = abbr.get_attribute("title")
            abbr.focus()
            assert page.evaluate("document.activeElement.tagName") == "ABBR"
            shown = page.evaluate(bubble)
            assert shown["content"] == json.dumps(meaning), shown
            assert shown["position"] == "absolute"
            width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            assert width[0] <= width[1], f"{meaning}: the page scrolls sideways"
    finally:
        ctx.close()


def test_the_page_paints_before_the_theme_script_loads(context, site_url: str) -> None:
    """The theme's script is requested only after the first contentful paint,
    and then runs: the palette toggle and search work."""
    page = context.new_page()
    goto(page, site_url + "conditions/neck-pain/", wait_until="load")
    page.wait_for_function("typeof document$ !== 'undefined'", timeout=10_000)
    paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
    fetched = page.evaluate(
        "performance.getEntriesByType('resource')"
        ".find(e => e.name.includes('/javascripts/bundle.')).startTime"
    )
    assert paint < fetched, (paint, fetched)
    assert search(page, "needle").count() > 0


def test_reference_lists_skip_work_off_screen_but_keep_numbers_and_deep_links(
    context, site_url: str
) -> None:
    """Reference entries off screen are not laid out until needed
    (content-visibility, docs/stylesheets/extra.css); their numbers are drawn
    inside each entry, where that containment does not clip them, and a link
    to the last entry still brings it into view."""
    page = context.new_page()
    page.set_viewport_size({"width": 412, "height": 823})
    goto(page, site_url + "references/")
    entries = page.locator("ol.dn-bibliography[role=list] > li")
    count = entries.count()
    assert count > 100
    geometry = entries.nth(count - 1).evaluate(
        """li => { const s = getComputedStyle(li), n = getComputedStyle(li, '::before');
          return [s.contentVisibility, parseFloat(s.paddingLeft), parseFloat(n.marginLeft),
                  parseFloat(n.minWidth), n.content,
                  getComputedStyle(li.parentElement).listStyleType]; }"""
    )
    visibility, padding, margin, width, content, list_style = geometry
    assert visibility == "auto"
    assert content.startswith("counter(") and list_style == "none"
    # The number starts at the padding's left edge, inside the entry's box.
    assert margin == -padding and width >= padding > 0

    last = entries.nth(count - 1).get_attribute("id")
    goto(page, f"{site_url}references/#{last}")
    page.wait_for_timeout(500)
    top, bottom = page.evaluate(
        "id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return [r.top, r.bottom]; }",
        last,
    )
    assert 0 <= top < 823 and bottom > top, (top, bottom)

    page.emulate_media(media="print")
    assert entries.first.evaluate("li => getComputedStyle(li).contentVisibility") == "visible"
