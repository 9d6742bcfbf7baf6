"""Unit tests for hooks/citations.py's plain functions."""

from __future__ import annotations

from pathlib import Path

import pytest
from citations import (
    BIBLIOGRAPHY_MARKER,
    CitationError,
    CitationIndex,
    Entry,
    check_keys,
    find_citations,
    format_authors,
    format_entry,
    load_bibliography,
    render_bibliography_page,
    render_page,
    scan_citations,
    uncited,
)

GOOD = """\
- id: gattie2017
  type: article-journal
  author:
    - {family: Gattie, given: Eric}
    - {family: Cleland, given: Joshua A.}
  issued: {date-parts: [[2017]]}
  title: The effectiveness of trigger point dry needling
  container-title: Journal of Orthopaedic & Sports Physical Therapy
  volume: "47"
  issue: "3"
  page: 133-149
  DOI: 10.2519/jospt.2017.7096
  PMID: "28158962"
- id: whond
  type: webpage
  author: [{literal: World Health Organization}]
  accessed: {date-parts: [[2026, 11, 22]]}
  title: A page with no date
  URL: https://www.who.int/example
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bibliography.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def bib(tmp_path: Path) -> dict[str, Entry]:
    return load_bibliography(write(tmp_path, GOOD))


def test_loads_a_valid_bibliography(bib: dict[str, Entry]) -> None:
    assert list(bib) == ["gattie2017", "whond"]
    assert bib["gattie2017"].line == 1 and bib["whond"].line == 14


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("DOI: 10.2519/jospt.2017.7096", "DOI: https://doi.org/10.2519/x"),
            r":12: .*is not a DOI",
        ),
        (('PMID: "28158962"', "PMID: PM28158962"), r":13: .*not a PubMed ID"),
        (("URL: https://www.who.int/example", "URL: http://who.int/x"), r":19: .*https://"),
        (('  DOI: 10.2519/jospt.2017.7096\n  PMID: "28158962"\n', ""), r":1: .*no DOI, PMID"),
        (
            ("- id: whond", "- id: gattie2017"),
            r":14: duplicate key 'gattie2017' \(first at line 1\)",
        ),
        (("- id: whond", "- id: WHO-nd"), r":14: entry id 'WHO-nd' must be lower-case"),
        (("  issued: {date-parts: [[2017]]}\n", ""), r":1: .*needs 'issued"),
        (("type: article-journal", "type: journal"), r":2: .*'type' is 'journal'"),
        (("  container-title: Journal of Orthopaedic & Sports Physical Therapy\n", ""), "journal"),
        (
            ("  author: [{literal: World Health Organization}]\n", ""),
            r"entry 'whond' needs 'author'",
        ),
    ],
)
def test_bad_entries_fail_with_line_and_fix(tmp_path: Path, change, message) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(CitationError, match=message) as err:
        load_bibliography(write(tmp_path, GOOD.replace(old, new, 1)))
    assert "bibliography.yaml:" in str(err.value)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(CitationError, match=r"bibliography\.yaml:3: .*not valid YAML"):
        load_bibliography(write(tmp_path, "- id: a\n  title: x\n   bad: [\n"))


def test_missing_bibliography(tmp_path: Path) -> None:
    with pytest.raises(CitationError, match="does not exist"):
        load_bibliography(tmp_path / "nope.yaml")


def test_find_citations_with_lines_and_without_code() -> None:
    md = "Intro [@a].\n\nMore [@b; @c] and `[@code]`\n\n```\n[@fenced]\n```\nEnd [@a]"
    found = find_citations(md)
    assert [(c.keys, c.line) for c in found] == [(["a"], 1), (["b", "c"], 3), (["a"], 8)]


def test_unknown_key_names_file_line_and_suggests(bib: dict[str, Entry]) -> None:
    problems = check_keys(find_citations("x\n\ny [@gatie2017]"), bib, "docs/p.md")
    assert problems == [
        "docs/p.md:3: unknown citation key '@gatie2017'. Did you mean '@gattie2017'? "
        "Cite a key from the bibliography, or add the source to it first."
    ]


def test_scan_collects_pages_and_all_problems(bib: dict[str, Entry]) -> None:
    assert scan_citations({"a.md": "[@gattie2017]", "b.md": "[@whond; @gattie2017]"}, bib) == {
        "gattie2017": ["a.md", "b.md"],
        "whond": ["b.md"],
    }
    with pytest.raises(CitationError) as err:
        scan_citations({"a.md": "[@nope1]", "b.md": "\n[@nope2]"}, bib)
    assert "docs/a.md:1" in str(err.value) and "docs/b.md:2" in str(err.value)


def test_uncited(bib: dict[str, Entry]) -> None:
    assert [e.key for e in uncited(bib, {"gattie2017": ["a.md"]})] == ["whond"]


def test_format_authors() -> None:
    six = [{"family": f"N{i}", "given": "Ann B."} for i in range(7)]
    assert format_authors(six[:2]) == "N0 AB, N1 AB"
    assert format_authors(six).endswith("N5 AB, et al")
    assert format_authors([{"family": "Boyce", "given": "D"}, {"literal": "et al."}]) == (
        "Boyce D, et al"
    )


def test_format_entry_links_doi_and_pubmed(bib: dict[str, Entry]) -> None:
    html = format_entry(bib["gattie2017"])
    assert html.startswith("Gattie E, Cleland JA. The effectiveness of trigger point dry needling.")
    assert (
        "<em>Journal of Orthopaedic &amp; Sports Physical Therapy</em>. 2017;47(3):133-149." in html
    )
    assert 'href="https://doi.org/10.2519/jospt.2017.7096"' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/28158962/"' in html
    web = format_entry(bib["whond"])
    assert "n.d." in web and 'href="https://www.who.int/example"' in web
    assert "n.d.." not in web
    assert "(accessed 2026-11-22)" in web


def test_render_page_numbers_by_first_use(bib: dict[str, Entry]) -> None:
    md, keys = render_page("A [@whond]. B [@gattie2017; @whond]. C [@whond].", bib)
    assert keys == ["whond", "gattie2017"]
    assert md.count('href="#ref-whond"') == 3
    # Within one marker, links are in number order: [1, 2].
    assert '>1</a>, <a href="#ref-gattie2017"' in md
    assert "## References { #references data-search-exclude }" in md
    assert md.index('id="ref-whond"') < md.index('id="ref-gattie2017"')


def test_render_page_leaves_uncited_pages_alone(bib: dict[str, Entry]) -> None:
    assert render_page("No citations.", bib) == ("No citations.", [])


def test_bibliography_page_links_back(bib: dict[str, Entry]) -> None:
    index = CitationIndex(
        bib, {"gattie2017": ["conditions/neck.md"]}, titles={"conditions/neck.md": "Neck pain"}
    )
    urls = {"conditions/neck.md": "../conditions/neck/"}
    md = render_bibliography_page(f"Intro\n\n{BIBLIOGRAPHY_MARKER}\n", index, urls)
    assert '<a href="../conditions/neck/">Neck pain</a>' in md
    assert md.index("Gattie") < md.index("World Health")
    assert 'id="ref-whond"' in md
    assert render_bibliography_page("no marker", index, urls) == "no marker"
