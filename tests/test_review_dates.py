"""Review dates in the build, on a fixed clock (DN_TODAY, hooks/metadata.py):
a page overdue for review is named in the build output and never fails the
build, so a correction to another page can still be published. (`make review`
and the weekly job fail or file an issue instead: tests/test_metadata_unit.py,
tests/test_workflows.py.)"""

from __future__ import annotations

import re
from pathlib import Path

from conftest import mkdocs_build
from metadata import parse_front_matter

# After every page's next_review of 2027-11-22 (a few pages are due in 2029).
AFTER_REVIEWS = "2028-01-01"
REVIEW_LINE = re.compile(r"WARNING -  (docs/\S+): review overdue since (\d{4}-\d{2}-\d{2}); ")


def due_dates(project: Path) -> dict[str, str]:
    """Every page's next_review, by its path from the project ("docs/...")."""
    docs = project / "docs"
    return {
        f"docs/{p.relative_to(docs).as_posix()}": str(
            parse_front_matter(p.read_text(encoding="utf-8"), p.name).meta["next_review"]
        )
        for p in sorted(docs.rglob("*.md"))
    }


def test_overdue_pages_are_named_and_the_build_succeeds(project_copy: Path, tmp_path: Path) -> None:
    build = mkdocs_build(project_copy, tmp_path / "site", today=AFTER_REVIEWS)
    assert build.returncode == 0, build.output
    assert (tmp_path / "site" / "safety" / "index.html").exists()
    assert "docs/safety/index.md: review overdue since 2027-11-22" in build.output, build.output
    reported = dict(REVIEW_LINE.findall(build.output))
    overdue = {page: due for page, due in due_dates(project_copy).items() if due < AFTER_REVIEWS}
    assert reported == overdue, build.output
    # Nothing else is reported: the overdue pages are the build's only warnings.
    others = [
        line
        for line in build.output.splitlines()
        if "WARNING" in line and not REVIEW_LINE.match(line)
    ]
    assert others == [], build.output


def test_an_invalid_DN_TODAY_stops_the_build_and_names_the_variable(
    project_copy: Path, tmp_path: Path
) -> None:
    build = mkdocs_build(project_copy, tmp_path / "site", today="2026-13-01")
    assert build.returncode != 0
    assert "Traceback" not in build.output, build.output
    assert "DN_TODAY is '2026-13-01', not a date" in build.output, build.output
