"""What clinical practice guidelines say, built from one data file.

``data/guidelines.yaml`` (``extra.guidelines`` in mkdocs.yml) holds, for each
guideline and the conditions it covers, what it recommends about dry needling
(or about needling or acupuncture, where it does not name dry needling: the
entry says which), in which direction, with which strength as the guideline
states it, the recommendation's wording as the editors read it, and the
guideline's entry in the bibliography. This hook checks it once per build,
then:

* replaces ``<!-- guidelines -->`` on a condition page with a table of the
  guidelines for that condition, or says that none we checked addresses it,
  with the date of the check;
* replaces ``<!-- guidelines-overview -->`` on the overview page with a table
  of every guideline, by condition.

Every condition page must carry the marker, so a new condition page cannot
leave the question out. The tables cite each guideline (``[@key]``), so
hooks/citations.py numbers them and lists them under References. Bad data
fails the build with the file, the line, the entry and the fix.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import plaintext
import shared
import yaml
import yamlsafe
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

MARKER = "<!-- guidelines -->"
OVERVIEW_MARKER = "<!-- guidelines-overview -->"
KEY = "dn_guidelines"

ABOUT = {
    "dry-needling": "Dry needling",
    "needling-therapies": "Needling therapies (dry needling among them)",
    "acupuncture": "Acupuncture",
}
NOT_SEEN = "not-seen"
DIRECTION = {
    "recommends": "Recommends it",
    "suggests": "Suggests it (a weak or conditional recommendation)",
    "no-recommendation": "Makes no recommendation for or against",
    "suggests-against": "Suggests not using it (a weak or conditional recommendation against)",
    "recommends-against": "Recommends against it",
    "not-addressed": "Does not address it",
    NOT_SEEN: "Not seen by us",
}
REQUIRED = ("id", "body", "title", "year", "conditions", "about", "direction", "strength",
            "wording", "source")  # fmt: skip
TEXT = ("body", "title", "strength", "wording", "scope")


class GuidelinesError(PluginError):
    """Bad guideline data, reported without a traceback."""


# One entry of the guideline data and its line.
Guideline = yamlsafe.Item


@dataclass
class Guidelines:
    checked: dt.date
    entries: list[Guideline]
    conditions: dict[str, dict]  # the evidence data's, then the guideline data's own

    def for_condition(self, key: str) -> list[Guideline]:
        return [g for g in self.entries if key in g["conditions"]]


def check_entry(data: dict[str, Any], conditions: dict, references: set[str]) -> list[str]:
    """What is wrong with one entry, each with the fix."""
    problems = [f"'{name}' is missing" for name in REQUIRED if data.get(name) in (None, "", [])]
    for name, allowed in (("about", ABOUT), ("direction", DIRECTION)):
        value = data.get(name)
        if value is not None and value not in allowed:
            problems.append(f"'{name}' is {value!r}; use one of: {', '.join(allowed)}")
    for name in TEXT:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(f"'{name}' must be text (put it in quotes)")
        elif isinstance(value, str) and (found := plaintext.problem(name, value, cell=True)):
            problems.append(found)
    year = data.get("year")
    if year is not None and not (isinstance(year, int) and 1980 <= year <= 2100):
        problems.append(f"'year' {year!r} must be the year of publication, e.g. 2016")
    updated = data.get("updated")
    if updated is not None and (
        isinstance(updated, dt.datetime) or not isinstance(updated, dt.date)
    ):
        problems.append(f"'updated' {updated!r} must be a date, YYYY-MM-DD, without quotes")
    keys = data.get("conditions")
    if keys is not None:
        if not (isinstance(keys, list) and all(isinstance(k, str) for k in keys)):
            problems.append("'conditions' must be a list of condition keys, e.g. [low-back-pain]")
        else:
            problems += [
                f"condition {k!r} is neither a condition of data/evidence.yaml nor one of "
                "'other_conditions'; use one of: "
                f"{', '.join(conditions)}"
                for k in keys
                if k not in conditions
            ]
    if (data.get("direction") == NOT_SEEN) != (data.get("wording") == NOT_SEEN):
        problems.append(
            "'direction' and 'wording' are 'not-seen' together: record a direction only "
            "from the recommendation's own wording, never from a report of it"
        )
    if data.get("source") and data["source"] not in references:
        problems.append(
            f"'source' {data['source']!r} is not a key of the bibliography; add the guideline "
            "to data/bibliography.yaml (with its official URL or DOI) or fix the key"
        )
    return problems


def _parse(text: str) -> tuple[Any, list[int]]:
    data, root = yamlsafe.parse(text)
    lines = []
    if isinstance(root, yaml.MappingNode):
        for name, value in root.value:
            if name.value == "guidelines" and isinstance(value, yaml.SequenceNode):
                lines = [node.start_mark.line + 1 for node in value.value]
    return data, lines


def load_guidelines(path: Path, where: str, conditions: dict, references: set[str]) -> Guidelines:
    """Read and check the guideline data; raise listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GuidelinesError(f"{where}: the guideline data file does not exist.") from None
    try:
        data, lines = _parse(text)
    except yaml.MarkedYAMLError as err:
        line, what = yamlsafe.describe_error(err, text=text)
        raise GuidelinesError(
            f"{where}{f':{line}' if line else ''}: not valid YAML ({what}); "
            "check indentation and quotes."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("guidelines"), list):
        raise GuidelinesError(
            f"{where}: needs 'checked:' (the date of the last search for guidelines) and "
            "'guidelines:', a list of entries ('- id: ...')."
        )
    checked = data.get("checked")
    problems = []
    other = data.get("other_conditions") or {}
    if not isinstance(other, dict) or not all(isinstance(v, str) for v in other.values()):
        problems.append(
            f"{where}: 'other_conditions' maps a key to its name, e.g. "
            "'chronic-primary-pain: Chronic primary pain'"
        )
        other = {}
    conditions = {**conditions, **{k: {"name": v, "page": None} for k, v in other.items()}}
    if isinstance(checked, dt.datetime) or not isinstance(checked, dt.date):
        problems.append(f"{where}: 'checked' {checked!r} must be a date, YYYY-MM-DD")
    entries, seen = [], {}
    for item, line in zip(data["guidelines"], lines, strict=True):
        if not isinstance(item, dict):
            problems.append(f"{where}:{line}: each guideline is a mapping ('- id: ...')")
            continue
        label = f"guideline {item.get('id')!r}"
        problems += [
            f"{where}:{line}: {label}: {p}" for p in check_entry(item, conditions, references)
        ]
        if item.get("id") in seen:
            problems.append(
                f"{where}:{line}: {label}: duplicate id (first at line {seen[item['id']]})"
            )
        seen.setdefault(item.get("id"), line)
        entries.append(Guideline(item, line))
    if problems:
        raise GuidelinesError("the guideline data has problems:\n" + "\n".join(problems))
    return Guidelines(checked, entries, conditions)


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _text(g: Guideline, name: str) -> str:
    """A text field for a table cell: escaped, as the evidence tables' are, so
    that whatever the data holds reaches the page as text."""
    return html.escape(str(g[name]), quote=False)


def _label(g: Guideline) -> str:
    year = str(g["year"])
    if g.data.get("updated"):
        year += f", updated {g['updated'].year}"
    return f"{_text(g, 'body')}, {_text(g, 'title')} ({year}) [@{g['source']}]"


def _covers(g: Guideline) -> str:
    about = ABOUT[g["about"]]
    return f"{about}, for {_text(g, 'scope')}" if g.data.get("scope") else about


def _says(g: Guideline) -> str:
    if g["wording"] == NOT_SEEN:
        return (
            "Wording not seen: we could not read this recommendation itself, so we do not report it"
        )
    return f"{DIRECTION[g['direction']]}: “{_text(g, 'wording')}”"


def render_section(guidelines: Guidelines, key: str, name: str) -> str:
    """The Markdown for ``<!-- guidelines -->`` on the page of condition ``key``."""
    found = guidelines.for_condition(key)
    checked = long_date(guidelines.checked)
    if not found:
        return (
            "We found no guideline recommendation on dry needling, needling or acupuncture "
            f"for this condition that we could read ourselves (checked {checked}). The "
            "guidelines we did check are listed on "
            "[the conditions overview](index.md#guidelines).\n"
        )
    rows = [
        "| Guideline | What it covers | What it says | Strength, as the guideline states it |",
        "| --- | --- | --- | --- |",
    ]
    for g in found:
        rows.append(f"| {_label(g)} | {_covers(g)} | {_says(g)} | {_text(g, 'strength')} |")
    caption = (
        f"*From the guide's guideline data, checked {checked}. Where a guideline speaks of "
        "acupuncture or needling in general, we say so: it is not a statement about dry "
        "needling as such.*"
    )
    return "\n".join(rows) + "\n\n" + caption + "\n"


def render_overview(guidelines: Guidelines, links: dict[str, str]) -> str:
    """The Markdown for ``<!-- guidelines-overview -->``: every entry, by
    condition (linked where the condition has a page)."""
    rows = [
        "| Condition | Guideline | What it covers | What it says |",
        "| --- | --- | --- | --- |",
    ]
    for key, condition in guidelines.conditions.items():
        name = f"[{condition['name']}]({links[key]})" if key in links else condition["name"]
        for g in guidelines.for_condition(key):
            rows.append(f"| {name} | {_label(g)} | {_covers(g)} | {DIRECTION[g['direction']]} |")
    caption = f"*From the guide's guideline data, checked {long_date(guidelines.checked)}.*"
    return "\n".join(rows) + "\n\n" + caption + "\n"


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


# After hooks/citations.py (80) and hooks/evidence.py (70), whose data it checks against.
@event_priority(60)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    evidence = shared.get(config, "dn_evidence", "hooks/guidelines.py")
    index = shared.get(config, "dn_citations", "hooks/guidelines.py")
    path, relative = shared.data_file(config, "guidelines")
    guidelines = load_guidelines(path, relative, evidence.conditions, set(index.bibliography))
    docs = shared.docs_label(config)
    missing = [
        f"{docs}/{c['page']}"
        for c in evidence.conditions.values()
        if MARKER not in files.get_file_from_path(c["page"]).content_string
    ]
    if missing:
        raise GuidelinesError(
            "every condition page says what guidelines recommend; these pages lack the "
            f"'{MARKER}' line (put it under a '## What guidelines say' heading): "
            + ", ".join(missing)
        )
    # The tables cite each guideline: the References list and its "Cited on"
    # links count them (hooks/citations.py warns about uncited entries later).
    for key, condition in evidence.conditions.items():
        for g in guidelines.for_condition(key):
            index.cite(g["source"], condition["page"])
    for file in files.documentation_pages():
        if OVERVIEW_MARKER in file.content_string:
            for g in guidelines.entries:
                index.cite(g["source"], file.src_uri)
    shared.put(config, KEY, guidelines)
    return files


# Before hooks/citations.py (0) numbers the citations the tables add.
@event_priority(50)
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if MARKER not in markdown and OVERVIEW_MARKER not in markdown:
        return markdown
    guidelines = shared.get(config, KEY, "hooks/guidelines.py")
    conditions = shared.get(config, "dn_evidence", "hooks/guidelines.py").conditions
    if OVERVIEW_MARKER in markdown:
        # Markdown links to the pages' sources, which MkDocs checks and resolves.
        here = posixpath.dirname(page.file.src_uri)
        links = {key: posixpath.relpath(c["page"], here or ".") for key, c in conditions.items()}
        markdown = markdown.replace(OVERVIEW_MARKER, render_overview(guidelines, links))
    if MARKER in markdown:
        keys = [k for k, c in conditions.items() if c["page"] == page.file.src_uri]
        if not keys:
            raise GuidelinesError(
                f"{shared.page_label(config, page)}: has {MARKER} but no condition in the "
                "evidence data names this page."
            )
        section = render_section(guidelines, keys[0], conditions[keys[0]]["name"])
        markdown = markdown.replace(MARKER, section)
    return markdown
