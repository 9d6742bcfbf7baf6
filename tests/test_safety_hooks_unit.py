"""Unit tests for hooks/csp.py, content_safety.py, links.py and lightbox.py."""

from __future__ import annotations

import base64
import hashlib

import pytest
from content_safety import (
    class_problems,
    hiding_classes,
    line_of,
    report,
    scan_html,
    scan_svg,
    written_classes,
)
from csp import Allowed, CSPError, add_policy, inline_scripts, inline_styles, policy, snippets_of
from lightbox import has_images
from links import link_problem


def sha(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


PAGE = (
    "<html><head><title>x</title><script>var a=1;</script>"
    '<script src="bundle.js"></script><script type="application/ld+json">{"a":1}</script>'
    '<style id="s">p{}</style></head><body><script>var a=1;</script><script>b()</script>'
    "</body></html>"
)


# What the templates of this made-up site make: everything PAGE carries.
ALLOWED = snippets_of(PAGE)


def test_finds_only_inline_executable_scripts_once_each() -> None:
    assert inline_scripts(PAGE) == ["var a=1;", "b()"]
    assert inline_styles(PAGE) == ["p{}"]


def test_hashes_the_allowed_scripts_and_styles_a_page_carries() -> None:
    out = add_policy(PAGE, "x", ALLOWED)
    csp = out[out.index('content="') : out.index('">')]
    assert f"script-src 'self' {sha('var a=1;')} {sha('b()')};" in csp
    assert f"style-src 'self' {sha('p{}')};" in csp


@pytest.mark.parametrize(
    "injected",
    [
        "<script>alert(1)</script>",
        '<script type="text/javascript">var a=1; alert(1)</script>',
        "<style>.dn-disclaimer{display:none}</style>",
    ],
)
def test_a_script_or_style_no_template_makes_fails_and_is_never_hashed(injected: str) -> None:
    page = PAGE.replace("</body>", injected + "</body>")
    with pytest.raises(CSPError, match=r"docs/x\.md: an inline <(script|style)> that no template"):
        add_policy(page, "docs/x.md", ALLOWED)


def test_the_allowed_set_comes_from_the_producers_not_the_page() -> None:
    assert add_policy(PAGE, "x", ALLOWED)
    with pytest.raises(CSPError):
        add_policy(PAGE, "x", Allowed(frozenset(["var a=1;"]), frozenset(["p{}"])))


def test_policy_allows_only_the_site_itself() -> None:
    text = policy(["'sha256-x'"], ["'sha256-y'"])
    assert "default-src 'none'" in text
    assert "script-src 'self' 'sha256-x'" in text and "style-src 'self' 'sha256-y'" in text
    assert "unsafe-inline" not in text and "http" not in text and "*" not in text


def test_policy_goes_first_in_head() -> None:
    out = add_policy(PAGE, "x", ALLOWED)
    assert out.index('http-equiv="Content-Security-Policy"') < out.index("<title>")
    with pytest.raises(Exception, match="no <head>"):
        add_policy("<p>no head</p>", "docs/x.md", ALLOWED)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<script>alert(1)</script>", "<script>: scripts are not allowed"),
        ('<p onclick="x()">a</p>', "'onclick=' event handler"),
        ('<img src="a.svg" alt="A" onerror="x()">', "'onerror=' event handler"),
        ('<a href="javascript:alert(1)">a</a>', "a 'javascript:' link"),
        ('<a href=" JaVaScRiPt:x">a</a>', "a 'JaVaScRiPt:' link"),
        ('<iframe src="https://x.org"></iframe>', "<iframe>: embedded frames"),
        ('<object data="x.swf"></object>', "<object>: embedded objects"),
        ("<style>.dn-disclaimer{display:none}</style>", "<style>: page styles"),
        ('<div style="display:none">x</div>', "a 'style' attribute"),
        ('<img src="fig.svg">', "image 'fig.svg' has no alt text"),
        ('<img src="fig.svg" alt=" ">', "has no alt text"),
        # Images the quick check cannot read plainly go to the full scan.
        ('<img alt="&#32;" src="fig.svg">', "has no alt text"),
        ('<img title=\'x alt="A"\' src="fig.svg">', "has no alt text"),
        ('<IMG SRC="fig.svg" ALT="">', "has no alt text"),
        ('<p>A</p><img alt="A" src="a.svg"><img src="b.svg" data-alt="B">', "'b.svg' has no alt"),
        ('<iframe srcdoc="x"></iframe>', "'srcdoc='"),
        # As a browser reads them: a handler after "/", a scheme spelt with
        # character references, tabs or line breaks.
        ("<svg/onload=alert(1)>", "'onload=' event handler"),
        ('<a href="java&#115;cript&colon;x">a</a>', "a 'javascript:' link"),  # codespell:ignore
        ('<a href="jav&#x09;ascript:x">a</a>', "a 'javascript:' link"),  # codespell:ignore
        ('<a href="jav\tascript:alert(1)">a</a>', "a 'javascript:' link"),
        ('<a href="vb\nscript:x">a</a>', "a 'vbscript:' link"),
        ('<a href="da&#116;a:text/html,x">a</a>', "a 'data:' link"),
    ],
)
def test_unsafe_content_is_found(html: str, expected: str) -> None:
    assert any(expected in p.what for p in scan_html(html)), scan_html(html)


@pytest.mark.parametrize(
    "html",
    [
        '<p>Text <a href="https://doi.org/10.1/x">doi</a> <abbr title="t">T</abbr></p>',
        '<table><tr><td style="text-align: center;">1</td></tr></table>',
        '<img src="fig.svg" alt="A muscle with a taut band">',
        '<img data-description="&quot;A&quot;" alt="A" src="a.svg" /><img alt=\'B\' src=b.svg>',
        '<div class="tabbed-set"><input type="radio" id="t1" checked>'
        '<label for="t1">A</label></div>',
        "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></pre>",
    ],
)
def test_safe_content_passes(html: str) -> None:
    assert scan_html(html) == []


def test_report_names_the_line() -> None:
    source = "---\ntitle: x\n---\n\nText\n\n<p onclick='x()'>Hi</p>\n"
    assert report(scan_html("<p onclick='x()'>Hi</p>"), source, "docs/x.md") == [
        "docs/x.md:7: 'onclick=' event handler: scripts are not allowed in pages"
    ]
    assert line_of("a\nB", "b") == 2 and line_of("a", "z") is None


@pytest.mark.parametrize(
    ("svg", "expected"),
    [
        ('<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', "<script>"),
        ('<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>', "'onload='"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            '<a x:href="javascript:x()"><text>t</text></a></svg>',
            "SVG link",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x.org/a.png"/></svg>',
            "SVG link",
        ),
        ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "foreignobject"),
        ("<svg><unclosed></svg>", "not well-formed"),
    ],
)
def test_unsafe_svg(svg: str, expected: str) -> None:
    assert any(expected in p.what for p in scan_svg(svg)), scan_svg(svg)


def test_safe_svg() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>T</title>'
        '<defs><path id="p" d="M0 0"/></defs><use href="#p"/></svg>'
    )
    assert scan_svg(svg) == []


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://www.nhs.uk/", "uses http://"),
        ("https://exa mple.org/", "not a well-formed"),
        ("https://localhost/", "not a well-formed"),
        ("https:///path", "not a well-formed"),
        ("https://www.nhs.uk/conditions/", None),
        ("mailto:editor@example.org", None),
        ("../safety/index.md", None),
        ("#references", None),
    ],
)
def test_link_problem(url: str, problem: str | None) -> None:
    found = link_problem(url)
    assert (found is None) if problem is None else (problem in found)


def test_has_images() -> None:
    assert has_images("![A muscle](muscle.svg)") and has_images("![A muscle][fig1]")
    assert has_images('<figure markdown><img src="a.svg" alt="a"></figure>')
    assert not has_images("Text with [a link](x.md) and [@gattie2017].")


def test_link_command_lists_and_checks(tmp_path, capsys) -> None:
    """The external-link command, against a real server on loopback."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from links import check, external_links, main

    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            self.send_response(200 if self.path == "/ok" else 404)
            self.end_headers()

        do_GET = do_HEAD

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert check(f"{base}/ok") is None
        assert check(f"{base}/gone") == "HTTP 404"
        assert check("http://127.0.0.1:9/closed", timeout=2) is not None
    finally:
        server.shutdown()

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("See [x](https://www.nhs.uk/a).\n", encoding="utf-8")
    bib = tmp_path / "bib.yaml"
    bib.write_text("- id: a2020\n  DOI: 10.1/x\n  PMID: '123'\n", encoding="utf-8")
    links = external_links(docs, bib)
    assert set(links) == {
        "https://www.nhs.uk/a",
        "https://doi.org/10.1/x",
        "https://pubmed.ncbi.nlm.nih.gov/123/",
    }
    assert main(["--docs", str(docs), "--bibliography", str(bib)]) == 0
    assert "https://www.nhs.uk/a" in capsys.readouterr().out


def test_style_attributes_only_where_the_lightbox_runs() -> None:
    assert "style-src-attr" not in policy([], [])
    assert "style-src-attr 'unsafe-inline'" in policy([], [], lightbox=True)
    page = PAGE.replace(
        "</head>", '<script src="../assets/javascripts/glightbox.min.js"></script></head>'
    )
    assert "style-src-attr 'unsafe-inline'" in add_policy(page, "x", ALLOWED)
    # After hooks/loading.py the library is a loader's data, the set-up remains.
    loaded = PAGE.replace(
        "</head>", '</head><script id="init-glightbox">document.addEventListener()</script>'
    )
    allowed = snippets_of(loaded)
    assert "style-src-attr 'unsafe-inline'" in add_policy(loaded, "x", allowed)
    assert "style-src-attr" not in add_policy(PAGE, "x", ALLOWED)


def test_search_terms_go_into_the_index_only() -> None:
    from search_terms import add_terms

    index = {
        "docs": [{"location": "safety/", "text": "Collapsed lung"}, {"location": "x/", "text": "X"}]
    }
    out = add_terms(index, {"safety/": ["pnuemothorax"]})
    assert out["docs"][0]["text"] == "Collapsed lung pnuemothorax"
    assert out["docs"][1]["text"] == "X"


def test_lightbox_script_leaves_the_head() -> None:
    from lightbox import move_script

    page = (
        '<head><script src="../assets/javascripts/glightbox.min.js"></script></head>'
        '<body><p>x</p><script id="init-glightbox">GLightbox({})</script></body>'
    )
    out = move_script(page)
    assert out.index("glightbox.min.js") > out.index("<body>")
    assert out.index("glightbox.min.js") < out.index('id="init-glightbox"')
    # It needs the bundle and the library, which load after the first paint.
    assert "document.addEventListener('dn:scripts-loaded',()=>{GLightbox({})}" in out
    assert move_script("<head></head>") == "<head></head>"


def test_external_scripts_load_after_the_first_paint() -> None:
    from loading import LOADER, load_after_paint

    page = (
        '<p>x</p><script src="a.js"></script>\n<script>inline()</script>'
        '<script type="module" src="m.js"></script><script async src="b.js"></script>'
        '<script defer src="c.js"></script></body>'
    )
    assert load_after_paint(page) == (
        f'<p>x</p><script data-scripts="a.js c.js">{LOADER}</script>\n<script>inline()</script>'
        '<script type="module" src="m.js"></script><script async src="b.js"></script></body>'
    )
    assert load_after_paint("<p>no scripts</p>") == "<p>no scripts</p>"


def test_lightbox_wrapper_is_removed() -> None:
    from lightbox import unwrap

    assert unwrap("<html><head></head><body><p>x</p></body></html>") == "<p>x</p>"
    assert unwrap("<p>x</p>") == "<p>x</p>"


def test_abbreviations_become_focusable() -> None:
    from glossary import focusable

    assert focusable('<abbr title="randomised controlled trial">RCT</abbr>') == (
        '<abbr tabindex="0" title="randomised controlled trial">RCT</abbr>'
    )
    assert focusable("<abbr>X</abbr>") == "<abbr>X</abbr>"
    in_link = '<a href="x/">Jaw pain (<abbr title="t">TMD</abbr>)</a>'
    assert focusable(in_link) == in_link
    assert (
        focusable('<abbr tabindex="-1" title="t">X</abbr>')
        == '<abbr tabindex="-1" title="t">X</abbr>'
    )


def test_indentation_and_blank_lines_go_except_in_pre() -> None:
    from minify import collapse

    kept = "<pre>  keep\n\n   this</pre>"
    page = f"<p>a\n\n    <b>x</b>\n  </p>{kept}\n\n  <textarea>\n  t</textarea>\n"
    assert collapse(page) == f"<p>a\n<b>x</b>\n</p>{kept}\n<textarea>\n  t</textarea>\n"


def test_abbreviations_are_marked_up_at_first_use_only() -> None:
    from glossary import first_only

    page = (
        '<p><abbr title="a b">AB</abbr> x <abbr title="a b">AB</abbr> <abbr title="c">C</abbr></p>'
    )
    assert first_only(page) == '<p><abbr title="a b">AB</abbr> x AB <abbr title="c">C</abbr></p>'


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p hidden>Secret</p>", "the 'hidden' attribute hides text"),
        ('<p hidden="">Secret</p>', "the 'hidden' attribute"),
        ('<div class="dn-disclaimer">Fake</div>', "imitates the medical disclaimer"),
        ('<div data-dn-disclaimer="">Fake</div>', "imitates the medical disclaimer"),
        ('<section role="note">Fake</section>', "imitates the medical disclaimer"),
        ('<div aria-label="Medical Disclaimer">Fake</div>', "imitates the medical disclaimer"),
    ],
)
def test_hidden_and_disguised_content_is_found(html: str, expected: str) -> None:
    problems = scan_html(html)
    assert problems and expected in problems[0].what, problems


def test_lines_are_found_by_the_attribute_or_the_exact_image_source() -> None:
    source = '---\ntitle: x\n---\n\nA healthy lifestyle.\n\nText\n{ style="color:red" }\n'
    assert report(scan_html('<p style="color:red">Text</p>'), source, "d.md")[0].startswith(
        "d.md:8: "
    )
    source = "Text with an x in it.\n\n![](x)\n"
    assert report(scan_html('<img src="x" alt="">'), source, "d.md")[0].startswith("d.md:3: ")
    source = 'See the box.\n\n<img alt="" src=box.svg>\n'
    assert report(scan_html('<img alt="" src="box.svg">'), source, "d.md")[0].startswith("d.md:3: ")


def test_hiding_classes_come_from_the_css() -> None:
    css = (
        ".a{display:none}.x .b{opacity:0}.c:hover{display:none}.d>span{display:none}"
        "@media screen and (max-width:10em){.e{visibility:hidden}}"
        "@media print{.f{display:none}}.g{clip:rect(0,0,0,0)}.h{color:red}"
    )
    assert hiding_classes(css) == ["a", "b", "e", "g"]


def test_the_real_stylesheets_hide_with_the_classes_a_page_could_borrow() -> None:
    from conftest import ROOT

    theme = ROOT / ".venv/lib/python3.11/site-packages/material/templates/assets/stylesheets"
    css = "".join(p.read_text("utf-8") for p in theme.glob("main.*.min.css"))
    css += (ROOT / "docs/stylesheets/extra.css").read_text("utf-8")
    found = set(hiding_classes(css))
    assert {"md-toggle", "dn-sr-only", "md-skip"} <= found, sorted(found)
    assert "admonition" not in found and "md-typeset" not in found


def test_written_classes_are_found_at_their_line_outside_code() -> None:
    source = (
        "Text\n{ .md-toggle #x }\n"
        '<span class="a  dn-sr-only">x</span>\n'
        '`{ .md-toggle }` and\n```\n<p class="md-toggle">\n```\n'
        "{: class='dn-disclaimer' }\n"
    )
    assert written_classes(source) == [
        (2, "md-toggle"),
        (3, "a"),
        (3, "dn-sr-only"),
        (8, "dn-disclaimer"),
    ]
    found = class_problems(source, {"md-toggle", "dn-sr-only"}, "d.md")
    assert [p.split(": ")[0] for p in found] == ["d.md:2", "d.md:3", "d.md:8"]
    assert "hides its text" in found[0] and "imitates the medical disclaimer" in found[2]
