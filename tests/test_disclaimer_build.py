"""Pages cannot remove, hide or duplicate the disclaimer: such builds fail
with a message naming the file, or the attempt has no effect."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from conftest import mkdocs_build


def add_to_page(project: Path, page: str, text: str, front_matter: str = "") -> None:
    path = project / "docs" / page
    source = path.read_text(encoding="utf-8")
    if front_matter:
        source = source.replace("---\n", f"---\n{front_matter}\n", 1)
    path.write_text(source + "\n" + text + "\n", encoding="utf-8")


def assert_clean_failure(output: str, *expected: str) -> None:
    assert "Traceback" not in output, output
    for text in expected:
        assert text in output, output


def test_forged_notice_in_markdown_fails(project_copy: Path, tmp_path: Path) -> None:
    add_to_page(project_copy, "basics/index.md", '<section class="dn-disclaimer">Fake</section>')
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode != 0
    assert_clean_failure(
        build.output, "docs/basics/index.md:", "the class 'dn-disclaimer' imitates the medical"
    )


def test_a_theme_override_that_drops_the_notice_fails(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n', encoding="utf-8"
    )
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode != 0
    assert_clean_failure(build.output, "without the medical disclaimer")


def test_material_hide_options_leave_the_notice(project_copy: Path, tmp_path: Path) -> None:
    # "hide: [disclaimer]" fails the build (tests/test_bad_input.py); the
    # theme's own values hide what they name, never the notice.
    add_to_page(
        project_copy,
        "safety/index.md",
        "Text.",
        front_matter="hide:\n  - navigation\n  - toc\n  - footer",
    )
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode == 0, build.output
    page = BeautifulSoup((build.site / "safety" / "index.html").read_text(), "html.parser")
    assert len(page.select("section.dn-disclaimer")) == 1


def test_front_matter_switches_fail_the_build(project_copy: Path, tmp_path: Path) -> None:
    add_to_page(
        project_copy, "safety/index.md", "Text.", front_matter="disclaimer: false\ntemplate: x.html"
    )
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode != 0
    assert_clean_failure(
        build.output,
        "docs/safety/index.md:2: unknown front matter field 'disclaimer'",
        "docs/safety/index.md:3: unknown front matter field 'template'. Pages may not change",
    )


def test_missing_notice_file_fails_clearly(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "includes" / "disclaimer-notice.md").unlink()
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode != 0
    assert_clean_failure(build.output, "disclaimer-notice.md: the disclaimer notice file does not")
