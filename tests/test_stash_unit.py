"""hooks/stash.py: hook-made HTML kept out of the Markdown parser and put back."""

from __future__ import annotations

from types import SimpleNamespace

import markdown
import stash
from citations import in_heading


def page() -> SimpleNamespace:
    return SimpleNamespace(meta={}, content="")


def convert(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "md_in_html", "abbr", "attr_list"])


def test_placeholders_survive_markdown_and_come_back() -> None:
    p = page()
    cite = '<sup class="c"><a href="#r">1</a></sup>'
    refs = '<ol class="refs"><li id="r">A <em>source</em></li></ol>'
    text = f"Some *claim* {stash.put_inline(p, cite)}.\n\n"
    text += f"| a |\n|---|\n| x {stash.put_inline(p, cite)} |\n"
    text += stash.put(p, refs)
    html = convert(text)
    assert "<sup" not in html and "<ol" not in html  # the parser never saw them
    done = stash.restore(stash.restore(html, p, stash.BLOCK), p, stash.INLINE)
    assert done.count(cite) == 2 and refs in done
    assert "dnstash" not in done and "dn-stash" not in done


def test_events_index_without_and_publish_with_the_html() -> None:
    p = page()
    html = f"<p>Claim {stash.put_inline(p, '<sup>1</sup>')}.</p>" + stash.put(p, "<ol></ol>")
    p.content = stash.on_page_content(html, page=p, config={}, files=None)
    assert p.content.startswith("<p>Claim <sup>1</sup>.</p>")  # what other hooks see
    before, after = stash.on_page_context.methods
    before({}, page=p, config={}, nav=None)
    assert p.content.startswith("<p>Claim .</p>") and "<ol>" not in p.content  # search's view
    after({}, page=p, config={}, nav=None)
    assert p.content == "<p>Claim <sup>1</sup>.</p>\n\n<ol></ol>\n\n"


def test_a_page_without_stash_is_untouched() -> None:
    p = page()
    assert stash.restore("<p>dnstash0z</p>", p, stash.INLINE) == "<p>dnstash0z</p>"


def test_citations_in_headings_keep_their_html() -> None:
    text = "# Title [@a]\n\nText [@b]\n\nSetext [@c]\n------\n"
    assert in_heading(text, text.index("[@a]"))
    assert not in_heading(text, text.index("[@b]"))
    assert in_heading(text, text.index("[@c]"))
