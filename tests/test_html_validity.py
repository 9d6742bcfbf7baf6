"""Every built page is valid HTML by the Nu HTML Checker (vnu, from the
vnu-jar npm package, run on Java), but for the known theme findings below."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from conftest import ROOT, Build, html_pages

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Material for MkDocs findings we keep, each with its reason. Nothing else.
IGNORED = {
    # Material puts autocomplete="off" on its toggle checkboxes and radios so
    # that Firefox does not restore an open drawer or search on back/forward.
    r"Attribute “autocomplete” is only allowed when the input type is": "theme: toggles",
    # On section index pages (navigation.indexes) the table-of-contents label
    # points at a toggle the theme leaves out there; it does nothing.
    r"The value of the “for” attribute of the “label” element must be the ID of a "
    r"non-hidden form control": "theme: __toc label on section index pages",
}


def test_every_page_is_valid_html(built_site: Build) -> None:
    java = shutil.which("java")
    assert java, "Java is missing: install default-jre-headless (.ci/run does)"
    assert VNU.exists(), "vnu.jar is missing: run `npm ci` (make test does)"
    pages = html_pages(built_site.site)
    proc = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    errors = [m for m in messages if m["type"] == "error"]
    assert errors or proc.returncode == 0, proc.stderr
    kept = [
        f"{m['url'].split('/site/')[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in errors
        if not any(re.search(pattern, m["message"]) for pattern in IGNORED)
    ]
    assert kept == [], "\n".join(kept[:30])
    assert len(pages) >= 30


@pytest.mark.parametrize("pattern", list(IGNORED))
def test_ignored_findings_still_occur(built_site: Build, pattern: str) -> None:
    """An ignore entry the theme no longer needs is removed, not kept."""
    java = shutil.which("java")
    page = built_site.site / "basics" / "index.html"
    proc = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", str(page)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert any(re.search(pattern, m["message"]) for m in json.loads(proc.stderr)["messages"])
