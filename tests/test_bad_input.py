"""Contributors' mistakes stop the build with a message that names the file
(and the line where it can), says what is wrong and what to do, and never
shows a traceback. Each case patches a copy of the real site."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import mkdocs_build


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
        "evidence interval without its estimate",
        replace(EVIDENCE, "  ci: [-2.29, -0.76]\n", "  ci: [-1.29, -0.76]\n"),
        [r"evidence\.yaml:\d+: finding 1 .*does not contain the estimate -1\.53"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_mistake_fails_the_build_clearly(case: Case, project_copy: Path, tmp_path: Path) -> None:
    case.patch(project_copy)
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode != 0, f"{case.name}: the build passed\n{build.output}"
    assert "Traceback" not in build.output, build.output
    for pattern in case.expected:
        assert re.search(pattern, build.output), f"{case.name}: {pattern!r} not in\n{build.output}"


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
