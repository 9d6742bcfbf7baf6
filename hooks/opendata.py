"""The evidence as open data: CSV and JSON downloads of the evidence findings
and the guideline data, built from the same checked data as the tables.

* ``data/evidence.csv``, ``data/evidence.json``, ``data/guidelines.csv`` and
  ``data/guidelines.json`` are added to the site as generated files (so a
  dirty build and ``mkdocs serve`` write them as a full build does);
* ``<!-- data-dictionary -->`` on the data page becomes the list of every
  field, its meaning and its allowed values, from the hooks' own tables, so
  the dictionary cannot drift from what the build accepts.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` would run as a
formula when the CSV is opened in a spreadsheet (CSV injection): such a value
fails the build at its data file's line. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

import evidence as ev
import guidelines as gl
import shared
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

FOLDER = "data"
DICTIONARY_MARKER = "<!-- data-dictionary -->"
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Each download's columns: (name, meaning). The allowed values come from the
# hooks' tables (ALLOWED) so the dictionary says exactly what the build accepts.
FINDING_FIELDS = [
    ("condition", "the condition's key"),
    ("condition_name", "the condition's name as the site shows it"),
    ("review", "the review's key in the guide's bibliography"),
    ("review_label", "first author and year"),
    ("review_link", "the review's DOI link, PubMed link or address"),
    ("comparison", "what dry needling was compared with"),
    ("outcome", "what was measured"),
    ("timepoint", "when, in the guide's four bands"),
    ("timing", "when, in the review's own words"),
    ("measure", "the effect measure, or narrative for a finding in words"),
    ("estimate", "the pooled effect (a number; empty for narrative findings)"),
    ("ci_low", "the lower end of its 95% confidence interval"),
    ("ci_high", "the upper end of its 95% confidence interval"),
    ("unit", "what the number measures"),
    ("favours", "which way the result points"),
    ("certainty", "the review's own certainty rating, or why there is none"),
    ("note", "the exact comparison and caveats; the finding itself if narrative"),
]
GUIDELINE_FIELDS = [
    ("id", "the entry's key"),
    ("body", "the issuing body"),
    ("title", "the guideline's title"),
    ("year", "the year of the version described"),
    ("updated", "the date of a later update, if the guideline states one"),
    ("conditions", "condition keys, separated by semicolons"),
    ("scope", "who the recommendation is for, in the guideline's terms"),
    ("about", "what the wording is about"),
    ("direction", "what the guideline says to do"),
    ("strength", "the strength or grade as the guideline states it"),
    ("wording", "the recommendation, quoted exactly, or not-seen"),
    ("source", "the guideline's key in the guide's bibliography"),
    ("source_link", "the guideline's DOI link, PubMed link or address"),
    ("checked", "the date the editors last searched for guidelines"),
]
ALLOWED = {
    "comparison": ev.COMPARISONS,
    "outcome": ev.OUTCOMES,
    "timepoint": ev.TIMEPOINTS,
    "measure": {m: m for m in sorted(ev.MEASURES)},
    "favours": ev.FAVOURS,
    "certainty": ev.CERTAINTY,
    "about": gl.ABOUT,
    "direction": gl.DIRECTION,
}


class OpenDataError(PluginError):
    """Data that would be unsafe in a download, reported without a traceback."""


def link(entry: dict[str, Any]) -> str:
    """The most lasting address of a bibliography entry."""
    if entry.get("DOI"):
        return f"https://doi.org/{entry['DOI']}"
    if entry.get("PMID"):
        return f"https://pubmed.ncbi.nlm.nih.gov/{entry['PMID']}/"
    return str(entry.get("URL", ""))


def finding_rows(evidence: ev.Evidence, bibliography: dict[str, dict]) -> list[dict[str, Any]]:
    rows = []
    for f in evidence.findings:
        ci = f.get("ci") or [None, None]
        rows.append(
            {
                "condition": f["condition"],
                "condition_name": evidence.conditions[f["condition"]]["name"],
                "review": f["review"],
                "review_label": ev.review_label(bibliography[f["review"]]),
                "review_link": link(bibliography[f["review"]]),
                "comparison": f["comparison"],
                "outcome": f["outcome"],
                "timepoint": f["timepoint"],
                "timing": f["timing"],
                "measure": f["measure"],
                "estimate": f.get("estimate"),
                "ci_low": ci[0],
                "ci_high": ci[1],
                "unit": f.get("unit"),
                "favours": f["favours"],
                "certainty": f["certainty"],
                "note": f.get("note"),
            }
        )
    return rows


def guideline_rows(guidelines: gl.Guidelines, bibliography: dict[str, dict]) -> list[dict]:
    return [
        {
            "id": g["id"],
            "body": g["body"],
            "title": g["title"],
            "year": g["year"],
            "updated": g["updated"].isoformat() if g.get("updated") else None,
            "conditions": list(g["conditions"]),
            "scope": g.get("scope"),
            "about": g["about"],
            "direction": g["direction"],
            "strength": g["strength"],
            "wording": " ".join(str(g["wording"]).split()),
            "source": g["source"],
            "source_link": link(bibliography[g["source"]]),
            "checked": guidelines.checked.isoformat(),
        }
        for g in guidelines.entries
    ]


def unsafe_cells(rows: list[dict], items: list, where: str) -> list[str]:
    """Text cells a spreadsheet would run as a formula, at their data line."""
    problems = []
    for row, item in zip(rows, items, strict=True):
        for name, value in row.items():
            if isinstance(value, str) and value.startswith(FORMULA_START):
                problems.append(
                    f"{where}:{item.line}: '{name}' starts with {value[0]!r}, which a "
                    "spreadsheet opening the CSV download would run as a formula; "
                    "reword it to start with a letter or a digit (or use a true minus, −)"
                )
    return problems


def to_csv(rows: list[dict], fields: list[tuple[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[name for name, _ in fields], lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: ";".join(v) if isinstance(v, list) else ("" if v is None else v)
                for k, v in row.items()
            }
        )
    return out.getvalue()


def to_json(kind: str, rows: list[dict], extra: dict[str, Any], site_url: str) -> str:
    document = {
        "title": f"Dry Needling Guide: {kind}",
        "licence": LICENCE,
        "source": site_url,
        **extra,
        "records": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def downloads(
    evidence: ev.Evidence, guidelines: gl.Guidelines, bibliography: dict[str, dict], site_url: str
) -> dict[str, str]:
    """Each download's path in the site and its text; raises on unsafe cells."""
    findings = finding_rows(evidence, bibliography)
    entries = guideline_rows(guidelines, bibliography)
    problems = unsafe_cells(findings, evidence.findings, "data/evidence.yaml")
    problems += unsafe_cells(entries, guidelines.entries, "data/guidelines.yaml")
    if problems:
        raise OpenDataError("the open-data downloads would be unsafe:\n" + "\n".join(problems))
    conditions = {k: {"name": c["name"]} for k, c in evidence.conditions.items()}
    return {
        f"{FOLDER}/evidence.csv": to_csv(findings, FINDING_FIELDS),
        f"{FOLDER}/evidence.json": to_json(
            "evidence findings", findings, {"conditions": conditions}, site_url
        ),
        f"{FOLDER}/guidelines.csv": to_csv(entries, GUIDELINE_FIELDS),
        f"{FOLDER}/guidelines.json": to_json(
            "guidelines", entries, {"checked": guidelines.checked.isoformat()}, site_url
        ),
    }


def dictionary() -> str:
    """The data dictionary in Markdown: every column, its meaning, its values.
    A list, not a table: a table this wide would scroll sideways on a phone."""

    def fields(items: list[tuple[str, str]]) -> list[str]:
        lines = []
        for name, meaning in items:
            allowed = ALLOWED.get(name)
            if allowed:
                values = "; ".join(f"`{k}` ({v})" for k, v in allowed.items())
            elif name in {"estimate", "ci_low", "ci_high", "year"}:
                values = "a number"
            elif name in {"updated", "checked"}:
                values = "a date, YYYY-MM-DD"
            else:
                values = "text"
            lines.append(f"- `{name}`: {meaning}. Values: {values}.")
        return lines

    return "\n".join(
        [
            "### Evidence findings: `evidence.csv`, `evidence.json` { #evidence-fields }",
            "",
            *fields(FINDING_FIELDS),
            "",
            "### Guidelines: `guidelines.csv`, `guidelines.json` { #guideline-fields }",
            "",
            *fields(GUIDELINE_FIELDS),
            "",
        ]
    )


# After hooks/guidelines.py (60), whose data it publishes.
@event_priority(50)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    evidence = shared.get(config, "dn_evidence", "hooks/opendata.py")
    guidelines = shared.get(config, "dn_guidelines", "hooks/opendata.py")
    index = shared.get(config, "dn_citations", "hooks/opendata.py")
    bibliography = {k: e.data for k, e in index.bibliography.items()}
    for path, text in downloads(evidence, guidelines, bibliography, config.site_url or "").items():
        files.append(File.generated(config, path, content=text))
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return markdown.replace(DICTIONARY_MARKER, dictionary())
