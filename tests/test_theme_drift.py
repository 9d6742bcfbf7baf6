"""The partials copied whole from Material to make one change each stay
Material's, with that change and nothing else, and the change does its work.

A patch release of Material can change the original partial; the copy in
overrides/ would then silently serve the old one. The first tests compare each
copy with the installed theme's partial after applying the intended change,
stated here as data; the browser tests check that the palette change does
what it is for: a reader whose system is dark gets the dark palette at first
paint, before the theme's script (loaded after the first paint,
hooks/loading.py) has run."""

from __future__ import annotations

import difflib
import re
import sys
from importlib.metadata import version
from pathlib import Path

import material
import pytest
from conftest import ROOT, WATCH_CSP

THEME = Path(material.__file__).parent / "templates"
OVERRIDES = ROOT / "overrides"

# palette.html: Material's script applies only a palette saved on an earlier
# visit; ours also applies the first palette option on a first visit.
READ_SAVED = 'var palette=__md_get("__palette");'
FIRST_VISIT = (
    'if(!palette){var first=document.querySelector("input[data-md-color-media]");'
    'first&&(palette={color:{media:first.getAttribute("data-md-color-media")}})}'
)

# Each copied partial: the one change, as edits applied in order to the
# theme's text (after normalise()); the result must equal the override.
EXPECTED: dict[str, list[tuple[str, str, str]]] = {
    "partials/javascripts/palette.html": [("replace", READ_SAVED, READ_SAVED + FIRST_VISIT)],
    "partials/source.html": [
        (
            "replace",
            ' class="md-source" data-md-component="source">',
            ' class="md-source">',
        )
    ],
}

# The change in words, for the failure message.
CHANGE = {
    "partials/javascripts/palette.html": (
        f"insert, right after `{READ_SAVED}`, the statement `{FIRST_VISIT}` "
        "(on a first visit, apply the first palette option, so a dark-mode reader "
        "does not see the page switch from light to dark)"
    ),
    "partials/source.html": (
        'remove ` data-md-component="source"` from the <a class="md-source"> '
        "(that component makes every reader's browser ask api.github.com)"
    ),
}

# The explanatory Jinja comment at the top of a template ({#- ... -#}).
TOP_COMMENT = re.compile(r"\A\s*\{#-?.*?-?#\}", re.S)


def material_version() -> str:
    return version("mkdocs-material")


def normalise(text: str) -> str:
    """A template without its top comment, each line stripped, blank lines
    dropped: differences there change nothing a reader gets."""
    text = TOP_COMMENT.sub("", text, count=1)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def apply_change(name: str, theme_text: str) -> str:
    """The theme's partial with the intended change applied; AssertionError
    (with what to do) if a fragment the change is made at is not there once."""
    text = normalise(theme_text)
    for op, old, new in EXPECTED[name]:
        assert op == "replace", op
        found = text.count(old)
        if found != 1:
            raise AssertionError(
                advice(name, f"{old!r}, where the change is made, is in it {found} times, not once")
            )
        text = text.replace(old, new)
    return text


def advice(name: str, detail: str) -> str:
    return (
        f"Material's {name} changed (mkdocs-material {material_version()}), or "
        f"overrides/{name} was edited beyond its one change: re-copy "
        f"{THEME / name} into overrides/{name} (keeping its comment) and re-apply "
        f"the one change: {CHANGE[name]}. If the change itself must be written "
        f"differently now, update EXPECTED in tests/test_theme_drift.py.\n{detail}"
    )


def drift(name: str, theme_text: str, override_text: str) -> str | None:
    """None if ``override_text`` is ``theme_text`` with the intended change and
    nothing else; otherwise the failure message, with the difference."""
    try:
        expected = apply_change(name, theme_text)
    except AssertionError as error:
        return str(error)
    actual = normalise(override_text)
    if actual == expected:
        return None
    diff = difflib.unified_diff(
        expected.splitlines(),
        actual.splitlines(),
        f"Material's {name} + the one change",
        f"overrides/{name}",
        lineterm="",
    )
    return advice(name, "\n".join(diff) + "\n" + first_difference(expected, actual))


def first_difference(expected: str, actual: str) -> str:
    """Where two texts part, with some context: the scripts are one long line."""
    at = next(
        (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
        min(len(expected), len(actual)),
    )
    start = max(0, at - 40)
    return (
        f"first difference at character {at}:\n"
        f"  expected ...{expected[start : at + 40]!r}\n"
        f"  override ...{actual[start : at + 40]!r}"
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_copied_partial_is_the_theme_s_with_one_change(name: str) -> None:
    theme_text = (THEME / name).read_text(encoding="utf-8")
    override_text = (OVERRIDES / name).read_text(encoding="utf-8")
    problem = drift(name, theme_text, override_text)
    assert problem is None, problem


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_change_in_the_theme_s_partial_fails_the_comparison(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison test above, run against a theme whose partial differs."""
    original = (THEME / name).read_text(encoding="utf-8")
    override = (OVERRIDES / name).read_text(encoding="utf-8")
    last = original.rstrip().rsplit("\n", 1)[-1]
    upstream_fixes = {
        # A patch release edits the partial away from the change.
        "elsewhere": original.replace(last, last.replace("<", "<!-- fixed -->\n<", 1)),
        # ... or rewrites the text the change is made at.
        "at the change": original.replace(EXPECTED[name][0][1], EXPECTED[name][0][1][:-2], 1),
    }
    for where, changed in upstream_fixes.items():
        assert changed != original, where
        fake = tmp_path / where / "templates"
        (fake / name).parent.mkdir(parents=True)
        (fake / name).write_text(changed, encoding="utf-8")
        monkeypatch.setattr(sys.modules[__name__], "THEME", fake)
        with pytest.raises(AssertionError) as failure:
            test_copied_partial_is_the_theme_s_with_one_change(name)
        message = str(failure.value)
        assert f"Material's {name} changed (mkdocs-material {material_version()})" in message
        assert f"re-copy {fake / name} into overrides/{name}" in message
        assert CHANGE[name] in message
    # The override without its change, or with one more, fails too; the
    # theme's own text re-indented, with another comment, does not.
    assert drift(name, original, original) is not None
    assert drift(name, original, override + "<p></p>") is not None
    other_comment = TOP_COMMENT.sub("{#- another comment -#}\n", original)
    reindented = re.sub(r"(?m)^", "    ", other_comment) + "\n\n"
    assert drift(name, reindented, override) is None


def test_every_copy_of_a_theme_template_is_compared() -> None:
    """An override that takes a theme template's name either extends a theme
    template or is a copy, listed in EXPECTED: no unchecked copy."""
    unchecked = []
    for path in sorted(OVERRIDES.rglob("*.html")):
        name = path.relative_to(OVERRIDES).as_posix()
        if not (THEME / name).exists() or name in EXPECTED:
            continue
        if not re.match(r"\{%-?\s*extends\s", normalise(path.read_text(encoding="utf-8"))):
            unchecked.append(name)
    assert unchecked == [], (
        f"overrides/ replaces the theme's {unchecked} without extending it: list the "
        "change in EXPECTED (tests/test_theme_drift.py) so a theme update cannot "
        "leave the copy behind"
    )
    for name in EXPECTED:
        assert (THEME / name).exists(), f"Material {material_version()} has no {name}"


# The browser: the first paint, with the theme's script blocked.

BUNDLE = "**/assets/javascripts/bundle.*.js"
CSP_META = re.compile(r'<meta http-equiv="?Content-Security-Policy"?[^>]*>', re.I)


def luminance(css_colour: str) -> float:
    """WCAG relative luminance of an opaque rgb()/rgba() colour."""
    parts = [float(x) for x in re.findall(r"[\d.]+", css_colour)]
    assert len(parts) in (3, 4) and (len(parts) == 3 or parts[3] == 1), css_colour
    r, g, b = (c / 255 for c in parts[:3])
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def without_first_visit(html: str) -> str:
    """The page as the theme's palette.html would make it: the change undone,
    and the CSP (which lists the changed script's hash) dropped."""
    assert html.count(FIRST_VISIT) == 1, "the home page lacks the palette change"
    assert len(CSP_META.findall(html)) == 1, "the home page's CSP meta was not found"
    return CSP_META.sub("", html.replace(FIRST_VISIT, ""))


def first_paint(browser, url: str, scheme: str, rewrite=None) -> dict:
    """One first visit to ``url`` by a reader whose system prefers ``scheme``,
    the theme's script blocked: the palette as the page is parsed."""
    ctx = browser.new_context(color_scheme=scheme)
    blocked: list[str] = []
    try:
        ctx.add_init_script(WATCH_CSP)

        def block(route) -> None:
            blocked.append(route.request.url)
            route.abort()

        ctx.route(BUNDLE, block)
        if rewrite:

            def serve(route) -> None:
                response = route.fetch()
                route.fulfill(response=response, body=rewrite(response.text()))

            ctx.route(lambda u: u == url, serve)
        page = ctx.new_page()
        page.goto(url, wait_until="domcontentloaded")
        state = page.evaluate(
            """() => ({
                scheme: document.body.getAttribute('data-md-color-scheme'),
                background: getComputedStyle(document.body).backgroundColor,
                themeRan: typeof document$ !== 'undefined',
                csp: window.__csp,
            })"""
        )
        # The theme's script is asked for after the first paint: the block
        # must have caught it, or this test checks nothing.
        for _ in range(100):
            if blocked:
                break
            page.wait_for_timeout(50)
        state["blocked"] = blocked
        state["luminance"] = luminance(state["background"])
        assert not state["themeRan"], state
        assert state["csp"] == [], f"the CSP blocked something: {state}"
        assert len(blocked) == 1, f"the theme's script ({BUNDLE}) was never requested: {state}"
        return state
    finally:
        ctx.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("scheme", "expected", "dark"), [("dark", "slate", True), ("light", "default", False)]
)
def test_a_first_visit_paints_in_the_system_s_palette(
    browser, site_url: str, scheme: str, expected: str, dark: bool
) -> None:
    state = first_paint(browser, site_url, scheme)
    assert state["scheme"] == expected, state
    if dark:
        assert state["luminance"] < 0.2, f"a dark-mode reader's first paint is light: {state}"
    else:
        assert state["luminance"] > 0.8, f"a light-mode reader's first paint is dark: {state}"


@pytest.mark.browser
def test_without_the_change_a_dark_first_visit_paints_light(browser, site_url: str) -> None:
    """The same check against the home page served as Material's own
    palette.html would make it: the dark reader gets the light palette."""
    state = first_paint(browser, site_url, "dark", rewrite=without_first_visit)
    assert state["scheme"] != "slate", state
    assert state["luminance"] > 0.8, state


def test_the_page_is_rewritten_only_at_the_change(built_site) -> None:
    """The rewrite the test above serves takes out the change and the CSP
    meta and nothing else."""
    html = (built_site.site / "index.html").read_text(encoding="utf-8")
    rewritten = without_first_visit(html)
    removed = len(html) - len(rewritten)
    assert removed == len(FIRST_VISIT) + len(CSP_META.search(html).group(0))
    assert READ_SAVED + "if(palette&&palette.color)" in rewritten
