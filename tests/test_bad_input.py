"""Contributors' mistakes stop the build with a message that names the file
(and the line where it can), says what is wrong and what to do, and never
shows a traceback. Each case patches a copy of the real site."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, mkdocs_build


def edit(project: Path, rel: str, change: Callable[[str], str]) -> None:
    path = project / rel
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def append(rel: str, text: str) -> Callable[[Path], None]:
    return lambda project: edit(project, rel, lambda s: s + "\n" + text + "\n")


def replace(rel: str, old: str, new: str, regex: bool = False) -> Callable[[Path], None]:
    def patch(project: Path) -> None:
        def change(s: str) -> str:
            out = re.sub(old, new, s, count=1, flags=re.M) if regex else s.replace(old, new, 1)
            assert out != s, f"{rel}: the patch did not apply"
            return out

        edit(project, rel, change)

    return patch


BIB = "data/bibliography.yaml"
PAGE = "docs/safety/index.md"

ENTRY = """
- id: {key}
  type: article-journal
  author:
  - family: Example
    given: Ann
  issued:
    date-parts: [[2020]]
  title: An example
  container-title: Journal of Examples
{ids}"""


@dataclass
class Case:
    name: str
    patch: Callable[[Path], None]
    expected: list[str]


CASES = [
    Case(
        "unknown citation key",
        append(PAGE, "A claim [@nosuchsource2020]."),
        [r"docs/safety/index\.md:\d+: unknown citation key '@nosuchsource2020'", "bibliography"],
    ),
    Case(
        "misspelt citation key",
        append(PAGE, "A claim [@gatie2017]."),
        [r"unknown citation key '@gatie2017'\. Did you mean '@gattie2017'\?"],
    ),
    Case(
        "bibliography entry without DOI, PMID or URL",
        append(BIB, ENTRY.format(key="example2020", ids="")),
        [r"bibliography\.yaml:\d+: entry 'example2020' has no DOI, PMID or URL"],
    ),
    Case(
        "malformed DOI",
        append(BIB, ENTRY.format(key="example2020", ids="  DOI: doi.org/10.1000/x\n")),
        [r"bibliography\.yaml:\d+: entry 'example2020' 'DOI' 'doi\.org/10\.1000/x' is not a DOI"],
    ),
    Case(
        "malformed PMID",
        append(BIB, ENTRY.format(key="example2020", ids="  PMID: '12ab'\n")),
        [r"bibliography\.yaml:\d+: entry 'example2020' 'PMID' '12ab' is not a PubMed ID"],
    ),
    Case(
        "duplicate bibliography key",
        append(BIB, ENTRY.format(key="gattie2017", ids="  DOI: 10.1000/x\n")),
        [r"bibliography\.yaml:\d+: duplicate key 'gattie2017' \(first at line \d+\)"],
    ),
    Case(
        "invalid YAML in the bibliography",
        append(BIB, "- id: broken\n  title: [unclosed\n"),
        [r"bibliography\.yaml:\d+: the bibliography is not valid YAML"],
    ),
    Case(
        "bibliography entry no page cites",
        append(BIB, ENTRY.format(key="example2020", ids="  DOI: 10.1000/x\n")),
        [r"bibliography\.yaml:\d+: entry 'example2020' is cited by no page"],
    ),
    Case(
        "missing front matter",
        replace(PAGE, r"(?s)\A---\n.*?\n---\n", "", regex=True),
        [r"docs/safety/index\.md:1: the page has no front matter"],
    ),
    Case(
        "malformed front matter YAML",
        replace(PAGE, "\ntitle: ", "\ntitle: Safety: risks and\n  - bad: ["),
        [r"docs/safety/index\.md:\d+: the front matter is not valid YAML"],
    ),
    Case(
        "bad review date",
        replace(PAGE, r"^last_reviewed: .*$", "last_reviewed: 2026-02-30", regex=True),
        [r"docs/safety/index\.md:\d+: 'last_reviewed' is '2026-02-30', not a date"],
    ),
    Case(
        "missing metadata field",
        replace(PAGE, r"^audience: .*\n", "", regex=True),
        [r"docs/safety/index\.md:1: front matter field 'audience' is missing"],
    ),
    Case(
        "invented reviewer without a profession",
        replace(PAGE, "reviewed_by: editorial-team", "reviewed_by: [{name: Dr Example}]"),
        [r"docs/safety/index\.md:\d+: 'reviewed_by' is .*Never invent a reviewer"],
    ),
]


UNSAFE = "docs/safety/index.md"
CASES += [
    Case(
        "broken link",
        append(PAGE, "See [the old page](no-such-page.md)."),
        [r"Doc file 'safety/index\.md' contains a link 'no-such-page\.md'.*not found"],
    ),
    Case(
        "broken anchor",
        append(PAGE, "See [below](#no-such-heading)."),
        [r"Doc file 'safety/index\.md' contains a link '#no-such-heading'.*no such anchor"],
    ),
    Case(
        "page missing from the nav",
        lambda project: (project / "docs" / "orphan.md").write_text(
            (project / "docs" / "glossary.md").read_text("utf-8"), encoding="utf-8"
        ),
        [r"not included in the \"nav\" configuration", r"orphan\.md"],
    ),
    Case(
        "image without alt text",
        append(PAGE, "![](../assets/favicon.svg)"),
        [r"docs/safety/index\.md:\d+: image '\.\./assets/favicon\.svg' has no alt text"],
    ),
    Case(
        "raw script",
        append(UNSAFE, "<script>alert('hi')</script>"),
        [r"docs/safety/index\.md:\d+: <script>: scripts are not allowed in pages"],
    ),
    Case(
        "inline event handler",
        append(UNSAFE, '<p onclick="steal()">Click me</p>'),
        [r"docs/safety/index\.md:\d+: 'onclick=' event handler"],
    ),
    Case(
        "javascript: link",
        append(UNSAFE, "[Click](javascript:alert(1))"),
        [r"docs/safety/index\.md:\d+: a 'javascript:' link"],
    ),
    Case(
        "iframe",
        append(UNSAFE, '<iframe src="https://www.youtube.com/embed/x"></iframe>'),
        [r"docs/safety/index\.md:\d+: <iframe>: embedded frames are not allowed"],
    ),
    Case(
        "object",
        append(UNSAFE, '<object data="movie.swf"></object>'),
        [r"docs/safety/index\.md:\d+: <object>: embedded objects are not allowed"],
    ),
    Case(
        "style that hides content",
        append(UNSAFE, 'Hidden text.\n{ style="display:none" }'),
        [r"docs/safety/index\.md:\d+: a 'style' attribute"],
    ),
    Case(
        "http link",
        append(UNSAFE, "See [the NHS](http://www.nhs.uk/)."),
        [r"docs/safety/index\.md:\d+: 'http://www\.nhs\.uk/' uses http://"],
    ),
    Case(
        "SVG with a script",
        lambda project: (project / "docs" / "assets" / "bad.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            encoding="utf-8",
        ),
        [r"docs/assets/bad\.svg:1: <script> is not allowed in SVG files"],
    ),
]


EVIDENCE = "data/evidence.yaml"
CASES += [
    Case(
        "evidence finding with a missing field",
        replace(EVIDENCE, "  timing: immediately after\n", "", regex=False),
        [r"evidence\.yaml:\d+: finding 1 \(neck-pain, navarrosantana2020\): 'timing' is missing"],
    ),
    Case(
        "evidence finding citing an unknown review",
        replace(EVIDENCE, "  review: navarrosantana2020\n", "  review: navaro2020\n"),
        [r"evidence\.yaml:\d+: finding 1 .*'navaro2020' is not a key of the bibliography"],
    ),
    Case(
        "evidence number that does not parse",
        replace(EVIDENCE, "  estimate: -1.53\n", "  estimate: −1.53\n"),
        [r"evidence\.yaml:\d+: finding 1 .*'estimate' '−1\.53' is not a number"],
    ),
    Case(
        "evidence note a spreadsheet would run as a formula",
        replace(EVIDENCE, "  note: 28 RCTs in review;", "  note: =28 RCTs in review;"),
        [r"data/evidence\.yaml:\d+: 'note' starts with '=', which a spreadsheet"],
    ),
    Case(
        "changelog entry with markup",
        replace(
            "data/changelog.yaml",
            "  title: What guidelines say\n",
            "  title: What guidelines say <script>dnPayload(9)</script>\n",
        ),
        [r"data/changelog\.yaml:\d+: 'title' must be plain text"],
    ),
    Case(
        "evidence interval without its estimate",
        replace(EVIDENCE, "  ci: [-2.29, -0.76]\n", "  ci: [-1.29, -0.76]\n"),
        [r"evidence\.yaml:\d+: finding 1 .*does not contain the estimate -1\.53"],
    ),
]


# Contributor text that could become live markup, through every channel by
# which such text reaches a page. Each payload calls a function named
# PAYLOAD, so that no copy of it, live or as text, can hide in the site.
PAYLOAD = "dnPayload"
SCRIPT = f"<script>{PAYLOAD}(1)</script>"
IMG = f'<img src=x onerror="{PAYLOAD}(2)">'
ATTRIBUTE = f'" onmouseover="{PAYLOAD}(3)" x="'
LONG = " and enough words to make a description of fifty characters"
NOTICE = "includes/disclaimer-notice.md"
# Text appended to PAGE starts on the line after a blank one.
PAGE_LINES = len((ROOT / PAGE).read_text(encoding="utf-8").splitlines())
ABBREVIATIONS = "includes/abbreviations.md"
TEMPLATE = "overrides/partials/review.html"


def front(field: str, value: str) -> Callable[[Path], None]:
    """Set front matter ``field`` of PAGE to ``value`` (YAML-quoted)."""
    quoted = "'" + value.replace("'", "''") + "'"
    return replace(PAGE, rf"^{field}: .*$", f"{field}: {quoted}".replace("\\", "\\\\"), True)


def add_front(line: str) -> Callable[[Path], None]:
    return replace(PAGE, "reviewed_by:", f"{line}\nreviewed_by:")


CASES += [
    # Front matter: the theme prints title, description and subtitle; the
    # review partial reviewers; the search index the search terms.
    Case(
        "script in the title",
        front("title", f"Safety {SCRIPT}"),
        [r"docs/safety/index\.md:2: 'title' must be plain text, but it has '<'\. Write plain"],
    ),
    Case(
        "script in the description",
        front("description", f'Neck pain"> {SCRIPT} <meta x="{LONG}'),
        [r"docs/safety/index\.md:3: 'description' must be plain text, but it has '>'"],
    ),
    Case(
        "character reference in the description",
        front("description", f"Neck pain &lt;script&gt;{LONG}"),
        [r"docs/safety/index\.md:3: 'description' must be plain text, but it has '&lt;'"],
    ),
    Case(
        "markup in a reviewer's name and profession",
        replace(
            PAGE,
            "reviewed_by: editorial-team",
            f"reviewed_by:\n  - name: 'Ann {IMG}'\n    profession: '{SCRIPT}'",
        ),
        [
            r"docs/safety/index\.md:8: 'reviewed_by\[0\]\.name' must be plain text",
            r"docs/safety/index\.md:9: 'reviewed_by\[0\]\.profession' must be plain text",
        ],
    ),
    Case(
        "script in a search term",
        replace(PAGE, "search_terms: [", f"search_terms: ['{SCRIPT}', "),
        [r"docs/safety/index\.md:8: 'search_terms\[0\]' must be plain text"],
    ),
    Case(
        "markup in a subtitle",
        add_front(f"subtitle: '{IMG}'"),
        [r"docs/safety/index\.md:7: 'subtitle' must be plain text"],
    ),
    Case(
        "markup in a tag",
        add_front(f"tags: ['{IMG}']"),
        [r"docs/safety/index\.md:7: 'tags\[0\]' must be plain text"],
    ),
    Case(
        "unknown hide value",
        add_front("hide: [disclaimer]"),
        [r"docs/safety/index\.md:7: 'hide' must be a list of .*'disclaimer' is not one of them"],
    ),
    Case(
        "a template field the site does not use",
        add_front(f"icon: '../../{PAYLOAD}'"),
        [r"docs/safety/index\.md:7: unknown front matter field 'icon'\. This site does not use"],
    ),
    Case(
        "unclosed quote in front matter",
        replace(PAGE, "title: How safe", 'title: "How safe'),
        [r"docs/safety/index\.md:2: the front matter is not valid YAML \(a quote that is never"],
    ),
    Case(
        "a Markdown H1 besides the title",
        replace(PAGE, "!!! summary", "# Safety first\n\n!!! summary"),
        [r"docs/safety/index\.md:11: a '# heading' \(a level-1 heading\)"],
    ),
    # Page content: hidden or disguised.
    Case(
        "hidden attribute",
        append(PAGE, f"<p hidden>{PAYLOAD} text only search engines see.</p>"),
        [r"docs/safety/index\.md:\d+: the 'hidden' attribute hides text from sighted readers"],
    ),
    Case(
        "a class the theme hides with",
        append(PAGE, f"Text {PAYLOAD} only screen readers hear.\n{{ .md-toggle }}"),
        [r"docs/safety/index\.md:\d+: the class 'md-toggle' hides its text from sighted"],
    ),
    Case(
        "a class the site hides with, in raw HTML",
        append(PAGE, f'<span class="dn-sr-only">{PAYLOAD}</span>'),
        [r"docs/safety/index\.md:\d+: the class 'dn-sr-only' hides its text"],
    ),
    Case(
        "a look-alike disclaimer by class",
        append(PAGE, f'<div class="dn-disclaimer" markdown>{PAYLOAD}: all is safe.</div>'),
        [r"docs/safety/index\.md:\d+: the class 'dn-disclaimer' imitates the medical disclaimer"],
    ),
    Case(
        "a look-alike disclaimer by role and label",
        append(PAGE, f'<section role="note" aria-label="Medical disclaimer">{PAYLOAD}</section>'),
        [r"docs/safety/index\.md:\d+: 'role=\"note\"' imitates the medical disclaimer notice"],
    ),
    Case(
        "a look-alike disclaimer by its wording",
        append(
            PAGE,
            f'!!! warning "{PAYLOAD}"\n    **This is general information, not medical advice.**',
        ),
        [r"docs/safety/index\.md:\d+: the page repeats the medical disclaimer notice"],
    ),
    Case(
        "an image without alt text found by its exact source",
        append(PAGE, "A line with x in it.\n\n<img src=x>"),
        [rf"docs/safety/index\.md:{PAGE_LINES + 4}: image 'x' has no alt text"],
    ),
    Case(
        "script in a figure caption",
        append(
            PAGE,
            "<figure markdown>\n![A needle](../assets/favicon.svg)\n"
            f"<figcaption>A needle {SCRIPT}</figcaption>\n</figure>",
        ),
        [r"docs/safety/index\.md:\d+: <script>: scripts are not allowed in pages"],
    ),
    # Includes: the glossary is appended to every page; the notice is on every page.
    Case(
        "script in the glossary",
        append(ABBREVIATIONS, SCRIPT),
        [r"includes/abbreviations\.md:\d+: <script>: scripts are not allowed in pages"],
    ),
    Case(
        "hiding class in the glossary",
        append(ABBREVIATIONS, f"{PAYLOAD}\n{{ .md-toggle }}"),
        [r"includes/abbreviations\.md:\d+: the class 'md-toggle' hides its text"],
    ),
    Case(
        "handler in the disclaimer notice",
        append(NOTICE, IMG),
        [r"includes/disclaimer-notice\.md:\d+: 'onerror=' event handler"],
    ),
    # Data.
    Case(
        "link markup in an evidence note",
        replace(
            EVIDENCE, "  timing: immediately after\n", f"  timing: '[x](javascript:{PAYLOAD})'\n"
        ),
        [r"evidence\.yaml:\d+: finding 1 .*'timing' must be plain text, but it has '\['"],
    ),
    Case(
        "a new table cell in an evidence unit",
        replace(
            EVIDENCE,
            r"^  unit: mean difference on the review's .*$",
            f"  unit: 'x | {SCRIPT}'",
            True,
        ),
        [r"evidence\.yaml:\d+: finding 1 .*'unit' must be plain text, but it has '\|'"],
    ),
    Case(
        "SVG with an event handler",
        lambda project: (project / "docs" / "assets" / "bad.svg").write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" onload="{PAYLOAD}(4)"/>',
            encoding="utf-8",
        ),
        [r"docs/assets/bad\.svg:1: 'onload=' event handler in an SVG file"],
    ),
    # Templates: whatever prints a script, the CSP does not approve it.
    Case(
        "a template that prints an inline script",
        append(TEMPLATE, SCRIPT),
        [r"docs/[\w/-]+\.md: an inline <script> that no template of the site makes"],
    ),
    Case(
        "a template that prints a value unescaped",
        lambda project: (
            edit(
                project, TEMPLATE, lambda s: s.replace("{{ review.by }}", "{{ review.by | safe }}")
            ),
            edit(
                project,
                PAGE,
                lambda s: s.replace(
                    "reviewed_by: editorial-team",
                    "reviewed_by: [{name: Ann, profession: Physio}]",
                ),
            ),
            edit(
                project,
                "hooks/metadata.py",
                lambda s: s.replace(
                    "return \", \".join(f\"{r['name']} ({r['profession']})\"",
                    f'return "{SCRIPT}" + ", ".join(f"{{r[\'name\']}} ({{r[\'profession\']}})"',
                ),
            ),
        ),
        [r"docs/safety/index\.md: an inline <script> that no template of the site makes"],
    ),
]


class _Live(HTMLParser):
    """Finds a payload that a browser would run: in a script, or in an
    event-handler attribute. As text it is harmless, wherever it stands."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found, self._script = False, False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = (dict(attrs).get("type") or "text/javascript").lower()
        # JSON data blocks (the page's JSON-LD) are not run.
        self._script = tag == "script" and "json" not in kind
        self.found |= any(n.startswith("on") and PAYLOAD in (v or "") for n, v in attrs)

    def handle_data(self, data: str) -> None:
        self.found |= self._script and PAYLOAD in data

    def handle_endtag(self, tag: str) -> None:
        self._script = False


def live(html: str) -> bool:
    parser = _Live()
    parser.feed(html)
    parser.close()
    return parser.found


def raw_payloads(site: Path) -> list[str]:
    """Files in ``site`` that carry a payload as live markup. The search
    index's titles and text are HTML too (search results show them as such)."""
    found = []
    for path in site.rglob("*.html"):
        if live(path.read_text(encoding="utf-8")):
            found.append(str(path.relative_to(site)))
    index = site / "search" / "search_index.json"
    if index.exists():
        for doc in json.loads(index.read_text(encoding="utf-8"))["docs"]:
            if live(doc.get("title", "")) or live(doc.get("text", "")):
                found.append(f"search_index.json: {doc['location']}")
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_mistake_fails_the_build_clearly(case: Case, project_copy: Path, tmp_path: Path) -> None:
    case.patch(project_copy)
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode != 0, f"{case.name}: the build passed\n{build.output}"
    assert "Traceback" not in build.output, build.output
    for pattern in case.expected:
        assert re.search(pattern, build.output), f"{case.name}: {pattern!r} not in\n{build.output}"
    if build.site.exists():
        assert raw_payloads(build.site) == [], f"{case.name}: published live markup"


# Text that is allowed and must reach the page as text: escaped where printed.
ESCAPED = [
    Case(
        "quotes in the title and description",
        lambda project: (
            front("title", f"Safety {ATTRIBUTE}")(project),
            front("description", f"Neck pain {ATTRIBUTE}{LONG}")(project),
        ),
        ["safety/index.html"],
    ),
    Case(
        "quotes in a reviewer's name",
        replace(
            PAGE,
            "reviewed_by: editorial-team",
            f"reviewed_by: [{{name: 'Ann {ATTRIBUTE.replace(chr(39), chr(39) * 2)}', "
            "profession: Physio}]",
        ),
        ["safety/index.html"],
    ),
    Case(
        "markup in a bibliography title and address",
        lambda project: edit(
            project,
            BIB,
            lambda s: s.replace(
                "  title: 'The effectiveness of trigger point dry needling",
                f"  title: '{SCRIPT} {IMG.replace(chr(39), chr(39) * 2)} The effectiveness of "
                "trigger point dry needling",
                1,
            ),
        ),
        ["references/index.html", "conditions/low-back-pain/index.html"],
    ),
    Case(
        "markup in an evidence note",
        replace(EVIDENCE, "  timing: immediately after\n", f"  timing: 'after {SCRIPT}'\n"),
        ["conditions/neck-pain/index.html"],
    ),
    Case(
        "markup in a glossary meaning",
        lambda project: (
            append(ABBREVIATIONS, f"*[DNX]: {PAYLOAD} {SCRIPT} {IMG}\n")(project),
            append(PAGE, "DNX is an abbreviation.")(project),
        ),
        ["safety/index.html"],
    ),
    Case(
        "markup in an image's alt text",
        append(PAGE, f"![A needle {ATTRIBUTE} {PAYLOAD}](../assets/favicon.svg)"),
        ["safety/index.html"],
    ),
]


@pytest.mark.parametrize("case", ESCAPED, ids=[c.name for c in ESCAPED])
def test_allowed_text_reaches_the_page_only_as_text(
    case: Case, project_copy: Path, tmp_path: Path
) -> None:
    case.patch(project_copy)
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode == 0, f"{case.name}: the build failed\n{build.output}"
    assert "Traceback" not in build.output
    assert raw_payloads(build.site) == [], f"{case.name}: published live markup"
    for page in case.expected:
        assert PAYLOAD in (build.site / page).read_text("utf-8"), f"{page}: the text is gone"


def test_a_citation_in_a_code_span_is_shown_as_written(project_copy: Path, tmp_path: Path) -> None:
    append(PAGE, "Write a citation as `[@nosuchsource2020]`.")(project_copy)
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode == 0, build.output
    html = (build.site / "safety" / "index.html").read_text("utf-8")
    assert "<code>[@nosuchsource2020]</code>" in html


def test_a_page_from_the_template_builds(project_copy: Path, tmp_path: Path) -> None:
    """CONTRIBUTING.md's path for a new page: copy the template, fill in the
    placeholders, add it to the nav; the page builds with its references."""
    source = (Path(__file__).parent.parent / ".github" / "page-template.md").read_text("utf-8")
    page = re.sub(r"<!--.*?-->\n*", "", source, flags=re.S)
    page = re.sub(
        r"^description: .*$",
        "description: A page made from the template, the way a contributor would make it.",
        page,
        flags=re.M,
    )
    page = re.sub(r"<([^>]+)>", lambda m: "example" if "condition" in m.group(1) else "Text.", page)
    page += "\nDry needling reduced pain more than sham [@gattie2017; @chys2023].\n"
    assert "<" not in page, page
    (project_copy / "docs" / "conditions" / "example.md").write_text(page, encoding="utf-8")
    edit(
        project_copy,
        "mkdocs.yml",
        lambda s: s.replace(
            "      - conditions/fibromyalgia.md\n",
            "      - conditions/fibromyalgia.md\n      - conditions/example.md\n",
        ),
    )
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode == 0, build.output
    html = (build.site / "conditions" / "example" / "index.html").read_text("utf-8")
    assert html.count('<li id="ref-') == 2 and "Page last reviewed" in html
