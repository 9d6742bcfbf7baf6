"""hooks/opendata.py: the evidence and guideline data as CSV and JSON
downloads, the same data as the pages, and a dictionary of every field."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, Build
from evidence import Evidence
from guidelines import Guidelines
from opendata import (
    ALLOWED,
    FINDING_FIELDS,
    GUIDELINE_FIELDS,
    OpenDataError,
    downloads,
    unsafe_cells,
)
from yamlsafe import Item

DATA = ROOT / "data"


def load(name: str):
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def read_csv(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def number_or_none(text: str):
    return float(text) if text else None


def test_the_evidence_downloads_round_trip_to_the_data_file(built_site: Build) -> None:
    data = load("evidence.yaml")
    rows = read_csv(built_site.site / "data" / "evidence.csv")
    records = json.loads((built_site.site / "data" / "evidence.json").read_text())["records"]
    assert len(rows) == len(records) == len(data["findings"]) > 100
    for finding, row, record in zip(data["findings"], rows, records, strict=True):
        low, high = finding.get("ci") or [None, None]
        for name in ("condition", "review", "comparison", "outcome", "timepoint", "measure",
                     "favours", "certainty"):  # fmt: skip
            assert row[name] == record[name] == finding[name], (name, finding)
        for name in ("timing", "unit", "note"):
            assert row[name] == (finding.get(name) or ""), (name, finding)
            assert record[name] == finding.get(name), (name, finding)
        assert number_or_none(row["estimate"]) == record["estimate"] == finding.get("estimate")
        assert number_or_none(row["ci_low"]) == record["ci_low"] == low
        assert number_or_none(row["ci_high"]) == record["ci_high"] == high
        assert row["condition_name"] == data["conditions"][finding["condition"]]["name"]


def test_the_guideline_downloads_round_trip_to_the_data_file(built_site: Build) -> None:
    data = load("guidelines.yaml")
    rows = read_csv(built_site.site / "data" / "guidelines.csv")
    document = json.loads((built_site.site / "data" / "guidelines.json").read_text())
    assert document["licence"].startswith("CC BY 4.0")
    assert document["checked"] == data["checked"].isoformat()
    assert len(rows) == len(document["records"]) == len(data["guidelines"]) > 5
    for entry, row, record in zip(data["guidelines"], rows, document["records"], strict=True):
        for name in ("id", "body", "title", "about", "direction", "strength", "source"):
            assert row[name] == record[name] == entry[name], (name, entry["id"])
        assert row["wording"] == record["wording"] == " ".join(entry["wording"].split())
        assert int(row["year"]) == record["year"] == entry["year"]
        assert row["conditions"].split(";") == record["conditions"] == entry["conditions"]


def test_every_field_is_in_the_dictionary_with_its_values(built_site: Build) -> None:
    page = BeautifulSoup(
        (built_site.site / "about" / "open-data" / "index.html").read_text(), "html.parser"
    )
    text = page.get_text(" ")
    header = read_csv(built_site.site / "data" / "evidence.csv")[0].keys()
    assert list(header) == [name for name, _ in FINDING_FIELDS]
    for name, _ in FINDING_FIELDS + GUIDELINE_FIELDS:
        assert page.find("code", string=name), name
    for values in ALLOWED.values():
        for value in values:
            assert page.find("code", string=value), value
    assert "CC BY 4.0" in text
    for name in ("evidence.csv", "evidence.json", "guidelines.csv", "guidelines.json"):
        assert page.find("a", href=f"../../data/{name}"), name
    overview = (built_site.site / "conditions" / "index.html").read_text()
    assert 'href="../about/open-data/"' in overview


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_cell_a_spreadsheet_would_run_fails_at_its_line(start: str) -> None:
    item = Item({"note": f"{start}HYPERLINK(1)"}, 42)
    problems = unsafe_cells([{"note": item["note"]}], [item], "data/evidence.yaml")
    assert problems and problems[0].startswith("data/evidence.yaml:42: 'note' starts with")
    assert "reword it" in problems[0]


def test_downloads_refuse_unsafe_cells() -> None:
    finding = {
        "condition": "neck",
        "review": "r",
        "comparison": "other-treatment",
        "outcome": "pain",
        "timepoint": "short",
        "timing": "=cmd()",
        "measure": "narrative",
        "favours": "neither",
        "certainty": "low",
        "note": "n",
    }
    evidence = Evidence({"neck": {"name": "Neck"}}, [Item(finding, 7)])
    guidelines = Guidelines(dt.date(2026, 12, 4), [], {})
    bib = {"r": {"author": [{"family": "R"}], "issued": {"date-parts": [[2020]]}}}
    with pytest.raises(OpenDataError, match=r"data/evidence\.yaml:7: 'timing' starts with '='"):
        downloads(evidence, guidelines, bib, "https://example.org/")
