"""Quality gates in a real browser, on every page: WCAG 2.2 A/AA with axe-core
in both palettes at desktop and phone widths, no request to another host, no
Content-Security-Policy violation, no script error, no sideways scrolling on small phones, and
keyboard use (skip link, visible focus, search)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import WATCH_CSP, Build, describe, goto, html_pages, run_axe, with_axe
from test_browser import third_party

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CONFIGS = [
    ("light", 1280, 900),
    ("dark", 1280, 900),
    ("light", 360, 740),
    ("dark", 360, 740),
]


def page_paths(site: Path) -> list[str]:
    """Every page's path from the site root; the 404 page at an unknown address."""
    paths = []
    for page in html_pages(site):
        rel = page.relative_to(site).as_posix()
        paths.append("no-such-page/" if rel == "404.html" else rel.removesuffix("index.html"))
    return paths


@pytest.fixture(scope="module")
def paths(built_site: Build) -> list[str]:
    found = page_paths(built_site.site)
    assert len(found) >= 30
    return found


@pytest.mark.parametrize(("scheme", "width", "height"), CONFIGS, ids=lambda v: str(v))
def test_every_page_passes_axe_and_stays_local(
    browser, site_url: str, paths: list[str], scheme: str, width: int, height: int
) -> None:
    ctx = with_axe(
        browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    )
    requests: list[str] = []
    ctx.on("request", lambda r: requests.append(r.url))
    ctx.add_init_script(WATCH_CSP)
    failures = []
    errors: list[str] = []
    try:
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                # The 404 page's own status is the one error it should log.
                and not ("status of 404" in m.text and "no-such-page" in page.url)
                and errors.append(f"{page.url}: {m.text}")
            ),
        )
        for path in paths:
            goto(page, site_url + path, wait_until="load")
            expected = "slate" if scheme == "dark" else "default"
            assert page.evaluate("document.body.dataset.mdColorScheme") == expected, path
            if violations := run_axe(page, tags=AXE_TAGS):
                failures.append(f"/{path}:\n{describe(violations)}")
            if csp := page.evaluate("window.__csp"):
                failures.append(f"/{path}: Content-Security-Policy violations: {csp}")
    finally:
        ctx.close()
    assert third_party(requests) == [], "requests to other hosts"
    assert not errors, "script errors:\n" + "\n".join(errors)
    assert not failures, f"{scheme} {width}px:\n" + "\n".join(failures)


@pytest.mark.parametrize("width", [320, 360])
def test_no_sideways_scrolling_on_small_phones(
    browser, site_url: str, paths: list[str], width: int
) -> None:
    ctx = browser.new_context(viewport={"width": width, "height": 640})
    wide = []
    try:
        page = ctx.new_page()
        for path in paths:
            goto(page, site_url + path, wait_until="load")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                wide.append(f"/{path}: {overflow}px wider than the screen")
    finally:
        ctx.close()
    assert not wide, "\n".join(wide)


def test_pages_declare_language_and_order_headings(built_site: Build) -> None:
    for page in html_pages(built_site.site):
        tree = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert tree.html.get("lang") == "en", page
        levels = [
            int(h.name[1])
            for h in tree.select(
                "article h1, article h2, article h3, article h4, article h5, article h6"
            )
        ]
        assert levels and levels[0] == 1 and levels.count(1) == 1, f"{page}: {levels[:5]}"
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{page}: heading h{before} is followed by h{after}"


def test_skip_link_leads_to_the_content(context, site_url: str) -> None:
    """The first Tab shows the skip link; Enter on it brings its target, in
    the article, into view below the header, and the next Tab stays in the
    article instead of walking the header and the navigation."""
    page = context.new_page()
    goto(page, site_url + "safety/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
        " return {cls: e.className, text: e.textContent.trim(), w: r.width, h: r.height,"
        " top: r.top, target: (e.hash || '').slice(1)}; })()"
    )
    assert "md-skip" in focused["cls"] and "Skip to content" in focused["text"]
    assert focused["w"] > 0 and focused["h"] > 0 and focused["top"] >= 0, "skip link is hidden"
    target = focused["target"]
    in_article = "id => document.querySelector('article').contains(document.getElementById(id))"
    assert target and page.evaluate(in_article, target), f"the skip link leads to #{target}"
    page.keyboard.press("Enter")
    for _ in range(40):  # polled: the pages' CSP forbids wait_for_function's eval
        page.wait_for_timeout(50)
        if page.evaluate("location.hash") == f"#{target}":
            break
    assert page.evaluate("location.hash") == f"#{target}", "Enter did not follow the skip link"
    page.wait_for_timeout(200)  # for a smooth scroll to end
    top, header, height = page.evaluate(
        "id => [document.getElementById(id).getBoundingClientRect().top,"
        " document.querySelector('.md-header').getBoundingClientRect().bottom, innerHeight]",
        target,
    )
    assert header <= top < height / 2, f"#{target} is at {top}px, the header ends at {header}px"
    page.keyboard.press("Tab")
    after = page.evaluate(
        """id => { const e = document.activeElement, t = document.getElementById(id);
          return [document.querySelector('article').contains(e),
                  t.contains(e) || !!(t.compareDocumentPosition(e)
                                      & Node.DOCUMENT_POSITION_FOLLOWING),
                  e.tagName + ' ' + e.textContent.trim().slice(0, 30)]; }""",
        target,
    )
    assert after[0] and after[1], f"the Tab after the skip link went to {after[2]}"


# How an element (and, for Material's visually hidden inputs, its label) looks:
# focus must change it visibly.
LOOK = """el => {
  const next = el.nextElementSibling;
  const parts = [el, el.id ? document.querySelector(`label[for="${el.id}"]`) : null,
                 next && next.tagName === "LABEL" ? next : null];
  return parts.filter(Boolean).map(e => {
    const s = getComputedStyle(e);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor,
            s.borderColor, s.color, s.textDecorationLine, s.textDecorationThickness].join("|");
  }).join("||");
}"""


def test_keyboard_focus_is_visible(context, site_url: str) -> None:
    page = context.new_page()
    goto(page, site_url + "conditions/neck-pain/")
    checked = []
    for _ in range(30):
        page.keyboard.press("Tab")
        element = page.evaluate_handle("document.activeElement")
        if page.evaluate("e => e === document.body || e.getClientRects().length === 0", element):
            continue
        name = page.evaluate(
            "e => `${e.tagName}.${e.className} ${(e.textContent || e.id).trim().slice(0, 30)}`",
            element,
        )
        focused = page.evaluate(LOOK, element)
        page.evaluate("e => e.blur()", element)
        unfocused = page.evaluate(LOOK, element)
        page.evaluate("e => e.focus({focusVisible: true})", element)
        assert focused != unfocused, f"no visible focus indicator on {name}"
        checked.append(name)
    assert len(checked) >= 10, checked


def test_search_works_with_the_keyboard_alone(context, site_url: str) -> None:
    page = context.new_page()
    goto(page, site_url)
    page.keyboard.press("/")
    page.keyboard.type("collapsed lung", delay=20)
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/safety/**", timeout=10_000)
    assert "/safety/" in page.url
