"""hooks/stylesheets.py: one stylesheet, cut down to the rules the site uses.

The unit tests pin down what may be cut. The browser test is the one that
matters: no rule that was cut matches anything on any page, after the
interactions that make the theme's script add markup (search results, the
back-to-top button, the navigation drawer on a phone).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tinycss2
from bs4 import BeautifulSoup
from conftest import (
    DESKTOPS,
    Build,
    Visit,
    goto,
    html_pages,
    page_check,
    site_paths,
    wait_for_scripts,
)
from stylesheets import (
    OUTPUT,
    Names,
    choose,
    dropped,
    gather,
    index,
    relink,
    requirements,
    used_names,
)
from test_browser import search


def names(**kw) -> Names:
    sets = {k: set(kw.get(k, ())) for k in ("classes", "ids", "tags", "attributes", "values")}
    return Names(**sets, words=set(kw.get("words", ())))


def needs(selector: str) -> list[list]:
    return requirements(tinycss2.parse_component_value_list(selector))


def test_what_a_selector_needs() -> None:
    assert needs(".a .b>p") == [["class", "a"], ["class", "b"], ["tag", "p"]]
    assert needs("#x:hover::before") == [["id", "x"]]
    assert needs("[dir=rtl] .a:not(.gone)") == [["attr", "dir", "rtl"], ["class", "a"]]
    assert needs("input[type=checkbox]:checked") == [
        ["tag", "input"],
        ["attr", "type", "checkbox"],
    ]
    assert needs('img[src$="#only-dark"]') == [["tag", "img"], ["attr", "src", None]]


def test_rules_that_cannot_match_go_and_the_rest_stay_in_order() -> None:
    css = (
        ":root{--used:red;--unused:blue;--chain:var(--used)}.a{--unused:1}"
        ".a{color:var(--chain)}.gone{color:var(--unused)}"
        "@media screen{.gone{x:y}.a,.gone b{z:w}}"
        "[dir=rtl] .a{left:0}[dir=ltr] .a{right:0}"
        ".md-search-result__item{a:b}.md-annotation{c:d}.js .a{e:f}.c1{g:h}"
        "@keyframes spin{to{transform:rotate(1turn)}}@keyframes gone{to{opacity:0}}"
        ".a{animation:spin 1s}"
        "[data-md-color-switching] *{transition-duration:0s}"
    )
    site = names(
        classes={"a", "md-search-result"},
        tags={"b"},
        attributes={"dir"},
        values={"ltr"},
        words={"md-search-result__item", "md-annotation", "c1", "rtl", "data-md-color-switching"},
    )
    out = choose([index(css)], site)
    assert out == (
        ":root{--used:red;--chain:var(--used);}"
        ".a{color:var(--chain);}"
        "@media screen{.a{z:w;}}"
        "[dir=ltr] .a{right:0;}"
        ".md-search-result__item{a:b;}.js .a{e:f;}"
        "@keyframes spin{to{transform:rotate(1turn)}}"
        ".a{animation:spin 1s;}"
    )
    assert ".gone" in dropped(index(css), site)


def test_attributes_count_only_as_attributes() -> None:
    pages = [
        # In a value, a longer name or before punctuation: not the attribute.
        # (A word in text followed by a space does count: that only keeps a rule.)
        '<details open><summary>a</summary></details><p data-note="hidden x">a hidden.</p>',
        '<p data-role="x">a</p>',
        '<input type="radio" checked/><p class="dir">left to right: dir</p>',
    ]
    wanted = {"open", "hidden", "checked", "dir", "role"}
    assert used_names(pages, [], wanted).attributes == {"open", "checked"}


def test_pages_link_the_one_stylesheet() -> None:
    from stylesheets import Build as Gathered

    build = Gathered(Path("/nowhere"))
    build.links = ["assets/main.css", "extra.css"]
    html = (
        '<head><link rel="stylesheet" href="../assets/main.css">'
        '<link rel="stylesheet" href="../extra.css">'
        '<link rel="stylesheet" href="../assets/stylesheets/glightbox.min.css"></head>'
        '<body class="x"></body>'
    )
    to = {"../assets/main.css": "assets/main.css", "../extra.css": "extra.css"}
    out = relink(html, "docs/x.md", build, to.get)
    assert out == (
        f'<head><link rel="stylesheet" href="../{OUTPUT}">'
        '<link rel="stylesheet" href="../assets/stylesheets/glightbox.min.css"></head>'
        '<body class="x"></body>'
    )
    assert "x" in build.pages["docs/x.md"].classes
    with pytest.raises(Exception, match=r"docs/y\.md links other stylesheets"):
        relink('<link rel="stylesheet" href="../extra.css">', "docs/y.md", build, to.get)


def test_pages_a_dirty_build_did_not_render_keep_their_names(tmp_path: Path) -> None:
    from stylesheets import Build as Gathered
    from stylesheets import site_names

    build = Gathered(tmp_path, attributes={"open"})
    build.expected = {"docs/a.md": "a/index.html", "docs/b.md": "b/index.html", "x": "x.html"}
    build.pages["docs/a.md"] = names = site_names(Gathered(tmp_path), {})[0]
    names.classes.add("from-a")
    (tmp_path / "x.html").write_text('<details open class="from-x"></details>', "utf-8")
    kept = {
        "docs/b.md": {
            "candidates": ["open"],
            "names": {k: [] for k in ("ids", "tags", "attributes", "values", "classed")}
            | {"classes": ["from-b"]},
        },
        "docs/gone.md": {"candidates": [], "names": {"classes": ["gone"]}},
    }
    merged, keep = site_names(build, kept)
    assert {"from-a", "from-b", "from-x"} <= merged.classes and "gone" not in merged.classes
    assert "open" in merged.attributes
    assert set(keep) == {"docs/a.md", "docs/b.md", "x"}


def test_every_page_links_only_the_combined_stylesheet(built_site: Build) -> None:
    combined = built_site.site / OUTPUT
    inputs = [
        *(built_site.site / "assets" / "stylesheets").glob("main.*.min.css"),
        *(built_site.site / "assets" / "stylesheets").glob("palette.*.min.css"),
        built_site.site / "stylesheets" / "extra.css",
    ]
    assert combined.stat().st_size < 0.6 * sum(p.stat().st_size for p in inputs)
    for page in html_pages(built_site.site):
        links = [
            link["href"]
            for link in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(
                'link[rel="stylesheet"]'
            )
        ]
        assert links[0].endswith(OUTPUT), page
        assert all("glightbox" in h for h in links[1:]), (page, links)


def test_table_rules_do_not_select_on_the_class_attribute() -> None:
    css = ".t table:not([class]) td{a:b}.x:not([class]){c:d}"
    site = names(classes={"t", "x"}, tags={"table", "td"})
    assert choose([index(css)], site) == (
        ".t table:not(.dn-no-such-class) td{a:b;}.x:not([class]){c:d;}"
    )
    site.classed.add("table")  # a page has a table with a class: keep the theme's
    assert choose([index(css)], site) == ".t table:not([class]) td{a:b;}.x:not([class]){c:d;}"
    gathered = names()
    gather(gathered, '<table>\n<table class="x">', set())
    assert gathered.classed == {"table"}


@pytest.mark.browser
def test_tables_keep_the_theme_style_without_class_selectors(
    browser, site_url: str, built_site: Build
) -> None:
    assert "[class]" not in (built_site.site / OUTPUT).read_text(encoding="utf-8")
    page = browser.new_page()
    try:
        goto(page, site_url + "conditions/")
        style = page.evaluate(
            """() => { const s = getComputedStyle(document.querySelector('.md-typeset table'));
                       return [s.display, s.borderTopStyle]; }"""
        )
        assert style == ["inline-block", "solid"]
    finally:
        page.close()


@pytest.mark.browser
def test_the_palette_start_up_restyles_nothing(browser, site_url: str) -> None:
    """The theme's script marks <body> while the palette mounts; no rule may
    depend on that mark, or every element is restyled on every page load."""
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        goto(page, site_url + "references/")
        wait_for_scripts(page)
        durations = page.evaluate(
            """() => {
                const read = () => [...document.querySelectorAll('*')].map(
                    e => getComputedStyle(e).transitionDuration).join();
                const before = read();
                document.body.setAttribute('data-md-color-switching', '');
                const during = read();
                document.body.removeAttribute('data-md-color-switching');
                return [before, during];
            }"""
        )
        assert "0.25s" in durations[0] or "0.125s" in durations[0]  # transitions exist
        assert durations[0] == durations[1]
    finally:
        ctx.close()


# Pseudo-elements and pseudo-classes that depend on state or position: taken
# off before asking whether a removed selector matches, which makes it match
# more, never less. Functional ones (:not(), :is(), :nth-child()...) stay.
PSEUDO = re.compile(r"::?-?[a-zA-Z][\w-]*(?![\w(-])")


def _removed_selectors(site: Path) -> list[str]:
    pages = [p.read_text(encoding="utf-8") for p in html_pages(site)]
    scripts = [p.read_text(encoding="utf-8") for p in (site / "assets/javascripts").glob("*.js")]
    sheets = [
        *(site / "assets" / "stylesheets").glob("main.*.min.css"),
        *(site / "assets" / "stylesheets").glob("palette.*.min.css"),
        site / "stylesheets" / "extra.css",
    ]
    indexes = [index(p.read_text(encoding="utf-8")) for p in sheets]
    from stylesheets import attributes_in

    wanted = set().union(*(attributes_in(i) for i in indexes))
    used = used_names(pages, scripts, wanted)
    selectors = {PSEUDO.sub("", s).strip() for i in indexes for s in dropped(i, used)}
    return sorted(s for s in selectors if s)


FIND = """(selectors) => {
    // One querySelector per selector walks the page 800 times: test them in
    // groups of 50 and look at single selectors only in a group that matches.
    const valid = [];
    let invalid = 0;
    for (const s of selectors) {
        try { document.createDocumentFragment().querySelector(s); valid.push(s); }
        catch (e) { invalid++; }
    }
    const found = [];
    for (let i = 0; i < valid.length; i += 50) {
        const group = valid.slice(i, i + 50);
        if (document.querySelector(group.join(','))) {
            for (const s of group) if (document.querySelector(s)) found.push(s);
        }
    }
    return {found, invalid};
}"""


_REMOVED: dict[Path, list[str]] = {}


def removed_selectors(site: Path) -> list[str]:
    """The selectors of the rules the build cut, worked out once per site."""
    if site not in _REMOVED:
        _REMOVED[site] = _removed_selectors(site)
        assert len(_REMOVED[site]) > 500  # the test has something to test
    return _REMOVED[site]


# In the shared page pass (conftest.py), so each page is loaded once per
# viewing; before axe (order 0), on the page as the reader gets it.
@page_check("removed rules", viewings=DESKTOPS, order=0)
def matches_no_removed_rule(visit: Visit) -> list[str]:
    removed = removed_selectors(visit.site)
    result = visit.page.evaluate(FIND, removed)
    problems = [f"removed CSS rule matches: {s}" for s in result["found"]]
    if result["invalid"] >= len(removed) / 10:
        problems.append(f"{result['invalid']} of the selectors do not parse")
    return problems


@pytest.mark.browser
@pytest.mark.page_checks("removed rules")
@pytest.mark.parametrize("viewing", DESKTOPS, ids=str)
def test_no_removed_rule_matches_any_page(page_pass, built_site: Build, viewing) -> None:
    failures = page_pass(viewing).failures("removed rules", on=site_paths(built_site.site))
    assert not failures, f"{viewing}:\n" + "\n".join(failures)


@pytest.mark.browser
def test_no_removed_rule_matches_after_interactions(
    browser, site_url: str, built_site: Build
) -> None:
    """Markup the theme's script adds only when a reader acts."""
    removed = removed_selectors(built_site.site)
    problems: list[str] = []

    def check(page, where: str) -> None:
        result = page.evaluate(FIND, removed)
        assert result["invalid"] < len(removed) / 10, result["invalid"]
        problems.extend(f"{where}: {s}" for s in result["found"])

    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        # Markup the theme's script adds: search results, back to top.
        goto(page, site_url + "conditions/neck-pain/")
        search(page, "needle")
        check(page, "search results")
        page.keyboard.press("Escape")
        page.mouse.wheel(0, 3000)
        page.mouse.wheel(0, -500)
        page.wait_for_timeout(300)
        check(page, "scrolled")
        # The navigation drawer on a phone.
        page.set_viewport_size({"width": 360, "height": 740})
        page.locator("label.md-header__button[for=__drawer]").click()
        page.wait_for_timeout(300)
        check(page, "drawer")
    finally:
        ctx.close()
    assert not problems, "removed CSS rules that match:\n" + "\n".join(problems)
