"""Unit tests for hooks/disclaimer.py's plain functions."""

from __future__ import annotations

from pathlib import Path

import pytest
from disclaimer import (
    NOTICE_MARKER,
    ROOT_PLACEHOLDER,
    DisclaimerError,
    check_notice_count,
    check_notice_markup,
    count_notices,
    imitation,
    load_notice,
    notice_sentences,
    render_notice,
)

PAGES = {"about/disclaimer.md": "about/disclaimer/", "index.md": ""}


def test_load_notice_strips_comments(tmp_path: Path) -> None:
    path = tmp_path / "notice.md"
    path.write_text("<!-- for editors -->\n**Not medical advice.**\n", encoding="utf-8")
    assert load_notice(path) == "**Not medical advice.**"


def test_load_notice_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(DisclaimerError, match=r"notice\.md: the disclaimer notice file does not"):
        load_notice(tmp_path / "notice.md")


def test_load_notice_rejects_a_file_with_only_comments(tmp_path: Path) -> None:
    path = tmp_path / "notice.md"
    path.write_text("<!-- nothing here -->\n", encoding="utf-8")
    with pytest.raises(DisclaimerError, match="is empty"):
        load_notice(path)


def test_render_notice_links_from_the_site_root() -> None:
    html = render_notice("Not advice. [Full text](about/disclaimer.md#limits).", PAGES)
    assert f'href="{ROOT_PLACEHOLDER}about/disclaimer/#limits"' in html
    assert "<strong>" not in html and html.startswith("<p>")


def test_render_notice_keeps_external_links() -> None:
    html = render_notice("[NHS](https://www.nhs.uk/)", PAGES)
    assert 'href="https://www.nhs.uk/"' in html


def test_render_notice_rejects_a_link_to_a_missing_page() -> None:
    with pytest.raises(DisclaimerError, match=r"notice\.md: links to 'about/gone\.md'"):
        render_notice("[x](about/gone.md)", PAGES, source="notice.md")


def test_count_ignores_escaped_markup_in_code() -> None:
    page = f'{NOTICE_MARKER}>x</section><code>&lt;section class="dn-disclaimer"&gt;</code>'
    assert count_notices(page) == 1


@pytest.mark.parametrize(("copies", "message"), [(0, "without the medical"), (2, "2 times")])
def test_check_notice_count_fails_unless_exactly_one(copies: int, message: str) -> None:
    with pytest.raises(DisclaimerError, match=message) as err:
        check_notice_count(f"{NOTICE_MARKER}>x</section>" * copies, "docs/x.md")
    assert str(err.value).startswith("docs/x.md: ")


def test_check_notice_count_accepts_one() -> None:
    check_notice_count(f"<main>{NOTICE_MARKER}></section></main>", "docs/x.md")


NOTICE_HTML = (
    "<p><strong>This is general information, not medical advice.</strong> It does not "
    "replace an assessment by a qualified health professional. "
    '<a href="x">Read the full disclaimer</a>.</p>'
)


def test_a_page_repeating_the_notice_wording_is_found_in_any_markup() -> None:
    sentences = notice_sentences(NOTICE_HTML)
    assert sentences == [
        "this is general information, not medical advice.",
        "it does not replace an assessment by a qualified health professional.",
    ]
    fake = '<div class="admonition"><p><em>This is general</em>\ninformation, not medical advice.'
    assert imitation(fake, sentences) == sentences[0]
    assert (
        imitation("<p>Read the full disclaimer.</p><p>Not medical advice.</p>", sentences) is None
    )


def test_the_notice_may_not_carry_what_pages_may_not() -> None:
    check_notice_markup(NOTICE_HTML, "text", "includes/n.md")
    source = "<!-- c -->\n**Text.**\n<img src=x onerror=alert(1)>\n"
    with pytest.raises(DisclaimerError, match=r"includes/n\.md:3: 'onerror=' event handler"):
        check_notice_markup('<p><img src="x" onerror="alert(1)"></p>', source, "includes/n.md")
