"""hooks/guidelines.py: the guideline data is checked at its line, and each
condition page says what guidelines recommend, or that none we checked does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from guidelines import (
    Guideline,
    Guidelines,
    GuidelinesError,
    check_entry,
    load_guidelines,
    render_overview,
    render_section,
)

CONDITIONS = {"low-back-pain": {"name": "Low back pain", "page": "conditions/low-back-pain.md"}}
GOOD = {
    "id": "acp2017",
    "body": "American College of Physicians",
    "title": "Noninvasive treatments for low back pain",
    "year": 2017,
    "conditions": ["low-back-pain"],
    "about": "acupuncture",
    "direction": "recommends",
    "strength": "Strong recommendation",
    "wording": "Clinicians should select acupuncture.",
    "source": "qaseem2017",
}


def problems(**changes) -> list[str]:
    data = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    return check_entry(data, CONDITIONS, {"qaseem2017"})


def test_a_good_entry_passes() -> None:
    assert problems() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"wording": None}, "'wording' is missing"),
        ({"direction": "endorses"}, "'direction' is 'endorses'; use one of"),
        ({"about": "cupping"}, "'about' is 'cupping'"),
        ({"conditions": ["back"]}, "condition 'back' is neither"),
        ({"source": "qaseem2071"}, "'source' 'qaseem2071' is not a key of the bibliography"),
        ({"year": "2017"}, "'year' '2017' must be the year"),
        ({"wording": "not-seen"}, "'direction' and 'wording' are 'not-seen' together"),
        ({"wording": "Use | <b>x</b>"}, "'wording' must be plain text, but it has '|'"),
    ],
)
def test_bad_entries_are_reported_with_the_fix(changes, expected) -> None:
    found = problems(**changes)
    assert any(expected in p for p in found), found


def test_the_file_is_checked_at_each_entry_line(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(
        "checked: 2026-12-04\nguidelines:\n- id: a\n  body: B\n- id: a\n  body: B\n", "utf-8"
    )
    with pytest.raises(GuidelinesError) as err:
        load_guidelines(path, "data/g.yaml", CONDITIONS, set())
    message = str(err.value)
    assert "data/g.yaml:3: guideline 'a': 'title' is missing" in message
    assert "data/g.yaml:5: guideline 'a': duplicate id (first at line 3)" in message
    path.write_text("checked: 2026-12-04\nguidelines: [\n", "utf-8")
    with pytest.raises(GuidelinesError, match=r"data/g\.yaml:2: not valid YAML"):
        load_guidelines(path, "data/g.yaml", CONDITIONS, set())


def sample(**changes) -> Guidelines:
    conditions = {**CONDITIONS, "neck-pain": {"name": "Neck pain", "page": "n.md"}}
    return Guidelines(dt.date(2026, 12, 4), [Guideline({**GOOD, **changes}, 3)], conditions)


def test_a_condition_page_gets_the_table_with_the_citation_and_wording() -> None:
    text = render_section(sample(), "low-back-pain", "Low back pain")
    assert "[@qaseem2017]" in text and "“Clinicians should select acupuncture.”" in text
    assert "Recommends it" in text and "checked 4 December 2026" in text


def test_a_condition_no_guideline_addresses_says_so_with_the_date() -> None:
    text = render_section(sample(), "neck-pain", "Neck pain")
    assert text.startswith("We found no guideline recommendation") and "4 December 2026" in text


def test_unseen_wording_reports_no_direction() -> None:
    text = render_section(sample(direction="not-seen", wording="not-seen"), "low-back-pain", "x")
    assert "Wording not seen" in text and "Recommends" not in text


def test_the_overview_lists_every_entry_by_condition() -> None:
    text = render_overview(sample(), {"low-back-pain": "low-back-pain.md"})
    assert "| [Low back pain](low-back-pain.md) | American College of Physicians" in text


def test_text_from_the_data_reaches_the_page_as_text() -> None:
    text = render_section(sample(wording="Use <b>x</b> & y", scope="a <i>"), "low-back-pain", "x")
    assert "Use &lt;b&gt;x&lt;/b&gt; &amp; y" in text and "for a &lt;i&gt;" in text
    assert "<b>" not in text and "<i>" not in text
