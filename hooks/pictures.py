"""Pictures of risk and time, drawn from data at build time.

``data/pictures.yaml`` (``extra.pictures`` in mkdocs.yml) holds the rates
behind the "per 100" icon arrays and the hours behind the after-session
timeline. ``<!-- picture: NAME -->`` in a page becomes that picture: inline
SVG coloured by the theme's palette (so light and dark follow the reader's
choice), with a title, a text alternative listing every number in words with
its citation, and shapes that do not rely on colour (filled, outlined,
dashed). No number is typed into a drawing: each comes from the data file.

Hand-written: no maintained Markdown or MkDocs package draws icon arrays or
timelines as inline, CSP-safe SVG from a data file.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import plaintext
import shared
import stash
import yaml
import yamlsafe
from content_safety import line_of
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

MARKER = re.compile(r"<!-- picture: ([a-z0-9-]+) -->")
KEY = "dn_pictures"
TIMELINE = "after-session-timeline"
KINDS = ("observed", "upper-limit")
ZONES = {
    "normal": "Normal",
    "call-clinic": "Contact your practitioner",
    "emergency": "Emergency: call for help now",
}


class PicturesError(PluginError):
    """Bad picture data, reported without a traceback."""


@dataclass
class Pictures:
    arrays: dict[str, dict[str, Any]]
    timeline: dict[str, Any]

    def names(self) -> list[str]:
        return [*self.arrays, TIMELINE]


# ---------------------------------------------------------------------------
# Loading and checking
# ---------------------------------------------------------------------------


def _text(where: str, name: str, value: Any) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return [f"{where}: '{name}' must be text"]
    found = plaintext.problem(name, value) or plaintext.problem(name, value, cell=True)
    return [f"{where}: {found}"] if found else []


def check_array(where: str, data: Any, references: set[str]) -> list[str]:
    if not isinstance(data, dict):
        return [f"{where}: an icon array is a mapping with title, per, of and rows"]
    problems = _text(where, "title", data.get("title")) + _text(where, "of", data.get("of"))
    per = data.get("per")
    if per not in (100, 10000):
        problems.append(f"{where}: 'per' is {per!r}; use 100 or 10000")
    rows = data.get("rows")
    if not isinstance(rows, list) or not rows:
        return [*problems, f"{where}: 'rows' must be a list of the sources' rates"]
    for i, row in enumerate(rows, 1):
        at = f"{where}, row {i}"
        if not isinstance(row, dict):
            problems.append(f"{at}: a row is a mapping ('- label: ...')")
            continue
        problems += _text(at, "label", row.get("label")) + _text(at, "words", row.get("words"))
        value = row.get("value")
        if not (isinstance(value, int | float) and not isinstance(value, bool)):
            problems.append(f"{at}: 'value' {value!r} must be a number (the rate per {per})")
        elif isinstance(per, int) and not 0 <= value <= per:
            problems.append(f"{at}: 'value' {value} must be between 0 and {per}")
        if row.get("kind") not in KINDS:
            problems.append(f"{at}: 'kind' is {row.get('kind')!r}; use one of: {', '.join(KINDS)}")
        if row.get("source") not in references:
            problems.append(
                f"{at}: 'source' {row.get('source')!r} is not a key of the bibliography"
            )
    return problems


def check_timeline(where: str, data: Any, references: set[str]) -> list[str]:
    if not isinstance(data, dict):
        return [f"{where}: the timeline is a mapping with title, hours and rows"]
    problems = _text(where, "title", data.get("title"))
    hours = data.get("hours")
    if not (
        isinstance(hours, list)
        and len(hours) >= 2
        and all(isinstance(h, int) and h >= 0 for h in hours)
        and hours == sorted(set(hours))
    ):
        return [*problems, f"{where}: 'hours' must be whole hours, rising, e.g. [0, 6, 12, 24]"]
    for i, row in enumerate(data.get("rows") or [], 1):
        at = f"{where}, row {i}"
        if not isinstance(row, dict):
            problems.append(f"{at}: a row is a mapping ('- label: ...')")
            continue
        problems += _text(at, "label", row.get("label")) + _text(at, "words", row.get("words"))
        if "note" in row:
            problems += _text(at, "note", row["note"])
        if row.get("zone") not in ZONES:
            problems.append(f"{at}: 'zone' is {row.get('zone')!r}; use one of: {', '.join(ZONES)}")
        start, end, after = row.get("start"), row.get("end"), row.get("after")
        for name, value in (("start", start), ("end", end), ("after", after)):
            if value is not None and not (
                isinstance(value, int | float) and hours[0] <= value <= hours[-1]
            ):
                problems.append(f"{at}: '{name}' {value!r} must be an hour from 0 to {hours[-1]}")
        if not isinstance(start, int | float):
            problems.append(f"{at}: 'start' is missing")
        elif isinstance(end, int | float) and end <= start:
            problems.append(f"{at}: 'end' must come after 'start'")
        sources = row.get("sources")
        if not (isinstance(sources, list) and sources):
            problems.append(f"{at}: 'sources' must list bibliography keys")
        else:
            problems += [
                f"{at}: source {s!r} is not a key of the bibliography"
                for s in sources
                if s not in references
            ]
    if not data.get("rows"):
        problems.append(f"{where}: 'rows' must list what can happen")
    return problems


def load_pictures(path: Path, where: str, references: set[str]) -> Pictures:
    data, root = yamlsafe.read(path, where, PicturesError, "picture data")
    if not isinstance(data, dict) or not isinstance(data.get("arrays"), dict):
        raise PicturesError(f"{where}: needs 'arrays:' (icon arrays by name) and 'timeline:'.")
    lines = {}
    for name, value in root.value:
        if name.value == "arrays" and isinstance(value, yaml.MappingNode):
            lines = {k.value: k.start_mark.line + 1 for k, _ in value.value}
        if name.value == "timeline":
            lines[TIMELINE] = name.start_mark.line + 1
    problems = []
    for name, array in data["arrays"].items():
        if not re.fullmatch(r"[a-z0-9-]+", str(name)) or name == TIMELINE:
            problems.append(f"{where}:{lines.get(name)}: name {name!r}: use lowercase and '-'")
        problems += check_array(f"{where}:{lines.get(name)}: {name}", array, references)
    problems += check_timeline(
        f"{where}:{lines.get(TIMELINE)}: timeline", data.get("timeline"), references
    )
    if problems:
        raise PicturesError("the picture data has problems:\n" + "\n".join(problems))
    return Pictures(data["arrays"], data["timeline"])


# ---------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------


def number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def icon_array(name: str, array: dict[str, Any]) -> str:
    """One icon array per row, side by side. Per 100: a 10 by 10 grid of
    people, filled for the rate (rounded to whole icons). Per 10,000: a 100
    by 100 grid of dots (one pattern), the rate's dots filled. An upper limit
    is a dashed outline around that many icons, with none filled."""
    per = array["per"]
    side = 10 if per == 100 else 100
    cell = 20 if per == 100 else 3
    grid = side * cell
    label_h, gap = 40, 40
    count_rows = len(array["rows"])
    width = count_rows * grid + (count_rows - 1) * gap
    height = label_h + grid + 2
    out = [
        f'<svg class="dn-icons" viewBox="-2 0 {width + 4} {height}" role="img" '
        f'aria-labelledby="dn-{name}-title dn-{name}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="dn-{name}-title">{html.escape(array["title"])}</title>',
        f'<desc id="dn-{name}-desc">'
        + html.escape("; ".join(f"{r['label']}: {r['words']}" for r in array["rows"]))
        + "</desc>",
    ]
    if per != 100:
        out.append(
            f'<defs><pattern id="dn-{name}-dot" width="{cell}" height="{cell}" '
            'patternUnits="userSpaceOnUse">'
            f'<circle class="dn-icon-empty" cx="{cell / 2}" cy="{cell / 2}" r="{cell / 2 - 0.6}"/>'
            "</pattern></defs>"
        )
    for r, row in enumerate(array["rows"]):
        x0 = r * (grid + gap)
        count = round(row["value"])
        limit = row["kind"] == "upper-limit"
        out.append(
            f'<text class="dn-icon-label" x="{x0}" y="14">{html.escape(row["label"])}</text>'
            f'<text class="dn-icon-count" x="{x0}" y="32">'
            f"{'up to ' if limit else ''}{number(row['value'])} in {per:,}"
            f"{' (upper limit)' if limit else ''}</text>"
        )
        top = label_h
        if per == 100:
            for i in range(100):
                x, y = x0 + (i % side) * cell, top + (i // side) * cell
                out.append(person(x, y, cell, i < count and not limit))
        else:
            out.append(
                f'<rect x="{x0}" y="{top}" width="{grid}" height="{grid}" '
                f'fill="url(#dn-{name}-dot)"/>'
            )
            if not limit:
                for i in range(count):
                    x, y = x0 + (i % side) * cell, top + (i // side) * cell
                    out.append(
                        f'<circle class="dn-icon-filled" cx="{x + cell / 2}" cy="{y + cell / 2}" '
                        f'r="{cell / 2 + 0.5}"/>'
                    )
        if limit:
            out.append(outline(count, side, cell, x0, top))
    out.append("</svg>")
    return "".join(out)


def person(x: float, y: float, cell: float, filled: bool) -> str:
    """A small person: a head and a body, filled or outlined."""
    cls = "dn-icon-filled" if filled else "dn-icon-empty"
    cx = x + cell / 2
    return (
        f'<g class="{cls}"><circle cx="{cx}" cy="{y + 5}" r="3.2"/>'
        f'<path d="M{cx - 5} {y + 17}v-4a5 5 0 0 1 10 0v4z"/></g>'
    )


def outline(count: int, side: int, cell: float, x0: float, top: float) -> str:
    """A dashed outline around the first ``count`` icons: an upper limit
    (whole rows, or the start of the first row)."""
    full, rest = divmod(count, side)
    width, height = (side * cell, full * cell) if full else (rest * cell, cell)
    return (
        f'<rect class="dn-icon-limit" x="{x0 - 1}" y="{top - 1}" width="{width + 2}" '
        f'height="{height + 2}"/>'
    )


def timeline(data: dict[str, Any]) -> str:
    hours = data["hours"]
    label_w, plot_w, row_h, top = 0, 640, 58, 30
    scale = plot_w / (hours[-1] - hours[0])
    height = top + len(data["rows"]) * row_h + 10
    out = [
        f'<svg class="dn-timeline" viewBox="-10 0 {plot_w + 20} {height}" role="img" '
        'aria-labelledby="dn-timeline-title dn-timeline-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="dn-timeline-title">{html.escape(data["title"])}</title>',
        '<desc id="dn-timeline-desc">'
        + html.escape("; ".join(f"{r['label']}: {r['words']}" for r in data["rows"]))
        + "</desc>",
    ]
    for h in hours:
        x = label_w + (h - hours[0]) * scale
        anchor = "start" if h == hours[0] else "end" if h == hours[-1] else "middle"
        out.append(
            f'<line class="dn-time-grid" x1="{x}" y1="{top - 8}" x2="{x}" y2="{height - 6}"/>'
            f'<text class="dn-time-tick" x="{x}" y="{top - 12}" text-anchor="{anchor}">'
            f"{'Session' if h == 0 else hours_text(h)}</text>"
        )
    for r, row in enumerate(data["rows"]):
        y = top + r * row_h
        later = (
            f"; still there after {hours_text(row['after'])}: contact your practitioner"
            if row.get("after") is not None
            else ""
        )
        out.append(
            f'<text class="dn-time-label" x="0" y="{y + 16}">{html.escape(row["label"])} '
            f"({html.escape(ZONES[row['zone']].lower())}{later})</text>"
        )
        x0 = (row["start"] - hours[0]) * scale
        end = row.get("end")
        bar_y, bar_h = y + 24, 16
        if end is None:  # no end given by the sources: a dashed, open bar
            out.append(
                f'<rect class="dn-time-{row["zone"]} dn-time-open" x="{x0}" y="{bar_y}" '
                f'width="{plot_w - x0}" height="{bar_h}"/>'
                f'<text class="dn-time-note" x="{x0 + 6}" y="{bar_y + 12}">'
                f"{html.escape(row.get('note', 'how long: not reported'))}</text>"
            )
        else:
            out.append(
                f'<rect class="dn-time-{row["zone"]}" x="{x0}" y="{bar_y}" '
                f'width="{(end - row["start"]) * scale}" height="{bar_h}"/>'
            )
        if row.get("after") is not None:
            xa = (row["after"] - hours[0]) * scale
            out.append(
                f'<rect class="dn-time-call-clinic" x="{xa}" y="{bar_y}" width="{plot_w - xa}" '
                f'height="{bar_h}"/>'
            )
    out.append("</svg>")
    return "".join(out)


def hours_text(h: float) -> str:
    return f"{h:g} h" if h < 24 else f"{h / 24:g} day{'s' * (h > 24)}"


def text_alternative(rows: list[dict[str, Any]], key: str = "source") -> str:
    """The picture's numbers in words, with citations, as a Markdown list."""
    items = []
    for row in rows:
        keys = row[key] if isinstance(row[key], list) else [row[key]]
        cites = "; ".join(f"@{k}" for k in keys)
        items.append(f"- {html.escape(row['label'])}: {html.escape(row['words'])} [{cites}].")
    return "\n".join(items)


def render(pictures: Pictures, name: str, page: Page) -> str:
    """The Markdown for ``<!-- picture: name -->``: the figure (stashed, so
    Markdown leaves it alone), then its text alternative."""
    if name == TIMELINE:
        data, rows = pictures.timeline, pictures.timeline["rows"]
        svg, key = timeline(data), "sources"
    else:
        data, rows = pictures.arrays[name], pictures.arrays[name]["rows"]
        svg, key = icon_array(name, data), "source"
    figure = (
        '<figure class="dn-picture">'
        # Scrolls sideways on a narrow phone: a region that keyboards can reach.
        f'<div class="dn-picture-wrap" role="region" tabindex="0" '
        f'aria-label="{html.escape(data["title"])}">{svg}</div>'
        f"<figcaption>{html.escape(data['title'])}. "
        "Drawn from the guide's data; the same numbers in words follow.</figcaption></figure>"
    )
    return (
        f"{stash.put(page, figure)}\n\n**The picture in words:**\n\n{text_alternative(rows, key)}\n"
    )


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


# After hooks/citations.py (80), whose bibliography it checks against.
@event_priority(60)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    path, relative = shared.data_file(config, "pictures")
    index = shared.get(config, "dn_citations", "hooks/pictures.py")
    pictures = load_pictures(path, relative, set(index.bibliography))
    # The citations in the text alternatives count as citations of the pages
    # that show them (the References list, and the check for uncited entries).
    for file in files.documentation_pages():
        for name in MARKER.findall(file.content_string):
            if name in pictures.arrays:
                keys = [r["source"] for r in pictures.arrays[name]["rows"]]
            elif name == TIMELINE:
                keys = [k for r in pictures.timeline["rows"] for k in r["sources"]]
            else:
                continue  # reported in on_page_markdown, with the page
            for key in keys:
                index.cite(key, file.src_uri)
    shared.put(config, KEY, pictures)
    return files


# Before hooks/citations.py (0) numbers the citations the text adds.
@event_priority(50)
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if "<!-- picture:" not in markdown:
        return markdown
    pictures: Pictures = shared.get(config, KEY, "hooks/pictures.py")

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in pictures.names():
            line = line_of(page.file.content_string, match.group(0))
            raise PicturesError(
                f"{shared.page_label(config, page)}:{line}: no picture named {name!r}; "
                f"use one of: {', '.join(pictures.names())} (data/pictures.yaml)"
            )
        return render(pictures, name, page)

    return MARKER.sub(replace, markdown)
