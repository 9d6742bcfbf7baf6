"""The build as a pipeline: the hooks' order in mkdocs.yml does not matter, a
hook without the hook that makes what it needs says which, an incremental
(dirty) build writes what a full build writes, and .cache/ stays bounded."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from conftest import Build, mkdocs_build

HOOKS = re.compile(r"(?m)^hooks:\n((?:  - .*\n)+)")


def hooks_of(project: Path) -> list[str]:
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    return HOOKS.search(text).group(1).splitlines(keepends=True)


def set_hooks(project: Path, lines: list[str]) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    match = HOOKS.search(text)
    config.write_text(text[: match.start(1)] + "".join(lines) + text[match.end(1) :], "utf-8")


def files_of(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_the_hooks_list_order_does_not_matter(
    built_site: Build, project_copy: Path, tmp_path: Path
) -> None:
    set_hooks(project_copy, list(reversed(hooks_of(project_copy))))
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert "Traceback" not in build.output
    reversed_site, site = files_of(build.site), files_of(built_site.site)
    assert reversed_site.keys() == site.keys()
    assert [name for name in site if site[name] != reversed_site[name]] == []


def test_a_hook_without_its_maker_names_the_maker(project_copy: Path, tmp_path: Path) -> None:
    set_hooks(project_copy, [h for h in hooks_of(project_copy) if "metadata.py" not in h])
    build = mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode != 0
    assert "Traceback" not in build.output and "KeyError" not in build.output
    assert re.search(
        r"hooks/\w+\.py needs every page's checked front matter \('dn_metadata'\), which "
        r"hooks/metadata\.py makes in on_files",
        build.output,
    ), build.output


# Material's own plugins cannot do a dirty build: its search index then holds
# only the rebuilt pages (squidfunk/mkdocs-material#7638), and its tags plugin
# neither the Topics index nor the rebuilt page's tag links. Everything else,
# the combined stylesheet included, must be what a full build writes.
DIRTY_LIMITS = {"search/search_index.json", "tags.json"}
TAG_LINK = re.compile(rb'<a href="[^"]*tags/#tag:[^"]*" class="md-tag">(.*?)</a>')


def test_a_dirty_build_writes_what_a_full_build_writes(project_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert mkdocs_build(project_copy, site).returncode == 0
    full = files_of(site)
    page = project_copy / "docs" / "glossary.md"
    os.utime(page, (time.time() + 5, time.time() + 5))
    # MkDocs warns that a dirty build is for previews; strict mode would fail on that.
    dirty = mkdocs_build(project_copy, site, "--dirty", "--no-strict")
    assert dirty.returncode == 0, dirty.output
    after = files_of(site)
    assert after["assets/stylesheets/site.css"] == full["assets/stylesheets/site.css"]
    changed = {name for name in full if full[name] != after.get(name)}
    assert changed <= DIRTY_LIMITS | {"glossary/index.html"}, changed - DIRTY_LIMITS
    rebuilt = TAG_LINK.sub(rb'<span class="md-tag">\1</span>', full["glossary/index.html"])
    assert after["glossary/index.html"] == rebuilt


def test_the_cache_keeps_only_what_the_sources_map_to(project_copy: Path, tmp_path: Path) -> None:
    bibliography = project_copy / "data" / "bibliography.yaml"
    for edit in range(3):
        bibliography.write_text(
            bibliography.read_text(encoding="utf-8") + f"# edit {edit}\n", encoding="utf-8"
        )
        assert mkdocs_build(project_copy, tmp_path / "site").returncode == 0
    kept = sorted(p.name for p in (project_copy / ".cache" / "bibliography").iterdir())
    assert len(kept) == 1, kept
    assert len(list((project_copy / ".cache" / "templates").iterdir())) == 1
