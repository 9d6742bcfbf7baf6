"""Unit tests for hooks/metadata.py's plain functions and its review command."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from metadata import (
    FrontMatter,
    MetadataError,
    add_months,
    audience_tags,
    check_front_matter,
    check_pages,
    h1_lines,
    main,
    parse_front_matter,
    review_report,
    reviewer_names,
    title_heading,
    today,
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


def test_future_review_date_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DN_TODAY", raising=False)
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


def test_title_heading_reads_as_written() -> None:
    assert title_heading("Text.", "Neck pain") == "# Neck pain\n\nText."
    import markdown

    title = "Neck *pain* [@key] (TMD) {#x}"
    heading = markdown.markdown(title_heading("", title), extensions=["attr_list"])
    assert heading == f"<h1>{title}</h1>"


def test_unclosed_quote_is_reported_where_it_opens() -> None:
    bad = GOOD.replace("title: Neck pain", 'title: "Neck pain')
    with pytest.raises(MetadataError, match=r"docs/p\.md:2: .*a quote that is never closed"):
        fm(bad)


@pytest.mark.parametrize(
    ("field", "value", "line"),
    [
        ("title", "Neck <b>pain</b>", 2),
        ("description", 'Neck pain"> <script>alert(1)</script> <meta x="' + "x" * 30, 3),
        ("description", "Neck pain &lt;script&gt; and more words to make it fifty characters", 3),
    ],
)
def test_markup_in_a_plain_text_field_is_named_at_its_line(field, value, line) -> None:
    text = re.sub(rf"^{field}: .*$", f"{field}: '{value}'", GOOD, count=1, flags=re.M)
    found = problems(text)
    assert any(
        p.startswith(f"docs/p.md:{line}: '{field}' must be plain text") and "no '<'" in p
        for p in found
    ), found


def test_each_reviewer_field_is_plain_text_at_its_own_line() -> None:
    text = GOOD.replace(
        "reviewed_by: editorial-team",
        "reviewed_by:\n  - name: Ann\n    profession: Physio\n"
        "  - name: 'Bo <img src=x onerror=\"alert(2)\">'\n"
        "    profession: '<script>alert(3)</script>'",
    )
    found = problems(text)
    assert any(p.startswith("docs/p.md:10: 'reviewed_by[1].name' must be plain") for p in found)
    assert any(p.startswith("docs/p.md:11: 'reviewed_by[1].profession' must") for p in found)


def test_plain_text_allows_ampersands_and_quotes() -> None:
    text = GOOD.replace("title: Neck pain", "title: 'Neck & \"jaw\" pain: 1 < 2'")
    assert [p for p in problems(text) if "'<'" in p] and len(problems(text)) == 1
    text = GOOD.replace("title: Neck pain", "title: 'Neck & \"jaw\" pain'")
    assert problems(text) == []


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("hide: [disclaimer]", "'disclaimer' is not one of them"),
        ("hide: toc", "'hide' must be a list"),
        ("search: {boost: high}", "'search' takes 'boost:'"),
        ("search: {exclude: yes please}", "'search' takes"),
        ("icon: material/alert", "This site does not use it"),
        ("status: new", "This site does not use it"),
        ("tags: Neck pain", "'tags' must be a list of tags"),
    ],
)
def test_theme_fields_with_values_the_theme_does_not_know(extra: str, expected: str) -> None:
    found = problems(GOOD.replace("reviewed_by:", f"{extra}\nreviewed_by:"))
    assert any(p.startswith("docs/p.md:7: ") and expected in p for p in found), found


def test_known_theme_field_values_pass() -> None:
    extra = "hide: [toc, navigation]\nsearch: {boost: 1.5}\ntags: [Neck pain]"
    assert problems(GOOD.replace("reviewed_by:", f"{extra}\nreviewed_by:")) == []


@pytest.mark.parametrize(
    ("body", "lines"),
    [
        ("# Own title\n\nText.", [10]),
        ("Text.\n\n  # Indented\n", [12]),
        ("Own title\n=========\n", [10]),
        ('<h1 class="x">Own</h1>\n', [10]),
        ("```\n# a comment in code\n```\n\n~~~~\n# too\n~~~~\n## Section\n", []),
        ("Text.\n\n    code\n    ====\n", []),
    ],
)
def test_level_one_headings_in_markdown_are_found(body: str, lines: list[int]) -> None:
    text = GOOD.replace("Text [@gattie2017].\n", body)
    assert h1_lines(text) == lines


def test_a_level_one_heading_fails_with_its_line() -> None:
    text = GOOD.replace("Text [@gattie2017].", "# Another title\n\nText.")
    with pytest.raises(MetadataError, match=r"docs/p\.md:10: a '# heading'"):
        check_pages({"p.md": text})


def test_audience_tags_come_from_the_audience() -> None:
    assert audience_tags({"audience": "patients"}) == ["For patients"]
    assert audience_tags({"audience": "everyone", "tags": ["Neck pain"]}) == [
        "Neck pain",
        "For patients",
        "For clinicians",
    ]


def test_today_is_DN_TODAY_or_the_real_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DN_TODAY", raising=False)
    assert today() == dt.date.today()
    monkeypatch.setenv("DN_TODAY", "")
    assert today() == dt.date.today()
    monkeypatch.setenv("DN_TODAY", "2026-12-01")
    assert today() == dt.date(2026, 12, 1)


@pytest.mark.parametrize("value", ["2026-13-01", "01/12/2026", "20261201", "2026-12-1", "soon"])
def test_an_invalid_DN_TODAY_names_the_variable(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DN_TODAY", value)
    with pytest.raises(MetadataError, match=rf"DN_TODAY is '{value}', not a date: .*YYYY-MM-DD"):
        today()


def test_a_fixed_clock_in_the_past_does_not_make_real_reviews_future(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = dt.date.today()
    text = GOOD.replace("2026-01-10", real.isoformat()).replace(
        "next_review: " + real.isoformat(), "next_review: " + add_months(real, 12).isoformat()
    )
    monkeypatch.setenv("DN_TODAY", (real - dt.timedelta(days=30)).isoformat())
    assert problems(text) == []
    monkeypatch.setenv("DN_TODAY", (real + dt.timedelta(days=400)).isoformat())
    assert problems(text) == []


def test_review_command_reads_DN_TODAY(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.md").write_text(GOOD, encoding="utf-8")  # next_review: 2027-01-10
    monkeypatch.setenv("DN_TODAY", "2027-02-01")
    assert main(["--docs", str(tmp_path)]) == 1
    assert "OVERDUE" in capsys.readouterr().out
    assert main(["--docs", str(tmp_path), "--today", "2026-06-01"]) == 0  # --today wins
    capsys.readouterr()
    monkeypatch.setenv("DN_TODAY", "2027-31-01")
    assert main(["--docs", str(tmp_path)]) == 2
    assert "DN_TODAY is '2027-31-01', not a date" in capsys.readouterr().err


def make_review(*args: str) -> subprocess.CompletedProcess[str]:
    """``make review`` on the real pages: ``python hooks/metadata.py`` in the project."""
    env = {k: v for k, v in os.environ.items() if k != "DN_TODAY"}
    return subprocess.run(
        [sys.executable, "hooks/metadata.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_make_review_fails_and_lists_the_pages_once_they_are_overdue() -> None:
    proc = make_review("--today", "2028-01-01")  # after the next_review of 2027-11-22
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(
        r"^OVERDUE +next review 2027-11-22 +docs/safety/index\.md$", proc.stdout, re.M
    ), proc.stdout
    proc = make_review("--today", "2026-12-01")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OVERDUE" not in proc.stdout
