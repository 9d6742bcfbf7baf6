"""Quality gates in a real browser, on every page: WCAG 2.2 A/AA with axe-core
in both palettes at desktop and phone widths, no request to another host, no
Content-Security-Policy violation, no script error, no sideways scrolling on small phones, and
keyboard use (skip link, visible focus, search).

The per-page checks run on one load of each page per viewport and colour
scheme (conftest's page passes); each test reports every page that fails."""

from __future__ import annotations

import itertools

import pytest
from bs4 import BeautifulSoup
from conftest import (
    PHONES,
    VIEWINGS,
    Build,
    Visit,
    describe,
    goto,
    html_pages,
    page_check,
    run_axe,
    site_paths,
)
from test_browser import third_party

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Small phones: each page at the phone viewing's size and at these.
SMALL_SCREENS = [(360, 640), (320, 640)]


@pytest.fixture(scope="module")
def paths(built_site: Build) -> list[str]:
    found = site_paths(built_site.site)
    assert len(found) >= 30
    return found


# The checks, run by conftest's page passes on one load of each page.


@page_check("palette", order=0)
def palette_follows_the_system(visit: Visit) -> list[str]:
    expected = "slate" if visit.viewing.scheme == "dark" else "default"
    found = visit.page.evaluate("document.body.dataset.mdColorScheme")
    return [] if found == expected else [f"palette {found!r}, expected {expected!r}"]


@page_check("sideways", viewings=PHONES, order=0)
def no_sideways_scrolling(visit: Visit) -> list[str]:
    """At the phone's size and the small screens' (resized in place, then
    back, before axe runs on the page as loaded)."""
    page, problems = visit.page, []
    loaded = (visit.viewing.width, visit.viewing.height)
    for width, height in [loaded, *SMALL_SCREENS, loaded]:
        if page.viewport_size != {"width": width, "height": height}:
            page.set_viewport_size({"width": width, "height": height})
            # Let the theme's scripts see the resize before measuring.
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r)))")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems.append(f"{overflow}px wider than a {width}x{height} screen")
    return list(dict.fromkeys(problems))


@page_check("reference lists as loaded", viewings=PHONES, order=0, uses_axe=True)
def reference_lists_pass_contrast_as_loaded(visit: Visit) -> list[str]:
    """Colour contrast on the reference lists as a page loads, without the
    rendering run_axe forces: Lighthouse checks them that way, and an entry
    that content-visibility skips there reads as text on the header's colour
    (axe-core#2768), which cost a page its accessibility 100 (make bench)."""
    if not visit.page.locator("ol.dn-references, ol.dn-bibliography").count():
        return []
    violations = visit.page.evaluate(
        """() => axe.run({include: [['ol.dn-references'], ['ol.dn-bibliography']]},
             {resultTypes: ['violations'],
              runOnly: {type: 'rule', values: ['color-contrast']}})
           .then(r => r.violations)"""
    )
    return [describe(violations)] if violations else []


@page_check("axe", order=1, uses_axe=True)
def passes_axe(visit: Visit) -> list[str]:
    violations = run_axe(visit.page, tags=AXE_TAGS)
    return [describe(violations)] if violations else []


@page_check("csp", order=3)
def no_csp_violation(visit: Visit) -> list[str]:
    csp = visit.page.evaluate("window.__csp")
    if csp is None:
        return ["the Content-Security-Policy watcher (WATCH_CSP) did not run"]
    return [f"Content-Security-Policy violations: {csp}"] if csp else []


@page_check("script errors", order=3)
def no_script_error(visit: Visit) -> list[str]:
    # The 404 page's own status is the one error it should log.
    return [e for e in visit.errors if not (visit.path == "no-such-page/" and "status of 404" in e)]


@page_check("requests", order=3)
def stays_local(visit: Visit) -> list[str]:
    if not visit.requests:
        return ["no request recorded (is the request log working?)"]
    return [f"request to another host: {url}" for url in third_party(visit.requests)]


@pytest.mark.page_checks("palette", "axe", "csp", "script errors", "requests")
@pytest.mark.parametrize("viewing", VIEWINGS, ids=str)
def test_every_page_passes_axe_and_stays_local(page_pass, paths: list[str], viewing) -> None:
    """Axe (WCAG 2.2 A/AA, both palettes' contrast included), no request to
    another host, no CSP violation and no script error, on every page."""
    failures = page_pass(viewing).failures(
        "palette", "axe", "csp", "script errors", "requests", on=paths
    )
    assert not failures, f"{viewing}:\n" + "\n".join(failures)


@pytest.mark.page_checks("reference lists as loaded")
@pytest.mark.parametrize("viewing", PHONES, ids=str)
def test_reference_lists_pass_contrast_as_lighthouse_loads_them(
    page_pass, paths: list[str], viewing
) -> None:
    failures = page_pass(viewing).failures("reference lists as loaded", on=paths)
    assert not failures, f"{viewing}:\n" + "\n".join(failures)


@pytest.mark.page_checks("sideways")
@pytest.mark.parametrize("viewing", PHONES, ids=str)
def test_no_sideways_scrolling_on_small_phones(page_pass, paths: list[str], viewing) -> None:
    failures = page_pass(viewing).failures("sideways", on=paths)
    assert not failures, f"{viewing}:\n" + "\n".join(failures)


def test_pages_declare_language_and_order_headings(built_site: Build) -> None:
    pages = html_pages(built_site.site)
    assert len(pages) >= 30
    for page in pages:
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
