"""The finished-page stage (hooks/finish.py): its order, and each step's
matching of the theme's tags whatever their attribute order and quoting."""

from __future__ import annotations

import re
from pathlib import Path

import finish
import material
import pytest
from lightbox import move_script
from loading import LOADER, load_after_paint
from stylesheets import stylesheet_links
from tags import content_of, elements, end_of, start_tags
from theme_fixes import ThemeChangedError, repair, search_dialog

THEME = Path(material.__file__).parent / "templates"


def test_the_stage_runs_its_steps_in_the_documented_order() -> None:
    documented = re.findall(r"^(\d)\. ([A-Za-z ]+?) \(hooks/", finish.__doc__, re.M)
    assert [int(n) for n, _ in documented] == list(range(1, len(finish.STEPS) + 1))
    assert [name.lower() for _, name in documented] == [name for name, _ in finish.STEPS]


def test_tags_are_read_whatever_the_quoting_and_order() -> None:
    html = "<p><SCRIPT id=a data-x='1 2' src=\"b.js\" async></SCRIPT><script>c()</script>"
    first, second = start_tags(html, "script")
    assert first.attrs == {"id": "a", "data-x": "1 2", "src": "b.js", "async": ""}
    assert html[first.start : end_of(html, first)] == (
        "<SCRIPT id=a data-x='1 2' src=\"b.js\" async></SCRIPT>"
    )
    assert content_of(html, second) == "c()"


def test_a_tag_quoted_inside_a_script_is_not_an_element() -> None:
    html = (
        '<script type="application/ld+json">{"n":"<script>x()<\\/script>"}</script>'
        "<script>y()</script>"
    )
    assert [content_of(html, t) for t, _ in elements(html, "script")] == [
        '{"n":"<script>x()<\\/script>"}',
        "y()",
    ]


def test_the_theme_search_dialog_is_named() -> None:
    # The theme's own partial, not a copy of its markup kept here.
    source = (THEME / "partials" / "search.html").read_text(encoding="utf-8")
    html = f'<label class="md-nav__link" for="x" tabindex="">A</label>{source}'
    fixed = repair(html, "x")
    assert 'tabindex=""' not in fixed
    assert search_dialog(fixed).attrs["aria-label"] == "Search"


@pytest.mark.parametrize(
    "html",
    [
        "<p>no dialog</p>",
        '<div class="md-search" data-md-component="search">',  # no longer a dialog
        '<div class="md-search" data-md-component="search" role="dialog" aria-label="Find">',
    ],
)
def test_theme_fixes_fail_loudly_when_the_theme_changes(html: str) -> None:
    with pytest.raises(ThemeChangedError, match=r"docs/x\.md: Material's search dialog"):
        repair(html, "docs/x.md")


def test_theme_fixes_read_any_attribute_order() -> None:
    fixed = repair("<div role=dialog data-md-component='search' class=\"md-search x\">", "x")
    assert fixed.endswith(' aria-label="Search">')


def test_the_lightbox_library_moves_next_to_its_set_up() -> None:
    page = (
        "<head><script src='../js/glightbox.min.js' defer=''></script></head>"
        '<body><p>x</p><script id="init-glightbox">const l = GLightbox({});</script></body>'
    )
    out = move_script(page)
    assert out.startswith("<head></head><body><p>x</p><script src='../js/glightbox.min.js'")
    assert "addEventListener('dn:scripts-loaded',()=>{const l = GLightbox({});}" in out


def test_external_scripts_are_loaded_after_paint_in_any_attribute_order() -> None:
    page = (
        "<body><script src='a.js'></script>\n<p>x</p>"
        '<script type="module" src="m.js"></script><script async src="b.js"></script>'
        "<script id=y defer src=c.js></script>\n</body>"
    )
    out = load_after_paint(page)
    assert out == (
        f'<body><script data-scripts="a.js c.js">{LOADER}</script>\n<p>x</p>'
        '<script type="module" src="m.js"></script><script async src="b.js"></script></body>'
    )


def test_stylesheet_links_are_found_in_any_attribute_order() -> None:
    html = (
        '<link href=\'a.css\' rel=stylesheet><link rel="preload" href="f.woff2">'
        '<link rel="stylesheet" href="../assets/stylesheets/glightbox.min.css">'
    )
    assert [t.attrs["href"] for t in stylesheet_links(html)] == ["a.css"]
