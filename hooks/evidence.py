"""The evidence tables and the evidence map, built from one data file.

``data/evidence.yaml`` (``extra.evidence`` in mkdocs.yml) holds every finding
of the reviews behind the Conditions pages. This hook checks it once per
build, then:

* replaces ``<!-- evidence-table -->`` on a condition page with a table of that
  condition's findings (with ``[@key]`` citations, which hooks/citations.py
  then numbers, so it must run first);
* replaces ``<!-- evidence-map -->`` on the overview page with an inline SVG:
  conditions by comparison and time point, the direction of the effect as a
  shape and the certainty as a letter, each cell a link to its condition page.

Both come from the same data, so they cannot disagree with it. Bad data (a
missing field, an unknown citation key, a number that does not parse, an
interval that does not contain its estimate) fails the build with the file,
the line, the finding and the fix.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import buildcache
import plaintext
import shared
import stash
import yaml
import yamlsafe
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

TABLE_MARKER = "<!-- evidence-table -->"
MAP_MARKER = "<!-- evidence-map -->"
COUNTS_MARKER = "<!-- evidence-certainty-counts -->"
# In each condition page's "In short" box: the overall certainty, said plainly.
SURE_MARKER = "<!-- certainty-in-short -->"

COMPARISONS = {
    "sham-or-no-treatment": "Sham or no treatment",
    "other-treatment": "Another treatment",
    "added-to-treatment": "Added to other treatment",
}
OUTCOMES = {
    "pain": "Pain",
    "disability": "Disability",
    "ppt": "Pressure pain threshold",
    "spasticity": "Spasticity",
}
TIMEPOINTS = {
    "immediate": "Immediate",
    "short": "Short term",
    "mid": "Mid term",
    "long": "Long term",
}
MEASURES = {"SMD", "MD", "RR", "OR", "narrative"}
FAVOURS = {
    "dry-needling": "favours dry needling",
    "comparator": "favours the comparison",
    "neither": "no clear difference",
}
CERTAINTY = {
    "high": "High",
    "moderate": "Moderate",
    "low": "Low",
    "very-low": "Very low",
    # Why a finding has no rating, said to the reader.
    "not-graded": "Not graded: the review used no certainty rating",
    "not-seen": "Not seen: the review's rating for this finding was not visible to us",
}
MINUS, DASH = "\u2212", "\u2013"  # typographic minus sign and en dash
CERTAINTY_RANK = ["not-graded", "not-seen", "very-low", "low", "moderate", "high"]
RATED = CERTAINTY_RANK[2:]
CERTAINTY_LETTER = {
    "high": "H",
    "moderate": "M",
    "low": "L",
    "very-low": "VL",
    "not-graded": DASH,
    "not-seen": DASH,
}
REQUIRED = ("condition", "review", "comparison", "outcome", "timepoint", "timing", "measure",
            "favours", "certainty")  # fmt: skip


class EvidenceError(PluginError):
    """Bad evidence data, reported without a traceback."""


# One finding of the evidence data and its line.
Finding = yamlsafe.Item


@dataclass
class Evidence:
    conditions: dict[str, dict[str, Any]]  # key -> {name, page, overall?}
    findings: list[Finding]

    def for_condition(self, key: str) -> list[Finding]:
        return [f for f in self.findings if f["condition"] == key]


# ---------------------------------------------------------------------------
# Loading and checking
# ---------------------------------------------------------------------------


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_finding(data: dict[str, Any], conditions: dict, references: set[str]) -> list[str]:
    """What is wrong with one finding, each with the fix."""
    problems = []
    for name in REQUIRED:
        if data.get(name) in (None, ""):
            problems.append(f"'{name}' is missing")
    choices = {
        "comparison": COMPARISONS,
        "outcome": OUTCOMES,
        "timepoint": TIMEPOINTS,
        "measure": MEASURES,
        "favours": FAVOURS,
        "certainty": CERTAINTY,
        "condition": conditions,
    }
    for name, allowed in choices.items():
        value = data.get(name)
        if value is not None and value not in allowed:
            problems.append(f"'{name}' is {value!r}; use one of: {', '.join(allowed)}")
    if data.get("review") and data["review"] not in references:
        problems.append(
            f"'review' {data['review']!r} is not a key of the bibliography; add the review to "
            "data/bibliography.yaml or fix the key"
        )
    for name in ("note", "timing", "unit"):
        if isinstance(data.get(name), str) and (found := plaintext.problem(name, data[name], True)):
            problems.append(found)
    if data.get("measure") == "narrative":
        if not str(data.get("note") or "").strip():
            problems.append("a narrative finding needs 'note': the finding in words")
        return problems
    if data.get("measure") not in MEASURES:
        return problems
    estimate, ci = data.get("estimate"), data.get("ci")
    if not _number(estimate):
        problems.append(f"'estimate' {estimate!r} is not a number (write e.g. -0.45)")
    if not (isinstance(ci, list) and len(ci) == 2 and all(_number(x) for x in ci)):
        problems.append(f"'ci' {ci!r} must be [low, high], two numbers (e.g. [-0.8, -0.1])")
    elif _number(estimate):
        low, high = ci
        if not low <= estimate <= high:
            problems.append(
                f"the interval [{low}, {high}] does not contain the estimate {estimate}; "
                "check both against the review"
            )
        null = 1 if data["measure"] in {"RR", "OR"} else 0
        crosses = low <= null <= high
        if data.get("favours") == "neither" and not crosses:
            problems.append(
                f"'favours' is neither but the interval excludes {null} (no effect); check it"
            )
        if data.get("favours") in {"dry-needling", "comparator"} and crosses:
            problems.append(
                f"'favours' is {data['favours']} but the interval includes {null} (no "
                "effect): use neither"
            )
    if not str(data.get("unit") or "").strip():
        problems.append("'unit' is missing: say what the number measures (e.g. points on 0-10)")
    return problems


def check_overall(condition: dict[str, Any], references: set[str]) -> list[str]:
    """What is wrong with a condition's optional ``overall`` rating: a review's
    certainty for its conclusion as a whole, where it gives none per finding."""
    overall = condition.get("overall")
    if overall is None:
        return []
    fix = "write 'overall: {review: key, certainty: [low, moderate], quote: ...}'"
    if not isinstance(overall, dict) or set(overall) != {"review", "certainty", "quote"}:
        return [f"'overall' needs exactly 'review', 'certainty' and 'quote'; {fix}"]
    problems = []
    if overall["review"] not in references:
        problems.append(f"'overall' review {overall['review']!r} is not a key of the bibliography")
    levels = overall["certainty"]
    if not (isinstance(levels, list) and 1 <= len(levels) <= 2 and set(levels) <= set(RATED)):
        problems.append(
            f"'overall' certainty {levels!r} must be a list of one or two of: {', '.join(RATED)}"
        )
    if found := plaintext.problem("quote", str(overall["quote"]), True):
        problems.append(f"'overall': {found}")
    return problems


def _parse(text: str) -> list:
    """The evidence data in ``text`` and the line each finding starts on."""
    data, root = yamlsafe.parse(text)
    lines, condition_lines = [], {}
    if isinstance(root, yaml.MappingNode):
        for name, value in root.value:
            if name.value == "findings" and isinstance(value, yaml.SequenceNode):
                lines = [node.start_mark.line + 1 for node in value.value]
            if name.value == "conditions" and isinstance(value, yaml.MappingNode):
                condition_lines = {k.value: k.start_mark.line + 1 for k, _ in value.value}
    return [data, lines, condition_lines]


def load_evidence(
    path: Path, references: set[str], pages: set[str], cache: Path | None = None
) -> Evidence:
    """Read and check the evidence file; raise listing every problem. The YAML
    is parsed only when it has changed (hooks/buildcache.py; on disk in ``cache``)."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data, lines, condition_lines = buildcache.kept(
            "evidence", text, lambda: _parse(text), code=(__file__, yamlsafe.__file__), folder=cache
        )
    except FileNotFoundError:
        raise EvidenceError(f"{where}: the evidence file does not exist.") from None
    except yaml.MarkedYAMLError as err:
        line, what = yamlsafe.describe_error(err, text=text)
        raise EvidenceError(
            f"{where}{f':{line}' if line else ''}: not valid YAML ({what}); "
            "check indentation and quotes."
        ) from None
    if not isinstance(data, dict) or not {"conditions", "findings"} <= set(data):
        raise EvidenceError(f"{where}: needs two sections, 'conditions:' and 'findings:'.")
    if not isinstance(data["conditions"] or {}, dict) or not isinstance(
        data["findings"] or [], list
    ):
        raise EvidenceError(
            f"{where}: 'conditions:' must map keys to conditions ('neck: ...'), and "
            "'findings:' must be a list of findings ('- condition: ...')."
        )
    conditions, problems = data["conditions"] or {}, []
    for key, value in conditions.items():
        at = f"{where}:{condition_lines.get(key, '')}".rstrip(":")
        if not isinstance(value, dict) or not value.get("name") or not value.get("page"):
            problems.append(f"{at}: condition '{key}' needs 'name' and 'page'")
        elif found := plaintext.problem("name", str(value["name"])):
            problems.append(f"{at}: condition '{key}': {found}")
        elif value["page"] not in pages:
            problems.append(
                f"{at}: condition '{key}' names page '{value['page']}', which does not exist"
            )
        else:
            problems += [f"{at}: condition '{key}': {p}" for p in check_overall(value, references)]
    findings = []
    for number, (item, line) in enumerate(zip(data["findings"] or [], lines, strict=True), 1):
        if not isinstance(item, dict):
            problems.append(f"{where}:{line}: finding {number} must be a mapping ('- condition:')")
            continue
        label = f"finding {number} ({item.get('condition')}, {item.get('review')})"
        problems += [
            f"{where}:{line}: {label}: {p}" for p in check_finding(item, conditions, references)
        ]
        findings.append(Finding(item, line))
    if problems:
        raise EvidenceError("the evidence data has problems:\n" + "\n".join(problems))
    return Evidence(conditions, findings)


# ---------------------------------------------------------------------------
# The table on each condition page
# ---------------------------------------------------------------------------


def decimals(value: float) -> int:
    text = repr(float(value))
    return 0 if text.endswith(".0") else len(text.split(".")[1])


def number(value: float, places: int) -> str:
    """A number with ``places`` decimals and a true minus sign."""
    return f"{value:.{places}f}".replace("-", MINUS)


def result(finding: Finding) -> str:
    if finding["measure"] == "narrative":
        return html.escape(str(finding["note"]))
    low, high = finding["ci"]
    # Floats lose trailing zeros (-1.60 is read as -1.6): print all three
    # numbers to the most decimals any of them has, as reviews do.
    places = max(decimals(v) for v in (finding["estimate"], low, high))
    return (
        f"{finding['measure']} {number(finding['estimate'], places)} "
        f"({number(low, places)} to {number(high, places)}), {FAVOURS[finding['favours']]}"
    )


def review_label(data: dict[str, Any]) -> str:
    """'Navarro-Santana 2020' from a CSL entry."""
    author = data["author"][0]
    name = author.get("family") or author.get("literal", "")
    year = (data.get("issued") or {}).get("date-parts", [[""]])[0][0]
    return f"{name} {year}".strip()


def render_table(findings: list[Finding], bibliography: dict[str, dict[str, Any]]) -> str:
    """A Markdown table of ``findings``, grouped by review as the data lists them."""
    order = {key: i for i, key in enumerate(dict.fromkeys(f["review"] for f in findings))}
    rank = {k: i for i, k in enumerate([*COMPARISONS, *OUTCOMES, *TIMEPOINTS])}

    def sort_key(f: Finding) -> tuple:
        return (order[f["review"]], rank[f["comparison"]], rank[f["outcome"]], rank[f["timepoint"]])

    rows = [
        "| Review | Compared with | Outcome and time | Result (95% CI) | Certainty |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in sorted(findings, key=sort_key):
        note = f.get("note") if f["measure"] != "narrative" else ""
        compared = COMPARISONS[f["comparison"]] + (
            f"<br><small>{html.escape(note)}</small>" if note else ""
        )
        outcome = f"{OUTCOMES[f['outcome']]}, {html.escape(str(f['timing']))}"
        unit = f"<br><small>{html.escape(str(f['unit']))}</small>" if f.get("unit") else ""
        label = html.escape(review_label(bibliography[f["review"]]))
        rows.append(
            f"| {label} [@{f['review']}] | {compared} | {outcome} | {result(f)}{unit} "
            f"| {CERTAINTY[f['certainty']]} |"
        )
    caption = (
        "*Built from the guide's evidence data. Effects and certainty as each review reports "
        "them; where there is no rating, the column says why. See "
        "[how to read this](index.md#how-to-read-the-evidence).*"
    )
    return "\n".join(rows) + "\n\n" + caption + "\n"


# ---------------------------------------------------------------------------
# The evidence map on the overview page
# ---------------------------------------------------------------------------

SYMBOLS = {
    "dry-needling": ("▲", "favours dry needling"),
    "neither": ("●", "no clear difference"),
    "comparator": ("▼", "favours the comparison"),
    "mixed": ("◆", "mixed results"),
}


def summarise(findings: list[Finding]) -> tuple[str, str] | None:
    """A cell's direction and certainty, from its pain findings (or, if it has
    none, from all its findings): one direction if all agree, else 'mixed';
    the highest certainty any of them has."""
    if not findings:
        return None
    used = [f for f in findings if f["outcome"] == "pain"] or findings
    directions = {f["favours"] for f in used}
    direction = directions.pop() if len(directions) == 1 else "mixed"
    certainty = max((f["certainty"] for f in used), key=CERTAINTY_RANK.index)
    return direction, certainty


def render_map(evidence: Evidence, links: dict[str, str]) -> str:
    """The evidence map as inline SVG; ``links`` maps condition keys to URLs.

    Its links use ``xlink:href``, not SVG 2's plain ``href``: Material's
    instant navigation (off for now, see mkdocs.yml) rewrites every
    ``[href]`` element's ``href`` property, which on an SVG link is
    read-only, and the exception stopped instant navigation on the page.
    The namespaced attribute is not ``[href]``."""
    label_w, cell_w, row_h, gap, top = 150, 42, 34, 14, 66
    groups = list(COMPARISONS)
    width = label_w + len(groups) * (4 * cell_w + gap)
    height = top + len(evidence.conditions) * row_h + 6
    out = [
        f'<svg class="dn-evidence-map" viewBox="0 0 {width} {height}" role="group" '
        'aria-labelledby="dn-map-title" xmlns="http://www.w3.org/2000/svg">',
        '<title id="dn-map-title">Evidence map: dry needling by condition, comparison and '
        "time point</title>",
    ]
    for g, comparison in enumerate(groups):
        x0 = label_w + g * (4 * cell_w + gap)
        out.append(
            f'<text class="dn-map-head" x="{x0 + 2 * cell_w}" y="20" text-anchor="middle">'
            f"{html.escape(COMPARISONS[comparison])}</text>"
        )
        for t in range(len(TIMEPOINTS)):
            short = ["Now", "Short", "Mid", "Long"][t]
            out.append(
                f'<text class="dn-map-sub" x="{x0 + t * cell_w + cell_w / 2}" y="50" '
                f'text-anchor="middle">{short}</text>'
            )
    for r, (key, condition) in enumerate(evidence.conditions.items()):
        y = top + r * row_h
        name = html.escape(condition["name"])
        out.append(
            f'<a xlink:href="{links[key]}">'
            f'<text class="dn-map-label" x="4" y="{y + 22}">{name}</text></a>'
        )
        for g, comparison in enumerate(groups):
            x0 = label_w + g * (4 * cell_w + gap)
            for t, timepoint in enumerate(TIMEPOINTS):
                x = x0 + t * cell_w
                cell = [
                    f
                    for f in evidence.for_condition(key)
                    if f["comparison"] == comparison and f["timepoint"] == timepoint
                ]
                out.append(
                    f'<rect class="dn-map-cell" x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" '
                    f'height="{row_h - 2}" rx="3"/>'
                )
                summary = summarise(cell)
                if summary is None:
                    out.append(
                        f'<text class="dn-map-none" x="{x + cell_w / 2}" y="{y + 22}" '
                        'text-anchor="middle" aria-hidden="true">·</text>'
                    )
                    continue
                direction, certainty = summary
                symbol, words = SYMBOLS[direction]
                reviews = ", ".join(dict.fromkeys(f["review"] for f in cell))
                text = (
                    f"{condition['name']}, compared with {COMPARISONS[comparison].lower()}, "
                    f"{TIMEPOINTS[timepoint].lower()}: {words}; highest certainty "
                    f"{CERTAINTY[certainty].lower()} ({len(cell)} finding"
                    f"{'s' if len(cell) > 1 else ''}: {reviews})"
                )
                out.append(
                    f'<a xlink:href="{links[key]}" aria-label="{html.escape(text)}">'
                    f"<title>{html.escape(text)}</title>"
                    f'<text class="dn-map-mark dn-map-{direction}" x="{x + cell_w / 2}" '
                    f'y="{y + 18}" text-anchor="middle">{symbol}</text>'
                    f'<text class="dn-map-cert" x="{x + cell_w / 2}" y="{y + 30}" '
                    f'text-anchor="middle">{CERTAINTY_LETTER[certainty]}</text></a>'
                )
    out.append("</svg>")
    legend = (
        '<ul class="dn-map-legend">'
        + "".join(f'<li><span aria-hidden="true">{s}</span> {w}</li>' for s, w in SYMBOLS.values())
        + "<li>Letters: highest certainty in the cell (H high, M moderate, L low, VL very low, "
        f"{DASH} no rating: not graded, or not seen by us)</li>"
        '<li><span aria-hidden="true">·</span> no review finding</li></ul>'
    )
    return (
        '<div class="dn-evidence-map-wrap" role="region" aria-label="Evidence map" tabindex="0">'
        + "".join(out)
        + "</div>"
        + legend
    )


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


# After hooks/citations.py (80), whose bibliography it checks against.
@event_priority(70)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Once per build: check the evidence data against the bibliography."""
    path, _ = shared.data_file(config, "evidence")
    references = set(shared.get(config, "dn_citations", "hooks/evidence.py").bibliography)
    pages = {f.src_uri for f in files.documentation_pages()}
    cache = buildcache.folder(config.config_file_path, "evidence")
    evidence = load_evidence(path, references, pages, cache)
    docs = shared.docs_label(config)
    missing = [
        f"{docs}/{c['page']}"
        for c in evidence.conditions.values()
        if SURE_MARKER not in files.get_file_from_path(c["page"]).content_string
    ]
    if missing:
        raise EvidenceError(
            'every condition page\'s "In short" box says how sure the evidence is; these pages '
            f"lack a '{SURE_MARKER}' line in that box (a list item of its own): "
            + ", ".join(missing)
        )
    shared.put(config, "dn_evidence", evidence)
    return files


def certainty_counts(evidence: Evidence) -> str:
    """A sentence counting the findings with a rating and those without, by reason."""
    counts = dict.fromkeys(CERTAINTY, 0)
    for finding in evidence.findings:
        counts[finding["certainty"]] += 1
    rated = sum(counts[k] for k in ("high", "moderate", "low", "very-low"))
    return (
        f"Of the {len(evidence.findings)} findings on these pages, {rated} "
        f"{'has' if rated == 1 else 'have'} a rating the "
        f"review itself gives for that finding; {counts['not-seen']} are not seen and "
        f"{counts['not-graded']} not graded."
    )


def year_of(data: dict[str, Any]) -> int:
    return int((data.get("issued") or {}).get("date-parts", [[0]])[0][0] or 0)


def certainty_in_short(
    evidence: Evidence, key: str, bibliography: dict[str, dict[str, Any]]
) -> str:
    """The "In short" box's certainty line for condition ``key``: the rating of
    the newest review that gave one (for a finding, or ``overall``)."""
    rated: dict[str, set[str]] = {}
    for f in evidence.for_condition(key):
        if f["certainty"] in RATED:
            rated.setdefault(f["review"], set()).add(f["certainty"])
    overall = evidence.conditions[key].get("overall")
    if overall:
        rated.setdefault(overall["review"], set()).update(overall["certainty"])
    if not rated:
        reviews = bool(evidence.for_condition(key))
        return "How sure can we be? " + (
            "We could not see a rating of how sure the evidence is in the reviews here."
            if reviews
            else "No review that we found rated how sure the evidence is."
        )
    # Newest first; a tie goes to the review listed first in the data.
    review = max(rated, key=lambda r: year_of(bibliography[r]))
    levels = sorted(rated[review], key=RATED.index)
    words = " to ".join(dict.fromkeys([CERTAINTY[levels[0]], CERTAINTY[levels[-1]]])).lower()
    label = html.escape(review_label(bibliography[review]))
    return (
        f"How sure can we be? The newest review that rated how sure its evidence is "
        f"({label}) called it {words} [@{review}]."
    )


# Before hooks/citations.py (priority 0) numbers the citations the table adds.
@event_priority(50)
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not any(m in markdown for m in (TABLE_MARKER, MAP_MARKER, COUNTS_MARKER, SURE_MARKER)):
        return markdown
    evidence: Evidence = shared.get(config, "dn_evidence", "hooks/evidence.py")
    markdown = markdown.replace(COUNTS_MARKER, certainty_counts(evidence))
    src = page.file.src_uri
    index = shared.get(config, "dn_citations", "hooks/evidence.py")
    bibliography = {k: e.data for k, e in index.bibliography.items()}
    if SURE_MARKER in markdown:
        keys = [k for k, c in evidence.conditions.items() if c["page"] == src]
        if not keys:
            raise EvidenceError(
                f"{shared.page_label(config, page)}: has {SURE_MARKER} but no condition in the "
                "evidence data names this page; remove the marker."
            )
        markdown = markdown.replace(
            SURE_MARKER, certainty_in_short(evidence, keys[0], bibliography)
        )
    if MAP_MARKER in markdown:
        links = {
            key: get_relative_url(files.get_file_from_path(c["page"]).url, page.file.url)
            for key, c in evidence.conditions.items()
        }
        markdown = markdown.replace(MAP_MARKER, stash.put(page, render_map(evidence, links)))
    if TABLE_MARKER in markdown:
        keys = [k for k, c in evidence.conditions.items() if c["page"] == src]
        findings = [f for k in keys for f in evidence.for_condition(k)]
        if not findings:
            raise EvidenceError(
                f"{shared.page_label(config, page)}: has {TABLE_MARKER} but the evidence data "
                "has no finding for it; "
                "add findings with a condition whose page is this page, or remove the marker."
            )
        markdown = markdown.replace(TABLE_MARKER, render_table(findings, bibliography))
    return markdown
