"""Emergency numbers: one list, used everywhere the site names one.

``data/emergency.yaml`` (``extra.emergency`` in mkdocs.yml) holds each
place's emergency number (and, where there is one, a number for urgent
advice), each with an official source. The build checks it, then replaces
``<!-- emergency-numbers -->`` with a table and ``<!-- emergency-short -->``
with the short list ("999 (UK), 911 (US and Canada), ..."), in pages and in
the disclaimer notice (hooks/disclaimer.py reads it), so no page can give a
number the list does not have.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import plaintext
import shared
import yamlsafe
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

TABLE = "<!-- emergency-numbers -->"
SHORT = "<!-- emergency-short -->"
KEY = "dn_emergency"
REQUIRED = ("places", "short", "emergency", "sources")


class EmergencyError(PluginError):
    """Bad emergency-number data, reported without a traceback."""


def check(data: Any, lines: list[int], where: str, references: set[str]) -> list[str]:
    if not isinstance(data, dict) or not isinstance(data.get("numbers"), list):
        return [f"{where}: needs 'checked:' and 'numbers:', a list ('- places: ...')"]
    problems = []
    if not isinstance(data.get("checked"), dt.date):
        problems.append(f"{where}: 'checked' must be the date you checked, YYYY-MM-DD")
    for item, line in zip(data["numbers"], lines, strict=True):
        at = f"{where}:{line}"
        if not isinstance(item, dict):
            problems.append(f"{at}: an entry is a mapping ('- places: ...')")
            continue
        problems += [f"{at}: '{name}' is missing" for name in REQUIRED if not item.get(name)]
        for name in ("places", "short", "emergency", "urgent"):
            value = item.get(name)
            if value is not None and not isinstance(value, str):
                problems.append(f"{at}: '{name}' must be text (put numbers in quotes)")
            elif value and (found := plaintext.problem(name, value)):
                problems.append(f"{at}: {found}")
        problems += [
            f"{at}: source {s!r} is not a key of the bibliography"
            for s in item.get("sources") or []
            if s not in references
        ]
    return problems


def load(path: Path, where: str, references: set[str]) -> dict[str, Any]:
    data, root = yamlsafe.read(path, where, EmergencyError, "emergency-number")
    lines = yamlsafe.item_lines(root, "numbers")
    if problems := check(data, lines, where, references):
        raise EmergencyError("the emergency numbers have problems:\n" + "\n".join(problems))
    return data


def and_list(words: list[str]) -> str:
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


def short_list(data: dict[str, Any]) -> str:
    """'999 (UK), 911 (US and Canada), ... or 111 (New Zealand)': places that
    share a number are named together, in the file's order."""
    groups: dict[str, list[str]] = {}
    for item in data["numbers"]:
        groups.setdefault(item["emergency"], []).append(item["short"])
    parts = [f"{number} ({and_list(places)})" for number, places in groups.items()]
    return ", ".join(parts[:-1]) + " or " + parts[-1] if len(parts) > 1 else parts[0]


def table(data: dict[str, Any]) -> str:
    rows = ["| Where | Emergency | Urgent advice (not an emergency) |", "| --- | --- | --- |"]
    for item in data["numbers"]:
        cites = "; ".join(f"@{k}" for k in item["sources"])
        rows.append(
            f"| {item['places']} | **{item['emergency']}** | {item.get('urgent') or 'Not listed'} "
            f"[{cites}] |"
        )
    checked = data["checked"]
    return "\n".join(rows) + f"\n\n*Numbers checked on {checked.day} {checked:%B %Y}.*\n"


# After hooks/citations.py (80); before hooks/disclaimer.py (0), which puts the
# short list into the notice.
@event_priority(75)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    path, relative = shared.data_file(config, "emergency")
    index = shared.get(config, "dn_citations", "hooks/emergency.py")
    data = load(path, relative, set(index.bibliography))
    # The table's citations count as citations of the pages that show it.
    for file in files.documentation_pages():
        if TABLE in file.content_string:
            for item in data["numbers"]:
                for key in item["sources"]:
                    index.cite(key, file.src_uri)
    shared.put(config, KEY, data)
    return files


# Before hooks/citations.py (0) numbers the table's citations.
@event_priority(50)
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if TABLE not in markdown and SHORT not in markdown:
        return markdown
    data = shared.get(config, KEY, "hooks/emergency.py")
    return markdown.replace(TABLE, table(data)).replace(SHORT, short_list(data))
