"""Unit tests for hooks/metadata.py's plain functions and its review command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from metadata import (
    FrontMatter,
    MetadataError,
    add_months,
    audience_tags,
    check_front_matter,
    check_pages,
    main,
    parse_front_matter,
    review_report,
    reviewer_names,
    title_heading,
)

GOOD = """---
title: Neck pain
description: What systematic reviews found about dry needling for neck pain, and how sure we are.
audience: everyone
last_reviewed: 2026-01-10
next_review: 2027-01-10
reviewed_by: editorial-team
---

Text [@gattie2017].
"""


def fm(text: str = GOOD) -> FrontMatter:
    return parse_front_matter(text, "docs/p.md")


def problems(text: str, cites: bool = True) -> list[str]:
    return check_front_matter(fm(text), "docs/p.md", cites)


def test_valid_front_matter_has_no_problems() -> None:
    assert problems(GOOD) == []
    assert fm().lines["audience"] == 4


def test_no_front_matter() -> None:
    with pytest.raises(MetadataError, match=r"docs/p\.md:1: the page has no front matter"):
        fm("# Title\n\nText.")


def test_invalid_yaml_names_the_line() -> None:
    bad = GOOD.replace("title: Neck pain", "title: Neck pain: a guide")
    with pytest.raises(MetadataError, match=r"docs/p\.md:2: the front matter is not valid YAML"):
        fm(bad)


def test_front_matter_must_be_a_mapping() -> None:
    with pytest.raises(MetadataError, match="must be 'field: value' lines"):
        fm("---\n- a\n- b\n---\n")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("audience: everyone\n", "", "field 'audience' is missing"),
        ("audience: everyone", "audience: students", ":4: 'audience' is 'students'"),
        ("last_reviewed: 2026-01-10", "last_reviewed: 2026-13-01", ":5: 'last_reviewed' is"),
        ("last_reviewed: 2026-01-10", 'last_reviewed: "10 Jan 2026"', "write it as YYYY-MM-DD"),
        ("next_review: 2027-01-10", "next_review: 2025-01-10", "must come after"),
        ("next_review: 2027-01-10", "next_review: 2028-02-10", "set it to 2028-01-10 or earlier"),
        ("reviewed_by: editorial-team", "reviewed_by: Dr Smith", ":7: 'reviewed_by' is 'Dr Smith'"),
        ("reviewed_by: editorial-team", "reviewed_by: [{name: A B}]", "'reviewed_by' is"),
        ("title: Neck pain", "title: N", ":2: 'title' must be text of 3 to 80"),
        ("description: What", "description: Short.\nx: What", "must be 50 to 160"),
        ("audience: everyone", "audience: everyone\nlast_review: 2026-01-01", "Did you mean"),
        ("audience: everyone", "audience: everyone\ntemplate: x.html", "may not change their"),
        ("audience: everyone", "audience: everyone\nsearch_terms: pnuemothorax", "list of words"),
    ],
)
def test_each_mistake_is_reported_with_its_fix(old: str, new: str, expected: str) -> None:
    assert old in GOOD
    found = problems(GOOD.replace(old, new, 1))
    assert any(expected in p for p in found), found
    assert all(p.startswith("docs/p.md:") for p in found)


def test_pages_without_citations_may_wait_36_months() -> None:
    later = GOOD.replace("next_review: 2027-01-10", "next_review: 2029-01-10")
    assert problems(later, cites=False) == []
    assert any("24 months" in p for p in problems(later, cites=True))


def test_future_review_date_is_refused() -> None:
    future = dt.date.today() + dt.timedelta(days=30)
    text = GOOD.replace("2026-01-10", future.isoformat()).replace(
        "next_review: " + future.isoformat(), "next_review: " + add_months(future, 12).isoformat()
    )
    assert any("in the future" in p for p in problems(text))


def test_named_reviewers_are_supported() -> None:
    text = GOOD.replace(
        "reviewed_by: editorial-team",
        "reviewed_by:\n  - name: Ann Example\n    profession: Physiotherapist",
    )
    assert problems(text) == []
    assert reviewer_names(fm(text).meta) == "Ann Example (Physiotherapist)"
    assert reviewer_names(fm().meta) == "the editorial team"


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_check_pages_lists_every_problem() -> None:
    with pytest.raises(MetadataError) as err:
        check_pages({"a.md": "no front matter", "b.md": GOOD.replace("audience", "audiense")})
    assert "docs/a.md:1:" in str(err.value) and "docs/b.md:4:" in str(err.value)


def test_review_report_orders_overdue_and_due() -> None:
    pages = {
        "a.md": fm(GOOD),
        "b.md": fm(GOOD.replace("next_review: 2027-01-10", "next_review: 2026-12-01")),
        "c.md": fm(GOOD.replace("next_review: 2027-01-10", "next_review: 2027-06-01")),
    }
    rows = review_report(pages, today=dt.date(2026, 12, 15), within=60)
    assert [(s, p) for s, p, _ in rows] == [("overdue", "b.md"), ("due", "a.md")]


def test_review_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.md").write_text(GOOD, encoding="utf-8")
    assert main(["--docs", str(tmp_path), "--today", "2026-06-01"]) == 0
    assert "No page is overdue" in capsys.readouterr().out
    assert main(["--docs", str(tmp_path), "--today", "2026-12-01"]) == 0
    assert "due soon  next review 2027-01-10" in capsys.readouterr().out
    assert main(["--docs", str(tmp_path), "--today", "2027-02-01"]) == 1
    assert "OVERDUE" in capsys.readouterr().out
    (tmp_path / "q.md").write_text("no front matter", encoding="utf-8")
    assert main(["--docs", str(tmp_path)]) == 2


def test_title_heading() -> None:
    assert title_heading("Text.", "Neck pain") == "# Neck pain\n\nText."
    assert title_heading("# Own title\n\nText.", "Neck pain") == "# Own title\n\nText."


def test_audience_tags_come_from_the_audience() -> None:
    assert audience_tags({"audience": "patients"}) == ["For patients"]
    assert audience_tags({"audience": "everyone", "tags": ["Neck pain"]}) == [
        "Neck pain",
        "For patients",
        "For clinicians",
    ]
