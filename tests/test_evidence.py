"""The evidence data, the tables and the map built from it (hooks/evidence.py)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import buildcache
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, Build, mkdocs_build
from evidence import (
    CERTAINTY,
    COMPARISONS,
    FAVOURS,
    OUTCOMES,
    Evidence,
    EvidenceError,
    Finding,
    certainty_in_short,
    check_finding,
    load_evidence,
    render_map,
    render_table,
    result,
    summarise,
)

CONDITIONS = {"neck-pain": {"name": "Neck pain", "page": "conditions/neck-pain.md"}}
GOOD = {
    "condition": "neck-pain",
    "review": "gattie2017",
    "comparison": "sham-or-no-treatment",
    "outcome": "pain",
    "timepoint": "short",
    "timing": "up to 12 weeks",
    "measure": "SMD",
    "estimate": -0.87,
    "ci": [-1.6, -0.14],
    "unit": "standardised mean difference",
    "favours": "dry-needling",
    "certainty": "low",
    "note": "vs sham",
}


def problems(**changes) -> list[str]:
    data = {**GOOD, **changes}
    return check_finding(
        {k: v for k, v in data.items() if v is not None}, CONDITIONS, {"gattie2017"}
    )


def test_a_good_finding_passes() -> None:
    assert problems() == []
    # Printed escaped, so comparisons read as written.
    assert problems(timing="<1 week", note="p < 0.05 & n >= 20") == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"timing": None}, "'timing' is missing"),
        ({"review": "gatie2017"}, "is not a key of the bibliography"),
        ({"estimate": "−0.87"}, "'estimate' '−0.87' is not a number"),
        ({"ci": [-1.6]}, "must be [low, high]"),
        ({"ci": [-0.8, -0.1], "estimate": -0.9}, "does not contain the estimate -0.9"),
        ({"favours": "neither"}, "excludes 0 (no effect)"),
        ({"ci": [-1.6, 0.14]}, "includes 0 (no effect): use neither"),
        ({"comparison": "placebo"}, "'comparison' is 'placebo'; use one of"),
        ({"certainty": "medium"}, "'certainty' is 'medium'"),
        ({"condition": "back"}, "'condition' is 'back'"),
        ({"measure": "narrative", "note": ""}, "needs 'note'"),
        ({"unit": ""}, "'unit' is missing"),
        (
            {"note": "vs sham | <script>alert(1)</script>"},
            "'note' must be plain text, but it has '|'",
        ),
        ({"timing": "[soon](javascript:alert(1))"}, "'timing' must be plain text, but it has '['"),
        ({"unit": "`code`"}, "'unit' must be plain text, but it has '`'"),
    ],
)
def test_bad_findings_are_reported_with_the_fix(changes, expected) -> None:
    found = problems(**changes)
    assert any(expected in p for p in found), found


def test_ratio_measures_use_one_as_no_effect() -> None:
    assert problems(measure="RR", estimate=1.5, ci=[1.1, 2.0]) == []
    assert any("includes 1" in p for p in problems(measure="RR", estimate=1.5, ci=[0.9, 2.0]))


def test_load_evidence_names_line_and_finding(tmp_path: Path) -> None:
    path = tmp_path / "evidence.yaml"
    bad = {**GOOD, "estimate": -2.0}
    path.write_text(
        yaml.safe_dump({"conditions": CONDITIONS, "findings": [GOOD, bad]}, sort_keys=False)
    )
    with pytest.raises(EvidenceError) as err:
        load_evidence(path, {"gattie2017"}, {"conditions/neck-pain.md"})
    message = str(err.value)
    assert re.search(
        r"evidence\.yaml:\d+: finding 2 \(neck-pain, gattie2017\): the interval", message
    )
    with pytest.raises(EvidenceError, match=r"names page 'conditions/neck-pain\.md', which does"):
        load_evidence(path, {"gattie2017"}, set())


@pytest.mark.parametrize(
    "text",
    [
        "conditions: {}\nfindings:\n  neck: 1\n",
        "conditions: [a, b]\nfindings: []\n",
    ],
)
def test_load_evidence_wrong_shapes_are_explained(tmp_path: Path, text: str) -> None:
    path = tmp_path / "evidence.yaml"
    path.write_text(text)
    with pytest.raises(EvidenceError, match="must be a list of findings"):
        load_evidence(path, set(), set())


def test_load_evidence_lines_stay_right_when_the_parse_is_kept(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(buildcache, "_MEMORY", {})
    path, cache = tmp_path / "evidence.yaml", tmp_path / "cache"
    bad = {**GOOD, "estimate": -2.0}
    path.write_text(
        yaml.safe_dump({"conditions": CONDITIONS, "findings": [GOOD, bad]}, sort_keys=False)
    )
    messages = []
    for _ in range(2):  # the second from .cache/, as in the next `mkdocs build`
        with pytest.raises(EvidenceError) as err:
            load_evidence(path, {"gattie2017"}, {"conditions/neck-pain.md"}, cache)
        messages.append(str(err.value))
        buildcache._MEMORY.clear()
    assert list(cache.iterdir())
    starts = [n for n, t in enumerate(path.read_text().splitlines(), 1) if t.startswith("- ")]
    line = starts[1]
    assert messages[0] == messages[1]
    assert f"evidence.yaml:{line}: finding 2" in messages[1]


def f(**changes) -> Finding:
    return Finding({**GOOD, **changes}, 1)


def test_summary_prefers_pain_and_reports_disagreement() -> None:
    assert summarise([]) is None
    assert summarise([f(), f(outcome="ppt", favours="neither", ci=[-1, 1])]) == (
        "dry-needling",
        "low",
    )
    assert summarise([f(), f(favours="neither", ci=[-1, 1], certainty="moderate")]) == (
        "mixed",
        "moderate",
    )
    assert summarise([f(outcome="disability", certainty="very-low")]) == (
        "dry-needling",
        "very-low",
    )


def test_result_keeps_the_reviews_decimals() -> None:
    assert result(f()) == "SMD −0.87 (−1.60 to −0.14), favours dry needling"
    assert result(f(measure="narrative", note="No difference")) == "No difference"


def test_table_and_map() -> None:
    bibliography = {
        "gattie2017": {"author": [{"family": "Gattie"}], "issued": {"date-parts": [[2017]]}}
    }
    table = render_table([f(), f(timepoint="immediate", timing="right after")], bibliography)
    rows = [line for line in table.splitlines() if line.startswith("| Gattie 2017 [@gattie2017]")]
    assert len(rows) == 2 and all("| Low |" in row for row in rows)
    assert "right after" in rows[0] and "up to 12 weeks" in rows[1]  # immediate before short

    from evidence import Evidence

    svg = render_map(Evidence(CONDITIONS, [f()]), {"neck-pain": "neck-pain/"})
    assert svg.count('<a xlink:href="neck-pain/"') == 2  # the row label and the one cell with data
    assert "Neck pain, compared with sham or no treatment, short term: favours dry needling" in svg
    assert "highest certainty low" in svg


# -- The built site ---------------------------------------------------------


def evidence_data() -> dict:
    return yaml.safe_load((ROOT / "data" / "evidence.yaml").read_text(encoding="utf-8"))


def generated_table(page: BeautifulSoup):
    caption = page.find(string=re.compile("Built from the guide's evidence data"))
    assert caption is not None
    return caption.find_parent("p").find_previous("table")


def cell_text(cell) -> tuple[str, str]:
    """A table cell's text before its line break, and its <small> note after."""
    main = []
    for part in cell.contents:
        if getattr(part, "name", None) == "br":
            break
        main.append(part.get_text() if hasattr(part, "get_text") else str(part))
    small = cell.find("small")
    return " ".join("".join(main).split()), " ".join(small.get_text().split()) if small else ""


def table_rows(table) -> list[dict]:
    rows = []
    for tr in table.select("tbody tr"):
        review, compared, outcome, result_, certainty = tr.find_all("td")
        rows.append(
            {
                "reviews": [
                    a["href"].removeprefix("#ref-") for a in review.select("a[href^='#ref-']")
                ],
                "compared": cell_text(compared),
                "outcome": cell_text(outcome)[0],
                "result": cell_text(result_),
                "certainty": cell_text(certainty)[0],
            }
        )
    return rows


NUMBERS = re.compile(r"^(\w+) (−?[\d.]+) \((−?[\d.]+) to (−?[\d.]+)\), (.+)$")


def row_problems(row: dict, finding: dict) -> list[str]:
    """How the table row ``row`` differs from ``finding`` in the data."""
    problems = []
    result_, unit = row["result"]
    if finding["measure"] == "narrative":
        if result_ != " ".join(str(finding["note"]).split()):
            problems.append(f"result {result_!r}, expected the note {finding['note']!r}")
    elif not (match := NUMBERS.match(result_)):
        problems.append(f"result {result_!r} is not 'MEASURE estimate (low to high), direction'")
    else:
        measure, *numbers, favours = match.groups()
        shown = [float(n.replace("−", "-")) for n in numbers]
        if measure != finding["measure"] or shown != [finding["estimate"], *finding["ci"]]:
            problems.append(
                f"result {result_!r}, expected {finding['measure']} {finding['estimate']}"
                f" ({finding['ci'][0]} to {finding['ci'][1]})"
            )
        if favours != FAVOURS[finding["favours"]]:
            problems.append(f"result {result_!r}, expected {FAVOURS[finding['favours']]!r}")
        if unit != " ".join(str(finding.get("unit", "")).split()):
            problems.append(f"unit {unit!r}, expected {finding.get('unit')!r}")
    note = " ".join(str(finding.get("note") or "").split())
    if finding["measure"] != "narrative" and row["compared"][1] != note:
        problems.append(f"note {row['compared'][1]!r}, expected {note!r}")
    if row["certainty"] != CERTAINTY[finding["certainty"]]:
        problems.append(f"certainty {row['certainty']!r}, expected {finding['certainty']!r}")
    return problems


def test_each_condition_page_shows_exactly_its_findings(built_site: Build) -> None:
    """Each finding's numbers are in its own row of its condition page's table:
    the row of its review, comparison, outcome and time."""
    data = evidence_data()
    failures = []
    for key, condition in data["conditions"].items():
        src = Path(condition["page"]).with_suffix("")
        page = BeautifulSoup((built_site.site / src / "index.html").read_text(), "html.parser")
        expected = [x for x in data["findings"] if x["condition"] == key]
        if not expected:  # no review finding: the page says so and has no table
            assert page.find(string=re.compile("Built from the guide's evidence data")) is None
            continue
        rows = table_rows(generated_table(page))
        assert len(rows) == len(expected), key
        for finding in expected:
            name = (
                f"{key}: {finding['review']}, {finding['comparison']}, {finding['outcome']}, "
                f"{finding['timing']}"
            )
            outcome = f"{OUTCOMES[finding['outcome']]}, {' '.join(finding['timing'].split())}"
            candidates = [
                row
                for row in rows
                if row["reviews"] == [finding["review"]]
                and row["compared"][0] == COMPARISONS[finding["comparison"]]
                and row["outcome"] == outcome
            ]
            if not candidates:
                failures.append(f"{name}: no row of the table has this review and outcome")
                continue
            found = [row_problems(row, finding) for row in candidates]
            if [] in found:  # a row that shows it; taken, so no other finding can claim it
                rows.remove(candidates[found.index([])])
            else:
                failures.append(f"{name}: " + "; ".join(found[0]))
    assert not failures, "\n".join(failures)


def test_the_map_links_every_cell_to_its_condition_page(built_site: Build) -> None:
    page = BeautifulSoup((built_site.site / "conditions" / "index.html").read_text(), "html.parser")
    svg = page.select_one("svg.dn-evidence-map")
    assert svg is not None
    cells = svg.select("a[aria-label]")
    data = evidence_data()
    keys = {(x["condition"], x["comparison"], x["timepoint"]) for x in data["findings"]}
    assert len(cells) == len(keys)
    for a in svg.select("a"):
        target = urljoin("http://s/conditions/", a["xlink:href"]).removeprefix("http://s/")
        assert (built_site.site / target / "index.html").exists(), a["xlink:href"]


def test_changing_the_data_changes_table_and_map(project_copy: Path, tmp_path: Path) -> None:
    path = project_copy / "data" / "evidence.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["findings"].append(
        {
            **GOOD,
            "condition": "fibromyalgia",
            "timepoint": "long",
            "timing": "at 12 months (test)",
            "estimate": -0.42,
            "ci": [-0.7, -0.11],
            "certainty": "moderate",
        }
    )
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode == 0, build.output
    fibro = (build.site / "conditions" / "fibromyalgia" / "index.html").read_text()
    assert "SMD −0.42 (−0.70 to −0.11)" in BeautifulSoup(fibro, "html.parser").get_text()
    overview = (build.site / "conditions" / "index.html").read_text()
    assert "Fibromyalgia, compared with sham or no treatment, long term: favours dry needling" in (
        overview
    )


def test_the_certainty_counts_come_from_the_data() -> None:
    from evidence import Evidence, Finding, certainty_counts

    findings = [Finding({**GOOD, "certainty": c}, 1) for c in ("low", "not-seen", "not-seen")]
    assert certainty_counts(Evidence(CONDITIONS, findings)) == (
        "Of the 3 findings on these pages, 1 has a rating the review itself gives for that "
        "finding; 2 are not seen and 0 not graded."
    )


# ---------------------------------------------------------------------------
# "How sure can we be?" in each In short box
# ---------------------------------------------------------------------------

BIB = {
    "gattie2017": {"author": [{"family": "Gattie"}], "issued": {"date-parts": [[2017]]}},
    "newer2022": {"author": [{"family": "Newer"}], "issued": {"date-parts": [[2022]]}},
    "newest2024": {"author": [{"family": "Newest"}], "issued": {"date-parts": [[2024]]}},
}


def test_in_short_certainty_is_the_newest_rated_review() -> None:
    findings = [
        f(certainty="moderate"),
        f(review="newer2022", certainty="very-low"),
        f(review="newer2022", certainty="low", outcome="disability"),
        f(review="newest2024", certainty="not-seen"),  # newest, but unrated: skipped
    ]
    line = certainty_in_short(Evidence(CONDITIONS, findings), "neck-pain", BIB)
    assert line == (
        "How sure can we be? The newest review that rated how sure its evidence is "
        "(Newer 2022) called it very low to low [@newer2022]."
    )


def test_in_short_certainty_uses_a_reviews_overall_rating() -> None:
    conditions = {
        "neck-pain": {
            **CONDITIONS["neck-pain"],
            "overall": {"review": "newest2024", "certainty": ["moderate"], "quote": "q"},
        }
    }
    findings = [f(certainty="low"), f(review="newest2024", certainty="not-seen")]
    line = certainty_in_short(Evidence(conditions, findings), "neck-pain", BIB)
    assert "(Newest 2024) called it moderate [@newest2024]" in line


def test_in_short_certainty_says_when_there_is_no_rating() -> None:
    unrated = certainty_in_short(Evidence(CONDITIONS, [f(certainty="not-seen")]), "neck-pain", BIB)
    assert unrated.endswith(
        "We could not see a rating of how sure the evidence is in the reviews here."
    )
    none = certainty_in_short(Evidence(CONDITIONS, []), "neck-pain", BIB)
    assert none.endswith("No review that we found rated how sure the evidence is.")


@pytest.mark.parametrize(
    ("overall", "expected"),
    [
        (
            {"review": "gattie2017", "certainty": ["good"], "quote": "q"},
            "must be a list of one or two",
        ),
        (
            {"review": "nobody", "certainty": ["low"], "quote": "q"},
            "is not a key of the bibliography",
        ),
        ({"review": "gattie2017", "certainty": ["low"]}, "needs exactly 'review', 'certainty'"),
    ],
)
def test_bad_overall_ratings_are_reported_at_their_line(tmp_path: Path, overall, expected) -> None:
    path = tmp_path / "evidence.yaml"
    conditions = {"neck-pain": {**CONDITIONS["neck-pain"], "overall": overall}}
    path.write_text(yaml.safe_dump({"findings": [GOOD], "conditions": conditions}, sort_keys=False))
    with pytest.raises(EvidenceError) as err:
        load_evidence(path, {"gattie2017"}, {"conditions/neck-pain.md"})
    line = path.read_text().splitlines().index("  neck-pain:") + 1
    assert f"evidence.yaml:{line}: condition 'neck-pain': " in str(err.value)
    assert expected in str(err.value)


def test_each_in_short_box_says_how_sure_from_the_data(built_site: Build) -> None:
    """The box's certainty line is the generated one, with the newest rated
    review's levels as the data gives them (or the reason there is none)."""
    data = evidence_data()
    bib = {e["id"]: e for e in yaml.safe_load((ROOT / "data/bibliography.yaml").read_text())}
    failures = []
    for key, condition in data["conditions"].items():
        src = Path(condition["page"]).with_suffix("")
        page = BeautifulSoup((built_site.site / src / "index.html").read_text(), "html.parser")
        box = page.select_one("details.summary, div.admonition.summary")
        text = " ".join(box.get_text(" ").split()) if box else ""
        rated = {}
        for x in data["findings"]:
            if x["condition"] == key and x["certainty"] not in {"not-seen", "not-graded"}:
                rated.setdefault(x["review"], set()).add(x["certainty"])
        if "overall" in condition:
            rated.setdefault(condition["overall"]["review"], set()).update(
                condition["overall"]["certainty"]
            )
        if not rated:
            ok = "How sure can we be? We could not see a rating" in text or (
                "How sure can we be? No review that we found rated" in text
            )
        else:
            review = max(rated, key=lambda r: bib[r]["issued"]["date-parts"][0][0])
            words = {w.replace("-", " ") for w in rated[review]}
            said = re.search(
                r"How sure can we be\? The newest review .*? called it ([a-z ]+)", text
            )
            ok = bool(said) and set(re.split(r" to ", said.group(1).strip())) == words
        if not ok:
            failures.append(f"{key}: {text[:80]!r}")
    assert not failures, "\n".join(failures)
